"""Property-based tests (hypothesis) of fit, predict and load on generated input.

Whatever the frame (mixed dtypes, NaN and infinities, unicode and repeated names, constant and
entirely missing columns, one row, a thousand columns, huge magnitudes), ``fit`` either fits a
model that predicts, or raises one of the project's own errors (``AutoMLError`` and its kinds),
never a bare library exception, and never runs past its budget; ``predict`` on a generated
batch answers or raises one of ours; a package with any byte changed loads as it was or is a
``PackageError``.

The example counts are small here (the suite runs on two cores); ``HYPOTHESIS_PROFILE=nightly``
runs many more (``scripts/nightly-properties.sh``).
"""

from __future__ import annotations

import os
import shutil
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automl_core import AutoML, AutoMLError, PackageError, load

settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "nightly",
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

#: Each generated fit's budget, and how far past it a fit may end: the engine's promise
#: (1.05 times the budget plus a second) with a second more for a machine the suite shares.
BUDGET = 2.0
ALLOWED = 1.05 * BUDGET + 2.0

NAMES = st.one_of(st.text(min_size=0, max_size=12), st.sampled_from(["a", "a", "é", "名前", " ", "__target__", "0"]))
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 1e-308, 0.0]))
CELLS = {
    "float": FLOATS,
    "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "text": st.text(max_size=20),
    "bool": st.booleans(),
    "level": st.sampled_from(["x", "y", "z", None]),
    "missing": st.none(),
    "date": st.sampled_from(["2024-01-01", "2024-02-29 10:00", "2024-03-01T00:00:00+02:00", "01/02/2024", None]),
}


@st.composite
def frames(draw, max_rows: int = 40, max_columns: int = 6) -> pd.DataFrame:
    """A frame of mixed columns with a target column ``__y__`` of two or more classes or numbers."""
    rows = draw(st.integers(min_value=1, max_value=max_rows))
    width = draw(st.sampled_from([draw(st.integers(min_value=0, max_value=max_columns)), 1000]))
    columns, names = [], []
    for i in range(width):
        kind = draw(st.sampled_from(sorted(CELLS))) if width < 1000 else "float"
        if width < 1000:
            values = draw(st.lists(CELLS[kind], min_size=rows, max_size=rows))
            names.append(draw(NAMES))
        else:  # wide: drawn from numpy, not cell by cell
            values = np.random.default_rng(i).normal(size=rows)
            names.append(f"c{i}")
        columns.append(pd.Series(values, dtype="object" if kind in ("text", "level", "missing", "date") else None))
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(rows))
    frame.columns = names
    target = draw(st.sampled_from(["classes", "numbers", "constant", "some missing"]))
    rng = np.random.default_rng(rows)
    y = {
        "classes": rng.choice(["yes", "no"], rows),
        "numbers": rng.normal(size=rows),
        "constant": np.ones(rows),
        "some missing": np.where(rng.random(rows) < 0.3, np.nan, rng.normal(size=rows)),
    }
    frame["__y__"] = y[target]
    return frame


def _fit(frame: pd.DataFrame):
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = AutoML(time_budget=BUDGET, n_workers=1, seed=0).fit(frame, target="__y__")
    except AutoMLError:
        model = None
    elapsed = time.monotonic() - started
    assert elapsed <= ALLOWED, f"fit ran {elapsed:.1f} s on a {BUDGET} s budget"
    return model


@pytest.mark.slow
@settings(settings.get_profile(PROFILE))
@given(frames())
def test_fit_fits_or_raises_one_of_ours_within_the_budget(frame):
    model = _fit(frame)
    if model is not None:
        features = frame.drop(columns="__y__").head(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert len(model.predict(features)) == len(features)


@pytest.fixture(scope="module")
def fitted(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AutoML(time_budget=10, max_trials=3, n_workers=1, seed=0).fit(frame, target=target), frame, target


@pytest.mark.slow
@settings(settings.get_profile(PROFILE), max_examples=settings.get_profile(PROFILE).max_examples * 4)
@given(data=st.data())
def test_predict_answers_or_raises_one_of_ours(fitted, data):
    model, frame, target = fitted
    batch = frame.drop(columns=target).head(data.draw(st.integers(min_value=0, max_value=5))).copy()
    for column in data.draw(st.lists(st.sampled_from(list(batch.columns)), max_size=4, unique=True)):
        action = data.draw(st.sampled_from(["cells", "drop", "duplicate", "rename"]))
        if action == "drop":
            batch = batch.drop(columns=column)
        elif action == "duplicate":
            batch = pd.concat([batch, batch[[column]]], axis=1)
        elif action == "rename":
            batch = batch.rename(columns={column: data.draw(NAMES)})
        else:
            cells = data.draw(st.lists(st.one_of(*CELLS.values()), min_size=len(batch), max_size=len(batch)))
            batch[column] = pd.Series(cells, index=batch.index, dtype=object)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answer = model.predict(batch)
    except AutoMLError:
        return
    assert len(answer) == len(batch)


@pytest.fixture(scope="module")
def package(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("package") / "model"
    fitted[0].save(path)
    return path


@pytest.mark.slow
@settings(settings.get_profile(PROFILE), max_examples=settings.get_profile(PROFILE).max_examples * 4)
@given(data=st.data())
def test_a_package_with_any_byte_changed_loads_as_it_was_or_is_refused(fitted, package, tmp_path_factory, data):
    copy = tmp_path_factory.mktemp("changed") / "model"
    shutil.copytree(package, copy)
    files = sorted(p for p in copy.rglob("*") if p.is_file())
    file = data.draw(st.sampled_from(files))
    content = bytearray(file.read_bytes())
    if content:
        at = data.draw(st.integers(min_value=0, max_value=len(content) - 1))
        content[at] = data.draw(st.integers(min_value=0, max_value=255))
    file.write_bytes(bytes(content))
    try:
        loaded = load(copy)
    except PackageError:
        return
    model, frame, target = fitted
    rows = frame.drop(columns=target).head(5)
    np.testing.assert_array_equal(loaded.predict_proba(rows), model.predict_proba(rows))
