"""What a loader did to the data it read, written down and logged so nothing is guessed silently.

Text formats (CSV, JSON lines) cannot say that a column is numeric. A text column whose
non-blank values all parse as numbers (telco_churn's ``TotalCharges``, where 11 customers
have ``" "``) is converted to numbers with the blanks as missing; a single non-numeric value
keeps the column as text. Each conversion is handed to the engine in the loader's
:class:`automl_core.LoadedData` (a model reads those columns the same way at predict), with a
report of the read (loader, source, dtypes, conversions...), and logged on the
``automl.loaders`` logger.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from automl_core import LoadedData, convert_numeric_text  # noqa: F401 - files.py imports it from here

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


def finish(frame: pd.DataFrame, source: str, loader: str, conversions: list[dict], **extra: Any) -> LoadedData:
    """The frame with what was converted in reading it and the loader's report, logged."""
    report = {
        "source": source,
        "loader": loader,
        "rows": int(frame.shape[0]),
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "conversions": conversions,
        **extra,
    }
    logger.info("loader %s read %s: %d rows, %d columns", loader, source, frame.shape[0], frame.shape[1])
    for c in conversions:
        logger.info(
            "loader %s: column %r held numbers as text; converted %s -> %s (%d blank values now missing)",
            loader,
            c["column"],
            c["from"],
            c["to"],
            c["blanks_as_missing"],
        )
    logger.debug("loader %s dtypes for %s: %s", loader, source, report["dtypes"])
    notes = tuple(
        f"column {c['column']!r} held numbers as text; read as numbers, {c['blanks_as_missing']} blank "
        f"value(s) as missing"
        for c in conversions
    )
    return LoadedData(
        frame, numeric_text={c["column"]: c["blanks_as_missing"] for c in conversions}, notes=notes, report=report
    )
