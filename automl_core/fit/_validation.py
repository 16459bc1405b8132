"""How a fit validates, decided from the rows' weights, groups and time, and said to the user:
the checks that make a weighted or grouped fit fail early, the model families left out for
want of sample weights, and the description kept in ``validation_`` and shown with the
leaderboard."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..components import Evaluator, ModelFamily
from ..data import RowValues
from ..errors import DataError, UnknownComponentError
from ..search import Splits, accepts_weights


def check_rows(rows: RowValues, metric: Evaluator, validation: str) -> None:
    """Weights need a weighted search metric; groups and time order do not combine."""
    if rows.sample_weight is not None and not metric.weighted:
        raise DataError(
            f"sample weights were given ({rows.sources['sample_weight']}), but the search metric "
            f"{metric.name!r} takes no weights (Evaluator(weighted=False)); choose a weighted metric "
            f"or leave the weights out"
        )
    if rows.groups is not None and validation == "time":
        raise DataError(
            f"groups ({rows.sources['groups']}) and validation='time' do not combine: time order "
            f"already keeps later rows out of training; give one of them"
        )


def weighted_families(families: list[ModelFamily], context: Any, rows: RowValues) -> tuple[list[ModelFamily], dict]:
    """The families the search may use and those left out (name to reason): with sample weights,
    a family whose model takes none is left out, never fitted unweighted."""
    if rows.sample_weight is None:
        return families, {}
    kept = [f for f in families if accepts_weights(f, context)]
    left_out = {f.name: "its model takes no sample_weight" for f in families if f not in kept}
    if not kept:
        raise UnknownComponentError(
            f"sample weights were given ({rows.sources['sample_weight']}), but no model "
            f"family of this search takes them: {', '.join(sorted(left_out))}"
        )
    return kept, left_out


def describe_validation(splits: Splits, rows: RowValues, holdout: float, left_out: dict[str, str]) -> dict:
    """What ``validation_`` holds: the kind of splits, how many, their groups, time order and
    weights, the families left out, notes, and a one-line ``description``."""
    weights = rows.sample_weight
    info: dict[str, Any] = {
        "kind": splits.kind,
        "splits": len(splits.folds),
        "holdout": float(holdout) if splits.kind == "holdout" else None,
        "stratified": bool(splits.stratified),
        "groups": None
        if rows.groups is None
        else {"source": rows.sources["groups"], "count": int(len(np.unique(rows.groups)))},
        "time": None if rows.time is None else {"source": rows.sources["time"], "kind": rows.time_kind},
        "sample_weight": None
        if weights is None
        else {
            "source": rows.sources["sample_weight"],
            "zero_rows": int((weights == 0).sum()),
            "sum": float(weights.sum()),
        },
        "left_out": dict(left_out),
    }
    info["notes"] = [f"{name} left out of the search: {reason}" for name, reason in sorted(left_out.items())]
    info["description"] = _sentence(info)
    return info


def _sentence(info: dict) -> str:
    """``"5-fold, stratified, by group (column 'g', 40 groups); weighted (sample_weight=)"``."""
    kind = info["kind"]
    if kind == "time":
        words = [f"{info['splits']} forward-chaining time split(s) ordered by {info['time']['source']}"]
    elif kind == "holdout":
        words = [f"holdout of {info['holdout']:.0%}"]
    else:
        words = [f"{info['splits']}-fold"]
    if info["stratified"]:
        words.append("stratified")
    if info["groups"] is not None:
        words.append(f"by group ({info['groups']['source']}, {info['groups']['count']} groups)")
    text = ", ".join(words)
    if info["sample_weight"] is not None:
        text += f"; weighted ({info['sample_weight']['source']})"
    return text
