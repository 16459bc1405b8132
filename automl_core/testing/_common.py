"""What every check shares: the error, the failure messages, optuna draws, sameness checks."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..components import BuildContext

#: Parameter sets drawn from a model family's ``suggest`` with real optuna trials (each is fitted).
N_FAMILY_SUGGESTIONS = 3
#: Parameter sets drawn from a transformer's ``suggest``: transformers are cheap to fit, and more
#: draws make it likely that every choice of a categorical parameter is built and fitted.
N_TRANSFORMER_SUGGESTIONS = 8


class ConformanceError(AssertionError):
    """A component does not behave as the engine expects; the message names it and the check."""


class Checker:
    """Prefixes every failure with the component it is about."""

    def __init__(self, label: str) -> None:
        self.label = label

    def require(self, condition: Any, message: str) -> None:
        if not condition:
            raise ConformanceError(f"{self.label}: {message}")

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Turn any error raised by the component's code into a failure naming ``what``."""
        try:
            yield
        except ConformanceError:
            raise
        except Exception as exc:  # the component's own error, reported as a failed check
            raise ConformanceError(f"{self.label}: {what} raised {type(exc).__name__}: {exc}") from exc


@contextmanager
def quiet_optuna() -> Iterator[None]:
    import optuna

    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


def draw_params(check: Checker, suggest: Any, context: BuildContext, seed: int, n: int) -> list[dict]:
    """``n`` parameter sets drawn from ``suggest`` with real optuna trials of a seeded random sampler."""
    import optuna

    with quiet_optuna():
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
        drawn = []
        for i in range(n):
            trial = study.ask()
            with check.step(f"suggest (trial {i})"):
                params = suggest(trial, context)
            check.require(isinstance(params, dict), f"suggest must return a dict, got {type(params).__name__}")
            drawn.append(params)
    keys = {frozenset(p) for p in drawn}
    check.require(len(keys) == 1, f"suggest must return the same keys every time, got {sorted(map(sorted, keys))}")
    return drawn


def require_in_space(check: Checker, suggest: Any, params: Mapping, context: BuildContext, what: str) -> None:
    """``params`` is a point of the search space: replaying it through ``suggest`` gives it back.

    The engine relies on this to enqueue defaults as trials of its study.
    """
    import warnings

    from optuna.trial import FixedTrial

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with check.step(f"suggest on an optuna FixedTrial of {what}"):
            replayed = suggest(FixedTrial(dict(params)), context)
    outside = [str(w.message) for w in caught if "out of the range" in str(w.message)]
    detail = f"; {outside[0]}" if outside else ""
    check.require(
        not outside and replayed == dict(params),
        f"{what} {dict(params)!r} is not a point of the search space (suggest on a FixedTrial of it "
        f"returned {replayed!r}{detail}): the engine enqueues defaults as trials",
    )


# --------------------------------------------------------------------------- shared checks
def require_pickle_round_trip(check: Checker, fitted: Any, outputs: Any, compute: Any) -> None:
    """A pickle round trip of a fitted object gives identical outputs."""
    with check.step("pickle round trip"):
        restored = pickle.loads(pickle.dumps(fitted))
        again = compute(restored)
    require_same(check, outputs, again, "predictions after a pickle round trip differ from the original's")


def require_same(check: Checker, a: Any, b: Any, message: str) -> None:
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b)
        except AssertionError as exc:
            raise ConformanceError(f"{check.label}: {message}: {exc}") from exc
        return
    for left, right in zip(a, b, strict=True):
        check.require(np.allclose(left, right, rtol=1e-9, atol=1e-12, equal_nan=True), message)


def clone_of(check: Checker, obj: Any, what: str) -> Any:
    from sklearn.base import clone

    with check.step(f"sklearn.base.clone of the {what}"):
        return clone(obj)


def require_thread_limit(check: Checker, estimator: Any, context: BuildContext) -> None:
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    for key, value in params.items():
        if key == "n_jobs" or key.endswith("__n_jobs"):
            check.require(
                value is None or 0 < value <= context.n_jobs,
                f"{key}={value!r} uses more threads than context.n_jobs={context.n_jobs}",
            )
