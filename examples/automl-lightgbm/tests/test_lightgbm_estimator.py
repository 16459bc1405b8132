"""The early-stopping LightGBM estimators on samples of real datasets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from automl_lightgbm import DEFAULTS
from automl_lightgbm.estimator import LightGBMEarlyStoppingClassifier, LightGBMEarlyStoppingRegressor
from sklearn.metrics import log_loss, mean_squared_error

DATASETS = Path(__file__).resolve().parents[3] / "tests" / "data"  # the repository's test datasets


def sample(name: str, rows: int) -> tuple[pd.DataFrame, pd.Series]:
    """``rows`` random rows of a dataset of the manifest, its categorical columns as category dtype."""
    entry = {d["name"]: d for d in json.loads((DATASETS / "manifest.json").read_text())}[name]
    frame = pd.read_csv(DATASETS / entry["file"]).sample(rows, random_state=0).reset_index(drop=True)
    target = frame.pop(entry["target"])
    return frame.astype({c: "category" for c in entry["categorical_cols"]}), target


def test_the_entry_point_loads_the_plugin_without_importing_lightgbm():
    code = (
        "import sys; from importlib import metadata\n"
        "[point] = [e for e in metadata.entry_points(group='automl.plugins') if e.name == 'lightgbm']\n"
        "assert point.load().PLUGIN_NAME == 'lightgbm'\n"
        "assert 'lightgbm' not in sys.modules, 'loading the plugin imported lightgbm'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("name", "estimator"),
    [
        ("adult_income", LightGBMEarlyStoppingClassifier),
        ("penguins", LightGBMEarlyStoppingClassifier),
        ("diamonds", LightGBMEarlyStoppingRegressor),
    ],
)
@pytest.mark.slow
def test_the_code_matrix_predicts_what_lightgbm_gives_the_frame(name, estimator):
    """predict hands the booster a matrix of category codes instead of the frame: the same
    outputs as LightGBM's own path, also for levels in another order, unseen levels, missing
    values and reordered columns."""
    X, y = sample(name, 1000 if name != "penguins" else 300)
    cut = int(0.7 * len(X))
    fit_rows, new = X.iloc[:cut], X.iloc[cut:].copy()
    model = estimator(params=DEFAULTS[0]).fit(fit_rows, y.iloc[:cut])
    first = model.categorical_[0]
    levels = list(new[first].cat.categories)
    new[first] = new[first].cat.set_categories(levels[::-1] + ["never seen"])  # same levels, reversed, one more
    new.loc[new.index[:5], first] = "never seen"
    new.loc[new.index[5:10], first] = None
    wrapped = model.model_  # LightGBM's own sklearn estimator, which converts the frame itself
    reference = wrapped.predict_proba(new) if hasattr(wrapped, "predict_proba") else wrapped.predict(new)
    output = model.predict_proba if hasattr(model, "predict_proba") else model.predict
    np.testing.assert_array_equal(output(new), reference)
    np.testing.assert_array_equal(output(new[new.columns[::-1]]), reference)


def test_classifier_stops_early_and_beats_the_prior_on_adult_income():
    X, y = sample("adult_income", 2000)
    y = (y == ">50K").to_numpy().astype(int)
    model = LightGBMEarlyStoppingClassifier(params=DEFAULTS[1], n_jobs=1).fit(X[:1500], y[:1500])
    assert 0 < model.best_iteration_ < model.n_estimators  # it stopped before the last round
    prior = np.tile(np.bincount(y[:1500]) / 1500, (500, 1))
    assert log_loss(y[1500:], model.predict_proba(X[1500:])) < 0.8 * log_loss(y[1500:], prior)


def test_unseen_category_at_predict_is_treated_as_missing():
    X, y = sample("adult_income", 2000)
    model = LightGBMEarlyStoppingClassifier(params=DEFAULTS[1], n_jobs=1).fit(X[:1500], y[:1500])
    held_out = X[1500:]
    levels = X["occupation"].cat.categories
    unseen = held_out.assign(occupation=pd.Categorical(["Astronaut"] * len(held_out)))
    missing = held_out.assign(occupation=pd.Categorical([None] * len(held_out), categories=levels))
    assert not np.allclose(model.predict_proba(held_out), model.predict_proba(missing))  # the model uses occupation
    np.testing.assert_allclose(model.predict_proba(unseen), model.predict_proba(missing))
    assert set(model.predict(held_out)) <= set(y.unique())


@pytest.mark.slow
def test_regressor_beats_the_mean_on_california_housing():
    X, y = sample("california_housing", 2000)
    model = LightGBMEarlyStoppingRegressor(params=DEFAULTS[0], n_jobs=1).fit(X[:1500], y[:1500])
    constant = np.full(500, y[:1500].mean())
    assert mean_squared_error(y[1500:], model.predict(X[1500:])) < 0.5 * mean_squared_error(y[1500:], constant)
