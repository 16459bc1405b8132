"""Shared fixtures for every test folder: the test datasets in ``tests/data``.

They are samples of the shared benchmark datasets, as small as the tests allow, with a manifest
in the shared one's format (``tests/data/README.md`` says what each file is and how it was made).
The tests read nothing else: the full shared datasets are for the benchmarks only.
"""
from __future__ import annotations

import functools
import json
import pathlib

import pandas as pd
import pytest

REPO = pathlib.Path(__file__).resolve().parent
DATASETS = REPO / "tests" / "data"


@functools.cache
def _manifest() -> dict[str, dict]:
    return {d["name"]: d for d in json.loads((DATASETS / "manifest.json").read_text())}


def _dataset(name: str, rows: int | None = None, seed: int = 0) -> tuple[pd.DataFrame, str, str]:
    """A test dataset (``rows`` of its rows drawn at random, in random order), its target column and its task."""
    entry = _manifest()[name]
    frame = pd.read_csv(DATASETS / entry["file"])
    if rows is not None:
        if rows > len(frame):
            raise ValueError(f"{rows} rows of {name} asked for, but {entry['file']} has {len(frame)}: "
                             "ship a larger sample (tests/data/make_samples.py)")
        frame = frame.sample(n=rows, random_state=seed).reset_index(drop=True)
    return frame, entry["target"], entry["task"]


@pytest.fixture(scope="session")
def datasets_dir() -> pathlib.Path:
    """``tests/data``: the test datasets and their ``manifest.json``."""
    if not (DATASETS / "manifest.json").exists():
        pytest.fail(f"the test datasets are missing: no manifest.json in {DATASETS}")
    return DATASETS


@pytest.fixture(scope="session")
def dataset(datasets_dir):
    """``dataset(name, rows=None, seed=0) -> (frame, target, task)`` for a test dataset."""
    return _dataset
