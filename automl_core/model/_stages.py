"""The preprocessing step of every pipeline: a numeric chain and a categorical chain.

:class:`ColumnStages` sends the float columns of a :class:`~automl_core.model.TypedFrame`
to one transformer and its ``category`` columns to another, and puts their outputs side by
side. That is what scikit-learn's ``ColumnTransformer`` does in general (any column
selections, sparse output, parallel branches); these two fixed groups need none of that, and
its generality costs on every predict call, which an ensemble pays once per member and batch
(docs/performance.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

PASSTHROUGH = "passthrough"
#: Batches of at most this many rows, of at most :data:`SMALL_WIDTH` columns, are joined column
#: by column (what costs least for few rows and columns).
SMALL_BATCH = 64
SMALL_WIDTH = 256


class ColumnStages(TransformerMixin, BaseEstimator):
    """Numeric chain on the numeric columns, categorical chain on the ``category`` columns.

    Other columns are dropped (a :class:`~automl_core.model.TypedFrame` makes none). A group
    without columns is skipped. Each chain is any transformer, or ``"passthrough"``; it is
    cloned at fit and keeps its own ``fit_transform``, so a target encoder's cross-fitting
    still applies to the training rows. The output is a DataFrame on the input's index:
    the numeric chain's columns, then the categorical chain's.

    :param numeric: transformer for the numeric columns, or ``"passthrough"``.
    :param categorical: transformer for the ``category`` columns, or ``"passthrough"``.
    """

    def __init__(self, numeric=PASSTHROUGH, categorical=PASSTHROUGH):
        self.numeric = numeric
        self.categorical = categorical

    def fit(self, X: pd.DataFrame, y=None):
        """Fit both chains on their columns of ``X``."""
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: pd.DataFrame, y=None) -> pd.DataFrame:
        """Fit both chains and return their outputs on ``X`` (each chain's own ``fit_transform``)."""
        X = _frame(X)
        self.feature_names_in_ = list(X.columns)
        self.n_features_in_ = len(self.feature_names_in_)
        dtypes = list(X.dtypes.items())  # at once: a column lookup per column costs on wide frames
        numeric = [c for c, t in dtypes if pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)]
        categorical = [c for c, t in dtypes if isinstance(t, pd.CategoricalDtype)]
        self.groups_ = []
        parts = []
        for chain, columns in ((self.numeric, numeric), (self.categorical, categorical)):
            if not columns:
                continue
            fitted = chain if chain == PASSTHROUGH else _pandas_output(clone(chain))
            part = X[columns] if fitted == PASSTHROUGH else fitted.fit_transform(X[columns], y)
            self.groups_.append((fitted, columns))
            parts.append(_frame_like(part, fitted, columns, X.index))
        out = _join(parts, X.index)
        self.feature_names_out_ = list(out.columns)
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Both chains' outputs on ``X``, side by side."""
        check_is_fitted(self, "groups_")
        X = _frame(X)
        missing = [c for c in self.feature_names_in_ if c not in X.columns]
        if missing:
            raise ValueError(f"columns seen at fit are missing: {missing[:10]}")
        parts = []
        for fitted, columns in self.groups_:
            selected = X.iloc[:, X.columns.get_indexer(columns)]  # by position: half the cost of X[columns]
            part = selected if fitted == PASSTHROUGH else _transform(fitted, selected)
            parts.append(_frame_like(part, fitted, columns, X.index))
        return _join(parts, X.index)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def set_output(self, *, transform=None):
        """Output is always a DataFrame; the chains are asked for one at fit."""
        return self


def _frame(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"ColumnStages takes a DataFrame (a TypedFrame's output), got {type(X).__name__}")
    return X


def _transform(chain, X: pd.DataFrame):
    """``chain.transform(X)``; a scikit-learn ``Pipeline``'s steps are run one after the other
    here, which is all its ``transform`` does at predict (no parameters to route; each step was
    asked for pandas output at fit), without its per-call overhead, which each chain of each
    member would pay for each batch."""
    if type(chain) is not Pipeline:
        return chain.transform(X)
    for _, step in chain.steps:
        if step is not None and not (isinstance(step, str) and step == PASSTHROUGH):
            X = step.transform(X)
    return X


def _pandas_output(chain):
    if hasattr(chain, "set_output"):
        chain.set_output(transform="pandas")
    return chain


def _frame_like(part, chain, columns: list, index: pd.Index) -> pd.DataFrame:
    """A chain's output as a DataFrame on ``index`` (a chain that cannot give pandas output
    gives an array; its names come from ``get_feature_names_out``)."""
    if isinstance(part, pd.DataFrame):
        return part if part.index is index or part.index.equals(index) else part.set_axis(index, axis=0)
    if hasattr(part, "toarray"):
        part = part.toarray()
    names = chain.get_feature_names_out(columns) if hasattr(chain, "get_feature_names_out") else None
    return pd.DataFrame(part, index=index, columns=names)


def _join(parts: list[pd.DataFrame], index: pd.Index) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(index=index)
    if len(parts) == 1:
        return parts[0]
    if (
        len(index) <= SMALL_BATCH and sum(part.shape[1] for part in parts) <= SMALL_WIDTH
    ):  # a frame of the parts' columns costs half a concat of few rows
        columns = {name: part[name].array for part in parts for name in part.columns}
        if len(columns) == sum(part.shape[1] for part in parts):
            return pd.DataFrame(columns, index=index, copy=False)
    return pd.concat(parts, axis=1)
