"""This project's engine: ``automl_core.AutoML`` with every installed plugin."""

from __future__ import annotations

import bench_common

import automl_core
from automl_core import AutoML


def _trials(model) -> dict:
    """Search statistics: trials, when the last one ended, when the first usable model (the
    first completed trial) existed, in seconds since fit started, how often each
    preprocessor, feature builder and class weighting was chosen, in completed trials and in
    the final ensemble, and the ensemble's members (family, and refit, fold models or dropped)."""
    board = model.leaderboard_
    complete = board[board["state"] == "complete"]
    done = complete["elapsed"]
    picked: dict[str, dict[str, int]] = {}
    for pieces, weight in zip(complete["preprocessing"], complete["ensemble_weight"]):
        for piece in pieces.split(" + "):
            if piece != "none":
                counts = picked.setdefault(piece, {"trials": 0, "ensemble": 0})
                counts["trials"] += 1
                counts["ensemble"] += int(weight > 0)
    members = board[board["final_model"] != ""]  # dropped ones too, said so
    return {
        "trials": int(len(board)),
        "completed": int(len(complete)),
        "last_trial_elapsed_s": float(board["elapsed"].max()),
        "first_model_s": float(done.min()) if len(done) else None,
        "picked": picked,
        "ensemble": [f"{f} ({how})" for f, how in zip(members["family"], members["final_model"])],
    }


def fit(train, target, task, metric, budget, seed, **settings) -> bench_common.System:
    """Search with ``AutoML(time_budget=..., seed=..., metric=...).fit(train, target=...)``;
    ``settings`` are further ``AutoML`` parameters."""
    model = AutoML(time_budget=budget, seed=seed, metric=metric, **settings).fit(train, target=target)
    version = f"automl-core {automl_core.__version__}"
    if task == "regression":
        return bench_common.System(model.predict, None, None, version, _trials(model))
    return bench_common.System(model.predict, model.predict_proba, model.classes_, version, _trials(model))


if __name__ == "__main__":
    bench_common.run(fit)
