"""Missing-value drift: each column's share of missing values now against at fit, with a verdict.

Computed by the engine for every monitor plugin: the models impute missing values at predict
(unless ``strict_missing``), so a column that starts arriving blank degrades predictions
without any error; this is where it shows.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ._report import DRIFT, NO_DRIFT

#: A column's share of missing values has drifted when it moved by at least this much...
MISSING_SHARE_TOLERANCE = 0.05
#: ...and by more than this many standard errors of the difference of two shares (so that a
#: small batch's noise is no alarm).
MISSING_SHARE_Z = 3.0


def missing_value_drift(model: Any, current: pd.DataFrame) -> list[dict]:
    """One entry per feature column of ``current`` that has missing values now or had some at
    fit: ``column``, ``at_fit`` and ``now`` (shares), ``missing_now`` (rows), ``complete_at_fit``
    and ``verdict`` (``"drift"`` or ``"no drift"``); the drifted first, then by share now.

    The share at fit is exactly 0 for a column the schema knows was complete; otherwise it is
    the share in the model's reference sample (``reference_``).
    """
    reference = model.reference_
    entries = []
    for name, column in model.schema_.columns.items():
        if name not in current.columns:
            continue
        missing_now = int(current[name].isna().sum())
        complete = not column.nullable
        at_fit = 0.0 if complete or name not in reference.columns else float(reference[name].isna().mean())
        if missing_now == 0 and at_fit == 0.0:
            continue
        now = missing_now / len(current) if len(current) else 0.0
        verdict = DRIFT if _drifted(at_fit, len(reference), now, len(current)) else NO_DRIFT
        entries.append(
            {
                "column": str(name),
                "at_fit": at_fit,
                "now": now,
                "missing_now": missing_now,
                "complete_at_fit": complete,
                "verdict": verdict,
            }
        )
    return sorted(entries, key=lambda e: (e["verdict"] != DRIFT, -e["now"], e["column"]))


def _drifted(at_fit: float, n_fit: int, now: float, n_now: int) -> bool:
    change = abs(now - at_fit)
    if change < MISSING_SHARE_TOLERANCE or not n_now:
        return False
    n_fit = max(n_fit, 1)
    pooled = (at_fit * n_fit + now * n_now) / (n_fit + n_now)
    error = math.sqrt(pooled * (1 - pooled) * (1 / n_fit + 1 / n_now))
    return change > MISSING_SHARE_Z * error
