"""Small transformers scikit-learn does not have, written to its estimator rules.

* :class:`NativeCategoryEncoder` turns categorical columns into pandas ``category`` columns
  whose categories are fixed at fit, for models that split on categories natively.
* :class:`OrdinalCodeEncoder` gives each level its index among the levels sorted at fit.
* :class:`CategoricalImputer` fills missing levels and keeps the ``category`` dtype.
* :class:`QuantileClipper` clips numeric columns to quantiles learned at fit.

Each supports ``set_output(transform="pandas")`` and ``get_feature_names_out``. The
categorical ones read a pandas ``category`` column (what the engine's typing step hands them)
level by level rather than row by row (:func:`recode`; another column is made a ``category``
column first), which is much cheaper per call, and predict time is mostly such calls
(docs/performance.md).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

#: The level that :class:`NativeCategoryEncoder` gives to the infrequent levels it groups.
OTHER = "__other__"


class _FrameTransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Base of the transformers that work column by column on a DataFrame."""

    def _check_frame(self, X, reset: bool) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"{type(self).__name__} takes a pandas DataFrame, got {type(X).__name__}")
        if reset:
            self.__dict__.pop("_derived_cache", None)
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            self.n_features_in_ = X.shape[1]
            return X
        check_is_fitted(self)
        missing = [c for c in self.feature_names_in_ if c not in X.columns]
        if missing:
            raise ValueError(f"{type(self).__name__}: columns seen at fit are missing: {missing}")
        return X

    def _derived(self, column, make):
        """``make()``, the objects a column's transform derives from the fitted state (a level
        index, a dtype), made on first use and kept: building them on every call cost more than
        recoding the column. Not pickled; a new fit clears them."""
        cache = self.__dict__.setdefault("_derived_cache", {})
        if column not in cache:
            cache[column] = make()
        return cache[column]

    def _recode(self, values: pd.Series, column, mapping_of, missing: int) -> np.ndarray:
        """:func:`recode` of a fitted column, with the column's mapping remembered between calls."""
        return recode(values, mapping_of, missing, self._derived(("memo", column), lambda: [None]))

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_derived_cache", None)
        return state


def recode(values: pd.Series, mapping_of, missing: int, memo: list | None = None) -> np.ndarray:
    """The codes of ``values`` recoded level by level.

    ``mapping_of(categories)`` gives, for each of the column's categories, its new code (or
    -1); missing values get ``missing``. A column that is not of ``category`` dtype is made one
    first (its distinct values become its categories).

    ``memo``, a one-slot list the caller keeps per column, holds the last categories and their
    mapping: the engine's typing step hands every batch the same categories object (pandas
    indexes are immutable), so the mapping is made once, not on every call, where a one-row
    predict would remake dozens of them. Callers clear it when they refit.
    """
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values, memo = values.astype("category"), None  # new categories on every call
    categories = values.cat.categories
    last = memo[0] if memo else None
    if last is not None and last[0] is categories:
        mapping = last[1]
    else:
        mapping = np.append(np.asarray(mapping_of(categories), dtype="int64"), missing)
        if memo is not None:
            memo[0] = (categories, mapping)  # one assignment: a concurrent reader sees a whole pair
    return mapping[values.array.codes]  # code -1 (missing) takes the appended entry; .array.codes, not
    # .cat.codes, which makes a Series on every call


class NativeCategoryEncoder(_FrameTransformer):
    """Outputs each column as a pandas ``category`` column whose categories are fixed at fit.

    For models that take categories natively (HistGradientBoosting with
    ``categorical_features="from_dtype"``, XGBoost with ``enable_categorical=True``). A level
    unseen at fit, or missing, comes out as NaN, so the model never meets a category it was not
    trained on. A column with more than ``max_categories`` observed levels keeps its
    ``max_categories - 1`` most frequent ones and groups the others into the level
    ``"__other__"``: HistGradientBoosting refuses more than 255 categories per feature
    (its ``max_bins``), and a cap keeps any native model's split search affordable.

    :param max_categories: most categories a column may have in the output (at least 2).
    """

    def __init__(self, max_categories: int = 255):
        self.max_categories = max_categories

    def fit(self, X, y=None):
        """Learn each column's categories (and its infrequent levels) from ``X``."""
        X = self._check_frame(X, reset=True)
        if self.max_categories < 2:
            raise ValueError(f"max_categories must be at least 2, got {self.max_categories}")
        self.categories_, self.infrequent_ = {}, {}
        for column in X.columns:
            counts = X[column].value_counts(dropna=True)
            levels = list(counts.index[counts > 0])
            if len(levels) > self.max_categories:
                kept = self.max_categories - 1
                self.infrequent_[column] = levels[kept:]
                levels = levels[:kept] + [OTHER]
            self.categories_[column] = levels
        return self

    def transform(self, X):
        """Return ``X`` as category columns with the categories learned at fit."""
        X = self._check_frame(X, reset=False)
        out = {}
        for column, levels in self.categories_.items():
            infrequent = self.infrequent_.get(column)
            index, dtype = self._derived(column, lambda levels=levels: (pd.Index(levels), pd.CategoricalDtype(levels)))

            def mapping_of(categories, index=index, infrequent=infrequent):  # bound now, as above
                codes = index.get_indexer(categories)
                if infrequent:
                    codes[categories.isin(infrequent)] = index.get_loc(OTHER)
                return codes

            codes = self._recode(X[column], column, mapping_of, -1)
            out[column] = pd.Categorical.from_codes(codes, dtype=dtype)
        return pd.DataFrame(out, index=X.index)


class OrdinalCodeEncoder(_FrameTransformer):
    """Each categorical column as the index (float) of its level among the levels seen at fit,
    sorted; missing values and levels unseen at fit become ``missing_value``.

    The output of scikit-learn's ``OrdinalEncoder(handle_unknown="use_encoded_value",
    unknown_value=v, encoded_missing_value=v)`` (tested equal on real data), for the engine's
    ``category`` columns at a fraction of its per-call cost: it maps levels, not rows.

    :param missing_value: the code of missing and unseen values (-1 or NaN, say).
    """

    def __init__(self, missing_value: float = -1.0):
        self.missing_value = missing_value

    def fit(self, X, y=None):
        """Learn each column's levels (sorted) from ``X``."""
        X = self._check_frame(X, reset=True)
        self.categories_ = {}
        for column in X.columns:
            levels = X[column].dropna().unique().tolist()
            try:
                self.categories_[column] = sorted(levels)
            except TypeError:  # levels of mixed types: sorted by their text
                self.categories_[column] = sorted(levels, key=str)
        return self

    def transform(self, X):
        """Return ``X`` as float level codes."""
        X = self._check_frame(X, reset=False)
        out = {}
        for column, levels in self.categories_.items():
            index = self._derived(column, lambda levels=levels: pd.Index(levels, dtype=object))
            codes = self._recode(X[column], column, index.get_indexer, -1)
            column_out = codes.astype("float64")
            column_out[codes < 0] = self.missing_value
            out[column] = column_out
        return pd.DataFrame(out, index=X.index)


class CategoricalImputer(_FrameTransformer):
    """Fills missing levels of categorical columns and outputs pandas ``category`` columns.

    ``strategy="most_frequent"`` fills with the most frequent level at fit (the smallest of
    ties); ``"constant"`` with ``fill_value``, a level of its own. Levels come out as strings,
    so that the fill value never mixes types with them (which scikit-learn's encoders refuse).
    A level unseen at fit counts as missing. A column with no value at fit is filled with
    ``fill_value`` whatever the strategy.

    :param strategy: ``"most_frequent"`` or ``"constant"``.
    :param fill_value: the level used by ``"constant"``.
    """

    def __init__(self, strategy: str = "most_frequent", fill_value: str = "__missing__"):
        self.strategy = strategy
        self.fill_value = fill_value

    def fit(self, X, y=None):
        """Learn each column's levels and fill level from ``X``."""
        X = self._check_frame(X, reset=True)
        if self.strategy not in ("most_frequent", "constant"):
            raise ValueError(f"strategy must be 'most_frequent' or 'constant', got {self.strategy!r}")
        self.categories_, self.fill_values_ = {}, {}
        for column in X.columns:
            values = X[column].dropna().astype(str)
            levels = sorted(values.unique())
            fill = self.fill_value
            if self.strategy == "most_frequent" and levels:
                fill = values.mode().iloc[0]
            self.categories_[column] = levels if fill in levels else levels + [fill]
            self.fill_values_[column] = fill
        return self

    def transform(self, X):
        """Return ``X`` with missing and unseen levels filled, as category columns."""
        X = self._check_frame(X, reset=False)
        out = {}
        for column, levels in self.categories_.items():
            fill = levels.index(self.fill_values_[column])
            index, dtype = self._derived(column, lambda levels=levels: (pd.Index(levels), pd.CategoricalDtype(levels)))

            def mapping_of(categories, index=index, fill=fill):  # bound now, as above
                codes = index.get_indexer(categories.map(str))
                codes[codes < 0] = fill  # unseen at fit: filled like a missing value
                return codes

            codes = self._recode(X[column], column, mapping_of, fill)
            out[column] = pd.Categorical.from_codes(codes, dtype=dtype)
        return pd.DataFrame(out, index=X.index)


class QuantileClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Clips each numeric column to its ``lower`` and ``upper`` quantiles learned at fit.

    NaN stays NaN (imputation is another stage); a column with no value at fit is left as is.

    :param lower: quantile of the lower bound, in ``[0, 0.5)``.
    :param upper: quantile of the upper bound, in ``(0.5, 1]``.
    """

    def __init__(self, lower: float = 0.01, upper: float = 0.99):
        self.lower = lower
        self.upper = upper

    def fit(self, X, y=None):
        """Learn the clipping bounds of each column from ``X``."""
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        if not 0 <= self.lower < 0.5 < self.upper <= 1:
            raise ValueError(f"need 0 <= lower < 0.5 < upper <= 1, got lower={self.lower}, upper={self.upper}")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
            low, high = np.nanquantile(X, [self.lower, self.upper], axis=0)
        self.lower_ = np.where(np.isnan(low), -np.inf, low)
        self.upper_ = np.where(np.isnan(high), np.inf, high)
        return self

    def transform(self, X):
        """Return ``X`` clipped to the bounds learned at fit."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        return np.clip(X, self.lower_, self.upper_)
