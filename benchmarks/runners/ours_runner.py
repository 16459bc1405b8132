"""This project's engine: ``automl_core.AutoML`` with every installed plugin."""
from __future__ import annotations

import automl_core
from automl_core import AutoML

import bench_common


def _trials(model) -> dict:
    board = model.leaderboard_
    return {"trials": int(len(board)), "last_trial_elapsed_s": float(board["elapsed"].max())}


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """Search with ``AutoML(time_budget=..., seed=..., metric=...).fit(train, target=...)``."""
    model = AutoML(time_budget=budget, seed=seed, metric=metric).fit(train, target=target)
    version = f"automl-core {automl_core.__version__}"
    if task == "regression":
        return bench_common.System(model.predict, None, None, version, _trials(model))
    return bench_common.System(
        model.predict, model.predict_proba, model.classes_, version, _trials(model)
    )


if __name__ == "__main__":
    bench_common.run(fit)
