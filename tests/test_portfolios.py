"""Portfolios are plugins: the configurations of a registered portfolio run first, in order."""

from __future__ import annotations

import pytest

from automl_core import AutoML, Portfolio, hookimpl
from automl_core.testing import ConformanceError, check_plugin, check_portfolio

LINEAR = {
    "family": "linear",
    "preprocessing": {
        "numeric_impute": "simple_imputer",
        "numeric_scale": "standard_scaler",
        "categorical_impute": "categorical_imputer",
        "categorical_encode": "onehot",
    },
    "builders": [],
    "params": {"linear": {"strength": 3.0}},
    "class_weight": "none",
}
ELSEWHERE = {
    "family": "not_installed",
    "preprocessing": {},
    "builders": [],
    "params": {"not_installed": {}},
    "class_weight": "none",
}


class Learned:
    PLUGIN_NAME = "learned"

    @hookimpl
    def register_portfolios(self, register):
        register(
            Portfolio(
                "learned",
                (ELSEWHERE, LINEAR),
                tasks=("binary",),
                priority=1,
                description="one configuration another plugin would run, one no plugin gives",
            )
        )


@pytest.mark.slow
def test_the_portfolio_runs_first_and_what_cannot_run_is_passed_over(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    model = AutoML(time_budget=30, max_trials=1, n_workers=1, plugins=[Learned()]).fit(frame, target=target)
    first = model.leaderboard_.iloc[0]
    assert first["family"] == "linear" and first["params"] == {"strength": 3.0}


@pytest.mark.slow
def test_a_portfolio_serves_only_its_tasks(dataset):
    frame, target, _ = dataset("penguins")
    model = AutoML(time_budget=30, max_trials=1, n_workers=1, families=["linear"], plugins=[Learned()]).fit(
        frame, target=target
    )
    assert model.leaderboard_.iloc[0]["params"] == {"strength": 1.0}  # the multiclass search: linear's first default


def test_the_conformance_check_reads_every_configuration():
    assert check_plugin(Learned()) == {"portfolio": ["learned"]}
    with pytest.raises(ConformanceError, match="configuration 0 has no parameters for its family 'linear'"):
        check_portfolio(Portfolio("broken", ({"family": "linear", "preprocessing": {}, "params": {}},)))
    with pytest.raises(ValueError, match="configs \\[0\\] name no family"):
        Portfolio("nameless", ({"preprocessing": {}},))
