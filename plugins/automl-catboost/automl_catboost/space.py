"""The CatBoost search space and its portfolio of defaults.

The number of boosting rounds is not searched: the estimator stops early on its own inner
validation split, so only the depth of the (symmetric) trees, the shrinkage, the L2 penalty
on leaf values and ``max_ctr_complexity`` are.

``max_ctr_complexity`` (how many categorical features one CTR, CatBoost's target statistic,
may combine) is searched because it drives what a fit on categorical data costs (at 1 a fit
is far cheaper than at CatBoost's default of 4; docs/performance.md). It does nothing on data
without categorical columns.
"""

from __future__ import annotations

from typing import Any


def suggest(trial: Any, context: Any) -> dict:
    """Sample CatBoost parameters from ``trial`` (names are local; the engine prefixes them)."""
    return {
        "depth": trial.suggest_int("depth", 4, 10),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "l2_leaf_reg": trial.suggest_float("l2_leaf_reg", 1.0, 30.0, log=True),
        "max_ctr_complexity": trial.suggest_int("max_ctr_complexity", 1, 4),
    }


def _config(depth: int, learning_rate: float, l2_leaf_reg: float, max_ctr_complexity: int) -> dict:
    return {
        "depth": depth,
        "learning_rate": learning_rate,
        "l2_leaf_reg": l2_leaf_reg,
        "max_ctr_complexity": max_ctr_complexity,
    }


#: Known-good configurations, cheapest first (by measured fit times, docs/performance.md).
#: The first two are CatBoost's own default trees (depth 6, ``l2_leaf_reg`` 3) at a learning
#: rate of 0.1 instead of CatBoost's automatic one, which is lower and makes a fit run many
#: more rounds. The first is our own choice, made for cost: no combinations of categorical
#: features (``max_ctr_complexity`` 1), the cheap opener; the second keeps CatBoost's default
#: of 4. The learning rate of 0.1 is ours too (the search may go as low as 0.01); AutoGluon's
#: CatBoost default uses 0.05. The last two are rounded from the CatBoost
#: configurations of AutoGluon's zero-shot portfolio (2023, ``zeroshot_portfolio_2023.py``),
#: learned across the TabRepo benchmark datasets, without their ``one_hot_max_size``, which is
#: not searched here; the comments give their AutoGluon names.
DEFAULTS: tuple[dict, ...] = (
    _config(depth=6, learning_rate=0.1, l2_leaf_reg=3.0, max_ctr_complexity=1),  # ours: no CTR combinations
    _config(depth=6, learning_rate=0.1, l2_leaf_reg=3.0, max_ctr_complexity=4),  # CatBoost's default trees
    _config(depth=4, learning_rate=0.049, l2_leaf_reg=4.56, max_ctr_complexity=3),  # _r137
    _config(depth=7, learning_rate=0.085, l2_leaf_reg=4.52, max_ctr_complexity=3),  # _r167
)
