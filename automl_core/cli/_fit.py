"""``automl fit``: settings from the config file and flags, a live progress display, the package.

The progress display is a plugin like any other: an object with ``before_fit``,
``after_trial``, ``after_fit`` and ``on_fit_error`` hook implementations, passed in
``AutoML(plugins=[...])``, so the engine's own hooks drive it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from ..components import LoadedData
from ..plugin import hookimpl
from ._config import AutoMLConfig, ConfigError

#: Leaderboard rows printed after a fit.
LEADERBOARD_ROWS = 5


class FitProgress:
    """Shows trials done, the best score so far and the time left while ``AutoML.fit`` runs."""

    PLUGIN_NAME = "automl-cli-progress"

    def __init__(self, console: Console):
        self.console = console
        self.live: Live | None = None
        self.started = time.monotonic()
        self.budget, self.metric, self.families = 0.0, "", []  # type: float, str, list[str]
        self.done, self.failed, self.best = 0, 0, None  # type: int, int, float | None
        self.finished: float | None = None

    @hookimpl
    def before_fit(self, estimator: Any, X: Any, y: Any, settings: dict) -> None:
        self.started = time.monotonic()
        self.budget, self.metric = float(settings["time_budget"]), settings["metric"]
        self.families = list(settings["families"])
        self.live = Live(get_renderable=self.render, console=self.console, refresh_per_second=4, transient=False)
        self.live.start()

    @hookimpl
    def after_trial(self, number: int, record: dict, best_score: float | None) -> None:
        self.done += 1
        self.failed += record.get("state") != "complete"
        self.best = best_score

    @hookimpl
    def after_fit(self, estimator: Any, leaderboard: Any, elapsed: float) -> None:
        self.finished = elapsed
        self.stop()

    @hookimpl
    def on_fit_error(self, estimator: Any, error: BaseException) -> None:
        self.stop()

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
            if not self.console.is_terminal:
                self.console.line()  # a live display off a terminal ends without one

    def render(self) -> Group:
        """The display: a time bar, then trials, best score and time left."""
        elapsed = min(time.monotonic() - self.started, self.budget)
        best = "none yet" if self.best is None else f"{self.best:.4f}"
        bar = Table.grid(padding=(0, 1))
        bar.add_row(
            ProgressBar(total=self.budget or 1, completed=elapsed, width=40), f"{elapsed:.0f}/{self.budget:.0f} s"
        )
        left = (
            f"finished in {self.finished:.1f} s"
            if self.finished is not None
            else f"{max(self.budget - elapsed, 0):.0f} s left"
        )
        status = Text(f"trials {self.done} done ({self.failed} failed) · best {self.metric} {best} · {left}")
        return Group(Text(f"searching {', '.join(self.families)}", style="bold"), bar, status)


def read_training_data(config: AutoMLConfig) -> LoadedData:
    """The training data, read through the loader plugins (with what the loader changed, which
    the model must repeat at predict)."""
    from ..data import load_with_manager
    from ..plugin import build_plugin_manager

    if not config.data:
        raise ConfigError("no training data: give DATA on the command line or 'data:' in the --config file")
    if not config.target:
        raise ConfigError("no target: give --target or 'target:' in the --config file")
    params = config.estimator_params()
    pm = build_plugin_manager(params["plugins"], config.block_plugins, config.autoload_plugins)
    return load_with_manager(pm, config.data, config.load_options)


def run_fit(config: AutoMLConfig, console: Console, overwrite: bool, resume: bool = False) -> Path:
    """Fit with a live display, print the leaderboard top and save the package; returns its path."""
    from ..errors import PackageError
    from ..estimator import AutoML
    from ..package import check_replaceable, save

    out = Path(config.out or "model").expanduser().resolve()
    if out.exists() and not overwrite:
        raise ConfigError(f"{out} already exists; pass --overwrite to replace it or choose another --out")
    if out.exists():
        try:
            check_replaceable(out)  # before the fit, not after it
        except PackageError as exc:
            raise ConfigError(f"--out {exc}") from None
    loaded = read_training_data(config)
    progress = FitProgress(console)
    params = config.estimator_params()
    params["plugins"] = [*(params["plugins"] or []), progress]
    params["verbose"] = 0  # the command line draws its own display
    model = AutoML(**params)
    try:
        model.fit(loaded, target=config.target, resume=resume)
    finally:
        progress.stop()
    console.print(leaderboard_table(model))
    for note in getattr(model, "validation_", {}).get("notes", []):
        console.print(f"note: {note}")
    console.print(
        f"validation {model.metric_}: [bold]{model.validation_score_:.4f}[/] "
        f"({model.task_}, {model.fit_seconds_:.1f} s)"
    )
    path = save(model, out, overwrite=overwrite, data=loaded.frame)
    console.print(f"model package written to [bold]{path}[/]")
    return path


def leaderboard_table(model: Any, rows: int = LEADERBOARD_ROWS) -> Table:
    """The best trials of a fit as a rich table, its title saying how they were validated."""
    validation = getattr(model, "validation_", {}).get("description")
    table = Table(title=f"leaderboard (top {rows}, {model.metric_}{'; ' + validation if validation else ''})")
    for column in ("rank", "family", "preprocessing", "score", "fit s", "weight"):
        table.add_column(column, justify="right" if column in ("rank", "score", "fit s", "weight") else "left")
    for row in model.leaderboard_.head(rows).itertuples(index=False):
        score = "" if pd.isna(row.score) else f"{row.score:.4f}"
        table.add_row(
            str(row.rank),
            str(row.family),
            str(row.preprocessing),
            score or str(row.state),
            f"{row.fit_seconds:.2f}",
            f"{row.ensemble_weight:.2f}",
        )
    return table
