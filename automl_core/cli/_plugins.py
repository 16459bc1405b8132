"""``automl plugins`` and ``automl monitor``: what is installed, and watching a deployed model."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..components import KINDS
from ..plugin import PluginLoadWarning, build_plugin_manager


def _components_of(pm, plugin_name: str) -> str:
    """``kind: name, name; kind: ...`` for what one plugin registers (or why it could not say)."""
    parts = []
    for kind, (_, hook_name) in KINDS.items():
        names: list[str] = []
        for plugin, caller in pm.plugin_callers(hook_name):
            if plugin != plugin_name:
                continue
            collected: list[Any] = []
            try:
                caller(register=collected.append)
            except Exception as exc:  # one broken plugin must not hide the others
                return f"error in {hook_name}: {type(exc).__name__}: {exc}"
            names += [getattr(c, "name", repr(c)) for c in collected]
        if names:
            parts.append(f"{kind.replace('_', ' ')}: {', '.join(sorted(names))}")
    return "; ".join(parts) or "(observes only)"


def plugin_rows() -> list[tuple[str, str, str, str, str]]:
    """One row per installed plugin: name, distribution, version, status, components (or its error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginLoadWarning)  # failures are shown in the table
        pm = build_plugin_manager()
    rows = []
    for name, info in sorted(pm.infos.items()):
        detail = _components_of(pm, name) if info.status == "loaded" else (info.error or "")
        rows.append((name, info.distribution or "", info.version or "", info.status, detail))
    return rows


def run_monitor(
    model: Any,
    source: str,
    console: Console,
    *,
    html: Path | None = None,
    json_out: Path | None = None,
    name: str | None = None,
    options: dict | None = None,
) -> None:
    """Run a monitor plugin on ``source`` against the package's reference sample; print the verdicts."""
    from ..data import load_data
    from ..monitoring import monitor

    report = monitor(model, load_data(source, **(options or {})), monitor=name)
    verdict = "[bold red]drift detected[/]" if report.drift_detected else "[bold green]no drift detected[/]"
    console.print(
        f"{verdict} by monitor {report.monitor!r}: {len(report.drifted_columns)} of "
        f"{len(report.columns)} columns drifted ({report.n_current} rows against {report.n_reference})"
    )
    table = Table()
    for column in ("column", "kind", "method", "score", "threshold", "verdict"):
        table.add_column(column)
    for entry in report.columns + ([report.prediction_drift] if report.prediction_drift else []):
        table.add_row(*(_cell(entry.get(c)) for c in ("column", "kind", "method", "score", "threshold", "verdict")))
    console.print(table)
    if report.quality:
        q = report.quality
        console.print(f"quality: {q['metric']} {q['now']:.4f} now, {q['at_fit']:.4f} at fit: {q['verdict']}")
    for path, writer in ((html, report.save_html), (json_out, report.save_json)):
        if path is not None:
            console.print(f"report written to [bold]{writer(path)}[/]")


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else escape(str(value if value is not None else ""))
