"""A synthetic evaluation report, for checking reporters without fitting a model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..report import EvaluationReport


def sample_report(task: str, seed: int = 0, n_rows: int = 300) -> EvaluationReport:
    """An :class:`~automl_core.EvaluationReport` of ``task`` on made-up predictions."""
    rng = np.random.default_rng(seed)
    y: np.ndarray
    if task == "regression":
        y = rng.normal(10, 3, n_rows)
        output = predicted = y + rng.normal(0, 1, n_rows)
        classes, metric = [], "rmse"
    else:
        k = 2 if task == "binary" else 3
        y = labels = rng.integers(0, k, n_rows)
        logits = rng.normal(0, 1, (n_rows, k)) + 2 * np.eye(k)[labels]
        output = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        predicted, classes, metric = output.argmax(axis=1), [f"class_{i}" for i in range(k)], "log_loss"
    metrics = pd.DataFrame(
        [{"metric": metric, "value": 0.5, "low": 0.4, "high": 0.6, "greater_is_better": False, "search_metric": True}]
    )
    importance = pd.DataFrame(
        {
            "column": ["a", "b"],
            "importance": [0.1, 0.01],
            "std": [0.01, 0.005],
            "repeats": [[0.1], [0.01]],
            "metric": metric,
            "baseline": 0.5,
        }
    )
    board = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "trial": [0, 1, 2],
            "state": ["complete", "complete", "pruned"],
            "family": ["linear", "forest", "forest"],
            "preprocessing": ["scale", "none", "none"],
            "params": [{}, {}, {}],
            "score": [0.5, 0.6, np.nan],
            "fit_seconds": [0.1, 0.3, 0.2],
            "predict_seconds": [0.01, 0.02, 0.0],
            "elapsed": [0.2, 0.6, 0.9],
            "error": [None] * 3,
            "ensemble_weight": [0.75, 0.25, 0.0],
            "final_model": ["refit", "refit", ""],
        }
    )
    members = board[board["ensemble_weight"] > 0][
        ["trial", "family", "preprocessing", "score", "ensemble_weight", "final_model"]
    ]
    return EvaluationReport(
        task=task,
        target="y",
        metric=metric,
        greater_is_better=False,
        classes=classes,
        threshold=None,
        metrics=metrics,
        y_true=y,
        output=output,
        predicted=predicted,
        importance=importance,
        leaderboard=board,
        members=members.reset_index(drop=True),
        summary={
            "validation_score": 0.5,
            "fit_seconds": 1.0,
            "time_budget": 10,
            "trials": 3,
            "completed": 2,
            "families": ["forest", "linear"],
        },
    )
