"""The members of a fitted model's ensemble: each fitted pipeline, its weight and its name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import FoldBag


@dataclass(frozen=True)
class Member:
    """One fitted pipeline of the final model and its share of the output (weights sum to 1)."""

    label: str
    pipeline: Any
    weight: float
    trial: int | None = None
    family: str | None = None


def members(model: Any) -> list[Member]:
    """The pipelines whose weighted outputs make ``model``'s output; a member served by its
    fold models (a refit that did not fit in time) gives one pipeline per fold."""
    ensemble = model.model_
    total = float(sum(ensemble.weights))
    named = _trials(model)
    out = []
    for index, (member, weight) in enumerate(zip(ensemble.models, ensemble.weights)):
        trial, family = named[index] if named else (None, None)
        label = f"member {index}" + (f" (trial {trial}, {family})" if trial is not None else "")
        share = float(weight) / total
        if isinstance(member, FoldBag):
            folds = member.models
            out += [
                Member(f"{label}, fold model {i}", m, share / len(folds), trial, family) for i, m in enumerate(folds)
            ]
        else:
            out.append(Member(label, member, share, trial, family))
    return out


def _trials(model: Any) -> list[tuple[int, str]] | None:
    """Trial number and family of each member, in the ensemble's order (the refit orders them by
    descending weight); None when the leaderboard does not tell."""
    board = getattr(model, "leaderboard_", None)
    weights = getattr(model, "ensemble_weights_", None) or {}
    if board is None or "final_model" not in board:
        return None
    kept = board[board["final_model"].isin(["refit", "fold models"])]
    order = sorted((int(n) for n in kept["trial"] if int(n) in weights), key=lambda n: -weights[n])
    if len(order) != len(model.model_.models):
        return None
    family = dict(zip(kept["trial"].astype(int), kept["family"]))
    return [(n, str(family[n])) for n in order]
