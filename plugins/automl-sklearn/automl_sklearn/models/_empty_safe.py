"""HistGradientBoosting that also fits on a column with (almost) no values.

Imported when a model is built, like the rest of scikit-learn.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor


def unsplittable_as_constant(X, min_values: int):
    """``X`` with every numeric column holding fewer than ``min_values`` values set to zeros.

    scikit-learn 1.9's HistGradientBoosting fails to fit on a column without values ("window
    shape cannot be larger than input array shape"). A fit meets one whenever a column's few
    values all fall outside its training rows: in a cross-validation fold's validation rows, or
    in the estimator's own early-stopping split. On german credit with one extra column holding
    a single value, three of four trials failed so.

    With ``min_values`` the estimator's ``min_samples_leaf``, such a column can never be split
    on: every split on it would leave fewer than ``min_samples_leaf`` rows on the side of its
    values. As a constant it is not split on either, so the fit does not fail, predict never
    reads the column, and with every column considered at each split (``max_features=1``) the
    model is the one fitted without it (tested); with fewer, it still takes part in the draw.
    """
    if isinstance(X, pd.DataFrame):
        few = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and X[c].count() < min_values]
        if few:
            X = X.copy()
            X[few] = 0.0
        return X
    values = np.asarray(X)
    if values.dtype.kind == "f" and values.ndim == 2:
        few = (~np.isnan(values)).sum(axis=0) < min_values
        if few.any():
            values = values.copy()
            values[:, few] = 0.0
    return values


class EmptySafeHistGradientBoostingClassifier(HistGradientBoostingClassifier):
    """scikit-learn's ``HistGradientBoostingClassifier``, fitting also on a column with fewer
    values than ``min_samples_leaf`` (:func:`unsplittable_as_constant`)."""

    def fit(self, X, y, sample_weight=None):
        return super().fit(unsplittable_as_constant(X, self.min_samples_leaf), y, sample_weight=sample_weight)


class EmptySafeHistGradientBoostingRegressor(HistGradientBoostingRegressor):
    """scikit-learn's ``HistGradientBoostingRegressor``, fitting also on a column with fewer
    values than ``min_samples_leaf`` (:func:`unsplittable_as_constant`)."""

    def fit(self, X, y, sample_weight=None):
        return super().fit(unsplittable_as_constant(X, self.min_samples_leaf), y, sample_weight=sample_weight)
