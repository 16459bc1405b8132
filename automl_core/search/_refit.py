"""The final refit: time kept out of the search for it, and the chosen pipelines refit on
all rows while time allows (their fold models standing in for a refit that would not fit)."""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

import numpy as np

from ..components import BuildContext
from ..errors import BudgetError, BudgetWarning, PredictTimeWarning, TrialTimeout
from ..model import FoldBag, WeightedEnsemble, model_output
from ._budget import Deadline, thread_limit, time_limit
from ._ensemble_selection import REFIT_MEMBERS, fit_to_limit, normalized_weights, predict_costs
from ._space import SearchSpace, fit_pipeline
from ._splits import Splits
from ._trial import SearchData, TrialResult, best_first, folds_fitted

LOGGER = logging.getLogger("automl_core")

#: Safety factor on the estimated refit time reserved out of the search budget.
REFIT_MARGIN = 1.2

#: The refit reserve covers :data:`REFIT_MEMBERS` of the best trials, within this share of the budget.
MAX_RESERVE_SHARE = 0.3

#: When no member could be refit in time and none kept its fold models, the cheapest member is
#: refit anyway within this many seconds, or this share of the budget when more (a model late
#: beats no model; the same allowance as the search's last-chance trial).
LAST_REFIT_SECONDS = 1.0
LAST_REFIT_SHARE = 0.05

#: With a predict time limit, the refit members are timed again on one fold's validation rows
#: (the batch size the search timed them at), at most this many; each for at most twice the
#: time the limit allows those rows, or this many seconds when more: the check stays short
#: past the refit's deadline.
LIMIT_CHECK_ROWS = 5_000
LIMIT_CHECK_SECONDS = 0.1


def refit_estimate(result: TrialResult, splits: Splits, n_rows: int) -> float:
    """Seconds a refit of ``result``'s pipeline on all ``n_rows`` rows should take: its time per
    fitted fold (the folds it fitted: one for the last-chance trial), scaled to all rows."""
    fitted = folds_fitted(result, len(splits.folds))
    per_fold = result.fit_seconds / fitted
    train_rows = np.mean([len(train) for train, _ in splits.folds[:fitted]])
    return float(per_fold * n_rows / train_rows)


def make_reserve(splits: Splits, n_rows: int, ensemble: bool, greater_is_better: bool, budget: float):
    """The time to keep out of the search for the final refit, given the results so far.

    It covers the refit of the best :data:`REFIT_MEMBERS` trials (the likely ensemble; the best
    alone with ``ensemble=False``), up to :data:`MAX_RESERVE_SHARE` of the budget, and always
    the best trial's. A member whose refit still does not fit is served by its fold models (k
    times the predict cost under k-fold), or dropped when they were not kept; a reserve for
    fewer trials left members of likely ensembles so (docs/performance.md).
    """

    members = REFIT_MEMBERS if ensemble else 1

    def reserve(results: list[TrialResult]) -> float:
        done = best_first(results, greater_is_better)
        if not done:
            return 0.0
        estimates = [REFIT_MARGIN * refit_estimate(r, splits, n_rows) for r in done[:members]]
        return max(estimates[0], min(sum(estimates), MAX_RESERVE_SHARE * budget))

    return reserve


def refit_final(
    results: list[TrialResult],
    best: TrialResult,
    space: SearchSpace,
    data: SearchData,
    weights: dict[int, float],
    deadline: Deadline,
    context: BuildContext,
    fold_models: bool = True,
    rows: tuple[Any, np.ndarray] | None = None,
    sample_weight: np.ndarray | None = None,
    predict_time_limit: float | None = None,
) -> tuple[WeightedEnsemble, object, dict[int, str]]:
    """Refit the chosen pipelines on all rows (``rows``: the features and target of every row
    when the search fitted on a sample of them, else ``data``'s; ``sample_weight``: the
    weights of ``rows``, else ``data``'s), heaviest weight first, while time allows.

    Returns the final ensemble, the best single pipeline (the best trial's, else the
    heaviest member), and how each member was obtained: ``"refit"``, ``"fold models"``
    (the refit did not fit in time; the trial's fold models are averaged) or ``"dropped"``.
    Without ``fold_models`` (a predict time limit: fold models predict k times slower), such
    members are dropped whenever another member was refit. With ``predict_time_limit``, the
    members are timed again once refit (:func:`keep_within_limit`): a model refit on more rows
    than its trial fitted may predict slower than the search measured.
    """
    by_number = {r.number: r for r in results}
    for result in results:  # memory: fold models outside the ensemble are not used again
        if result.number not in weights:
            result.models = None
    fitted, how = {}, {}
    rows, sample_weight = (rows, sample_weight) if rows is not None else ((data.X, data.y), data.sample_weight)
    for number in sorted(weights, key=lambda n: -weights[n]):
        result = by_number[number]
        model = _refit_one(space, result, data, deadline, context, rows, sample_weight)
        how[number] = "refit"
        if model is not None:
            result.models = None  # the refit replaces them; a large forest's are hundreds of MB
        elif result.models:
            model, how[number] = FoldBag(result.models), "fold models"
        if model is None:
            how[number] = "dropped"
        else:
            fitted[number] = model
    if not fold_models and "refit" in how.values():
        for number in [n for n, h in how.items() if h == "fold models"]:
            del fitted[number]
            how[number] = "dropped"
    if not fitted:  # every refit ran out of time, and no member kept its fold models
        number, fitted[number] = _last_refit(
            space, [by_number[n] for n in weights], data, deadline, context, rows, sample_weight
        )
        how[number] = "refit"
    if predict_time_limit is not None:
        for number in keep_within_limit(fitted, weights, by_number, data, context, predict_time_limit, len(rows[1])):
            del fitted[number]
            how[number] = "dropped"
    ensemble = WeightedEnsemble(list(fitted.values()), [weights[n] for n in fitted], data.task, data.n_classes)
    best_pipeline = fitted.get(best.number, next(iter(fitted.values())))
    return ensemble, best_pipeline, how


def keep_within_limit(
    fitted: dict[int, Any],
    weights: dict[int, float],
    by_number: dict[int, TrialResult],
    data: SearchData,
    context: BuildContext,
    limit: float,
    n_rows: int,
) -> list[int]:
    """The members of ``fitted`` to drop so that the final model predicts within ``limit``
    seconds per row, as the members take once refit: each is timed on one fold's validation
    rows (at most :data:`LIMIT_CHECK_ROWS`, and for at most twice what the limit allows them),
    with the threads a trial had, as the search timed its fold models. The search judged the limit on those fold models; a
    member refit on more rows (all rows after a search on a sample, above all) may have grown:
    more trees when early stopping runs longer, more neighbours to search. Members are dropped
    as :func:`fit_to_limit` drops them; when none is within the limit alone the fastest is
    kept, as the search keeps it; when the one left still exceeds the limit it stays,
    with a :class:`PredictTimeWarning` that says by how much (unless its fold models did too:
    the search has warned then)."""
    measured = _refit_costs(fitted, data, context, limit)
    if sum(measured.values()) <= limit:
        return []
    members = {n: weights[n] for n in fitted}
    oof = {n: by_number[n].oof for n in fitted}
    fastest = min(measured, key=measured.__getitem__)
    if measured[fastest] > limit or any(out is None for out in oof.values()):
        # none is within the limit alone: the fastest, as the search keeps it (a last-chance
        # member, which has no out-of-fold outputs to blend, is alone)
        kept = {fastest: 1.0}
    else:
        validated = data.splits.validated_rows
        y_val, w_val = data.y[validated], data.weights_of(validated)
        kept = fit_to_limit(members, oof, y_val, data.metric, measured, limit, w_val)
    spent = sum(measured[n] for n in kept)
    LOGGER.info(
        "refit on all %s rows, the members predict in %s s per row together, over predict_time_limit=%.3g: "
        "trial(s) %s dropped, %.3g s per row left",
        f"{n_rows:,}",
        f"{sum(measured.values()):.3g}",
        limit,
        ", ".join(str(n) for n in fitted if n not in kept),
        spent,
    )
    if spent > limit:  # one member left (fit_to_limit drops to one before giving up)
        (number,) = kept
        _warn_still_over(by_number[number], data, limit, spent, n_rows)
    return [n for n in fitted if n not in kept]


def _refit_costs(fitted: dict[int, Any], data: SearchData, context: BuildContext, limit: float) -> dict[int, float]:
    """Seconds per row each refit member takes on one fold's validation rows (at most
    :data:`LIMIT_CHECK_ROWS`), with the threads a trial had; a member is stopped at twice what
    the limit allows those rows (or :data:`LIMIT_CHECK_SECONDS`), and counted at that."""
    val = data.splits.folds[0][1][:LIMIT_CHECK_ROWS]
    X = data.X.iloc[val]
    window = max(LIMIT_CHECK_SECONDS, 2 * limit * len(val))  # what a member within the limit needs, twice
    measured = {}
    with thread_limit(context.n_jobs):
        for number, model in fitted.items():
            started = time.perf_counter()
            try:
                with time_limit(window):
                    model_output(model, X, data.task, data.n_classes)
            except TrialTimeout:  # over the limit alone, by twice or more: no need to know by how much
                pass
            measured[number] = (time.perf_counter() - started) / len(val)
    return measured


def _warn_still_over(result: TrialResult, data: SearchData, limit: float, spent: float, n_rows: int) -> None:
    """A :class:`PredictTimeWarning` that the one member left, once refit, predicts in
    ``spent`` seconds per row, over ``limit``; none when its fold models were over it too (the
    search has said no pipeline predicts within the limit)."""
    searched = predict_costs([result], data.splits)[result.number]
    if searched > limit:
        return
    sampled = f" (the search fitted on a sample of {len(data.y):,})" if n_rows > len(data.y) else ""
    family = result.config.family if result.config else "?"
    warnings.warn(
        PredictTimeWarning(
            f"refit on all {n_rows:,} rows{sampled}, trial {result.number} ({family}) predicts in {spent:.3g} s "
            f"per row, over predict_time_limit={limit:.3g} (its fold models took {searched:.3g} s per row "
            "in the search); it is the member kept, the final model"
        ),
        stacklevel=3,  # refit_final, where the old inline warning pointed
    )


def final_weights(weights: dict[int, float], how: dict[int, str]) -> dict[int, float]:
    """The weights of the members the final model has (``how`` not ``"dropped"``), summing to 1:
    what its validation score, threshold and reference outputs are computed with."""
    kept = {n: w for n, w in weights.items() if how.get(n) != "dropped"}
    return normalized_weights(kept) if sum(kept.values()) > 0 else dict(weights)


def _last_refit(
    space: SearchSpace,
    members: list[TrialResult],
    data: SearchData,
    deadline: Deadline,
    context: BuildContext,
    rows: tuple[Any, np.ndarray],
    sample_weight: np.ndarray | None,
) -> tuple[int, Any]:
    """The member likeliest to refit quickly, refit past the deadline within
    :data:`LAST_REFIT_SECONDS` (or :data:`LAST_REFIT_SHARE` of the budget), with a
    :class:`BudgetWarning`; a :class:`BudgetError` naming it when even that does not finish."""
    X, y = rows
    member = min(members, key=lambda r: refit_estimate(r, data.splits, len(y)))
    window = max(LAST_REFIT_SECONDS, LAST_REFIT_SHARE * deadline.seconds)
    config = member.config
    assert config is not None  # an ensemble member is a completed trial
    model = _fit_within(space, config, context, rows, sample_weight, window)
    if model is None:
        raise BudgetError(
            f"no member of the ensemble could be refit on all {len(y):,} rows within the budget, and "
            f"their fold models were not kept; the quickest, trial {member.number} ({config.family}), "
            f"did not finish in {window:.1f} s more: give a larger time_budget"
        )
    warnings.warn(
        f"no member of the ensemble could be refit on all rows within the budget; trial {member.number} "
        f"({config.family}) was refit after it ({max(0.0, -deadline.remaining()):.1f} s past the end) and is the model",
        BudgetWarning,
        stacklevel=2,
    )
    return member.number, model


def _refit_one(
    space: SearchSpace,
    result: TrialResult,
    data: SearchData,
    deadline: Deadline,
    context: BuildContext,
    rows: tuple[Any, np.ndarray],
    sample_weight: np.ndarray | None = None,
):
    X, y = rows
    window = deadline.remaining()
    if window <= 0.05 or (result.models and refit_estimate(result, data.splits, len(y)) > window):
        return None  # would not finish: the trial's fold models serve instead
    return _fit_within(space, result.config, context, rows, sample_weight, window)


def _fit_within(
    space: SearchSpace,
    config: Any,
    context: BuildContext,
    rows: tuple[Any, np.ndarray],
    sample_weight: np.ndarray | None,
    window: float,
):
    """``config``'s pipeline fitted on ``rows`` within ``window`` seconds, or None when it
    did not finish."""
    X, y = rows
    try:
        with time_limit(window), thread_limit(context.n_jobs):
            return fit_pipeline(space.build(config, context), X, y, config, sample_weight)
    except TrialTimeout:
        return None
