"""Step 4 of ``fit``: what the fitted model keeps: the decision threshold, the validation
score of the final ensemble, and a reference sample of the training rows for monitoring."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import TrainingData
from ..model import score, tune_threshold
from ._prepare import Prepared
from ._search import SearchOutcome
from ._settings import FitSettings


def fitted_attributes(
    training: TrainingData, prepared: Prepared, outcome: SearchOutcome, settings: FitSettings
) -> dict[str, Any]:
    """Every learned attribute of the fitted estimator, by name."""
    data = prepared.data
    y_val, w_val = data.y[data.splits.validated_rows], data.weights_of(data.splits.validated_rows)
    threshold = None if outcome.blend is None else tune_threshold(data.metric, y_val, outcome.blend, w_val)
    validation = (
        float(outcome.best.score)
        if outcome.blend is None
        else score(data.metric, y_val, outcome.blend, threshold, w_val)
    )
    leaderboard = outcome.leaderboard
    leaderboard.attrs.update(validation=prepared.validation["description"], notes=list(prepared.validation["notes"]))
    validated = data.splits.validated_rows if prepared.sample is None else prepared.sample[data.splits.validated_rows]
    reference, reference_output = reference_sample(
        training.features, validated, outcome.blend, settings.reference_rows, settings.seed
    )
    return {
        "target_name_": training.target_name,
        "dropped_target_rows_": training.dropped_target_rows,
        "task_": prepared.task,
        "classes_": prepared.classes,
        "metric_": prepared.metric,
        "evaluators_": prepared.evaluators,
        "numeric_text_": prepared.numeric_text,
        "column_plan_": prepared.plan,
        "feature_names_in_": np.asarray(training.features.columns, dtype=object),
        "n_features_in_": training.features.shape[1],
        "schema_": prepared.schema,
        "component_owners_": prepared.component_owners,
        "model_": outcome.model,
        "best_pipeline_": outcome.best_pipeline,
        "best_config_": outcome.best_config,
        "top_configs_": outcome.top_configs,
        "best_score_": outcome.best.score,
        "ensemble_weights_": outcome.weights,
        "leaderboard_": leaderboard,
        "threshold_": threshold,
        "reference_": reference,
        "reference_output_": reference_output,
        "validation_score_": validation,
        "search_rows_": len(data.y),
        "validation_": prepared.validation,
    }


def reference_sample(
    features: pd.DataFrame, validated_rows: np.ndarray, blend: np.ndarray | None, rows: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """A bounded sample of the validated rows, with the ensemble's out-of-fold outputs on them:
    monitors compare production data (and predictions) with it, honestly."""
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(validated_rows), size=min(rows, len(validated_rows)), replace=False))
    return features.iloc[validated_rows[picked]].copy(), None if blend is None else blend[picked]
