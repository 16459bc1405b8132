"""Explanations of a real fit on titanic; the additivity on an ensemble of a forest and a linear
model over one-hot and text columns is tested in the core's tests/test_explain.py."""

from __future__ import annotations

import numpy as np
import pytest

from automl_core import AutoML, Explainer, PluginError, hookimpl


@pytest.fixture(scope="module")
def titanic_model(dataset):
    frame, target, _ = dataset("titanic")
    train, test = frame.iloc[:700], frame.iloc[700:]
    model = AutoML(time_budget=60, max_trials=8, families=["random_forest", "linear"], seed=0).fit(train, target=target)
    return model, test.drop(columns=[target])


@pytest.mark.slow
def test_sex_moves_survival_the_most_on_average(titanic_model):
    model, rows = titanic_model
    explained = model.explain(rows.head(30))
    mean_effect = explained.frame().abs().mean()
    assert mean_effect.idxmax() == "Sex", mean_effect.sort_values().to_dict()


class Broken:
    """An explainer plugin whose explainer raises: the error must name it and the member."""

    PLUGIN_NAME = "broken-explainer"

    @hookimpl
    def register_explainers(self, register):
        def explain(model, rows, context):
            raise RuntimeError("no luck")

        register(Explainer("broken", explain=explain, priority=100))


class Wrong:
    """An explainer whose contributions do not add up."""

    PLUGIN_NAME = "wrong-explainer"

    @hookimpl
    def register_explainers(self, register):
        def explain(model, rows, context):
            k = max(context["n_classes"], 1)
            return np.zeros((len(rows), k, rows.shape[1])), np.zeros(k)

        register(Explainer("zeros", explain=explain, priority=100))


@pytest.mark.slow
def test_a_failing_explainer_names_itself_and_the_member(titanic_model):
    model, rows = titanic_model
    model.plugins = [Broken()]
    model._plugin_manager(refresh=True)
    try:
        with pytest.raises(
            PluginError,
            match=r"explainer 'broken' \(plugin 'broken-explainer'\) failed on member 0 "
            r"\(trial \d+, \w+\): RuntimeError: no luck",
        ):
            model.explain(rows.head(2))
        model.plugins = [Wrong()]
        model._plugin_manager(refresh=True)
        with pytest.raises(PluginError, match=r"explainer 'zeros' .* on member 0 .*differ from the member's output"):
            model.explain(rows.head(2))
    finally:
        model.plugins = None
        model._plugin_manager(refresh=True)
