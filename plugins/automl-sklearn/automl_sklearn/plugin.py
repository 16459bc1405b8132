"""The hook implementations of the scikit-learn plugin.

Preprocessors (imputation, outlier clipping, scaling, one-hot, ordinal and native categorical
encodings), model families (linear, random forest, extra trees, histogram gradient boosting,
k-nearest neighbours) and metrics, all on scikit-learn.
"""
from __future__ import annotations

from typing import Any, Callable

from automl_core import hookimpl

from .evaluators import EVALUATORS
from .models import families
from .preprocessors import PREPROCESSORS

#: The name the plugin is registered under when passed explicitly, as its entry point names it.
PLUGIN_NAME = "sklearn"


@hookimpl
def register_preprocessors(register: Callable[[Any], None]) -> None:
    """Imputers, outlier clipping, scalers and categorical encoders."""
    for preprocessor in PREPROCESSORS:
        register(preprocessor)


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
