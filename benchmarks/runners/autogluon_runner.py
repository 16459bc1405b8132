"""AutoGluon's TabularPredictor with ``presets="medium_quality"`` (or another) and ``time_limit`` = budget."""

from __future__ import annotations

import atexit
import shutil
import tempfile

import autogluon.tabular
import bench_common
from autogluon.tabular import TabularPredictor

METRICS = {"roc_auc": "roc_auc", "log_loss": "log_loss", "rmse": "root_mean_squared_error"}


def fit(train, target, task, metric, budget, seed, presets="medium_quality") -> bench_common.System:
    """Fit in a temporary model directory, removed when the process exits."""
    path = tempfile.mkdtemp(prefix="autogluon-bench-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    predictor = TabularPredictor(
        label=target, problem_type=task, eval_metric=METRICS[metric], path=path, verbosity=0
    ).fit(train, time_limit=budget, presets=presets)
    board = predictor.leaderboard(silent=True)
    extra = {"best_model": predictor.model_best, "models_fitted": int(len(board))}
    version = f"autogluon.tabular {autogluon.tabular.__version__}"
    if task == "regression":
        return bench_common.System(predictor.predict, None, None, version, extra)
    classes = list(predictor.class_labels)
    return bench_common.System(
        predictor.predict, lambda X: predictor.predict_proba(X)[classes], classes, version, extra
    )


if __name__ == "__main__":
    bench_common.run(fit)
