"""The conformance checks of explainers and reporters."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..components import Explainer, Reporter
from ._common import Checker
from ._data import make_dataset

#: The most an explainer's contributions plus base may differ from the output (the engine's bound).
TOLERANCE = 1e-6
#: Resources a self-contained page must not fetch: src/href attributes with a scheme other than data:.
FETCHED = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?!data:|#)[a-z][a-z0-9+.-]*:""", re.I)


def _models(task: str, seed: int) -> list:
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if task == "regression":
        return [DecisionTreeRegressor(max_depth=3, random_state=seed), Ridge()]
    return [DecisionTreeClassifier(max_depth=3, random_state=seed), LogisticRegression(max_iter=500)]


def check_explainer(explainer: Explainer, seed: int = 0) -> int:
    """Check an :class:`~automl_core.Explainer` on a decision tree and a linear model per task.

    For each model it applies to, ``explain`` must return values ``(rows, outputs, columns)``
    and a base ``(outputs,)`` adding up to the model's output within 1e-6. It must apply to at
    least one of them. Returns the number of models explained.
    """
    from sklearn.pipeline import Pipeline

    check = Checker(f"explainer {explainer.name!r}")
    explained = 0
    for task in explainer.tasks:
        X, y = make_dataset(task, n_rows=120, seed=seed)
        k = 1 if task == "regression" else len(np.unique(y))
        for estimator in _models(task, seed):
            pipeline = Pipeline([("model", estimator)]).fit(X, y)
            model = pipeline if explainer.level == "pipeline" else pipeline.steps[-1][1]
            explained += _check_one(check, explainer, model, task, k, X, seed)
    check.require(explained > 0, "applies to none of a decision tree and a linear model, for any of its tasks")
    return explained


def _check_one(check: Checker, explainer: Explainer, model: Any, task: str, k: int, X: pd.DataFrame, seed: int) -> int:
    def output(frame):
        return model.predict(frame) if task == "regression" else model.predict_proba(frame)

    context = {
        "task": task,
        "n_classes": 0 if task == "regression" else k,
        "background": X.iloc[20:70],
        "seed": seed,
        "output": output,
    }
    name = type(model).__name__
    with check.step(f"applies to {name}"):
        if not explainer.applies(model, context):
            return 0
    rows = X.head(4)
    with check.step(f"explain on {name}"):
        values, base = explainer.explain(model, rows, context)
    values, base = np.asarray(values, dtype=float), np.asarray(base, dtype=float)
    check.require(
        values.shape == (4, k, X.shape[1]) and base.shape == (k,),
        f"on {name} ({task}) returned shapes {values.shape} and {base.shape}, expected {(4, k, X.shape[1])} and {(k,)}",
    )
    gap = np.max(np.abs(values.sum(axis=2) + base - np.asarray(output(rows)).reshape(4, k)))
    check.require(gap <= TOLERANCE, f"on {name} ({task}): contributions plus base miss the output by {gap:.3g}")
    return 1


def check_reporter(reporter: Reporter, seed: int = 0) -> dict[str, str]:
    """Check a :class:`~automl_core.Reporter` on a synthetic report of each task.

    ``render(report)`` must return a complete HTML document that fetches nothing (no
    ``src``/``href`` to another scheme than ``data:``). Returns the pages, by task.
    """
    from ._reports import sample_report

    check = Checker(f"reporter {reporter.name!r}")
    pages = {}
    for task in ("binary", "multiclass", "regression"):
        with check.step(f"render ({task})"):
            page = reporter.render(sample_report(task, seed))
        check.require(
            isinstance(page, str) and "<html" in page.lower() and "</html>" in page.lower(),
            f"render ({task}) must return a complete HTML document",
        )
        fetched = FETCHED.findall(page)
        check.require(not fetched, f"render ({task}) refers to resources to fetch: {fetched[:3]}")
        pages[task] = page
    return pages
