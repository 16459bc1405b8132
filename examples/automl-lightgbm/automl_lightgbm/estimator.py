"""LightGBM estimators that stop early on an inner validation split of their own.

automl-core gives a model family's estimator the training rows of one trial and nothing
more, so a boosting model that wants early stopping holds out its own validation rows: 15%
of them (stratified for classification), stopping after 50 rounds without improvement.
LightGBM then predicts with the best iteration. On data too small to split, a fixed number
of rounds scaled to the learning rate is trained instead.

Categorical columns arrive as pandas ``category`` dtype and go to LightGBM natively; LightGBM
remembers their categories and maps a level unseen at fit to missing at predict. At predict
the estimator hands LightGBM's booster the frame as a matrix of those categories' codes
(:func:`automl_core.code_matrix`): the same outputs, without LightGBM's own conversion of a
frame on every call (README, "What it costs").
"""

from __future__ import annotations

import math
from typing import Any

import lightgbm
import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from automl_core import EarlyStoppingEstimator, code_matrix

#: Rounds times learning rate when the data are too small to split: 100 rounds at 0.1.
SHRINKAGE_WITHOUT_VALIDATION = 10.0


def _rows(X: Any, index: np.ndarray) -> Any:
    return X.iloc[index] if hasattr(X, "iloc") else np.asarray(X)[index]


class _EarlyStoppingLightGBM(EarlyStoppingEstimator):
    """Fit and predict logic shared by the classifier and the regressor.

    :param params: LightGBM parameters (``learning_rate``, ``num_leaves``...), passed through.
    :param n_estimators: the most boosting rounds to train.
    :param early_stopping_rounds: stop after this many rounds without validation improvement.
    :param validation_fraction: share of the rows held out for early stopping.
    :param min_validation_rows: below this many rows in either part, no split is made.
    :param random_state: seeds the split and LightGBM.
    :param n_jobs: threads LightGBM may use.
    """

    _lgbm_class: type  # the LightGBM estimator the subclass wraps

    def _fit_model(self, X: Any, y: np.ndarray) -> None:
        params = {**(self.params or {}), "random_state": self.random_state, "n_jobs": self.n_jobs, "verbosity": -1}
        names = X.columns if hasattr(X, "columns") else None
        if names is not None:  # LightGBM refuses names with JSON's special characters ('a,b', 'x: y'): f0, f1...
            X = X.set_axis([f"f{i}" for i in range(X.shape[1])], axis=1)
        split = self._inner_split(y)
        if split is None:
            rounds = math.ceil(SHRINKAGE_WITHOUT_VALIDATION / params.get("learning_rate", 0.1))
            self.model_ = self._lgbm_class(n_estimators=min(self.n_estimators, rounds), **params).fit(X, y)
        else:
            train, valid = split
            self.model_ = self._lgbm_class(n_estimators=self.n_estimators, **params)
            # y is already encoded as 0..k-1: LightGBM 4.7 does not encode eval_y itself (issue 7400).
            self.model_.fit(
                _rows(X, train),
                y[train],
                eval_X=_rows(X, valid),
                eval_y=y[valid],
                callbacks=[lightgbm.early_stopping(self.early_stopping_rounds, verbose=False)],
            )
        self.best_iteration_ = self.model_.best_iteration_ or self.model_.n_estimators
        self.n_features_in_ = self.model_.n_features_in_
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
            self.categorical_ = [c for c, dtype in zip(names, X.dtypes) if isinstance(dtype, pd.CategoricalDtype)]
        else:  # fitted on an array: no names, columns by position
            self.__dict__.pop("feature_names_in_", None)
            self.__dict__.pop("categorical_", None)

    def _raw(self, X: Any) -> np.ndarray:
        """The booster's output on ``X`` (probabilities of the positive class for binary
        classification), from the matrix of codes of the categories LightGBM kept at fit."""
        check_is_fitted(self, "model_")
        categorical = getattr(self, "categorical_", None)  # None: fitted on an array
        booster = self.model_.booster_
        if categorical is not None and hasattr(X, "columns"):
            X = code_matrix(X, list(self.feature_names_in_), dict(zip(categorical, booster.pandas_categorical or [])))
        return booster.predict(X, num_threads=self.n_jobs)


class LightGBMEarlyStoppingClassifier(ClassifierMixin, _EarlyStoppingLightGBM):
    """A LightGBM classifier that stops early on a stratified inner validation split.

    ``classes_`` holds the labels seen at fit, in the column order of ``predict_proba``;
    ``best_iteration_`` is the number of rounds the model predicts with.
    """

    _lgbm_class = lightgbm.LGBMClassifier
    _stratify = True

    def fit(self, X: Any, y: Any) -> LightGBMEarlyStoppingClassifier:
        """Fit on ``X`` and class labels ``y``."""
        encoder = LabelEncoder().fit(np.asarray(y))
        self.classes_ = encoder.classes_
        self._fit_model(X, encoder.transform(np.asarray(y)))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, one column per entry of ``classes_``."""
        output = self._raw(X)
        return output if output.ndim == 2 else np.column_stack([1.0 - output, output])

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class label of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class LightGBMEarlyStoppingRegressor(RegressorMixin, _EarlyStoppingLightGBM):
    """A LightGBM regressor that stops early on a random inner validation split.

    ``best_iteration_`` is the number of rounds the model predicts with.
    """

    _lgbm_class = lightgbm.LGBMRegressor
    _stratify = False

    def fit(self, X: Any, y: Any) -> LightGBMEarlyStoppingRegressor:
        """Fit on ``X`` and float targets ``y``."""
        self._fit_model(X, np.asarray(y, dtype=float))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values."""
        return self._raw(X)
