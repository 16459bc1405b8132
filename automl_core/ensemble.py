"""Greedy ensemble selection (Caruana et al., 2004) and the final fitted predictor."""
from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator

from .components import Evaluator
from .evaluation import better, model_output, score

#: Candidates considered for the ensemble (best validation scores first) and selection rounds.
ENSEMBLE_CANDIDATES = 12
ENSEMBLE_ROUNDS = 30


def select_ensemble(candidates: list, y_true: np.ndarray, metric: Evaluator) -> dict[int, float]:
    """Weights (trial number to weight, summing to 1) chosen greedily with replacement.

    ``candidates`` are completed trial results with ``oof`` outputs on the same rows. Each
    round adds the candidate whose addition gives the best score of the averaged outputs;
    it stops when no addition improves on the best ensemble so far.
    """
    if not candidates:
        return {}
    picks: list[int] = []
    total = np.zeros_like(candidates[0].oof)
    best_score = None
    for _ in range(ENSEMBLE_ROUNDS):
        trial_scores = [(score(metric, y_true, (total + c.oof) / (len(picks) + 1)), i) for i, c in enumerate(candidates)]
        round_score, index = _best(trial_scores, metric)
        if best_score is not None and not better(metric, round_score, best_score):
            break
        best_score = round_score
        picks.append(index)
        total += candidates[index].oof
    counts = Counter(candidates[i].number for i in picks)
    return {number: n / len(picks) for number, n in counts.items()}


def _best(scored: list[tuple[float, int]], metric: Evaluator) -> tuple[float, int]:
    finite = [(s, i) for s, i in scored if np.isfinite(s)]
    key = (lambda t: (-t[0], t[1])) if metric.greater_is_better else (lambda t: (t[0], t[1]))
    return sorted(finite, key=key)[0]


class FoldBag(BaseEstimator):
    """The fold models of one pipeline, averaged: used when the refit on all rows did not fit in time."""

    def __init__(self, models=None):
        self.models = models

    def predict(self, X):
        return np.mean([m.predict(X) for m in self.models], axis=0)

    def predict_proba(self, X):
        n_classes = max(int(np.max(m.classes_)) for m in self.models) + 1
        return np.mean([model_output(m, X, "binary", n_classes) for m in self.models], axis=0)

    @property
    def classes_(self):
        return np.unique(np.concatenate([m.classes_ for m in self.models]))


class WeightedEnsemble(BaseEstimator):
    """Fitted pipelines and their weights; outputs are the weighted average of theirs."""

    def __init__(self, models=None, weights=None, task=None, n_classes=0):
        self.models = models
        self.weights = weights
        self.task = task
        self.n_classes = n_classes

    def output(self, X) -> np.ndarray:
        """Probabilities ``(n, k)`` in class-index order, or regression values ``(n,)``."""
        weights = np.asarray(self.weights, dtype="float64")
        outputs = [model_output(m, X, self.task, self.n_classes) for m in self.models]
        return np.tensordot(weights / weights.sum(), np.stack(outputs), axes=1)
