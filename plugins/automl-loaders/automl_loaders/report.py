"""What a loader did to the data it read, written down and logged so nothing is guessed silently.

Text formats (CSV, JSON lines) cannot say that a column is numeric. A text column whose
non-blank values all parse as numbers (telco_churn's ``TotalCharges``, where 11 customers
have ``" "``) is converted to numbers with the blanks as missing; a single non-numeric value
keeps the column as text. Each conversion and the final dtypes are recorded in
``frame.attrs["automl_load_report"]`` and logged on the ``automl.loaders`` logger.
"""
from __future__ import annotations

import logging
import numbers
from typing import Any, Collection, Mapping

import numpy as np
import pandas as pd

logger = logging.getLogger("automl.loaders")

#: The key of ``DataFrame.attrs`` under which loaders leave their report.
REPORT_KEY = "automl_load_report"


#: What ``pandas.api.types.infer_dtype`` says of columns that may hold numbers written as text.
_CANDIDATE_KINDS = ("string", "integer", "floating", "mixed-integer-float", "mixed-integer", "mixed")


def _is_text_or_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (str, numbers.Real))


def _blanks_as_missing(series: pd.Series, all_text: bool) -> pd.Series:
    stripped = series.str.strip() if all_text else series.map(
        lambda v: v.strip() if isinstance(v, str) else v, na_action="ignore"
    )
    return stripped.mask(stripped.eq(""))


def _as_numbers(values: pd.Series) -> pd.Series | None:
    """``values`` parsed as numbers, or None when a non-missing value is not a number."""
    parsed = pd.to_numeric(values, errors="coerce")
    return None if (parsed.isna() & values.notna()).any() else parsed


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
    if _as_numbers(_blanks_as_missing(values.iloc[:200], all_text)) is None:
        return None  # ordinary text is told apart on its first values, cheaply
    stripped = _blanks_as_missing(series, all_text)
    parsed = _as_numbers(stripped)
    if parsed is None or parsed.isna().all():
        return None
    return parsed, int((series.notna() & stripped.isna()).sum())


def is_text_column(series: pd.Series) -> bool:
    """Whether a column holds Python objects or pandas strings (what a text reader leaves)."""
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def convert_numeric_text(frame: pd.DataFrame, keep: Collection[str] = ()) -> tuple[pd.DataFrame, list[dict]]:
    """Convert the numeric text columns of ``frame`` (except those in ``keep``); list what changed."""
    conversions = []
    for column in frame.columns:
        if column in keep or not is_text_column(frame[column]):
            continue
        result = numeric_text(frame[column])
        if result is None:
            continue
        parsed, blanks = result
        conversions.append(
            {"column": column, "from": str(frame[column].dtype), "to": str(parsed.dtype), "blanks_as_missing": blanks}
        )
        frame[column] = parsed
    return frame, conversions


def explicit_dtype_columns(options: Mapping[str, Any], columns: Collection[str]) -> set[str]:
    """Columns whose type the user fixed through ``dtype=`` or ``converters=``: never converted."""
    dtype = options.get("dtype")
    fixed = set(options.get("converters") or ())
    if isinstance(dtype, Mapping):
        fixed |= set(dtype)
    elif dtype is not None and dtype is not True:
        fixed |= set(columns)
    return fixed


def finish(frame: pd.DataFrame, source: str, loader: str, conversions: list[dict], **extra: Any) -> pd.DataFrame:
    """Attach the load report to ``frame`` and log it; returns ``frame``."""
    report = {
        "source": source,
        "loader": loader,
        "rows": int(frame.shape[0]),
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "conversions": conversions,
        **extra,
    }
    frame.attrs[REPORT_KEY] = report
    logger.info("loader %s read %s: %d rows, %d columns", loader, source, frame.shape[0], frame.shape[1])
    for c in conversions:
        logger.info(
            "loader %s: column %r held numbers as text; converted %s -> %s (%d blank values now missing)",
            loader, c["column"], c["from"], c["to"], c["blanks_as_missing"],
        )
    logger.debug("loader %s dtypes for %s: %s", loader, source, report["dtypes"])
    return frame
