"""XGBoost estimators that stop early on an inner validation split of their own.

The engine hands a model family's estimator the rows of one trial and nothing else; these
wrappers carve a validation split out of those rows, let XGBoost stop when the validation
loss no longer improves, and keep the model at its best iteration. On data too small for a
useful split they train a fixed number of rounds scaled to the learning rate instead.

Categorical columns (pandas ``category`` dtype) go to XGBoost natively. The categories seen
at fit are remembered, and at predict every categorical column becomes the codes of its values
among them (:func:`automl_core.code_matrix`), so a level never seen at fit is missing (NaN)
instead of being silently given a code of its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import xgboost
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from automl_core import EarlyStoppingEstimator, code_matrix

#: Rounds times learning rate when no validation split is possible: 100 rounds at 0.1.
_SHRINKAGE_WITHOUT_VALIDATION = 10.0


class _EarlyStoppingXGBoost(EarlyStoppingEstimator):
    """Shared fit and predict logic of the classifier and the regressor.

    :param params: XGBoost parameters (``learning_rate``, ``max_depth``...), passed through.
    :param n_estimators: the most boosting rounds to train.
    :param early_stopping_rounds: stop after this many rounds without validation improvement.
    :param validation_fraction: share of the rows held out for early stopping.
    :param min_validation_rows: below this many rows in either part, no split is made.
    :param random_state: seeds the split and XGBoost.
    :param n_jobs: threads XGBoost may use.
    """

    _xgb_class: type  # the XGBoost estimator class the subclass wraps

    def _booster_params(self) -> dict:
        params = dict(self.params or {})
        params.update(tree_method="hist", enable_categorical=True)
        params.update(random_state=self.random_state, n_jobs=self.n_jobs)
        return params

    def _fit_model(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        X = self._remember_columns(X)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        params = self._booster_params()
        split = self._inner_split(y)
        if split is None:
            rounds = math.ceil(_SHRINKAGE_WITHOUT_VALIDATION / params.get("learning_rate", 0.3))
            self.model_ = self._xgb_class(n_estimators=min(self.n_estimators, rounds), **params)
            self.model_.fit(X, y, sample_weight=weight, verbose=False)
            self.best_iteration_ = self.model_.n_estimators - 1
            return
        train, valid = split
        self.model_ = self._xgb_class(
            n_estimators=self.n_estimators, early_stopping_rounds=self.early_stopping_rounds, **params
        )
        self.model_.fit(
            _rows(X, train),
            y[train],
            eval_set=[(_rows(X, valid), y[valid])],
            verbose=False,
            sample_weight=None if weight is None else weight[train],
            sample_weight_eval_set=None if weight is None else [weight[valid]],
        )
        self.best_iteration_ = int(self.model_.best_iteration)

    def _remember_columns(self, X: Any) -> Any:
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=float)
            self.n_features_in_ = X.shape[1]
            self.categories_ = {}
            self.__dict__.pop("feature_names_in_", None)  # from an earlier fit on a frame
            return X
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        categorical = {c: X[c].dtype for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)}
        # a category column without any category (a fold without the column's only levels)
        # makes XGBoost 3 fail ("cannot call `vectorize` on size 0 inputs"): it goes in as a
        # numeric column of missing values, here and at predict
        self.empty_categories_ = [c for c, dtype in categorical.items() if len(dtype.categories) == 0]
        # levels as plain lists, not pandas dtypes: skops writes lists, and refuses dtypes
        self.categories_ = {
            c: dtype.categories.tolist() for c, dtype in categorical.items() if c not in self.empty_categories_
        }
        # XGBoost refuses names with "[", "]" or "<" ("price [USD]"): it gets f0, f1... (the
        # names are remembered here; predict hands it a matrix, by position)
        return _as_missing(X, self.empty_categories_).set_axis([f"f{i}" for i in range(X.shape[1])], axis=1)

    def _prepare(self, X: Any) -> np.ndarray:
        """The float matrix XGBoost predicts from (:func:`automl_core.code_matrix`): numeric
        columns as they are, a categorical column as the code of its level among the categories
        seen at fit (missing and unseen levels NaN), in the order seen at fit. Equal outputs to
        XGBoost's own conversion of the frame (tested), without its per-call cost."""
        check_is_fitted(self, "model_")
        if not isinstance(X, pd.DataFrame) or not hasattr(self, "feature_names_in_"):
            return np.asarray(X, dtype=float)  # fitted on an array: columns by position
        # a list of levels; a pandas dtype in models saved before the lists
        categories = {c: getattr(t, "categories", t) for c, t in self.categories_.items()}
        # a column without categories at fit went in as missing values: no level has a code
        categories.update({c: pd.Index([]) for c in getattr(self, "empty_categories_", ())})  # absent from older models
        return code_matrix(X, list(self.feature_names_in_), categories)


def _as_missing(X: pd.DataFrame, columns) -> pd.DataFrame:
    """``X`` with ``columns`` replaced by float columns of NaN (``X`` itself if there are none)."""
    if not columns:
        return X
    X = X.copy()
    for column in columns:
        X[column] = np.nan
    return X


def _rows(X: Any, index: np.ndarray) -> Any:
    return X.iloc[index] if isinstance(X, pd.DataFrame) else X[index]


class XGBoostEarlyStoppingClassifier(ClassifierMixin, _EarlyStoppingXGBoost):
    """An XGBoost classifier that stops early on a stratified inner validation split.

    ``classes_`` holds the labels seen at fit; ``predict_proba`` has one column per class,
    in that order. ``best_iteration_`` is the last round the model uses.
    """

    _xgb_class = xgboost.XGBClassifier
    _stratify = True

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> XGBoostEarlyStoppingClassifier:
        """Fit on ``X`` and class labels ``y`` (rows weighted by ``sample_weight`` if given),
        holding out a stratified split for early stopping."""
        encoder = LabelEncoder().fit(np.asarray(y))
        self.classes_ = encoder.classes_
        self._fit_model(X, encoder.transform(np.asarray(y)), sample_weight)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, one column per entry of ``classes_``."""
        return self.model_.predict_proba(self._prepare(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class label of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class XGBoostEarlyStoppingRegressor(RegressorMixin, _EarlyStoppingXGBoost):
    """An XGBoost regressor that stops early on a random inner validation split.

    ``best_iteration_`` is the last round the model uses.
    """

    _xgb_class = xgboost.XGBRegressor
    _stratify = False

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> XGBoostEarlyStoppingRegressor:
        """Fit on ``X`` and float targets ``y`` (rows weighted by ``sample_weight`` if given),
        holding out a random split for early stopping."""
        self._fit_model(X, np.asarray(y, dtype=float), sample_weight)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values."""
        return self.model_.predict(self._prepare(X))
