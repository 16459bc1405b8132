"""Plots of how the model came to be: feature importance, the search's history (best score
against time, every trial coloured by family), trials by family and state, and the
ensemble's members and weights."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import PALETTE, NotDrawn, plot

#: Columns shown in the importance plot, the most important first.
IMPORTANCE_COLUMNS = 25


def model_plots(report) -> list[str]:
    return [
        plot("importance", _importance_title(report), _importance, report, size=_importance_size(report)),
        plot("history", "Search history: validation score against time", _history, report),
        plot("families", "Trials by model family and outcome", _families, report),
        plot("members", "Ensemble members and their weights", _members, report, size=(6.4, 2.8)),
    ]


def _importance_title(report) -> str:
    table = report.importance
    metric = table["metric"].iloc[0] if table is not None and len(table) else report.metric
    return f"Permutation importance (drop in {metric} when the column is shuffled)"


def _importance_size(report) -> tuple[float, float]:
    rows = 0 if report.importance is None else min(len(report.importance), IMPORTANCE_COLUMNS)
    return 6.4, max(2.4, 0.28 * rows + 1.0)


def _importance(fig, report) -> None:
    table = report.importance
    if table is None or not len(table):
        raise NotDrawn("feature importance was not computed (see the notes)")
    shown = table.head(IMPORTANCE_COLUMNS).iloc[::-1]
    ax = fig.add_subplot()
    ax.barh(
        shown["column"].astype(str),
        shown["importance"],
        xerr=shown["std"],
        color=PALETTE[0],
        error_kw={"elinewidth": 0.8, "capsize": 2},
    )
    ax.axvline(0, color="#666", linewidth=0.8)
    ax.set(xlabel=f"importance ({shown['metric'].iloc[0]})")


def _trials(report) -> pd.DataFrame:
    board = report.leaderboard
    if board is None or not len(board) or "elapsed" not in board:
        raise NotDrawn("the model holds no leaderboard with trial times")
    return board.sort_values("elapsed")


def _history(fig, report) -> None:
    board = _trials(report)
    done = board[(board["state"] == "complete") & board["score"].notna()]
    if not len(done):
        raise NotDrawn("no trial completed")
    ax = fig.add_subplot()
    for i, (family, rows) in enumerate(done.groupby("family", sort=True)):
        ax.scatter(rows["elapsed"], rows["score"], s=14, alpha=0.7, color=PALETTE[i % len(PALETTE)], label=family)
    scores = done["score"].to_numpy(dtype=float)
    best = np.maximum.accumulate(scores) if report.greater_is_better else np.minimum.accumulate(scores)
    ax.step(done["elapsed"], best, where="post", color="black", linewidth=1.2, label="best so far")
    ax.set(xlabel="seconds into the fit", ylabel=f"validation {report.metric}")
    ax.legend(fontsize=8, loc="best")


def _families(fig, report) -> None:
    board = _trials(report)
    counts = board.pivot_table(index="family", columns="state", values="trial", aggfunc="count", fill_value=0)
    ax = fig.add_subplot()
    left = np.zeros(len(counts))
    for i, state in enumerate(counts.columns):
        ax.barh(counts.index.astype(str), counts[state], left=left, color=PALETTE[i % len(PALETTE)], label=state)
        left += counts[state].to_numpy()
    ax.set(xlabel="trials")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, loc="best")


def _members(fig, report) -> None:
    members = report.members
    if members is None or not len(members):
        raise NotDrawn("the model has no ensemble member with a weight")
    labels = [f"trial {t}: {f}" for t, f in zip(members["trial"], members["family"])][::-1]
    ax = fig.add_subplot()
    ax.barh(labels, members["ensemble_weight"].to_numpy()[::-1], color=PALETTE[2], height=0.5)
    ax.set(xlabel="weight", xlim=(0, 1))
