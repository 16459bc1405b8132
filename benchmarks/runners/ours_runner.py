"""This project's engine: ``automl_core.AutoML`` with every installed plugin."""
from __future__ import annotations

import automl_core
from automl_core import AutoML

import bench_common


def _trials(model) -> dict:
    """Search statistics: trials, when the last one ended, and when the first usable model
    (the first completed trial) existed, in seconds since fit started."""
    board = model.leaderboard_
    done = board.loc[board["state"] == "complete", "elapsed"]
    return {"trials": int(len(board)), "last_trial_elapsed_s": float(board["elapsed"].max()),
            "first_model_s": float(done.min()) if len(done) else None}


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
