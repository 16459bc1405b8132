"""The base of the feature builders' transformers: a DataFrame in, a DataFrame out."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted


class FrameBuilder(TransformerMixin, BaseEstimator):
    """Takes the whole feature frame and returns it with some columns replaced or dropped.

    Subclasses set ``feature_names_out_`` at fit (the output columns, in order), so that
    ``get_feature_names_out`` and ``set_output(transform="pandas")`` agree with ``transform``.
    """

    def _start_fit(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"{type(self).__name__} takes a pandas DataFrame, got {type(X).__name__}")
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return X

    def _check_frame(self, X) -> pd.DataFrame:
        check_is_fitted(self, "feature_names_out_")
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"{type(self).__name__} takes a pandas DataFrame, got {type(X).__name__}")
        missing = [c for c in self.feature_names_in_ if c not in X.columns]
        if missing:
            raise ValueError(f"{type(self).__name__}: columns seen at fit are missing: {missing}")
        return X

    def _set_names_out(self, kept: list, added: list) -> None:
        """Record the output columns: the ``kept`` input columns, then the ``added`` derived ones.

        A derived name already taken, by a kept column (a user's ``dteday__year`` beside the
        date column ``dteday``) or by an earlier derived column, takes the first free suffix
        among ``_2``, ``_3``... (``dteday__year_2``). The names depend on the columns at fit
        only, so every transform gives the same columns; it names the derived ones through
        :meth:`_join`.
        """
        taken, unique = set(kept), []
        for name in added:
            free, suffix = name, 2
            while free in taken:
                free, suffix = f"{name}_{suffix}", suffix + 1
            taken.add(free)
            unique.append(free)
        self.feature_names_out_ = list(kept) + unique

    def _join(self, X: pd.DataFrame, derived: list) -> pd.DataFrame:
        """The output frame: the kept columns of ``X``, then the ``derived`` values (Series or
        arrays, in the order of the names given to :meth:`_set_names_out`) under their output names."""
        n_kept = len(self.feature_names_out_) - len(derived)
        names = self.feature_names_out_[n_kept:]
        added = pd.DataFrame(dict(zip(names, derived, strict=True)), index=X.index)
        return pd.concat([X[self.feature_names_out_[:n_kept]], added], axis=1)

    def get_feature_names_out(self, input_features=None):
        """The output columns: the kept input columns, then the derived ones."""
        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)
