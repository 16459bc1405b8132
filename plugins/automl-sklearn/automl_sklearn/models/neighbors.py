"""k-nearest neighbours on scaled, one-hot encoded input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily


def suggest(trial: Any, context: BuildContext) -> dict:
    """Search space: number of neighbours, their weighting, Manhattan or Euclidean distance."""
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 1, 64, log=True),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
        "p": trial.suggest_categorical("p", [1, 2]),
    }


def build(params: Mapping[str, Any], context: BuildContext):
    """A k-NN classifier or regressor; ``n_neighbors`` is capped at the number of training rows."""
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    estimator = KNeighborsRegressor if context.task == "regression" else KNeighborsClassifier
    n_neighbors = min(params["n_neighbors"], context.n_rows) if context.n_rows else params["n_neighbors"]
    return estimator(n_neighbors=n_neighbors, weights=params["weights"], p=params["p"], n_jobs=context.n_jobs)


FAMILY = ModelFamily(
    name="knn",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=(
        {"n_neighbors": 15, "weights": "distance", "p": 2},
        {"n_neighbors": 5, "weights": "uniform", "p": 2},
        {"n_neighbors": 32, "weights": "distance", "p": 1},
    ),
    categorical=("onehot",),
    handles_missing=False,
    wants_scaling=True,
    cost=0.5,
    description="k-nearest neighbours (its cost is in predicting: it grows with rows squared)",
)
