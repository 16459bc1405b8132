"""Deciding when to retrain a fitted model, and whether to keep the retrained one.

:func:`update` monitors labelled new data (see :func:`automl_core.monitoring.monitor`),
retrains when a stated :class:`UpdatePolicy` says so, and keeps the retrained model only if it
beats the old one on the most recent rows; an :class:`UpdateDecision` records what was done
and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from .._jsonable import plain
from ..data import fitted_frame
from ..errors import DataError
from ._monitor import labelled_frame, monitor
from ._report import DRIFT_SHARE, QUALITY_TOLERANCE, MonitorReport


@dataclass(frozen=True)
class UpdatePolicy:
    """When :func:`update` retrains, on what, and when it keeps the retrained model.

    It retrains when at least ``drift_share`` of the feature columns drifted, or when the
    search metric on the new rows is worse than the validation score at fit by
    ``quality_drop`` (relative); None turns a trigger off. Labels of classes the model never saw
    always retrain it, and the retrained model is kept (the old one cannot predict them, so it is
    not scored). The new model trains on ``data``:
    the ``"new"`` rows, or ``"combined"`` with the labelled ``history`` given to :func:`update`.
    The last ``holdout`` share of the new rows (the most recent: rows are in arrival order) is
    never trained on; both models are scored there and the new one is kept only when it is
    better by more than ``min_gain`` (in metric units). ``time_budget`` bounds the retraining
    (the model's own when None); ``monitor`` names the monitor to use.
    """

    drift_share: float | None = DRIFT_SHARE
    quality_drop: float | None = QUALITY_TOLERANCE
    data: str = "new"
    holdout: float = 0.3
    min_gain: float = 0.0
    time_budget: float | None = None
    monitor: str | None = None

    def __post_init__(self) -> None:
        if self.data not in ("new", "combined"):
            raise ValueError(f"UpdatePolicy.data must be 'new' or 'combined', got {self.data!r}")
        if not 0 < self.holdout < 1:
            raise ValueError(f"UpdatePolicy.holdout must be a fraction between 0 and 1, got {self.holdout!r}")


@dataclass
class UpdateDecision:
    """What :func:`update` did and why. Scores are the search metric's own values (see
    ``greater_is_better``): at fit, of the old model on all new rows, and of both on the holdout."""

    retrained: bool
    kept: str  # "old" or "new"
    reason: str
    triggers: list[str]
    metric: str
    greater_is_better: bool
    share_drifted: float
    drifted_columns: list[str]
    quality_at_fit: float
    quality_now: float
    holdout_score_old: float | None = None
    holdout_score_new: float | None = None
    train_rows: int = 0
    holdout_rows: int = 0
    policy: dict = field(default_factory=dict)
    report: MonitorReport | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """The decision, its policy and its monitor report, JSON-ready."""
        data = {k: v for k, v in asdict(self).items() if k != "report"}
        data["report"] = self.report.to_dict() if self.report is not None else None
        return plain(data)


def _labelled(model: Any, data: Any, y: Any, target: str | None, what: str) -> tuple[pd.DataFrame, pd.Series]:
    """Features and labels, from the target column or from ``y``."""
    frame, name = fitted_frame(data, model, what), target or model.target_name_
    if name in frame.columns and y is None:
        return frame.drop(columns=[name]), frame[name]
    if y is None:
        raise DataError(f"{what} needs labels: a target column {name!r}, or y")
    return labelled_frame(model, frame, y)


def _triggers(report: MonitorReport, policy: UpdatePolicy, new_classes: list) -> list[str]:
    out, drop = [], report.quality["relative_drop"] if report.quality else float("nan")
    if new_classes:
        out.append(f"new classes: {new_classes} were not among the classes at fit")
    if policy.drift_share is not None and report.share_drifted >= policy.drift_share:
        out.append(
            f"drift: {report.share_drifted:.2f} of the columns drifted "
            f"({', '.join(report.drifted_columns)}), at least {policy.drift_share:.2f}"
        )
    if policy.quality_drop is not None and report.quality and drop >= policy.quality_drop:
        out.append(
            f"quality: {report.quality['metric']} is {drop:.1%} worse than at fit, at least {policy.quality_drop:.1%}"
        )
    return out


def _no_quality(model: Any) -> dict:
    """The quality fields of a decision made without scoring the model (labels of new classes)."""
    greater = next(e.greater_is_better for e in model.evaluators_ if e.name == model.metric_)
    return {
        "metric": model.metric_,
        "greater_is_better": greater,
        "at_fit": float(model.validation_score_),
        "now": float("nan"),
        "relative_drop": float("nan"),
    }


def _search_score(model: Any, X: pd.DataFrame, y: pd.Series) -> float:
    table = model.evaluate(X, y)
    return float(table.loc[table["search_metric"], "value"].iloc[0])


def _retrain(model: Any, X: pd.DataFrame, y: pd.Series, history, policy: UpdatePolicy) -> Any:
    """A fresh copy of the model's settings, warm-started from its best configurations."""
    from sklearn.base import clone

    if policy.data == "combined":
        lacking = [str(c) for c in X.columns if c not in history[0].columns]
        if lacking:
            raise DataError(f"the history lacks column(s) {lacking} of the new data")
        X = pd.concat([history[0][list(X.columns)], X], ignore_index=True)
        y = pd.concat([history[1], y], ignore_index=True)
    settings: dict[str, Any] = {"warm_start": list(model.top_configs_)}
    if policy.time_budget is not None:
        settings["time_budget"] = policy.time_budget
    return clone(model).set_params(**settings).fit(X, y)


def update(
    model: Any,
    new_data: Any,
    y: Any = None,
    *,
    target: str | None = None,
    policy: UpdatePolicy | None = None,
    history: Any = None,
) -> tuple[Any, UpdateDecision]:
    """Monitor labelled new data; retrain when ``policy`` says so; keep the better model.

    :param new_data: the new rows, in arrival order, with their labels in the target column
        (``target``, by default the one the model was fitted on) or in ``y``.
    :param history: labelled earlier rows (say, the training data) that
        ``UpdatePolicy(data="combined")`` trains on besides the new rows.
    :returns: ``(model, decision)``: the model to use from now on (the given one unless a
        retrained one did better on the most recent rows) and an :class:`UpdateDecision`.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "model_")
    policy = UpdatePolicy(**policy) if isinstance(policy, Mapping) else policy or UpdatePolicy()
    X, labels = _labelled(model, new_data, y, target, "the new data")
    earlier = _labelled(model, history, None, target, "the history") if history is not None else None
    if policy.data == "combined" and earlier is None:
        raise DataError("UpdatePolicy(data='combined') trains on earlier rows too: pass history= (labelled data)")
    new_classes = (
        [] if model.task_ == "regression" else sorted(set(labels.tolist()) - set(model.classes_.tolist()), key=str)
    )
    report = monitor(model, X, None if new_classes else labels, monitor=policy.monitor)  # no score on unknown classes
    quality, triggers = report.quality or _no_quality(model), _triggers(report, policy, new_classes)
    decision = UpdateDecision(
        retrained=bool(triggers),
        kept="old",
        reason="; ".join(triggers) or "no trigger of the policy fired",
        triggers=[t.split(":")[0] for t in triggers],
        metric=quality["metric"],
        greater_is_better=quality["greater_is_better"],
        share_drifted=report.share_drifted,
        drifted_columns=list(report.drifted_columns),
        quality_at_fit=quality["at_fit"],
        quality_now=quality["now"],
        policy=asdict(policy),
        report=report,
    )
    return _compare(model, X, labels, earlier, policy, decision) if triggers else (model, decision)


def _compare(model: Any, X: pd.DataFrame, y: pd.Series, history, policy: UpdatePolicy, decision: UpdateDecision):
    """Retrain without the most recent rows, score both models there, keep the better."""
    n_holdout = max(1, int(round(len(X) * policy.holdout)))
    if len(X) - n_holdout < 2:
        raise DataError(f"{len(X)} new rows are too few to retrain and keep a {policy.holdout:.0%} holdout")
    cut = len(X) - n_holdout
    candidate = _retrain(model, X.iloc[:cut], y.iloc[:cut], history, policy)
    new = _search_score(candidate, X.iloc[cut:], y.iloc[cut:])
    if "new classes" in decision.triggers:  # the old model cannot predict them: it cannot be scored
        old, keep_new, verdict = float("nan"), True, "only the new model knows every class"
    else:
        old = _search_score(model, X.iloc[cut:], y.iloc[cut:])
        keep_new = (new - old if decision.greater_is_better else old - new) > policy.min_gain
        verdict = "the new model is better" if keep_new else "the old model is as good or better"
    decision = replace(
        decision,
        kept="new" if keep_new else "old",
        holdout_score_old=old,
        holdout_score_new=new,
        train_rows=cut + (len(history[0]) if policy.data == "combined" else 0),
        holdout_rows=n_holdout,
        reason=f"{decision.reason}; on the {n_holdout} most recent rows {verdict} "
        f"({decision.metric} {new:.4g} against {old:.4g})",
    )
    return (candidate if keep_new else model), decision


__all__ = ["UpdatePolicy", "UpdateDecision", "update"]
