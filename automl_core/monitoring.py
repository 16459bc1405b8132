"""Watching a fitted model in production.

:func:`monitor` checks production data against what the model learned at fit, hands it with
the model's predictions to a monitor plugin (found through the ``register_monitors`` hook)
and returns the plugin's :class:`MonitorReport`, completed with the model's quality when
labels are given. Deciding when to retrain (:func:`update`, :class:`UpdatePolicy`,
:class:`UpdateDecision`) is :mod:`automl_core.updating`; those names are importable from here
too. No monitoring library is imported here: monitors are plugins.
"""
from __future__ import annotations

import html
import json
import math
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .levels import group_rare_levels
from ._jsonable import plain as _plain
from .components import Monitor
from .errors import DataError, PluginError, SchemaError
from .numeric_text import read_numeric_text
from .columns import holds_numbers
from .prepare import fitted_frame

#: The column of model predictions (and of labels) in the frames a monitor receives.
PREDICTION, TARGET = "__prediction__", "__target__"
#: The monitor used when none is named and it is installed; otherwise the first by name.
PREFERRED_MONITOR = "evidently"
#: Share of drifted feature columns at which the data as a whole has drifted. evidently's default
#: is 0.5, which misses two shifted columns in five. Per-column tests on samples of 1,000 rows or
#: fewer err about 5% of the time each; requiring a fifth of the columns bounds false alarms at
#: about 9% (ten numeric columns) from six columns up, fewer on larger samples (distance tests).
DRIFT_SHARE = 0.2
#: Relative loss of the search metric, against the validation score at fit, that is a degradation.
QUALITY_TOLERANCE = 0.05
DRIFT, NO_DRIFT = "drift", "no drift"
UNCHECKED_PREDICTIONS = ("prediction drift not checked: the model kept no out-of-fold predictions for its reference "
                         "sample; pass reference= (data it did not train on) to compare predictions")


@dataclass
class MonitorReport:
    """What a monitor found: per-column drift verdicts, prediction drift, and quality.

    ``columns`` holds one entry per monitored feature column (``column``, ``kind``, ``method``,
    ``score``, ``threshold``, ``verdict`` of ``"drift"`` or ``"no drift"``), most drifted
    first; ``prediction_drift`` is the same entry for the model's predictions (None when they
    were not compared). The data has drifted (``drift_detected``) when at least ``drift_share``
    of the columns drifted, or the predictions did. ``quality`` (labels given) compares the
    search metric now with the validation score at fit. ``notes`` say what was not checked,
    and why. ``render_html``, when a monitor gives one, returns its own full
    HTML page, which :meth:`save_html` places below a summary of the verdicts.
    """

    monitor: str
    drift_detected: bool
    drifted_columns: list[str]
    columns: list[dict]
    share_drifted: float
    drift_share: float = DRIFT_SHARE
    prediction_drift: dict | None = None
    quality: dict | None = None
    n_reference: int = 0
    n_current: int = 0
    notes: list[str] = field(default_factory=list)
    render_html: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_columns(cls, monitor: str, columns: Sequence[Mapping[str, Any]], *, prediction: Mapping | None = None,
                     drift_share: float = DRIFT_SHARE, dataset_drift: bool | None = None, **extra) -> "MonitorReport":
        """Build a report from per-column entries given most drifted first.

        ``dataset_drift`` is the monitor's own verdict on the data as a whole; when None it is
        ``share_drifted >= drift_share``. Predictions that drifted make the report drifted too.
        """
        entries = [dict(c) for c in columns]
        drifted = [c["column"] for c in entries if c["verdict"] == DRIFT]
        share = len(drifted) / len(entries) if entries else 0.0
        whole = share >= drift_share if dataset_drift is None else bool(dataset_drift)
        predicted = prediction is not None and prediction["verdict"] == DRIFT
        return cls(monitor=monitor, drift_detected=bool(whole or predicted), drifted_columns=drifted,
                   columns=entries, share_drifted=share, drift_share=drift_share,
                   prediction_drift=dict(prediction) if prediction else None, **extra)

    def columns_frame(self) -> pd.DataFrame:
        """The per-column entries as a table, most drifted first."""
        return pd.DataFrame(self.columns, columns=["column", "kind", "method", "score", "threshold", "verdict"])

    def to_dict(self) -> dict:
        """Everything but the monitor's own HTML, JSON-ready."""
        data = {k: v for k, v in asdict(self).items() if k != "render_html"}
        return _plain(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def save_json(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` (its folder made if missing); returns the path."""
        path = _writable(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    def save_html(self, path: str | Path) -> Path:
        """Write one self-contained page: the verdicts first, then the monitor's own report."""
        path = _writable(path)
        summary = summary_html(self)
        page = self.render_html() if self.render_html is not None else None
        if page is None:
            head = "<head><meta charset='utf-8'><title>Drift report</title></head>"
            page = f"<!DOCTYPE html>\n<html>{head}<body>{summary}</body></html>"
        elif re.search(r"<body[^>]*>", page):
            page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + summary, page, count=1)
        else:
            page = summary + page
        path.write_text(page, encoding="utf-8")
        return path


def _number(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.4g}"


def _rows(entries: Sequence[Mapping[str, Any]]) -> str:
    cells = ("column", "kind", "method", "score", "threshold", "verdict")
    out = []
    for e in entries:
        style = " style='background:#fde2e1;font-weight:bold'" if e["verdict"] == DRIFT else ""
        values = [_number(e.get(c)) if c in ("score", "threshold") else str(e.get(c, "")) for c in cells]
        out.append(f"<tr{style}>" + "".join(f"<td>{html.escape(v)}</td>" for v in values) + "</tr>")
    return "\n".join(out)


def _writable(path: str | Path) -> Path:
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _quality_line(quality: Mapping[str, Any] | None) -> str:
    if not quality:
        return "no labels given"
    return (f"{quality['metric']} {_number(quality['now'])} now against {_number(quality['at_fit'])} at fit "
            f"(relative drop {_number(quality['relative_drop'])}): <b>{html.escape(quality['verdict'])}</b>")


def summary_html(report: MonitorReport) -> str:
    """A short HTML section: the verdicts, then the drifted columns first."""
    verdict = "DRIFT DETECTED" if report.drift_detected else "no drift detected"
    prediction = report.prediction_drift["verdict"] if report.prediction_drift else "not checked"
    entries = list(report.columns) + ([report.prediction_drift] if report.prediction_drift else [])
    return (
        "<section id='automl-summary' style='font-family:sans-serif;margin:1em;padding:1em;border:2px solid #888'>"
        f"<h1>{verdict}</h1><p>Monitor <b>{html.escape(report.monitor)}</b>, {report.n_reference} reference rows, "
        f"{report.n_current} current rows.</p><ul>"
        f"<li>Drifted columns: <b>{html.escape(', '.join(report.drifted_columns) or 'none')}</b> "
        f"({len(report.drifted_columns)} of {len(report.columns)}, share {report.share_drifted:.2f}; "
        f"the data has drifted at {report.drift_share:.2f})</li>"
        f"<li>Prediction drift: <b>{html.escape(prediction)}</b></li>"
        f"<li>Quality: {_quality_line(report.quality)}</li></ul>"
        "<table border='1' cellpadding='4' style='border-collapse:collapse'><tr><th>column</th><th>kind</th>"
        "<th>method</th><th>score</th><th>threshold</th><th>verdict</th></tr>"
        f"{_rows(entries)}</table></section>"
    )


# --------------------------------------------------------------------------- for monitor authors
def column_kinds(frame: pd.DataFrame, context: Mapping[str, Any]) -> dict[str, str]:
    """Feature column to ``numeric`` or ``categorical``: as the engine typed them (the
    context's ``numeric`` and ``categorical``), else by dtype; never the prediction or target."""
    if "numeric" in context or "categorical" in context:
        kinds = {c: "numeric" for c in context.get("numeric", ())}
        kinds.update({c: "categorical" for c in context.get("categorical", ())})
        return {c: k for c, k in kinds.items() if c in frame.columns}
    numeric = pd.api.types.is_numeric_dtype
    return {c: "numeric" if numeric(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) else "categorical"
            for c in frame.columns if c not in (PREDICTION, TARGET)}


def prediction_kind(reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> str | None:
    """``numeric`` (probabilities, values) or ``categorical`` (classes) for the prediction
    column; None when the frames do not both have one."""
    if PREDICTION not in reference.columns or PREDICTION not in current.columns:
        return None
    if "prediction" in context:
        return context["prediction"]
    return "numeric" if pd.api.types.is_float_dtype(reference[PREDICTION]) else "categorical"


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
    from .validation import validate

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
    changed = {c: (str(model.reference_[c].dtype), str(frame[c].dtype)) for c in required
               if _family(model.reference_[c]) != _family(frame[c])}
    if changed:
        detail = ", ".join(f"{c!r} was {a} at fit, is {b} now" for c, (a, b) in changed.items())
        raise SchemaError(f"column types of {what} changed since fit: {detail}")
    validate(model.schema_, frame, what)
    return frame[required]


def _labels(model: Any, frame: pd.DataFrame, y_true: Any) -> tuple[pd.DataFrame, pd.Series | None]:
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
    from .errors import UnknownComponentError
    from .manager import build_plugin_manager
    from .registry import Registry

    if isinstance(monitor, Monitor):
        return monitor, ""
    pm = build_plugin_manager(model.plugins, model.block_plugins, model.autoload_plugins)
    registry = Registry.from_manager(pm)
    names = [m.name for m in registry.all("monitor")]
    if not names:
        raise UnknownComponentError(
            "no monitor is installed: install a monitor plugin (automl-evidently, automl-psi) "
            "or pass one in AutoML(plugins=...); see docs/monitoring.md")
    name = monitor or (PREFERRED_MONITOR if PREFERRED_MONITOR in names else names[0])
    return registry.get("monitor", name), registry.owner("monitor", name)


def predictions(model: Any, features: pd.DataFrame) -> pd.Series:
    """What monitors watch of the model's output: the probability of the second class
    (binary), the predicted class (multiclass) or the predicted value (regression)."""
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


def measure_quality(model: Any, features: pd.DataFrame, labels: pd.Series,
                    tolerance: float = QUALITY_TOLERANCE) -> dict:
    """The task's metrics on labelled data, the search metric against the validation score at fit."""
    table = model.evaluate(features, labels)
    row = table[table["search_metric"]].iloc[0]
    at_fit, now, greater = float(model.validation_score_), float(row["value"]), bool(row["greater_is_better"])
    loss = at_fit - now if greater else now - at_fit
    drop = loss / abs(at_fit) if at_fit else loss
    return {"metric": model.metric_, "greater_is_better": greater, "at_fit": at_fit, "now": now,
            "relative_drop": drop, "tolerance": tolerance,  # "unknown": the metric is not defined on these labels
            "verdict": "unknown" if not np.isfinite(drop) else "degraded" if drop > tolerance else "ok",
            "metrics": dict(zip(table["metric"], table["value"].astype(float))), "n_labels": len(labels)}


def _inputs(model: Any, features: pd.DataFrame, labels: pd.Series | None, reference: Any, context: dict):
    """The frames a monitor compares (rare levels grouped); predictions only against a
    reference the model did not train on (out-of-fold outputs, or data given as reference)."""
    baseline, current = _frames(model, features, labels, reference, context)
    group_rare_levels(baseline, current, context["categorical"])
    return baseline, current


def _frames(model: Any, features: pd.DataFrame, labels: pd.Series | None, reference: Any, context: dict):
    kinds = model.column_plan_.kinds
    watched = [c for c in features.columns if kinds[c] in ("numeric", "categorical")]
    context.update(numeric=[c for c in watched if kinds[c] == "numeric"],
                   categorical=[c for c in watched if kinds[c] == "categorical"])
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
    baseline = check_current(model, _labels(model, fitted_frame(reference, model, what), None)[0], what)
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
        raise PluginError(f"{who} returned {type(report).__name__}, not an automl_core.monitoring.MonitorReport")
    return report


def monitor(model: Any, current: Any, y_true: Any = None, monitor: str | Monitor | None = None, *,
            reference: Any = None, drift_share: float = DRIFT_SHARE,
            quality_tolerance: float = QUALITY_TOLERANCE) -> MonitorReport:
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
    frame, labels = _labels(model, fitted_frame(current, model, "the current data"), y_true)
    features = check_current(model, frame)
    chosen, owner = find_monitor(model, monitor)
    quality = measure_quality(model, features, labels, quality_tolerance) if labels is not None else None
    context = {"task": model.task_, "metric": model.metric_, "validation_score": float(model.validation_score_),
               "drift_share": drift_share, "quality": quality}
    baseline, watched = _inputs(model, features, labels, reference, context)
    report = _run(chosen, owner, baseline, watched, context)
    checked = reference is not None or getattr(model, "reference_output_", None) is not None
    notes = [] if checked else [UNCHECKED_PREDICTIONS]
    return replace(report, quality=quality, n_reference=len(baseline), n_current=len(watched),
                   notes=list(report.notes) + notes)


def __getattr__(name: str):
    # update, UpdatePolicy and UpdateDecision live in automl_core.updating, which imports this
    # module; they stay importable from here, imported on first use so neither import is circular.
    if name in ("update", "UpdatePolicy", "UpdateDecision"):
        from . import updating

        return getattr(updating, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
