"""Step 2 of ``fit``: what the search needs, decided from the training input: the task and
the encoded target, the metric, each column's type, the schema inputs will be checked
against, the validation splits and the search space."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..components import BuildContext
from ..data import ColumnPlan, TrainingData, check_target, encode_target, infer_schema, plan_columns
from ..errors import BudgetWarning, DataError, TrialTimeout, UnknownComponentError
from ..plugin import Registry
from ..search import IMBALANCE_SHARE, SearchData, SearchSpace, make_splits, time_limit
from ._settings import DEFAULT_METRICS, FitSettings
from ._validation import check_rows, describe_validation, weighted_families

#: Above this many rows the search fits its trials on a sample of :data:`SEARCH_ROWS` rows
#: (``AutoML(search_rows=...)`` sets the sample's size); the final refit uses every row.
SAMPLE_ABOVE = 200_000
SEARCH_ROWS = 100_000


@dataclass(frozen=True)
class Prepared:
    """What the search runs on, and what the fitted model keeps of the preparation. With a
    large training set, ``data`` is a sample of it (``sample`` holds its rows' positions) and
    ``refit`` the features and encoded target of every row; otherwise both are the same."""

    task: str
    classes: np.ndarray | None
    metric: str
    evaluators: list
    plan: ColumnPlan
    numeric_text: dict[str, int]
    schema: Any
    data: SearchData
    space: SearchSpace
    context: BuildContext
    component_owners: dict[str, str]
    refit: tuple[Any, np.ndarray]
    sample: np.ndarray | None = None
    refit_weight: np.ndarray | None = None  # the sample weights of ``refit``'s rows
    validation: dict = field(default_factory=dict)  # describe_validation's account

    @property
    def refit_context(self) -> BuildContext:
        """The build context of the final refit: it sees every row."""
        return replace(self.context, n_rows=len(self.refit[1]))

    def summary(self, settings: FitSettings) -> dict:
        """The resolved settings observers receive in ``before_fit``."""
        return {
            "task": self.task,
            "metric": self.metric,
            "time_budget": settings.time_budget,
            "validation": self.data.splits.kind,
            "families": sorted(self.space.families),
        }


def prepare(registry: Registry, training: TrainingData, settings: FitSettings) -> Prepared:
    """Decide everything the search needs from the training input."""
    X, y = training.features, training.target
    task = check_target(y, settings.task, training.target_name)
    y_enc, classes = encode_target(y, task)
    n_classes = 0 if classes is None else len(classes)
    metric = settings.metric or DEFAULT_METRICS[task]
    evaluator = registry.get("evaluator", metric, task)
    check_rows(training.rows, evaluator, settings.validation)
    plan, numeric_text, builders = _features(registry, training, settings, task)
    kept = _kept(plan)
    schema = infer_schema(X, plan, strict_missing=settings.strict_missing, unseen=settings.unseen)
    sample = search_sample(y_enc, task, settings)
    X_search, y_search = (X, y_enc) if sample is None else (X.iloc[sample], y_enc[sample])
    rows = training.rows if sample is None else training.rows.take(sample)
    splits = make_splits(
        y_search,
        task,
        settings.validation,
        settings.folds,
        settings.holdout,
        settings.seed,
        groups=rows.groups,
        time=rows.time,
    )
    context = build_context(plan, task, settings, len(X_search), n_classes)
    families, left_out = weighted_families(_families(registry, settings, task), context, rows)
    imbalanced = n_classes > 0 and np.bincount(y_enc).min() / len(y_enc) < IMBALANCE_SHARE
    space = SearchSpace(registry, families, plan, context, builders, imbalanced)
    data = SearchData(X_search[kept], y_search, task, n_classes, splits, evaluator, rows.sample_weight, rows.groups)
    return Prepared(
        task=task,
        classes=classes,
        metric=metric,
        evaluators=registry.all("evaluator", task),
        plan=plan,
        numeric_text=numeric_text,
        schema=schema,
        data=data,
        space=space,
        context=context,
        component_owners={name: registry.owner(kind, name) for kind, name in registry.owners},
        refit=(X[kept], y_enc),
        sample=sample,
        refit_weight=training.rows.sample_weight,
        validation=describe_validation(splits, rows, settings.holdout, left_out),
    )


def _features(registry: Registry, training: TrainingData, settings: FitSettings, task: str):
    """The column plan, the numeric text columns and the feature builders that apply; dates
    and free text are dropped, saying so, when no builder applies. No column left to learn
    from is a :class:`~automl_core.DataError` that says what became of the first ten."""
    X = training.features
    plan, numeric_text = _plan(X, training.numeric_text, settings)
    builders = _applying(registry.all("feature_builder", task), X[_kept(plan)], settings.time_budget)
    if not builders:  # nothing can use dates or free text: drop them, saying so
        plan = plan.without_kinds(("datetime", "text"), "no feature builder applies, dropped")
    if not _kept(plan):
        why = "; ".join(f"{c!r}: {plan.notes.get(c) or k}" for c, k in list(plan.kinds.items())[:10])
        raise DataError(
            f"no column of the training data can be a feature, so there is nothing to learn from "
            f"({why}{'; ...' if len(plan.kinds) > 10 else ''}); column_types can keep a column"
        )
    return plan, numeric_text, builders


#: A feature builder's ``applies`` may take this long (seconds, or share of the budget, whichever
#: is more) on the training data before it is left out: it runs before the search, on the budget.
APPLIES_SECONDS = 0.5
APPLIES_SHARE = 0.05


def _applying(builders: list, X: pd.DataFrame, budget: float) -> list:
    """The builders whose ``applies`` says yes on ``X``; one that takes longer than its limit
    (where the engine can interrupt it: fit called from the main thread) is left out, with a
    :class:`~automl_core.BudgetWarning` naming it."""
    limit = max(APPLIES_SECONDS, APPLIES_SHARE * budget)
    chosen = []
    for builder in builders:
        try:
            with time_limit(limit):
                if builder.applies(X):
                    chosen.append(builder)
        except TrialTimeout:
            warnings.warn(
                BudgetWarning(
                    f"feature builder {builder.name!r} took over {limit:.1f} s deciding whether "
                    f"it applies to the training data: left out of this fit"
                ),
                stacklevel=4,
            )
    return chosen


def _families(registry: Registry, settings: FitSettings, task: str) -> list:
    families = registry.select("model_family", settings.families, task)
    if not families:
        raise UnknownComponentError(f"no installed model family serves task {task!r}; install a model plugin")
    return families


def search_sample(y: np.ndarray, task: str, settings: FitSettings) -> np.ndarray | None:
    """Positions of the rows the search fits on (sorted), or None for all of them: a sample of
    ``search_rows`` (default :data:`SEARCH_ROWS` above :data:`SAMPLE_ABOVE` rows), stratified
    for classification where every class can be, seeded."""
    size = settings.search_rows or (SEARCH_ROWS if len(y) > SAMPLE_ABOVE else None)
    if size is None or size >= len(y):
        return None
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    stratify = y if task != "regression" and np.bincount(y).min() >= 2 else None
    picked, _ = train_test_split(rows, train_size=size, random_state=settings.seed, stratify=stratify)
    return np.sort(picked)


def _plan(X: pd.DataFrame, numeric_text: Mapping[str, int], settings: FitSettings) -> tuple[ColumnPlan, dict[str, int]]:
    """Each column's type, and the columns of numbers written as text that stay numbers (read
    the same way at predict), noted in the plan."""
    plan = plan_columns(X, settings.column_types)
    kept_text = {c: n for c, n in numeric_text.items() if plan.kinds.get(c) == "numeric"}
    notes = {c: f"numbers written as text; {n} blank value(s) read as missing" for c, n in kept_text.items()}
    return plan.with_notes(notes), kept_text


def _kept(plan: ColumnPlan) -> list[str]:
    return [c for c, k in plan.kinds.items() if k not in ("drop", "identifier")]


def build_context(plan: ColumnPlan, task: str, settings: FitSettings, n_rows: int, n_classes: int) -> BuildContext:
    """What components are told about the data and the machine when they are built."""
    return BuildContext(
        task=task,
        seed=settings.seed,
        n_jobs=settings.threads,
        n_rows=n_rows,
        n_features=len(plan.of("numeric")) + len(plan.of("categorical")),
        n_classes=n_classes,
        numeric=tuple(plan.of("numeric")),
        categorical=tuple(plan.of("categorical")),
        datetime=tuple(plan.of("datetime")),
        text=tuple(plan.of("text")),
    )
