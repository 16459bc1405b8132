"""register_feature_builders and register_preprocessors exercised by real fits.

The scikit-learn plugin, found through its entry point like any installed plugin, contributes
the feature builders (datetime_parts, text_tfidf, feature_selection) and the preprocessors
target_encoder and rare_grouper; these fits show the engine running them.
"""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from automl_core import AutoML

pytestmark = pytest.mark.slow


def test_register_feature_builders_date_parts_run_wherever_dates_are(dataset):
    frame, target, _ = dataset("bike_sharing_hourly", rows=1500)
    model = AutoML(time_budget=15, max_trials=4, seed=0).fit(frame, target=target)
    assert "datetime_parts" in model.best_config_.builders
    done = model.leaderboard_[model.leaderboard_["state"] == "complete"]
    assert len(done) > 0 and done["preprocessing"].str.contains("datetime_parts").all()
    assert model.column_plan_.kinds["dteday"] == "categorical"  # typed as strings, read as dates by the builder
    new = frame.drop(columns=[target]).head(2).assign(dteday=["2012-06-30", "not a date"])
    assert np.isfinite(model.predict(new)).all()  # a date that does not parse gives missing parts


def test_register_feature_builders_text_is_a_search_choice(dataset):
    frame, target, _ = dataset("titanic")
    with_text = {
        "family": "linear",
        "builders": ["text_tfidf"],
        "preprocessing": {
            "numeric_impute": "simple_imputer",
            "numeric_outliers": "none",
            "numeric_scale": "standard_scaler",
            "categorical_impute": "categorical_imputer",
            "categorical_encode": "onehot",
        },
        "params": {"text_tfidf": {"analyzer": "word", "n_components": 10, "min_df": 5}},
    }
    model = AutoML(time_budget=20, max_trials=3, families=["linear"], seed=0, warm_start=[with_text]).fit(
        frame, target=target
    )
    assert model.column_plan_.kinds["Name"] == "text"
    chosen = model.leaderboard_.sort_values("trial")["preprocessing"].tolist()
    assert "text_tfidf" in chosen[0]  # the search can choose it (here, warm-started)...
    assert "text_tfidf" not in chosen[1]  # ...the family's default runs without it...
    assert "text_tfidf" in chosen[2]  # ...and the portfolio then measures it once on that default
    assert model.predict_proba(frame.drop(columns=[target]).head(5)).shape == (5, 2)


def test_register_preprocessors_rare_levels_and_target_encoding_in_a_fit(dataset):
    frame, target, _ = dataset("adult_income", rows=3000)
    train, test = frame.iloc[:2400], frame.iloc[2400:]
    stages = {
        "numeric_impute": "simple_imputer",
        "numeric_outliers": "none",
        "numeric_scale": "standard_scaler",
        "categorical_impute": "rare_grouper",
        "categorical_encode": "target_encoder",
    }
    config = {
        "family": "linear",
        "preprocessing": stages,
        "builders": [],
        "params": {
            "linear": {"strength": 1.0},
            "rare_grouper": {"min_share": 0.01},
            "target_encoder": {"smooth": "auto"},
            "simple_imputer": {"strategy": "median", "add_indicator": False},
        },
    }
    model = AutoML(time_budget=15, max_trials=1, families=["linear"], ensemble=False, seed=0, warm_start=[config]).fit(
        train, target=target
    )
    assert model.best_config_.preprocessing["categorical_encode"] == "target_encoder"
    assert model.best_config_.preprocessing["categorical_impute"] == "rare_grouper"
    proba = model.predict_proba(test.drop(columns=[target]))[:, list(model.classes_).index(">50K")]
    assert roc_auc_score(test[target] == ">50K", proba) > 0.85


def test_excluded_components_are_never_searched_and_their_plugin_still_serves(dataset):
    """``exclude`` removes a preprocessor or builder from the search, not its whole plugin."""
    frame, target, _ = dataset("titanic", rows=400)
    excluded = ["onehot", "text_tfidf", "quantile_clipper"]
    model = AutoML(
        time_budget=15, max_trials=5, families=["linear", "hist_gradient_boosting"], seed=0, exclude=excluded
    ).fit(frame, target=target)
    used = " + ".join(model.leaderboard_["preprocessing"])
    assert not (model.leaderboard_["state"] == "failed").any()
    assert not [name for name in excluded if name in used]
    assert "ordinal" in used or "target_encoder" in used  # linear models still encode, another way
    assert model.predict(frame.drop(columns=[target])).shape == (len(frame),)
