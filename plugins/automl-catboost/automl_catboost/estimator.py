"""CatBoost estimators that stop early on an inner validation split of their own.

The engine hands a model family's estimator the rows of one trial and nothing else; these
wrappers carve a validation split out of those rows, let CatBoost stop when the validation
loss no longer improves, and keep the model at its best iteration. On data too small for a
useful split they train a fixed number of rounds scaled to the learning rate instead.

Categorical columns (pandas ``category`` dtype) go to CatBoost as categorical features. The
categories seen at fit are remembered; at fit and at predict each categorical column is
handed over as its code among them, so a level never seen at fit becomes missing, and
missing is the code -1: a level of its own, since CatBoost refuses NaN in categorical
features. Numeric NaN goes to CatBoost as it is. A frame reaches CatBoost as a
``catboost.FeaturesData`` of two blocks, the numeric columns (float32) then the categorical
codes: the model's features are in that order. That spares CatBoost its own conversion of a
frame on every call (docs/performance.md); the models fitted either way are identical.

CatBoost writes no files (``allow_writing_files=False``), logs nothing, uses ``n_jobs``
threads at fit and at predict, and is seeded with ``random_state``.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import catboost
import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from automl_core import EarlyStoppingEstimator, category_codes

#: Rounds times learning rate when no validation split is possible: 100 rounds at 0.1.
_SHRINKAGE_WITHOUT_VALIDATION = 10.0
#: The learning rate assumed for that count when ``params`` names none.
_DEFAULT_LEARNING_RATE = 0.1


@functools.lru_cache(maxsize=16)
def _code_text(n_levels: int) -> np.ndarray:
    """The codes -1 .. n_levels-1 as the bytes CatBoost reads, indexed by code + 1."""
    return np.array([str(code).encode() for code in range(-1, n_levels)], dtype=object)


def _data(
    numeric: np.ndarray | None,
    categorical: np.ndarray | None,
    rows: Any = slice(None),
    names: tuple[list, list] | None = None,
) -> Any:
    """What CatBoost reads: the numeric block alone, or both blocks as ``FeaturesData``."""
    if categorical is None:
        return numeric[rows]
    num_names, cat_names = names or (None, None)
    return catboost.FeaturesData(
        num_feature_data=None if numeric is None else numeric[rows],
        cat_feature_data=categorical[rows],
        num_feature_names=num_names if numeric is not None else None,
        cat_feature_names=cat_names,
    )


class _EarlyStoppingCatBoost(EarlyStoppingEstimator):
    """Shared fit and predict logic of the classifier and the regressor.

    :param params: CatBoost parameters (``depth``, ``learning_rate``...), passed through.
    :param n_estimators: the most boosting rounds to train (CatBoost's ``iterations``).
    :param early_stopping_rounds: stop after this many rounds without validation improvement.
    :param validation_fraction: share of the rows held out for early stopping.
    :param min_validation_rows: below this many rows in either part, no split is made.
    :param random_state: seeds the split and CatBoost.
    :param n_jobs: threads CatBoost may use, at fit and at predict.
    """

    _catboost_class: type  # the CatBoost estimator class the subclass wraps

    def _catboost_params(self, **fixed: Any) -> dict:
        params = dict(self.params or {})
        params.update(
            fixed,
            thread_count=self.n_jobs,
            random_seed=self.random_state,
            allow_writing_files=False,
            logging_level="Silent",
        )
        return params

    def _fit_model(self, X: Any, y: np.ndarray, sample_weight: Any, **fixed: Any) -> None:
        numeric, categorical = self._blocks(self._remember_columns(X))
        names = ([str(c) for c in self.numeric_], [str(c) for c in self.categories_])
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        params = self._catboost_params(**fixed)
        split = self._inner_split(y)

        def part(rows: Any) -> catboost.Pool:
            return catboost.Pool(
                _data(numeric, categorical, rows, names), y[rows], weight=None if weight is None else weight[rows]
            )

        if split is None:
            rate = params.get("learning_rate", _DEFAULT_LEARNING_RATE)
            rounds = min(self.n_estimators, math.ceil(_SHRINKAGE_WITHOUT_VALIDATION / rate))
            self.model_ = self._catboost_class(iterations=rounds, **params)
            self.model_.fit(part(slice(None)))
        else:
            train, valid = split
            self.model_ = self._catboost_class(
                iterations=self.n_estimators, early_stopping_rounds=self.early_stopping_rounds, **params
            )
            self.model_.fit(part(train), eval_set=part(valid), use_best_model=True)
        self.best_iteration_ = int(self.model_.tree_count_) - 1

    def _remember_columns(self, X: Any) -> Any:
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=np.float32)
            self.n_features_in_ = X.shape[1]
            self.numeric_, self.categories_ = list(range(X.shape[1])), {}
            return X
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        # plain lists, not pandas objects: the model package can then write the estimator with skops
        self.categories_ = {
            c: X[c].cat.categories.tolist() for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)
        }
        self.numeric_ = [c for c in X.columns if c not in self.categories_]
        return X

    def _blocks(self, X: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The numeric columns as float32, and the categorical ones as code bytes (or None)."""
        if not isinstance(X, pd.DataFrame):
            return np.asarray(X, dtype=np.float32), None
        numeric = X[self.numeric_].to_numpy(np.float32) if self.numeric_ or not self.categories_ else None
        if not self.categories_:
            return numeric, None
        codes = np.column_stack([category_codes(X[c], levels) for c, levels in self.categories_.items()])
        return numeric, _code_text(max(len(levels) for levels in self.categories_.values()))[codes + 1]

    def _prepare(self, X: Any) -> Any:
        check_is_fitted(self, "model_")
        return _data(*self._blocks(X))


class CatBoostEarlyStoppingClassifier(ClassifierMixin, _EarlyStoppingCatBoost):
    """A CatBoost classifier that stops early on a stratified inner validation split.

    Two classes are fitted with the ``Logloss`` loss, more with ``MultiClass``. ``classes_``
    holds the labels seen at fit; ``predict_proba`` has one column per class, in that order.
    ``best_iteration_`` is the last round the model uses.
    """

    _catboost_class = catboost.CatBoostClassifier
    _stratify = True

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CatBoostEarlyStoppingClassifier:
        """Fit on ``X`` and class labels ``y`` (rows weighted by ``sample_weight`` if given),
        holding out a stratified split for early stopping."""
        encoder = LabelEncoder().fit(np.asarray(y))
        self.classes_ = encoder.classes_
        codes = np.arange(len(self.classes_))
        loss = "Logloss" if len(codes) <= 2 else "MultiClass"
        self._fit_model(
            X, encoder.transform(np.asarray(y)), sample_weight, loss_function=loss, class_names=codes.tolist()
        )
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, one column per entry of ``classes_``."""
        return self.model_.predict_proba(self._prepare(X), thread_count=self.n_jobs)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class label of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CatBoostEarlyStoppingRegressor(RegressorMixin, _EarlyStoppingCatBoost):
    """A CatBoost regressor (``RMSE`` loss) that stops early on a random inner validation split.

    ``best_iteration_`` is the last round the model uses.
    """

    _catboost_class = catboost.CatBoostRegressor
    _stratify = False

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CatBoostEarlyStoppingRegressor:
        """Fit on ``X`` and float targets ``y`` (rows weighted by ``sample_weight`` if given),
        holding out a random split for early stopping."""
        self._fit_model(X, np.asarray(y, dtype=float), sample_weight, loss_function="RMSE")
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values."""
        return self.model_.predict(self._prepare(X), thread_count=self.n_jobs)
