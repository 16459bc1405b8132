"""Shared fixtures for every test folder: the test datasets in ``tests/data``.

They are samples of the shared benchmark datasets, as small as the tests allow, with a manifest
in the shared one's format (``tests/data/README.md`` says what each file is and how it was made).
The tests read nothing else: the full shared datasets are for the benchmarks only.

Also the fast tier's guard: a test that runs a real search (``AutoML.fit`` past its input checks) must be marked ``slow``
(``pytest -m "not slow"`` gives feedback in about a minute), and one that is not fails saying so.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib

# Models fitted directly in tests use one thread each, as the engine's own trials do: the
# machines that run the suite have few cores, shared with whatever else runs there. Fits run
# their trials in this process unless a test asks for workers (tests/test_parallel.py does):
# a pool of worker processes for each of the suite's hundreds of fits would cost minutes.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("AUTOML_N_WORKERS", "1")

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
            raise ValueError(
                f"{rows} rows of {name} asked for, but {entry['file']} has {len(frame)}: "
                "ship a larger sample (tests/data/make_samples.py)"
            )
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


# --------------------------------------------------------------------------- the fast tier's guard
_running: dict[str, object] = {"item": None}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _running["item"] = item


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    _running["item"] = None


def pytest_configure(config):
    from automl_core import estimator

    search_and_refit = estimator.search_and_refit

    @functools.wraps(search_and_refit)
    def guarded(*args, **kwargs):
        item = _running["item"]
        if item is not None and item.get_closest_marker("slow") is None:
            raise RuntimeError(
                f"{item.nodeid} runs a real search (AutoML.fit, in the test or a fixture) but is not "
                "marked slow: mark it @pytest.mark.slow so that pytest -m 'not slow' stays fast"
            )
        return search_and_refit(*args, **kwargs)

    estimator.search_and_refit = guarded
