"""automl-core: an AutoML engine whose every loader, transform, model, metric and monitor is a plugin.

The public API is what ``__all__`` lists, and nothing else: the estimator and what users
meet around it, and everything a plugin may use. Plugins import only from here (and, in
their tests, from :mod:`automl_core.testing`); a test of the core fails when one imports
anything else. Heavy names (the estimator, which needs scikit-learn, optuna and pandera) are
imported on first use, so that ``import automl_core`` stays cheap for plugins and the command
line.
"""

from __future__ import annotations

from importlib import import_module

from .components import (
    ENCODINGS,
    PREPROCESSING_STAGES,
    TASKS,
    BuildContext,
    Evaluator,
    Executor,
    ExecutorContext,
    Explainer,
    FeatureBuilder,
    LoadedData,
    Loader,
    ModelFamily,
    Monitor,
    Portfolio,
    Preprocessor,
    Reporter,
)
from .errors import (
    AutoMLError,
    BudgetError,
    BudgetWarning,
    DataError,
    DuplicateComponentError,
    FitError,
    MissingValueWarning,
    PackageError,
    PackageNotFoundError,
    PluginError,
    PredictTimeWarning,
    SchemaError,
    UnknownComponentError,
)
from .plugin import ENTRY_POINT_GROUP, PluginInfo, build_plugin_manager, hookimpl

__version__ = "0.2.0"

#: Names imported on first use, and the module that defines each.
_LAZY = {
    # the estimator and its life after fit
    "AutoML": ".estimator",
    "load": ".estimator",
    "load_data": ".data",
    "PackageWarning": ".package",
    "MonitorReport": ".monitoring",
    "Contributions": ".explain",
    "EvaluationReport": ".report",
    "UpdatePolicy": ".monitoring",
    "UpdateDecision": ".monitoring",
    # for plugin authors: model families
    "EarlyStoppingEstimator": ".model",
    "inner_split": ".model",
    "category_codes": ".model",
    "code_matrix": ".model",
    # for plugin authors: loaders
    "convert_numeric_text": ".data",
    # for plugin authors: monitors
    "column_kinds": ".monitoring",
    "prediction_kind": ".monitoring",
    "DRIFT": ".monitoring",
    "NO_DRIFT": ".monitoring",
    "DRIFT_SHARE": ".monitoring",
    "PREDICTION": ".monitoring",
    "TARGET": ".monitoring",
}

__all__ = [
    "AutoML",
    "AutoMLError",
    "BudgetError",
    "BudgetWarning",
    "BuildContext",
    "Contributions",
    "DRIFT",
    "DRIFT_SHARE",
    "DataError",
    "DuplicateComponentError",
    "ENCODINGS",
    "ENTRY_POINT_GROUP",
    "EarlyStoppingEstimator",
    "EvaluationReport",
    "Evaluator",
    "Explainer",
    "Executor",
    "ExecutorContext",
    "FeatureBuilder",
    "FitError",
    "LoadedData",
    "Loader",
    "MissingValueWarning",
    "ModelFamily",
    "Monitor",
    "MonitorReport",
    "NO_DRIFT",
    "NotFittedError",
    "PREDICTION",
    "PREPROCESSING_STAGES",
    "PackageError",
    "PackageNotFoundError",
    "PackageWarning",
    "PluginError",
    "PluginInfo",
    "Portfolio",
    "PredictTimeWarning",
    "Preprocessor",
    "Reporter",
    "SchemaError",
    "TARGET",
    "TASKS",
    "UnknownComponentError",
    "UpdateDecision",
    "UpdatePolicy",
    "__version__",
    "build_plugin_manager",
    "category_codes",
    "code_matrix",
    "column_kinds",
    "convert_numeric_text",
    "hookimpl",
    "inner_split",
    "load",
    "load_data",
    "prediction_kind",
]


def __getattr__(name: str):
    if name == "NotFittedError":  # scikit-learn's own, so that its users' handlers catch ours
        from sklearn.exceptions import NotFittedError

        return NotFittedError
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'automl_core' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
