"""Pruning a k-fold trial that trails, decided where the trial runs.

A trial that runs in a worker process (or on another machine) cannot ask the driver's optuna
study after each fold, so it takes the study's evidence with it: the intermediate values
(mean fold score after each fold) of the trials completed when it was started. The rule is
optuna's median pruner, computed the same way: a trial is stopped after a fold when the best
of its running means so far is worse than the median of the completed trials' running means
at that fold, once enough trials have completed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Completed trials needed before any trial is pruned (optuna MedianPruner's n_startup_trials).
STARTUP_TRIALS = 4


class TrialPruned(Exception):
    """Raised inside a trial whose running score trails the completed trials' median."""


@dataclass(frozen=True)
class PruneRule:
    """The completed trials' intermediate values (step to value, one mapping per trial), and
    the direction of the metric."""

    maximize: bool
    completed: tuple[dict[int, float], ...] = ()
    startup: int = STARTUP_TRIALS

    def should_prune(self, step: int, reported: list[float]) -> bool:
        """Whether a trial that reported ``reported`` (one running mean per fold, the last at
        ``step``) trails: optuna's ``MedianPruner(n_startup_trials, n_warmup_steps=0)``."""
        if not self.completed or len(self.completed) < self.startup:
            return False
        values = np.asarray(reported, dtype=float)
        if values.size > 0 and np.isnan(values).all():
            return True
        best = np.nanmax(values) if self.maximize else np.nanmin(values)
        median = _median_at(self.completed, step)
        if math.isnan(median):
            return False
        return bool(best < median) if self.maximize else bool(best > median)


def _median_at(completed: tuple[dict[int, float], ...], step: int) -> float:
    values = np.array([t[step] for t in completed if step in t], dtype=float)
    if len(values) == 0 or np.isnan(values).all():
        return math.nan
    return float(np.nanpercentile(values, 50))
