"""The inner validation split of model families that stop early, shared by their plugins.

The engine hands a model family's estimator the rows of one trial and nothing else; a
boosting family that stops early carves its validation rows out of those (XGBoost, CatBoost
and the LightGBM example do). One split for all of them, so that they stop on the same terms,
and one base class (:class:`EarlyStoppingEstimator`) for their constructor. Plugins import
this module when they build an estimator, never at load: it imports scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split


def inner_split(
    y: np.ndarray, stratify: bool, fraction: float, min_rows: int, seed: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Row indices ``(train, valid)`` of an inner validation split, or None if ``y`` is too small.

    ``fraction`` of the rows go to validation; both parts need at least ``min_rows`` rows (and
    one per class). With ``stratify``, classes keep their proportions in both parts; rows of a
    class seen once stay in the training part, so that the model still learns every class.
    """
    rows = np.arange(len(y))
    keep = np.ones(len(y), dtype=bool)
    n_classes = 0
    if stratify:
        _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
        keep = counts[inverse] >= 2
        n_classes = int((counts >= 2).sum())
    n_valid = math.ceil(fraction * keep.sum())
    if min(n_valid, keep.sum() - n_valid) < max(min_rows, n_classes):
        return None
    train, valid = train_test_split(
        rows[keep], test_size=n_valid, random_state=seed, stratify=y[keep] if stratify else None
    )
    return np.concatenate([train, rows[~keep]]), valid


class EarlyStoppingEstimator(BaseEstimator):
    """The constructor and inner split of a boosting estimator that stops early.

    A plugin's estimator subclasses it, sets ``_stratify`` (True for classifiers) and writes
    ``fit`` and the predict methods around :meth:`_inner_split`. The parameters follow
    scikit-learn's rules (stored as given, checked at fit), so ``clone`` and ``get_params``
    work; missing values are allowed in the input.

    :param params: the boosting library's own parameters, passed through.
    :param n_estimators: the most boosting rounds to train.
    :param early_stopping_rounds: stop after this many rounds without validation improvement.
    :param validation_fraction: share of the rows held out for early stopping.
    :param min_validation_rows: below this many rows in either part, no split is made.
    :param random_state: seeds the split and the library.
    :param n_jobs: threads the library may use.
    """

    _stratify = False  # whether the inner split keeps class proportions

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        n_estimators: int = 2000,
        early_stopping_rounds: int = 50,
        validation_fraction: float = 0.15,
        min_validation_rows: int = 20,
        random_state: int = 0,
        n_jobs: int = 1,
    ):
        self.params = params
        self.n_estimators = n_estimators
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.min_validation_rows = min_validation_rows
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _inner_split(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """:func:`inner_split` of ``y`` with this estimator's settings."""
        return inner_split(y, self._stratify, self.validation_fraction, self.min_validation_rows, self.random_state)
