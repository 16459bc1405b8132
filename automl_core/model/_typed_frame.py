"""The first step of every pipeline: features cast to the types the column plan decided.

:class:`TypedFrame` turns whatever arrives into float64 numeric columns and ``category``
columns whose levels were fixed at fit, so an unseen level reaches the model as missing,
never as a crash.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

#: Batches of at most this many rows, of at most :data:`SMALL_WIDTH` columns, are typed column
#: by column in numpy (:meth:`TypedFrame._transform_small`); a wider frame costs more column by
#: column than in blocks, whatever its rows (10,000 columns: 1.2 s a call against 0.05 s).
SMALL_BATCH = 64
SMALL_WIDTH = 256


def _missing(value) -> bool:
    """Whether a value pandas would read as missing (None, NaN, NaT, pd.NA)."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


class TypedFrame(TransformerMixin, BaseEstimator):
    """Casts features to the types of a :class:`~automl_core.data.ColumnPlan`: float64 or fixed-level category.

    Columns not in the plan (added by a feature builder) are typed by dtype. Datetime, text,
    identifier and dropped columns do not pass (feature builders consume them before).
    """

    def __init__(self, plan=None):
        self.plan = plan

    def fit(self, X: pd.DataFrame, y=None):
        kinds = dict(self.plan.kinds) if self.plan is not None else {}
        self.numeric_, self.categorical_ = [], []
        for col, dtype in X.dtypes.items():  # dtypes at once: a column lookup per column costs on wide frames
            kind = kinds.get(col) or (
                "numeric"
                if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                else "categorical"
            )
            if kind == "numeric":
                self.numeric_.append(col)
            elif kind == "categorical":
                self.categorical_.append(col)
        self.categories_ = {c: self._levels(X[c]) for c in self.categorical_}
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    @staticmethod
    def _levels(s: pd.Series) -> list:
        counts = s.dropna().astype(str).value_counts()
        return sorted(counts.index.tolist())

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        if len(X) <= SMALL_BATCH and len(self.numeric_) + len(self.categorical_) <= SMALL_WIDTH:
            return self._transform_small(X)
        numbers = X[self.numeric_]
        if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in numbers.dtypes):
            out = numbers.astype("float64")  # one block: the common case, cheap on every call
        else:
            out = pd.DataFrame(
                {c: pd.to_numeric(X[c], errors="raise").astype("float64") for c in self.numeric_}, index=X.index
            )
        if not self.categorical_:
            return out
        # one frame of all category columns, then one concat: cheaper than inserting them one by one
        categories = pd.DataFrame({col: self._categorical(X[col], col) for col in self.categorical_}, index=X.index)
        return pd.concat([out, categories], axis=1)

    def _categorical(self, values: pd.Series, col: str) -> pd.Categorical:
        """``values`` as category codes over the fitted levels (missing or unseen: NaN).

        Strings are matched to the levels in one pass (``pd.Categorical``), which is cheaper
        than going through their text; other values (numbers, mixed objects) by their text, as
        the levels were made (timings in docs/performance.md).
        """
        dtype = self._dtype(col)
        if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(dtype.categories):
            return values.array
        if pd.api.types.infer_dtype(values, skipna=True) == "string":
            return pd.Categorical(values, dtype=dtype)
        codes = dtype.categories.get_indexer(values.astype(str))
        codes[values.isna().to_numpy()] = -1
        return pd.Categorical.from_codes(codes, dtype=dtype)

    def _transform_small(self, X: pd.DataFrame) -> pd.DataFrame:
        """:meth:`transform` for a few rows, column by column in numpy: the same frame, without
        the per-call costs of pandas' block operations, which dominate a one-record predict."""
        columns = {}
        for col in self.numeric_:
            values = X[col].to_numpy()
            if values.dtype.kind in "fiu":
                columns[col] = values.astype("float64")
            else:
                columns[col] = pd.to_numeric(X[col], errors="raise").to_numpy(dtype="float64", na_value=np.nan)
        for col in self.categorical_:
            columns[col] = self._small_categorical(X[col], col)
        return pd.DataFrame(columns, index=X.index, copy=False)

    def _small_categorical(self, values: pd.Series, col: str) -> pd.Categorical:
        """The codes of a few values among the fitted levels, looked up by their text (what the
        levels were made of), -1 for missing and unseen."""
        dtype = self._dtype(col)
        if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(dtype.categories):
            return values.array
        lookup = self._lookup(col)
        codes = np.fromiter(
            (-1 if _missing(v) else lookup.get(v if type(v) is str else str(v), -1) for v in values.to_numpy()),
            dtype=np.int64,
            count=len(values),
        )
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)

    def _lookup(self, col: str) -> dict:
        """The fitted levels of ``col`` to their codes, made once."""
        cache = self.__dict__.setdefault("_lookups", {})
        if col not in cache:
            cache[col] = {level: code for code, level in enumerate(self._dtype(col).categories)}
        return cache[col]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_dtypes", None)  # caches, rebuilt on first use
        state.pop("_lookups", None)
        return state

    def _dtype(self, col: str) -> pd.CategoricalDtype:
        """The fitted levels of ``col`` as a dtype, made once."""
        cache = self.__dict__.setdefault("_dtypes", {})
        if col not in cache:
            cache[col] = pd.CategoricalDtype(pd.Index(self.categories_[col], dtype=object))
        return cache[col]

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.numeric_ + self.categorical_, dtype=object)

    def set_output(self, *, transform=None):
        return self
