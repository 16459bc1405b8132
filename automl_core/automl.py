"""The ``AutoML`` estimator: scikit-learn's rules, every component from a plugin."""
from __future__ import annotations

import time
import warnings
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import fitting
from .budget import Deadline, thread_limit
from .columns import plan_columns
from .components import BuildContext
from .errors import DataError, UnknownComponentError
from .evaluation import labels_of, make_splits, score, tune_threshold
from .manager import build_plugin_manager
from .numeric_text import read_numeric_text
from .pipeline import IMBALANCE_SHARE, SearchSpace
from .prepare import fitted_frame, split_target, to_frame, training_data
from .registry import Registry
from .search import Search, SearchData
from .target import check_target, encode_target
from .validation import infer_schema, validate

#: The metric each task is searched for when none is named.
DEFAULT_METRICS = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
#: Share of the time budget kept back from search and refit for the steps after them.
FINISH_MARGIN = 0.02
#: Threads per model unless ``n_jobs`` says otherwise. On this project's 2-core machine, with
#: OMP_WAIT_POLICY=PASSIVE (set on import, see ``automl_core/__init__.py``), two OpenMP threads
#: made LightGBM, XGBoost and HistGradientBoosting fits 4 to 17 times slower than one (bike
#: sharing, 500 LightGBM rounds: 8.4 s against 0.76 s); without PASSIVE they were at most 1.8 times
#: faster on an idle machine and 3 to 4 times slower with one other busy process.
DEFAULT_THREADS = 1


class AutoML(BaseEstimator):
    """Searches preprocessing x model family x hyperparameters under a wall-clock budget.

    :param time_budget: seconds for the whole of ``fit``, refit included (a hard bound).
    :param seed: seeds splits, the sampler and every model.
    :param task: ``"binary"``, ``"multiclass"`` or ``"regression"``; inferred when None.
    :param metric: the name of any installed evaluator; per task default when None
        (ROC AUC, log loss, RMSE).
    :param families: names of the model families the search may use (all that serve the
        task when None); one name may be given as a string.
    :param validation: ``"auto"``, ``"kfold"`` or ``"holdout"``; ``folds`` and ``holdout``
        size them. ``"auto"`` uses k-fold on small data and a holdout on large data.
    :param ensemble: combine the best pipelines by greedy ensemble selection.
    :param column_types: column to type (``numeric``, ``categorical``, ``datetime``, ``text``,
        ``identifier``, ``drop``), overriding inference.
    :param unseen: a categorical level not seen at fit is ``"missing"`` (default) or an ``"error"``.
    :param strict_missing: at predict, a column that had no missing values at fit must have none.
    :param plugins: plugin objects to use besides (or, with ``autoload_plugins=False``, instead
        of) the installed ones. :param block_plugins: plugin names not to load.
    :param n_jobs: threads per model (default 1: see :data:`DEFAULT_THREADS`; raising it pays
        only with ``OMP_WAIT_POLICY`` set to ``ACTIVE`` before import, on cores nothing else uses).
    :param exclude: names of model families, preprocessors or feature builders the search must
        not use, without blocking the plugins that give them (e.g. ``["text_tfidf"]``).
    :param max_trials: stop after this many trials even if time remains.
    :param reference_rows: size of the training sample kept for monitoring.
    :param predict_time_limit: most seconds per row the final model may take to predict, as
        its members took on the validation rows during the search (e.g. ``1e-5``: 100,000
        rows a second). Pipelines slower than that alone are left out of the ensemble, and
        members are dropped, the least useful first, until their summed cost is within it;
        when no pipeline is fast enough the fastest is kept, with a :class:`PredictTimeWarning`.
    :param warm_start: configurations (``PipelineConfig.to_dict()``, e.g. an earlier model's
        ``top_configs_``) to try first, before the default portfolio.
    """

    def __init__(self, time_budget: float = 60, seed: int = 0, task: str | None = None, metric: str | None = None,
                 families: Sequence[str] | None = None, validation: str = "auto", folds: int = 5,
                 holdout: float = 0.2, ensemble: bool = True, column_types: Mapping[str, str] | None = None,
                 unseen: str = "missing", strict_missing: bool = True, plugins: Sequence[Any] | None = None,
                 block_plugins: Sequence[str] | None = None, autoload_plugins: bool = True,
                 n_jobs: int | None = None, max_trials: int | None = None, reference_rows: int = 1000,
                 warm_start: Sequence[Mapping[str, Any]] | None = None, exclude: Sequence[str] | None = None,
                 predict_time_limit: float | None = None):
        self.time_budget = time_budget
        self.seed = seed
        self.task = task
        self.metric = metric
        self.families = families
        self.validation = validation
        self.folds = folds
        self.holdout = holdout
        self.ensemble = ensemble
        self.column_types = column_types
        self.unseen = unseen
        self.strict_missing = strict_missing
        self.plugins = plugins
        self.block_plugins = block_plugins
        self.autoload_plugins = autoload_plugins
        self.n_jobs = n_jobs
        self.max_trials = max_trials
        self.reference_rows = reference_rows
        self.warm_start = warm_start
        self.exclude = exclude
        self.predict_time_limit = predict_time_limit

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any = None, *, target: str | None = None, **load_options) -> "AutoML":
        """Search, ensemble and refit within ``time_budget`` seconds; returns ``self``.

        ``X`` is a DataFrame (or array) with ``y``, or a frame or any source a loader plugin
        reads (a path, a connection string...) with ``target=`` naming the target column;
        ``load_options`` go to the loader.
        """
        self._check_settings()
        started = time.monotonic()
        # search and refit end a little early: what follows them (ensemble bookkeeping, the
        # reference sample, observers) must fit in the budget too
        deadline = Deadline(float(self.time_budget) * (1 - FINISH_MARGIN), start=started)
        pm = self._plugin_manager(refresh=True)
        registry = Registry.from_manager(pm)
        if self.exclude:
            registry = registry.without(_names(self.exclude))
        try:
            X, y, numeric_text = self._read_input(pm, X, y, target, load_options)
            data, space, context = self._prepare(registry, X, y, numeric_text, deadline)
            pm.notify("before_fit", estimator=self, X=X, y=y, settings=self._settings(data, space))
            self._search_and_refit(pm, data, space, context, deadline)
        except Exception as exc:
            self.__dict__.pop("_training_features", None)
            pm.notify("on_fit_error", estimator=self, error=exc)
            raise
        del self._training_features
        self.fit_seconds_ = time.monotonic() - started
        pm.notify("after_fit", estimator=self, leaderboard=self.leaderboard_, elapsed=self.fit_seconds_)
        return self

    def _check_settings(self) -> None:
        budget = self.time_budget
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not np.isfinite(budget) or budget <= 0:
            raise ValueError(f"time_budget must be a positive number of seconds, got {budget!r}")
        if self.unseen not in ("missing", "error"):
            raise ValueError(f"unseen must be 'missing' or 'error', got {self.unseen!r}")
        limit = self.predict_time_limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or not limit > 0):
            raise ValueError(f"predict_time_limit must be a positive number of seconds per row, got {limit!r}")

    def _plugin_manager(self, refresh: bool = False):
        if refresh or getattr(self, "_pm", None) is None:
            self._pm = build_plugin_manager(self.plugins, self.block_plugins, self.autoload_plugins)
        return self._pm

    def _read_input(self, pm, X, y, target, load_options) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
        """The features and target, and the columns of numbers written as text (read as
        numbers here or by the loader) with their count of blanks read as missing."""
        if not isinstance(X, (pd.DataFrame, np.ndarray, list, tuple, Mapping)) or load_options:
            from .data import load_with_manager

            X = load_with_manager(pm, X, load_options)
        features, target_series, name, numeric_text, self.dropped_target_rows_ = training_data(
            to_frame(X, "X"), y, target, self._column_types())
        self.target_name_ = name
        return features, target_series, numeric_text

    def _prepare(self, registry: Registry, X: pd.DataFrame, y: pd.Series, numeric_text: dict[str, int],
                 deadline: Deadline):
        self.task_ = check_target(y, self.task, self.target_name_)
        y_enc, classes = encode_target(y, self.task_)
        self.classes_ = classes
        n_classes = 0 if classes is None else len(classes)
        self.metric_ = self.metric or DEFAULT_METRICS[self.task_]
        self.evaluators_ = registry.all("evaluator", self.task_)
        evaluator = registry.get("evaluator", self.metric_, self.task_)
        plan = plan_columns(X, self._column_types())
        # read the same way at predict: the columns of numbers written as text that stay numbers
        self.numeric_text_ = {c: n for c, n in numeric_text.items() if plan.kinds.get(c) == "numeric"}
        self.column_plan_ = plan.with_notes(
            {c: f"numbers written as text; {n} blank value(s) read as missing" for c, n in self.numeric_text_.items()})
        kept = [c for c, k in self.column_plan_.kinds.items() if k not in ("drop", "identifier")]
        builders = [b for b in registry.all("feature_builder", self.task_) if b.applies(X[kept])]
        if not builders:  # nothing can use dates or free text: drop them, saying so
            self.column_plan_ = self.column_plan_.without_kinds(("datetime", "text"), "no feature builder applies, dropped")
            kept = [c for c, k in self.column_plan_.kinds.items() if k not in ("drop", "identifier")]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.schema_ = infer_schema(X, self.column_plan_, strict_missing=self.strict_missing, unseen=self.unseen)
        splits = make_splits(y_enc, self.task_, self.validation, self.folds, self.holdout, self.seed)
        families = registry.select("model_family", _names(self.families), self.task_)
        if not families:
            raise UnknownComponentError(f"no installed model family serves task {self.task_!r}; install a model plugin")
        context = self._context(X[kept], n_classes)
        imbalanced = n_classes > 0 and np.bincount(y_enc).min() / len(y_enc) < IMBALANCE_SHARE
        space = SearchSpace(registry, families, self.column_plan_, context, builders, imbalanced)
        data = SearchData(X[kept], y_enc, self.task_, n_classes, splits, evaluator)
        self._training_features = X
        self._registry_owners = {name: registry.owner(kind, name) for kind, name in registry.owners}
        return data, space, context

    def _column_types(self) -> dict[str, str]:
        return {str(column): kind for column, kind in (self.column_types or {}).items()}

    def _context(self, X: pd.DataFrame, n_classes: int) -> BuildContext:
        plan = self.column_plan_
        return BuildContext(task=self.task_, seed=self.seed, n_jobs=self._threads(), n_rows=len(X),
                            n_features=len(plan.of("numeric")) + len(plan.of("categorical")), n_classes=n_classes,
                            numeric=tuple(plan.of("numeric")), categorical=tuple(plan.of("categorical")),
                            datetime=tuple(plan.of("datetime")), text=tuple(plan.of("text")))

    def _threads(self) -> int:
        """Threads per model: the user's choice, else :data:`DEFAULT_THREADS`."""
        if self.n_jobs is not None and self.n_jobs > 0:
            return int(self.n_jobs)
        return DEFAULT_THREADS

    def _keep_reference(self, data: SearchData, blend: np.ndarray | None) -> None:
        """A bounded sample of the validated rows, with the ensemble's out-of-fold outputs on
        them: monitors compare production data (and predictions) with it, honestly."""
        rows = data.splits.validated_rows
        rng = np.random.default_rng(self.seed)
        picked = np.sort(rng.choice(len(rows), size=min(self.reference_rows, len(rows)), replace=False))
        self.reference_ = self._training_features.iloc[rows[picked]].copy()
        self.reference_output_ = None if blend is None else blend[picked]

    def _settings(self, data: SearchData, space: SearchSpace) -> dict:
        return {"task": self.task_, "metric": self.metric_, "time_budget": self.time_budget,
                "validation": data.splits.kind, "families": sorted(space.families)}

    def _search_and_refit(self, pm, data: SearchData, space: SearchSpace, context: BuildContext, deadline: Deadline):
        reserve = fitting.make_reserve(data.splits, len(data.y), self.ensemble, data.metric.greater_is_better,
                                       deadline.seconds)
        search = Search(space, data, deadline, seed=self.seed, max_trials=self.max_trials, reserve=reserve,
                        before_trial=lambda **kw: pm.notify("before_trial", **kw),
                        after_trial=lambda **kw: pm.notify("after_trial", **kw),
                        warm_start=list(self.warm_start or []))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # models' chatter on tiny folds
            search.run()
            weights = fitting.ensemble_weights(search, data, self.ensemble, self.predict_time_limit)
            self.model_, self.best_pipeline_, how = fitting.refit_final(
                search, space, data, weights, deadline, context, fold_models=self.predict_time_limit is None)
        weights = fitting.final_weights(weights, how)
        self.best_config_ = search.best.config
        self.top_configs_ = fitting.top_configs(search.results, data.metric.greater_is_better)
        self.best_score_ = search.best.score
        self.ensemble_weights_ = weights
        self.leaderboard_ = fitting.leaderboard(search.results, weights, how, data.metric.greater_is_better)
        blend = fitting.blend_oof(search, weights)
        y_val = data.y[data.splits.validated_rows]
        self.threshold_ = None if blend is None else tune_threshold(data.metric, y_val, blend)
        self._keep_reference(data, blend)
        self.validation_score_ = float(search.best.score) if blend is None else score(data.metric, y_val, blend, self.threshold_)
        self._ready_to_predict()

    def _ready_to_predict(self) -> None:
        """Do now, after fit and after load, what the first predict would otherwise do: find
        the members' shared transformer prefixes, scan the thread pools and import what the
        pipelines import lazily, by predicting two reference rows (no hook is called; fit and
        load have built the plugin manager). On titanic's 179 rows the first call took twice as
        long as the next ones without this (109 ms against 48 ms after load)."""
        self.model_.shared_prefixes()  # also without a reference sample, or if the warm-up fails
        reference = getattr(self, "reference_", None)
        with thread_limit(self._threads()):
            if reference is not None and len(reference):
                try:
                    self.model_.output(self._features(reference.head(2)))
                except Exception:  # noqa: BLE001 - a warm-up only: predict itself reports any failure
                    pass

    # ------------------------------------------------------------------ predict
    def _features(self, X: Any) -> pd.DataFrame:
        if isinstance(X, pd.Series) and set(self.feature_names_in_) <= set(map(str, X.index)):
            X = pd.DataFrame([X.to_dict()], index=None if X.name is None else [X.name])  # one row: df.iloc[i]
        frame = fitted_frame(X, self)
        frame = read_numeric_text(frame, getattr(self, "numeric_text_", {}), "the input")
        validate(self.schema_, frame, "the input")
        kept = list(self.schema_.columns)
        return frame[kept]

    def _output(self, X: Any) -> tuple[pd.DataFrame, np.ndarray]:
        check_is_fitted(self, "model_")
        pm = self._plugin_manager()
        try:
            features = self._features(X)
            pm.notify("before_predict", estimator=self, X=features)
            if len(features) == 0:  # no rows: some transformers (scikit-learn's imputers) refuse them
                return features, np.empty((0,) if self.task_ == "regression" else (0, len(self.classes_)))
            with thread_limit(self._threads()):
                return features, self.model_.output(features)
        except Exception as exc:
            pm.notify("on_predict_error", estimator=self, error=exc)
            raise

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (the original ones) or regression values."""
        features, output = self._output(X)
        result = output if self.task_ == "regression" else self.classes_[labels_of(output, self.threshold_)]
        self._pm.notify("after_predict", estimator=self, X=features, predictions=result)
        return result

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        if self.task_ == "regression":
            raise AttributeError("predict_proba is for classification; this model does regression")
        features, output = self._output(X)
        self._pm.notify("after_predict", estimator=self, X=features, predictions=output)
        return output

    def score(self, X: Any, y: Any) -> float:
        """The search metric on ``(X, y)`` (higher is better: losses are negated, as scikit-learn does)."""
        value = self._metric_values(X, y, [self.metric_])[self.metric_]
        evaluator = next(e for e in self.evaluators_ if e.name == self.metric_)
        return value if evaluator.greater_is_better else -value

    def evaluate(self, X: Any, y: Any = None, *, target: str | None = None) -> pd.DataFrame:
        """Every installed metric for this task on labelled data, as a table."""
        check_is_fitted(self, "model_")
        frame = fitted_frame(X, self)
        if target is None and y is None and self.target_name_ in frame.columns:
            target = self.target_name_
        features, labels, _ = split_target(frame, y, target, "the evaluation data")
        values = self._metric_values(features, labels, [e.name for e in self.evaluators_])
        rows = [{"metric": e.name, "value": values[e.name], "greater_is_better": e.greater_is_better,
                 "search_metric": e.name == self.metric_} for e in self.evaluators_]
        return pd.DataFrame(rows)

    def _metric_values(self, X: Any, y: Any, names: list[str]) -> dict[str, float]:
        features, output = self._output(X)
        y_true = self._encode_labels(pd.Series(np.asarray(y).ravel()))
        if len(y_true) != len(features):
            raise DataError(f"y has {len(y_true)} values but X has {len(features)} rows")
        by_name = {e.name: e for e in self.evaluators_}
        self._pm.notify("after_predict", estimator=self, X=features, predictions=output)
        return {n: score(by_name[n], y_true, output, self.threshold_) for n in names}

    def _encode_labels(self, y: pd.Series) -> np.ndarray:
        if self.task_ == "regression":
            return y.to_numpy(dtype="float64")
        index = {c: i for i, c in enumerate(self.classes_)}
        unknown = sorted({str(v) for v in y if v not in index})
        if unknown:
            raise DataError(f"labels {unknown} were not among the classes seen at fit {list(self.classes_)}")
        return y.map(index).to_numpy(dtype="int64")

    # ------------------------------------------------------------------ life after fit
    def save(self, path, *, overwrite: bool = False, data: pd.DataFrame | None = None):
        """Write the model package to ``path`` atomically (see :mod:`automl_core.package`);
        ``data``, the training frame, is fingerprinted into the metadata when given."""
        from .package import save

        return save(self, path, overwrite=overwrite, data=data)

    def monitor(self, current: Any, y_true: Any = None, *, monitor: Any = None, **options):
        """Drift of production data (and, with labels, quality) against the training reference.

        Returns a :class:`automl_core.MonitorReport` from a monitor plugin; ``options``
        (``reference``, ``drift_share``, ``quality_tolerance``) are those of
        :func:`automl_core.monitoring.monitor`.
        """
        from .monitoring import monitor as monitor_data

        return monitor_data(self, current, y_true, monitor=monitor, **options)

    def update(self, new_data: Any, y: Any = None, *, target: str | None = None, policy: Any = None,
               history: Any = None) -> tuple["AutoML", Any]:
        """Retrain on labelled new data when ``policy`` says it is worth it.

        Returns ``(model, decision)``: the better of the old and the retrained model, and a
        record of what was done and why (see :func:`automl_core.monitoring.update`).
        """
        from .monitoring import update as update_model

        return update_model(self, new_data, y, target=target, policy=policy, history=history)

    def __sklearn_clone__(self):
        # plugins passed in code may be modules, which cannot be deep-copied
        return type(self)(**self.get_params(deep=False))

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_pm", None)  # plugin managers hold modules; rebuilt on demand after loading
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # wall-clock budgets
        return tags


def _names(value: str | Sequence[str] | None) -> Sequence[str] | None:
    """Component names as given; one name given as a string is one name, not its letters."""
    return [value] if isinstance(value, str) else value
