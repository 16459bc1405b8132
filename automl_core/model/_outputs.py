"""Model outputs and their scores: probabilities in class-index order, labels from them (a
tuned threshold applied), and the metric of an output."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..components import Evaluator
from ..errors import PluginError


def model_output(model, X: pd.DataFrame, task: str, n_classes: int) -> np.ndarray:
    """Class probabilities ``(n, k)`` in class-index order, or regression values ``(n,)``.
    A model that answers NaN or infinity is a :class:`~automl_core.PluginError` naming it: the
    input passed validation, so the fault is the model's."""
    if task == "regression":
        return _finite(np.asarray(model.predict(X), dtype="float64"), model)
    raw = _finite(np.asarray(model.predict_proba(X)), model)
    proba = raw.astype("float64", copy=False)  # float64 output passes as it is, uncopied
    if raw.dtype != proba.dtype:
        # float32 probabilities (XGBoost's) sum to 1 only within 1e-7, beyond what scikit-learn's
        # log_loss accepts without a warning: their rows are renormalized in float64
        sums = proba.sum(axis=1, keepdims=True)
        np.divide(proba, sums, out=proba, where=sums > 0)
    seen = np.asarray(getattr(model, "classes_", np.arange(proba.shape[1])), dtype=int)
    if proba.shape[1] == n_classes and np.array_equal(seen, np.arange(n_classes)):
        return proba
    full = np.zeros((proba.shape[0], n_classes))
    full[:, seen] = proba  # a fold that missed a rare class predicts it with probability 0
    return full


def _finite(output: np.ndarray, model) -> np.ndarray:
    if output.dtype.kind == "f" and not np.isfinite(output).all():
        rows = int((~np.isfinite(output)).reshape(len(output), -1).any(axis=1).sum())
        steps = getattr(model, "steps", None)  # a pipeline: its model is the last step
        kind = type(steps[-1][1] if steps else model)
        raise PluginError(
            f"the model {kind.__qualname__} (module {kind.__module__}, from the plugin that gave its "
            f"family) answered NaN or infinity for {rows} of {len(output)} row(s) that passed the "
            f"input checks: a defect of the model, not of the data"
        )
    return output


def labels_of(output: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Class indices from probabilities: the most probable class, or for two classes with a
    tuned ``threshold``, class 1 where its probability reaches the threshold."""
    if threshold is not None and output.shape[1] == 2:
        return (output[:, 1] >= threshold).astype("int64")
    return output.argmax(axis=1)


def metric_input(evaluator: Evaluator, output: np.ndarray, threshold: float | None = None) -> np.ndarray:
    if evaluator.needs == "label":
        return labels_of(output, threshold) if output.ndim == 2 else output
    return output


def score(
    evaluator: Evaluator,
    y_true: np.ndarray,
    output: np.ndarray,
    threshold: float | None = None,
    sample_weight: np.ndarray | None = None,
) -> float:
    """The metric of ``output`` (probabilities or values) against ``y_true``, weighted by
    ``sample_weight`` when given (the evaluator must be ``weighted``)."""
    y_out = metric_input(evaluator, output, threshold)
    if sample_weight is None:
        return float(evaluator.score(y_true, y_out))
    if not evaluator.weighted:
        raise ValueError(f"evaluator {evaluator.name!r} takes no sample weights (Evaluator(weighted=False))")
    return float(evaluator.score(y_true, y_out, sample_weight=sample_weight))


#: Candidate decision thresholds tried by :func:`tune_threshold` (quantiles of the scores).
THRESHOLD_CANDIDATES = 99


def tune_threshold(
    evaluator: Evaluator, y_true: np.ndarray, output: np.ndarray, sample_weight: np.ndarray | None = None
) -> float | None:
    """The decision threshold that maximises a label metric on validation outputs (weighted
    by ``sample_weight`` when given).

    Only for two classes and metrics computed on labels (F1, precision, recall, accuracy...);
    None otherwise, and None when no threshold beats the default of the most probable class.
    """
    if evaluator.needs != "label" or output.ndim != 2 or output.shape[1] != 2:
        return None
    candidates = np.unique(np.quantile(output[:, 1], np.linspace(0.01, 0.99, THRESHOLD_CANDIDATES)))
    default = score(evaluator, y_true, output, sample_weight=sample_weight)
    scored = [(score(evaluator, y_true, output, t, sample_weight), -abs(t - 0.5), t) for t in candidates]
    best_score, _, best = max(scored) if evaluator.greater_is_better else min(scored, key=lambda x: (x[0], -x[1]))
    return float(best) if better(evaluator, best_score, default) else None


def worst_score(evaluator: Evaluator) -> float:
    return -np.inf if evaluator.greater_is_better else np.inf


def better(evaluator: Evaluator, a: float, b: float) -> bool:
    """Whether score ``a`` is strictly better than ``b``."""
    return a > b if evaluator.greater_is_better else a < b
