"""The hook implementations of the scikit-learn plugin.

Preprocessors (imputation, outlier clipping, scaling, rare-level grouping, one-hot, ordinal,
native and target categorical encodings), feature builders (date parts, text components,
feature selection), model families (linear, random forest, extra trees, histogram gradient
boosting, k-nearest neighbours) and metrics, all on scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automl_core import hookimpl

from .evaluators import EVALUATORS
from .features import FEATURE_BUILDERS
from .models import families
from .preprocessors import PREPROCESSORS
from .preprocessors_extra import EXTRA_PREPROCESSORS

#: The name the plugin is registered under when passed explicitly, as its entry point names it.
PLUGIN_NAME = "sklearn"


@hookimpl
def register_preprocessors(register: Callable[[Any], None]) -> None:
    """Imputers, outlier clipping, scalers, rare-level grouping and categorical encoders."""
    for preprocessor in PREPROCESSORS + EXTRA_PREPROCESSORS:
        register(preprocessor)


@hookimpl
def register_feature_builders(register: Callable[[Any], None]) -> None:
    """Date parts, text components and feature selection."""
    for builder in FEATURE_BUILDERS:
        register(builder)


@hookimpl
def register_model_families(register: Callable[[Any], None]) -> None:
    """Linear, random forest, extra trees, histogram gradient boosting and k-NN."""
    for family in families():
        register(family)


@hookimpl
def register_evaluators(register: Callable[[Any], None]) -> None:
    """Classification and regression metrics."""
    for evaluator in EVALUATORS:
        register(evaluator)
