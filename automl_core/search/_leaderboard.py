"""What a search leaves for the user: the leaderboard, the best configurations, the
ensemble's out-of-fold outputs."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from ._trial import TrialResult, best_first


def leaderboard(
    results: list[TrialResult],
    weights: dict[int, float],
    how: dict[int, str],
    greater_is_better: bool,
    search_rows: int | None = None,
) -> pd.DataFrame:
    """One row per trial, best validation score first; ``search_rows``: the rows the search fitted on
    (fewer than the training set's when it fitted on a sample), in a column of its own."""
    rows = [r.record() for r in results if r.state != "skipped"]
    frame = pd.DataFrame(
        rows,
        columns=[
            "trial",
            "state",
            "family",
            "preprocessing",
            "params",
            "score",
            "fit_seconds",
            "predict_seconds",
            "elapsed",
            "error",
            "fold_scores",
            "worker",
        ],
    )
    frame["ensemble_weight"] = frame["trial"].map(weights).fillna(0.0)
    frame["final_model"] = frame["trial"].map(how).fillna("")
    if search_rows is not None:
        frame["rows"] = search_rows
    frame = frame.sort_values(["score", "trial"], ascending=[not greater_is_better, True], na_position="last")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def top_configs(results: list[TrialResult], greater_is_better: bool, n: int = 5) -> list[dict]:
    """The ``n`` best completed configurations, as dicts that can warm-start a later search."""
    done = best_first(results, greater_is_better)
    return [r.config.to_dict() for r in done[:n]]


def blend_oof(results: list[TrialResult], weights: dict[int, float]) -> np.ndarray | None:
    """The ensemble's validation outputs, or None when a member's are not at hand."""
    by_number = {r.number: r for r in results}
    if any(by_number[n].oof is None for n in weights):
        return None
    blended = cast(np.ndarray, sum(w * by_number[n].oof for n, w in weights.items()))
    return np.clip(blended, 0.0, 1.0) if blended.ndim == 2 else blended  # probabilities: a rounding step past 1
