"""Checks of the node arrays that a read model's compiled code indexes without bounds checks.

scikit-learn's trees (``sklearn.tree._tree.Tree``) and the predictors of its histogram gradient
boosting walk their nodes in compiled code that checks no index: a node whose child, feature or
bitset points past its arrays makes ``predict`` read, and ``feature_importances_`` write,
outside them. scikit-learn's own ``Tree.__setstate__`` checks the arrays' types and shapes
only, and neither skops nor pickle looks inside them, so every object read from a package is
walked here before it is used: a split's children come after it and within the nodes (so every
walk ends), both or neither, its feature is one the model is given, a categorical split's bitset
is one the predictor holds.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..errors import PackageError

#: A tree node's child where it has none (scikit-learn's ``TREE_LEAF``).
LEAF = -1

#: Values the walk does not look inside: they hold no model.
_OPAQUE = (str, bytes, bytearray, numbers.Number, np.ndarray, np.generic, type)


def check_structures(obj: Any, name: str) -> None:
    """Refuse ``obj`` (read from the file ``name``) when a tree or predictor it holds has nodes
    that would take compiled code outside their arrays.

    :raises PackageError: naming the file, the model and what is wrong with its nodes.
    """
    for model, problem in _problems(obj):
        raise PackageError(
            f"{name} holds a {type(model).__module__}.{type(model).__qualname__} whose nodes {problem}: "
            f"its compiled predict would read or write outside its arrays; refusing it"
        )


def _problems(obj: Any):
    """(model, what is wrong) for each ill-formed tree or predictor reachable from ``obj``."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.tree._tree import Tree

    histogram = (HistGradientBoostingClassifier, HistGradientBoostingRegressor)
    seen: set[int] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None or (isinstance(item, _OPAQUE) and not _holds_objects(item)):
            continue
        seen.add(id(item))
        problem = None
        if isinstance(item, Tree):
            problem = tree_problem(item, item.n_features)
        elif isinstance(getattr(item, "tree_", None), Tree):  # a decision tree: X has its n_features_in_ columns
            seen.add(id(item.tree_))
            problem = tree_problem(item.tree_, min(item.tree_.n_features, _features_in(item, item.tree_.n_features)))
        elif isinstance(item, histogram):
            problem = histogram_problem(item)
        if problem is not None:
            yield item, problem
        stack.extend(_children(item))


def _features_in(model: Any, default: int) -> int:
    n = getattr(model, "n_features_in_", default)
    return int(n) if isinstance(n, numbers.Integral) else -1


def _holds_objects(item: Any) -> bool:
    """An array of objects (a gradient boosting model keeps its trees in one)."""
    return isinstance(item, np.ndarray) and item.dtype == object


def _children(item: Any) -> list:
    if _holds_objects(item):
        return list(item.ravel())
    if isinstance(item, dict):
        return list(item.values())
    if isinstance(item, (list, tuple, set, frozenset)):
        return list(item)
    state = getattr(item, "__dict__", None)
    return list(state.values()) if isinstance(state, dict) else []


def _links_problem(left: np.ndarray, right: np.ndarray, split: np.ndarray) -> str | None:
    """What is wrong with the children of the ``split`` nodes (None when each comes after its
    parent and within the nodes)."""
    n = len(left)
    index = np.arange(n)
    for side, child in (("left", left), ("right", right)):
        child = child.astype(np.int64)
        if np.any((child[split] <= index[split]) | (child[split] >= n)):
            return f"have a {side} child outside the nodes after its parent ({n:,} nodes)"
    return None


def tree_problem(tree: Any, n_features: int) -> str | None:
    """What is wrong with a scikit-learn ``Tree`` given ``n_features`` columns (None when nothing)."""
    left, right, feature = tree.children_left, tree.children_right, tree.feature
    leaf = left == LEAF
    if not np.array_equal(leaf, right == LEAF):
        return "have one child where a split has two and a leaf none"
    problem = _links_problem(left, right, ~leaf)
    if problem is not None:
        return problem
    if np.any((feature[~leaf] < 0) | (feature[~leaf] >= n_features)):
        return f"split on a feature outside the {n_features:,} the model is given"
    if np.any(np.asarray(tree.n_classes) < 1):
        return "count fewer than one class for an output"
    return None


def histogram_problem(model: Any) -> str | None:
    """What is wrong with the predictors of a fitted histogram gradient boosting model (None when
    nothing, or when it is not fitted: its predict then refuses to run)."""
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

    predictors = getattr(model, "_predictors", None)
    if not predictors:
        return None
    n_features = _features_in(model, -1)
    mapper = getattr(model, "_bin_mapper", None)
    categorical = getattr(mapper, "is_categorical_", None)
    categorical = np.zeros(max(n_features, 0), dtype=bool) if categorical is None else np.asarray(categorical)
    if categorical.shape != (n_features,):
        return f"come with {categorical.size:,} categorical flags for {n_features:,} features"
    for predictor in (p for iteration in predictors for p in iteration):
        nodes = getattr(predictor, "nodes", None)
        if (
            not isinstance(nodes, np.ndarray)
            or nodes.dtype != PREDICTOR_RECORD_DTYPE
            or nodes.ndim != 1
            or not len(nodes)
        ):
            return "are not an array of scikit-learn's predictor records"
        split = nodes["is_leaf"] == 0
        problem = _links_problem(nodes["left"], nodes["right"], split)
        if problem is not None:
            return problem
        feature = nodes["feature_idx"][split]
        if np.any((feature < 0) | (feature >= n_features)):
            return f"split on a feature outside the {n_features:,} the model is given"
        on_category = split & (nodes["is_categorical"] != 0)
        bitsets = getattr(predictor, "raw_left_cat_bitsets", None)
        rows = bitsets.shape[0] if isinstance(bitsets, np.ndarray) and bitsets.ndim == 2 else 0
        if np.any(nodes["bitset_idx"][on_category] >= rows) or not np.all(
            categorical[nodes["feature_idx"][on_category]]
        ):
            return "split on categories outside the bitsets or features that hold them"
    return None


__all__ = ["check_structures", "histogram_problem", "tree_problem"]
