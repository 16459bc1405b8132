"""HistGradientBoosting that also fits on a column with (almost) no values, whose classifier
also stops early when a class has too few rows for scikit-learn's stratified split, and that
encodes ``category`` columns at predict by table lookup.

Imported when a model is built, like the rest of scikit-learn.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.utils import _safe_indexing

from automl_core import inner_split

#: Without any validation split, a classifier boosts ``ceil(SHRINKAGE_WITHOUT_VALIDATION /
#: learning_rate)`` iterations (at most ``max_iter``), as the XGBoost and CatBoost plugins do.
SHRINKAGE_WITHOUT_VALIDATION = 10.0


def unsplittable_as_constant(X, min_values: int):
    """``X`` with every numeric column holding fewer than ``min_values`` values set to zeros.

    scikit-learn 1.9's HistGradientBoosting fails to fit on a column without values ("window
    shape cannot be larger than input array shape"). A fit meets one whenever a column's few
    values all fall outside its training rows: in a cross-validation fold's validation rows, or
    in the estimator's own early-stopping split (how often: see the plugin's README).

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


class CategoryLookup:
    """What a fitted HistGradientBoosting's own preprocessor does to a frame of the same
    ``category`` dtypes, done with one table lookup per category column.

    With ``categorical_features="from_dtype"`` scikit-learn fits an ``OrdinalEncoder`` on the
    category columns (each level's rank among the levels seen at fit; missing and unseen
    levels are NaN) and puts them before the numeric columns. At predict that encoder checks
    and maps every value in Python, a large share of a predict call (see the plugin's README).
    Here each column's pandas codes index an array holding the encoder's value for each
    level, for the same output (tested).

    :param frame: the frame the model was fitted on (its columns and dtypes).
    :param is_categorical: the fitted model's ``is_categorical_``.
    :param encoder: the fitted model's ``OrdinalEncoder``.
    """

    def __init__(self, frame: pd.DataFrame, is_categorical: np.ndarray, encoder):
        self.columns = list(frame.columns)
        categorical = [c for c, is_cat in zip(self.columns, is_categorical) if is_cat]
        self.order = categorical + [c for c, is_cat in zip(self.columns, is_categorical) if not is_cat]
        # Plain lists, not pandas dtypes: skops writes these (a dtype would send the whole
        # pipeline to the pickle fallback, whose policy refuses HistGradientBoosting's check_array).
        self.levels = {c: frame[c].cat.categories.tolist() for c in categorical}
        self.tables = {}
        for column, seen in zip(categorical, encoder.categories_):
            levels = pd.Index(self.levels[column])
            seen = [v for v in seen if not pd.isna(v)]
            table = np.full(len(levels) + 1, np.nan)  # the last entry: code -1, missing
            table[levels.get_indexer(seen)] = np.arange(len(seen), dtype="float64")
            self.tables[column] = table

    @classmethod
    def of(cls, model, frame) -> CategoryLookup | None:
        """The lookup for ``model`` fitted on ``frame``, or None where scikit-learn's path must stay
        (no category column, or a preprocessor of another shape than this was written for)."""
        preprocessor = getattr(model, "_preprocessor", None)
        mask = getattr(model, "is_categorical_", None)
        if preprocessor is None or mask is None or not isinstance(frame, pd.DataFrame):
            return None
        encoder = getattr(preprocessor, "named_transformers_", {}).get("encoder")
        dtypes_match = len(mask) == frame.shape[1] and all(
            bool(is_cat) == isinstance(t, pd.CategoricalDtype) for is_cat, t in zip(mask, frame.dtypes)
        )
        if not dtypes_match or not hasattr(encoder, "categories_") or len(encoder.categories_) != mask.sum():
            return None
        return cls(frame, mask, encoder)

    def applies_to(self, X) -> bool:
        """Whether ``X`` has the fitted columns and category levels in the fitted order (else
        scikit-learn's path). Not dtype equality: pandas calls unordered dtypes equal whatever
        the order of their levels, and the codes follow that order."""
        if not (isinstance(X, pd.DataFrame) and list(X.columns) == self.columns):
            return False
        indexes = self.__dict__.get("_indexes")
        if indexes is None:
            if "levels" not in self.__dict__:
                return False  # written before levels were kept as lists (trusted pickles only)
            indexes = self.__dict__["_indexes"] = {c: pd.Index(levels) for c, levels in self.levels.items()}
        verified = self.__dict__.setdefault("_verified", {})  # dtypes already compared, kept alive here
        for column, index in indexes.items():
            dtype = X[column].dtype
            if verified.get(column) is dtype:  # the typing step hands the same dtype object every batch
                continue
            if not (isinstance(dtype, pd.CategoricalDtype) and dtype.categories.equals(index)):
                return False
            verified[column] = dtype
        return True

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_indexes", None)  # derived from ``levels``; rebuilt on first use
        state.pop("_verified", None)
        return state

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """``X`` as the fitted preprocessor would give it: encoded category columns first."""
        out = np.empty((len(X), len(self.order)), dtype="float64")
        for j, column in enumerate(self.order):
            values = X[column]
            if column in self.tables:
                out[:, j] = self.tables[column][values.array.codes]
            else:
                out[:, j] = values.to_numpy(dtype="float64", na_value=np.nan)
        return out


class _LookupPredict:
    """Fits as scikit-learn does; predicts through a :class:`CategoryLookup` where one applies."""

    def _fit_safe(self, fit, X, y, sample_weight):
        self.__dict__.pop("category_lookup_", None)  # an earlier fit's: not for this fit's X_val
        X = unsplittable_as_constant(X, self.min_samples_leaf)
        fit(X, y, sample_weight=sample_weight)
        self.category_lookup_ = CategoryLookup.of(self, X)
        return self

    def _preprocess_X(self, X, *, reset):
        lookup = getattr(self, "category_lookup_", None)
        if not reset and lookup is not None and lookup.applies_to(X):
            return lookup.transform(X)
        return super()._preprocess_X(X, reset=reset)


class EmptySafeHistGradientBoostingClassifier(_LookupPredict, HistGradientBoostingClassifier):
    """scikit-learn's ``HistGradientBoostingClassifier``, fitting also on a column with fewer
    values than ``min_samples_leaf`` (:func:`unsplittable_as_constant`) and on classes too
    small for its stratified early-stopping split (:meth:`_fit_rare_classes`), predicting
    through a :class:`CategoryLookup`."""

    def fit(self, X, y, sample_weight=None):
        return self._fit_safe(self._fit_rare_classes, X, y, sample_weight)

    def _fit_rare_classes(self, X, y, sample_weight=None):
        """scikit-learn's fit, also where its stratified early-stopping split is impossible.

        scikit-learn holds out ``validation_fraction`` of the rows, stratified by class, and
        fails when a class has a single row ("The least populated classes in y have only 1
        member") or when either part has fewer rows than there are classes: every trial of the
        family failed so on data with a class of one or two rows (in a fold's training rows,
        one). Then the engine's :func:`automl_core.inner_split` chooses the validation rows
        (stratified, rows of a class seen once kept for training), passed as ``X_val``; where
        even that split is impossible, the fit boosts a fixed number of iterations
        (:data:`SHRINKAGE_WITHOUT_VALIDATION`) without early stopping. Any other fit is
        scikit-learn's own, with its own split.
        """
        y = np.asarray(y)
        n_valid = self._validation_rows(len(y))
        counts = np.unique(y, return_counts=True)[1]
        if n_valid is None or (counts.min() >= 2 and min(n_valid, len(y) - n_valid) >= len(counts)):
            return super().fit(X, y, sample_weight=sample_weight)
        split = inner_split(y, True, n_valid / len(y), 1, self.random_state)
        if split is not None:
            train, valid = split
            weight = None if sample_weight is None else np.asarray(sample_weight, dtype="float64")
            return super().fit(
                _safe_indexing(X, train),
                y[train],
                sample_weight=None if weight is None else weight[train],
                X_val=_safe_indexing(X, valid),
                y_val=y[valid],
                sample_weight_val=None if weight is None else weight[valid],
            )
        early_stopping, max_iter = self.early_stopping, self.max_iter
        rounds = min(max_iter, math.ceil(SHRINKAGE_WITHOUT_VALIDATION / self.learning_rate))
        self.set_params(early_stopping=False, max_iter=rounds)
        try:
            return super().fit(X, y, sample_weight=sample_weight)
        finally:  # the parameters stay those given, for get_params and clone
            self.set_params(early_stopping=early_stopping, max_iter=max_iter)

    def _validation_rows(self, n_rows: int) -> int | None:
        """The rows scikit-learn's fit holds out to stop early on, or None when it holds none out."""
        # "auto" stops early above 10,000 rows: scikit-learn's own rule
        stops = self.early_stopping is True or (self.early_stopping == "auto" and n_rows > 10_000)
        if not stops or self.validation_fraction is None:
            return None
        if isinstance(self.validation_fraction, Integral):
            return int(self.validation_fraction)
        return math.ceil(self.validation_fraction * n_rows)


class EmptySafeHistGradientBoostingRegressor(_LookupPredict, HistGradientBoostingRegressor):
    """scikit-learn's ``HistGradientBoostingRegressor``, fitting also on a column with fewer
    values than ``min_samples_leaf`` (:func:`unsplittable_as_constant`), predicting through a
    :class:`CategoryLookup`."""

    def fit(self, X, y, sample_weight=None):
        return self._fit_safe(super().fit, X, y, sample_weight)
