"""What a fit shows while it runs, for library users: ``AutoML(verbose=...)``.

An observer plugin like any other (the command line's display is one too), registered by the
estimator for each fit: 0 shows nothing, 1 a live progress line (elapsed of the budget,
trials, the best score and its family), 2 one line per trial. Its messages also go to the
``automl_core`` logger (the start and end of a fit at INFO, each trial at DEBUG, or INFO with
``verbose=2``), which shows nothing unless the application configures logging.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, TextIO

from .plugin import hookimpl

LOGGER = logging.getLogger("automl_core")
#: Seconds between refreshes of the live line while no trial ends.
REFRESH_SECONDS = 1.0


def resolve_verbose(verbose: Any) -> int:
    """0, 1 or 2; ``None`` is 1 in a terminal or a notebook and 0 elsewhere (a script piped to a
    file, a test, a server)."""
    if verbose is None:
        return 1 if interactive() else 0
    if isinstance(verbose, bool):
        return int(verbose)
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or None (automatic), got {verbose!r}")
    return int(verbose)


def interactive(stream: TextIO | None = None) -> bool:
    """Whether someone is watching: ``stream`` (stderr) is a terminal, or this is a Jupyter kernel."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return True
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class FitLog:
    """Progress of one fit on ``stream`` (stderr) and the ``automl_core`` logger."""

    PLUGIN_NAME = "automl-progress"

    def __init__(self, verbose: int, stream: TextIO | None = None):
        self.verbose, self.stream = verbose, stream
        self.started = time.monotonic()
        self.budget, self.metric = 0.0, ""
        self.trials, self.failed = 0, 0
        self.best: float | None = None
        self.best_family: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # ---------------------------------------------------------------- hooks
    @hookimpl
    def before_fit(self, settings: Any) -> None:
        self.started = time.monotonic()
        self.budget, self.metric = float(settings["time_budget"]), str(settings["metric"])
        LOGGER.info(
            "fit: %s task, metric %s, %.0f s budget, families %s",
            settings["task"],
            self.metric,
            self.budget,
            ", ".join(settings["families"]),
        )
        if self.verbose == 1:
            self._draw()
            self._ticker = threading.Thread(target=self._tick, name="automl-progress", daemon=True)
            self._ticker.start()

    @hookimpl
    def after_trial(self, number: int, record: Any, best_score: float | None) -> None:
        with self._lock:
            self.trials += 1
            self.failed += record.get("state") not in ("complete", "pruned")
            if record.get("state") == "complete" and best_score is not None and record.get("score") == best_score:
                self.best_family = record.get("family")
            self.best = best_score
        line = self._trial_line(number, record)
        LOGGER.log(logging.INFO if self.verbose == 2 else logging.DEBUG, "%s", line)
        if self.verbose == 2:
            self._write(line + "\n")
        elif self.verbose == 1:
            self._draw()

    @hookimpl
    def after_fit(self, estimator: Any, elapsed: float) -> None:
        self._finish()
        message = (
            f"fit done in {elapsed:.1f} s: {self.trials} trials, validation {estimator.metric_} "
            f"{estimator.validation_score_:.4f}"
        )
        LOGGER.info("%s", message)
        if self.verbose:
            self._write(message + "\n")

    @hookimpl
    def on_fit_error(self, error: BaseException) -> None:
        self._finish()
        LOGGER.info("fit failed: %s: %s", type(error).__name__, error)

    # ---------------------------------------------------------------- drawing
    def status(self) -> str:
        """The live line: elapsed of the budget, trials, best score and family."""
        elapsed = time.monotonic() - self.started
        best = "none yet" if self.best is None else f"{self.best:.4f} ({self.best_family})"
        failed = f", {self.failed} failed" if self.failed else ""
        return f"automl: {elapsed:4.0f}/{self.budget:.0f} s · {self.trials} trials{failed} · best {self.metric} {best}"

    def _trial_line(self, number: int, record: Any) -> str:
        score = record.get("score")
        shown = f"{score:.4f}" if isinstance(score, (int, float)) and score == score else str(record.get("state"))
        best = "" if self.best is None else f" · best {self.best:.4f}"
        return (
            f"automl: trial {number} {record.get('family')} {shown} "
            f"({record.get('fit_seconds', 0):.2f} s, at {record.get('elapsed', 0):.1f} s){best}"
        )

    def _tick(self) -> None:
        while not self._stop.wait(REFRESH_SECONDS):
            self._draw()

    def _draw(self) -> None:
        self._write("\r" + self.status().ljust(78))

    def _finish(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2 * REFRESH_SECONDS)
            self._ticker = None
            self._draw()
            self._write("\n")

    def _write(self, text: str) -> None:
        stream = self.stream or sys.stderr
        with self._lock:
            stream.write(text)
            stream.flush()
