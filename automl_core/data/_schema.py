"""Input validation: a pandera schema inferred at fit, checked at predict. The one pandera module.

The schema states, per feature column the model uses, what it must hold: numbers (finite)
for numeric columns, anything for categorical ones (unseen levels are a policy, not a schema
failure, unless the policy is ``"error"``), and whether the column had missing values at fit.
Missing values in a column that had none are imputed like any other (:func:`validate` returns
their counts, for a warning) unless ``strict_missing``, where they fail. Checking is lazy: one
:class:`SchemaError` lists every failure (column, check, offending value, row).

Numbers stored as strings are rejected, never coerced silently; integers where floats were
seen are fine.
"""

from __future__ import annotations

import numbers
import warnings
import weakref
from collections.abc import Iterable

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    import pandera.pandas as pa
    from pandera import extensions
    from pandera.errors import SchemaError as _PanderaSchemaError
    from pandera.errors import SchemaErrors as _PanderaSchemaErrors

from ..errors import SchemaError
from ._columns import ColumnPlan

#: Failures shown in an error message; the full table is on ``SchemaError.failures``.
MAX_FAILURES_SHOWN = 12


def _is_number(value, booleans: bool = False) -> bool:
    """Missing, or a number (Python's, numpy's, ``Decimal``); a boolean only if ``booleans``."""
    if isinstance(value, (bool, np.bool_)):
        return booleans
    return value is None or isinstance(value, numbers.Number)


def _numbers(series: pd.Series, booleans: bool) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return pd.Series(True, index=series.index)
    return series.map(lambda v: _is_number(v, booleans) or v is pd.NA or (isinstance(v, float) and np.isnan(v)))


def automl_numeric(series: pd.Series):
    """Values are numbers (or missing): a numeric dtype, or numbers in an object column. A
    boolean in an object column is not one (``True`` for an age)."""
    return _numbers(series, booleans=False)


def automl_boolean(series: pd.Series):
    """Values of a column that was boolean at fit: booleans or numbers (or missing)."""
    return _numbers(series, booleans=True)


def automl_finite(series: pd.Series):
    """Numeric values are not infinite."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    return ~np.isinf(values)


def automl_known_level(series: pd.Series, *, levels: Iterable[str]):
    """Categorical values are levels seen at fit (or missing)."""
    return series.isna() | series.astype(str).isin(set(levels))


def _registered(check, **options):
    """Register ``check`` as a pandera check method; returns the function pandera's checks call.

    That function is pandera's wrapper of ``check``, with its name: bound to the same name here,
    pickle finds it by module and name, so that a fitted schema (and a fitted ``AutoML``) pickles.
    """
    extensions.register_check_method(check_type="vectorized", **options)(check)
    statistics: dict[str, list] = {name: [] for name in options.get("statistics", ())}
    called = getattr(getattr(pa.Check, check.__name__)(**statistics), "_check_fn", None)
    wrapper = getattr(called, "func", None)
    return wrapper if getattr(wrapper, "__qualname__", None) == check.__qualname__ else check


automl_numeric = _registered(automl_numeric)
automl_boolean = _registered(automl_boolean)
automl_finite = _registered(automl_finite)
automl_known_level = _registered(automl_known_level, statistics=["levels"])


def infer_schema(
    X: pd.DataFrame,
    plan: ColumnPlan,
    *,
    strict_missing: bool = True,
    unseen: str = "missing",
) -> pa.DataFrameSchema:
    """The schema of the training features ``X`` for the columns the plan keeps.

    A column is ``nullable`` when it had missing values at fit, whatever ``strict_missing``
    (kept for callers of earlier versions): :func:`validate` decides at predict whether a
    missing value in a column complete at fit is refused or imputed.
    """
    columns = {}
    kept = [c for c, kind in plan.kinds.items() if kind not in ("drop", "identifier")]
    has_missing = X[kept].isna().any().to_dict() if X.columns.is_unique else {}
    # dtypes at once: a column lookup per column costs seconds on a frame of 10,000 columns
    dtypes = X.dtypes.to_dict() if X.columns.is_unique else {}
    # checks hold no state: made once, not per column (0.75 s against 0.03 s for 10,000 columns;
    # the schema copies each column's anyway)
    finite = pa.Check.automl_finite()
    shared = {"numeric": [pa.Check.automl_numeric(), finite], "boolean": [pa.Check.automl_boolean(), finite]}
    for col, kind in plan.kinds.items():
        if kind in ("drop", "identifier"):
            continue
        nullable = bool(has_missing[col] if col in has_missing else X[col].isna().any())
        checks = []
        if kind == "numeric":
            dtype = dtypes[col] if col in dtypes else X[col].dtype
            was_boolean = pd.api.types.is_bool_dtype(dtype) or (
                dtype.kind not in "fiuc" and pd.api.types.infer_dtype(X[col], skipna=True) == "boolean"
            )
            checks = shared["boolean" if was_boolean else "numeric"]
        elif kind == "categorical" and unseen == "error":
            levels = sorted(X[col].dropna().astype(str).unique().tolist())
            checks = [pa.Check.automl_known_level(levels=levels)]
        columns[col] = pa.Column(None, checks=checks, nullable=nullable, required=True, coerce=False)
    return pa.DataFrameSchema(columns, strict=False, name="automl_features")


def _describe(failures: pd.DataFrame) -> str:
    lines = []
    for row in failures.head(MAX_FAILURES_SHOWN).itertuples(index=False):
        where = "" if pd.isna(row.index) else f" at row {row.index}"
        value = "" if pd.isna(row.failure_case) and row.check != "not_nullable" else f": {row.failure_case!r}"
        lines.append(f"  column {row.column!r} failed {row.check}{value}{where}")
    more = len(failures) - MAX_FAILURES_SHOWN
    if more > 0:
        lines.append(f"  ... and {more} more (see the error's .failures)")
    return "\n".join(lines)


def _failure_table(exc: Exception) -> pd.DataFrame:
    table = getattr(exc, "failure_cases", None)
    if not isinstance(table, pd.DataFrame):
        table = pd.DataFrame(
            [
                {
                    "column": getattr(getattr(exc, "schema", None), "name", None),
                    "check": str(getattr(exc, "check", "")),
                    "failure_case": str(exc),
                    "index": None,
                }
            ]
        )
    table = table.copy()
    absent = table["check"].astype(str) == "column_in_dataframe"
    table.loc[absent, "column"] = table.loc[absent, "failure_case"]
    table["check"] = table["check"].astype(str).str.replace(r"^automl_", "", regex=True)
    table["check"] = table["check"].replace({"column_in_dataframe": "column_present"})
    return table[["column", "check", "failure_case", "index"]].reset_index(drop=True)


#: The checks :func:`_surely_valid` can decide without pandera.
_FAST_CHECKS = {"automl_numeric", "automl_boolean", "automl_finite"}


def _surely_valid(schema: pa.DataFrameSchema, X: pd.DataFrame, strict_missing: bool = True) -> bool:
    """True only when every check of ``schema`` surely passes on ``X``, decided with a few
    vectorized operations: numeric columns of a numeric dtype without infinities, no missing
    value where none is allowed (when ``strict_missing``), and a schema with nothing else to check. Anything else
    returns False and goes through pandera, which names each failure. It spares the common
    case pandera's ``validate``, a cost every predict call would pay (docs/performance.md).
    """
    plan = _fast_plan(schema)
    if plan is None or not X.columns.is_unique:
        return False
    numeric, complete = plan
    position = {c: i for i, c in enumerate(X.columns)}
    if any(c not in position for c in numeric) or any(c not in position for c in complete):
        return False
    dtypes = X.dtypes.to_numpy()
    floats = []
    for name in numeric:
        kind = dtypes[position[name]].kind
        if kind not in "fiub":
            return False  # booleans are numbers to pandas
        if kind == "f":
            floats.append(position[name])
    if floats:  # one block for all float columns: a lookup per column costs on wide frames
        values = X.iloc[:, floats].to_numpy(dtype="float64", na_value=np.nan)  # an extension float may hold pd.NA
        if np.isinf(values).any():
            return False
    return not strict_missing or not complete or not X.isna().to_numpy()[:, [position[c] for c in complete]].any()


#: Plans by schema, dropped when their schema is (a schema is not hashable: keyed by id).
_PLANS: dict[int, tuple[list, list] | None] = {}


def _fast_plan(schema: pa.DataFrameSchema) -> tuple[list, list] | None:
    """The numeric columns and the columns that must be complete, when every check of
    ``schema`` is one :func:`_surely_valid` decides; None otherwise. Made once per schema."""
    if id(schema) in _PLANS:
        return _PLANS[id(schema)]
    plan = None
    if not (
        schema.checks
        or schema.unique
        or schema.strict
        or schema.ordered
        or schema.index is not None
        or schema.coerce
        or getattr(schema, "parsers", None)
    ):
        numeric, complete = [], []
        for name, column in schema.columns.items():
            checks = {check.name for check in column.checks}
            if (
                column.dtype is not None
                or column.coerce
                or column.regex
                or column.unique
                or getattr(column, "parsers", None)
                or not checks <= _FAST_CHECKS
            ):
                break
            if checks:
                numeric.append(name)
            if not column.nullable:
                complete.append(name)
        else:
            plan = (numeric, complete)
    try:
        weakref.finalize(schema, _PLANS.pop, id(schema), None)
    except TypeError:  # not weak-referenceable: not cached
        return plan
    _PLANS[id(schema)] = plan
    return plan


def new_missing(schema: pa.DataFrameSchema, X: pd.DataFrame) -> dict[str, int]:
    """Column to its number of missing values in ``X``, for the columns that had none at fit."""
    complete = [name for name, column in schema.columns.items() if not column.nullable and name in X.columns]
    if not complete or not X.columns.is_unique:
        return {}
    counts = X[complete].isna().sum()
    return {str(c): int(n) for c, n in counts.items() if n}


def validate(
    schema: pa.DataFrameSchema, X: pd.DataFrame, what: str = "input", *, strict_missing: bool = True
) -> dict[str, int]:
    """Check ``X`` against ``schema``; raise one :class:`SchemaError` listing every failure.

    A missing value in a column that had none at fit is a failure when ``strict_missing``;
    otherwise it is allowed, and the returned mapping (column to count, empty when strict or
    when there are none) says where, for the caller to warn or report.
    """
    if not _surely_valid(schema, X, strict_missing):
        _validate_with_pandera(schema, X, what, strict_missing)
    return {} if strict_missing else new_missing(schema, X)


def _validate_with_pandera(schema: pa.DataFrameSchema, X: pd.DataFrame, what: str, strict_missing: bool) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandera's own concat of failure cases
            schema.validate(X, lazy=True)
    except (_PanderaSchemaErrors, _PanderaSchemaError) as exc:
        failures = _failure_table(exc)
        if not strict_missing:
            failures = failures[failures["check"] != "not_nullable"].reset_index(drop=True)
            if failures.empty:
                return
        columns = sorted({str(c) for c in failures["column"].dropna()})
        message = (
            f"{what} does not match the schema learned at fit: {len(failures)} failure(s) "
            f"in column(s) {', '.join(columns)}\n{_describe(failures)}"
        )
        raise SchemaError(message, failures) from None


def schema_to_yaml(schema: pa.DataFrameSchema) -> str:
    return str(schema.to_yaml())  # text when no stream is given


def schema_from_yaml(text: str) -> pa.DataFrameSchema:
    return pa.DataFrameSchema.from_yaml(text)
