"""Sample weights, groups and time order without a search: the splits keep groups apart and
time in order, the inputs are checked with errors that name them, and weights reach the
metric, the ensemble selection and the model's fit (multiplied with class weights)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import Pipeline

from automl_core import AutoML, Evaluator, hookimpl
from automl_core.data import RowRoles, training_data
from automl_core.errors import DataError, UnknownComponentError
from automl_core.fit import FitSettings
from automl_core.model import score
from automl_core.search import PipelineConfig, Splits, fit_pipeline, make_splits, select_ensemble, time_splits
from automl_core.testing import ConformanceError, check_evaluator


def _settings(**given) -> FitSettings:
    return FitSettings.from_params(AutoML(**given).get_params())


# --------------------------------------------------------------------------- groups
def _assert_groups_apart(splits: Splits, groups: np.ndarray) -> None:
    for train, val in splits.folds:
        assert len(train) and len(val)
        assert not set(groups[train]) & set(groups[val])


@pytest.mark.parametrize("validation", ["kfold", "holdout", "auto"])
def test_no_ticket_has_passengers_on_both_sides_of_a_split(dataset, validation):
    """Titanic passengers sharing a ticket travelled together and mostly shared their fate."""
    frame, target, _ = dataset("titanic")
    y = frame[target].to_numpy()
    groups = pd.factorize(frame["Ticket"])[0]
    splits = make_splits(y, "binary", validation, 5, 0.2, 0, groups=groups)
    assert splits.grouped and splits.stratified
    _assert_groups_apart(splits, groups)
    if validation != "holdout":
        assert np.array_equal(splits.validated_rows, np.arange(len(y)))
    else:
        assert 0.1 < len(splits.folds[0][1]) / len(y) < 0.3  # about the holdout share
        assert set(y[splits.folds[0][1]]) == {0, 1}


def test_grouped_regression_splits_keep_groups_apart_and_are_seeded(dataset):
    frame, _, _ = dataset("bike_sharing_hourly")
    groups = pd.factorize(frame["dteday"])[0]  # a day's hours share its weather and its crowd
    y = frame["cnt"].to_numpy(dtype=float)
    for validation in ("kfold", "holdout"):
        splits = make_splits(y, "regression", validation, 5, 0.2, 3, groups=groups)
        _assert_groups_apart(splits, groups)
        again = make_splits(y, "regression", validation, 5, 0.2, 3, groups=groups)
        assert all(np.array_equal(a[1], b[1]) for a, b in zip(splits.folds, again.folds))


def test_fewer_groups_than_folds_is_an_error_that_says_so():
    y = np.arange(40.0)
    with pytest.raises(DataError, match="3 group"):
        make_splits(y, "regression", "kfold", 5, 0.2, 0, groups=np.arange(40) % 3)
    groups = np.arange(40) % 3  # a holdout needs two groups, stratified or not
    splits = make_splits(np.arange(40) % 2, "binary", "holdout", 5, 0.2, 0, groups=groups)
    _assert_groups_apart(splits, groups)
    with pytest.raises(DataError, match="1 group"):
        make_splits(np.arange(40) % 2, "binary", "holdout", 5, 0.2, 0, groups=np.zeros(40))


# --------------------------------------------------------------------------- time
def test_time_splits_are_those_of_time_series_split_on_rows_ordered_by_time():
    rng = np.random.default_rng(0)
    time = rng.permutation(500).astype(float)  # distinct times, rows not in time order
    splits = time_splits(time, 4)
    order = np.argsort(time)
    expected = [(np.sort(order[train]), np.sort(order[val])) for train, val in TimeSeriesSplit(4).split(order)]
    assert splits.kind == "time" and len(splits.folds) == 4
    for (train, val), (want_train, want_val) in zip(splits.folds, expected):
        assert np.array_equal(train, want_train) and np.array_equal(val, want_val)


def test_hours_of_one_day_stay_on_one_side_and_validation_is_always_later(dataset):
    frame, _, _ = dataset("bike_sharing_hourly")
    time = pd.to_datetime(frame["dteday"]).to_numpy().astype("int64")  # ties: the hours of a day
    splits = time_splits(time, 5)
    assert len(splits.folds) == 5
    ends = []
    for train, val in splits.folds:
        assert time[train].max() < time[val].min()  # no validation row earlier than a training row
        assert not set(time[train]) & set(time[val])
        ends.append(len(train) + len(val))
    assert ends[-1] == len(frame) and ends == sorted(ends)
    for (_, before), (after, _) in zip(splits.folds, splits.folds[1:]):
        assert set(before) <= set(after)  # forward-chaining: each split trains on the last one's rows


def test_time_validation_needs_a_time_column_and_a_time_column_needs_time_validation():
    with pytest.raises(ValueError, match="time_column"):
        _settings(validation="time")
    with pytest.raises(ValueError, match="'kfold'"):
        _settings(validation="kfold", time_column="when")
    assert _settings(time_column="when").validation == "time"
    with pytest.raises(DataError, match="too few distinct"):
        time_splits(np.repeat([1.0, 2.0], [99, 1]), 3)


# --------------------------------------------------------------------------- roles
def _frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "w": rng.uniform(0.5, 2.0, n),
            "g": np.arange(n) % 6,
            "when": pd.date_range("2024-01-01", periods=n, freq="D").astype(str),
            "y": np.arange(n) % 2,
        }
    )


def test_weight_and_group_columns_leave_the_features_and_the_time_column_stays():
    frame = _frame()
    frame.loc[3, "y"] = None  # its row is dropped, weights and groups with it
    data = training_data(frame, None, "y", {}, roles=RowRoles("w", "g", "when"))
    assert list(data.features.columns) == ["x", "when"]
    assert np.array_equal(data.rows.sample_weight, frame["w"].drop(index=3).to_numpy())
    assert np.array_equal(data.rows.groups, frame["g"].drop(index=3).to_numpy())
    assert data.rows.time_kind == "datetime" and np.all(np.diff(data.rows.time) > 0)
    assert data.rows.sources == {"sample_weight": "column 'w'", "groups": "column 'g'", "time": "column 'when'"}


@pytest.mark.parametrize(
    "roles, message",
    [
        (RowRoles(weight_column="nope"), "weight_column 'nope' is not a column"),
        (RowRoles(group_column="y"), "group_column 'y' is the target"),
        (RowRoles(weight_column="w", group_column="w"), "each must name another column"),
        (RowRoles(weight_column="w", sample_weight=np.ones(30)), "not both"),
        (RowRoles(sample_weight=np.ones(29)), "one value per row: 30 rows"),
        (RowRoles(sample_weight=-np.ones(30)), "non-negative"),
        (RowRoles(sample_weight=np.zeros(30)), "all zero"),
        (RowRoles(sample_weight=np.r_[np.ones(29), np.nan]), "missing in 1 row"),
        (RowRoles(sample_weight=np.array(["heavy"] * 30)), "must be numbers; got 'heavy'"),
        (RowRoles(groups=np.r_[np.ones(29), np.nan]), r"groups \(groups=\) are missing in 1 row"),
        (RowRoles(time_column="x"), None),
        (RowRoles(time_column="g"), None),
    ],
)
def test_bad_weights_groups_and_times_are_named(roles, message):
    frame = _frame().drop(columns=["when"]).assign(g=lambda f: f["g"].astype(str) + " ")
    frame["g"] = frame["g"].where(frame.index != 5, "not a date")
    if message is None:  # numbers order rows; text that is not dates does not
        if roles.time_column == "x":
            assert training_data(frame, None, "y", {}, roles=roles).rows.time_kind == "numeric"
            return
        message = "time_column 'g' must hold dates or numbers"
    with pytest.raises(DataError, match=message):
        training_data(frame, None, "y", {}, roles=roles)


def test_a_role_given_to_fit_as_a_keyword_is_sent_to_automl():
    with pytest.raises(TypeError, match=r"AutoML\(weight_column='w'\)"):
        AutoML(time_budget=5).fit(_frame(), target="y", weight_column="w")


# --------------------------------------------------------------------------- metrics
def _unweighted_brier(y_true, proba):
    return float(np.mean((proba[:, 1] - y_true) ** 2))


def _weights_ignored(y_true, proba, sample_weight=None):
    return _unweighted_brier(y_true, proba)


def test_a_weighted_evaluator_that_ignores_its_weights_fails_the_conformance_check():
    with pytest.raises(ConformanceError, match="weights of 0 on the second half"):
        check_evaluator(
            Evaluator("brier", ("binary",), _weights_ignored, needs="proba", greater_is_better=False, weighted=True)
        )
    check_evaluator(Evaluator("brier", ("binary",), _unweighted_brier, needs="proba", greater_is_better=False))


class _BrierPlugin:
    @hookimpl
    def register_evaluators(self, register):
        register(Evaluator("brier", ("binary",), _unweighted_brier, needs="proba", greater_is_better=False))


def test_weights_with_a_search_metric_that_cannot_take_them_is_an_error_naming_it(dataset):
    frame, target, _ = dataset("titanic")
    model = AutoML(time_budget=5, metric="brier", plugins=[_BrierPlugin()])
    with pytest.raises(DataError, match="'brier' takes no weights"):
        model.fit(frame, target=target, sample_weight=np.ones(len(frame)))
    with pytest.raises(ValueError, match="'brier' takes no sample weights"):
        score(
            Evaluator("brier", ("binary",), _unweighted_brier, needs="proba"),
            np.zeros(2),
            np.ones((2, 2)),
            sample_weight=np.ones(2),
        )


def test_a_search_of_families_that_take_no_weights_is_refused_naming_them(dataset):
    frame, target, _ = dataset("titanic")
    with pytest.raises(UnknownComponentError, match="no model family of this search takes them: knn"):
        AutoML(time_budget=5, families=["knn"]).fit(frame, target=target, sample_weight=np.ones(len(frame)))


def test_ensemble_selection_scores_the_blends_with_the_weights():
    """Trial 1 is right on the first half of the rows, trial 2 on the second; weights choose."""
    y = np.tile([0, 1], 50)
    right, wrong = np.eye(2)[y] * 0.8 + 0.1, np.eye(2)[1 - y] * 0.8 + 0.1
    half = np.arange(100) < 50
    first = dataclasses.make_dataclass("R", ["number", "oof"])(1, np.where(half[:, None], right, wrong))
    second = dataclasses.make_dataclass("R", ["number", "oof"])(2, np.where(half[:, None], wrong, right))
    metric = Evaluator(
        "accuracy",
        ("binary",),
        lambda t, p, sample_weight=None: float(np.average(t == p, weights=sample_weight)),
        weighted=True,
    )
    assert select_ensemble([first, second], y, metric, sample_weight=half.astype(float)) == {1: 1.0}
    assert select_ensemble([first, second], y, metric, sample_weight=(~half).astype(float)) == {2: 1.0}


def test_class_weights_multiply_the_sample_weights():
    """DummyClassifier's prior is the weighted class shares: what the model was given."""
    y = np.array([0] * 8 + [1] * 2)
    X = pd.DataFrame({"x": np.arange(10.0)})
    weights = np.r_[np.full(8, 1.0), 3.0, 1.0]
    pipeline = Pipeline([("model", DummyClassifier(strategy="prior"))])
    balanced = PipelineConfig("dummy", {}, class_weight="balanced")
    prior = fit_pipeline(pipeline, X, y, balanced, weights).named_steps["model"].class_prior_
    class_weight = np.array([10 / 16, 10 / 4])  # n / (k * count)
    expected = np.array([8 * class_weight[0], 4 * class_weight[1]])
    assert np.allclose(prior, expected / expected.sum())
    plain = fit_pipeline(pipeline, X, y, PipelineConfig("dummy", {}), weights).named_steps["model"].class_prior_
    assert np.allclose(plain, [8 / 12, 4 / 12])


def test_k_fold_splits_classes_all_smaller_than_k_without_stratifying():
    """Five rows of two classes (3 and 2): StratifiedKFold refuses 5 folds when every class
    has fewer rows than folds; the splits are plain k-fold, every row validated once."""
    from automl_core.search import make_splits

    y = np.array([0, 0, 0, 1, 1])
    splits = make_splits(y, "binary", "kfold", 5, 0.2, 0)
    assert not splits.stratified and sorted(np.concatenate([val for _, val in splits.folds])) == list(range(5))
