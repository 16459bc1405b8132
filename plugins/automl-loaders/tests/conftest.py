"""Fixtures of the loaders' tests: the test datasets, small samples of them, a hermetic loader."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl_loaders.plugin
from automl_core import build_plugin_manager
from automl_core.data import load_with_manager


@pytest.fixture(scope="session")
def datasets(datasets_dir) -> Path:
    """The repository's ``tests/data`` (the root conftest's ``datasets_dir``)."""
    return datasets_dir


@pytest.fixture(scope="session")
def adult_sample(datasets) -> pd.DataFrame:
    """300 rows of adult_income read with pandas alone (ints, text with missing values)."""
    return pd.read_csv(datasets / "adult_income.csv.gz", nrows=300)


@pytest.fixture
def load():
    """Read a source through the core with the loaders plugin alone (no other installed plugin)."""
    pm = build_plugin_manager(plugins=[automl_loaders.plugin], autoload=False)
    return lambda source, **options: load_with_manager(pm, source, options)


def _nan_for_none(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda s: s.where(s.notna(), np.nan) if s.dtype == object else s)


@pytest.fixture
def assert_same_frame():
    """Assert two frames are equal in values and dtypes, counting None and NaN alike as missing."""
    return lambda expected, got: pd.testing.assert_frame_equal(_nan_for_none(expected), _nan_for_none(got))
