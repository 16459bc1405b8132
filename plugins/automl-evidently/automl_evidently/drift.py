"""The one module that imports evidently: a drift report with per-column tests.

Verdicts are evidently's own tests (``include_tests=True``), never thresholds of ours on its
scores, whose meaning flips with the sample size (p-values on small samples, distances on
large ones). Numeric columns use evidently's default method for the sample size.
Categorical columns use the Jensen-Shannon distance: evidently's small-sample default, its
chi-square test, takes the reference counts as exact and so flags drift between samples of
the same data (measured in the README).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

os.environ.setdefault("DO_NOT_TRACK", "1")  # evidently's telemetry stays off unless the user chose
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # numpy.core and litestar, at import
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import ValueDrift
    from evidently.presets import DataDriftPreset

from automl_core import DRIFT, DRIFT_SHARE, NO_DRIFT, PREDICTION, MonitorReport, column_kinds, prediction_kind

#: evidently's method for categorical columns (and for predicted classes).
CATEGORICAL_METHOD = "jensenshannon"


def _dataset(frame: pd.DataFrame, kinds: Mapping[str, str]) -> Dataset:
    """A copy typed for evidently: floats, and strings for categories (missing kept)."""
    typed = pd.DataFrame(index=frame.index)
    for column, kind in kinds.items():
        values = frame[column]
        numeric = kind == "numeric"
        typed[column] = values.astype("float64") if numeric else values.astype(object).where(values.notna(), None)
    definition = DataDefinition(
        numerical_columns=[c for c, k in kinds.items() if k == "numeric"],
        categorical_columns=[c for c, k in kinds.items() if k == "categorical"],
    )
    return Dataset.from_pandas(typed, data_definition=definition)


def _severity(entry: Mapping[str, Any]) -> float:
    """How far past its threshold a score is, for ordering only (p-values fall, distances rise)."""
    score, threshold = entry["score"], entry["threshold"] or 1.0
    if "p_value" in entry["method"]:
        return threshold / max(score, 1e-300)
    return score / threshold


def _parse(result: Mapping[str, Any], kinds: Mapping[str, str]) -> tuple[dict[str, dict], bool | None]:
    """Per-column entries (by column) and the dataset-level verdict from evidently's tests."""
    metrics = {m["id"]: m for m in result["metrics"]}
    entries, dataset_drift = {}, None
    for test in result["tests"]:
        metric = metrics[test["metric_config"]["metric_id"]]
        config, status = metric["config"], str(test["status"]).split(".")[-1]
        if config["type"].endswith(":DriftedColumnsCount"):
            dataset_drift = status == "FAIL"
        elif config["type"].endswith(":ValueDrift"):
            column = config["column"]
            verdict = {"FAIL": DRIFT, "SUCCESS": NO_DRIFT}.get(status, status.lower())
            entries[column] = {
                "column": column,
                "kind": kinds[column],
                "method": config["method"],
                "score": float(metric["value"]),
                "threshold": config["threshold"],
                "verdict": verdict,
            }
    return entries, dataset_drift


def run(reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> MonitorReport:
    """Drift of each feature column and of the predictions, as evidently's tests judge it."""
    kinds, predicted = column_kinds(reference, context), prediction_kind(reference, current, context)
    share = float(context.get("drift_share", DRIFT_SHARE))
    typed = dict(kinds, **({PREDICTION: predicted} if predicted else {}))
    metrics: list = [DataDriftPreset(columns=list(kinds), drift_share=share, cat_method=CATEGORICAL_METHOD)]
    if predicted:
        metrics.append(ValueDrift(column=PREDICTION, method=CATEGORICAL_METHOD if predicted == "categorical" else None))
    snapshot = Report(metrics, include_tests=True).run(_dataset(current, typed), _dataset(reference, typed))
    entries, dataset_drift = _parse(snapshot.dict(), typed)
    prediction = entries.pop(PREDICTION, None)
    columns = sorted(entries.values(), key=lambda e: (e["verdict"] != DRIFT, -_severity(e)))
    return MonitorReport.from_columns(
        "evidently",
        columns,
        prediction=prediction,
        drift_share=share,
        dataset_drift=dataset_drift,
        render_html=lambda: snapshot.get_html_str(as_iframe=False),
    )
