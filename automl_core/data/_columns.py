"""Column typing: what each feature column is.

Typing is the engine's own decision (no model involved): each column is numeric,
categorical, datetime, text or an identifier, or is dropped for a stated reason. The user can
override any column's type; :class:`~automl_core.model.TypedFrame` casts every batch to the
plan's types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError

KINDS = ("numeric", "categorical", "datetime", "text", "identifier", "drop")

#: A string column with at least this share of distinct values and this many rows is an identifier.
IDENTIFIER_UNIQUE_SHARE = 0.95
IDENTIFIER_MIN_ROWS = 50
#: A string column whose values average this many characters and mostly differ is free text.
TEXT_MEAN_LENGTH = 25
#: What pandas infers for an object column whose values are all numbers (Python's, numpy's, or
#: ``Decimal`` as SQL drivers give them): such a column is numeric, not a set of levels.
NUMBER_OBJECT_KINDS = ("integer", "floating", "mixed-integer-float", "decimal")


class NestedValuesError(DataError, TypeError):
    """A column holds dicts, lists or sets: a :class:`DataError`, and a ``TypeError`` as numpy
    and scikit-learn raise for such values."""


def holds_numbers(s: pd.Series) -> bool:
    """Whether ``s`` is an object column of numbers (and missing values)."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in NUMBER_OBJECT_KINDS


@dataclass(frozen=True)
class ColumnPlan:
    """The type decided for each raw feature column, and why some are dropped."""

    kinds: Mapping[str, str]
    notes: Mapping[str, str] = field(default_factory=dict)

    def of(self, kind: str) -> list[str]:
        return [c for c, k in self.kinds.items() if k == kind]

    def without_kinds(self, kinds: tuple[str, ...], note: str) -> ColumnPlan:
        """The same plan with columns of ``kinds`` dropped, each with ``note``."""
        new_kinds = {c: ("drop" if k in kinds else k) for c, k in self.kinds.items()}
        notes = {c: (f"{self.kinds[c]}: {note}" if self.kinds[c] in kinds else n) for c, n in self.notes.items()}
        return ColumnPlan(new_kinds, notes)

    def with_notes(self, notes: Mapping[str, str]) -> ColumnPlan:
        """The same plan with ``notes`` added to those of their columns."""
        if not notes:
            return self
        joined = {c: "; ".join(n for n in (self.notes.get(c, ""), note) if n) for c, note in notes.items()}
        return ColumnPlan(self.kinds, {**self.notes, **joined})

    def summary(self) -> pd.DataFrame:
        rows = [{"column": c, "type": k, "note": self.notes.get(c, "")} for c, k in self.kinds.items()]
        return pd.DataFrame(rows, columns=["column", "type", "note"])


def _kind_of_strings(s: pd.Series) -> tuple[str, str]:
    values = s.dropna().astype(str)
    n, distinct = len(values), values.nunique()
    if n >= IDENTIFIER_MIN_ROWS and distinct >= IDENTIFIER_UNIQUE_SHARE * n:
        if values.str.len().mean() >= TEXT_MEAN_LENGTH or values.str.contains(" ").mean() > 0.5:
            return "text", f"{distinct} distinct multi-word values"
        return "identifier", f"{distinct} distinct values in {n} rows: an identifier, dropped"
    if distinct > 0.5 * n and values.str.len().mean() >= TEXT_MEAN_LENGTH:
        return "text", f"{distinct} distinct long values"
    return "categorical", f"{distinct} levels"


def infer_kind(s: pd.Series) -> tuple[str, str]:
    """The kind of one column and a short note saying why."""
    if s.isna().all():
        return "drop", "entirely missing, dropped"
    if s.nunique(dropna=False) <= 1:
        return "drop", "constant, dropped"
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return "numeric", ""
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime", ""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "categorical", f"{s.nunique()} levels"
    if holds_numbers(s):
        return "numeric", "numbers in an object column"
    return _kind_of_strings(s)


def _plain_numbers(X: pd.DataFrame, overrides: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The kind of every column of a plain numeric or boolean dtype not in ``overrides``, decided
    for all of them at once (a frame of 10,000 such columns took seconds column by column)."""
    names = [
        c
        for c, dtype in X.dtypes.items()
        if c not in overrides
        and getattr(dtype, "kind", "") in ("f", "i", "u", "b")
        and not isinstance(dtype, pd.CategoricalDtype)
    ]
    if not names or not X.columns.is_unique:
        return {}
    block = X[names]
    missing = block.isna().all().to_numpy()
    constant = _constant(block)
    return {
        c: ("drop", "entirely missing, dropped") if gone else ("drop", "constant, dropped") if same else ("numeric", "")
        for c, gone, same in zip(names, missing, constant)
    }


def _constant(block: pd.DataFrame) -> np.ndarray:
    """Whether each column holds one value only (missing counts as a value): in one numpy
    pass when the columns share a numeric dtype (pandas' ``nunique`` goes column by column).
    Columns of different dtypes go column by column too: one array of int64 and float64 would
    be float64, where 2**60 and 2**60 + 1 are the same number."""
    values = block.to_numpy() if block.dtypes.nunique() == 1 else np.empty((0, 0), dtype=object)
    if values.dtype.kind not in "fiub":
        return block.nunique(dropna=False).to_numpy() <= 1
    same = values == values[:1]
    if values.dtype.kind == "f":
        same |= np.isnan(values) & np.isnan(values[:1])
    return same.all(axis=0)


def plan_columns(X: pd.DataFrame, overrides: Mapping[str, str] | None = None) -> ColumnPlan:
    """Decide every column's kind; ``overrides`` (column to kind) win over inference."""
    overrides = dict(overrides or {})
    missing = [c for c in overrides if c not in X.columns]
    if missing:
        raise DataError(
            f"column_types names column(s) {missing} that the data does not have; columns: {list(X.columns)}"
        )
    bad = {c: k for c, k in overrides.items() if k not in KINDS}
    if bad:
        raise DataError(f"column_types gives unknown type(s) {bad}; types are {KINDS}")
    kinds, notes = {}, {}
    numbers = _plain_numbers(X, overrides)
    for col in X.columns:
        if col in numbers:
            kinds[col], notes[col] = numbers[col]
        elif col in overrides:
            if overrides[col] == "datetime":
                _check_dates(X[col], col)
            elif overrides[col] == "numeric":
                _check_numbers(X[col], col)
            kinds[col], notes[col] = overrides[col], "set by the user"
        else:
            try:
                kinds[col], notes[col] = infer_kind(X[col])
            except TypeError:  # pandas cannot count dicts or lists (nested JSON)
                nested = next((v for v in X[col] if isinstance(v, (dict, list, set))), None)
                if nested is None:
                    raise
                raise NestedValuesError(
                    f"column {col!r} holds nested values such as {str(nested)[:60]!r}, which no model takes (an "
                    f"argument must be a string or a number, not a {type(nested).__name__}): flatten them into "
                    "columns of their own, or drop the column"
                ) from None
    return ColumnPlan(kinds, notes)


def _check_numbers(s: pd.Series, col: str) -> None:
    """A column the user calls numeric must hold numbers: name the values that are not."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) or holds_numbers(s):
        return
    values = s.dropna()
    bad = values[pd.to_numeric(values.astype(str), errors="coerce").isna()]
    if len(bad):
        examples = ", ".join(repr(v) for v in bad.astype(str).unique()[:5])
        raise DataError(
            f"column_types says {col!r} is numeric, but {len(bad)} of its {len(values)} values "
            f"are not numbers: {examples}; call it categorical, or clean the values"
        )


def _check_dates(s: pd.Series, col: str) -> None:
    """A column the user calls datetime must hold dates: name the values that are not."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return
    values = s.dropna()
    parsed = pd.to_datetime(values.astype(str), errors="coerce", format="mixed")
    bad = values[parsed.isna()]
    if len(bad):
        examples = ", ".join(repr(v) for v in bad.astype(str).unique()[:5])
        raise DataError(
            f"column_types says {col!r} is datetime, but {len(bad)} of its {len(values)} values "
            f"do not parse as dates: {examples}"
        )
