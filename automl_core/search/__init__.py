"""How a model is found: the search space of pipelines, validation splits, the optuna study
under a wall-clock budget the engine keeps itself, ensemble selection and the final refit.

:mod:`automl_core.search._study` is the one module that imports optuna; it is imported on the
first use of :class:`Search`, so that reading the other names here stays light.
"""

from ._budget import Deadline, can_interrupt, thread_limit, time_limit
from ._ensemble_selection import (
    ENSEMBLE_CANDIDATES,
    HOLDOUT_PARTS,
    PRUNE_STANDARD_ERRORS,
    PRUNE_TOLERANCE,
    SPEED_TOLERANCE,
    cheapest_within_reach,
    ensemble_weights,
    fit_to_limit,
    fold_positions,
    predict_costs,
    prune_members,
    score_groups,
    select_ensemble,
    speed_allowance,
)
from ._leaderboard import blend_oof, leaderboard, top_configs
from ._pruning import PruneRule, TrialPruned
from ._refit import (
    MAX_RESERVE_SHARE,
    REFIT_MARGIN,
    REFIT_MEMBERS,
    final_weights,
    keep_within_limit,
    make_reserve,
    refit_estimate,
    refit_final,
)
from ._space import IMBALANCE_SHARE, NONE, PipelineConfig, ScopedTrial, SearchSpace, fit_pipeline
from ._space import _accepts_weights as accepts_weights
from ._splits import VALIDATIONS, Splits, make_splits, resolve_validation, time_splits
from ._storage import Durable, StorageError
from ._trial import SearchData, TrialPayload, TrialResult, TrialSpec, best_first, failed_trial, run_trial, trial_cost

__all__ = [
    "ENSEMBLE_CANDIDATES",
    "HOLDOUT_PARTS",
    "IMBALANCE_SHARE",
    "MAX_RESERVE_SHARE",
    "PRUNE_STANDARD_ERRORS",
    "PRUNE_TOLERANCE",
    "SPEED_TOLERANCE",
    "REFIT_MARGIN",
    "REFIT_MEMBERS",
    "NONE",
    "VALIDATIONS",
    "Deadline",
    "Durable",
    "StorageError",
    "PipelineConfig",
    "ScopedTrial",
    "Search",
    "SearchData",
    "SearchSpace",
    "PruneRule",
    "Splits",
    "TrialPayload",
    "TrialPruned",
    "TrialResult",
    "TrialSpec",
    "accepts_weights",
    "best_first",
    "blend_oof",
    "can_interrupt",
    "cheapest_within_reach",
    "ensemble_weights",
    "final_weights",
    "failed_trial",
    "fit_pipeline",
    "fit_to_limit",
    "fold_positions",
    "leaderboard",
    "make_reserve",
    "make_splits",
    "predict_costs",
    "prune_members",
    "refit_estimate",
    "keep_within_limit",
    "refit_final",
    "resolve_validation",
    "run_trial",
    "score_groups",
    "select_ensemble",
    "speed_allowance",
    "thread_limit",
    "time_splits",
    "time_limit",
    "top_configs",
    "trial_cost",
]


# Model packages name these classes by this public subpackage, not by the private module that
# defines them, so that a module can move without breaking the packages saved before.
for _cls in (PipelineConfig,):
    _cls.__module__ = __name__


def __getattr__(name: str):
    if name == "Search":  # optuna: imported when a search is run, not when a model is loaded
        from ._study import Search

        return Search
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
