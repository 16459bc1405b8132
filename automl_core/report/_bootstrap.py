"""Metrics with bootstrap confidence intervals: the rows resampled with replacement, each
metric recomputed on every resample, the interval the percentiles of those values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..model import score

#: The coverage of the intervals.
CONFIDENCE = 0.95
#: Fewer rows than this get no interval (a resample of so few says little).
BOOTSTRAP_MIN_ROWS = 20
#: A metric that fails on more than this share of the resamples (a class missing from one) gets no interval.
MAX_FAILED_SHARE = 0.2


def metric_intervals(
    evaluators: Sequence[Any],
    search_metric: str,
    y: np.ndarray,
    output: np.ndarray,
    threshold: float | None,
    resamples: int,
    seed: int,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per metric: ``value``, ``low`` and ``high`` (NaN when not computed), and the
    notes saying what could not be computed and why."""
    notes: list[str] = []
    samples = _resamples(len(y), resamples, seed, notes)
    rows = []
    for evaluator in evaluators:
        value, low, high = np.nan, np.nan, np.nan
        try:
            value = score(evaluator, y, output, threshold)
        except Exception as exc:  # noqa: BLE001 - a metric that cannot be computed here is reported, not fatal
            notes.append(f"metric {evaluator.name}: not computed: {type(exc).__name__}: {exc}")
        if samples is not None and np.isfinite(value):
            low, high = _interval(evaluator, y, output, threshold, samples, notes)
        rows.append(
            {
                "metric": evaluator.name,
                "value": value,
                "low": low,
                "high": high,
                "greater_is_better": evaluator.greater_is_better,
                "search_metric": evaluator.name == search_metric,
            }
        )
    columns = ["metric", "value", "low", "high", "greater_is_better", "search_metric"]
    return pd.DataFrame(rows, columns=columns), notes


def _resamples(n: int, resamples: int, seed: int, notes: list[str]) -> np.ndarray | None:
    if resamples <= 0:
        return None
    if n < BOOTSTRAP_MIN_ROWS:
        notes.append(
            f"confidence intervals: not computed: the bootstrap needs at least {BOOTSTRAP_MIN_ROWS} rows, got {n}"
        )
        return None
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def _interval(evaluator, y, output, threshold, samples: np.ndarray, notes: list[str]) -> tuple[float, float]:
    values = []
    for rows in samples:
        try:
            value = score(evaluator, y[rows], output[rows], threshold)
        except Exception:  # noqa: BLE001 - e.g. a resample holding one class only
            continue
        if np.isfinite(value):
            values.append(value)
    failed = 1 - len(values) / len(samples)
    if failed > MAX_FAILED_SHARE:
        notes.append(
            f"metric {evaluator.name}: no confidence interval: it could not be computed on "
            f"{failed:.0%} of the bootstrap resamples"
        )
        return np.nan, np.nan
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
