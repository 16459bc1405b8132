"""Preprocessors for wide categorical columns: target encoding and rare-level grouping.

Each ``build`` imports what it needs, so that loading the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import BuildContext, Preprocessor

#: scikit-learn's ``target_type`` for each task.
TARGET_TYPES = {"binary": "binary", "multiclass": "multiclass", "regression": "continuous"}
#: Folds of the target encoder's internal cross fitting.
TARGET_FOLDS = 5


# --------------------------------------------------------------------------- categorical_encode
def _suggest_target_encoder(trial: Any, context: BuildContext) -> dict:
    return {"smooth": trial.suggest_categorical("smooth", ["auto", 1.0, 10.0, 100.0])}


def _build_target_encoder(params: Mapping[str, Any], context: BuildContext):
    """scikit-learn's TargetEncoder, cross-fitted on shuffled (stratified for classes) folds."""
    from sklearn.model_selection import KFold, StratifiedKFold

    from .coded_encoders import CodedTargetEncoder

    folds = KFold if context.task == "regression" else StratifiedKFold
    return CodedTargetEncoder(
        target_type=TARGET_TYPES[context.task],
        smooth=params.get("smooth", "auto"),
        cv=folds(TARGET_FOLDS, shuffle=True, random_state=context.seed),
    )


# --------------------------------------------------------------------------- categorical_impute
def _suggest_rare_grouper(trial: Any, context: BuildContext) -> dict:
    return {"min_share": trial.suggest_float("min_share", 0.001, 0.05, log=True)}


def _build_rare_grouper(params: Mapping[str, Any], context: BuildContext):
    from .encoders_extra import RareLevelGrouper

    return RareLevelGrouper(min_share=params.get("min_share", 0.01))


EXTRA_PREPROCESSORS: tuple[Preprocessor, ...] = (
    Preprocessor(
        "target_encoder",
        "categorical_encode",
        _build_target_encoder,
        _suggest_target_encoder,
        encoding="target",
        supervised=True,
        description="each level replaced by the smoothed mean of the target (one column per class "
        "for multiclass), cross-fitted at fit; unseen levels get the overall mean",
    ),
    Preprocessor(
        "rare_grouper",
        "categorical_impute",
        _build_rare_grouper,
        _suggest_rare_grouper,
        description="levels rarer than a searched share (0.1% to 5%) and unseen levels grouped into "
        "'__rare__', missing values into '__missing__'; keeps category dtype",
    ),
)
