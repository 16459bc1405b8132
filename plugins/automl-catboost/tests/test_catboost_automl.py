"""A real search that can only pick CatBoost, saved as a model package and loaded back."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import automl_core
from automl_core import AutoML, PackageWarning


@pytest.mark.slow
def test_a_catboost_model_saves_loads_and_predicts_the_same(dataset, tmp_path):
    frame, target, _ = dataset("adult_income", rows=1300)
    train, rows = frame.iloc[:1000], frame.iloc[1000:].drop(columns=[target])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PackageWarning)  # no type the package cannot vouch for
        model = AutoML(time_budget=20, max_trials=1, families=["catboost"], seed=0).fit(train, target=target)
        model.save(tmp_path / "model")
    assert set(model.leaderboard_.family) == {"catboost"}
    assert model.leaderboard_.loc[0, "state"] == "complete"

    loaded = automl_core.load(tmp_path / "model")
    np.testing.assert_array_equal(loaded.predict_proba(rows), model.predict_proba(rows))
    np.testing.assert_array_equal(loaded.predict(rows), model.predict(rows))
    meta = json.loads((tmp_path / "model" / "metadata.json").read_text())
    assert meta["model_files"]["pipelines"] == ["pipeline-0.skops"]  # data, not a pickle
    [plugin] = [p for p in meta["plugins"] if p["plugin"] == "catboost"]
    assert plugin["distribution"] == "automl-catboost" and plugin["components"] == ["catboost"]
    assert plugin["classes"] == ["automl_catboost.estimator.CatBoostEarlyStoppingClassifier"]
    assert "catboost" in meta["versions"]
