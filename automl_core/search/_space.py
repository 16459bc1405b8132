"""From registered components to a search space and a scikit-learn pipeline.

A pipeline is: the optional and always-on feature builders, then :class:`TypedFrame`, then
:class:`~automl_core.model.ColumnStages` with the numeric stages and the categorical stages,
then the model. The
order of stages is the engine's configuration (:data:`PREPROCESSING_STAGES`), never the order
in which plugins registered. Which preprocessors a stage may use depends on the model family:
an imputer only where the family cannot take missing values, a scaler only where it wants
scaled input, an encoder whose encoding the family accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sklearn.pipeline import Pipeline

from ..components import PREPROCESSING_STAGES, BuildContext, ModelFamily
from ..data import ColumnPlan
from ..model import ColumnStages, TypedFrame
from ..plugin import Registry

NONE = "none"


@dataclass(frozen=True)
class PipelineConfig:
    """One point of the search space: a family, a preprocessor per stage, builders, params."""

    family: str
    preprocessing: Mapping[str, str]
    builders: tuple[str, ...] = ()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    class_weight: str = NONE  # "balanced": rows weighted inversely to their class frequency

    def describe(self) -> str:
        chosen = [p for p in self.preprocessing.values() if p != NONE] + list(self.builders)
        if self.class_weight != NONE:
            chosen.append(f"{self.class_weight} class weights")
        return " + ".join(chosen) or NONE

    def to_dict(self) -> dict:
        return {
            "family": self.family,
            "preprocessing": dict(self.preprocessing),
            "builders": list(self.builders),
            "params": {k: dict(v) for k, v in self.params.items()},
            "class_weight": self.class_weight,
        }

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> PipelineConfig:
        """The configuration :meth:`to_dict` wrote."""
        return cls(
            config["family"],
            dict(config["preprocessing"]),
            tuple(config.get("builders", ())),
            {k: dict(v) for k, v in config.get("params", {}).items()},
            config.get("class_weight", NONE),
        )


#: Classification data whose rarest class is below this share of the rows is imbalanced:
#: the search may then weight classes for families whose models accept sample weights.
IMBALANCE_SHARE = 0.2


def fit_pipeline(pipeline: Pipeline, X, y, config: PipelineConfig, sample_weight=None) -> Pipeline:
    """Fit ``pipeline`` on ``(X, y)``, its model with ``sample_weight`` (the user's) times the
    class weights ``config`` asks for."""
    weights = sample_weight
    if config.class_weight == "balanced":
        import numpy as np

        counts = np.bincount(y)
        balanced = (len(y) / (len(counts) * np.maximum(counts, 1)))[y]
        weights = balanced if weights is None else balanced * weights
    if weights is None:
        return pipeline.fit(X, y)
    return pipeline.fit(X, y, model__sample_weight=weights)


class ScopedTrial:
    """An optuna trial whose parameter names are prefixed with a component's scope."""

    def __init__(self, trial: Any, scope: str):
        self._trial, self._scope = trial, scope

    def _name(self, name: str) -> str:
        return f"{self._scope}.{name}"

    def suggest_float(self, name: str, *args, **kwargs) -> float:
        return self._trial.suggest_float(self._name(name), *args, **kwargs)

    def suggest_int(self, name: str, *args, **kwargs) -> int:
        return self._trial.suggest_int(self._name(name), *args, **kwargs)

    def suggest_categorical(self, name: str, choices, *args, **kwargs):
        return self._trial.suggest_categorical(self._name(name), choices, *args, **kwargs)


class SearchSpace:
    """The choices the search can make on this data, and how to build each choice."""

    def __init__(
        self,
        registry: Registry,
        families: list[ModelFamily],
        plan: ColumnPlan,
        context: BuildContext,
        builders: list | None = None,
        imbalanced: bool = False,
    ):
        self.registry = registry
        self.families = {f.name: f for f in families}
        self.plan = plan
        self.context = context
        self.builders = sorted(builders or [], key=lambda b: (b.phase != "derive", b.name))
        self.weighted = {f.name for f in families if imbalanced and _accepts_weights(f, context)}

    # ---------------------------------------------------------------- choices
    def stage_options(self, family: ModelFamily) -> dict[str, list[str]]:
        """For each stage, the preprocessor names the family allows, preferred first."""
        by_stage: dict[str, list] = {s: [] for s in PREPROCESSING_STAGES}
        for p in sorted(self.registry.all("preprocessor", self.context.task), key=lambda p: (-p.priority, p.name)):
            by_stage[p.stage].append(p)
        options: dict[str, list[str]] = {}
        if self.context.numeric:
            imputers = [p.name for p in by_stage["numeric_impute"]]
            options["numeric_impute"] = [NONE] + imputers if family.handles_missing else imputers
            options["numeric_outliers"] = [NONE] + [p.name for p in by_stage["numeric_outliers"]]
            options["numeric_scale"] = [p.name for p in by_stage["numeric_scale"]] if family.wants_scaling else []
        if self.context.categorical:
            cat_imputers = [p.name for p in by_stage["categorical_impute"]]
            options["categorical_impute"] = [NONE] + cat_imputers if family.handles_missing else cat_imputers
            rank = {e: i for i, e in enumerate(family.categorical)}
            encoders = sorted(
                (p for p in by_stage["categorical_encode"] if p.encoding in rank),
                key=lambda p: (rank[p.encoding], -p.priority, p.name),
            )
            options["categorical_encode"] = [p.name for p in encoders]
        return {stage: names or [NONE] for stage, names in options.items()}

    def sample(self, trial: Any) -> PipelineConfig:
        """Draw a configuration with an optuna trial (define-by-run)."""
        name = trial.suggest_categorical("family", sorted(self.families))
        family = self.families[name]
        preprocessing, params = {}, {}
        for stage, names in self.stage_options(family).items():
            choice = trial.suggest_categorical(f"{name}.{stage}", names) if len(names) > 1 else names[0]
            preprocessing[stage] = choice
            prep = None if choice == NONE else self.registry.get("preprocessor", choice)
            if prep is not None and prep.suggest is not None:
                params[choice] = prep.suggest(ScopedTrial(trial, f"{name}.{choice}"), self.context)
        builders = []
        for b in self.builders:
            on = not b.optional or trial.suggest_categorical(f"builder.{b.name}", [True, False])
            if on:
                builders.append(b.name)
                if b.suggest is not None:
                    params[b.name] = b.suggest(ScopedTrial(trial, f"builder.{b.name}"), self.context)
        params[name] = family.suggest(ScopedTrial(trial, name), self.context)
        balance = (
            trial.suggest_categorical(f"{name}.class_weight", [NONE, "balanced"]) if name in self.weighted else NONE
        )
        return PipelineConfig(name, preprocessing, tuple(builders), params, balance)

    def portfolio(self) -> list[dict]:
        """Parameter sets to enqueue first: the configurations of the registered portfolio that
        serves this task and that this search can run (:meth:`learned_portfolio`), then each
        family's defaults with its preferred preprocessing (:meth:`default_portfolio`)."""
        return self.learned_portfolio() + self.default_portfolio()

    def learned_portfolio(self) -> list[dict]:
        """The configurations of the highest-priority portfolio serving the task, as parameter
        sets, those naming what this search does not offer passed over."""
        portfolios = sorted(self.registry.all("portfolio", self.context.task), key=lambda p: (-p.priority, p.name))
        if not portfolios:
            return []
        fixed = (self.fixed_params(config) for config in portfolios[0].configs)
        return [params for params in fixed if params is not None]

    def default_portfolio(self) -> list[dict]:
        """Each family's defaults, preferred preprocessing.

        Ordered round-robin over the families sorted by cost, so the first defaults of every
        family come before the second default of any. After the first round, each optional
        feature builder that applies is tried once, on the cheapest family's first default,
        so that the search has measured it before TPE weighs it: a builder can help one family
        and hurt another (docs/performance.md).
        """
        queues = [(f, list(f.defaults)) for f in sorted(self.families.values(), key=lambda f: (f.cost, f.name))]
        out = []
        depth = max((len(q) for _, q in queues), default=0)
        for i in range(depth):
            for family, defaults in queues:
                if i < len(defaults):
                    out.append(self._fixed_params(family, defaults[i]))
            if i == 0 and queues and queues[0][1]:
                cheapest, defaults = queues[0]
                out += [self._fixed_params(cheapest, defaults[0], builder=b.name) for b in self.builders if b.optional]
        return out

    def fixed_params(self, config: Mapping[str, Any]) -> dict | None:
        """optuna parameters that reproduce a configuration (``PipelineConfig.to_dict()``).

        Used to warm-start a search from earlier results; None when the configuration names a
        family or preprocessor this search does not offer.
        """
        family = self.families.get(config.get("family"))
        if family is None:
            return None
        options = self.stage_options(family)
        fixed: dict[str, Any] = {"family": family.name}
        params = config.get("params", {})
        for stage, choice in config.get("preprocessing", {}).items():
            if choice not in options.get(stage, [choice]):
                return None
            if len(options.get(stage, [])) > 1:
                fixed[f"{family.name}.{stage}"] = choice
            fixed.update({f"{family.name}.{choice}.{k}": v for k, v in params.get(choice, {}).items()})
        for b in self.builders:
            on = b.name in config.get("builders", ())
            if b.optional:
                fixed[f"builder.{b.name}"] = on
            if on:
                fixed.update({f"builder.{b.name}.{k}": v for k, v in params.get(b.name, {}).items()})
        fixed.update({f"{family.name}.{k}": v for k, v in params.get(family.name, {}).items()})
        if family.name in self.weighted:
            fixed[f"{family.name}.class_weight"] = config.get("class_weight", NONE)
        return fixed

    def _fixed_params(self, family: ModelFamily, default: Mapping[str, Any], builder: str | None = None) -> dict:
        fixed = {"family": family.name}
        for stage, names in self.stage_options(family).items():
            if len(names) > 1:
                fixed[f"{family.name}.{stage}"] = names[0]
        for b in self.builders:
            if b.optional:  # defaults are known-good without the optional extras, but for ``builder``
                fixed[f"builder.{b.name}"] = b.name == builder
        fixed.update({f"{family.name}.{k}": v for k, v in default.items()})
        if family.name in self.weighted:
            fixed[f"{family.name}.class_weight"] = NONE
        return fixed

    # ---------------------------------------------------------------- building
    def build(self, config: PipelineConfig, context: BuildContext | None = None) -> Pipeline:
        """The unfitted scikit-learn pipeline for ``config``."""
        context = context or self.context
        steps = [
            (f"builder_{b}", self.registry.get("feature_builder", b).build(config.params.get(b, {}), context))
            for b in config.builders
        ]
        steps.append(("types", TypedFrame(self.plan)))
        steps.append(("preprocess", self._column_stages(config, context)))
        family = self.registry.get("model_family", config.family)
        steps.append(("model", family.build(config.params.get(config.family, {}), context)))
        pipeline = Pipeline(steps)
        pipeline.set_output(transform="pandas")
        return pipeline

    def _chain(self, config: PipelineConfig, stages: list[str], context: BuildContext):
        steps = []
        for stage in stages:
            name = config.preprocessing.get(stage, NONE)
            if name != NONE:
                prep = self.registry.get("preprocessor", name)
                steps.append((stage, prep.build(config.params.get(name, {}), context)))
        return Pipeline(steps) if steps else "passthrough"

    def _column_stages(self, config: PipelineConfig, context: BuildContext) -> ColumnStages:
        numeric = [s for s in PREPROCESSING_STAGES if s.startswith("numeric_")]
        categorical = [s for s in PREPROCESSING_STAGES if s.startswith("categorical_")]
        return ColumnStages(self._chain(config, numeric, context), self._chain(config, categorical, context))


def _accepts_weights(family: ModelFamily, context: BuildContext) -> bool:
    """Whether the family's estimator (built with its first default) takes ``sample_weight``."""
    from sklearn.utils.validation import has_fit_parameter

    try:
        estimator = family.build(dict(family.defaults[0]) if family.defaults else {}, context)
        return has_fit_parameter(estimator, "sample_weight")
    except Exception:  # a family that cannot be built here fails in its trials, named
        return False
