"""Supervised feature selection on the raw feature frame.

The selector runs before column typing, so it meets mixed columns: numbers, strings,
categories. It scores the numeric and categorical ones (categorical levels become integer
codes for scoring only) and keeps the chosen columns as they came. Date columns (datetime64 or
date strings) and free-text columns are not scored and always pass, for the feature builders
that consume them.
Scores come from mutual information or from the impurity importances of a small forest of
extremely randomised trees, both on a sample of at most :data:`SCORING_ROWS` rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._frame import FrameBuilder
from .datetime import date_columns
from .text import is_text

#: A column whose most frequent value (missing counts as a value) fills more than this share
#: of the rows is nearly constant and dropped before scoring.
MAX_DOMINANT_SHARE = 0.995
#: Rows sampled to score the columns.
SCORING_ROWS = 5000
#: Trees of the forest whose importances score the columns with ``method="model"``.
N_TREES = 50
METHODS = ("mutual_info", "model")


def _scored_columns(frame: pd.DataFrame) -> list[str]:
    """The columns the selector chooses among: all but dates and free text."""
    dates = date_columns(frame)
    return [c for c in frame.columns if c not in dates and not is_text(frame[c])]


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _encoded(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A float matrix for scoring (median-filled numbers, level codes) and which columns are discrete."""
    columns, discrete = [], []
    for name in frame.columns:
        column = frame[name]
        if _is_numeric(column):
            values = column.astype("float64")
            columns.append(values.fillna(values.median() if values.notna().any() else 0.0).to_numpy())
            discrete.append(False)
        else:
            columns.append(pd.factorize(column.astype(str).where(column.notna()))[0].astype("float64"))
            discrete.append(True)
    return np.column_stack(columns), np.asarray(discrete)


def _dominant_share(column: pd.Series) -> float:
    return float(column.value_counts(dropna=False, normalize=True).iloc[0])


class FeatureSelector(FrameBuilder):
    """Keeps the ``fraction`` of the scored columns that best predict the target.

    :param method: ``"mutual_info"`` (scikit-learn's k-NN estimate of mutual information) or
        ``"model"`` (impurity importances of extremely randomised trees).
    :param fraction: share of the scored columns kept (at least one), after the nearly
        constant ones are dropped.
    :param task: ``"binary"``, ``"multiclass"`` or ``"regression"``: how ``y`` is scored.
    :param n_jobs: threads of the forest.
    :param random_state: seed of the sample, the estimates and the forest.
    """

    def __init__(
        self,
        method: str = "mutual_info",
        fraction: float = 0.5,
        task: str = "binary",
        n_jobs: int = 1,
        random_state: int = 0,
    ):
        self.method = method
        self.fraction = fraction
        self.task = task
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y=None):
        """Score the columns of ``X`` against ``y`` and choose those to keep."""
        X = self._start_fit(X)
        if y is None:
            raise ValueError("FeatureSelector is supervised: fit needs y")
        if self.method not in METHODS or not 0 < self.fraction <= 1:
            raise ValueError(f"need method in {METHODS} and 0 < fraction <= 1, got {self.method!r}, {self.fraction}")
        scored = _scored_columns(X)
        candidates = [c for c in scored if _dominant_share(X[c]) <= MAX_DOMINANT_SHARE]
        self.scores_ = self._scores(X[candidates], np.asarray(y)) if candidates else {}
        n_kept = max(1, math.ceil(self.fraction * len(candidates))) if candidates else 0
        chosen = set(sorted(self.scores_, key=self.scores_.get, reverse=True)[:n_kept])
        self._set_names_out([c for c in X.columns if c in chosen or c not in scored], [])
        return self

    def _scores(self, frame: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
        """Each column's score (plain floats: the fitted selector stays serialisable by skops)."""
        rng = np.random.default_rng(self.random_state)
        rows = rng.choice(len(frame), SCORING_ROWS, replace=False) if len(frame) > SCORING_ROWS else slice(None)
        features, discrete = _encoded(frame.iloc[rows])
        target = y[rows]
        if self.method == "mutual_info":
            values = self._mutual_info(features, discrete, target)
        else:
            values = self._forest(features, target)
        return {name: float(value) for name, value in zip(frame.columns, values)}

    def _mutual_info(self, features: np.ndarray, discrete: np.ndarray, y: np.ndarray) -> np.ndarray:
        from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

        score = mutual_info_regression if self.task == "regression" else mutual_info_classif
        return score(features, y, discrete_features=discrete, random_state=self.random_state)

    def _forest(self, features: np.ndarray, y: np.ndarray) -> np.ndarray:
        from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

        forest = ExtraTreesRegressor if self.task == "regression" else ExtraTreesClassifier
        model = forest(
            n_estimators=N_TREES,
            min_samples_leaf=3,
            max_features="sqrt",
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )
        return model.fit(features, y).feature_importances_

    def transform(self, X):
        """Return the kept columns of ``X``, unchanged."""
        return self._check_frame(X)[self.feature_names_out_]
