"""automl-core: an AutoML engine whose every loader, transform, model, metric and monitor is a plugin.

The public API is what ``__all__`` lists; everything else is internal.
"""
from __future__ import annotations

import os as _os

# Under CPU contention OpenMP's active spin-wait makes histogram boosting fits erratic (1 s
# becoming 50 s on two cores). The policy is read when the OpenMP runtime loads, so it must be
# set before scikit-learn or xgboost is imported; a value the user set is kept.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .components import (
    ENCODINGS,
    PREPROCESSING_STAGES,
    TASKS,
    BuildContext,
    Evaluator,
    FeatureBuilder,
    Loader,
    ModelFamily,
    Monitor,
    Preprocessor,
)
from .errors import (
    AutoMLError,
    BudgetError,
    FitError,
    DataError,
    DuplicateComponentError,
    PluginError,
    PredictTimeWarning,
    SchemaError,
    UnknownComponentError,
)
from .manager import ENTRY_POINT_GROUP, PluginInfo, build_plugin_manager, hookimpl

__version__ = "0.1.0"

__all__ = [
    "AutoML",
    "AutoMLError",
    "BudgetError",
    "FitError",
    "BuildContext",
    "DataError",
    "DuplicateComponentError",
    "ENCODINGS",
    "EarlyStoppingEstimator",
    "ENTRY_POINT_GROUP",
    "Evaluator",
    "FeatureBuilder",
    "Loader",
    "ModelFamily",
    "Monitor",
    "NotFittedError",
    "PREPROCESSING_STAGES",
    "PluginError",
    "PluginInfo",
    "PredictTimeWarning",
    "Preprocessor",
    "SchemaError",
    "TASKS",
    "UnknownComponentError",
    "build_plugin_manager",
    "category_codes",
    "code_matrix",
    "hookimpl",
    "inner_split",
    "load",
    "load_data",
    "MonitorReport",
    "UpdatePolicy",
    "UpdateDecision",
    "__version__",
]


def __getattr__(name: str):
    # The estimator pulls in scikit-learn model selection and optuna lazily, so that
    # ``import automl_core`` stays cheap for plugin packages and the command line.
    if name == "AutoML":
        from .automl import AutoML

        return AutoML
    if name == "NotFittedError":  # scikit-learn's own, so that its users' handlers catch ours
        from sklearn.exceptions import NotFittedError

        return NotFittedError
    if name == "load":
        from .package import load

        return load
    if name in ("MonitorReport", "UpdatePolicy", "UpdateDecision"):
        from . import monitoring

        return getattr(monitoring, name)
    if name in ("category_codes", "code_matrix"):
        from . import codes

        return getattr(codes, name)
    if name in ("inner_split", "EarlyStoppingEstimator"):  # scikit-learn: imported when asked for
        from . import early_stopping

        return getattr(early_stopping, name)
    if name == "load_data":
        from .data import load_data

        return load_data
    raise AttributeError(f"module 'automl_core' has no attribute {name!r}")
