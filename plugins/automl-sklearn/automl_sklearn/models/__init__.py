"""The model families of the plugin, one module each with its search space beside it."""

from __future__ import annotations

from automl_core import ModelFamily

from . import boosting, forests, linear, neighbors


def families() -> tuple[ModelFamily, ...]:
    """Every model family of the plugin (forests read their NaN support from scikit-learn)."""
    return (linear.FAMILY, forests.random_forest(), forests.extra_trees(), boosting.FAMILY, neighbors.FAMILY)
