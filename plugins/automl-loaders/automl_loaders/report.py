"""What a loader did to the data it read, written down and logged so nothing is guessed silently.

Text formats (CSV, JSON lines) cannot say that a column is numeric. A text column whose
non-blank values all parse as numbers (telco_churn's ``TotalCharges``, where 11 customers
have ``" "``) is converted to numbers with the blanks as missing; a single non-numeric value
keeps the column as text. Each conversion and the final dtypes are recorded in
``frame.attrs["automl_load_report"]`` and logged on the ``automl.loaders`` logger.
"""
from __future__ import annotations

import logging
from typing import Any, Collection, Mapping

import pandas as pd

from automl_core.numeric_text import REPORT_KEY, convert_numeric_text

logger = logging.getLogger("automl.loaders")


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
