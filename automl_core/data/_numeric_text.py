"""Numbers written as text: which text columns are really numeric, and reading them so.

A text column whose non-blank values all parse as numbers (telco churn's ``TotalCharges``,
where 11 customers have ``" "``) holds numbers; a single value that is neither blank nor a
number keeps it text. Loaders of text formats (CSV, JSON lines) convert such columns as they
read. A DataFrame handed to ``fit`` is the user's own typing, so the engine converts only the
columns that can be nothing else: numbers and blank strings, at least one blank (pandas'
reader leaves a numeric column as text for a single blank). The model records them and reads
them the same way at predict, where a value that is not a number is an error naming the
column, never a silent missing value.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError

#: What ``pandas.api.types.infer_dtype`` says of columns that may hold numbers written as text.
_CANDIDATE_KINDS = ("string", "integer", "floating", "mixed-integer-float", "mixed-integer", "mixed")
#: Offending values named in an error message.
SHOWN_VALUES = 5


def _is_text_or_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (str, numbers.Real))


def blanks_as_missing(series: pd.Series, all_text: bool) -> pd.Series:
    stripped = (
        series.str.strip()
        if all_text
        else series.map(lambda v: v.strip() if isinstance(v, str) else v, na_action="ignore")
    )
    return stripped.mask(stripped.eq(""))


def as_numbers(values: pd.Series) -> pd.Series | None:
    """``values`` parsed as numbers, or None when a non-missing value is not a number."""
    parsed = pd.to_numeric(values, errors="coerce")
    return None if (parsed.isna() & values.notna()).any() else parsed


def is_text_column(series: pd.Series) -> bool:
    """Whether a column holds Python objects or pandas strings (what a text reader leaves)."""
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def numeric_text(series: pd.Series) -> tuple[pd.Series, int] | None:
    """``series`` as numbers and the count of blanks made missing, or None if it is real text.

    Only columns whose values are all strings or numbers qualify, and at least one value must
    be a non-blank number; a single value that is neither blank nor a number keeps the text.
    """
    values = series.dropna()
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if values.empty or kind not in _CANDIDATE_KINDS:
        return None
    if kind != "string" and not all(_is_text_or_number(v) for v in values):
        return None
    all_text = kind == "string"
    if as_numbers(blanks_as_missing(values.iloc[:200], all_text)) is None:
        return None  # ordinary text is told apart on its first values, cheaply
    stripped = blanks_as_missing(series, all_text)
    parsed = as_numbers(stripped)
    if parsed is None or parsed.isna().all():
        return None
    if isinstance(parsed.dtype, pd.api.extensions.ExtensionDtype):  # Float64/Int64 from pandas strings
        parsed = parsed.astype("float64")
    return parsed, int((series.notna() & stripped.isna()).sum())


def convert_numeric_text(
    frame: pd.DataFrame, keep: Collection[str] = (), *, blanks_required: bool = False
) -> tuple[pd.DataFrame, list[dict]]:
    """``frame`` with its numeric text columns (except those in ``keep``) as numbers, and a list
    of what changed. With ``blanks_required``, only columns with at least one blank value
    change. ``frame`` itself is left as it was."""
    converted, conversions = {}, []
    for column in frame.columns:
        if column in keep or not is_text_column(frame[column]):
            continue
        result = numeric_text(frame[column])
        if result is None or (blanks_required and result[1] == 0):
            continue
        parsed, blanks = result
        conversions.append(
            {"column": column, "from": str(frame[column].dtype), "to": str(parsed.dtype), "blanks_as_missing": blanks}
        )
        converted[column] = parsed
    return _with_columns(frame, converted), conversions


def read_numeric_text(frame: pd.DataFrame, columns: Collection[str], what: str) -> pd.DataFrame:
    """``frame`` with each of ``columns`` that arrives as text read as numbers, blanks as missing,
    as they were read at fit. Columns already numeric, or absent, are left to validation.

    :raises DataError: naming the column, values that are not numbers and their rows.
    """
    if not columns:
        return frame  # most models: no work on the predict path
    repeated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]} & {str(c) for c in columns})
    if repeated:
        raise DataError(f"{what} has duplicate column names: {repeated}")
    converted = {}
    for column in columns:
        if column not in frame.columns or not is_text_column(frame[column]):
            continue
        series = frame[column]
        all_text = pd.api.types.infer_dtype(series, skipna=True) == "string"
        stripped = blanks_as_missing(series, all_text)
        readable = stripped  # all text: every value is given to to_numeric as it is
        if not all_text:  # values neither text nor numbers (True, [1], a date...) are not numbers
            readable = stripped.mask(stripped.notna() & ~stripped.map(_is_text_or_number).astype(bool))
        parsed = pd.to_numeric(readable, errors="coerce")
        bad = parsed.isna() & stripped.notna()
        if bad.any():
            shown = ", ".join(f"{v!r} (row {i})" for i, v in series[bad].head(SHOWN_VALUES).items())
            raise DataError(
                f"column {column!r} of {what} held numbers (written as text) at fit, but {int(bad.sum())} "
                f"value(s) are not numbers: {shown}; send numbers, or blanks for missing values"
            )
        converted[column] = parsed.astype("float64")
    return _with_columns(frame, converted)


def _with_columns(frame: pd.DataFrame, columns: Mapping[str, pd.Series]) -> pd.DataFrame:
    if not columns:
        return frame
    out = frame.copy(deep=False)  # the caller's frame keeps its columns
    for column, values in columns.items():
        out[column] = values
    return out


__all__ = [
    "as_numbers",
    "blanks_as_missing",
    "convert_numeric_text",
    "is_text_column",
    "numeric_text",
    "read_numeric_text",
]
