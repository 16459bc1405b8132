"""scikit-learn forests that predict by summing their trees in the calling thread.

A forest's ``predict_proba`` hands each tree to joblib, whose per-tree bookkeeping (a
configuration context, a warnings filter, a fitted check) outweighs the tree work on a few
hundred rows (docs/performance.md).
With one thread (``n_jobs`` None or 1, the engine's default) these subclasses call each
tree's ``tree_.predict`` directly, which is what scikit-learn's per-tree ``predict_proba``
and ``predict`` return, and average; with more threads, or several outputs, they defer to
scikit-learn. Fitting is untouched.
"""

from __future__ import annotations

import numpy as np
from sklearn import ensemble


class _InlinePredict:
    """The mean of the trees' raw outputs, ``(n, max classes)`` or ``(n, 1)``."""

    def _inline(self) -> bool:
        return self.n_jobs in (None, 1) and self.n_outputs_ == 1

    def _mean_of_trees(self, X) -> np.ndarray:
        X = self._validate_X_predict(X)
        total = self.estimators_[0].tree_.predict(X)
        for tree in self.estimators_[1:]:
            total += tree.tree_.predict(X)
        total /= len(self.estimators_)
        return total


class _InlineClassifier(_InlinePredict):
    def predict_proba(self, X):
        if not self._inline():
            return super().predict_proba(X)
        return self._mean_of_trees(X)[:, : self.n_classes_]


class _InlineRegressor(_InlinePredict):
    def predict(self, X):
        if not self._inline():
            return super().predict(X)
        return self._mean_of_trees(X)[:, 0]


class InlineRandomForestClassifier(_InlineClassifier, ensemble.RandomForestClassifier):
    """:class:`sklearn.ensemble.RandomForestClassifier` predicting inline with one thread."""


class InlineRandomForestRegressor(_InlineRegressor, ensemble.RandomForestRegressor):
    """:class:`sklearn.ensemble.RandomForestRegressor` predicting inline with one thread."""


class InlineExtraTreesClassifier(_InlineClassifier, ensemble.ExtraTreesClassifier):
    """:class:`sklearn.ensemble.ExtraTreesClassifier` predicting inline with one thread."""


class InlineExtraTreesRegressor(_InlineRegressor, ensemble.ExtraTreesRegressor):
    """:class:`sklearn.ensemble.ExtraTreesRegressor` predicting inline with one thread."""


#: scikit-learn's name of each forest to its inline subclass.
CLASSES = {
    "RandomForestClassifier": InlineRandomForestClassifier,
    "RandomForestRegressor": InlineRandomForestRegressor,
    "ExtraTreesClassifier": InlineExtraTreesClassifier,
    "ExtraTreesRegressor": InlineExtraTreesRegressor,
}
