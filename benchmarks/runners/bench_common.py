"""Shared steps of every benchmark runner: read the split, time fit and predict, score, write.

Each runner script is run by the interpreter of its own system's virtualenv, so this module
imports only what every such venv has: numpy, pandas and scikit-learn. A runner supplies one
function, ``fit(train, target, task, metric, budget, seed)``, returning a fitted ``System``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics

#: The primary metric of each task (what every system optimises) and the one reported beside it.
PRIMARY = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
SECONDARY = {"binary": "accuracy", "multiclass": "accuracy", "regression": "r2"}


@dataclass
class System:
    """A fitted system as the harness sees it.

    ``predict(X)`` returns labels (classification) or values (regression);
    ``predict_proba(X)`` returns an (n, k) array whose columns follow ``classes`` (the original
    labels); both are None-free for classification and ``predict_proba`` is None for regression.
    """

    predict: Callable[[pd.DataFrame], Any]
    predict_proba: Callable[[pd.DataFrame], Any] | None
    classes: Sequence[Any] | None
    version: str
    extra: dict | None = None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line every runner takes (the harness in ``run.py`` builds it)."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="CSV file of the whole dataset")
    p.add_argument("--split", required=True, help="JSON file with 'train' and 'test' row positions")
    p.add_argument("--target", required=True)
    p.add_argument("--task", required=True, choices=sorted(PRIMARY))
    p.add_argument("--metric", required=True, help="the metric the system is asked to optimise")
    p.add_argument("--budget", type=float, required=True, help="time budget in seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="JSON file to write the measurements to")
    return p.parse_args(argv)


def load_split(data: str, split: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the dataset with pandas' default NA handling and cut it by the given positions."""
    frame = pd.read_csv(data)
    with open(split) as fh:
        positions = json.load(fh)
    train = frame.iloc[positions["train"]].reset_index(drop=True)
    test = frame.iloc[positions["test"]].reset_index(drop=True)
    return train, test


def score(task: str, y_true: pd.Series, labels, proba, classes) -> dict[str, float]:
    """The primary and secondary metric of ``task``; proba columns follow ``classes``."""
    if task == "regression":
        values = np.asarray(labels, dtype=float)
        return {
            "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, values))),
            "r2": float(metrics.r2_score(y_true, values)),
        }
    y_true = y_true.to_numpy()  # int64 or object: never pandas' string dtype
    proba = np.asarray(proba, dtype=float)
    proba = proba / proba.sum(axis=1, keepdims=True)
    classes = list(classes)
    result = {"accuracy": float(metrics.accuracy_score(y_true, np.asarray(labels)))}
    if task == "binary":
        positive = (y_true == classes[1]).astype(int)
        result["roc_auc"] = float(metrics.roc_auc_score(positive, proba[:, 1]))
    else:
        result["log_loss"] = float(metrics.log_loss(y_true, proba, labels=classes))
    return result


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def run(fit: Callable[..., System], argv: Sequence[str] | None = None) -> None:
    """Fit one system on the train split, time and score it on the test split, write JSON."""
    args = parse_args(argv)
    train, test = load_split(args.data, args.split)
    X_test = test.drop(columns=[args.target])
    y_test = test[args.target]
    system, fit_s = _timed(fit, train, args.target, args.task, args.metric, args.budget, args.seed)
    labels, predict_s = _timed(system.predict, X_test)
    proba = None
    if args.task != "regression":
        proba, proba_s = _timed(system.predict_proba, X_test)
        predict_s += proba_s
    row = {
        "system_version": system.version,
        "n_train": len(train),
        "n_test": len(test),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "predict_rows_per_s": len(test) / predict_s if predict_s > 0 else None,
        "scores": score(args.task, y_test, labels, proba, system.classes),
        "extra": system.extra or {},
    }
    with open(args.out, "w") as fh:
        json.dump(row, fh, indent=1, default=str)
