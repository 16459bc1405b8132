"""Step 3 of ``fit``: the search, the ensemble of its best trials, and their refit on all rows."""

from __future__ import annotations

import hashlib
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..components import ExecutorContext
from ..data import fingerprint
from ..errors import AutoMLError, BudgetError, BudgetWarning, PluginError
from ..plugin import PluginManager, Registry
from ..search import (
    Deadline,
    Durable,
    PipelineConfig,
    Search,
    TrialPayload,
    TrialResult,
    blend_oof,
    ensemble_weights,
    failed_trial,
    final_weights,
    leaderboard,
    make_reserve,
    refit_final,
    run_trial,
    top_configs,
)
from ..workers import default_workers
from ._prepare import Prepared
from ._settings import FitSettings


@dataclass(frozen=True)
class SearchOutcome:
    """What the search and the refit produced."""

    model: Any
    best_pipeline: Any
    best: TrialResult
    weights: dict[int, float]
    leaderboard: pd.DataFrame
    top_configs: list[dict]
    blend: np.ndarray | None

    @property
    def best_config(self) -> PipelineConfig:
        return self.best.config


class Workers:
    """Where the trials of this fit will run, started as early as can be: the local executor's
    processes at the start of ``fit``, so that they import their libraries while the data is
    prepared; another executor when the payload exists (:meth:`pool`)."""

    def __init__(self, registry: Registry, settings: FitSettings):
        self.settings = settings
        self.executor = registry.get("executor", settings.executor)
        self.owner = registry.owner("executor", settings.executor)
        self.n_workers = settings.n_workers
        self.started: Any = None
        if settings.executor == "local":
            from ..workers import ProcessPool

            self.n_workers = settings.n_workers or default_workers(settings.threads)
            self.started = ProcessPool(self.n_workers, settings.threads, settings.executor_options, settings.max_memory)

    def pool(self, payload: TrialPayload) -> Any:
        """The trial pool, given what every trial needs."""
        context = ExecutorContext(
            n_workers=self.n_workers,
            threads=self.settings.threads,
            payload=payload,
            run=run_trial,
            failed=failed_trial,
            options=self.settings.executor_options,
            max_memory=self.settings.max_memory,
        )
        try:
            self.started = self.started.feed(context) if self.started is not None else self.executor.start(context)
        except AutoMLError:
            raise
        except Exception as exc:
            raise PluginError(
                f"executor {self.executor.name!r} (plugin {self.owner!r}) could not start: {type(exc).__name__}: {exc}"
            ) from exc
        return self.started

    def stop(self) -> None:
        """Let the workers go without waiting for them (the refit needs the cores, not their exit)."""
        stop = getattr(self.started, "stop", None)
        if stop is not None:
            stop()
        elif self.started is not None:
            self.close()

    def close(self) -> None:
        if self.started is not None:
            self.started.close()
            self.started = None


def start_workers(registry: Registry, settings: FitSettings) -> Workers | None:
    """The workers of this fit, or None when its trials run in this process: one at a time
    (``n_workers=1``, or ``AUTOML_N_WORKERS=1``) with the local executor, in the main thread
    (elsewhere a trial could not be interrupted: only a worker process can be ended)."""
    if settings.executor == "local":
        n_workers = settings.n_workers or default_workers(settings.threads)
        in_main = threading.current_thread() is threading.main_thread()
        if n_workers == 1 and in_main and settings.max_memory is None:  # a memory limit needs a process
            return None
    return Workers(registry, settings)


def durable_study(settings: FitSettings, prepared: Prepared, resume: bool) -> Durable | None:
    """Where the search writes each finished trial (``AutoML(storage=...)``), or None."""
    if settings.storage is None:
        if resume:
            raise ValueError("resume=True continues a search kept in a storage: give AutoML(storage=...) too")
        return None
    data = prepared.data
    comparable = {
        "task": data.task,
        "metric": data.metric.name,
        "validation": data.splits.kind,
        "folds": len(data.splits.folds),
        "holdout": settings.holdout,
        "seed": settings.seed,
        "rows": len(data.y),
        "sample_weight": array_fingerprint(data.sample_weight),
        "groups": array_fingerprint(data.groups),
        "time_column": settings.time_column,
    }
    return Durable.from_setting(settings.storage, fingerprint(data.X.assign(__target__=data.y)), comparable, resume)


def array_fingerprint(values: np.ndarray | None) -> str | None:
    """SHA-256 of one value per row (sample weights, group codes), or None when not given."""
    if values is None:
        return None
    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()


def search_and_refit(
    pm: PluginManager,
    prepared: Prepared,
    settings: FitSettings,
    deadline: Deadline,
    workers: Workers | None = None,
    resume: bool = False,
) -> SearchOutcome:
    """Run the search within ``deadline`` (keeping back the refit's share), choose the ensemble
    and refit its members on all rows."""
    prepared_seconds = deadline.elapsed()  # reading the data and preparing the search
    search = run_search(pm, prepared, settings, deadline, workers, resume)
    if search.rescued is not None:
        warn_rescued(search.rescued, settings, prepared_seconds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        warnings.simplefilter("default", category=BudgetWarning)  # the engine's own word on the refit reaches the user
        return choose_and_refit(search, prepared, settings, prepared_seconds)


def run_search(
    pm: PluginManager,
    prepared: Prepared,
    settings: FitSettings,
    deadline: Deadline,
    workers: Workers | None,
    resume: bool,
) -> Search:
    """The search, run: its trials in ``workers`` (or in this process), each finished one told
    to the observer hooks and, with a storage, written; the workers stopped when it ends."""
    data, space = prepared.data, prepared.space
    reserve = make_reserve(
        data.splits, len(prepared.refit[1]), settings.ensemble, data.metric.greater_is_better, deadline.seconds
    )
    durable = durable_study(settings, prepared, resume)
    pool = None if workers is None else workers.pool(TrialPayload(space, data))
    try:
        search = Search(
            space,
            data,
            deadline,
            seed=settings.seed,
            max_trials=settings.max_trials,
            reserve=reserve,
            before_trial=lambda **kw: pm.notify("before_trial", **kw),
            after_trial=lambda **kw: pm.notify("after_trial", **kw),
            warm_start=list(settings.warm_start),
            pool=pool,
            durable=durable,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # models' chatter on tiny folds
            search.run()
    finally:
        if workers is not None:
            workers.stop()  # the refit has the cores to itself; fit waits for the workers at its end
    return search


def warn_rescued(rescued: TrialResult, settings: FitSettings, prepared_seconds: float) -> None:
    """Say that the model is the last-chance trial's, fitted past the budget."""
    warnings.warn(
        BudgetWarning(
            f"no trial finished within time_budget={settings.time_budget:g} s (reading and preparing the data took "
            f"{prepared_seconds:.1f} s of it): the model is trial {rescued.number}, {rescued.config.family} with its "
            f"defaults, fitted and validated on one fold {rescued.fit_seconds:.1f} s past the budget; a larger "
            f"time_budget gives a searched model"
        ),
        stacklevel=4,
    )


def choose_and_refit(
    search: Search, prepared: Prepared, settings: FitSettings, prepared_seconds: float
) -> SearchOutcome:
    """The ensemble chosen from ``search``'s trials, its members refit on all rows within the
    search's deadline (less what an earlier search spent, when it resumed one)."""
    data, results = prepared.data, search.results
    greater = data.metric.greater_is_better
    try:
        weights = ensemble_weights(
            results, search.best, data, settings.ensemble, settings.predict_time_limit, settings.speed_tolerance
        )
    except BudgetError as exc:
        raise BudgetError(
            f"{exc} (reading and preparing the data took {prepared_seconds:.1f} s of the "
            f"{settings.time_budget:g} s budget)"
        ) from None
    model, best_pipeline, how = refit_final(
        results,
        search.best,
        prepared.space,
        data,
        weights,
        search.deadline,
        prepared.refit_context,
        fold_models=settings.predict_time_limit is None,
        rows=prepared.refit,
        sample_weight=prepared.refit_weight,
        predict_time_limit=settings.predict_time_limit,
    )
    weights = final_weights(weights, how)
    return SearchOutcome(
        model=model,
        best_pipeline=best_pipeline,
        best=search.best,
        weights=weights,
        leaderboard=leaderboard(results, weights, how, greater, search_rows=len(data.y)),
        top_configs=top_configs(results, greater),
        blend=blend_oof(results, weights),
    )
