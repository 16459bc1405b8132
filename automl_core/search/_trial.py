"""The record of one trial and what every trial fits on."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..components import Evaluator
from ._space import PipelineConfig
from ._splits import Splits


@dataclass
class TrialResult:
    """What one trial did. ``oof`` holds validation outputs for ``Splits.validated_rows``;
    ``predict_seconds`` is the time its fold models took to predict them (its predict cost)."""

    number: int
    config: PipelineConfig | None
    state: str  # complete, pruned, failed, timeout, skipped
    score: float | None = None
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    elapsed: float = 0.0
    error: str | None = None
    folds_fitted: int = 0
    oof: np.ndarray | None = field(default=None, repr=False)
    models: list | None = field(default=None, repr=False)

    def record(self) -> dict:
        config = self.config
        return {
            "trial": self.number,
            "state": self.state,
            "family": config.family if config else None,
            "preprocessing": config.describe() if config else None,
            "params": config.params.get(config.family, {}) if config else None,
            "score": self.score,
            "fit_seconds": round(self.fit_seconds, 4),
            "predict_seconds": round(self.predict_seconds, 4),
            "elapsed": round(self.elapsed, 3),
            "error": self.error,
        }

@dataclass
class SearchData:
    """What every trial fits on."""

    X: Any
    y: np.ndarray
    task: str
    n_classes: int
    splits: Splits
    metric: Evaluator

def trial_cost(result: TrialResult, n_folds: int) -> float | None:
    """Seconds a trial of this configuration takes in full, for
    :class:`~automl_core.search._study.CostModel`: what a complete or timed-out trial took;
    for a pruned one, its time per fitted fold times the folds (left unobserved, every next
    trial of a slow family would start as if its cost were unknown); None for a failure or a
    trial that fitted nothing."""
    if result.config is None or result.state not in ("complete", "timeout", "pruned"):
        return None
    if result.state == "pruned":
        return result.fit_seconds * n_folds / result.folds_fitted if result.folds_fitted else None
    return result.fit_seconds

def best_first(results: list[TrialResult], greater_is_better: bool) -> list[TrialResult]:
    """The completed trials, best validation score first."""
    return sorted((r for r in results if r.state == "complete"), key=lambda r: r.score, reverse=greater_is_better)


def assemble_oof(outputs: list[np.ndarray], splits: Splits) -> np.ndarray:
    """Validation outputs ordered as ``splits.validated_rows``."""
    order = np.concatenate([val for _, val in splits.folds])
    stacked = np.concatenate(outputs, axis=0)
    return stacked[np.argsort(order, kind="stable")]


def short_error(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" ({where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{place}"


def trial_errors(results: list[TrialResult]) -> str:
    """What the first trials did: number, family, state and error."""
    errors = [f"trial {r.number} ({r.config.family if r.config else '?'}): {r.state} {r.error or ''}" for r in results[:8]]
    return "; ".join(errors) or "no trial could start"
