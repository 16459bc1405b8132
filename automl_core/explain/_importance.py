"""Permutation importance of the whole fitted model on its input columns.

A column's importance is how much the metric worsens when its values are shuffled among the
rows (the model and the other columns unchanged), averaged over repeats: the columns as the
user knows them, whatever the pipelines derive from them (one-hot levels, text components).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..model import score
from ..search import thread_limit
from ._labelled import Labelled

#: Fewer labelled rows than this give no meaningful importance.
MIN_ROWS = 10


def feature_importance(
    model: Any,
    data: Labelled,
    metric: str | None = None,
    n_repeats: int = 5,
    max_rows: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per input column, most important first: ``importance`` (the mean drop of the
    metric, in its own units, positive when the column helps), ``std`` over the ``n_repeats``
    shuffles, the drop of each repeat, the ``metric`` and its ``baseline`` on ``data``."""
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats!r}")
    evaluator = _evaluator(model, metric)
    features, y = _rows(data, max_rows, seed)
    measure = _scorer(model, evaluator, y)
    baseline = measure(features)
    rng = np.random.default_rng(seed)
    rows = []
    for column in features.columns:
        drops = [baseline - measure(_shuffled(features, column, rng)) for _ in range(n_repeats)]
        sign = 1.0 if evaluator.greater_is_better else -1.0
        drops = [sign * d for d in drops]
        rows.append(
            {
                "column": column,
                "importance": float(np.mean(drops)),
                "std": float(np.std(drops)),
                "repeats": drops,
                "metric": evaluator.name,
                "baseline": baseline,
            }
        )
    table = pd.DataFrame(rows, columns=["column", "importance", "std", "repeats", "metric", "baseline"])
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def _evaluator(model: Any, metric: str | None):
    name = metric or model.metric_
    by_name = {e.name: e for e in model.evaluators_}
    if name not in by_name:
        raise ValueError(
            f"unknown metric {name!r} for this {model.task_} model; installed: {', '.join(sorted(by_name))}"
        )
    return by_name[name]


def _rows(data: Labelled, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(data.features)
    if n < MIN_ROWS:
        raise DataError(f"feature importance needs at least {MIN_ROWS} labelled rows, got {n}")
    if max_rows is not None and n > max_rows:
        picked = np.sort(np.random.default_rng(seed).choice(n, size=max_rows, replace=False))
        return data.features.iloc[picked], data.y[picked]
    return data.features, data.y


def _scorer(model: Any, evaluator, y: np.ndarray) -> Callable[[pd.DataFrame], float]:
    def measure(features: pd.DataFrame) -> float:
        with thread_limit(model._threads()):
            output = model.model_.output(features)
        try:
            value = score(evaluator, y, output, model.threshold_)
        except ValueError as exc:  # e.g. ROC AUC on rows of one class
            raise DataError(f"metric {evaluator.name} cannot be computed on these rows: {exc}") from exc
        if not np.isfinite(value):
            raise DataError(f"metric {evaluator.name} is not finite on these rows ({value})")
        return value

    return measure


def _shuffled(features: pd.DataFrame, column: str, rng: np.random.Generator) -> pd.DataFrame:
    """``features`` with ``column``'s values permuted among the rows (its dtype kept)."""
    out = features.copy(deep=False)
    order = rng.permutation(len(features))
    out[column] = features[column].iloc[order].set_axis(features.index)
    return out
