"""Categorical transformers beyond the basic ones: rare-level grouping.

:class:`RareLevelGrouper` is written to scikit-learn's estimator rules, like the plugin's
other transformers, and supports ``set_output(transform="pandas")``.
"""

from __future__ import annotations

import pandas as pd

from .transformers import _FrameTransformer

#: The level that stands for every level rarer than the threshold, and for unseen levels.
RARE = "__rare__"
#: The level of missing values.
MISSING = "__missing__"


class RareLevelGrouper(_FrameTransformer):
    """Groups the levels rarer than ``min_share`` into one level, and fills missing values.

    Levels seen at fit in less than ``min_share`` of the rows become ``"__rare__"``, as do
    levels unseen at fit; missing values become ``"__missing__"``. Output columns are pandas
    ``category`` columns of strings whose categories are fixed at fit (the kept levels, then
    both special levels), so the encoder after it sees the same categories on every batch.

    :param min_share: share of the rows a level needs at fit to be kept, in ``[0, 1)``.
    """

    def __init__(self, min_share: float = 0.01):
        self.min_share = min_share

    def fit(self, X, y=None):
        """Learn each column's frequent levels from ``X``."""
        X = self._check_frame(X, reset=True)
        if not 0 <= self.min_share < 1:
            raise ValueError(f"min_share must be in [0, 1), got {self.min_share}")
        self.categories_ = {}
        for column in X.columns:
            shares = X[column].dropna().astype(str).value_counts() / max(len(X), 1)
            kept = sorted(shares.index[shares >= self.min_share])
            self.categories_[column] = kept + [RARE, MISSING]
        return self

    def transform(self, X):
        """Return ``X`` with rare and unseen levels grouped and missing values filled."""
        X = self._check_frame(X, reset=False)
        out = {}
        for column, levels in self.categories_.items():
            kept, dtype = self._derived(
                column,
                lambda levels=levels: (
                    pd.Index(levels[:-2], dtype=object),
                    pd.CategoricalDtype(pd.Index(levels, dtype=object)),
                ),
            )
            rare, missing = len(levels) - 2, len(levels) - 1

            def mapping_of(categories, kept=kept, rare=rare):  # bound now: called in this iteration only
                codes = kept.get_indexer(categories.map(str))
                codes[codes < 0] = rare  # rare, or unseen at fit
                return codes

            codes = self._recode(X[column], column, mapping_of, missing)
            out[column] = pd.Categorical.from_codes(codes, dtype=dtype)
        return pd.DataFrame(out, index=X.index)
