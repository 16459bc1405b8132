"""The search's cost model: what a trial of each state tells it about its family's cost."""

from __future__ import annotations

import pytest

from automl_core import AutoML
from automl_core.search import PipelineConfig, TrialResult, trial_cost
from automl_core.search._study import CostModel

CONFIG = PipelineConfig(family="catboost", preprocessing={}, builders=(), params={})


@pytest.mark.parametrize(
    ("state", "fit_seconds", "folds_fitted", "expected"),
    [
        ("complete", 10.0, 5, 10.0),
        ("timeout", 24.0, 3, 24.0),  # it ran out of time: at least what it took
        ("pruned", 8.0, 2, 20.0),  # two of five folds in 8 s: a whole trial is 20 s
        ("pruned", 0.5, 0, None),  # pruned before a fold was fitted: says nothing
        ("complete", 3.0, 1, 15.0),  # the last-chance trial, complete on one fold of five
        ("failed", 3.0, 1, None),
    ],
)
def test_trial_cost_counts_trials_that_fitted_some_folds_by_their_folds(state, fit_seconds, folds_fitted, expected):
    result = TrialResult(0, CONFIG, state, fit_seconds=fit_seconds, folds_fitted=folds_fitted)
    assert trial_cost(result, n_folds=5) == expected


def test_a_trial_without_a_configuration_has_no_cost():
    assert trial_cost(TrialResult(0, None, "failed"), n_folds=5) is None


def test_the_cost_model_estimates_a_family_by_the_median_of_its_trials():
    costs = CostModel()
    assert costs.estimate("catboost") is None
    for seconds in (20.0, 2.0, 8.0):
        costs.observe("catboost", seconds)
    assert costs.estimate("catboost") == 8.0


@pytest.mark.slow
def test_a_trial_sends_its_fold_models_only_when_it_can_be_among_those_kept(dataset):
    """A trial whose score does not beat the score it was told (the KEEP_MODELS-th best when it
    was submitted) returns no fold models: a worker never pickles what the driver would drop."""
    import optuna

    from automl_core.fit import FitSettings, prepare, read_training_input
    from automl_core.plugin import Registry, build_plugin_manager
    from automl_core.search import TrialPayload, TrialSpec, run_trial

    frame, target, _ = dataset("titanic", rows=300)
    params = {k: v for k, v in AutoML(time_budget=10, families=["linear"]).get_params().items() if k != "verbose"}
    settings = FitSettings.from_params(params)
    manager = build_plugin_manager()
    prepared = prepare(
        Registry.from_manager(manager), read_training_input(manager, frame, None, target, {}, {}), settings
    )
    payload = TrialPayload(prepared.space, prepared.data)
    study = optuna.create_study(direction="maximize")
    study.enqueue_trial(prepared.space.default_portfolio()[0])
    config = prepared.space.sample(study.ask())
    kept = run_trial(payload, TrialSpec(0, config, 30.0))
    assert kept.state == "complete" and kept.models is not None
    assert run_trial(payload, TrialSpec(1, config, 30.0, models_above=kept.score - 0.01)).models is not None
    dropped = run_trial(payload, TrialSpec(2, config, 30.0, models_above=kept.score + 0.01))
    assert dropped.state == "complete" and dropped.models is None and dropped.oof is not None
    bounded = run_trial(payload, TrialSpec(3, config, 30.0, models_max_bytes=1_000))
    assert bounded.state == "complete" and bounded.models is None and bounded.oof is not None
    assert bounded.score == kept.score  # the bound lets go of the models, not of the trial


def test_pickled_size_counts_what_pickle_writes_and_stops_past_the_limit():
    import pickle

    import numpy as np

    from automl_core.search._trial import pickled_size

    obj = {"weights": np.arange(100_000, dtype=np.float64), "name": "forest"}
    size = len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    assert pickled_size(obj, size) == size
    assert pickled_size(obj, size - 1) is None
    assert pickled_size(obj, 10) is None
