"""The automl plugin that contributes the ``catboost`` model family.

Loading this module is cheap: CatBoost itself (0.75 s to import) is imported only when the
engine builds an estimator.
"""
from __future__ import annotations

from typing import Any, Mapping

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
    # Fit time against a default HistGradientBoosting fit, one thread each, 4,000 rows of adult,
    # california and wine: 1.6-2.2 and 2.0-2.8 for the first two defaults, 1.7-4.5 and 3.7-5.2
    # for the last two. CatBoost falls further behind with more rows of categorical data: on
    # all 32,561 rows of adult, 7.5 (13 s) and 13.8 (24 s) for the first two.
    cost=2.5,
    description="CatBoost symmetric trees with native categorical features, stopped early on an inner split",
)


@hookimpl
def register_model_families(register) -> None:
    """Contribute the ``catboost`` model family."""
    register(CATBOOST)
