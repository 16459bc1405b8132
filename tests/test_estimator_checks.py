"""scikit-learn conformance: ``check_estimator`` on ``AutoML``, and fitted models that pickle.

``EXPECTED_FAILED_CHECKS`` is scikit-learn's own mechanism (``expected_failed_checks``, since
1.6) for checks an estimator may fail by design; docs/user-guide.md explains each.
"""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest

from automl_core import AutoML, DataError
from automl_core.plugin import Registry, build_plugin_manager

#: Checks that may fail by design, with the reason (docs/user-guide.md, scikit-learn conformance).
EXPECTED_FAILED_CHECKS = {
    "check_fit_idempotent": "under a wall-clock budget two fits may run different numbers of trials "
    "(a trial cut by its time limit, a machine busier the second time)",
    "check_sample_weight_equivalence_on_dense_data": "a weight of 2 is not a repeated row to a search: the "
    "repeated row can fall on both sides of a validation split, "
    "so the splits, the scores and the model chosen differ",
}
#: Checks scikit-learn skips for this estimator, and why.
SKIPPED_CHECKS = {
    "check_pipeline_consistency": "non_deterministic tag (wall-clock budgets)",
    "check_array_api_input": "needs SCIPY_ARRAY_API=1 in the environment; AutoML takes no array-API arrays",
}


def _estimator() -> AutoML:
    # small and bounded: each check clones it and fits on a few dozen rows
    return AutoML(time_budget=20, max_trials=2, n_workers=1, n_jobs=1, seed=0)  # one thread: no split timing


@pytest.mark.slow
def test_check_estimator_passes_every_check_but_those_expected_to_fail():
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(
            _estimator(), expected_failed_checks=EXPECTED_FAILED_CHECKS, on_fail=None, on_skip=None
        )
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(result["check_name"])
    failed = [
        f"{r['check_name']}: {type(r['exception']).__name__}: {r['exception']}"
        for r in results
        if r["status"] == "failed"
    ]
    assert not failed, "\n".join(failed)
    assert set(by_status.get("skipped", [])) <= set(SKIPPED_CHECKS), by_status.get("skipped")
    assert len(by_status["passed"]) >= 42, by_status
    assert "check_estimators_pickle" in by_status["passed"]


def test_tags_say_what_the_estimator_takes():
    tags = AutoML().__sklearn_tags__()
    assert tags.non_deterministic and tags.input_tags.allow_nan


def _first_party_families() -> list[str]:
    registry = Registry.from_manager(build_plugin_manager(), kinds=["model_family"])
    return sorted(f.name for f in registry.all("model_family", "binary"))


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic", rows=400)
    return frame, target


@pytest.mark.slow
@pytest.mark.parametrize("family", _first_party_families())
def test_a_fitted_model_of_each_family_pickles_and_predicts_the_same(family, titanic, tmp_path):
    frame, target = titanic
    model = AutoML(time_budget=30, max_trials=1, ensemble=False, families=[family], seed=0).fit(frame, target=target)
    assert model.best_config_.family == family
    expected = model.predict_proba(frame)
    again = pickle.loads(pickle.dumps(model))
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    for copy in (again, joblib.load(buffer)):
        assert np.array_equal(copy.predict_proba(frame), expected)
        assert np.array_equal(copy.predict(frame), model.predict(frame))
    # in a fresh process, where nothing of this one's imports is loaded yet
    joblib.dump(model, tmp_path / "model.joblib")
    frame.to_pickle(tmp_path / "frame.pkl")
    np.save(tmp_path / "expected.npy", expected)
    code = (
        "import sys, joblib, numpy as np, pandas as pd; d = sys.argv[1]; "
        "m = joblib.load(d + '/model.joblib'); "
        "assert np.array_equal(m.predict_proba(pd.read_pickle(d + '/frame.pkl')), np.load(d + '/expected.npy'))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


# --------------------------------------------------------------------------- input errors, without a fit
@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((12, 0)), r"0 feature\(s\) \(shape=\(12, 0\)\)"),
        (np.zeros((0, 3)), r"0 sample\(s\)"),
        (np.ones((5, 2)) + 1j, "Complex data not supported"),
        (np.ones(5), "Reshape your data"),
    ],
)
def test_fit_refuses_unusable_arrays_with_a_message_naming_the_problem(X, match):
    with pytest.raises(DataError, match=match):
        AutoML(autoload_plugins=False).fit(X, np.arange(len(X)) % 2)


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array", "dok_matrix", "coo_matrix"])
def test_sparse_input_is_refused_naming_it(kind):
    from scipy import sparse

    X = getattr(sparse, kind)(np.eye(6))
    with pytest.raises(DataError, match=f"X is a scipy sparse {kind}: sparse input is not supported"):
        AutoML(autoload_plugins=False).fit(X, np.arange(6) % 2)


def test_one_sample_and_nested_values_are_refused():
    with pytest.raises(DataError, match="1 sample"):
        AutoML(autoload_plugins=False).fit(pd.DataFrame({"a": [1.0]}), [1])
    nested = pd.DataFrame({"a": [{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}], "b": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(TypeError, match="column 'a' holds nested values") as info:
        AutoML().fit(nested, [0, 1, 0, 1])  # the column plan comes after the metric is found
    assert isinstance(info.value, DataError)


def test_y_of_the_wrong_length_names_both_arguments():
    with pytest.raises(DataError, match="y has 3 values but X has 4 rows"):
        AutoML(autoload_plugins=False).fit(pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]}), [0, 1, 0])


@pytest.mark.slow
def test_arrays_at_predict_are_read_by_position_and_a_wrong_width_is_named(titanic):
    frame, target = titanic
    numeric = frame[["Pclass", "Age", "SibSp", "Fare"]]
    model = AutoML(time_budget=20, max_trials=1, families=["linear"], seed=0).fit(numeric, frame[target])
    assert np.array_equal(model.predict_proba(numeric.to_numpy()), model.predict_proba(numeric))
    with pytest.raises(
        DataError, match=r"X has 2 features, but AutoML is expecting 4 features as input \(columns 'Pclass'"
    ):
        model.predict(numeric.to_numpy()[:, :2])
