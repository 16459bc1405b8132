"""Validation splits: k-fold or a holdout, stratified for classification."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

#: Validation chosen by ``validation="auto"``: k-fold up to these row counts, else a holdout.
#: Folds multiply a trial's cost; on two cores and a minute, above a few thousand rows more
#: trials on one holdout beat fewer, better-measured ones.
AUTO_FIVE_FOLD_ROWS = 2_500
AUTO_THREE_FOLD_ROWS = 6_000


@dataclass(frozen=True)
class Splits:
    """Train/validation index pairs; ``kind`` is ``"kfold"`` or ``"holdout"``."""

    kind: str
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]

    @property
    def validated_rows(self) -> np.ndarray:
        """Rows that receive a validation prediction (all rows for k-fold)."""
        return np.sort(np.concatenate([val for _, val in self.folds]))


def resolve_validation(validation: str, folds: int, n_rows: int) -> tuple[str, int]:
    if validation not in ("auto", "kfold", "holdout"):
        raise DataError(f"validation must be 'auto', 'kfold' or 'holdout', not {validation!r}")
    if validation == "auto":
        if n_rows <= AUTO_FIVE_FOLD_ROWS:
            return "kfold", folds
        return ("kfold", min(folds, 3)) if n_rows <= AUTO_THREE_FOLD_ROWS else ("holdout", 1)
    return validation, folds


def make_splits(y: np.ndarray, task: str, validation: str, folds: int, holdout: float, seed: int) -> Splits:
    """Stratified (classification) or shuffled (regression) splits."""
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    n = len(y)
    kind, k = resolve_validation(validation, folds, n)
    classification = task != "regression"
    if kind == "kfold":
        if k < 2:
            raise DataError(f"k-fold validation needs at least 2 folds, got {k}")
        if n < k:
            raise DataError(f"{n} rows are fewer than the {k} validation folds")
        splitter = StratifiedKFold(k, shuffle=True, random_state=seed) if classification and _stratifiable(y, k) else KFold(k, shuffle=True, random_state=seed)
        return Splits("kfold", tuple(splitter.split(np.zeros(n), y)))
    if not 0 < holdout < 1:
        raise DataError(f"holdout must be a fraction between 0 and 1, got {holdout}")
    stratify = y if classification and _stratifiable(y, 2) else None
    train, val = train_test_split(np.arange(n), test_size=holdout, random_state=seed, stratify=stratify)
    if len(train) < 2 or len(val) < 1:
        raise DataError(f"{n} rows are too few for a {holdout:.0%} holdout")
    return Splits("holdout", ((np.sort(train), np.sort(val)),))


def _stratifiable(y: np.ndarray, k: int) -> bool:
    return np.bincount(y).min() >= 2 if len(y) >= k else False


