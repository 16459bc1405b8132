"""Regularised linear models: logistic regression for classification, ridge for regression.

One parameter serves both tasks: ``strength``, the L2 penalty (``1 / C`` of
:class:`~sklearn.linear_model.LogisticRegression`, ``alpha`` of
:class:`~sklearn.linear_model.Ridge`), so the defaults fit every task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import TASKS, BuildContext, ModelFamily


def suggest(trial: Any, context: BuildContext) -> dict:
    """Search space: the penalty strength, log-uniform."""
    return {"strength": trial.suggest_float("strength", 1e-4, 1e3, log=True)}


def build(params: Mapping[str, Any], context: BuildContext):
    """A ridge regressor, or a logistic regression classifier (lbfgs, multinomial)."""
    if context.task == "regression":
        from sklearn.linear_model import Ridge

        return Ridge(alpha=params["strength"])
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0 / params["strength"], max_iter=1000, random_state=context.seed)


FAMILY = ModelFamily(
    name="linear",
    tasks=TASKS,
    build=build,
    suggest=suggest,
    defaults=({"strength": 1.0}, {"strength": 0.1}, {"strength": 10.0}),
    categorical=("onehot", "target"),
    handles_missing=False,
    wants_scaling=True,
    cost=0.3,
    description="L2-regularised logistic regression (classification) or ridge regression",
)
