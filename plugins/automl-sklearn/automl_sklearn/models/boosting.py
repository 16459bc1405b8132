"""Histogram gradient boosting, with native categorical splits and missing values.

Categorical columns come as pandas ``category`` columns (encoding ``native``; the estimator
reads them with ``categorical_features="from_dtype"``), as ordinal codes or as target means.
Native categorical splits accept at most 255 categories per feature (``max_bins``): the
plugin's ``native`` encoder groups the rarer levels of a wider column into one, so the family
never receives more. Boosting stops early on a 10% validation split of its own, stratified for
classification; where a class has too few rows for scikit-learn's stratified split (one row in
a fold), the classifier stops on the engine's inner split instead, or boosts a fixed number of
iterations where no split can hold every class (``_empty_safe``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily

#: Upper bound of boosting iterations; early stopping usually ends far sooner.
MAX_ITER = 1000
#: Below this many training rows a 10% validation split is too small to stop on.
MIN_ROWS_FOR_EARLY_STOPPING = 100


def suggest(trial: Any, context: BuildContext) -> dict:
    """Search space: learning rate, tree size, leaf size, L2 penalty, feature share per split."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 8, 128, log=True),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 2, 100, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-6, 10.0, log=True),
        "max_features": trial.suggest_float("max_features", 0.3, 1.0),
    }


def build(params: Mapping[str, Any], context: BuildContext):
    """A HistGradientBoosting classifier or regressor stopping early on its own split.

    The estimator has no ``n_jobs``: its OpenMP threads follow the caller's threadpool limits.
    """
    from ._empty_safe import EmptySafeHistGradientBoostingClassifier, EmptySafeHistGradientBoostingRegressor

    regression = context.task == "regression"
    estimator = EmptySafeHistGradientBoostingRegressor if regression else EmptySafeHistGradientBoostingClassifier
    return estimator(
        **params,
        max_iter=MAX_ITER,
        early_stopping=not 0 < context.n_rows < MIN_ROWS_FOR_EARLY_STOPPING,
        validation_fraction=0.1,
        n_iter_no_change=20,
        categorical_features="from_dtype",
        random_state=context.seed,
    )


FAMILY = ModelFamily(
    name="hist_gradient_boosting",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=(
        {
            "learning_rate": 0.1,
            "max_leaf_nodes": 31,
            "min_samples_leaf": 20,
            "l2_regularization": 1e-6,
            "max_features": 1.0,
        },
        {
            "learning_rate": 0.1,
            "max_leaf_nodes": 15,
            "min_samples_leaf": 40,
            "l2_regularization": 1.0,
            "max_features": 0.6,
        },
        {
            "learning_rate": 0.05,
            "max_leaf_nodes": 63,
            "min_samples_leaf": 10,
            "l2_regularization": 0.01,
            "max_features": 0.8,
        },
    ),
    categorical=("native", "ordinal", "target"),
    handles_missing=True,
    cost=1.0,
    description="scikit-learn histogram gradient boosting with early stopping",
)
