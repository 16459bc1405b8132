"""``automl explain`` (permutation importance of a model package on labelled data) and the
HTML report of ``automl evaluate --html``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..errors import DataError


def labelled_frame(model: Any, data: str, target: str | None, options: dict):
    """The labelled rows of DATA, read through the loaders, and the target's name."""
    from ..data import load_data

    frame = load_data(data, **options)
    name = target or model.target_name_
    if name not in frame.columns:
        raise DataError(f"{data} has no target column {name!r}; name it with --target")
    return frame, name


def importance_table(model: Any, frame: Any, target: str, repeats: int, max_rows: int | None, rows: int) -> Table:
    """Permutation importance as a rich table, the most important columns first."""
    result = model.feature_importance(frame, target=target, n_repeats=repeats, max_rows=max_rows)
    metric = result["metric"].iloc[0]
    table = Table(
        title=f"permutation importance ({metric}, {repeats} repeats, baseline {result['baseline'].iloc[0]:.4f})"
    )
    for column in ("column", "importance", "std"):
        table.add_column(column, justify="left" if column == "column" else "right")
    for row in result.head(rows).itertuples(index=False):
        table.add_row(str(row.column), f"{row.importance:.4f}", f"{row.std:.4f}")
    return table


def write_report(model: Any, frame: Any, target: str, html: Path, console: Console) -> Path:
    """The evaluation report of ``frame`` written to ``html``."""
    report = model.report(frame, target=target)
    path = report.save_html(html)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(f"report written to [bold]{path}[/] ({path.stat().st_size:,} bytes)")
    return path
