"""The early-stopping CatBoost estimators on samples of real datasets (the shared ``dataset`` fixture)."""

from __future__ import annotations

import signal

import numpy as np
import pandas as pd
import pytest
from automl_catboost.estimator import CatBoostEarlyStoppingClassifier, CatBoostEarlyStoppingRegressor
from automl_catboost.space import DEFAULTS
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.utils.validation import has_fit_parameter

#: Few rounds keep every fit here well under a second; early stopping still has room to act.
CAP = 400


@pytest.fixture
def sample(dataset):
    """``sample(name, rows) -> (X, y)``: text columns as ``category`` dtype, as the engine's
    ``native`` encoding gives them (missing values stay NaN)."""

    def _sample(name: str, rows: int) -> tuple[pd.DataFrame, pd.Series]:
        frame, target, _ = dataset(name, rows=rows)
        y = frame.pop(target)
        return frame.astype({c: "category" for c in frame.select_dtypes(["object", "string"]).columns}), y

    return _sample


def classifier(**kw) -> CatBoostEarlyStoppingClassifier:
    return CatBoostEarlyStoppingClassifier(**{"params": DEFAULTS[0], "n_estimators": CAP, "n_jobs": 1, **kw})


def test_classifier_stops_early_and_beats_the_prior_on_adult_income(sample):
    X, y = sample("adult_income", 1500)
    y = (y == ">50K").to_numpy().astype(int)
    model = classifier(params={**DEFAULTS[0], "learning_rate": 0.2}).fit(X[:1200], y[:1200])
    assert model.best_iteration_ < CAP - 1  # it stopped before the last round
    assert model.model_.tree_count_ == model.best_iteration_ + 1  # and kept the best iteration only
    proba = model.predict_proba(X[1200:])
    prior = np.tile(np.bincount(y[:1200]) / 1200, (300, 1))
    assert log_loss(y[1200:], proba) < 0.8 * log_loss(y[1200:], prior)
    assert list(model.classes_) == [0, 1] and set(model.predict(X[1200:])) <= {0, 1}


def test_missing_levels_in_categorical_columns_at_fit_and_at_predict(sample):
    X, y = sample("adult_income", 1500)
    assert X["occupation"].isna().any() and X["workclass"].isna().any()  # adult has NaN in its categoricals
    model = classifier().fit(X[:1200], y[:1200])
    held_out = X[1200:]
    levels = X["occupation"].cat.categories
    missing = held_out.assign(occupation=pd.Categorical([None] * len(held_out), categories=levels))
    proba = model.predict_proba(missing)
    assert np.isfinite(proba).all() and not np.allclose(proba, model.predict_proba(held_out))


def test_unseen_level_at_predict_is_missing_not_an_error(sample):
    X, y = sample("adult_income", 1500)
    model = classifier().fit(X[:1200], y[:1200])
    held_out = X[1200:]
    levels = X["native_country"].cat.categories
    unseen = held_out.assign(native_country=pd.Categorical(["Atlantis"] * len(held_out)))
    missing = held_out.assign(native_country=pd.Categorical([None] * len(held_out), categories=levels))
    as_text = held_out.assign(native_country=held_out["native_country"].astype(object))  # not category dtype
    np.testing.assert_allclose(model.predict_proba(unseen), model.predict_proba(missing))
    np.testing.assert_allclose(model.predict_proba(as_text), model.predict_proba(held_out))
    assert list(model.classes_) == sorted(y.unique())


@pytest.mark.slow
def test_multiclass_probabilities_have_a_column_per_class_on_penguins(sample):
    X, y = sample("penguins", 300)
    y = y.to_numpy().copy()
    y[0] = "Emperor"  # a class with a single row must stay in the inner training part
    model = classifier(params=DEFAULTS[1]).fit(X, y)
    assert list(model.classes_) == sorted(set(y))
    assert model.model_.get_all_params()["loss_function"] == "MultiClass"
    proba = model.predict_proba(X)
    assert proba.shape == (300, 4) and np.allclose(proba.sum(axis=1), 1.0)
    assert (model.predict(X[1:]) == y[1:]).mean() > 0.9


def test_regressor_beats_the_mean_on_california_housing(sample):
    X, y = sample("california_housing", 1500)
    model = CatBoostEarlyStoppingRegressor(params=DEFAULTS[0], n_estimators=CAP).fit(X[:1200], y[:1200])
    constant = np.full(300, y[:1200].mean())
    assert mean_squared_error(y[1200:], model.predict(X[1200:])) < 0.5 * mean_squared_error(y[1200:], constant)


def test_tiny_data_trains_rounds_scaled_to_the_learning_rate(sample):
    X, y = sample("auto_mpg", 60)
    model = CatBoostEarlyStoppingRegressor(params={"learning_rate": 0.2}).fit(X, y)
    assert model.best_iteration_ == 49  # ceil(10 / 0.2) rounds, no split


def test_sample_weights_shift_the_classifier_towards_the_weighted_class(dataset):
    frame, target, _ = dataset("lending_club", rows=2000)
    y = (frame.pop(target) == "bad").astype(int).to_numpy()
    X = frame.select_dtypes("number")
    assert has_fit_parameter(classifier(), "sample_weight")  # the engine weights classes only then
    plain = classifier().fit(X, y)
    weights = np.where(y == 1, (y == 0).sum() / (y == 1).sum(), 1.0)
    weighted = classifier().fit(X, y, sample_weight=weights)
    assert weighted.predict_proba(X)[:, 1].mean() > 2 * plain.predict_proba(X)[:, 1].mean()


@pytest.mark.slow
def test_fit_writes_no_files_and_uses_the_threads_and_seed_it_is_given(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = sample("penguins", 200)
    model = classifier(random_state=7).fit(X, y)
    assert list(tmp_path.iterdir()) == []  # no catboost_info/ litter
    params = model.model_.get_params()  # what the CatBoost model was built with
    assert params["thread_count"] == 1 and params["random_seed"] == 7 and not params["allow_writing_files"]
    again = classifier(random_state=7).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), again.predict_proba(X))


def test_the_engines_alarm_stops_a_fit_as_a_trial_timeout_not_a_keyboard_interrupt(sample):
    # automl-core bounds a trial with SIGALRM; CatBoost would turn the handler's exception
    # into KeyboardInterrupt, which would end the whole search instead of the one trial.
    from automl_core.testing import TrialTimeout, time_limit

    X, y = sample("adult_income", 2000)
    model = classifier(params={**DEFAULTS[-1], "learning_rate": 0.01}, n_estimators=20000, early_stopping_rounds=20000)
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TrialTimeout):
        with time_limit(0.5):
            model.fit(X, y)
    assert signal.getsignal(signal.SIGALRM) is before
