"""scikit-learn's one-hot and target encoders, with a transform that reads category codes.

Both classes are scikit-learn's encoders, fitted by scikit-learn's own ``fit`` (and, for the
target encoder, its cross-fitted ``fit_transform``). Only ``transform`` differs, and only on a
DataFrame of pandas ``category`` columns, which is what the engine's typing step and the
plugin's categorical imputers hand them: the output is computed per level (each of the
column's categories is looked up once, then the row codes index the result) instead of per
row. Anything else goes to scikit-learn's ``transform``. The outputs are equal to scikit-
learn's (tested on real data with missing and unseen levels).

Why: scikit-learn checks and encodes each object column value by value on every call, and an
ensemble pays that once per member and batch (docs/performance.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder, TargetEncoder
from sklearn.utils.validation import check_is_fitted

from .transformers import recode


def _category_frame(encoder, X) -> bool:
    """Whether ``X`` is a frame of category columns, by name, in the order seen at fit."""
    names = getattr(encoder, "feature_names_in_", None)
    return (
        isinstance(X, pd.DataFrame)
        and names is not None
        and list(X.columns) == list(names)
        and all(isinstance(t, pd.CategoricalDtype) for t in X.dtypes)
    )


class _LevelPlan:
    """Where each fitted level of one column goes: ``position[j]`` is the output code of the
    ``j``-th non-missing level of ``categories_`` (-1 for none); ``missing`` is that of a
    missing value (the code of a missing level seen at fit, else -1)."""

    def __init__(self, levels, position: np.ndarray):
        levels = np.asarray(levels, dtype=object)
        present = pd.isna(levels)
        self.index = pd.Index(levels[~present], dtype=object)
        self.position = np.asarray(position, dtype="int64")[~present]
        self.missing = int(np.asarray(position)[present][0]) if present.any() else -1
        self.memo: list = [None]  # see recode; a refit makes new plans

    def codes(self, column: pd.Series) -> np.ndarray:
        """The output code of each row of ``column`` (-1: a level unseen at fit)."""

        def mapping_of(categories):
            found = self.index.get_indexer(categories.astype(object))
            if not len(self.position):
                return found  # all -1: no level but the missing one was seen at fit
            return np.where(found >= 0, self.position[np.maximum(found, 0)], -1)

        return recode(column, mapping_of, self.missing, self.memo)


class _CodedTransform:
    """The per-column level plans, made from the fitted ``categories_`` on first use and kept
    until the next fit (which makes a new ``categories_``); not pickled."""

    def _plans(self) -> list:
        cached = self.__dict__.get("_plans_cache")
        if cached is None or cached[0] is not self.categories_:
            cached = self.__dict__["_plans_cache"] = (
                self.categories_,
                [self._plan(i) for i in range(len(self.categories_))],
            )
        return cached[1]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_plans_cache", None)
        return state


class CodedOneHotEncoder(_CodedTransform, OneHotEncoder):
    """scikit-learn's ``OneHotEncoder`` whose ``transform`` reads category codes.

    The fast path covers dense output with ``handle_unknown="ignore"`` and no ``drop``
    (the plugin's setting); levels grouped as infrequent at fit share their column, unseen
    levels give a row of zeros, as in scikit-learn.
    """

    def _plan(self, i: int) -> tuple[_LevelPlan, int]:
        levels = np.asarray(self.categories_[i], dtype=object)
        infrequent = (getattr(self, "infrequent_categories_", None) or [None] * len(self.categories_))[i]
        rare = np.zeros(len(levels), bool)
        if infrequent is not None:  # NaN never equals itself: matched apart
            rare = pd.Index(levels).isin(infrequent) | (pd.isna(levels) & pd.isna(infrequent).any())
        position = np.full(len(levels), -1, dtype="int64")
        position[~rare] = np.arange(int((~rare).sum()))
        width = int((~rare).sum()) + int(rare.any())
        position[rare] = width - 1
        return _LevelPlan(levels, position), width

    def transform(self, X):
        check_is_fitted(self)
        if (
            self.sparse_output
            or self.drop is not None
            or self.handle_unknown != "ignore"
            or not _category_frame(self, X)
        ):
            return super().transform(X)
        blocks = []
        for column, (plan, width) in zip(X.columns, self._plans()):
            codes = plan.codes(X[column])
            block = np.zeros((len(X), width), dtype=self.dtype)
            seen = codes >= 0
            block[np.flatnonzero(seen), codes[seen]] = 1
            blocks.append(block)
        return np.hstack(blocks) if blocks else np.zeros((len(X), 0), dtype=self.dtype)


class CodedTargetEncoder(_CodedTransform, TargetEncoder):
    """scikit-learn's ``TargetEncoder`` whose ``transform`` reads category codes.

    A level seen at fit gets its learned encoding (one column per class for multiclass,
    column order as scikit-learn's); an unseen level gets the target mean.
    """

    def _plan(self, i: int) -> _LevelPlan:
        return _LevelPlan(self.categories_[i], np.arange(len(self.categories_[i])))

    def transform(self, X):
        check_is_fitted(self)
        if not _category_frame(self, X):
            return super().transform(X)
        means = np.atleast_1d(np.asarray(self.target_mean_, dtype=np.float64))
        per_feature = len(means) if self.target_type_ == "multiclass" else 1
        out = np.empty((len(X), X.shape[1] * per_feature), dtype=np.float64)
        for i, (column, plan) in enumerate(zip(X.columns, self._plans())):
            codes = plan.codes(X[column])
            seen = codes >= 0
            for k in range(per_feature):
                encoding = np.asarray(self.encodings_[i * per_feature + k], dtype=np.float64)
                out[:, i * per_feature + k] = np.where(seen, encoding[np.maximum(codes, 0)], means[k])
        return out
