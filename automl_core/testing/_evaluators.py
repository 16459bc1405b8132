"""The conformance check of evaluators (metrics)."""

from __future__ import annotations

import math

import numpy as np

from ..components import Evaluator
from ._common import Checker


def _score(
    check: Checker,
    evaluator: Evaluator,
    y_true: np.ndarray,
    y_out: np.ndarray,
    what: str,
    sample_weight: np.ndarray | None = None,
) -> float:
    with check.step(f"score of {what}"):
        value = (
            evaluator.score(y_true, y_out)
            if sample_weight is None
            else evaluator.score(y_true, y_out, sample_weight=sample_weight)
        )
    check.require(
        isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool),
        f"score of {what} must be a float, got {type(value).__name__}",
    )
    check.require(math.isfinite(value), f"score of {what} is not finite: {value}")
    return float(value)


def _evaluator_cases(needs: str, task: str, rng: np.random.Generator) -> dict[str, tuple]:
    """Named (y_true, perfect output, random output) triples for one task."""
    n = 120
    if task == "regression":
        y = rng.normal(5.0, 10.0, n)
        return {"values": (y, y.copy(), rng.permutation(y) + rng.normal(0.0, 5.0, n))}
    k = 2 if task == "binary" else 3

    def out(y_true: np.ndarray, cols: int) -> tuple:
        if needs == "label":
            return y_true.copy(), rng.integers(0, 2, len(y_true))  # the random guess never predicts class 2
        return np.eye(cols)[y_true], rng.dirichlet(np.ones(cols), len(y_true))

    y = np.resize(np.arange(k), n)
    rng.shuffle(y)
    cases = {f"{k} classes": (y, *out(y, k))}
    if needs == "proba" and k > 2:
        y_missing = y % 2  # class 2 absent from y_true, still a column of the probabilities
        cases["a class absent from y_true"] = (y_missing, *out(y_missing, k))
    return cases


def check_evaluator(evaluator: Evaluator, seed: int = 0) -> None:
    """Check an :class:`~automl_core.Evaluator` on each task it serves.

    Scores a perfect and a random output (class indices, an (n, k) probability matrix or
    float values, as ``needs`` says) and checks that both are finite floats and that the
    perfect one scores at least as well as the random one in the direction of
    ``greater_is_better``. For probability metrics on multiclass tasks, also scores a
    ``y_true`` in which one class of the k columns never occurs; for label metrics the random
    guess never predicts some class. A ``weighted`` evaluator must score the same with unit
    weights as without, and with weights of zero on some rows as on the other rows alone.

    :raises ConformanceError: naming the evaluator, the task and the failed check.
    """
    rng = np.random.default_rng(seed)
    for task in evaluator.tasks:
        check = Checker(f"evaluator {evaluator.name!r} [{task}]")
        expected = "value" if task == "regression" else ("proba", "label")
        check.require(evaluator.needs in expected, f"needs={evaluator.needs!r} does not fit task {task!r}")
        for case, (y_true, perfect, random) in _evaluator_cases(evaluator.needs, task, rng).items():
            best = _score(check, evaluator, y_true, perfect, f"a perfect output ({case})")
            other = _score(check, evaluator, y_true, random, f"a random output ({case})")
            better = best >= other if evaluator.greater_is_better else best <= other
            direction = "greater" if evaluator.greater_is_better else "lower"
            check.require(
                better,
                f"a perfect output scores {best} and a random one {other} ({case}), "
                f"but greater_is_better={evaluator.greater_is_better} says {direction} is better",
            )
            if evaluator.weighted:
                _check_weights(check, evaluator, y_true, random, other, case)


def _check_weights(
    check: Checker, evaluator: Evaluator, y_true: np.ndarray, y_out: np.ndarray, unweighted: float, case: str
) -> None:
    """Unit weights change nothing; weights of 0 on the second half score the first half."""
    ones = _score(check, evaluator, y_true, y_out, f"a random output with unit weights ({case})", np.ones(len(y_true)))
    check.require(
        math.isclose(ones, unweighted, rel_tol=1e-9, abs_tol=1e-12),
        f"weighted=True, but unit weights score {ones} and no weights {unweighted} ({case})",
    )
    half = len(y_true) // 2
    weights = np.r_[np.ones(half), np.zeros(len(y_true) - half)]
    zeroed = _score(check, evaluator, y_true, y_out, f"a random output with zero weights ({case})", weights)
    alone = _score(check, evaluator, y_true[:half], y_out[:half], f"the first half of a random output ({case})")
    check.require(
        math.isclose(zeroed, alone, rel_tol=1e-9, abs_tol=1e-12),
        f"weighted=True, but weights of 0 on the second half score {zeroed} and the first half alone {alone} ({case})",
    )
