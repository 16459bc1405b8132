"""The search: optuna over family x preprocessing x hyperparameters, under a hard budget.

The one module that imports optuna. A portfolio of each family's defaults runs first,
cheapest family first; then TPE proposes (with several trials in flight, TPE's constant
liar keeps it from proposing them again). The loop uses optuna's ask/tell interface so that
the engine, not optuna, owns time: a trial starts only if its estimated cost fits in what is
left, stops itself when it runs over (:func:`automl_core.search.time_limit`), and is ended
by the engine when it cannot. Trials run in a trial pool (in this process, in worker
processes, on a cluster: an executor's); their records come back in the order they finish,
and the observer hooks run here, in that order. With k-fold validation each fold is an
optuna step, and a trial prunes itself when it trails (:class:`PruneRule`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import optuna

from ..components import ExecutorContext
from ..model import better
from ._budget import Deadline, can_interrupt
from ._pools import InProcessPool
from ._pruning import PruneRule
from ._space import SearchSpace
from ._storage import Durable, finished_trials, open_study, save_spent, save_trial
from ._trial import (
    SearchData,
    TrialPayload,
    TrialResult,
    TrialSpec,
    best_first,
    failed_trial,
    run_trial,
    short_error,
    trial_cost,
)

#: Stop proposing after this many proposals in a row that could not fit in the time left.
MAX_CONSECUTIVE_SKIPS = 25
#: Fitted fold models are kept for this many of the best trials.
KEEP_MODELS = 3
#: Once a model exists, no trial may run longer than this share of the whole budget.
MAX_TRIAL_SHARE = 0.4
#: A family not measured yet is started only with this much time (or share of the budget) left.
MIN_FRESH_TRIAL_SECONDS = 1.0
MIN_FRESH_TRIAL_SHARE = 0.05
#: Do not start a trial with less than this many seconds left.
MIN_TRIAL_SECONDS = 0.05
#: A trial that has not stopped itself this long after its window (plus a share of it) is ended.
OVERDUE_GRACE_SECONDS = 1.0
OVERDUE_GRACE_SHARE = 0.1
#: The longest the engine waits for a trial before looking at the running ones' limits again.
WAIT_SECONDS = 0.25
#: When the budget is spent and no trial finished in time, one last trial of the cheapest
#: family's defaults gets this long (seconds, or share of the budget, whichever is more; plus
#: its grace): a fit ends with a model within about 1.05 times the budget plus a second.
RESCUE_SECONDS = 1.0
RESCUE_SHARE = 0.05


class CostModel:
    """Estimates a trial's seconds before it runs, from what trials of its family took.

    A family not yet measured has no estimate: it runs under the per-trial cap, since its
    cost relative to others varies too much with the data to predict it from them.
    """

    def __init__(self):
        self.seen: dict[str, list[float]] = {}

    def observe(self, family: str, seconds: float) -> None:
        self.seen.setdefault(family, []).append(seconds)

    def estimate(self, family: str) -> float | None:
        return float(np.median(self.seen[family])) if family in self.seen else None


class Search:
    """Runs trials until the budget (minus what the final refit needs) is spent, as many at
    once as ``pool`` takes, observer hooks in the order trials finish."""

    def __init__(
        self,
        space: SearchSpace,
        data: SearchData,
        deadline: Deadline,
        *,
        seed: int = 0,
        max_trials: int | None = None,
        reserve: Callable[[list], float] = lambda results: 0.0,
        before_trial=None,
        after_trial=None,
        warm_start: list | None = None,
        pool: Any = None,
        durable: Durable | None = None,
    ):
        self.space, self.data, self.deadline = space, data, deadline
        self.max_trials, self.reserve = max_trials, reserve
        self.before_trial = before_trial or (lambda **kw: None)
        self.after_trial = after_trial or (lambda **kw: None)
        self.pool = pool
        self.costs = CostModel()
        self.results: list[TrialResult] = []
        self.best: TrialResult | None = None
        self.running: dict[int, tuple[Any, TrialSpec, float]] = {}  # number: optuna trial, spec, start
        self.durable, self.spent_before = durable, 0.0
        self.rescued: TrialResult | None = None  # the last-chance trial that gave the model, if one did
        direction: Literal["maximize", "minimize"] = "maximize" if data.metric.greater_is_better else "minimize"
        sampler = _sampler(seed, parallel=pool is not None and pool.capacity > 1)
        if durable is None:  # trials prune themselves (PruneRule, where they run): no optuna pruner
            self.study = optuna.create_study(direction=direction, sampler=sampler, pruner=optuna.pruners.NopPruner())
        else:
            self.study, self.spent_before = open_study(durable, direction, sampler)
            # what an earlier search spent is spent: the budget is what was asked for, less that
            self.deadline = Deadline(deadline.seconds - self.spent_before, start=deadline.start)
            for result in finished_trials(self.study, durable):
                self._record(result)
        warm = [space.fixed_params(config) for config in warm_start or []]
        for params in [p for p in warm if p is not None] + space.portfolio():
            self.study.enqueue_trial(params, skip_if_exists=True)

    # ---------------------------------------------------------------- loop
    def run(self) -> list[TrialResult]:
        """Propose and run trials until the budget, ``max_trials`` or the proposals run out."""
        pool = self.pool or InProcessPool(_in_process_context(self.space, self.data))
        skips = 0
        while True:
            while pool.ready() > 0 and not self._finished(skips):
                skips = self._propose(pool, skips)
            if not self.running and self._finished(skips):
                if self._needs_rescue():
                    self._rescue(pool)
                return self.results
            self._collect(pool, timeout=self._wait_seconds())
            self._stop_overdue(pool)

    def _needs_rescue(self) -> bool:
        """No model, and time (not errors, not ``max_trials``) is why: trials timed out or were
        skipped for lack of time, or none could start."""
        if self.best is not None or (self.max_trials is not None and len(self.results) >= self.max_trials):
            return False
        return not self.results or any(r.state in ("timeout", "skipped") for r in self.results)

    def _rescue(self, pool: Any) -> None:
        """One last trial, past the search's deadline: the cheapest family's first defaults,
        on the first fold only, with :data:`RESCUE_SECONDS` (a model late beats no model).
        Its fold model stands in for a refit there is no time for."""
        window = max(RESCUE_SECONDS, RESCUE_SHARE * self.deadline.seconds)
        defaults = self._rescue_defaults(window)
        if not defaults:
            return
        trial = self._ask_enqueued(defaults[0])
        config = self.space.sample(trial)
        spec = TrialSpec(trial.number, config, window, PruneRule(self.data.metric.greater_is_better, ()), max_folds=1)
        self.before_trial(number=trial.number, config=config.to_dict())
        started = time.monotonic()
        pool = self._rescue_pool(pool)
        if pool is None:
            self._tell(
                trial,
                TrialResult(trial.number, config, "skipped", error="no worker was ready for the last-chance trial"),
            )
            return
        pool.submit(spec)
        self.running[trial.number] = (trial, spec, started)
        end = started + window + overdue_grace(window)
        while self.running and time.monotonic() < end:
            self._collect(pool, timeout=max(0.0, min(WAIT_SECONDS, end - time.monotonic())))
        if self.running:
            self._end(pool, trial.number, f"the last-chance trial ran over its {window:.2f} s limit")
        if self.best is not None and self.best.number == trial.number:
            self.rescued = self.best

    def _ask_enqueued(self, params: dict) -> Any:
        """A new trial with ``params``: the portfolio's configurations still queued before it
        are passed over (told pruned, as a proposal too costly for the time left is), since
        optuna hands out queued trials in order."""
        waiting = (optuna.trial.TrialState.WAITING,)
        self.study.enqueue_trial(params)
        number = max(t.number for t in self.study.get_trials(deepcopy=False, states=waiting))
        while True:
            trial = self.study.ask()
            if trial.number == number:
                return trial
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)

    def _rescue_defaults(self, window: float) -> list[dict]:
        """Each family's first defaults, the likeliest to fit one fold within ``window`` first:
        families whose trials fitted a fold within it, by their measured seconds per fold;
        then the others in the portfolio's order (their declared cost), last those whose
        trials measured a fold slower than ``window``. A trial that timed out before its first
        fold says little: a new worker's first trial also pays its imports."""
        first: dict[str, dict] = {}
        for params in self.space.default_portfolio():
            first.setdefault(params["family"], params)
        per_fold: dict[str, float] = {}
        failed: set[str] = set()
        for r in self.results:
            if r.config is not None and r.folds_fitted > 0 and r.fit_seconds > 0:
                seconds = r.fit_seconds / r.folds_fitted
                per_fold[r.config.family] = min(seconds, per_fold.get(r.config.family, math.inf))
            elif r.config is not None and r.state == "failed":
                failed.add(r.config.family)
        order = list(first)

        def rank(family: str) -> tuple:
            seconds = per_fold.get(family)
            if seconds is None:  # untried before failed-only: a family that raised will likely raise again
                return (3, order.index(family)) if family in failed else (1, order.index(family))
            return (0, seconds) if seconds <= window else (2, seconds)

        return [first[f] for f in sorted(first, key=rank)]

    def _rescue_pool(self, pool: Any) -> Any:
        """Where the last-chance trial runs: this process when a trial here can be interrupted
        on time and no ``max_memory`` is set (its imports are warm; the workers, which would still be starting the
        replacements of those that ran the timed-out trials, are stopped first when the pool
        can stop them, so that the trial has the cores); else ``pool`` once a worker is ready, waiting at most
        :data:`RESCUE_SECONDS`; None if none is."""
        if isinstance(pool, InProcessPool):
            return pool
        if can_interrupt() and getattr(pool, "max_memory", None) is None:  # a memory limit needs a process
            stop = getattr(pool, "stop", None)  # the local pool's: its workers end at once (fit stops them next anyway)
            if stop is not None:
                stop()
            return InProcessPool(_in_process_context(self.space, self.data))
        end = time.monotonic() + RESCUE_SECONDS
        while pool.ready() == 0 and time.monotonic() < end:
            pool.wait(timeout=min(WAIT_SECONDS, max(0.0, end - time.monotonic())))
        return pool if pool.ready() > 0 else None

    def _collect(self, pool: Any, timeout: float) -> None:
        for result in pool.wait(timeout=timeout):
            trial, _, _ = self.running.pop(result.number)
            self._tell(trial, result)

    def _propose(self, pool: Any, skips: int) -> int:
        """Ask optuna for the next configuration and start it, or skip it when its estimated
        cost does not fit in the time left; returns the count of skips in a row."""
        trial = self.study.ask()
        try:
            config = self.space.sample(trial)
        except Exception as exc:  # a plugin's search space is broken: fail that trial only
            self._tell(trial, TrialResult(trial.number, None, "failed", error=short_error(exc)))
            return skips
        window = self._trial_window()
        estimate = self.costs.estimate(config.family)
        if estimate is None:
            estimate = min(MIN_FRESH_TRIAL_SECONDS, MIN_FRESH_TRIAL_SHARE * self.deadline.seconds)
        if estimate > window:
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            return skips + 1
        spec = TrialSpec(trial.number, config, window, self._prune_rule(), models_above=self._models_above())
        self.before_trial(number=trial.number, config=config.to_dict())
        pool.submit(spec)
        self.running[trial.number] = (trial, spec, time.monotonic())
        return 0

    def _models_above(self) -> float | None:
        """The score a trial must beat for its fold models to be kept (the :data:`KEEP_MODELS`-th
        best so far); None while fewer trials have completed."""
        ranked = best_first(self.results, self.data.metric.greater_is_better)
        return ranked[KEEP_MODELS - 1].score if len(ranked) >= KEEP_MODELS else None

    def _prune_rule(self) -> PruneRule:
        """The completed trials' running fold means: what a trial prunes itself against."""
        completed = self.study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        return PruneRule(self.data.metric.greater_is_better, tuple(dict(t.intermediate_values) for t in completed))

    def _trial_window(self) -> float:
        """Seconds the next trial may run: what is left, capped at :data:`MAX_TRIAL_SHARE` of
        the budget so that one slow trial cannot starve the rest; uncapped only when no model
        exists yet and a trial has already timed out (a model late beats no model)."""
        window = self.deadline.remaining() - self.reserve(self.results)
        timed_out = any(r.state == "timeout" for r in self.results)
        if self.best is not None or not timed_out:
            window = min(window, MAX_TRIAL_SHARE * self.deadline.seconds)
        return window

    def _finished(self, skips: int) -> bool:
        if self.max_trials is not None and len(self.results) + len(self.running) >= self.max_trials:
            return True
        if skips >= MAX_CONSECUTIVE_SKIPS:
            return True
        return self.deadline.remaining() - self.reserve(self.results) < MIN_TRIAL_SECONDS

    def _wait_seconds(self) -> float:
        """How long to wait for a trial to finish before checking the running ones' limits."""
        ends = [self._overdue_at(spec, started) for _, spec, started in self.running.values()]
        return max(0.0, min(min(ends, default=math.inf) - time.monotonic(), WAIT_SECONDS))

    def _overdue_at(self, spec: TrialSpec, started: float) -> float:
        """When a trial that has not stopped itself is ended: past its window and a grace, but
        never past the search's deadline (the grace must not eat the refit's time)."""
        return min(started + spec.window + overdue_grace(spec.window), self.deadline.end)

    def _stop_overdue(self, pool: Any) -> None:
        """End the trials that ran past their limit and did not stop themselves (a worker
        busy in a library's C code, or in a thread that cannot be interrupted)."""
        now = time.monotonic()
        for number, (_, spec, started) in list(self.running.items()):
            if now > self._overdue_at(spec, started):
                self._end(pool, number, f"ran over its {spec.window:.2f} s limit; its worker was stopped")

    def _end(self, pool: Any, number: int, error: str) -> None:
        """Cancel running trial ``number`` in ``pool`` and record it as a timeout."""
        trial, spec, started = self.running.pop(number)
        pool.cancel(number)
        self._tell(
            trial, TrialResult(number, spec.config, "timeout", fit_seconds=time.monotonic() - started, error=error)
        )

    def _tell(self, trial, result: TrialResult) -> None:
        result.elapsed = self.spent_before + self.deadline.elapsed()
        for step, value in enumerate(result.intermediate):
            trial.report(value, step)  # what the next trials prune against, and TPE weighs
        if self.durable is not None:
            save_trial(self.study, self.durable, trial, result)
        if result.state == "complete":
            self.study.tell(trial, result.score)
        elif result.state == "pruned":
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        if self.durable is not None:
            save_spent(self.study, result.elapsed)
        self._record(result)
        self.after_trial(
            number=result.number, record=result.record(), best_score=None if self.best is None else self.best.score
        )

    def _record(self, result: TrialResult) -> None:
        """Count a finished trial: its cost, whether it is the best, its fold models kept or not."""
        cost = trial_cost(result, len(self.data.splits.folds))
        if cost is not None:
            self.costs.observe(result.config.family, cost)
        if result.state == "complete" and (
            self.best is None or better(self.data.metric, result.score, self.best.score)
        ):
            self.best = result
        self.results.append(result)
        self._keep_models_of_leaders()

    def _keep_models_of_leaders(self) -> None:
        """Keep the fitted fold models of the :data:`KEEP_MODELS` best trials only (memory);
        they stand in for a member whose refit on all rows does not fit in the time left."""
        for result in best_first(self.results, self.data.metric.greater_is_better)[KEEP_MODELS:]:
            result.models = None


def overdue_grace(window: float) -> float:
    """How long past its window a trial may take to stop itself before its worker is ended."""
    return OVERDUE_GRACE_SECONDS + OVERDUE_GRACE_SHARE * window


def _in_process_context(space: SearchSpace, data: SearchData) -> ExecutorContext:
    return ExecutorContext(
        n_workers=1, threads=space.context.n_jobs, payload=TrialPayload(space, data), run=run_trial, failed=failed_trial
    )


def _sampler(seed: int, parallel: bool = False) -> optuna.samplers.BaseSampler:
    import warnings

    with warnings.catch_warnings():
        # multivariate and group are marked experimental in optuna, and are what makes TPE
        # model the conditional space (family -> its own parameters) jointly; with trials in
        # flight, constant_liar counts them as bad so that TPE does not propose them again
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(
            seed=seed, multivariate=True, group=True, n_startup_trials=8, constant_liar=parallel
        )
