"""Fixtures of the scikit-learn plugin's tests: real datasets (the test datasets of ``tests/data``),
shaped as the engine shapes them: numbers as float64, strings as pandas ``category``."""

from __future__ import annotations

import pandas as pd
import pytest

import automl_core  # noqa: F401  (sets OMP_WAIT_POLICY before scikit-learn loads OpenMP)


def engine_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as float64 and strings as ``category``, as the engine hands columns to a pipeline."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("float64")
        else:
            out[column] = out[column].astype("category")
    return out


@pytest.fixture
def titanic(dataset) -> pd.DataFrame:
    """All 891 passengers: Age and Cabin often missing, Name and Ticket of hundreds of levels."""
    frame, _, _ = dataset("titanic")
    return engine_frame(frame)


@pytest.fixture
def penguins(dataset) -> pd.DataFrame:
    """The 344 penguins, less the 2 rows without any measurement; sex missing in 9 rows."""
    frame, _, _ = dataset("penguins")
    return engine_frame(frame.dropna(subset=["bill_length_mm"]).reset_index(drop=True))
