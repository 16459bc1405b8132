"""Shared fixtures for every test folder: the real datasets in ``../shared/datasets``."""
from __future__ import annotations

import json
import os
import pathlib

import pandas as pd
import pytest

REPO = pathlib.Path(__file__).resolve().parent
DATASETS = pathlib.Path(os.environ.get("AUTOML_DATASETS", REPO.parent / "shared" / "datasets"))


def _dataset(name: str, rows: int | None = None, seed: int = 0) -> tuple[pd.DataFrame, str, str]:
    """A real dataset (sampled to ``rows``), its target column and its task."""
    manifest = {d["name"]: d for d in json.loads((DATASETS / "manifest.json").read_text())}
    entry = manifest[name]
    frame = pd.read_csv(DATASETS / entry["file"])
    if rows is not None and rows < len(frame):
        frame = frame.sample(n=rows, random_state=seed).reset_index(drop=True)
    return frame, entry["target"], entry["task"]


@pytest.fixture(scope="session")
def datasets_dir() -> pathlib.Path:
    if not (DATASETS / "manifest.json").exists():
        pytest.fail(f"the shared datasets are not at {DATASETS}; set AUTOML_DATASETS")
    return DATASETS


@pytest.fixture(scope="session")
def dataset(datasets_dir):
    """``dataset(name, rows=None, seed=0) -> (frame, target, task)`` for a real dataset."""
    return _dataset
