"""Fixtures of the loaders' tests: the test datasets, small samples of them, a hermetic loader."""

from __future__ import annotations

from pathlib import Path

import automl_loaders.plugin
import numpy as np
import pandas as pd
import pytest

from automl_core.testing import load_with


@pytest.fixture(scope="session")
def datasets(datasets_dir) -> Path:
    """The repository's ``tests/data`` (the root conftest's ``datasets_dir``)."""
    return datasets_dir


@pytest.fixture(scope="session")
def adult_sample(datasets) -> pd.DataFrame:
    """300 rows of adult_income read with pandas alone (ints, text with missing values)."""
    return pd.read_csv(datasets / "adult_income.csv.gz", nrows=300)


@pytest.fixture
def read():
    """Read a source through the core with the loaders plugin alone (no other installed plugin):
    ``(frame, report)``, the loader's report of the read."""

    def read(source, **options):
        loaded = load_with([automl_loaders.plugin], source, **options)
        return loaded.frame, loaded.report

    return read


@pytest.fixture
def load(read):
    """Read a source as :func:`read` does: the frame alone."""
    return lambda source, **options: read(source, **options)[0]


def _nan_for_none(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda s: s.where(s.notna(), np.nan) if s.dtype == object else s)


@pytest.fixture
def assert_same_frame():
    """Assert two frames are equal in values and dtypes, counting None and NaN alike as missing."""
    return lambda expected, got: pd.testing.assert_frame_equal(_nan_for_none(expected), _nan_for_none(got))
