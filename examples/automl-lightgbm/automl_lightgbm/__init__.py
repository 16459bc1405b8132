"""automl-lightgbm: a LightGBM model family for automl-core, written as a third-party plugin.

The package's ``pyproject.toml`` declares the entry point ``lightgbm = "automl_lightgbm"`` in
the group ``automl.plugins``; once the package is installed, every ``AutoML`` fit finds this
module, calls :func:`register_model_families` and can choose the ``lightgbm`` family.

Only the public API of ``automl_core`` is used. LightGBM itself is imported when the engine
builds an estimator, not when the plugin is loaded, so an installed plugin costs nothing to
runs that never choose it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily, hookimpl

__version__ = "0.1.0"

#: The plugin's name, the same whether automl-core finds it by entry point or is handed it in code.
PLUGIN_NAME = "lightgbm"


def suggest(trial: Any, context: BuildContext) -> dict:
    """Sample LightGBM parameters; the rounds are not searched, early stopping sets them."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.2, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 8, 256, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 2, 64, log=True),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.4, 1.0),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
        "extra_trees": trial.suggest_categorical("extra_trees", [False, True]),
    }


def _config(
    learning_rate: float, num_leaves: int, min_child_samples: int, colsample_bytree: float, extra_trees: bool
) -> dict:
    return {
        "learning_rate": learning_rate,
        "num_leaves": num_leaves,
        "min_child_samples": min_child_samples,
        "colsample_bytree": colsample_bytree,
        "reg_lambda": 1e-3,
        "extra_trees": extra_trees,
    }


#: Known-good configurations from AutoGluon's zero-shot LightGBM portfolio (2023): its default
#: and extra-trees variant at a learning rate of 0.05, then three learned configurations,
#: rounded (the comments give their AutoGluon names). Cheapest first, by measured fit times
#: (see the README, "What it costs").
DEFAULTS = (
    _config(0.05, 31, 20, 1.0, extra_trees=False),  # default
    _config(0.05, 31, 20, 1.0, extra_trees=True),  # XT
    _config(0.012, 53, 14, 0.7, extra_trees=False),  # _r131
    _config(0.03, 128, 3, 0.9, extra_trees=False),  # Large
    _config(0.015, 16, 48, 0.56, extra_trees=True),  # _r96
)


def build(params: Mapping[str, Any], context: BuildContext) -> Any:
    """An unfitted early-stopping LightGBM estimator for ``context.task``."""
    from .estimator import LightGBMEarlyStoppingClassifier, LightGBMEarlyStoppingRegressor

    estimator = LightGBMEarlyStoppingRegressor if context.task == "regression" else LightGBMEarlyStoppingClassifier
    return estimator(params=dict(params), random_state=context.seed, n_jobs=context.n_jobs)


LIGHTGBM = ModelFamily(
    name="lightgbm",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=DEFAULTS,
    categorical=("native", "ordinal", "onehot"),
    handles_missing=True,
    cost=1.5,  # fit time relative to a default HistGradientBoosting fit (README, "What it costs")
    description="LightGBM leaf-wise trees with native categorical splits, stopped early on an inner split",
)


@hookimpl
def register_model_families(register) -> None:
    """Hand the ``lightgbm`` family to automl-core."""
    register(LIGHTGBM)
