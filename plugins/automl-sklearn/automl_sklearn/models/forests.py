"""Random forests and extremely randomised trees.

Both families share one search space. Their first default (200 trees) costs a few times a
histogram gradient boosting default (docs/performance.md). They take NaN in
numeric input when the installed scikit-learn trees do (1.4 for random forests, 1.6 for extra
trees): ``handles_missing`` is read from the estimators' own tags, never assumed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily

#: Trees per forest in the defaults: enough for stable probabilities, affordable on 2 cores.
N_TREES = 200

#: Leaves a whole forest may grow, summed over its trees: a bound on a forest's size and on its
#: predict time on large data, where fully grown trees are far larger (docs/performance.md).
#: The leaf-size floor below enforces the bound; on data under
#: ``MAX_FOREST_LEAVES / n_estimators`` rows it is 1.
MAX_FOREST_LEAVES = 1_250_000


def min_leaf_floor(n_rows: int, n_estimators: int) -> int:
    """The smallest ``min_samples_leaf`` that keeps ``n_estimators`` trees on ``n_rows`` rows
    within :data:`MAX_FOREST_LEAVES` leaves."""
    return max(1, math.ceil(n_rows * n_estimators / MAX_FOREST_LEAVES))


def suggest(trial: Any, context: BuildContext) -> dict:
    """Search space: number of trees, share of features per split, leaf size."""
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True),
        "max_features": trial.suggest_float("max_features", 0.05, 1.0),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 32, log=True),
    }


def _estimator_class(prefix: str, task: str):
    """The forest subclassed to predict inline (imported here: scikit-learn's ensemble module
    loads with the first forest, not with the plugin)."""
    from ._inline_forests import CLASSES

    kind = "Regressor" if task == "regression" else "Classifier"
    return CLASSES[f"{prefix}{kind}"]


def _build(prefix: str, params: Mapping[str, Any], context: BuildContext):
    """A ``prefix`` classifier or regressor with ``params``, seeded and using context.n_jobs threads."""
    return _estimator_class(prefix, context.task)(
        n_estimators=params["n_estimators"],
        max_features=params["max_features"],
        min_samples_leaf=max(params["min_samples_leaf"], min_leaf_floor(context.n_rows, params["n_estimators"])),
        n_jobs=context.n_jobs,
        random_state=context.seed,
    )


def _builder(prefix: str) -> Callable[[Mapping[str, Any], BuildContext], Any]:
    """:func:`_build` for one family, picklable (trials run in worker processes)."""
    return partial(_build, prefix)


def _accepts_nan(prefix: str) -> bool:
    from sklearn.utils import get_tags

    return all(get_tags(_estimator_class(prefix, task)()).input_tags.allow_nan for task in ("binary", "regression"))


def random_forest() -> ModelFamily:
    """The random forest family (bootstrap samples, best split among a share of the features)."""
    return ModelFamily(
        name="random_forest",
        tasks=TASKS,
        build=_builder("RandomForest"),
        suggest=suggest,
        defaults=(
            {"n_estimators": N_TREES, "max_features": 0.25, "min_samples_leaf": 1},
            {"n_estimators": N_TREES, "max_features": 0.5, "min_samples_leaf": 2},
            {"n_estimators": N_TREES, "max_features": 1.0, "min_samples_leaf": 5},
        ),
        categorical=("ordinal", "onehot", "target"),
        handles_missing=_accepts_nan("RandomForest"),
        cost=2.5,
        description="scikit-learn random forest",
    )


def extra_trees() -> ModelFamily:
    """The extra trees family (random split thresholds, no bootstrap samples)."""
    return ModelFamily(
        name="extra_trees",
        tasks=TASKS,
        build=_builder("ExtraTrees"),
        suggest=suggest,
        defaults=(
            {"n_estimators": N_TREES, "max_features": 0.5, "min_samples_leaf": 1},
            {"n_estimators": N_TREES, "max_features": 1.0, "min_samples_leaf": 2},
            {"n_estimators": N_TREES, "max_features": 0.25, "min_samples_leaf": 1},
        ),
        categorical=("ordinal", "onehot", "target"),
        handles_missing=_accepts_nan("ExtraTrees"),
        cost=2.0,
        description="scikit-learn extremely randomised trees",
    )
