"""The population stability index (PSI) of every column, numeric and categorical.

Imported only when the monitor runs, so that loading the plugin imports neither numpy nor pandas.

``PSI = sum((current share - reference share) * ln(current share / reference share))`` over
bins: ten quantile bins of the reference for numeric columns, the levels for categorical
ones, and one bin for missing values in both. The usual reading: below 0.1 stable, 0.1 to
0.2 a moderate shift, :data:`THRESHOLD` (0.2) or more a significant shift, called drift here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from automl_core import DRIFT, DRIFT_SHARE, NO_DRIFT, PREDICTION, MonitorReport, column_kinds, prediction_kind

#: PSI at or above which a column has drifted.
THRESHOLD = 0.2
#: Quantile bins of the reference for numeric columns.
BINS = 10
#: Floor of a bin's share, so that an empty bin costs a large but finite amount.
FLOOR = 1e-4


def psi(reference_shares: np.ndarray, current_shares: np.ndarray) -> float:
    """The population stability index of two share vectors over the same bins."""
    ref, cur = np.clip(reference_shares, FLOOR, None), np.clip(current_shares, FLOOR, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def numeric_shares(reference: pd.Series, current: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Shares in the reference's quantile bins, the last bin holding missing values."""
    ref, cur = (pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64") for s in (reference, current))
    inner = np.linspace(0, 1, BINS + 1)[1:-1]
    edges = np.unique(np.nanquantile(ref, inner)) if np.isfinite(ref).any() else np.array([])

    def shares(values: np.ndarray) -> np.ndarray:
        present = ~np.isnan(values)
        counts = np.bincount(np.searchsorted(edges, values[present], side="right"), minlength=len(edges) + 1)
        return np.append(counts, (~present).sum()) / len(values)

    return shares(ref), shares(cur)


def categorical_shares(reference: pd.Series, current: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Shares of every level seen in either sample, missing values as one more level."""
    ref, cur = (s.astype(object).where(s.notna(), "<missing>").astype(str) for s in (reference, current))
    levels = sorted(set(ref) | set(cur))
    return (
        ref.value_counts(normalize=True).reindex(levels, fill_value=0.0).to_numpy(),
        cur.value_counts(normalize=True).reindex(levels, fill_value=0.0).to_numpy(),
    )


def entry(column: str, kind: str, reference: pd.Series, current: pd.Series) -> dict:
    """The report entry of one column."""
    split = numeric_shares if kind == "numeric" else categorical_shares
    score = psi(*split(reference, current))
    return {
        "column": column,
        "kind": kind,
        "method": "psi",
        "score": score,
        "threshold": THRESHOLD,
        "verdict": DRIFT if score >= THRESHOLD else NO_DRIFT,
    }


def run(reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> MonitorReport:
    """PSI of every feature column and of the predictions."""
    columns = [entry(c, k, reference[c], current[c]) for c, k in column_kinds(reference, context).items()]
    columns.sort(key=lambda e: -e["score"])
    kind = prediction_kind(reference, current, context)
    prediction = entry(PREDICTION, kind, reference[PREDICTION], current[PREDICTION]) if kind else None
    return MonitorReport.from_columns(
        "psi", columns, prediction=prediction, drift_share=float(context.get("drift_share", DRIFT_SHARE))
    )
