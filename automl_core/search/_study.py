"""The search: optuna over family x preprocessing x hyperparameters, under a hard budget.

The one module that imports optuna. A portfolio of each family's defaults runs first,
cheapest family first; then TPE proposes. The loop uses optuna's ask/tell interface so that
the engine, not optuna, owns time: a trial starts only if its estimated cost fits in what is
left, and :func:`automl_core.search.time_limit` stops one that runs over. With k-fold
validation each fold is an optuna step, and a median pruner stops trials that trail.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
import optuna
from sklearn.base import clone

from ..errors import TrialTimeout
from ..model import better, model_output, score
from ._budget import Deadline, thread_limit, time_limit
from ._space import PipelineConfig, SearchSpace, fit_pipeline
from ._trial import SearchData, TrialResult, assemble_oof, best_first, short_error, trial_cost

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
    """Runs trials until the budget (minus what the final refit needs) is spent."""

    def __init__(self, space: SearchSpace, data: SearchData, deadline: Deadline, *, seed: int = 0,
                 max_trials: int | None = None, reserve: Callable[[list], float] = lambda results: 0.0,
                 before_trial=None, after_trial=None, warm_start: list | None = None):
        self.space, self.data, self.deadline = space, data, deadline
        self.max_trials, self.reserve = max_trials, reserve
        self.before_trial = before_trial or (lambda **kw: None)
        self.after_trial = after_trial or (lambda **kw: None)
        self.costs = CostModel()
        self.results: list[TrialResult] = []
        self.best: TrialResult | None = None
        self.study = optuna.create_study(
            direction="maximize" if data.metric.greater_is_better else "minimize",
            sampler=_sampler(seed),
            pruner=optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=0),
        )
        warm = [space.fixed_params(config) for config in warm_start or []]
        for params in [p for p in warm if p is not None] + space.portfolio():
            self.study.enqueue_trial(params, skip_if_exists=True)

    # ---------------------------------------------------------------- loop
    def run(self) -> list[TrialResult]:
        skips = 0
        while not self._finished(skips):
            trial = self.study.ask()
            try:
                config = self.space.sample(trial)
            except Exception as exc:  # a plugin's search space is broken: fail that trial only
                self._tell(trial, TrialResult(trial.number, None, "failed", error=short_error(exc)))
                continue
            window = self._trial_window()
            estimate = self.costs.estimate(config.family)
            if estimate is None:
                estimate = min(MIN_FRESH_TRIAL_SECONDS, MIN_FRESH_TRIAL_SHARE * self.deadline.seconds)
            if estimate > window:
                skips += 1
                self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                continue
            skips = 0
            self._tell(trial, self._run_trial(trial, config, window))
        return self.results

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
        if self.max_trials is not None and len(self.results) >= self.max_trials:
            return True
        if skips >= MAX_CONSECUTIVE_SKIPS:
            return True
        return self.deadline.remaining() - self.reserve(self.results) < MIN_TRIAL_SECONDS

    def _tell(self, trial, result: TrialResult) -> None:
        result.elapsed = self.deadline.elapsed()
        cost = trial_cost(result, len(self.data.splits.folds))
        if cost is not None:
            self.costs.observe(result.config.family, cost)
        if result.state == "complete":
            self.study.tell(trial, result.score)
            if self.best is None or better(self.data.metric, result.score, self.best.score):
                self.best = result
        elif result.state == "pruned":
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        self.results.append(result)
        self._keep_models_of_leaders()
        self.after_trial(number=result.number, record=result.record(),
                         best_score=None if self.best is None else self.best.score)

    def _keep_models_of_leaders(self) -> None:
        """Keep the fitted fold models of the :data:`KEEP_MODELS` best trials only (memory);
        they stand in for a member whose refit on all rows does not fit in the time left."""
        for result in best_first(self.results, self.data.metric.greater_is_better)[KEEP_MODELS:]:
            result.models = None

    # ---------------------------------------------------------------- one trial
    def _run_trial(self, trial, config: PipelineConfig, window: float) -> TrialResult:
        self.before_trial(number=trial.number, config=config.to_dict())
        started = time.monotonic()
        result = TrialResult(trial.number, config, "complete")
        try:
            with time_limit(window), thread_limit(self.space.context.n_jobs):
                self._fit_folds(trial, config, result)
        except TrialTimeout as exc:
            result.state, result.error = "timeout", str(exc)
        except optuna.TrialPruned:
            result.state = "pruned"
        except Exception as exc:  # principle 6: a plugin that raises fails its trial, not the search
            result.state, result.error = "failed", short_error(exc)
        result.fit_seconds = time.monotonic() - started
        if result.state != "complete":
            result.oof, result.models = None, None
        return result

    def _fit_folds(self, trial, config: PipelineConfig, result: TrialResult) -> None:
        data = self.data
        template = self.space.build(config)
        outputs, models, fold_scores = [], [], []
        for step, (train, val) in enumerate(data.splits.folds):
            model = fit_pipeline(clone(template), data.X.iloc[train], data.y[train], config)
            started = time.monotonic()
            out = model_output(model, data.X.iloc[val], data.task, data.n_classes)
            result.predict_seconds += time.monotonic() - started
            outputs.append(out)
            models.append(model)
            result.folds_fitted = step + 1
            fold_scores.append(score(data.metric, data.y[val], out))
            if len(data.splits.folds) > 1:
                trial.report(float(np.mean(fold_scores)), step)
                if step < len(data.splits.folds) - 1 and trial.should_prune():
                    raise optuna.TrialPruned()
        result.oof = assemble_oof(outputs, data.splits)
        result.score = score(data.metric, data.y[data.splits.validated_rows], result.oof)
        if not np.isfinite(result.score):
            raise ValueError(f"metric {data.metric.name} is not finite ({result.score})")
        result.models = models


def _sampler(seed: int) -> optuna.samplers.BaseSampler:
    import warnings

    with warnings.catch_warnings():
        # multivariate and group are marked experimental in optuna, and are what makes TPE
        # model the conditional space (family -> its own parameters) jointly
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True, n_startup_trials=8)
