"""The floor of the normalized score: class priors (classification) or the mean (regression)."""

from __future__ import annotations

import bench_common
import sklearn
from sklearn.dummy import DummyClassifier, DummyRegressor


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """Fit a prior/mean predictor; the budget, metric and seed change nothing."""
    X, y = train.drop(columns=[target]), train[target]
    if task == "regression":
        model = DummyRegressor(strategy="mean").fit(X, y)
        return bench_common.System(model.predict, None, None, f"scikit-learn {sklearn.__version__}")
    model = DummyClassifier(strategy="prior").fit(X, y)
    return bench_common.System(
        model.predict, model.predict_proba, model.classes_, f"scikit-learn {sklearn.__version__}"
    )


if __name__ == "__main__":
    bench_common.run(fit)
