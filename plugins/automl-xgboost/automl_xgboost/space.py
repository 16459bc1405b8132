"""The XGBoost search space and its portfolio of defaults.

The number of boosting rounds is not searched: the estimator stops early on its own inner
validation split, so only the shape of the trees, the shrinkage and the regularisation are.
"""

from __future__ import annotations

from typing import Any


def suggest(trial: Any, context: Any) -> dict:
    """Sample XGBoost parameters from ``trial`` (names are local; the engine prefixes them)."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.3, log=True),
        "max_depth": trial.suggest_int("max_depth", 3, 10),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.1, 30.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.4, 1.0),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
        "reg_alpha": trial.suggest_float("reg_alpha", 1e-3, 10.0, log=True),
    }


def _config(learning_rate: float, max_depth: int, min_child_weight: float, colsample_bytree: float) -> dict:
    return {
        "learning_rate": learning_rate,
        "max_depth": max_depth,
        "min_child_weight": min_child_weight,
        "subsample": 1.0,
        "colsample_bytree": colsample_bytree,
        "reg_lambda": 1.0,
        "reg_alpha": 1e-3,  # the bottom of the log range: no L1 penalty to speak of
    }


#: Known-good configurations, cheapest first (by tree size ``2 ** max_depth`` over the
#: learning rate, an order measured fit times agree with: docs/performance.md). One is
#: XGBoost's own default tree shape at a learning rate of 0.1 (AutoGluon's XGBoost default);
#: the others are rounded from the XGBoost configurations of AutoGluon's zero-shot portfolio
#: (2023), learned across the TabRepo benchmark datasets; the comments give their AutoGluon
#: names.
DEFAULTS: tuple[dict, ...] = (
    _config(learning_rate=0.088, max_depth=5, min_child_weight=0.63, colsample_bytree=0.66),  # _r89
    _config(learning_rate=0.1, max_depth=6, min_child_weight=1.0, colsample_bytree=1.0),  # default
    _config(learning_rate=0.093, max_depth=7, min_child_weight=0.8, colsample_bytree=0.91),  # _r194
    _config(learning_rate=0.038, max_depth=7, min_child_weight=0.56, colsample_bytree=0.75),  # _r49
    _config(learning_rate=0.018, max_depth=10, min_child_weight=0.6, colsample_bytree=0.69),  # _r33
)
