"""The ``AutoML`` estimator: scikit-learn's rules, every component from a plugin."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._progress import FitLog, resolve_verbose
from ._quiet import quiet_optuna
from .data import (
    RowRoles,
    beyond_float32,
    fitted_frame,
    read_numeric_text,
    refuse_repeated_columns,
    split_target,
    validate,
    warn_missing,
)
from .errors import DataError
from .fit import (
    FitSettings,
    fitted_attributes,
    predict_threads,
    prepare,
    read_training_input,
    search_and_refit,
    start_workers,
    threads,
)
from .model import PARALLEL_ROWS, labels_of, output_by_chunks, score, split_rows
from .plugin import Registry, build_plugin_manager
from .search import SPEED_TOLERANCE, Deadline, thread_limit

#: Held while a model times its predict whole and split (one timing at a time per process).
_TIMING = threading.Lock()

#: Share of the time budget kept back from search and refit for the steps after them.
FINISH_MARGIN = 0.02


class AutoML(BaseEstimator):
    """Searches preprocessing x model family x hyperparameters under a wall-clock budget.

    :param time_budget: seconds for the whole of ``fit``, refit included (a hard bound).
    :param seed: seeds splits, the sampler and every model.
    :param task: ``"binary"``, ``"multiclass"`` or ``"regression"``; inferred when None.
    :param metric: the name of any installed evaluator; per task default when None
        (ROC AUC, log loss, RMSE).
    :param families: names of the model families the search may use (all that serve the
        task when None); one name may be given as a string.
    :param validation: ``"auto"``, ``"kfold"``, ``"holdout"`` or ``"time"``; ``folds`` and
        ``holdout`` size them. ``"auto"`` uses k-fold on small data and a holdout on large data
        (by group when groups are given), or ``"time"`` when ``time_column`` is given. ``"time"``:
        ``folds`` forward-chaining splits of the rows ordered by ``time_column``.
    :param ensemble: combine the best pipelines by greedy ensemble selection.
    :param column_types: column to type (``numeric``, ``categorical``, ``datetime``, ``text``,
        ``identifier``, ``drop``), overriding inference.
    :param unseen: a categorical level not seen at fit is ``"missing"`` (default) or an ``"error"``.
    :param strict_missing: at predict, a column that had no missing values at fit must have
        none (a :class:`SchemaError`); by default such values are imputed, with a
        :class:`MissingValueWarning` naming the columns and counts.
    :param plugins: plugin objects to use besides (or, with ``autoload_plugins=False``, instead
        of) the installed ones. :param block_plugins: plugin names not to load.
    :param n_jobs: threads per model (default 1: see :data:`automl_core.fit.DEFAULT_THREADS`; raising it pays
        only with ``OMP_WAIT_POLICY`` set to ``ACTIVE``, on cores nothing else uses). At predict,
        a batch of :data:`~automl_core.model.PARALLEL_ROWS` rows or more is split into row chunks
        predicted in ``n_jobs`` threads at once (every usable core when None), when the model,
        timed after fit (after load: at its first such batch), is faster split at that size.
    :param exclude: names of model families, preprocessors or feature builders the search must
        not use, without blocking the plugins that give them (e.g. ``["text_tfidf"]``).
    :param max_trials: stop after this many trials even if time remains.
    :param reference_rows: size of the training sample kept for monitoring.
    :param predict_time_limit: most seconds per row the final model may take to predict, as
        its members took on the validation rows during the search (e.g. ``1e-5``: 100,000
        rows a second). Pipelines slower than that alone are left out of the ensemble, and
        members are dropped, the least useful first, until their summed cost is within it,
        and again when the members refit on all rows (a search on a sample) are timed over it;
        when no pipeline is fast enough the fastest is kept, with a :class:`PredictTimeWarning`.
    :param speed_tolerance: how much validation accuracy the final model may give up to predict
        faster, as a share of the best ensemble's gain over a constant prediction (default
        0.002: 0.2% of it; on an AUC of 0.85, about 0.0007). Within that, or within one standard
        error across the folds, ensemble members are dropped, the costliest to predict first,
        and a single pipeline cheaper than the ensemble may replace it. 0 keeps every member the
        folds can tell apart from noise.
    :param warm_start: configurations (``PipelineConfig.to_dict()``, e.g. an earlier model's
        ``top_configs_``) to try first, before the default portfolio.
    :param verbose: what ``fit`` shows on stderr: 0 nothing, 1 a live progress line (elapsed
        of the budget, trials, best score and family), 2 one line per trial; ``None`` is 1 in a
        terminal or a notebook and 0 elsewhere. The same messages go to the ``automl_core``
        logger whatever the level.
    :param n_workers: trials run at once, each in a worker process (None: the cores this
        process may use over ``n_jobs``, never more threads than cores). With 1, trials run one
        at a time in this process when ``fit`` is called from the main thread, else in one
        worker process (so that a trial over its limit can still be stopped).
    :param executor: where the trials run: ``"local"`` (worker processes on this machine, the
        default) or any installed executor plugin (``"dask"`` with ``automl-dask``).
    :param executor_options: options for the executor (``start_method`` for ``local``;
        ``address`` or ``client`` for ``dask``).
    :param storage: an optuna storage URL (``sqlite:///search.db``, or PostgreSQL for many
        machines) where each finished trial is written as it finishes, its out-of-fold
        predictions in a folder beside a SQLite file (or a mapping ``{"url": ..., "artifacts":
        folder}``); ``fit(..., resume=True)`` then continues a search that was stopped.
    :param search_rows: the most rows the search fits its trials on (a stratified sample);
        None: every row up to 200,000, a sample of 100,000 above. The final refit uses every
        row; the leaderboard's ``rows`` column says how many the search used.
    :param max_memory: the most memory a trial's worker process may hold (bytes, or text such
        as ``"2GB"``); a trial whose worker passes it is ended and recorded as failed, saying
        so. With a limit, even ``n_workers=1`` runs its trials in a worker process.
    :param weight_column: a column of the training data holding each row's sample weight (then
        not a feature); or give ``fit(..., sample_weight=...)``.
    :param group_column: a column of the training data naming each row's group (then not a
        feature): no group has rows on both sides of a validation split; or ``fit(..., groups=...)``.
    :param time_column: a column of dates or numbers ordering the rows for ``validation="time"``
        (it stays a feature unless ``column_types`` drops it).
    """

    def __init__(
        self,
        time_budget: float = 60,
        seed: int = 0,
        task: str | None = None,
        metric: str | None = None,
        families: Sequence[str] | None = None,
        validation: str = "auto",
        folds: int = 5,
        holdout: float = 0.2,
        ensemble: bool = True,
        column_types: Mapping[str, str] | None = None,
        unseen: str = "missing",
        strict_missing: bool = False,
        plugins: Sequence[Any] | None = None,
        block_plugins: Sequence[str] | None = None,
        autoload_plugins: bool = True,
        n_jobs: int | None = None,
        max_trials: int | None = None,
        reference_rows: int = 1000,
        warm_start: Sequence[Mapping[str, Any]] | None = None,
        exclude: Sequence[str] | None = None,
        predict_time_limit: float | None = None,
        n_workers: int | None = None,
        executor: str | None = None,
        executor_options: Mapping[str, Any] | None = None,
        storage: str | Mapping[str, str] | None = None,
        search_rows: int | None = None,
        max_memory: int | str | None = None,
        weight_column: str | None = None,
        group_column: str | None = None,
        time_column: str | None = None,
        verbose: int | None = None,
        speed_tolerance: float = SPEED_TOLERANCE,
    ):
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
        self.verbose = verbose
        self.n_workers = n_workers
        self.executor = executor
        self.executor_options = executor_options
        self.storage = storage
        self.search_rows = search_rows
        self.max_memory = max_memory
        self.weight_column = weight_column
        self.group_column = group_column
        self.time_column = time_column
        self.speed_tolerance = speed_tolerance

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        target: str | None = None,
        resume: bool = False,
        sample_weight: Any = None,
        groups: Any = None,
        **load_options,
    ) -> AutoML:
        """Search, ensemble and refit within ``time_budget`` seconds; returns ``self``.

        ``X`` is a DataFrame (or array) with ``y``, or a frame, what a loader returned
        (:class:`~automl_core.LoadedData`) or any source a loader plugin reads (a path, a
        connection string...) with ``target=`` naming the target column; ``load_options`` go
        to the loader. ``resume=True`` continues the search kept in ``storage`` on the same
        data: no finished trial runs again, and the budget is ``time_budget`` less what the
        earlier fit spent searching. ``sample_weight`` (one non-negative weight per row) weights
        the models, the metric and the ensemble selection; ``groups`` (one label per row) keeps
        each group on one side of every validation split. Both are read by position.
        """
        params = self.get_params(deep=False)
        progress = FitLog(resolve_verbose(params.pop("verbose")))
        settings = FitSettings.from_params(params)
        started = time.monotonic()
        # search and refit end a little early: what follows them (ensemble bookkeeping, the
        # reference sample, observers) must fit in the budget too
        deadline = Deadline(settings.time_budget * (1 - FINISH_MARGIN), start=started)
        pm = self._plugin_manager(refresh=True)
        pm.add_explicit([progress], set())
        registry = Registry.from_manager(pm)
        if settings.exclude:
            registry = registry.without(settings.exclude)
        workers = None
        try:
            workers = start_workers(registry, settings)  # they start while the data is read and prepared
            roles = RowRoles(settings.weight_column, settings.group_column, settings.time_column, sample_weight, groups)
            training = read_training_input(pm, X, y, target, load_options, settings.column_types, roles)
            prepared = prepare(registry, training, settings)
            pm.notify(
                "before_fit",
                estimator=self,
                X=training.features,
                y=training.target,
                settings=prepared.summary(settings),
            )
            with quiet_optuna():
                outcome = search_and_refit(pm, prepared, settings, deadline, workers, resume)
            learned = fitted_attributes(training, prepared, outcome, settings)
        except Exception as exc:
            pm.notify("on_fit_error", estimator=self, error=exc)
            raise
        finally:
            if workers is not None:
                workers.close()
        self._set_fitted(learned, time_left=settings.time_budget - (time.monotonic() - started))
        self.fit_seconds_ = time.monotonic() - started
        pm.notify("after_fit", estimator=self, leaderboard=self.leaderboard_, elapsed=self.fit_seconds_)
        return self

    @classmethod
    def from_fitted(cls, params: Mapping[str, Any], learned: Mapping[str, Any]) -> AutoML:
        """An estimator with ``params`` (as ``get_params()`` gives them) and the learned
        attributes of an earlier fit (names ending in ``_``): what a model package restores.
        The evaluators are taken from the installed plugins again."""
        model = cls(**params)
        learned = dict(learned)
        registry = Registry.from_manager(model._plugin_manager(), kinds=["evaluator"])
        learned["evaluators_"] = registry.all("evaluator", learned["task_"])
        model._set_fitted(learned, time_left=0.0)  # the first batch large enough to split times the split
        return model

    def _set_fitted(self, learned: Mapping[str, Any], time_left: float) -> None:
        unknown = [name for name in learned if not name.endswith("_") or name.startswith("_")]
        if unknown:
            raise ValueError(f"not learned attributes: {unknown}")
        self.__dict__.update(learned)
        self._ready_to_predict(time_left)

    def _plugin_manager(self, refresh: bool = False):
        if refresh or getattr(self, "_pm", None) is None:
            self._pm = build_plugin_manager(self.plugins, self.block_plugins, self.autoload_plugins)
        return self._pm

    def _threads(self) -> int:
        return threads(self.n_jobs)

    def _ready_to_predict(self, time_left: float = math.inf) -> None:
        """Do now, after fit and after load, what the first predict would otherwise do: find
        the members' shared transformer prefixes, scan the thread pools and import what the
        pipelines import lazily, by predicting two reference rows (no hook is called); then
        learn from which batch size splitting a batch across threads pays for this model on
        this machine (:meth:`_time_the_split`), unless that would take more than
        ``time_left`` seconds (what is left of a fit's budget; 0 after load, where most uses
        never send a batch that large): then the first batch that would be split times it."""
        self.model_.shared_prefixes()  # also without a reference sample, or if the warm-up fails
        self._split_from: float | None = float(PARALLEL_ROWS)
        reference = getattr(self, "reference_", None)
        if reference is None or not len(reference):
            return
        try:
            with thread_limit(self._threads()):
                self.model_.output(self._features(reference.head(2)))
        except Exception:  # noqa: BLE001 - a warm-up only: predict itself reports any failure
            return
        if predict_threads(self.n_jobs) > 1:
            if time_left > 0:
                self._time_the_split(time_left)
            else:
                self._split_from = None

    def _time_the_split(self, time_left: float = math.inf) -> None:
        """Set ``_split_from``: the batch size from which this model predicts faster in row
        chunks, timed on its reference sample (:func:`~automl_core.model.split_rows`); None
        when that would take more than ``time_left`` seconds. One thread times at a time; a
        batch predicted meanwhile in another is split from :data:`PARALLEL_ROWS` rows."""
        if not _TIMING.acquire(blocking=False):
            return
        try:
            self._split_from = split_rows(
                self.model_.output,
                self._features(self.reference_),
                thread_limit,
                self._threads(),
                time_left=time_left,
            )
        except Exception:  # noqa: BLE001 - the reference sample no longer passes: keep the usual size
            self._split_from = float(PARALLEL_ROWS)
        finally:
            _TIMING.release()

    def _split_size(self, rows: int, threads: int) -> float:
        """From which size a batch of ``rows`` is split across ``threads``: the model's own,
        timed now if the fit had no time left to time it and this batch would be split."""
        if getattr(self, "_split_from", None) is None and rows >= PARALLEL_ROWS and threads > 1:
            self._time_the_split()
        found = getattr(self, "_split_from", None)
        return PARALLEL_ROWS if found is None else found

    # ------------------------------------------------------------------ predict
    def _features(self, X: Any) -> pd.DataFrame:
        if isinstance(X, pd.Series) and set(self.feature_names_in_) <= set(map(str, X.index)):
            X = pd.DataFrame([X.to_dict()], index=None if X.name is None else [X.name])  # one row: df.iloc[i]
        frame = fitted_frame(X, self)
        if not frame.columns.is_unique:
            refuse_repeated_columns(frame, self.schema_.columns, "the input")
        frame = read_numeric_text(frame, getattr(self, "numeric_text_", {}), "the input")
        warn_missing(validate(self.schema_, frame, "the input", strict_missing=self.strict_missing))
        kept = list(self.schema_.columns)
        return frame if frame.columns.tolist() == kept else frame[kept]  # a selection costs a copy

    def _output(self, X: Any) -> tuple[pd.DataFrame, np.ndarray]:
        check_is_fitted(self, "model_")
        pm = self._plugin_manager()
        try:
            features = self._features(X)
            pm.notify("before_predict", estimator=self, X=features)
            if len(features) == 0:  # no rows: some transformers (scikit-learn's imputers) refuse them
                return features, np.empty((0,) if self.task_ == "regression" else (0, len(self.classes_)))
            try:
                threads = predict_threads(self.n_jobs)
                return features, output_by_chunks(
                    self.model_.output,
                    features,
                    threads,
                    thread_limit,
                    self._threads(),
                    self._split_size(len(features), threads),
                )
            except (ValueError, OverflowError, FloatingPointError) as exc:
                found = beyond_float32(features)
                if found is None:
                    raise
                column, row, value = found
                raise DataError(
                    f"column {column!r} holds {value!r} at row {row!r}, beyond 3.4e38, the largest "
                    f"number the model's float32 computations take: send a smaller number or a "
                    f"missing value"
                ) from exc
        except Exception as exc:
            pm.notify("on_predict_error", estimator=self, error=exc)
            raise

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (the original ones) or regression values."""
        features, output = self._output(X)
        result = output if self.task_ == "regression" else self.labels_from_proba(output)
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

    def labels_from_proba(self, proba: np.ndarray) -> np.ndarray:
        """The class labels ``predict`` gives for these class probabilities (columns in the
        order of ``classes_``): the tuned decision threshold applied, if any."""
        check_is_fitted(self, "model_")
        return self.classes_[labels_of(np.asarray(proba), self.threshold_)]

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
        rows = [
            {
                "metric": e.name,
                "value": values[e.name],
                "greater_is_better": e.greater_is_better,
                "search_metric": e.name == self.metric_,
            }
            for e in self.evaluators_
        ]
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

    # ------------------------------------------------------------------ understanding
    def feature_importance(
        self,
        X: Any,
        y: Any = None,
        *,
        target: str | None = None,
        metric: str | None = None,
        n_repeats: int = 5,
        max_rows: int | None = None,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Permutation importance of each input column on labelled data, most important first.

        Each column's values are shuffled among the rows ``n_repeats`` times; its
        ``importance`` is the mean drop of ``metric`` (the search metric by default, in its own
        units, positive when the column helps), with its ``std``, each repeat's drop, the
        ``metric`` and its ``baseline`` score. ``max_rows`` measures on a random sample.
        """
        from .explain import feature_importance, labelled

        check_is_fitted(self, "model_")
        data = labelled(self, X, y, target, "the importance data")
        return feature_importance(self, data, metric=metric, n_repeats=n_repeats, max_rows=max_rows, seed=seed)

    def explain(self, X: Any, *, explainer: str | None = None, background_rows: int = 100, seed: int = 0):
        """Per-row contributions of each input column to the model's output, from an explainer plugin.

        Returns :class:`~automl_core.Contributions`: ``values`` ``(rows, outputs, columns)``
        and ``base`` such that ``values.sum(axis=2) + base`` is ``predict_proba(X)`` (or
        ``predict(X)`` for regression) within 1e-6. Each member of the ensemble is explained
        by the highest-priority explainer that applies to it (or ``explainer``, by name),
        against ``background_rows`` of the training sample kept at fit.
        """
        from .explain import explain

        check_is_fitted(self, "model_")
        features = self._features(X)
        registry = Registry.from_manager(self._plugin_manager(), kinds=["explainer"])
        return explain(self, features, registry, explainer, background_rows, seed)

    def report(
        self,
        X: Any,
        y: Any = None,
        *,
        target: str | None = None,
        reporter: str | None = None,
        importance: bool = True,
        bootstrap: int = 200,
        seed: int = 0,
    ):
        """An evaluation report on labelled data: :class:`~automl_core.EvaluationReport`.

        Metrics with ``bootstrap`` resamples' confidence intervals, the predictions (ROC,
        precision-recall, confusion and calibration, or residuals, as the reporter draws
        them), permutation importance, the leaderboard and search history, the ensemble.
        ``save_html(path)`` writes it as one self-contained page drawn by a reporter plugin.
        """
        from .explain import labelled
        from .report import build_report, choose_reporter

        check_is_fitted(self, "model_")
        data = labelled(self, X, y, target, "the report data")
        content = build_report(self, data, importance, bootstrap, seed)
        chosen = choose_reporter(Registry.from_manager(self._plugin_manager(), kinds=["reporter"]), reporter)
        if chosen is not None:
            content.reporter, content.render = chosen.name, chosen.render
        return content

    # ------------------------------------------------------------------ life after fit
    def save(self, path, *, overwrite: bool = False, data: pd.DataFrame | None = None, key: str | bytes | None = None):
        """Write the model package to ``path`` atomically (see :mod:`automl_core.package`);
        ``data``, the training frame, is fingerprinted into the metadata when given; ``key`` (or
        ``$AUTOML_PACKAGE_KEY``) signs it."""
        from .package import save

        return save(self, path, overwrite=overwrite, data=data, key=key)

    def monitor(self, current: Any, y_true: Any = None, *, monitor: Any = None, **options):
        """Drift of production data (and, with labels, quality) against the training reference.

        Returns a :class:`automl_core.MonitorReport` from a monitor plugin; ``options``
        (``reference``, ``drift_share``, ``quality_tolerance``) are those of
        :func:`automl_core.monitoring.monitor`.
        """
        from .monitoring import monitor as monitor_data

        return monitor_data(self, current, y_true, monitor=monitor, **options)

    def update(
        self, new_data: Any, y: Any = None, *, target: str | None = None, policy: Any = None, history: Any = None
    ) -> tuple[AutoML, Any]:
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
        tags.input_tags.allow_nan = True  # missing values are imputed (or taken natively by the model)
        return tags


def load(path: Any, *, trusted: Sequence[str] | bool = (), key: str | bytes | None = None) -> AutoML:
    """Read a model package written by :meth:`AutoML.save`; returns the fitted estimator.

    Every file is checked against the package's manifest, the plugin distributions the model
    was built with must be installed (another version only warns), and the files may hold
    only types those vouch for; ``trusted`` names more types to accept, and the pickle files
    to read (``"pipeline-1.pkl"``; ``True`` for all of them). With a ``key`` (or
    ``$AUTOML_PACKAGE_KEY``) the package must be signed with it.

    :raises automl_core.PackageError: naming the file, distribution or types at fault.
    """
    from .package import read_package

    stored = read_package(path, trusted=trusted, key=key)
    return AutoML.from_fitted(stored.params, stored.learned)
