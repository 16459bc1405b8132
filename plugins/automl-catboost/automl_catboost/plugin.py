"""The automl plugin that contributes the ``catboost`` model family.

Loading this module is cheap: CatBoost itself, slow to import, is imported only when the
engine builds an estimator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily, hookimpl

from .space import DEFAULTS, suggest

#: The name this plugin is registered under, whether found by entry point or passed in code.
PLUGIN_NAME = "catboost"


def build(params: Mapping[str, Any], context: BuildContext) -> Any:
    """An unfitted early-stopping CatBoost estimator for ``context.task``."""
    from .estimator import CatBoostEarlyStoppingClassifier, CatBoostEarlyStoppingRegressor

    estimator = CatBoostEarlyStoppingRegressor if context.task == "regression" else CatBoostEarlyStoppingClassifier
    return estimator(params=dict(params), random_state=context.seed, n_jobs=context.n_jobs)


CATBOOST = ModelFamily(
    name="catboost",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=DEFAULTS,
    categorical=("native", "ordinal", "onehot"),
    handles_missing=True,
    wants_scaling=False,
    # fit time relative to a default HistGradientBoosting fit; measured in docs/performance.md
    cost=2.5,
    description="CatBoost symmetric trees with native categorical features, stopped early on an inner split",
)


@hookimpl
def register_model_families(register) -> None:
    """Contribute the ``catboost`` model family."""
    register(CATBOOST)
