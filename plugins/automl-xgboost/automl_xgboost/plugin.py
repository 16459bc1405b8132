"""The automl plugin that contributes the ``xgboost`` model family.

Loading this module is cheap: XGBoost itself is imported only when the engine builds an
estimator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily, hookimpl

from .space import DEFAULTS, suggest

#: The name this plugin is registered under, whether found by entry point or passed in code.
PLUGIN_NAME = "xgboost"


def build(params: Mapping[str, Any], context: BuildContext) -> Any:
    """An unfitted early-stopping XGBoost estimator for ``context.task``."""
    from .estimator import XGBoostEarlyStoppingClassifier, XGBoostEarlyStoppingRegressor

    estimator = XGBoostEarlyStoppingRegressor if context.task == "regression" else XGBoostEarlyStoppingClassifier
    return estimator(params=dict(params), random_state=context.seed, n_jobs=context.n_jobs)


XGBOOST = ModelFamily(
    name="xgboost",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=DEFAULTS,
    categorical=("native", "ordinal", "onehot"),
    handles_missing=True,
    wants_scaling=False,
    # fit time relative to a default HistGradientBoosting fit; measured in docs/performance.md
    cost=2.0,
    description="XGBoost histogram trees with native categorical splits, stopped early on an inner split",
)


@hookimpl
def register_model_families(register) -> None:
    """Contribute the ``xgboost`` model family."""
    register(XGBOOST)
