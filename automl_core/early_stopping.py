"""The inner validation split of model families that stop early, shared by their plugins.

The engine hands a model family's estimator the rows of one trial and nothing else; a
boosting family that stops early carves its validation rows out of those (XGBoost, CatBoost
and the LightGBM example do). One split for all of them, so that they stop on the same terms.
"""
from __future__ import annotations

import math

import numpy as np


def inner_split(
    y: np.ndarray, stratify: bool, fraction: float, min_rows: int, seed: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Row indices ``(train, valid)`` of an inner validation split, or None if ``y`` is too small.

    ``fraction`` of the rows go to validation; both parts need at least ``min_rows`` rows (and
    one per class). With ``stratify``, classes keep their proportions in both parts; rows of a
    class seen once stay in the training part, so that the model still learns every class.
    """
    from sklearn.model_selection import train_test_split

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
