"""Watching a fitted model in production.

:func:`monitor` checks production data against what the model learned at fit, hands it with
the model's predictions to a monitor plugin (found through the ``register_monitors`` hook)
and returns the plugin's :class:`~automl_core.MonitorReport`, completed with the model's
quality when labels are given. No monitoring library is imported here: monitors are plugins.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..components import Monitor
from ..data import fitted_frame, holds_numbers, read_numeric_text
from ..errors import DataError, MissingValueWarning, PluginError, SchemaError
from ._levels import group_rare_levels
from ._missing import missing_value_drift
from ._report import DRIFT, DRIFT_SHARE, PREDICTION, QUALITY_TOLERANCE, TARGET, MonitorReport

#: The monitor used when none is named and it is installed; otherwise the first by name.
PREFERRED_MONITOR = "evidently"

UNCHECKED_PREDICTIONS = (
    "prediction drift not checked: the model kept no out-of-fold predictions for its reference "
    "sample; pass reference= (data it did not train on) to compare predictions"
)


# --------------------------------------------------------------------------- input checks
def _family(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series) or holds_numbers(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "string or category"


def check_current(model: Any, frame: pd.DataFrame, what: str = "the current data") -> pd.DataFrame:
    """The columns the model uses, once ``frame`` has been checked against what it saw at fit.

    :raises DataError: an empty frame, missing or extra columns, a column of missing values only.
    :raises SchemaError: a column whose type changed, or any failure of the model's schema.
    """
    from ..data import validate

    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(f"{what} is empty ({frame.shape[0]} rows, {frame.shape[1]} columns)")
    frame = read_numeric_text(frame, getattr(model, "numeric_text_", {}), what)
    required, known = list(model.schema_.columns), {str(c) for c in model.feature_names_in_}
    missing = [c for c in required if c not in frame.columns]
    extra = [str(c) for c in frame.columns if str(c) not in known]
    if missing or extra:
        raise DataError(f"{what} does not have the model's columns: missing {missing}, extra {extra}")
    empty = [c for c in required if frame[c].isna().all()]
    if empty:
        raise DataError(f"column(s) {empty} of {what} hold only missing values")
    changed = {
        c: (str(model.reference_[c].dtype), str(frame[c].dtype))
        for c in required
        if _family(model.reference_[c]) != _family(frame[c])
    }
    if changed:
        detail = ", ".join(f"{c!r} was {a} at fit, is {b} now" for c, (a, b) in changed.items())
        raise SchemaError(f"column types of {what} changed since fit: {detail}")
    validate(model.schema_, frame, what, strict_missing=getattr(model, "strict_missing", True))
    return frame[required]


def labelled_frame(model: Any, frame: pd.DataFrame, y_true: Any) -> tuple[pd.DataFrame, pd.Series | None]:
    """Split labels from the frame (the target column) or take ``y_true``; check their length."""
    target = model.target_name_
    if target in frame.columns:
        if y_true is not None:
            raise DataError(f"labels given twice: as y_true and as the target column {target!r}")
        return frame.drop(columns=[target]), frame[target]
    if y_true is None:
        return frame, None
    values = np.asarray(y_true).ravel()
    if len(values) != len(frame):
        raise DataError(f"y_true has {len(values)} labels but the current data has {len(frame)} rows")
    labels = pd.Series(values, index=frame.index, name=target)
    if labels.isna().any():
        raise DataError(f"y_true has {int(labels.isna().sum())} missing labels")
    return frame, labels


# --------------------------------------------------------------------------- monitoring
def find_monitor(model: Any, monitor: str | Monitor | None = None) -> tuple[Monitor, str]:
    """The monitor to run and the plugin that registered it, among the model's plugins.

    ``monitor`` is a name, a :class:`Monitor` record, or None for :data:`PREFERRED_MONITOR`
    when installed and else the first installed monitor by name.
    """
    from ..errors import UnknownComponentError
    from ..plugin import Registry, build_plugin_manager

    if isinstance(monitor, Monitor):
        return monitor, ""
    pm = build_plugin_manager(model.plugins, model.block_plugins, model.autoload_plugins)
    registry = Registry.from_manager(pm, kinds=["monitor"])
    names = [m.name for m in registry.all("monitor")]
    if not names:
        raise UnknownComponentError(
            "no monitor is installed: install a monitor plugin (automl-evidently, automl-psi) "
            "or pass one in AutoML(plugins=...); see docs/monitoring.md"
        )
    name = monitor or (PREFERRED_MONITOR if PREFERRED_MONITOR in names else names[0])
    return registry.get("monitor", name), registry.owner("monitor", name)


def predictions(model: Any, features: pd.DataFrame) -> pd.Series:
    """What monitors watch of the model's output: the probability of the second class
    (binary), the predicted class (multiclass) or the predicted value (regression)."""
    with warnings.catch_warnings():  # the report's missing values say it, per column
        warnings.simplefilter("ignore", MissingValueWarning)
        if model.task_ == "binary":
            values = model.predict_proba(features)[:, 1]
        elif model.task_ == "multiclass":
            values = np.asarray([str(v) for v in model.predict(features)], dtype=object)
        else:
            values = model.predict(features)
    return pd.Series(values, index=features.index, name=PREDICTION)


def _as_prediction(model: Any, output: np.ndarray, index) -> pd.Series:
    """:func:`predictions` from stored model outputs (probabilities or values)."""
    if model.task_ == "binary":
        values = output[:, 1]
    elif model.task_ == "multiclass":
        values = np.asarray([str(v) for v in model.classes_[output.argmax(axis=1)]], dtype=object)
    else:
        values = output
    return pd.Series(values, index=index, name=PREDICTION)


def measure_quality(
    model: Any, features: pd.DataFrame, labels: pd.Series, tolerance: float = QUALITY_TOLERANCE
) -> dict:
    """The task's metrics on labelled data, the search metric against the validation score at fit."""
    table = model.evaluate(features, labels)
    row = table[table["search_metric"]].iloc[0]
    at_fit, now, greater = float(model.validation_score_), float(row["value"]), bool(row["greater_is_better"])
    loss = at_fit - now if greater else now - at_fit
    drop = loss / abs(at_fit) if at_fit else loss
    return {
        "metric": model.metric_,
        "greater_is_better": greater,
        "at_fit": at_fit,
        "now": now,
        "relative_drop": drop,
        "tolerance": tolerance,  # "unknown": the metric is not defined on these labels
        "verdict": "unknown" if not np.isfinite(drop) else "degraded" if drop > tolerance else "ok",
        "metrics": dict(zip(table["metric"], table["value"].astype(float))),
        "n_labels": len(labels),
    }


def _inputs(model: Any, features: pd.DataFrame, labels: pd.Series | None, reference: Any, context: dict):
    """The frames a monitor compares (rare levels grouped); predictions only against a
    reference the model did not train on (out-of-fold outputs, or data given as reference)."""
    baseline, current = _frames(model, features, labels, reference, context)
    group_rare_levels(baseline, current, context["categorical"])
    return baseline, current


def _frames(model: Any, features: pd.DataFrame, labels: pd.Series | None, reference: Any, context: dict):
    kinds = model.column_plan_.kinds
    watched = [c for c in features.columns if kinds[c] in ("numeric", "categorical")]
    context.update(
        numeric=[c for c in watched if kinds[c] == "numeric"],
        categorical=[c for c in watched if kinds[c] == "categorical"],
    )
    current = features[watched].copy()
    if labels is not None:
        current[TARGET] = labels.to_numpy()
    if reference is None:
        baseline = model.reference_[watched].copy()
        held_out = getattr(model, "reference_output_", None)
        if held_out is None:
            return baseline, current
        # the reference rows carry out-of-fold predictions: honest, so predictions can be compared
        context["prediction"] = "categorical" if model.task_ == "multiclass" else "numeric"
        current.insert(len(watched), PREDICTION, predictions(model, features))
        return baseline.assign(**{PREDICTION: _as_prediction(model, held_out, baseline.index)}), current
    what = "the reference data"
    baseline = check_current(model, labelled_frame(model, fitted_frame(reference, model, what), None)[0], what)
    context["prediction"] = "categorical" if model.task_ == "multiclass" else "numeric"
    current.insert(len(watched), PREDICTION, predictions(model, features))
    return baseline[watched].assign(**{PREDICTION: predictions(model, baseline)}), current


def _run(chosen: Monitor, owner: str, reference: pd.DataFrame, current: pd.DataFrame, context: dict) -> MonitorReport:
    who = f"monitor {chosen.name!r}" + (f" (plugin {owner!r})" if owner else "")
    try:
        report = chosen.run(reference, current, context)
    except Exception as exc:
        raise PluginError(f"{who} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(report, MonitorReport):
        raise PluginError(f"{who} returned {type(report).__name__}, not an automl_core.MonitorReport")
    return report


def monitor(
    model: Any,
    current: Any,
    y_true: Any = None,
    monitor: str | Monitor | None = None,
    *,
    reference: Any = None,
    drift_share: float = DRIFT_SHARE,
    quality_tolerance: float = QUALITY_TOLERANCE,
) -> MonitorReport:
    """Compare production data with the model's reference; returns a :class:`MonitorReport`.

    :param model: a fitted :class:`automl_core.AutoML`.
    :param current: production features with the columns the model was fitted on; the target
        column may be among them, as labels.
    :param y_true: labels of ``current``, to measure the model's quality now.
    :param monitor: a monitor's name or a :class:`Monitor`; see :func:`find_monitor`.
    :param reference: data the model did not train on (a test set), to compare with instead of
        the training sample kept at fit; only then are predictions compared too.
    :param drift_share: share of drifted columns at which the data as a whole has drifted.
    :param quality_tolerance: relative loss of the search metric that counts as degraded.
    :raises sklearn.exceptions.NotFittedError: the model is not fitted.
    :raises DataError: bad input (see :func:`check_current`), labels of the wrong length.
    :raises UnknownComponentError: no monitor is installed, or none of that name.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "model_")
    frame, labels = labelled_frame(model, fitted_frame(current, model, "the current data"), y_true)
    features = check_current(model, frame)
    chosen, owner = find_monitor(model, monitor)
    quality = measure_quality(model, features, labels, quality_tolerance) if labels is not None else None
    context = {
        "task": model.task_,
        "metric": model.metric_,
        "validation_score": float(model.validation_score_),
        "drift_share": drift_share,
        "quality": quality,
    }
    baseline, watched = _inputs(model, features, labels, reference, context)
    report = _run(chosen, owner, baseline, watched, context)
    checked = reference is not None or getattr(model, "reference_output_", None) is not None
    notes = [] if checked else [UNCHECKED_PREDICTIONS]
    missing = missing_value_drift(model, features)
    missing_drift = [e["column"] for e in missing if e["verdict"] == DRIFT]
    return replace(
        report,
        quality=quality,
        n_reference=len(baseline),
        n_current=len(watched),
        notes=list(report.notes) + notes,
        missing_values=missing,
        missing_drift=missing_drift,
        drift_detected=report.drift_detected or bool(missing_drift),
    )
