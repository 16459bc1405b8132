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
        """Record the output columns; a derived name that clashes with a kept column is an error."""
        clashes = sorted(set(map(str, kept)) & set(added))
        if clashes:
            raise ValueError(f"{type(self).__name__}: derived column(s) {clashes} clash with existing columns")
        self.feature_names_out_ = list(kept) + list(added)

    def get_feature_names_out(self, input_features=None):
        """The output columns: the kept input columns, then the derived ones."""
        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)
