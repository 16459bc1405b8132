"""Baseline: scikit-learn's HistGradientBoosting with its defaults, no search.

String columns are ordinal-encoded (at most 255 levels, rarer ones grouped, unseen levels and
missing values as NaN) and handed to the model as categorical features.
"""

from __future__ import annotations

import bench_common
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

MAX_LEVELS = 255  # HistGradientBoosting's limit on a categorical feature's cardinality


def _encoder(X: pd.DataFrame) -> tuple[ColumnTransformer, list[str]]:
    strings = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    ordinal = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        max_categories=MAX_LEVELS,
    )
    encoder = ColumnTransformer(
        [("strings", ordinal, strings)], remainder="passthrough", verbose_feature_names_out=False
    )
    return encoder.set_output(transform="pandas"), strings


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """Fit the default model once; the budget and metric change nothing."""
    X, y = train.drop(columns=[target]), train[target]
    encoder, strings = _encoder(X)
    model_class = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = make_pipeline(encoder, model_class(categorical_features=strings, random_state=seed))
    model.fit(X, y)
    version = f"scikit-learn {sklearn.__version__}"
    if task == "regression":
        return bench_common.System(model.predict, None, None, version)
    return bench_common.System(model.predict, model.predict_proba, model.classes_, version)


if __name__ == "__main__":
    bench_common.run(fit)
