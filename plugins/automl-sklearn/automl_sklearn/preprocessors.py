"""Preprocessing steps on scikit-learn, one record per choice the search can make.

Each ``build`` imports what it needs, so that loading the plugin stays cheap. Every step keeps
its output dense and supports ``set_output(transform="pandas")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import BuildContext, Preprocessor

#: Widest one-hot encoding of a column: rarer levels share one "infrequent" column.
ONEHOT_MAX_CATEGORIES = (4, 64)


# --------------------------------------------------------------------------- numeric_impute
def _suggest_simple_imputer(trial: Any, context: BuildContext) -> dict:
    return {
        "strategy": trial.suggest_categorical("strategy", ["median", "mean"]),
        "add_indicator": trial.suggest_categorical("add_indicator", [False, True]),
    }


def _build_simple_imputer(params: Mapping[str, Any], context: BuildContext):
    from sklearn.impute import SimpleImputer

    # keep_empty_features: a column with no value at fit stays (as zeros) instead of vanishing
    return SimpleImputer(
        strategy=params.get("strategy", "median"),
        add_indicator=params.get("add_indicator", False),
        keep_empty_features=True,
    )


# --------------------------------------------------------------------------- numeric_outliers
def _suggest_quantile_clipper(trial: Any, context: BuildContext) -> dict:
    return {"quantile": trial.suggest_float("quantile", 0.001, 0.05, log=True)}


def _build_quantile_clipper(params: Mapping[str, Any], context: BuildContext):
    from .transformers import QuantileClipper

    quantile = params.get("quantile", 0.01)
    return QuantileClipper(lower=quantile, upper=1.0 - quantile)


# --------------------------------------------------------------------------- numeric_scale
def _build_standard_scaler(params: Mapping[str, Any], context: BuildContext):
    from sklearn.preprocessing import StandardScaler

    return StandardScaler()


def _build_robust_scaler(params: Mapping[str, Any], context: BuildContext):
    from sklearn.preprocessing import RobustScaler

    return RobustScaler()


# --------------------------------------------------------------------------- categorical_impute
def _suggest_categorical_imputer(trial: Any, context: BuildContext) -> dict:
    return {"strategy": trial.suggest_categorical("strategy", ["most_frequent", "constant"])}


def _build_categorical_imputer(params: Mapping[str, Any], context: BuildContext):
    from .transformers import CategoricalImputer

    return CategoricalImputer(strategy=params.get("strategy", "most_frequent"))


# --------------------------------------------------------------------------- categorical_encode
def _suggest_onehot(trial: Any, context: BuildContext) -> dict:
    return {"max_categories": trial.suggest_int("max_categories", *ONEHOT_MAX_CATEGORIES, log=True)}


def _build_onehot(params: Mapping[str, Any], context: BuildContext):
    from .coded_encoders import CodedOneHotEncoder

    return CodedOneHotEncoder(
        handle_unknown="ignore", max_categories=params.get("max_categories", 32), sparse_output=False
    )


def _suggest_ordinal(trial: Any, context: BuildContext) -> dict:
    return {"missing": trial.suggest_categorical("missing", ["-1", "nan"])}


def _build_ordinal(params: Mapping[str, Any], context: BuildContext):
    from .transformers import OrdinalCodeEncoder

    return OrdinalCodeEncoder(missing_value=-1.0 if params.get("missing", "-1") == "-1" else float("nan"))


def _build_native(params: Mapping[str, Any], context: BuildContext):
    from .transformers import NativeCategoryEncoder

    return NativeCategoryEncoder()


PREPROCESSORS: tuple[Preprocessor, ...] = (
    Preprocessor(
        "simple_imputer",
        "numeric_impute",
        _build_simple_imputer,
        _suggest_simple_imputer,
        description="median or mean imputation, optionally with missing-value indicator columns",
    ),
    Preprocessor(
        "quantile_clipper",
        "numeric_outliers",
        _build_quantile_clipper,
        _suggest_quantile_clipper,
        description="clip each column to symmetric quantiles (0.1% to 5% per tail) learned at fit",
    ),
    Preprocessor(
        "standard_scaler",
        "numeric_scale",
        _build_standard_scaler,
        priority=1,
        description="zero mean, unit variance (the default: best conditioned for linear solvers)",
    ),
    Preprocessor(
        "robust_scaler",
        "numeric_scale",
        _build_robust_scaler,
        description="median and interquartile range, robust to outliers",
    ),
    Preprocessor(
        "categorical_imputer",
        "categorical_impute",
        _build_categorical_imputer,
        _suggest_categorical_imputer,
        description="most frequent level, or a '__missing__' level of its own",
    ),
    Preprocessor(
        "onehot",
        "categorical_encode",
        _build_onehot,
        _suggest_onehot,
        encoding="onehot",
        description="dense one-hot; unknown levels all zeros; rare levels share an 'infrequent' column",
    ),
    Preprocessor(
        "ordinal",
        "categorical_encode",
        _build_ordinal,
        _suggest_ordinal,
        encoding="ordinal",
        description="integer codes; missing and unknown levels become -1 or NaN",
    ),
    Preprocessor(
        "native",
        "categorical_encode",
        _build_native,
        encoding="native",
        description="pandas category columns fixed at fit (unseen levels NaN, at most 255 levels)",
    ),
)
