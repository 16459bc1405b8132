"""Real fits with sample weights, groups and time order, on data built so that a leaking
implementation scores visibly better than an honest one, and on the shipped datasets."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import root_mean_squared_error

from automl_core import AutoML, load
from automl_core.search import StorageError

pytestmark = pytest.mark.slow

FAST = dict(time_budget=30, seed=0, max_trials=3, n_workers=1)


def _grouped_random_labels(groups: int = 200, rows: int = 6, seed: int = 11):
    """Rows in groups that share an id-like number and a random label: the number predicts the
    label only for a model that saw other rows of the same group."""
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(groups), rows)
    label = rng.permutation(np.resize([0, 1], groups))[group]
    code = rng.permutation(groups)[group] * 7.3 + 11
    frame = pd.DataFrame({"code": code, "noise": rng.normal(size=len(group)), "label": label, "family": group})
    return frame.sample(frac=1, random_state=0).reset_index(drop=True)


def test_groups_keep_a_memorised_id_from_leaking_into_the_validation_score():
    frame = _grouped_random_labels()
    settings = dict(FAST, families=["extra_trees"])
    leaky = AutoML(**settings).fit(frame.drop(columns=["family"]), target="label")
    honest = AutoML(**settings, group_column="family").fit(frame, target="label")
    assert leaky.validation_score_ > 0.95  # the label read off the id of a group seen in training
    assert honest.validation_score_ < 0.65  # the truth: the id says nothing about a new group
    assert "family" not in honest.feature_names_in_
    assert honest.validation_["groups"] == {"source": "column 'family'", "count": 200}
    assert "by group (column 'family', 200 groups)" in honest.leaderboard_.attrs["validation"]


def _random_walk(n: int = 1500, seed: int = 0):
    """A target that wanders with time: between two known times it is easy, after them not."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {"t": np.arange(n, dtype=float), "noise": rng.normal(size=n), "y": np.cumsum(rng.normal(size=n))}
    )
    return frame.sample(frac=1, random_state=0).reset_index(drop=True)


def test_time_validation_measures_the_future_as_a_later_test_set_does():
    frame = _random_walk()
    past, future = frame[frame["t"] < 1200], frame[frame["t"] >= 1200]
    settings = dict(FAST, families=["random_forest", "hist_gradient_boosting"])
    leaky = AutoML(**settings, validation="kfold").fit(past, target="y")
    honest = AutoML(**settings, time_column="t").fit(past, target="y")
    tested = root_mean_squared_error(future["y"], honest.predict(future))
    assert leaky.validation_score_ < 0.4 * root_mean_squared_error(future["y"], leaky.predict(future))
    assert honest.validation_score_ > 0.5 * tested  # no flattering interpolation between known times
    assert honest.validation_["kind"] == "time" and honest.validation_["splits"] == 5


def test_bike_hours_validated_forward_in_time_and_refit_on_every_row(dataset):
    frame, target, _ = dataset("bike_sharing_hourly", rows=2000)
    model = AutoML(**dict(FAST, families=["knn"], ensemble=False, folds=4), time_column="dteday").fit(
        frame, target=target
    )
    assert model.validation_["kind"] == "time" and model.validation_["splits"] == 4
    assert model.validation_["time"] == {"source": "column 'dteday'", "kind": "datetime"}
    assert model.best_pipeline_.steps[-1][1].n_samples_fit_ == len(frame)  # the final refit saw every row
    day = pd.to_datetime(frame["dteday"])
    validated = model.reference_.index  # the reference sample is drawn from validated rows only
    assert day[validated].min() > day.min()  # the first part is never validated: nothing earlier to learn from
    assert "dteday" in model.feature_names_in_


def test_zero_weights_on_half_the_rows_make_another_model():
    """Half the rows say y = x, the other half y = -x: unweighted, the model learns neither."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=1200)
    first = np.arange(1200) % 2 == 0
    frame = pd.DataFrame(
        {"x": x, "noise": rng.normal(size=1200), "y": np.where(first, x, -x) + rng.normal(0, 0.1, 1200)}
    )
    settings = dict(FAST, families=["linear", "knn"])
    weighted = AutoML(**settings).fit(frame, target="y", sample_weight=first.astype(float))
    plain = AutoML(**settings).fit(frame, target="y")
    assert np.corrcoef(weighted.predict(frame), x)[0, 1] > 0.99
    assert abs(np.corrcoef(plain.predict(frame), x)[0, 1]) < 0.3
    assert weighted.validation_score_ < 0.2 < plain.validation_score_  # scored on the weighted rows only
    assert set(weighted.leaderboard_["family"]) == {"linear"}  # knn takes no weights: left out
    assert weighted.validation_["left_out"] == {"knn": "its model takes no sample_weight"}
    assert weighted.leaderboard_.attrs["notes"] == ["knn left out of the search: its model takes no sample_weight"]
    assert "knn" in set(plain.leaderboard_["family"])


def test_census_weights_from_a_column_reach_the_package_and_its_leaderboard(dataset, tmp_path):
    frame, target, _ = dataset("adult_income", rows=2000)
    model = AutoML(
        **dict(FAST, families=["hist_gradient_boosting", "knn"]), weight_column="fnlwgt", metric="accuracy"
    ).fit(frame, target=target)
    assert "fnlwgt" not in model.feature_names_in_
    assert model.validation_["sample_weight"]["source"] == "column 'fnlwgt'"
    assert model.validation_["description"] == "5-fold, stratified; weighted (column 'fnlwgt')"
    model.save(tmp_path / "model")
    meta = json.loads((tmp_path / "model" / "metadata.json").read_text())
    assert meta["settings"]["weight_column"] == "fnlwgt"
    assert meta["validation"]["left_out"] == {"knn": "its model takes no sample_weight"}
    again = load(tmp_path / "model")
    assert again.leaderboard_.attrs["validation"] == model.validation_["description"]
    assert again.validation_ == model.validation_
    np.testing.assert_array_equal(again.predict(frame.head(50)), model.predict(frame.head(50)))  # fnlwgt ignored


def test_a_resumed_search_must_have_the_same_weights_and_groups(tmp_path):
    frame = _grouped_random_labels(groups=60)
    storage = f"sqlite:///{tmp_path / 'search.db'}"
    settings = dict(FAST, max_trials=2, families=["linear"], storage=storage)
    weights = np.ones(len(frame))
    AutoML(**settings).fit(frame, target="label", groups=frame["family"], sample_weight=weights)
    with pytest.raises(StorageError, match="sample_weight"):
        AutoML(**settings).fit(frame, target="label", groups=frame["family"], sample_weight=weights * 2, resume=True)
    with pytest.raises(StorageError, match="groups"):
        AutoML(**settings).fit(frame, target="label", groups=frame["family"] // 2, sample_weight=weights, resume=True)
    resumed = AutoML(**settings).fit(frame, target="label", groups=frame["family"], sample_weight=weights, resume=True)
    assert resumed.validation_["groups"]["count"] == 60
