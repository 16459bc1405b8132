"""Explanations and importance of real fitted models on titanic (a text column, Name; one-hot
encoded categories), with the automl-shap and automl-sklearn plugins."""

from __future__ import annotations

import json

import numpy as np
import pytest

from automl_core import AutoML, DataError, Reporter, SchemaError, UnknownComponentError, hookimpl
from automl_core.model import WeightedEnsemble


def _single(train, target, family, params):
    """A one-pipeline model of ``family`` over one-hot categories and Name as TF-IDF components."""
    config = {
        "family": family,
        "builders": ["text_tfidf"],
        "params": {family: params},
        "preprocessing": {
            "numeric_impute": "simple_imputer",
            "categorical_impute": "categorical_imputer",
            "categorical_encode": "onehot",
        },
    }
    model = AutoML(time_budget=30, families=[family], warm_start=[config], max_trials=1, ensemble=False, seed=0).fit(
        train, target=target
    )
    assert (
        model.best_config_.builders == ("text_tfidf",)
        and model.best_config_.preprocessing["categorical_encode"] == "onehot"
    )
    return model


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic")
    return frame.iloc[:700], frame.iloc[700:], target


@pytest.fixture(scope="module")
def ensemble(titanic):
    """A forest (explained by Tree SHAP on derived columns) and a linear model (Kernel SHAP), weighted 0.6/0.4."""
    train, test, target = titanic
    forest = _single(train, target, "random_forest", {"n_estimators": 60, "max_features": 0.5, "min_samples_leaf": 2})
    linear = _single(train, target, "linear", {"strength": 1.0})
    forest.model_ = WeightedEnsemble([forest.model_.models[0], linear.model_.models[0]], [0.6, 0.4], "binary", 2)
    return forest, test.drop(columns=[target])


@pytest.mark.slow
def test_contributions_of_a_tree_and_a_linear_member_add_up_to_the_ensembles_probabilities(ensemble):
    model, rows = ensemble
    rows = rows.head(10)
    explained = model.explain(rows)
    assert explained.explainers == {"member 0": "shap_tree", "member 1": "shap_kernel"}
    assert explained.columns == list(model.schema_.columns) and {"Name", "Sex", "Embarked"} <= set(explained.columns)
    assert explained.values.shape == (10, 2, len(explained.columns))
    assert np.max(np.abs(explained.output() - model.predict_proba(rows))) <= 1e-6
    name = explained.frame()["Name"]
    assert name.abs().max() > 0, "the text column got no contribution: its components were not mapped back"


@pytest.mark.slow
def test_without_an_explainer_plugin_the_error_says_what_to_install(ensemble):
    model, rows = ensemble
    model.block_plugins = ["shap"]
    model._plugin_manager(refresh=True)
    try:
        with pytest.raises(UnknownComponentError, match="no explainer applies to member 0.*pip install automl-shap"):
            model.explain(rows.head(2))
    finally:
        model.block_plugins = None
        model._plugin_manager(refresh=True)


@pytest.fixture(scope="module")
def fitted(titanic):
    train, test, target = titanic
    return AutoML(time_budget=15, max_trials=5, seed=0).fit(train, target=target), test, target


@pytest.mark.slow
def test_importance_ranks_the_input_columns_by_the_drop_of_the_metric(fitted):
    model, test, _ = fitted
    table = model.feature_importance(test, n_repeats=3)
    assert list(table.columns) == ["column", "importance", "std", "repeats", "metric", "baseline"]
    assert set(table["column"]) == set(model.schema_.columns)
    assert table["column"].iloc[0] == "Sex"
    assert (table["metric"] == model.metric_).all() and table["baseline"].iloc[0] == pytest.approx(
        model.score(test.drop(columns="Survived"), test["Survived"])
    )
    assert all(len(r) == 3 for r in table["repeats"]) and (table["std"] >= 0).all()
    assert table["importance"].is_monotonic_decreasing


@pytest.mark.slow
def test_importance_on_bad_data_names_the_problem(fitted):
    model, test, target = fitted
    with pytest.raises(DataError, match="no target column 'Survived'"):
        model.feature_importance(test.drop(columns=[target]))
    unseen = test.assign(Survived=test[target].replace({1: 7}))
    with pytest.raises(DataError, match=r"labels \['7'\] were not among the classes"):
        model.feature_importance(unseen)
    with pytest.raises(DataError, match="at least 10 labelled rows, got 2"):
        model.feature_importance(test.head(2))
    with pytest.raises(SchemaError, match="Age"):
        model.feature_importance(test.assign(Age="old"))
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        model.feature_importance(test, metric="nope")


@pytest.mark.slow
def test_a_report_on_two_rows_says_what_it_could_not_compute(fitted):
    model, test, _ = fitted
    report = model.report(test.head(2))
    joined = " | ".join(report.notes)
    assert "confidence intervals: not computed: the bootstrap needs at least 20 rows, got 2" in joined
    assert "feature importance: not computed: feature importance needs at least 10 labelled rows, got 2" in joined
    assert report.importance is None and report.metrics["low"].isna().all()
    assert "What could not be computed" in report.html()


@pytest.mark.slow
def test_a_report_holds_intervals_around_the_metrics(fitted):
    model, test, target = fitted
    report = model.report(test, bootstrap=100)
    metrics = report.metrics.set_index("metric")
    assert (metrics["low"] <= metrics["value"]).all() and (metrics["value"] <= metrics["high"]).all()
    evaluated = model.evaluate(test).set_index("metric")["value"]
    assert np.allclose(metrics["value"], evaluated.loc[metrics.index])
    assert report.n_rows == len(test) and report.to_dict()["metrics"][0]["metric"] == metrics.index[0]
    assert json.loads(json.dumps(report.to_dict()))["importance"][0]["column"] == report.importance["column"].iloc[0]
    with pytest.raises(DataError, match="no target column"):
        model.report(test.drop(columns=[target]))


class OneLine:
    """A reporter plugin of its own: register_reporters, chosen by name."""

    PLUGIN_NAME = "one-line-reporter"

    @hookimpl
    def register_reporters(self, register):
        register(Reporter("one_line", render=lambda report: f"<html>{report.metric} {report.n_rows}</html>"))


@pytest.mark.slow
def test_a_reporter_plugin_draws_the_report(fitted):
    model, test, _ = fitted
    model.plugins = [OneLine()]
    model._plugin_manager(refresh=True)
    try:
        report = model.report(test.head(40), reporter="one_line", importance=False)
        assert report.reporter == "one_line" and report.html() == f"<html>{model.metric_} 40</html>"
    finally:
        model.plugins = None
        model._plugin_manager(refresh=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["penguins", "insurance_charges"])
def test_contributions_add_up_per_class_and_for_regression(name, dataset):
    frame, target, task = dataset(name, rows=300, seed=1)
    frame = frame.dropna(subset=[c for c in frame.columns if c.endswith("_mm")] or None).reset_index(drop=True)
    train, test = frame.iloc[:220], frame.iloc[220:].drop(columns=[target])
    model = AutoML(time_budget=30, max_trials=6, families=["random_forest", "linear"], seed=0).fit(train, target=target)
    explained = model.explain(test.head(6))
    expected = model.predict(test.head(6))[:, None] if task == "regression" else model.predict_proba(test.head(6))
    assert explained.values.shape[1] == (1 if task == "regression" else len(model.classes_))
    assert np.max(np.abs(explained.output() - expected)) <= 1e-6
    assert explained.outputs == ([target] if task == "regression" else list(model.classes_))
