"""The early-stopping XGBoost estimators on samples of real datasets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from automl_xgboost.estimator import XGBoostEarlyStoppingClassifier, XGBoostEarlyStoppingRegressor
from automl_xgboost.space import DEFAULTS
from sklearn.metrics import log_loss, mean_squared_error

from automl_core import inner_split

DATASETS = Path(__file__).resolve().parents[3] / "tests" / "data"  # the repository's test datasets


def sample(name: str, rows: int) -> tuple[pd.DataFrame, pd.Series]:
    """``rows`` random rows of a dataset of the manifest, its categorical columns as category dtype."""
    entry = {d["name"]: d for d in json.loads((DATASETS / "manifest.json").read_text())}[name]
    frame = pd.read_csv(DATASETS / entry["file"]).sample(rows, random_state=0).reset_index(drop=True)
    target = frame.pop(entry["target"])
    return frame.astype({c: "category" for c in entry["categorical_cols"]}), target


def test_classifier_stops_early_and_beats_the_prior_on_adult_income():
    X, y = sample("adult_income", 2000)
    y = (y == ">50K").to_numpy().astype(int)
    model = XGBoostEarlyStoppingClassifier(params=DEFAULTS[0], n_jobs=1).fit(X[:1500], y[:1500])
    assert model.best_iteration_ < model.n_estimators - 1  # it stopped before the last round
    proba = model.predict_proba(X[1500:])
    prior = np.tile(np.bincount(y[:1500]) / 1500, (500, 1))
    assert log_loss(y[1500:], proba) < 0.8 * log_loss(y[1500:], prior)
    assert set(model.predict(X[1500:])) <= {0, 1}


def test_unseen_category_at_predict_is_missing_not_an_error():
    X, y = sample("adult_income", 2000)
    model = XGBoostEarlyStoppingClassifier(params=DEFAULTS[0], n_jobs=1).fit(X[:1500], y[:1500])
    held_out = X[1500:]
    unseen = held_out.assign(native_country=pd.Categorical(["Atlantis"] * len(held_out)))
    levels = X["native_country"].cat.categories
    missing = held_out.assign(native_country=pd.Categorical([None] * len(held_out), categories=levels))
    assert not np.allclose(model.predict_proba(held_out), model.predict_proba(missing))  # the model uses native_country
    np.testing.assert_allclose(model.predict_proba(unseen), model.predict_proba(missing))
    assert list(model.classes_) == sorted(y.unique())


@pytest.mark.parametrize(
    ("name", "estimator"),
    [
        ("adult_income", XGBoostEarlyStoppingClassifier),
        ("penguins", XGBoostEarlyStoppingClassifier),
        ("diamonds", XGBoostEarlyStoppingRegressor),
    ],
)
def test_the_code_matrix_predicts_what_xgboost_gives_the_frame(name, estimator):
    """predict hands XGBoost a float matrix of codes instead of the frame: the same outputs,
    also for levels in another order, unseen levels, missing values and reordered columns."""
    X, y = sample(name, 1000 if name != "penguins" else 300)
    if name == "adult_income":
        y = (y == ">50K").astype(int)
    cut = int(0.7 * len(X))
    fit_rows, new = X.iloc[:cut], X.iloc[cut:].copy()
    model = estimator(params=DEFAULTS[0], n_jobs=1).fit(fit_rows, y.iloc[:cut])
    categorical = list(model.categories_)
    first = categorical[0]
    levels = list(new[first].cat.categories)
    new[first] = new[first].cat.set_categories(levels[::-1] + ["never seen"])  # same levels, reversed, one more
    new.loc[new.index[:5], first] = "never seen"
    new.loc[new.index[5:10], first] = None
    frame = new.assign(**{c: new[c].cat.set_categories(model.categories_[c]) for c in categorical})
    output = model.predict_proba if hasattr(model, "predict_proba") else model.predict
    fitted_names = model.model_.get_booster().feature_names  # f0, f1...: XGBoost refuses some names
    reference = getattr(model.model_, output.__name__)(frame.set_axis(fitted_names, axis=1))  # its own pandas path
    np.testing.assert_array_equal(output(new), reference)
    np.testing.assert_array_equal(output(new[new.columns[::-1]]), reference)


def test_a_refit_on_an_array_predicts_by_position():
    X, y = sample("california_housing", 600)
    numbers = X.select_dtypes("number")
    model = XGBoostEarlyStoppingRegressor(params=DEFAULTS[0], n_jobs=1).fit(numbers, y)
    model.fit(numbers.to_numpy(), y)  # names from the first fit must not outlive it
    assert not hasattr(model, "feature_names_in_")
    np.testing.assert_array_equal(model.predict(numbers), model.predict(numbers.to_numpy()))


def test_a_category_column_without_categories_fits_and_predicts_as_missing():
    # what a fold gives when a column's only levels all fall in its validation rows
    X, y = sample("adult_income", 1500)
    empty = pd.Categorical([None] * len(X), categories=[])
    model = XGBoostEarlyStoppingClassifier(params=DEFAULTS[0], n_jobs=1).fit(X.assign(rare=empty), y)
    without = XGBoostEarlyStoppingClassifier(params=DEFAULTS[0], n_jobs=1).fit(X.assign(rare=np.nan), y)
    assert model.empty_categories_ == ["rare"] and "rare" not in model.categories_
    later = X.assign(rare=pd.Categorical(["seen later"] * len(X)))  # a level at predict is unknown: missing
    np.testing.assert_array_equal(model.predict_proba(later), without.predict_proba(X.assign(rare=np.nan)))


@pytest.mark.slow
def test_regressor_beats_the_mean_on_california_housing():
    X, y = sample("california_housing", 2000)
    model = XGBoostEarlyStoppingRegressor(params=DEFAULTS[1], n_jobs=1).fit(X[:1500], y[:1500])
    constant = np.full(500, y[:1500].mean())
    assert mean_squared_error(y[1500:], model.predict(X[1500:])) < 0.5 * mean_squared_error(y[1500:], constant)


def test_multiclass_with_a_class_seen_once_on_penguins():
    X, y = sample("penguins", 300)
    y = y.to_numpy().copy()
    y[0] = "Emperor"  # a class with a single row must stay in the inner training part
    model = XGBoostEarlyStoppingClassifier(params=DEFAULTS[1], n_jobs=1).fit(X, y)
    assert model.predict_proba(X).shape == (300, 4)
    assert (model.predict(X[1:]) == y[1:]).mean() > 0.9


def test_inner_split_keeps_singletons_in_training_and_skips_tiny_data():
    y = np.array([0] * 100 + [1] * 50 + [2])
    train, valid = inner_split(y, stratify=True, fraction=0.2, min_rows=20, seed=0)
    assert 150 in train and len(valid) == 30
    assert np.bincount(y[valid]).tolist() == [20, 10]
    assert inner_split(y[:60], stratify=False, fraction=0.2, min_rows=20, seed=0) is None


def test_tiny_data_trains_rounds_scaled_to_the_learning_rate():
    X, y = sample("auto_mpg", 60)
    model = XGBoostEarlyStoppingRegressor(params={"learning_rate": 0.2}, n_jobs=1).fit(X, y)
    assert model.best_iteration_ == 49  # ceil(10 / 0.2) rounds, no split


def test_sample_weights_shift_the_classifier_towards_the_weighted_class(datasets_dir):
    frame = pd.read_csv(datasets_dir / "lending_club.csv.gz").sample(n=3000, random_state=0)
    y = (frame.pop("Class") == "bad").astype(int).to_numpy()
    X = frame.select_dtypes("number")
    plain = XGBoostEarlyStoppingClassifier(params={"learning_rate": 0.1}, random_state=0).fit(X, y)
    weights = np.where(y == 1, (y == 0).sum() / (y == 1).sum(), 1.0)
    weighted = XGBoostEarlyStoppingClassifier(params={"learning_rate": 0.1}, random_state=0).fit(
        X, y, sample_weight=weights
    )
    assert weighted.predict_proba(X)[:, 1].mean() > 2 * plain.predict_proba(X)[:, 1].mean()
