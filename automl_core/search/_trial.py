"""One trial: what it is asked to do (:class:`TrialSpec`), what every trial fits on
(:class:`SearchData`, shipped once to each worker with the search space as a
:class:`TrialPayload`), how it runs (:func:`run_trial`, wherever an executor puts it) and the
record of what it did (:class:`TrialResult`), which the leaderboard, the observer hooks and the
durable study all read."""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..components import Evaluator
from ..errors import TrialTimeout
from ._budget import thread_limit, time_limit
from ._pruning import PruneRule, TrialPruned
from ._space import PipelineConfig, SearchSpace, fit_pipeline
from ._splits import Splits

#: The most a trial's fold models may take, pickled, for them to be kept: past it they are let
#: go as the folds are fitted (a worker never holds five forests of 70 MB, nor pickles them);
#: such a trial, when chosen, is refit like every member, with no fold models to fall back on. Measured on wine quality (3,134 rows, 7
#: classes), one 200-tree extra-trees fold model pickles to 69 MB.
MAX_MODELS_BYTES = 64 * 2**20


@dataclass
class TrialResult:
    """What one trial did: the trial record.

    ``fold_scores`` are the metric on each fitted fold and ``intermediate`` the running mean
    after each (what pruning compares); ``oof`` holds validation outputs for
    ``Splits.validated_rows``; ``fit_seconds`` is the trial's own time (its cost) and
    ``predict_seconds`` the time its fold models took to predict the validation rows (its
    predict cost); ``worker`` names where it ran; ``elapsed`` is when it finished, in seconds
    since the fit started. ``models`` are the fitted fold models when kept.
    """

    number: int
    config: PipelineConfig | None
    state: str  # complete, pruned, failed, timeout, skipped
    score: float | None = None
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    elapsed: float = 0.0
    error: str | None = None
    folds_fitted: int = 0
    fold_scores: list[float] = field(default_factory=list)
    intermediate: list[float] = field(default_factory=list)
    worker: str = ""
    oof: np.ndarray | None = field(default=None, repr=False)
    models: list | None = field(default=None, repr=False)

    def record(self) -> dict:
        """The trial as the leaderboard and the observer hooks see it (JSON-ready)."""
        config = self.config
        return {
            "trial": self.number,
            "state": self.state,
            "family": config.family if config else None,
            "preprocessing": config.describe() if config else None,
            "params": config.params.get(config.family, {}) if config else None,
            "score": self.score,
            "fit_seconds": round(self.fit_seconds, 4),
            "predict_seconds": round(self.predict_seconds, 4),
            "elapsed": round(self.elapsed, 3),
            "error": self.error,
            "fold_scores": [float(s) for s in self.fold_scores],
            "worker": self.worker,
        }


@dataclass
class SearchData:
    """What every trial fits on; ``sample_weight`` (one weight per row) weights the models'
    fits and the scores, ``groups`` (one code per row) are the groups the splits kept apart."""

    X: Any
    y: np.ndarray
    task: str
    n_classes: int
    splits: Splits
    metric: Evaluator
    sample_weight: np.ndarray | None = None
    groups: np.ndarray | None = None

    def weights_of(self, rows: np.ndarray) -> np.ndarray | None:
        """The sample weights of ``rows``, or None when the rows are not weighted."""
        return None if self.sample_weight is None else self.sample_weight[rows]


@dataclass(frozen=True)
class TrialPayload:
    """What a worker receives once, before its first trial: the search space (the registered
    components, the column plan, the build context) and the data."""

    space: SearchSpace
    data: SearchData


@dataclass(frozen=True)
class TrialSpec:
    """What one trial is asked to do: fit ``config`` on every fold within ``window`` seconds,
    stopping early when ``prune`` says it trails; ``keep_models`` asks for the fitted fold
    models back, and ``models_above`` only when the trial's score beats it (the score the
    trial must beat to be among the few whose models the driver keeps, when it was
    submitted: models that would be discarded are never pickled and sent); ``models_max_bytes``
    bounds the fold models kept, pickled (:data:`MAX_MODELS_BYTES`; None: no bound)."""

    number: int
    config: PipelineConfig
    window: float
    prune: PruneRule | None = None
    keep_models: bool = True
    models_above: float | None = None
    models_max_bytes: int | None = MAX_MODELS_BYTES
    #: Fit only the first this many folds (the last-chance trial: one fold, the cheapest
    #: validated model); its score is over those folds' rows, and it has no out-of-fold
    #: outputs for the ensemble. None: every fold.
    max_folds: int | None = None


def run_trial(payload: TrialPayload, spec: TrialSpec) -> TrialResult:
    """Run one trial where it is called (the driver, a worker process, a cluster node): a
    plugin that raises fails this trial, named, never the search; a trial past its window
    stops with state ``timeout`` where the thread can be interrupted."""
    started = time.monotonic()
    result = TrialResult(spec.number, spec.config, "complete", worker=worker_name())
    try:
        with time_limit(spec.window), thread_limit(payload.space.context.n_jobs):
            _fit_folds(payload, spec, result)
    except TrialTimeout as exc:
        result.state, result.error = "timeout", str(exc)
    except TrialPruned:
        result.state = "pruned"
    except Exception as exc:  # principle 6: a plugin that raises fails its trial, not the search
        result.state, result.error = "failed", short_error(exc)
    result.fit_seconds = time.monotonic() - started
    if result.state != "complete":
        result.oof, result.models = None, None
    elif _not_kept(payload, spec, result):  # without keep_models, _fit_folds kept none
        result.models = None
    return result


def _not_kept(payload: TrialPayload, spec: TrialSpec, result: TrialResult) -> bool:
    """Whether the trial's score does not beat ``spec.models_above``."""
    from ..model import better

    return (
        spec.models_above is not None
        and result.score is not None
        and not better(payload.data.metric, result.score, spec.models_above)
    )


def _fit_folds(payload: TrialPayload, spec: TrialSpec, result: TrialResult) -> None:
    from sklearn.base import clone

    from ..model import model_output, score

    data, config = payload.data, spec.config
    template = payload.space.build(config)
    outputs: list[np.ndarray] = []
    models: list | None = [] if spec.keep_models else None
    models_bytes = 0
    folds = data.splits.folds if spec.max_folds is None else data.splits.folds[: max(1, spec.max_folds)]
    for step, (train, val) in enumerate(folds):
        model = fit_pipeline(clone(template), data.X.iloc[train], data.y[train], config, data.weights_of(train))
        started = time.monotonic()
        out = model_output(model, data.X.iloc[val], data.task, data.n_classes)
        result.predict_seconds += time.monotonic() - started
        outputs.append(out)
        if models is not None and spec.models_max_bytes is not None:
            size = pickled_size(model, spec.models_max_bytes - models_bytes)
            if size is None:
                models = None  # past the bound: this fold's model and those before it go now
            else:
                models_bytes += size
        if models is not None:
            models.append(model)
        del model
        result.folds_fitted = step + 1
        result.fold_scores.append(score(data.metric, data.y[val], out, sample_weight=data.weights_of(val)))
        if len(data.splits.folds) > 1:
            result.intermediate.append(float(np.mean(result.fold_scores)))
            last = step == len(data.splits.folds) - 1
            if not last and spec.prune is not None and spec.prune.should_prune(step, result.intermediate):
                raise TrialPruned()
    if len(folds) < len(data.splits.folds):  # some folds only: scored on their rows, no out-of-fold outputs
        validated = np.concatenate([val for _, val in folds])
        result.score = score(
            data.metric, data.y[validated], np.concatenate(outputs), sample_weight=data.weights_of(validated)
        )
    else:
        result.oof = assemble_oof(outputs, data.splits)
        validated = data.splits.validated_rows
        result.score = score(data.metric, data.y[validated], result.oof, sample_weight=data.weights_of(validated))
    if not np.isfinite(result.score):
        raise ValueError(f"metric {data.metric.name} is not finite ({result.score})")
    result.models = models


class _OverLimit(Exception):
    pass


class _ByteCounter:
    """A write-only sink that counts what is written and stops past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def write(self, data: Any) -> int:
        self.count += memoryview(data).nbytes
        if self.count > self.limit:
            raise _OverLimit
        return 0


def pickled_size(obj: Any, limit: int) -> int | None:
    """How many bytes ``obj`` pickles to, or None when more than ``limit``: counted as the
    pickler writes, never held (a 69 MB forest is counted in milliseconds), and stopped as
    soon as the count passes ``limit``."""
    import pickle

    sink = _ByteCounter(limit)
    try:
        pickle.Pickler(sink, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    except _OverLimit:
        return None
    return sink.count


def worker_name() -> str:
    """Where this code runs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def folds_fitted(result: TrialResult, n_folds: int) -> int:
    """The folds ``result``'s time and predictions cover: the folds it fitted when fewer than
    ``n_folds`` (a pruned trial; the last-chance trial, complete on one fold), else all."""
    return result.folds_fitted if 0 < result.folds_fitted < n_folds else n_folds


def trial_cost(result: TrialResult, n_folds: int) -> float | None:
    """Seconds a trial of this configuration takes in full, for
    :class:`~automl_core.search._study.CostModel`: what a timed-out trial took; otherwise its
    time per fitted fold (:func:`folds_fitted`) times the folds (left unobserved, every next
    trial of a slow family would start as if its cost were unknown); None for a failure or a
    pruned trial that fitted nothing."""
    if result.config is None or result.state not in ("complete", "timeout", "pruned"):
        return None
    if result.state == "timeout":
        return result.fit_seconds
    if result.state == "pruned" and not result.folds_fitted:
        return None
    return result.fit_seconds * n_folds / folds_fitted(result, n_folds)


def best_first(results: list[TrialResult], greater_is_better: bool) -> list[TrialResult]:
    """The completed trials, best validation score first."""
    return sorted((r for r in results if r.state == "complete"), key=lambda r: r.score, reverse=greater_is_better)


def assemble_oof(outputs: list[np.ndarray], splits: Splits) -> np.ndarray:
    """Validation outputs ordered as ``splits.validated_rows``."""
    order = np.concatenate([val for _, val in splits.folds])
    stacked = np.concatenate(outputs, axis=0)
    return stacked[np.argsort(order, kind="stable")]


def short_error(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" ({where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{place}"


def trial_errors(results: list[TrialResult]) -> str:
    """What the first trials did: number, family, state and error."""
    errors = [
        f"trial {r.number} ({r.config.family if r.config else '?'}): {r.state} {r.error or ''}" for r in results[:8]
    ]
    return "; ".join(errors) or "no trial could start"


def failed_trial(spec: TrialSpec, message: str) -> TrialResult:
    """The record of a trial that could not run to its end outside its own code: its worker
    process died, or the cluster lost it."""
    return TrialResult(spec.number, spec.config, "failed", error=message)
