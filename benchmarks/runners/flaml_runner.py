"""FLAML's AutoML with its defaults, asked to optimise the harness's metric within the budget."""

from __future__ import annotations

import bench_common
import flaml
from flaml import AutoML

METRICS = {"roc_auc": "roc_auc", "log_loss": "log_loss", "rmse": "rmse"}


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """Search with ``AutoML().fit(X, y, task=..., time_budget=..., metric=..., seed=...)``."""
    X, y = train.drop(columns=[target]), train[target]
    automl = AutoML()
    automl.fit(
        X,
        y,
        task="regression" if task == "regression" else "classification",
        time_budget=budget,
        metric=METRICS[metric],
        seed=seed,
        verbose=0,
    )
    extra = {"best_estimator": automl.best_estimator, "best_config": automl.best_config}
    version = f"flaml {flaml.__version__}"
    if task == "regression":
        return bench_common.System(automl.predict, None, None, version, extra)
    return bench_common.System(automl.predict, automl.predict_proba, automl.classes_, version, extra)


if __name__ == "__main__":
    bench_common.run(fit)
