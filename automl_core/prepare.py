"""Turning what the user passed to ``fit`` or ``predict`` into checked features and target."""
from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .columns import holds_numbers
from .errors import DataError


def to_frame(X: Any, what: str = "X") -> pd.DataFrame:
    """A DataFrame from a DataFrame, a mapping of columns (or of one record's values), records
    or a 2-d array. Column names are strings: others (a frame made from an array has 0, 1...)
    become their text, the same at fit and at predict."""
    frame = _frame(X, what)
    if not all(isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    return frame


def _frame(X: Any, what: str) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], Mapping):
        return pd.DataFrame.from_records(X)
    if isinstance(X, Mapping):
        if X and all(np.ndim(v) == 0 for v in X.values()):  # {"age": 30, "sex": "f"}: one record
            return pd.DataFrame([X])
        return pd.DataFrame(X)
    array = np.asarray(X)
    if array.ndim != 2:
        raise DataError(f"{what} must be a table (a DataFrame or a 2-d array), got {type(X).__name__} of shape {array.shape}")
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def check_columns(X: pd.DataFrame, what: str) -> None:
    """Non-empty, unique string column names, no infinite numbers."""
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{what} is empty ({X.shape[0]} rows, {X.shape[1]} columns)")
    duplicates = sorted(str(c) for c, n in Counter(X.columns).items() if n > 1)
    if duplicates:
        raise DataError(f"{what} has duplicate column names: {duplicates}")
    numbers = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c].dtype) or holds_numbers(X[c])]
    infinite = [str(c) for c in numbers if np.isinf(pd.to_numeric(X[c]).to_numpy(dtype="float64", na_value=np.nan)).any()]
    if infinite:
        raise DataError(f"{what} has infinite values in column(s) {infinite}; replace them with missing values or finite numbers")


def split_target(frame: pd.DataFrame, y: Any, target: str | None, what: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """Features and target, from ``fit(df, target=...)`` or ``fit(X, y)``. A ``y`` Series whose
    index holds the rows' labels in another order is aligned to them; any other ``y`` is read by
    position."""
    if target is not None:
        if y is not None:
            raise DataError("give either y or target=, not both")
        if target not in frame.columns:
            raise DataError(f"target column {target!r} is not in {what}; columns: {list(map(str, frame.columns))}")
        return frame.drop(columns=[target]), frame[target], str(target)
    if y is None:
        raise DataError("fit needs a target: fit(X, y) or fit(df, target='column')")
    series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel(), index=frame.index)
    if len(series) != len(frame):
        raise DataError(f"y has {len(series)} values but X has {len(frame)} rows")
    if _same_labels_in_another_order(series.index, frame.index):
        series = series.reindex(frame.index)  # the rows the labels name, as pandas aligns them
    series = series.set_axis(frame.index)  # otherwise by position, as scikit-learn reads y
    return frame, series, str(series.name) if series.name is not None else "y"


def _same_labels_in_another_order(first: pd.Index, second: pd.Index) -> bool:
    """Whether two indexes of unique labels hold the same labels, not in the same order."""
    if not (first.is_unique and second.is_unique and len(first) == len(second)) or first.equals(second):
        return False
    try:
        return first.sort_values().equals(second.sort_values())
    except TypeError:  # labels that do not sort together: not the same labels
        return False


def drop_missing_target(X: pd.DataFrame, y: pd.Series, name: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """Rows whose target is missing cannot teach anything: drop them and say how many."""
    missing = y.isna().to_numpy()
    if missing.all():
        raise DataError(f"target {name!r} is missing in every row")
    return X.loc[~missing], y.loc[~missing], int(missing.sum())
