"""What ``fit`` is told about the rows rather than the features: their sample weights, the
groups they come in, and the time that orders them. Weights and groups come as arrays
(``fit(sample_weight=..., groups=...)``) or as columns of the training frame, which are then
not features; the time column is read and stays a feature. Each is checked here, with errors
that name it, and kept aligned with the rows through every later step (:class:`RowValues`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError


@dataclass(frozen=True)
class RowRoles:
    """What ``fit`` was told: the columns that hold weights, groups and time (``AutoML``'s
    ``weight_column``, ``group_column``, ``time_column``), and the arrays given to ``fit``."""

    weight_column: str | None = None
    group_column: str | None = None
    time_column: str | None = None
    sample_weight: Any = None
    groups: Any = None


@dataclass(frozen=True)
class RowValues:
    """One value per training row, in row order: ``sample_weight`` (float64, non-negative),
    ``groups`` (integer codes) and ``time`` (float64 numbers, or int64 nanoseconds for dates);
    None when not given. ``sources`` says where each came from (``"column 'fnlwgt'"``,
    ``"sample_weight="``) and ``time_kind`` is ``"datetime"`` or ``"numeric"``."""

    sample_weight: np.ndarray | None = None
    groups: np.ndarray | None = None
    time: np.ndarray | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    time_kind: str | None = None

    def take(self, rows: np.ndarray) -> RowValues:
        """The values of ``rows`` (positions or a boolean mask), in that order."""

        def pick(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[rows]

        return replace(self, sample_weight=pick(self.sample_weight), groups=pick(self.groups), time=pick(self.time))


def take_row_roles(features: pd.DataFrame, roles: RowRoles | None, target: str) -> tuple[pd.DataFrame, RowValues]:
    """The features without the weight and group columns, and every row's values."""
    if roles is None or all(getattr(roles, f) is None for f in RowRoles.__dataclass_fields__):
        return features, RowValues()
    _check_names(features, roles, target)
    sources: dict[str, str] = {}
    weight = _given(roles.sample_weight, roles.weight_column, features, "sample_weight", "weight_column", sources)
    groups = _given(roles.groups, roles.group_column, features, "groups", "group_column", sources)
    values = RowValues(
        sample_weight=None if weight is None else _weights(weight, sources["sample_weight"]),
        groups=None if groups is None else _group_codes(groups, sources["groups"]),
        sources=sources,
    )
    if roles.time_column is not None:
        kind, time = _time_values(features[roles.time_column], roles.time_column)
        sources["time"] = f"column {roles.time_column!r}"
        values = replace(values, time=time, time_kind=kind)
    dropped = [c for c in (roles.weight_column, roles.group_column) if c is not None]
    return features.drop(columns=dropped), values


def _check_names(features: pd.DataFrame, roles: RowRoles, target: str) -> None:
    named = {
        k: v
        for k, v in (
            ("weight_column", roles.weight_column),
            ("group_column", roles.group_column),
            ("time_column", roles.time_column),
        )
        if v is not None
    }
    for key, column in named.items():
        if column == target:
            raise DataError(f"{key} {column!r} is the target column; name another column")
        if column not in features.columns:
            raise DataError(
                f"{key} {column!r} is not a column of the training data; columns: {list(map(str, features.columns))}"
            )
    if len(set(named.values())) < len(named):
        raise DataError(f"{', '.join(f'{k}={v!r}' for k, v in named.items())}: each must name another column")


def _given(
    array: Any, column: str | None, features: pd.DataFrame, array_name: str, column_name: str, sources: dict[str, str]
) -> Any:
    """The array given to ``fit`` or the named column's values (never both), or None."""
    if array is not None and column is not None:
        raise DataError(f"give either fit(..., {array_name}=...) or AutoML({column_name}=...), not both")
    if column is not None:
        sources[array_name] = f"column {column!r}"
        return features[column]
    if array is None:
        return None
    sources[array_name] = f"{array_name}="
    values = np.asarray(array)
    if values.ndim != 1 or len(values) != len(features):
        raise DataError(f"{array_name} must hold one value per row: {len(features)} rows, got shape {values.shape}")
    return pd.Series(values, index=features.index)


def _weights(values: pd.Series, source: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    if len(bad):
        raise DataError(f"sample weights ({source}) must be numbers; got {', '.join(map(repr, bad.unique()[:5]))}")
    weights = numbers.to_numpy(dtype="float64", na_value=np.nan)
    if np.isnan(weights).any():
        raise DataError(f"sample weights ({source}) are missing in {int(np.isnan(weights).sum())} row(s)")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise DataError(
            f"sample weights ({source}) must be finite and non-negative; got "
            f"{', '.join(map(str, np.unique(weights[~np.isfinite(weights) | (weights < 0)])[:5]))}"
        )
    if weights.sum() <= 0:
        raise DataError(f"sample weights ({source}) are all zero")
    return weights


def _group_codes(values: pd.Series, source: str) -> np.ndarray:
    if values.isna().any():
        raise DataError(f"groups ({source}) are missing in {int(values.isna().sum())} row(s); give every row a group")
    codes, _ = pd.factorize(values, sort=True)
    return codes.astype("int64")


def _time_values(values: pd.Series, column: str) -> tuple[str, np.ndarray]:
    """The time column as sortable numbers: numbers as they are, dates (or text that reads as
    dates) as nanoseconds."""
    if values.isna().any():
        raise DataError(
            f"time_column {column!r} is missing in {int(values.isna().sum())} row(s); every row needs a time"
        )
    if pd.api.types.is_bool_dtype(values):
        raise DataError(f"time_column {column!r} holds booleans, not times or numbers")
    if pd.api.types.is_numeric_dtype(values):
        return "numeric", values.to_numpy(dtype="float64")
    if not pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values.astype(str), errors="coerce", format="mixed", utc=True)
        bad = values[parsed.isna()]
        if len(bad):
            raise DataError(
                f"time_column {column!r} must hold dates or numbers; {len(bad)} value(s) are neither: "
                f"{', '.join(map(repr, bad.astype(str).unique()[:5]))}"
            )
        values = parsed
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return "datetime", values.astype("datetime64[ns]").to_numpy().astype("int64")
