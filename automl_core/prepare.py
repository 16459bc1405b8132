"""Turning what the user passed to ``fit`` or ``predict`` into checked features and target."""
from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import DataError


def to_frame(X: Any, what: str = "X") -> pd.DataFrame:
    """A DataFrame from a DataFrame, a mapping of columns, records or a 2-d array."""
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], Mapping):
        return pd.DataFrame.from_records(X)
    if isinstance(X, Mapping):
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
    infinite = [str(c) for c in X.select_dtypes("number").columns if np.isinf(X[c].to_numpy(dtype="float64", na_value=np.nan)).any()]
    if infinite:
        raise DataError(f"{what} has infinite values in column(s) {infinite}; replace them with missing values or finite numbers")


def split_target(frame: pd.DataFrame, y: Any, target: str | None, what: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """Features and target, from ``fit(df, target=...)`` or ``fit(X, y)``."""
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
    series = series.set_axis(frame.index)
    return frame, series, str(series.name) if series.name is not None else "y"


def drop_missing_target(X: pd.DataFrame, y: pd.Series, name: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """Rows whose target is missing cannot teach anything: drop them and say how many."""
    missing = y.isna().to_numpy()
    if missing.all():
        raise DataError(f"target {name!r} is missing in every row")
    return X.loc[~missing], y.loc[~missing], int(missing.sum())
