"""Category columns as the integer codes that boosting libraries predict from.

A model family that takes categories natively (XGBoost, CatBoost, LightGBM) remembers the
levels of each ``category`` column at fit; at predict, every value must get the code of its
level among exactly those, and a missing value or a level never seen at fit must get none.
Converting a frame is what these libraries do on every call, and on small batches it costs
more than the prediction itself (docs/performance.md). Plugins call these two functions from
their estimators' predict; this module imports only numpy and pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def category_codes(values: pd.Series, levels: Sequence) -> np.ndarray:
    """The code of each of ``values`` among ``levels`` (its position there), ``-1`` for a
    missing value or a value not among ``levels``.

    A ``category`` column whose categories are ``levels`` in the same order (what the engine's
    typing step hands every batch) gives its own codes without a copy; anything else is
    matched by value. ``levels`` may be an index or a plain list (what a saved estimator
    keeps): a list is compared as it is, since making it an index on every call costs more
    than the comparison. (Not ``astype(CategoricalDtype(levels))``: pandas calls
    unordered dtypes with the same levels in another order equal and leaves the codes as they are.)
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        current = values.dtype.categories
        if current is levels or (
            current.equals(levels) if isinstance(levels, pd.Index) else current.tolist() == list(levels)
        ):
            return np.asarray(values.array.codes)  # not .cat.codes, which makes a Series per call
    return pd.Categorical(values, categories=levels).codes


def code_matrix(X: pd.DataFrame, names: Sequence[str], categories: Mapping[str, Sequence]) -> np.ndarray:
    """``X`` as a float64 matrix, columns in the order of ``names``: a column of ``categories``
    as the code of each value among that column's categories (NaN for missing values and
    levels not among them, :func:`category_codes`), any other column as numbers (NaN for missing).

    XGBoost and LightGBM give this matrix the same outputs as the frame of ``category``
    columns it came from (tested against each library's own conversion).
    """
    if list(X.columns) != list(names):
        X = X[list(names)]
    out = np.empty((len(X), len(names)), dtype="float64")
    for j, column in enumerate(names):
        values = X[column]
        if column in categories:
            codes = category_codes(values, categories[column]).astype("float64")
            codes[codes < 0] = np.nan
            out[:, j] = codes
        else:
            try:
                out[:, j] = values.to_numpy(dtype="float64", na_value=np.nan)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"column {column!r} does not hold numbers ({values.dtype}): {exc}") from None
    return out
