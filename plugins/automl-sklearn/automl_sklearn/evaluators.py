"""Metrics on :mod:`sklearn.metrics`.

Classification metrics get class indices ``0..k-1``. Label metrics (precision, recall, f1)
score the positive class (index 1) on binary tasks and average over classes (macro) on
multiclass ones. The score function is not told the task, so it reads it from the data: a
task is binary when no index above 1 occurs in ``y_true`` or the predictions. Probability
metrics read k from the width of the probability matrix, so a class absent from ``y_true``
is handled: ``log_loss`` passes ``labels=range(k)`` and multiclass ``roc_auc`` averages the
one-vs-rest AUC over the classes that occur.
Every metric takes ``sample_weight=`` (``Evaluator(weighted=True)``): the weighted metric.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from automl_core import Evaluator

CLASSIFICATION = ("binary", "multiclass")


def _is_binary(y_true: Any, y_pred: Any) -> bool:
    return max(np.max(y_true, initial=0), np.max(y_pred, initial=0)) <= 1


def _label_score(name: str, y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """precision, recall or f1: of class 1 when binary, macro-averaged otherwise."""
    from sklearn import metrics

    average = "binary" if _is_binary(y_true, y_pred) else "macro"
    return float(
        getattr(metrics, f"{name}_score")(y_true, y_pred, average=average, zero_division=0, sample_weight=sample_weight)
    )


def _label_metric(name: str) -> Callable[[Any, Any], float]:
    """:func:`_label_score` for one metric, as a picklable function of ``(y_true, y_pred)``:
    trials run in worker processes, which receive the evaluator by pickle."""
    return partial(_label_score, name)


def accuracy(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """Share of correct labels."""
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y_true, y_pred, sample_weight=sample_weight))


def balanced_accuracy(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """Mean recall over the classes present in ``y_true``."""
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight))


def roc_auc(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """AUC of column 1 when binary; one-vs-rest macro AUC over the classes that occur otherwise
    (with weights, that have weight).

    NaN when ``y_true`` holds a single class (the AUC is not defined).
    """
    from sklearn.metrics import roc_auc_score

    y_true, proba = np.asarray(y_true), np.asarray(proba)
    weight = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight, dtype="float64")
    classes = [1] if proba.shape[1] == 2 else range(proba.shape[1])
    scores = [
        roc_auc_score(y_true == c, proba[:, c], sample_weight=sample_weight)
        for c in classes
        if 0 < np.sum(weight[y_true == c]) < np.sum(weight)
    ]
    return float(np.mean(scores)) if scores else float("nan")


def log_loss(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """Cross-entropy of the class probabilities (every column is a class, occurring or not).

    Probabilities a rounding step outside [0, 1] (a weighted mean of ones gives
    1.0000000000000002) are clipped: scikit-learn raises on them.
    """
    from sklearn.metrics import log_loss as sk_log_loss

    proba = np.clip(np.asarray(proba, dtype="float64"), 0.0, 1.0)
    return float(sk_log_loss(y_true, proba, labels=np.arange(proba.shape[1]), sample_weight=sample_weight))


def rmse(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """Root mean squared error."""
    from sklearn.metrics import root_mean_squared_error

    return float(root_mean_squared_error(y_true, y_pred, sample_weight=sample_weight))


def mae(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """Mean absolute error."""
    from sklearn.metrics import mean_absolute_error

    return float(mean_absolute_error(y_true, y_pred, sample_weight=sample_weight))


def r2(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    """Coefficient of determination."""
    from sklearn.metrics import r2_score

    return float(r2_score(y_true, y_pred, sample_weight=sample_weight))


EVALUATORS: tuple[Evaluator, ...] = (
    Evaluator("accuracy", CLASSIFICATION, accuracy, description="share of correct labels", weighted=True),
    Evaluator(
        "balanced_accuracy", CLASSIFICATION, balanced_accuracy, description="mean recall over classes", weighted=True
    ),
    Evaluator(
        "precision",
        CLASSIFICATION,
        _label_metric("precision"),
        description="precision of class 1 (binary) or macro (multiclass)",
        weighted=True,
    ),
    Evaluator(
        "recall",
        CLASSIFICATION,
        _label_metric("recall"),
        description="recall of class 1 (binary) or macro (multiclass)",
        weighted=True,
    ),
    Evaluator(
        "f1",
        CLASSIFICATION,
        _label_metric("f1"),
        description="F1 of class 1 (binary) or macro (multiclass)",
        weighted=True,
    ),
    Evaluator(
        "roc_auc",
        CLASSIFICATION,
        roc_auc,
        needs="proba",
        description="ROC AUC of class 1 (binary) or one-vs-rest macro (multiclass)",
        weighted=True,
    ),
    Evaluator(
        "log_loss",
        CLASSIFICATION,
        log_loss,
        needs="proba",
        greater_is_better=False,
        description="cross-entropy of the predicted probabilities",
        weighted=True,
    ),
    Evaluator(
        "rmse",
        ("regression",),
        rmse,
        needs="value",
        greater_is_better=False,
        description="root mean squared error",
        weighted=True,
    ),
    Evaluator(
        "mae",
        ("regression",),
        mae,
        needs="value",
        greater_is_better=False,
        description="mean absolute error",
        weighted=True,
    ),
    Evaluator("r2", ("regression",), r2, needs="value", description="coefficient of determination", weighted=True),
)
