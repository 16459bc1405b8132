"""What an evaluation report holds, computed without drawing anything, and the reporter that draws it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._jsonable import plain
from ..errors import DataError, UnknownComponentError
from ..model import labels_of
from ..search import thread_limit
from ._bootstrap import CONFIDENCE, metric_intervals

#: Rows of labelled data the permutation importance of a report is measured on, at most.
IMPORTANCE_ROWS = 2000


@dataclass
class EvaluationReport:
    """A fitted model evaluated on labelled data, ready for a reporter to draw.

    ``metrics`` has one row per installed metric (``value``, and ``low`` and ``high``, the
    bootstrap confidence interval of coverage ``confidence``). ``y_true`` holds class indices
    (into ``classes``) or values; ``output`` the probabilities ``(n, k)`` or predicted values;
    ``predicted`` the predicted class indices (the decision ``threshold`` applied) or values.
    ``importance`` is :meth:`AutoML.feature_importance` on these rows (None when not
    computed), ``leaderboard`` the search's trials (with ``elapsed``, the seconds into the
    fit each ended), ``members`` the final ensemble. ``notes`` say what could not be computed
    and why.
    """

    task: str
    target: str
    metric: str
    greater_is_better: bool
    classes: list
    threshold: float | None
    metrics: pd.DataFrame
    y_true: np.ndarray
    output: np.ndarray
    predicted: np.ndarray
    importance: pd.DataFrame | None
    leaderboard: pd.DataFrame
    members: pd.DataFrame
    summary: dict
    notes: list[str] = field(default_factory=list)
    confidence: float = CONFIDENCE
    reporter: str | None = None
    render: Callable[[EvaluationReport], str] | None = field(default=None, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return len(self.y_true)

    def html(self) -> str:
        """The report as one self-contained HTML page, drawn by the reporter plugin."""
        if self.render is None:
            raise UnknownComponentError(
                "no reporter plugin is installed to draw the report: "
                "pip install automl-report (or any plugin with register_reporters)"
            )
        return self.render(self)

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`html` to ``path``; returns the path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def to_dict(self) -> dict:
        """The report's numbers, JSON-ready (without the per-row values)."""
        return plain(
            {
                "task": self.task,
                "target": self.target,
                "metric": self.metric,
                "classes": self.classes,
                "threshold": self.threshold,
                "n_rows": self.n_rows,
                "confidence": self.confidence,
                "metrics": _records(self.metrics),
                "importance": _records(self.importance),
                "members": _records(self.members),
                "summary": self.summary,
                "notes": self.notes,
            }
        )


def _records(frame: pd.DataFrame | None) -> list[dict] | None:
    return None if frame is None else frame.drop(columns=["repeats"], errors="ignore").to_dict("records")


def build_report(model: Any, data: Any, importance: bool, resamples: int, seed: int) -> EvaluationReport:
    """The content of ``model``'s report on ``data`` (a :class:`~automl_core.explain.Labelled`)."""
    if len(data.features) == 0:
        raise DataError("the evaluation data has no rows")
    with thread_limit(model._threads()):
        output = model.model_.output(data.features)
    regression = model.task_ == "regression"
    predicted = output if regression else labels_of(output, model.threshold_)
    metrics, notes = metric_intervals(
        model.evaluators_, model.metric_, data.y, output, model.threshold_, resamples, seed
    )
    table = _importance(model, data, importance, seed, notes)
    metric = next(e for e in model.evaluators_ if e.name == model.metric_)
    return EvaluationReport(
        task=model.task_,
        target=str(model.target_name_),
        metric=model.metric_,
        greater_is_better=metric.greater_is_better,
        classes=[] if regression else list(model.classes_),
        threshold=model.threshold_,
        metrics=metrics,
        y_true=data.y,
        output=output,
        predicted=predicted,
        importance=table,
        leaderboard=model.leaderboard_.copy(),
        members=_members(model),
        summary=_summary(model),
        notes=notes,
    )


def _importance(model: Any, data: Any, wanted: bool, seed: int, notes: list[str]) -> pd.DataFrame | None:
    from ..explain import feature_importance

    if not wanted:
        notes.append("feature importance: not computed: not asked for (importance=False)")
        return None
    try:
        return feature_importance(model, data, max_rows=IMPORTANCE_ROWS, seed=seed)
    except DataError as exc:
        notes.append(f"feature importance: not computed: {exc}")
        return None


def _members(model: Any) -> pd.DataFrame:
    board = model.leaderboard_
    columns = ["trial", "family", "preprocessing", "score", "ensemble_weight", "final_model"]
    if not set(columns) <= set(board.columns):  # a package written before these columns existed
        return pd.DataFrame(columns=columns)
    kept = board[board["ensemble_weight"] > 0]
    return kept[columns].sort_values("ensemble_weight", ascending=False).reset_index(drop=True)


def _summary(model: Any) -> dict:
    board = model.leaderboard_
    return {
        "validation_score": getattr(model, "validation_score_", None),
        "fit_seconds": getattr(model, "fit_seconds_", None),
        "time_budget": model.time_budget,
        "trials": int(len(board)),
        "completed": int((board["state"] == "complete").sum()),
        "families": sorted(map(str, board["family"].dropna().unique())),
    }


def choose_reporter(registry: Any, name: str | None):
    """The reporter named, else the one of highest priority (then first by name); None when none is installed."""
    if name is not None:
        return registry.get("reporter", name)
    reporters = sorted(registry.all("reporter"), key=lambda r: (-r.priority, r.name))
    return reporters[0] if reporters else None
