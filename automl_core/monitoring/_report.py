"""What a monitor reports: per-column drift verdicts, prediction drift and quality, as a
:class:`MonitorReport` that saves itself as JSON or as one HTML page; and the helpers monitor
plugins read their input with."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._jsonable import plain as _plain

#: The column of model predictions (and of labels) in the frames a monitor receives.
PREDICTION, TARGET = "__prediction__", "__target__"
#: Share of drifted feature columns at which the data as a whole has drifted. evidently's default
#: is 0.5, which misses two shifted columns in five. Per-column tests on samples of 1,000 rows or
#: fewer err about 5% of the time each; requiring a fifth of the columns bounds false alarms at
#: about 9% (ten numeric columns) from six columns up, fewer on larger samples (distance tests).
DRIFT_SHARE = 0.2
#: Relative loss of the search metric, against the validation score at fit, that is a degradation.
QUALITY_TOLERANCE = 0.05
#: The verdicts of a column (and of the predictions).
DRIFT, NO_DRIFT = "drift", "no drift"


@dataclass
class MonitorReport:
    """What a monitor found: per-column drift verdicts, prediction drift, and quality.

    ``columns`` holds one entry per monitored feature column (``column``, ``kind``, ``method``,
    ``score``, ``threshold``, ``verdict`` of ``"drift"`` or ``"no drift"``), most drifted
    first; ``prediction_drift`` is the same entry for the model's predictions (None when they
    were not compared). The data has drifted (``drift_detected``) when at least ``drift_share``
    of the columns drifted, or the predictions did. ``quality`` (labels given) compares the
    search metric now with the validation score at fit. ``missing_values`` (filled by the
    engine for every monitor) has one entry per column with missing values now or at fit:
    ``column``, ``at_fit`` and ``now`` (shares), ``missing_now``, ``complete_at_fit`` and a
    ``verdict``; ``missing_drift`` names the columns whose share drifted, which makes the
    report drifted too. ``notes`` say what was not checked, and why. ``render_html``, when a monitor gives one, returns its own full
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
    missing_values: list[dict] = field(default_factory=list)
    missing_drift: list[str] = field(default_factory=list)

    @classmethod
    def from_columns(
        cls,
        monitor: str,
        columns: Sequence[Mapping[str, Any]],
        *,
        prediction: Mapping | None = None,
        drift_share: float = DRIFT_SHARE,
        dataset_drift: bool | None = None,
        **extra,
    ) -> MonitorReport:
        """Build a report from per-column entries given most drifted first.

        ``dataset_drift`` is the monitor's own verdict on the data as a whole; when None it is
        ``share_drifted >= drift_share``. Predictions that drifted make the report drifted too.
        """
        entries = [dict(c) for c in columns]
        drifted = [c["column"] for c in entries if c["verdict"] == DRIFT]
        share = len(drifted) / len(entries) if entries else 0.0
        whole = share >= drift_share if dataset_drift is None else bool(dataset_drift)
        predicted = prediction is not None and prediction["verdict"] == DRIFT
        return cls(
            monitor=monitor,
            drift_detected=bool(whole or predicted),
            drifted_columns=drifted,
            columns=entries,
            share_drifted=share,
            drift_share=drift_share,
            prediction_drift=dict(prediction) if prediction else None,
            **extra,
        )

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
    return (
        f"{quality['metric']} {_number(quality['now'])} now against {_number(quality['at_fit'])} at fit "
        f"(relative drop {_number(quality['relative_drop'])}): <b>{html.escape(quality['verdict'])}</b>"
    )


def _missing_line(report: MonitorReport) -> str:
    if not report.missing_values:
        return "none now or at fit"
    drifted = html.escape(", ".join(report.missing_drift) or "none")
    shares = "; ".join(
        f"{html.escape(e['column'])} {e['now']:.1%} now, {e['at_fit']:.1%} at fit"
        + (" (drift)" if e["verdict"] == DRIFT else "")
        for e in report.missing_values[:20]
    )
    return f"share drifted in <b>{drifted}</b> ({shares})"


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
        f"<li>Quality: {_quality_line(report.quality)}</li>"
        f"<li>Missing values: {_missing_line(report)}</li></ul>"
        "<table border='1' cellpadding='4' style='border-collapse:collapse'><tr><th>column</th><th>kind</th>"
        "<th>method</th><th>score</th><th>threshold</th><th>verdict</th></tr>"
        f"{_rows(entries)}</table></section>"
    )


# --------------------------------------------------------------------------- for monitor authors
# --------------------------------------------------------------------------- for monitor authors
def column_kinds(frame: pd.DataFrame, context: Mapping[str, Any]) -> dict[str, str]:
    """Feature column to ``numeric`` or ``categorical``: as the engine typed them (the
    context's ``numeric`` and ``categorical``), else by dtype; never the prediction or target."""
    if "numeric" in context or "categorical" in context:
        kinds = {c: "numeric" for c in context.get("numeric", ())}
        kinds.update({c: "categorical" for c in context.get("categorical", ())})
        return {c: k for c, k in kinds.items() if c in frame.columns}
    numeric = pd.api.types.is_numeric_dtype
    return {
        c: "numeric" if numeric(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) else "categorical"
        for c in frame.columns
        if c not in (PREDICTION, TARGET)
    }


def prediction_kind(reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> str | None:
    """``numeric`` (probabilities, values) or ``categorical`` (classes) for the prediction
    column; None when the frames do not both have one."""
    if PREDICTION not in reference.columns or PREDICTION not in current.columns:
        return None
    if "prediction" in context:
        return context["prediction"]
    return "numeric" if pd.api.types.is_float_dtype(reference[PREDICTION]) else "categorical"
