"""Step 3 of ``fit``: the search, the ensemble of its best trials, and their refit on all rows."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..plugin import PluginManager
from ..search import (
    Deadline,
    PipelineConfig,
    Search,
    TrialResult,
    blend_oof,
    ensemble_weights,
    final_weights,
    leaderboard,
    make_reserve,
    refit_final,
    top_configs,
)
from ._prepare import Prepared
from ._settings import FitSettings


@dataclass(frozen=True)
class SearchOutcome:
    """What the search and the refit produced."""

    model: Any
    best_pipeline: Any
    best: TrialResult
    weights: dict[int, float]
    leaderboard: pd.DataFrame
    top_configs: list[dict]
    blend: np.ndarray | None

    @property
    def best_config(self) -> PipelineConfig:
        return self.best.config


def search_and_refit(pm: PluginManager, prepared: Prepared, settings: FitSettings, deadline: Deadline) -> SearchOutcome:
    """Run the search within ``deadline`` (keeping back the refit's share), choose the ensemble
    and refit its members on all rows."""
    data, space = prepared.data, prepared.space
    greater = data.metric.greater_is_better
    reserve = make_reserve(data.splits, len(data.y), settings.ensemble, greater, deadline.seconds)
    search = Search(space, data, deadline, seed=settings.seed, max_trials=settings.max_trials, reserve=reserve,
                    before_trial=lambda **kw: pm.notify("before_trial", **kw),
                    after_trial=lambda **kw: pm.notify("after_trial", **kw),
                    warm_start=list(settings.warm_start))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # models' chatter on tiny folds
        results = search.run()
        weights = ensemble_weights(results, search.best, data, settings.ensemble, settings.predict_time_limit)
        model, best_pipeline, how = refit_final(results, search.best, space, data, weights, deadline,
                                                prepared.context, fold_models=settings.predict_time_limit is None)
    weights = final_weights(weights, how)
    return SearchOutcome(model=model, best_pipeline=best_pipeline, best=search.best, weights=weights,
                         leaderboard=leaderboard(results, weights, how, greater),
                         top_configs=top_configs(results, greater), blend=blend_oof(results, weights))
