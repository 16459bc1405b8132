"""Which trials make the final model, and with what weights: greedy ensemble selection
(Caruana et al., 2004) on the trials' out-of-fold outputs, then pruning of members the
validation rows cannot tell from noise, and, when asked, a predict-time limit."""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from typing import cast

import numpy as np

from ..components import Evaluator
from ..errors import BudgetError, DataError, FitError, PredictTimeWarning
from ..model import better, score
from ._splits import Splits, make_splits
from ._trial import SearchData, TrialResult, best_first, folds_fitted, trial_errors

LOGGER = logging.getLogger("automl_core")

#: Candidates considered for the ensemble (best validation scores first) and selection rounds.
ENSEMBLE_CANDIDATES = 12
ENSEMBLE_ROUNDS = 30


def select_ensemble(
    candidates: list, y_true: np.ndarray, metric: Evaluator, sample_weight: np.ndarray | None = None
) -> dict[int, float]:
    """Weights (trial number to weight, summing to 1) chosen greedily with replacement.

    ``candidates`` are completed trial results with ``oof`` outputs on the same rows. Each
    round adds the candidate whose addition gives the best score of the averaged outputs
    (weighted by the rows' ``sample_weight`` when given); it stops when no addition improves
    on the best ensemble so far.
    """
    if not candidates:
        return {}
    picks: list[int] = []
    total = np.zeros_like(candidates[0].oof)
    best_score = None
    for _ in range(ENSEMBLE_ROUNDS):
        trial_scores = [
            (score(metric, y_true, (total + c.oof) / (len(picks) + 1), sample_weight=sample_weight), i)
            for i, c in enumerate(candidates)
        ]
        round_score, index = _best(trial_scores, metric)
        if best_score is not None and not better(metric, round_score, best_score):
            break
        best_score = round_score
        picks.append(index)
        total += candidates[index].oof
    counts = Counter(candidates[i].number for i in picks)
    return {number: n / len(picks) for number, n in counts.items()}


def _best(scored: list[tuple[float, int]], metric: Evaluator) -> tuple[float, int]:
    finite = [(s, i) for s, i in scored if np.isfinite(s)]
    key = (lambda t: (-t[0], t[1])) if metric.greater_is_better else (lambda t: (t[0], t[1]))
    return sorted(finite, key=key)[0]


#: An ensemble member whose removal moves the validation score by less than this share of
#: it is dropped: it would cost predict time (k models under k-fold) for nothing measurable.
PRUNE_TOLERANCE = 1e-4

#: A member whose removal costs less than this many standard errors of the score difference
#: across groups of validated rows is dropped too (the one-standard-error rule of Breiman et
#: al., 1984: prefer the simpler model the data cannot tell apart from the best).
PRUNE_STANDARD_ERRORS = 1.0

#: Under holdout validation those groups are this many disjoint parts of the holdout.
HOLDOUT_PARTS = 5

#: The refit reserve covers this many of the best trials (``search/_refit.py``): a single trial
#: may replace the ensemble (:func:`cheapest_within_reach`) only from among them, or when its
#: fold models were kept, so that a refit that does not finish in time has a fallback.
REFIT_MEMBERS = 5

#: The default ``AutoML(speed_tolerance=...)``: the share of the final model's validation gain
#: over a constant prediction that a member, or the whole ensemble, may be given up for when
#: that makes predictions cheaper. 0.002 is what the benchmark harness calls a tie between
#: two systems (0.002 of the normalized score, on the test rows).
SPEED_TOLERANCE = 0.002


def ensemble_weights(
    results: list[TrialResult],
    best: TrialResult | None,
    data: SearchData,
    use_ensemble: bool,
    predict_time_limit: float | None = None,
    speed_tolerance: float = SPEED_TOLERANCE,
) -> dict[int, float]:
    """Trial number to weight: a Caruana ensemble without its negligible members, or a single
    trial that predicts for less and scores within reach of it (:func:`cheapest_within_reach`),
    or the best trial alone; with ``predict_time_limit`` (seconds per row), within that
    predict cost. ``speed_tolerance`` widens "within reach" to that share of the ensemble's
    validation gain over a constant prediction (:func:`speed_allowance`)."""
    if best is None:
        ran = [r for r in results if r.state != "skipped"]
        if ran and all(r.state == "failed" for r in ran):
            raise FitError(f"every trial failed, none for lack of time; {trial_errors(ran)}")
        raise BudgetError(f"no pipeline could be fitted within the time budget; {trial_errors(results)}")
    ranked = best_first(results, data.metric.greater_is_better)
    cost = predict_costs(ranked, data.splits)
    if predict_time_limit is not None:
        within = [r for r in ranked if cost[r.number] <= predict_time_limit]
        if not within:
            cheapest = min(ranked, key=lambda r: cost[r.number])
            warnings.warn(
                PredictTimeWarning(
                    f"no pipeline predicts within predict_time_limit={predict_time_limit:.3g} s per row; keeping "
                    f"the fastest, trial {cheapest.number} ({cheapest.config.family}, {cost[cheapest.number]:.3g} s per row)"
                ),
                stacklevel=1,
            )
            return {cheapest.number: 1.0}
        ranked = within
    ranked = ranked[:ENSEMBLE_CANDIDATES]
    first = ranked[0]  # best (the first of equal scores), unless the limit left it out
    ranked = [r for r in ranked if r.oof is not None]  # a trial fitted on some folds only cannot be blended
    if not use_ensemble or len(ranked) < 2 or first.oof is None:
        return {first.number: 1.0}
    validated = data.splits.validated_rows
    y_val, w_val = data.y[validated], data.weights_of(validated)
    oof = {r.number: r.oof for r in ranked}
    full = select_ensemble(ranked, y_val, data.metric, w_val) or {first.number: 1.0}
    groups = score_groups(data.splits, y_val, data.task, None if data.groups is None else data.groups[validated])
    allowance = speed_allowance(data.metric, y_val, _blend(full, oof), data.task, speed_tolerance, w_val)
    weights = prune_members(full, oof, y_val, data.metric, cost, groups, w_val, allowance)
    covered = [r.number for i, r in enumerate(ranked) if i < REFIT_MEMBERS or r.models]
    weights = cheapest_within_reach(full, weights, oof, y_val, data.metric, cost, groups, w_val, allowance, covered)
    if predict_time_limit is not None:
        weights = fit_to_limit(weights, oof, y_val, data.metric, cost, predict_time_limit, w_val)
    return weights


def predict_costs(results: list[TrialResult], splits: Splits) -> dict[int, float]:
    """Trial number to predict seconds per row: its fold models' time on the validation rows
    they predicted, calls and rows together (so a batch of that size's per-call overhead is
    included); a trial that fitted fewer folds than ``splits`` has (the last-chance trial)
    predicted only those folds' validation rows."""

    def rows(result: TrialResult) -> int:
        return sum(len(val) for _, val in splits.folds[: folds_fitted(result, len(splits.folds))])

    return {r.number: r.predict_seconds / max(rows(r), 1) for r in results}


def fit_to_limit(
    weights: dict[int, float],
    oof: dict[int, np.ndarray],
    y_val: np.ndarray,
    metric,
    cost: dict[int, float],
    limit: float,
    sample_weight: np.ndarray | None = None,
) -> dict[int, float]:
    """Drop members until their summed predict cost is within ``limit``: first any that exceed
    it alone, then each time the one whose removal leaves the best validation score of the
    renormalized blend (the costlier between equal scores). At least one member remains."""
    kept = {n: v for n, v in weights.items() if cost[n] <= limit} or dict(weights)
    while len(kept) > 1 and sum(cost[n] for n in kept) > limit:
        options = [
            (score(metric, y_val, _blend(_without(kept, drop), oof), sample_weight=sample_weight), drop)
            for drop in kept
        ]
        _, drop = max(options, key=lambda t: (t[0] if metric.greater_is_better else -t[0], cost[t[1]]))
        kept.pop(drop)
    return normalized_weights(kept)


def normalized_weights(weights: dict[int, float]) -> dict[int, float]:
    total = sum(weights.values())
    return {n: v / total for n, v in weights.items()}


def _without(weights: dict[int, float], number: int) -> dict[int, float]:
    return {n: v for n, v in weights.items() if n != number}


def _blend(weights: dict[int, float], oof: dict[int, np.ndarray]) -> np.ndarray:
    """The members' out-of-fold outputs averaged with their weights, renormalized."""
    blended = cast(np.ndarray, sum(v * oof[n] for n, v in normalized_weights(weights).items()))
    return np.clip(blended, 0.0, 1.0) if blended.ndim == 2 else blended  # probabilities: a rounding step past 1


def fold_positions(splits: Splits) -> list[np.ndarray]:
    """Each fold's validation rows as positions in ``splits.validated_rows``, the order of
    out-of-fold outputs (one fold, a holdout, under holdout validation)."""
    rows = splits.validated_rows
    return [np.searchsorted(rows, val) for _, val in splits.folds]


def score_groups(splits: Splits, y_val: np.ndarray, task: str, groups: np.ndarray | None = None) -> list[np.ndarray]:
    """Disjoint groups of the validated rows (positions in ``y_val``, the out-of-fold order)
    across which score differences give pruning its standard error: each fold's validation
    rows under k-fold; under holdout validation, :data:`HOLDOUT_PARTS` parts of the holdout,
    split like k-fold folds (stratified for classification, seeded with 0: they measure noise
    and draw nothing a user's seed should vary). The parts share one model per
    trial, so their spread is the holdout's sampling noise alone; they let pruning shrink
    ensembles under holdout validation too (docs/performance.md). With ``groups`` (of the
    validated rows), the parts keep each group whole; none when there are too few groups."""
    if len(splits.folds) > 1:
        return fold_positions(splits)
    if len(y_val) < 2 * HOLDOUT_PARTS:
        return []
    try:
        parts = make_splits(y_val, task, "kfold", HOLDOUT_PARTS, 0.2, 0, groups=groups)
    except DataError:  # fewer groups than parts: no standard error, only the tolerance
        return []
    return [np.sort(val) for _, val in parts.folds]


def prune_members(
    weights: dict[int, float],
    oof: dict[int, np.ndarray],
    y_val: np.ndarray,
    metric,
    cost: dict[int, float] | None = None,
    folds: list[np.ndarray] | None = None,
    sample_weight: np.ndarray | None = None,
    allowance: float = 0.0,
) -> dict[int, float]:
    """Drop members, the costliest to predict first, while the renormalized blend's validation
    score stays within reach of the full ensemble's.

    Within reach is a loss of at most :data:`PRUNE_TOLERANCE` of the score (relative), or at
    most ``allowance`` (in the metric's units: :func:`speed_allowance`), or, given
    two ``folds`` or more (disjoint groups of positions into ``y_val``: the folds, or parts of a
    holdout, as :func:`score_groups` makes them), at most :data:`PRUNE_STANDARD_ERRORS`
    standard errors of the group-wise differences between the two blends' scores: a difference
    the validation rows cannot tell from noise. Each pass drops the member with the highest ``cost`` (its
    predict cost; the lightest weight first without costs, or between equal costs) whose
    removal stays within reach, passing over those that must stay; pruning ends when none can
    go. The loss is always measured against the full ensemble, so it never accumulates.
    The standard-error rule, and group-wise rather than bootstrap standard errors, were chosen
    on replayed benchmark fits (docs/performance.md). Scores are weighted by ``sample_weight``
    (one weight per entry of ``y_val``) when given.
    """
    full_output = _blend(weights, oof)
    full = score(metric, y_val, full_output, sample_weight=sample_weight)
    folds = [f for f in folds or () if len(f)]

    def can_go(number: int) -> bool:
        return _within_reach(
            metric, y_val, full_output, full, _blend(_without(kept, number), oof), folds, sample_weight, allowance
        )

    kept = dict(weights)
    while len(kept) > 1:
        removable = next((n for n in _costliest_first(kept, cost) if can_go(n)), None)
        if removable is None:
            break
        kept = _without(kept, removable)
    return normalized_weights(kept)


def speed_allowance(
    metric: Evaluator,
    y_val: np.ndarray,
    output: np.ndarray,
    task: str,
    tolerance: float,
    sample_weight: np.ndarray | None = None,
) -> float:
    """How much validation score (in the metric's units) a cheaper final model may lose
    against ``output``: ``tolerance`` times the gain of ``output`` over a constant prediction
    (the weighted class shares, or the weighted mean), and 0 when there is no gain (or the
    metric is not defined on a constant). Measured against what a model adds over knowing
    nothing, the same share means the same on AUC, log loss or RMSE, and on easy or hard data."""
    if tolerance <= 0:
        return 0.0
    if task == "regression":
        constant = np.full(len(y_val), np.average(y_val, weights=sample_weight), dtype=float)
    else:
        shares = np.bincount(y_val, weights=sample_weight, minlength=output.shape[1])
        constant = np.tile(shares / shares.sum(), (len(y_val), 1))
    try:
        base = score(metric, y_val, constant, sample_weight=sample_weight)
    except ValueError:
        return 0.0
    reached = score(metric, y_val, output, sample_weight=sample_weight)
    if not (np.isfinite(base) and np.isfinite(reached)) or not better(metric, reached, base):
        return 0.0
    return tolerance * abs(reached - base)


def cheapest_within_reach(
    full: dict[int, float],
    pruned: dict[int, float],
    oof: dict[int, np.ndarray],
    y_val: np.ndarray,
    metric: Evaluator,
    cost: dict[int, float],
    folds: list[np.ndarray] | None = None,
    sample_weight: np.ndarray | None = None,
    allowance: float = 0.0,
    candidates: list[int] | None = None,
) -> dict[int, float]:
    """``pruned``, or the single candidate (of ``candidates``, every key of ``oof`` when None)
    that predicts for less than all its members together and whose validation score is within
    reach of the ``full`` ensemble's, as :func:`prune_members` judges it; the cheapest such.
    No swap without an ``allowance`` (``speed_tolerance=0``: the choice of earlier versions). Pruning only removes
    members; this also lets a model the ensemble passed over, as good to within the same
    reach and several times cheaper (a boosted model of fewer trees beside one of many at a
    lower learning rate), take its place."""
    if allowance <= 0:
        return pruned
    full_output = _blend(full, oof)
    reference = score(metric, y_val, full_output, sample_weight=sample_weight)
    folds = [f for f in folds or () if len(f)]
    spent = sum(cost[n] for n in pruned)
    cheaper = sorted((n for n in (oof if candidates is None else candidates) if cost[n] < spent), key=lambda n: cost[n])
    for number in cheaper:
        if _within_reach(metric, y_val, full_output, reference, oof[number], folds, sample_weight, allowance):
            LOGGER.info(
                "trial %d alone predicts %.1f times cheaper than trial(s) %s together and scores within reach of "
                "the ensemble (%s %.6g against %.6g): it is the final model",
                number,
                spent / max(cost[number], 1e-12),
                ", ".join(str(n) for n in sorted(pruned)),
                metric.name,
                score(metric, y_val, oof[number], sample_weight=sample_weight),
                reference,
            )
            return {number: 1.0}
    return pruned


def _costliest_first(weights: dict[int, float], cost: dict[int, float] | None) -> list[int]:
    """Members by predict cost, highest first; the lightest weight first between equal costs."""
    return sorted(weights, key=lambda n: (-(cost or {}).get(n, 0.0), weights[n], n))


def _within_reach(
    metric,
    y_val: np.ndarray,
    full_output: np.ndarray,
    full: float,
    output: np.ndarray,
    folds: list[np.ndarray],
    sample_weight: np.ndarray | None = None,
    allowance: float = 0.0,
) -> bool:
    """Whether ``output`` scores as well as the full blend's ``full_output`` (score ``full``),
    within :data:`PRUNE_TOLERANCE` (relative), ``allowance`` (absolute) or
    :data:`PRUNE_STANDARD_ERRORS` standard errors across ``folds``."""
    candidate = score(metric, y_val, output, sample_weight=sample_weight)
    if better(metric, candidate, full) or abs(candidate - full) <= max(
        PRUNE_TOLERANCE * max(abs(full), 1e-12), allowance
    ):
        return True
    standard_error = _fold_standard_error(metric, y_val, full_output, output, folds, sample_weight)
    return standard_error is not None and abs(candidate - full) <= PRUNE_STANDARD_ERRORS * standard_error


def _fold_standard_error(
    metric,
    y_val: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    folds: list[np.ndarray],
    sample_weight: np.ndarray | None = None,
) -> float | None:
    """The standard error of the group-wise differences between two outputs' scores (``folds``:
    the folds or holdout parts); None with fewer than two, or when the metric is not defined
    on one (a class it lacks)."""
    if len(folds) < 2:
        return None
    weights = (lambda f: None) if sample_weight is None else (lambda f: sample_weight[f])
    try:
        diffs = np.array(
            [
                score(metric, y_val[f], first[f], sample_weight=weights(f))
                - score(metric, y_val[f], second[f], sample_weight=weights(f))
                for f in folds
            ]
        )
    except ValueError:
        return None
    if not np.all(np.isfinite(diffs)):
        return None
    return float(diffs.std(ddof=1) / np.sqrt(len(diffs)))
