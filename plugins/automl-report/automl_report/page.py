"""The HTML page: a summary, the notes, the metrics with their confidence intervals, the
plots of the task, the model's plots and tables. One file, nothing fetched: styles inline,
plots inline SVG."""

from __future__ import annotations

import html
import math

import pandas as pd

from .classification import classification_plots
from .regression import regression_plots
from .search import model_plots

#: Leaderboard rows shown.
LEADERBOARD_ROWS = 20

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.summary{color:#555;margin:0 0 12px}.grid{display:flex;flex-wrap:wrap;gap:12px}
.grid figure.plot{flex:1 1 440px;max-width:calc(50% - 20px)}
figure.plot{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:6px;background:#fff}
figure.plot svg{display:block;max-width:100%;height:auto}figcaption{font-size:13px;color:#444;text-align:center}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}
th{background:#f6f6f6}td.text,th.text{text-align:left}.note{color:#8a5a00;background:#fff8e6;padding:4px 8px;border-radius:4px}
"""


def page(report) -> str:
    task_plots = regression_plots(report) if report.task == "regression" else classification_plots(report)
    sections = [
        _header(report),
        _notes(report),
        _section("Metrics", _metrics(report)),
        _section("Predictions", _grid(task_plots)),
    ]
    importance, history, families, members = model_plots(report)
    sections += [
        _section("Feature importance", importance),
        _section("Search", _grid([history, families])),
        _section("Ensemble", members + _table(report.members, ["family", "preprocessing"])),
        _section("Leaderboard", _table(_leaderboard(report), ["family", "preprocessing", "state", "final_model"])),
    ]
    title = html.escape(f"Evaluation report: {report.target} ({report.task})")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )


def _header(report) -> str:
    summary = report.summary
    parts = [f"{report.n_rows} labelled rows", f"search metric {report.metric}"]
    if summary.get("validation_score") is not None:
        parts.append(f"validation {report.metric} at fit {summary['validation_score']:.4f}")
    if report.threshold is not None:
        parts.append(f"decision threshold {report.threshold:.3f}")
    parts.append(f"{summary.get('trials', 0)} trials in {_seconds(summary.get('fit_seconds'))}")
    return (
        f"<h1>Evaluation report: {html.escape(report.target)} ({html.escape(report.task)})</h1>"
        f'<p class="summary">{html.escape(" · ".join(parts))}</p>'
    )


def _seconds(value) -> str:
    return "an unknown time" if value is None else f"{value:.1f} s"


def _notes(report) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    return f'<section id="notes"><h2>What could not be computed</h2><ul class="note">{items}</ul></section>'


def _metrics(report) -> str:
    frame = report.metrics.copy()
    level = f"{report.confidence:.0%}"
    frame[f"{level} interval"] = [_interval(lo, hi) for lo, hi in zip(frame["low"], frame["high"])]
    frame["better"] = frame["greater_is_better"].map({True: "higher", False: "lower"})
    frame["metric"] = [f"{m} (searched)" if s else m for m, s in zip(frame["metric"], frame["search_metric"])]
    return _table(frame[["metric", "value", f"{level} interval", "better"]], ["metric", "better"], "metrics")


def _interval(low: float, high: float) -> str:
    return "not computed" if math.isnan(low) or math.isnan(high) else f"{low:.4f} to {high:.4f}"


def _leaderboard(report) -> pd.DataFrame:
    columns = [
        "rank",
        "trial",
        "family",
        "preprocessing",
        "state",
        "score",
        "fit_seconds",
        "elapsed",
        "ensemble_weight",
        "final_model",
    ]
    board = report.leaderboard
    return board[[c for c in columns if c in board]].head(LEADERBOARD_ROWS)


def _table(frame: pd.DataFrame, text_columns: list[str], table_id: str | None = None) -> str:
    if frame is None or not len(frame):
        return '<p class="note">nothing to show</p>'
    head = "".join(f'<th class="{_kind(c, text_columns)}">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td class="{_kind(c, text_columns)}">{_cell(v)}</td>' for c, v in row.items()) + "</tr>"
        for _, row in frame.iterrows()
    )
    ident = f' id="table-{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _kind(column, text_columns: list[str]) -> str:
    return "text" if column in text_columns else "num"


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4f}"
    return html.escape(str(value))


def _section(title: str, body: str) -> str:
    ident = title.lower().replace(" ", "-")
    return f'<section id="{ident}"><h2>{html.escape(title)}</h2>{body}</section>'


def _grid(parts: list[str]) -> str:
    return f'<div class="grid">{"".join(parts)}</div>'
