"""Validation splits: k-fold or a holdout, stratified for classification, by group when rows
come in groups (no group on both sides of a split); or forward-chaining in time order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

#: Validation chosen by ``validation="auto"``: k-fold up to these row counts, else a holdout.
#: Folds multiply a trial's cost; on two cores and a minute, above a few thousand rows more
#: trials on one holdout beat fewer, better-measured ones.
AUTO_FIVE_FOLD_ROWS = 2_500
AUTO_THREE_FOLD_ROWS = 6_000

#: The values of ``AutoML(validation=...)``.
VALIDATIONS = ("auto", "kfold", "holdout", "time")


@dataclass(frozen=True)
class Splits:
    """Train/validation index pairs; ``kind`` is ``"kfold"``, ``"holdout"`` or ``"time"``
    (forward-chaining: each validation part later than its training part). ``grouped``: no
    group has rows on both sides of a split; ``stratified``: classes keep their shares."""

    kind: str
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    grouped: bool = False
    stratified: bool = False

    @property
    def validated_rows(self) -> np.ndarray:
        """Rows that receive a validation prediction (all rows for k-fold)."""
        return np.sort(np.concatenate([val for _, val in self.folds]))


def resolve_validation(validation: str, folds: int, n_rows: int) -> tuple[str, int]:
    if validation not in VALIDATIONS:
        raise DataError(f"validation must be one of {', '.join(map(repr, VALIDATIONS))}, not {validation!r}")
    if validation == "auto":
        if n_rows <= AUTO_FIVE_FOLD_ROWS:
            return "kfold", folds
        return ("kfold", min(folds, 3)) if n_rows <= AUTO_THREE_FOLD_ROWS else ("holdout", 1)
    return validation, folds


def make_splits(
    y: np.ndarray,
    task: str,
    validation: str,
    folds: int,
    holdout: float,
    seed: int,
    groups: np.ndarray | None = None,
    time: np.ndarray | None = None,
) -> Splits:
    """Stratified (classification) or shuffled (regression) splits; by group when ``groups``
    (one code per row) are given; forward-chaining on ``time`` (one sortable value per row)
    under ``validation="time"``."""
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    n = len(y)
    kind, k = resolve_validation(validation, folds, n)
    if kind == "time":
        if time is None:
            raise DataError("validation='time' needs the column that orders the rows: AutoML(time_column=...)")
        return time_splits(time, k)
    classification = task != "regression"
    if kind == "kfold" and k < 2:
        raise DataError(f"k-fold validation needs at least 2 folds, got {k}")
    if kind == "holdout" and not 0 < holdout < 1:
        raise DataError(f"holdout must be a fraction between 0 and 1, got {holdout}")
    if groups is not None:
        return _group_splits(y, kind, k, holdout, seed, groups, classification)
    if kind == "kfold":
        if n < k:
            raise DataError(f"{n} rows are fewer than the {k} validation folds")
        stratify = classification and _stratifiable(y, k)
        splitter = (StratifiedKFold if stratify else KFold)(k, shuffle=True, random_state=seed)
        return Splits("kfold", tuple(splitter.split(np.zeros(n), y)), stratified=stratify)
    strata = y if classification and _stratifiable(y, 2) else None
    train, val = train_test_split(np.arange(n), test_size=holdout, random_state=seed, stratify=strata)
    if len(train) < 2 or len(val) < 1:
        raise DataError(f"{n} rows are too few for a {holdout:.0%} holdout")
    return Splits("holdout", ((np.sort(train), np.sort(val)),), stratified=strata is not None)


def _stratifiable(y: np.ndarray, k: int) -> bool:
    """Whether scikit-learn can stratify ``y`` into ``k`` parts: every class has two rows or
    more, and some class has ``k`` (StratifiedKFold refuses when every class has fewer)."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    return len(y) >= k and counts.min() >= 2 and counts.max() >= k


def _group_splits(
    y: np.ndarray, kind: str, k: int, holdout: float, seed: int, groups: np.ndarray, classification: bool
) -> Splits:
    """Splits that keep each group on one side: GroupKFold (StratifiedGroupKFold for
    classification) for k-fold; for a holdout, GroupShuffleSplit (regression, or fewer groups
    than folds) or the first fold of a StratifiedGroupKFold of ``round(1 / holdout)`` folds
    (classification, so that every class can reach the holdout)."""
    from sklearn.model_selection import GroupKFold, GroupShuffleSplit, StratifiedGroupKFold

    n, n_groups = len(y), len(np.unique(groups))
    parts = k if kind == "kfold" else max(2, round(1 / holdout))
    needed = parts if kind == "kfold" else 2
    if n_groups < needed:
        raise DataError(
            f"the rows form {n_groups} group(s), too few for {kind} validation by group ({needed} at least)"
        )
    stratify = classification and n_groups >= parts and _stratifiable(y, parts)
    if stratify:
        splitter = StratifiedGroupKFold(parts, shuffle=True, random_state=seed)
    elif kind == "kfold":
        splitter = GroupKFold(parts, shuffle=True, random_state=seed)
    else:
        splitter = GroupShuffleSplit(n_splits=1, test_size=holdout, random_state=seed)
    folds = [(np.sort(train), np.sort(val)) for train, val in splitter.split(np.zeros(n), y, groups)]
    folds = folds if kind == "kfold" else folds[:1]
    if any(len(train) == 0 or len(val) == 0 for train, val in folds):
        raise DataError(f"the {n_groups} groups cannot fill {kind} validation parts that each hold one or more rows")
    return Splits(kind, tuple(folds), grouped=True, stratified=stratify)


def time_splits(time: np.ndarray, k: int) -> Splits:
    """Forward-chaining splits with the semantics of scikit-learn's ``TimeSeriesSplit(k)`` on the
    rows ordered by ``time``: the rows fall in ``k + 1`` consecutive parts, and split ``i``
    trains on parts ``0..i`` and validates on part ``i + 1``. Rows of equal time stay on one
    side (a part boundary moves back to the first row of its time), so every validation row is
    later than every training row of its split. Parts left empty by ties are skipped."""
    n = len(time)
    if k < 1:
        raise DataError(f"validation='time' needs at least 1 split, got folds={k}")
    size = n // (k + 1)
    if size < 1:
        raise DataError(f"{n} rows are too few for {k} forward-chaining time splits")
    order = np.argsort(time, kind="stable")
    ordered = np.asarray(time)[order]

    def boundary(position: int) -> int:  # the first row of the time at ``position``
        return n if position >= n else int(np.searchsorted(ordered, ordered[position], side="left"))

    folds = []
    for start in range(n - k * size, n, size):
        first, end = boundary(start), boundary(start + size)
        if first > 0 and end > first:
            folds.append((np.sort(order[:first]), np.sort(order[first:end])))
    if not folds:
        raise DataError(
            f"the time column has too few distinct values for {k} forward-chaining splits "
            f"({len(np.unique(ordered))} distinct in {n} rows)"
        )
    return Splits("time", tuple(folds))
