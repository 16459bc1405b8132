"""Fixtures of the scikit-learn plugin's tests: real datasets, shaped as the engine shapes them:
numbers as float64, strings as pandas ``category``."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import automl_core  # noqa: F401  (sets OMP_WAIT_POLICY before scikit-learn loads OpenMP)

REPO = Path(__file__).resolve().parents[3]


def _datasets_dir() -> Path:
    """``$AUTOML_DATASETS``, else ``shared/datasets`` beside the repository."""
    for candidate in (os.environ.get("AUTOML_DATASETS"), REPO.parent / "shared" / "datasets"):
        if candidate and (Path(candidate) / "manifest.json").exists():
            return Path(candidate)
    raise RuntimeError("the shared datasets are missing: set AUTOML_DATASETS to their folder")


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
def titanic() -> pd.DataFrame:
    """All 891 passengers: Age and Cabin often missing, Name and Ticket of hundreds of levels."""
    return engine_frame(pd.read_csv(_datasets_dir() / "titanic.csv"))


@pytest.fixture
def penguins() -> pd.DataFrame:
    """The 344 penguins, less the 2 rows without any measurement; sex missing in 9 rows."""
    frame = pd.read_csv(_datasets_dir() / "penguins.csv")
    return engine_frame(frame.dropna(subset=["bill_length_mm"]).reset_index(drop=True))
