"""The conformance check of model families."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..components import BuildContext, ModelFamily
from ._common import (
    N_FAMILY_SUGGESTIONS,
    Checker,
    clone_of,
    draw_params,
    require_in_space,
    require_pickle_round_trip,
    require_same,
    require_thread_limit,
)
from ._data import context_for, make_dataset


def _model_outputs(check: Checker, model: Any, X: pd.DataFrame, task: str, k: int) -> tuple:
    with check.step("predict"):
        predicted = np.asarray(model.predict(X))
    check.require(predicted.shape == (len(X),), f"predict returned shape {predicted.shape}, expected ({len(X)},)")
    if task == "regression":
        check.require(np.all(np.isfinite(predicted.astype(float))), "predict returned non-finite values")
        return (predicted,)
    check.require(set(np.unique(predicted)) <= set(range(k)), f"predict must return class indices 0..{k - 1}")
    with check.step("predict_proba"):
        proba = np.asarray(model.predict_proba(X))
    check.require(proba.shape == (len(X), k), f"predict_proba returned shape {proba.shape}, expected ({len(X)}, {k})")
    check.require(np.all((proba >= 0) & (proba <= 1)), "predict_proba returned values outside [0, 1]")
    check.require(np.allclose(proba.sum(axis=1), 1.0, atol=1e-6), "predict_proba rows do not sum to 1")
    return predicted, proba


def _build_model(check: Checker, family: ModelFamily, params: Mapping, context: BuildContext) -> Any:
    with check.step(f"build({dict(params)!r})"):
        model = family.build(params, context)
    require_thread_limit(check, model, context)
    return clone_of(check, model, "built estimator")


def _fit_model(check: Checker, model: Any, params: Mapping, context: BuildContext, data: tuple) -> tuple:
    X_train, y_train, X_test = data
    with check.step(f"fit with params {dict(params)!r}"):
        returned = model.fit(X_train, y_train)
    check.require(returned is model, "fit must return self")
    classes = getattr(model, "classes_", None)
    if context.task != "regression" and classes is not None:
        check.require(list(classes) == list(range(context.n_classes)), f"classes_ is {list(classes)}, expected 0..k-1")
    return _model_outputs(check, model, X_test, context.task, context.n_classes)


def check_model_family(family: ModelFamily, tasks: tuple[str, ...] | None = None, seed: int = 0) -> None:
    """Check a :class:`~automl_core.ModelFamily` on each task it serves (or those given).

    On a synthetic dataset of 200 rows (float64 columns, plus a ``category`` column when the
    family accepts the ``native`` encoding, with NaN when it ``handles_missing``), checks that
    ``suggest`` works with real optuna trials and always returns the same keys; that every
    entry of ``defaults`` has those keys and is a point of the search space (``suggest`` on an
    optuna ``FixedTrial`` of it gives it back, so the engine can enqueue it as a trial); that
    every parameter set builds, on every task, an estimator that respects ``context.n_jobs``
    and can be cloned. The first parameter set (the first default) is fitted on every task;
    the others are shared out between the tasks so that each is fitted once. A fit must
    return self and predict the right shape (class indices, and ``predict_proba`` rows of k
    probabilities summing to 1 for classification). Two fits of the first set with the same
    seed must predict the same, and so must a pickle round trip of the fitted estimator.

    :raises ConformanceError: naming the family, the task and the failed check.
    """
    check = Checker(f"model family {family.name!r}")
    check.require(isinstance(family, ModelFamily), f"expected a ModelFamily, got {type(family).__name__}")
    check.require(family.cost > 0, f"cost must be positive, got {family.cost}")
    tasks = tuple(tasks or family.tasks)
    for position, task in enumerate(tasks):
        check.require(task in family.tasks, f"does not serve task {task!r} (serves {family.tasks})")
        _check_family_task(family, task, seed, (position, len(tasks)))


def _check_family_task(family: ModelFamily, task: str, seed: int, share: tuple[int, int]) -> None:
    """Check one task; ``share`` (position, count) says which parameter sets to fit on it."""
    check = Checker(f"model family {family.name!r} [{task}]")
    X, y = make_dataset(task, seed=seed, categorical="native" in family.categorical, missing=family.handles_missing)
    data = (X.iloc[:150], y[:150], X.iloc[150:])
    context = context_for(task, data[0], data[1], seed)
    suggested = draw_params(check, family.suggest, context, seed, N_FAMILY_SUGGESTIONS)
    keys = set(suggested[0])
    for i, default in enumerate(family.defaults):
        check.require(
            set(default) == keys, f"defaults[{i}] keys {sorted(default)} differ from suggest's {sorted(keys)}"
        )
        require_in_space(check, family.suggest, default, context, f"defaults[{i}]")
    candidates = (*family.defaults, *suggested)
    models = [_build_model(check, family, params, context) for params in candidates]
    for i in range(1, len(candidates)):
        if i % share[1] == share[0]:
            _fit_model(check, models[i], candidates[i], context, data)
    first = _fit_model(check, models[0], candidates[0], context, data)
    second = _fit_model(check, _build_model(check, family, candidates[0], context), candidates[0], context, data)
    require_same(check, first, second, f"two fits with seed {seed} predict differently (params {candidates[0]!r})")
    require_pickle_round_trip(
        check, models[0], first, lambda m: _model_outputs(check, m, data[2], task, context.n_classes)
    )
