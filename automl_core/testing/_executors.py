"""The conformance check of executors: a pool that starts, runs trials, stops one and closes."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..components import BuildContext, Executor, ExecutorContext, ModelFamily
from ._common import Checker

#: How long a check waits for the pool to start or a trial to finish.
PATIENCE_SECONDS = 120.0


def _build_constant(params: Mapping[str, Any], context: BuildContext):
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="prior")


def _build_sleeper(params: Mapping[str, Any], context: BuildContext):
    return _Sleeper()


class _Sleeper:
    """An estimator whose fit does not return for a long time (a stuck trial)."""

    def get_params(self, deep: bool = True) -> dict:
        return {}

    def set_params(self, **params: Any) -> _Sleeper:
        return self

    def fit(self, X, y, **fit_params):
        time.sleep(3600)
        return self


def _no_params(trial: Any, context: BuildContext) -> dict:
    return {}


def _payload(seed: int) -> Any:
    from ..data import plan_columns
    from ..model import model_output  # noqa: F401 - imported here so the workers' imports match
    from ..plugin import Registry
    from ..search import PipelineConfig, SearchData, SearchSpace, TrialPayload, make_splits

    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = (X["a"] > 0).to_numpy(dtype="int64")
    registry = Registry()
    constant = ModelFamily("constant", ("binary",), _build_constant, _no_params, handles_missing=True)
    sleeper = ModelFamily("sleeper", ("binary",), _build_sleeper, _no_params, handles_missing=True)
    accuracy = _accuracy_evaluator()
    for family in (constant, sleeper):
        registry.add("model_family", family, "conformance")
    registry.add("evaluator", accuracy, "conformance")
    plan = plan_columns(X)
    context = BuildContext(task="binary", seed=seed, n_rows=len(X), n_features=2, n_classes=2, numeric=("a", "b"))
    space = SearchSpace(registry, [constant, sleeper], plan, context)
    data = SearchData(X, y, "binary", 2, make_splits(y, "binary", "kfold", 3, 0.2, seed), accuracy)
    configs = {
        name: PipelineConfig(name, {stage: "none" for stage in space.stage_options(family)}, (), {name: {}})
        for name, family in (("constant", constant), ("sleeper", sleeper))
    }
    return TrialPayload(space, data), configs


def _accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def _accuracy_evaluator():
    from ..components import Evaluator

    return Evaluator("accuracy", ("binary",), _accuracy)


def _wait_for(check: Checker, pool: Any, what: str, condition) -> list:
    """Records returned by ``pool.wait`` until ``condition(records)`` holds."""
    records: list = []
    end = time.monotonic() + PATIENCE_SECONDS
    while not condition(records):
        check.require(time.monotonic() < end, f"{what} took more than {PATIENCE_SECONDS:.0f} s")
        with check.step("wait(1.0)"):
            records += list(pool.wait(1.0))
    return records


def check_executor(executor: Executor, options: Mapping[str, Any] | None = None, *, seed: int = 0) -> None:
    """Check an :class:`~automl_core.Executor` the way a search uses it.

    Starts a pool of two workers on a tiny search, waits until it is ready, runs two trials
    of a constant model and checks their records come back complete, stops a trial that never
    ends with ``cancel`` and checks the pool still runs trials after it, then closes the pool.
    ``options`` are the executor's options (``executor_options`` of ``AutoML``).

    :raises ConformanceError: naming the executor and the failed check.
    """
    from ..search import TrialSpec, failed_trial, run_trial

    check = Checker(f"executor {executor.name!r}")
    payload, configs = _payload(seed)
    context = ExecutorContext(
        n_workers=2, threads=1, payload=payload, run=run_trial, failed=failed_trial, options=dict(options or {})
    )
    with check.step("start(context)"):
        pool = executor.start(context)
    try:
        check.require(pool.capacity >= 1, f"capacity must be at least 1, got {pool.capacity!r}")
        _wait_for(check, pool, "the first worker to be ready", lambda records: pool.ready() > 0)
        _run_two(check, pool, configs["constant"], TrialSpec)
        _cancel_one(check, pool, configs, TrialSpec)
    finally:
        with check.step("close()"):
            pool.close()


def _run_two(check: Checker, pool: Any, config: Any, spec_of: Any) -> None:
    for number in (0, 1):
        _wait_for(check, pool, "a worker to be free", lambda records: pool.ready() > 0)
        with check.step(f"submit(trial {number})"):
            pool.submit(spec_of(number, config, window=60.0))
    records = _wait_for(check, pool, "two trials of a constant model", lambda records: len(records) >= 2)
    check.require(sorted(r.number for r in records) == [0, 1], f"wait returned trials {[r.number for r in records]}")
    bad = [(r.number, r.state, r.error) for r in records if r.state != "complete" or not np.isfinite(r.score)]
    check.require(not bad, f"trials of a constant model did not complete: {bad}")


def _cancel_one(check: Checker, pool: Any, configs: dict, spec_of: Any) -> None:
    _wait_for(check, pool, "a worker to be free", lambda records: pool.ready() > 0)
    pool.submit(spec_of(2, configs["sleeper"], window=3600.0))
    time.sleep(0.5)
    with check.step("cancel(trial 2)"):
        pool.cancel(2)
    _wait_for(check, pool, "a worker to be free after cancel", lambda records: pool.ready() > 0)
    pool.submit(spec_of(3, configs["constant"], window=60.0))
    records = _wait_for(check, pool, "a trial after cancel", lambda records: any(r.number == 3 for r in records))
    check.require(all(r.number != 2 for r in records), "wait returned a record for the cancelled trial 2")
