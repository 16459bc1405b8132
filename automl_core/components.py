"""The small frozen descriptions that plugins hand to the engine.

A plugin never subclasses anything of the engine's: it builds one of these records and hands
it to the ``register`` callback of a ``register_<kind>`` hook. Each record names what it is,
which tasks it serves, how to build its scikit-learn compatible object, and (where the search
may tune it) its search space as an optuna define-by-run function living beside it.

The engine decides how the pieces combine; a record only describes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The three tasks the engine knows. ``binary`` and ``multiclass`` are classification.
TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class BuildContext:
    """What the engine tells a component about the data and the machine when it builds it.

    Fields are only ever added. ``n_rows`` is the number of training rows and ``n_features``
    the number of numeric and categorical raw feature columns (before feature building and
    encoding; a fold trains on about ``(k-1)/k`` of the rows); ``n_classes`` is 0 for
    regression; ``n_jobs`` is the number of threads the model may use; ``numeric``,
    ``categorical``, ``datetime`` and ``text`` are the raw column names by type, as typed by
    the engine or overridden by the user (``AutoML(column_types=...)``).
    """

    task: str
    seed: int = 0
    n_jobs: int = 1
    n_rows: int = 0
    n_features: int = 0
    n_classes: int = 0
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    datetime: tuple[str, ...] = ()
    text: tuple[str, ...] = ()


#: Search-space function: receives an optuna-like trial (``suggest_float``, ``suggest_int``,
#: ``suggest_categorical``; names are local to the component, the engine prefixes them) and
#: the :class:`BuildContext`, returns the parameters for ``build``.
Suggest = Callable[[Any, BuildContext], dict]

#: Stages of the preprocessing chain, in the order the engine applies them. A preprocessor
#: belongs to exactly one stage; the engine picks at most one preprocessor per stage.
PREPROCESSING_STAGES: tuple[str, ...] = (
    "numeric_impute",  # numeric columns: fill missing values
    "numeric_outliers",  # numeric columns: clip or otherwise tame extreme values
    "numeric_scale",  # numeric columns: scale
    "categorical_impute",  # categorical columns: fill missing levels
    "categorical_encode",  # categorical columns: turn levels into model input
)

#: How a ``categorical_encode`` preprocessor presents categorical columns to the model.
#: A model family lists the encodings it accepts in ``ModelFamily.categorical``.
ENCODINGS: tuple[str, ...] = ("onehot", "ordinal", "native", "target")


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"{kind} name {name!r} must be a non-empty identifier (letters, digits, '_', '-')")


def _check_tasks(kind: str, name: str, tasks: Sequence[str]) -> None:
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise ValueError(f"{kind} {name!r}: tasks must be a non-empty subset of {TASKS}, got {tuple(tasks)}")


@dataclass(frozen=True)
class ModelFamily:
    """A family of models the search may choose, with its search space beside it.

    ``build(params, context)`` returns an unfitted scikit-learn estimator (a classifier with
    ``predict_proba`` for classification tasks, a regressor otherwise) for ``context.task``,
    seeded with ``context.seed`` and using at most ``context.n_jobs`` threads.
    ``suggest(trial, context)`` returns ``params`` for ``build``. ``defaults`` is a portfolio
    of known-good, complete parameter sets tried before any model-based search, cheapest
    first. Boosting families stop early on an inner validation split of their own.

    ``categorical`` lists the encodings (see :data:`ENCODINGS`) the estimator accepts for
    categorical columns, in order of preference; ``handles_missing`` says whether it accepts
    NaN in numeric input; ``wants_scaling`` whether numeric input should be scaled.
    ``cost`` is a rough relative cost of one fit (1.0 = a gradient-boosting default); it orders
    the default portfolio, cheapest family first. Once a family has run, the scheduler uses
    its measured times instead.
    """

    name: str
    tasks: tuple[str, ...]
    build: Callable[[Mapping[str, Any], BuildContext], Any]
    suggest: Suggest
    defaults: tuple[Mapping[str, Any], ...] = ()
    categorical: tuple[str, ...] = ("onehot",)
    handles_missing: bool = False
    wants_scaling: bool = False
    cost: float = 1.0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("model family", self.name)
        _check_tasks("model family", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        object.__setattr__(self, "defaults", tuple(dict(d) for d in self.defaults))
        object.__setattr__(self, "categorical", tuple(self.categorical))
        bad = [e for e in self.categorical if e not in ENCODINGS]
        if bad or not self.categorical:
            raise ValueError(f"model family {self.name!r}: categorical must list encodings from {ENCODINGS}")


@dataclass(frozen=True)
class Preprocessor:
    """One step of the preprocessing chain, a choice the search can make.

    ``stage`` is one of :data:`PREPROCESSING_STAGES`. ``build(params, context)`` returns an
    unfitted scikit-learn transformer that takes a DataFrame of the stage's columns and
    supports ``set_output(transform="pandas")`` (the engine asks for DataFrames throughout,
    so the output must be dense). Numeric columns arrive as float64 with NaN for missing;
    categorical columns as pandas ``category`` dtype whose categories were fixed at fit
    (unseen levels arrive as missing). ``suggest(trial, context)`` returns ``params``
    (``None`` when the step has nothing to tune). For the ``categorical_encode`` stage,
    ``encoding`` says which of :data:`ENCODINGS` the output is. ``supervised`` marks steps that
    learn from ``y`` (every step receives ``y`` in ``fit``; the flag documents and lets tools
    list them). Within a stage, the preprocessor with the highest ``priority`` (then the
    first name) is the one the default portfolio uses; the search may choose any.
    """

    name: str
    stage: str
    build: Callable[[Mapping[str, Any], BuildContext], Any]
    suggest: Suggest | None = None
    encoding: str | None = None
    tasks: tuple[str, ...] = TASKS
    supervised: bool = False
    priority: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("preprocessor", self.name)
        _check_tasks("preprocessor", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if self.stage not in PREPROCESSING_STAGES:
            raise ValueError(f"preprocessor {self.name!r}: stage {self.stage!r} is not one of {PREPROCESSING_STAGES}")
        if (self.stage == "categorical_encode") != (self.encoding is not None):
            raise ValueError(
                f"preprocessor {self.name!r}: encoding is required for, and only for, the categorical_encode stage"
            )
        if self.encoding is not None and self.encoding not in ENCODINGS:
            raise ValueError(f"preprocessor {self.name!r}: encoding {self.encoding!r} is not one of {ENCODINGS}")


@dataclass(frozen=True)
class FeatureBuilder:
    """Derives new columns from the raw features before preprocessing.

    ``build(params, context)`` returns an unfitted scikit-learn transformer that takes the whole
    feature DataFrame and returns a DataFrame (the columns it keeps, replaces or adds). ``applies(frame)``
    says whether the builder has anything to do on this data; a builder that does not apply is
    never offered to the search. ``optional`` builders are a search choice (on or off; the
    default portfolio runs with them off); the others always run where they apply. Builders
    of ``phase`` ``"derive"`` (new columns) run before those of phase ``"select"`` (keeping
    some columns), each phase in name order.
    """

    name: str
    build: Callable[[Mapping[str, Any], BuildContext], Any]
    applies: Callable[[Any], bool]
    suggest: Suggest | None = None
    tasks: tuple[str, ...] = TASKS
    optional: bool = True
    phase: str = "derive"
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("feature builder", self.name)
        _check_tasks("feature builder", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if self.phase not in ("derive", "select"):
            raise ValueError(f"feature builder {self.name!r}: phase must be 'derive' or 'select'")


@dataclass(frozen=True)
class Evaluator:
    """A metric.

    ``score(y_true, y_out)`` returns a float. For classification ``y_true`` holds class
    indices ``0..k-1``; ``y_out`` is the ``(n, k)`` matrix of class probabilities when
    ``needs == "proba"`` and the ``n`` predicted class indices when ``needs == "label"``.
    For regression both are 1-d float arrays (``needs == "value"``).
    ``greater_is_better`` tells the search which way to go. ``weighted`` says that ``score``
    also takes ``sample_weight=`` (one non-negative weight per row) and computes the weighted
    metric; a fit given sample weights needs a weighted search metric.

    .. versionchanged:: 0.2
       ``weighted`` added.
    """

    name: str
    tasks: tuple[str, ...]
    score: Callable[..., float]
    needs: str = "label"
    greater_is_better: bool = True
    description: str = ""
    weighted: bool = False

    def __post_init__(self) -> None:
        _check_name("evaluator", self.name)
        _check_tasks("evaluator", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if self.needs not in ("proba", "label", "value"):
            raise ValueError(f"evaluator {self.name!r}: needs must be 'proba', 'label' or 'value'")


@dataclass(frozen=True)
class Monitor:
    """Watches a fitted model in production.

    ``run(reference, current, context)`` compares ``current`` (a DataFrame of features, with
    the optional columns ``__prediction__`` and ``__target__``) against ``reference`` (the
    sample kept at fit, same layout) and returns a :class:`automl_core.monitoring.MonitorReport`.
    ``context`` is a mapping with the task, the metric, the validation score at fit and the
    column types.
    """

    name: str
    run: Callable[[Any, Any, Mapping[str, Any]], Any]
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("monitor", self.name)


@dataclass(frozen=True)
class Loader:
    """Reads a data source into a DataFrame.

    ``can_load(source, options)`` says, cheaply and without reading the data, whether this
    loader reads ``source`` (a path, a connection string, a DataFrame...). ``load(source,
    options)`` returns a :class:`pandas.DataFrame`, or a :class:`LoadedData` holding the frame
    and what the loader did to it, or raises an error that names the source. ``options`` are
    the user's keyword arguments, passed through. Loaders are asked in descending
    ``priority``, then name order.

    ``load_chunks(source, options, chunk_rows, text_columns)``, optional, reads the source as
    frames of at most ``chunk_rows`` rows, so that ``automl predict`` handles data larger than
    memory; ``text_columns`` must stay text exactly as written (they held text at fit, and a
    chunk of digits only must not turn them into numbers). Without it, batch prediction reads
    the source whole with ``load``.

    .. versionchanged:: 0.2
       ``load`` may return :class:`LoadedData`; ``load_chunks`` added.
    """

    name: str
    can_load: Callable[[Any, Mapping[str, Any]], bool]
    load: Callable[[Any, Mapping[str, Any]], Any]
    priority: int = 0
    description: str = ""
    load_chunks: Callable[[Any, Mapping[str, Any], int, Sequence[str]], Iterable[Any]] | None = None

    def __post_init__(self) -> None:
        _check_name("loader", self.name)


@dataclass(frozen=True)
class LoadedData:
    """What a loader may return instead of a bare DataFrame: the frame, and what it changed
    while reading that a model must repeat at predict.

    ``numeric_text`` maps each column the loader read as numbers although the source wrote
    them as text (a CSV column of numbers with blanks) to the count of blank values it read as
    missing; a model fitted on the frame reads those columns the same way at predict (see
    :func:`automl_core.convert_numeric_text`). ``notes`` are short remarks for the user;
    ``report`` is the loader's own account of the read (its name, the source, a separator or
    table, the files of a glob...), for users and logs: the engine does not read it.

    .. versionadded:: 0.2
    """

    frame: Any
    numeric_text: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    report: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numeric_text", {str(c): int(n) for c, n in dict(self.numeric_text).items()})
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "report", dict(self.report))


@dataclass(frozen=True)
class Portfolio:
    """An ordered list of complete configurations the search tries first, before any model
    proposes one: a zero-shot portfolio, learned across many datasets, strongest per second
    first.

    ``configs`` are configurations in the form of an earlier model's ``top_configs_``
    (``family``, ``preprocessing``, ``builders``, ``params``, ``class_weight``). The search uses
    the portfolio of highest ``priority`` (then the first name) that serves its task; the
    configurations it cannot run (a family or preprocessor not installed, or excluded) are
    passed over, and the families' own defaults follow.

    .. versionadded:: 0.2
    """

    name: str
    configs: tuple[Mapping[str, Any], ...]
    tasks: tuple[str, ...] = TASKS
    priority: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("portfolio", self.name)
        _check_tasks("portfolio", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        object.__setattr__(self, "configs", tuple(dict(c) for c in self.configs))
        bad = [i for i, c in enumerate(self.configs) if not isinstance(c.get("family"), str)]
        if bad:
            raise ValueError(f"portfolio {self.name!r}: configs {bad} name no family")


@dataclass(frozen=True)
class ExecutorContext:
    """What an executor is given when a search starts.

    ``payload`` is what every trial needs (the data and the search space): ship it to each
    worker once. ``run(payload, spec)`` runs one trial where it is called and returns its
    record; ``failed(spec, message)`` makes the record of a trial that could not run (its
    worker died, the cluster lost it); both are module-level functions of the core, so they
    pickle by reference. ``n_workers`` is how many trials may run at once (None: as many as the
    executor's workers can take), ``threads`` how many threads each trial's model may use,
    ``options`` the user's ``executor_options``, and ``max_memory`` the most bytes a trial's
    worker may hold (``AutoML(max_memory=...)``; an executor that can watch its workers ends
    a trial that passes it and returns its record with ``state="failed"``, saying so).

    .. versionadded:: 0.2
    """

    n_workers: int | None
    threads: int
    payload: Any
    run: Callable[[Any, Any], Any]
    failed: Callable[[Any, str], Any]
    options: Mapping[str, Any] = field(default_factory=dict)
    max_memory: int | None = None


@dataclass(frozen=True)
class Executor:
    """Where the trials of a search run: a local process pool, a cluster...

    ``start(context)`` receives an :class:`ExecutorContext` and returns a trial pool, an object
    with these methods (the engine calls them from one thread, and owns the clock):

    - ``ready() -> int``: how many trials can start now (workers started and idle);
    - ``submit(spec)``: start one trial (``spec.number`` names it) on an idle worker, calling
      ``context.run(payload, spec)`` there;
    - ``wait(timeout) -> list``: the records of trials finished since the last call, waiting at
      most ``timeout`` seconds for one, or for a worker to become ready (a trial whose worker died comes back as a record with
      ``state="failed"``, made with ``context.failed(spec, message)``);
    - ``cancel(number)``: stop a running trial now, even inside a library's C code (ending its
      worker process if need be, and starting another); its record is not returned;
    - ``close()``: stop every worker; none may outlive it.

    ``capacity`` (an attribute) is how many trials may run at once. The engine never has more
    trials in flight than that, runs the observer hooks in its own process in the order trials
    finish, and stops a trial that runs past its limit with ``cancel``.

    .. versionadded:: 0.2
    """

    name: str
    start: Callable[[ExecutorContext], Any]
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("executor", self.name)


def always(*args: Any) -> bool:
    """True: the default ``applies`` of an :class:`Explainer` (a module-level function, so that
    records that keep it pickle, as every component sent to a worker process must)."""
    return True


@dataclass(frozen=True)
class Explainer:
    """Explains one fitted pipeline of the final model, row by row, as additive contributions.

    ``level`` says what the explainer receives: ``"model"``, the pipeline's last step (the
    estimator) with rows and background as that step sees them (the derived columns: one-hot
    levels, text components...), which the engine maps back to the input columns; or
    ``"pipeline"``, the whole fitted pipeline with rows and background of the input columns.
    ``applies(model, context)`` says whether it can explain this one (cheaply, without
    explaining). ``explain(model, rows, context)`` returns ``(values, base)``: ``values`` of
    shape ``(n_rows, n_outputs, n_columns)`` over the columns of ``rows``, ``base`` of shape
    ``(n_outputs,)``, such that ``values.sum(axis=2) + base`` is the model's output on each
    row: the probability of each class, in class-index order (``n_outputs`` classes), or the
    regression value (``n_outputs`` is 1). ``context`` holds ``task``, ``n_classes``,
    ``output`` (a function of a frame at this level giving the model's output exactly as the
    engine computes it), ``background`` (training rows at this level) and ``seed``. Among the
    explainers that apply to a member, the one of highest ``priority`` (then the first name)
    explains it.

    .. versionadded:: 0.2
    """

    name: str
    explain: Callable[[Any, Any, Mapping[str, Any]], tuple[Any, Any]]
    applies: Callable[[Any, Mapping[str, Any]], bool] = always
    level: str = "pipeline"
    tasks: tuple[str, ...] = TASKS
    priority: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("explainer", self.name)
        _check_tasks("explainer", self.name, self.tasks)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if self.level not in ("model", "pipeline"):
            raise ValueError(f"explainer {self.name!r}: level must be 'model' or 'pipeline', got {self.level!r}")


@dataclass(frozen=True)
class Reporter:
    """Renders an evaluation report (see :meth:`automl_core.AutoML.report`) as one HTML page.

    ``render(report)`` receives the :class:`automl_core.EvaluationReport` (metrics with
    confidence intervals, true and predicted values, feature importance, leaderboard, search
    history, ensemble members, notes) and returns a complete, self-contained HTML document
    (no file or network fetch needed to show it). A reporter is chosen by name, else the
    first by descending ``priority``, then name.

    .. versionadded:: 0.2
    """

    name: str
    render: Callable[[Any], str]
    priority: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("reporter", self.name)


#: The component kinds, their record type and the hook that contributes them.
KINDS: dict[str, tuple[type, str]] = {
    "model_family": (ModelFamily, "register_model_families"),
    "preprocessor": (Preprocessor, "register_preprocessors"),
    "feature_builder": (FeatureBuilder, "register_feature_builders"),
    "evaluator": (Evaluator, "register_evaluators"),
    "monitor": (Monitor, "register_monitors"),
    "loader": (Loader, "register_loaders"),
    "executor": (Executor, "register_executors"),
    "portfolio": (Portfolio, "register_portfolios"),
    "explainer": (Explainer, "register_explainers"),
    "reporter": (Reporter, "register_reporters"),
}

__all__ = [
    "BuildContext",
    "TASKS",
    "PREPROCESSING_STAGES",
    "ENCODINGS",
    "KINDS",
    "ModelFamily",
    "Preprocessor",
    "FeatureBuilder",
    "Evaluator",
    "Monitor",
    "Loader",
    "LoadedData",
    "Executor",
    "ExecutorContext",
    "Portfolio",
    "Explainer",
    "Reporter",
]
