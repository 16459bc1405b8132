"""The target: which task it poses, and its encoding to what models receive."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._jsonable import plain  # numpy scalars as Python values in messages: 5.0, not np.float64(5.0)
from ..components import TASKS
from ..errors import DataError

#: An integer target with at most this many distinct values is read as classes.
MAX_INTEGER_CLASSES = 20


def infer_task(y: pd.Series) -> str:
    """binary, multiclass or regression, from the target's values."""
    distinct = y.nunique()
    if distinct == 2:
        return "binary"
    if pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y):
        return "multiclass"
    values = y.to_numpy(dtype="float64")
    if pd.api.types.is_integer_dtype(y) or np.all(np.mod(values, 1) == 0):
        if distinct <= MAX_INTEGER_CLASSES:
            return "multiclass"
    return "regression"


def check_target(y: pd.Series, task: str | None, name: str) -> str:
    """Validate a target (its missing rows already dropped) and return the task."""
    if y.empty:
        raise DataError(f"target {name!r} has no non-missing value")
    if task is not None and task not in TASKS:
        raise DataError(f"unknown task {task!r}; tasks are {TASKS}")
    if y.nunique() < 2:
        what = f"task {task!r} but " if task else ""
        raise DataError(
            f"{what}target {name!r} is constant ({plain(y.iloc[0])!r} in every row): there is nothing to learn"
        )
    task = task or infer_task(y)
    if task == "binary" and y.nunique() != 2:
        raise DataError(f"task 'binary' but target {name!r} has {y.nunique()} classes")
    if task != "regression":
        _check_classes(y, task, name)
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
            example = y[pd.to_numeric(y, errors="coerce").isna()].iloc[:1].tolist()
            raise DataError(
                f"task 'regression' needs a numeric target, but {name!r} holds {y.dtype} values such as {example}"
            )
        if not np.isfinite(y.to_numpy(dtype="float64")).all():
            raise DataError(f"target {name!r} holds infinite values")
        if y.nunique() < 2:
            raise DataError(f"target {name!r} is constant ({y.iloc[0]!r}); there is nothing to learn")
    return task


#: A binary target's rarer class needs at least this many rows: with one, no validation split
#: can hold it both in the rows a model learns from and in the rows it is scored on.
MIN_BINARY_CLASS_ROWS = 2
#: A class of at most this many rows cannot be learned from some rows and scored on others
#: with any confidence; a multiclass target whose classes are mostly that small is refused.
RARE_CLASS_ROWS = 2
#: ... when at least this share of the rows are in such classes (an identifier, a measured
#: quantity read as labels, or labels too fine for the data: any model scores worse than the
#: class priors there; 1,000 classes of 2 rows fitted to a log loss of 13.5, above log(1000)).
MAX_RARE_CLASS_SHARE = 0.5


def _check_classes(y: pd.Series, task: str, name: str) -> None:
    """Classes that can be ordered (not numbers mixed with text) and, for a binary target,
    enough rows of each."""
    types = sorted({type(v).__name__ for v in y.dropna().tolist()})
    try:
        np.unique(y.to_numpy())
    except TypeError:
        examples = {t: next(v for v in y.tolist() if type(v).__name__ == t) for t in types}
        raise DataError(
            f"target {name!r} mixes values of types {', '.join(types)} (e.g. "
            f"{', '.join(repr(v) for v in examples.values())}); make its classes one type"
        ) from None
    counts = y.value_counts()
    if task == "binary" and counts.min() < MIN_BINARY_CLASS_ROWS:
        raise DataError(
            f"class {plain(counts.idxmin())!r} of target {name!r} has {counts.min()} row; each class of a binary "
            f"target needs at least {MIN_BINARY_CLASS_ROWS} to be learned and validated"
        )
    rare = counts[counts <= RARE_CLASS_ROWS]
    if task == "multiclass" and rare.sum() >= MAX_RARE_CLASS_SHARE * len(y):
        raise DataError(
            f"target {name!r} has {len(counts):,} classes in {len(y):,} rows, and {rare.sum() / len(y):.0%} of the rows "
            f"are in classes of {RARE_CLASS_ROWS} rows or fewer (e.g. {plain(rare.index[0])!r}): too few to learn a "
            f"class from and score it on. If {name!r} is an identifier, it is not a target; if it is a quantity, "
            "pass task='regression'; else group its rare classes into fewer, larger ones"
        )


def encode_target(y: pd.Series, task: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Class indices 0..k-1 and the classes (sorted), or float values and None."""
    if task == "regression":
        return y.to_numpy(dtype="float64"), None
    classes, codes = np.unique(y.to_numpy(), return_inverse=True)
    return codes.astype("int64"), classes
