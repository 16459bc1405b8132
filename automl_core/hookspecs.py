"""Hook specifications: the whole contract between the engine and its plugins.

Every hook is one of three kinds, never mixed:

* **contribute** (``register_<kind>(register)``): the plugin calls ``register(component)``
  once per component it offers. The engine records which plugin gave what and rejects two
  components of one kind with the same name.
* **answer once** (a bare verb, ``firstresult=True``): the first implementation that returns
  something other than ``None`` wins. Built-in answers are ``trylast`` so that any installed
  plugin can take over.
* **observe** (``before_<event>``, ``after_<event>``, ``on_<event>_error``): for progress
  bars, logging and tracking. They return nothing and must change nothing.

Hook calls pass keyword arguments only. Signatures only grow: new arguments may be added,
none is renamed or removed; each docstring notes the version a hook or argument came in.
A plugin implements any subset of these hooks with ``@automl_core.hookimpl``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pluggy

PROJECT = "automl"

hookspec = pluggy.HookspecMarker(PROJECT)
#: What a plugin marks its hook implementations with (exported as ``automl_core.hookimpl``).
hookimpl = pluggy.HookimplMarker(PROJECT)


# --------------------------------------------------------------------------- contribute
@hookspec
def register_loaders(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute data loaders.

    :param register: call ``register(loader)`` once per :class:`automl_core.Loader`.
        A loader says which sources it can read (``can_load(source, options)``) and reads
        them (``load(source, options)`` returns a DataFrame). The engine asks the loaders in
        order of registration priority (see ``Loader.priority``) and reports every loader it
        tried when none can read a source.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_preprocessors(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute preprocessing steps the search can choose.

    :param register: call ``register(preprocessor)`` once per
        :class:`automl_core.Preprocessor`. Each belongs to one stage of the preprocessing
        chain (imputation, outliers, scaling, categorical imputation, encoding); the engine
        picks at most one per stage and applies the stages in its own fixed order.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_feature_builders(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute feature builders (derived columns, feature selection).

    :param register: call ``register(builder)`` once per :class:`automl_core.FeatureBuilder`.
        Builders run before preprocessing on the whole feature frame, in name order; the
        optional ones are a search choice.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_model_families(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute model families, each with its search space and default portfolio.

    :param register: call ``register(family)`` once per :class:`automl_core.ModelFamily`.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_evaluators(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute metrics.

    :param register: call ``register(evaluator)`` once per :class:`automl_core.Evaluator`.
        Any registered evaluator can be the search metric (``AutoML(metric=name)``), and
        ``AutoML.evaluate`` reports all of those that serve the task.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_monitors(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute monitors that compare production data with the training reference.

    :param register: call ``register(monitor)`` once per :class:`automl_core.Monitor`.
        A monitor returns a :class:`automl_core.MonitorReport`.

    The result is ignored.

    .. versionadded:: 0.1
    """


@hookspec
def register_executors(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute executors: where the trials of a search run.

    :param register: call ``register(executor)`` once per :class:`automl_core.Executor`.
        ``AutoML(executor=name)`` picks one; the core registers ``local`` (a pool of worker
        processes on this machine), the default.

    The result is ignored.

    .. versionadded:: 0.2
    """


@hookspec
def register_portfolios(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute portfolios: configurations the search tries first, in order.

    :param register: call ``register(portfolio)`` once per :class:`automl_core.Portfolio`.
        The search uses the portfolio of highest priority that serves its task, then the model
        families' own defaults, then its sampler's proposals.

    The result is ignored.

    .. versionadded:: 0.2
    """


@hookspec
def register_explainers(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute explainers: per-row contributions of the columns to a fitted pipeline's output.

    :param register: call ``register(explainer)`` once per :class:`automl_core.Explainer`.
        ``AutoML.explain`` asks, for each member of the final ensemble, the explainers that
        apply to it (highest ``priority`` first); the engine checks that each member's
        contributions add up to its output, maps derived columns back to the input columns
        and combines the members by their ensemble weights.

    The result is ignored.

    .. versionadded:: 0.2
    """


@hookspec
def register_reporters(register: Callable[[Any], None]) -> None:  # pragma: no cover - spec
    """Contribute reporters, which draw an evaluation report as one self-contained HTML page.

    :param register: call ``register(reporter)`` once per :class:`automl_core.Reporter`.
        ``AutoML.report`` computes the report's content (metrics with confidence intervals,
        predictions, importance, search history); a reporter only draws it.

    The result is ignored.

    .. versionadded:: 0.2
    """


# --------------------------------------------------------------------------- answer once
@hookspec(firstresult=True)
def load_data(source: Any, options: Mapping[str, Any]) -> Any:  # pragma: no cover - spec
    """Read a data source into a DataFrame, or return ``None`` to let another plugin try.

    :param source: what the user passed: a path, a URL or connection string, a DataFrame...
    :param options: loader options given by the user (for example ``table=`` or ``sep=``).
    :returns: a :class:`pandas.DataFrame`, or ``None`` when this plugin does not read
        ``source``. The first non-``None`` answer wins; an implementation that raises stops
        the call and its error reaches the user with the plugin's name.

    Implement this to take over reading of some sources before the registered loaders are
    asked (the registered loaders are the built-in answer).

    .. versionadded:: 0.1
    """


# --------------------------------------------------------------------------- observe
@hookspec
def before_fit(estimator: Any, X: Any, y: Any, settings: Mapping[str, Any]) -> None:  # pragma: no cover - spec
    """Called once when ``AutoML.fit`` has validated its input, before the search starts.

    :param estimator: the :class:`automl_core.AutoML` being fitted.
    :param X: the training features (a DataFrame; do not modify).
    :param y: the training target (a Series; do not modify).
    :param settings: the resolved settings: ``task``, ``metric``, ``time_budget``,
        ``validation``, ``families`` (names offered to the search).

    .. versionadded:: 0.1
    """


@hookspec
def after_fit(estimator: Any, leaderboard: Any, elapsed: float) -> None:  # pragma: no cover - spec
    """Called once when ``AutoML.fit`` has finished, the final model refit.

    :param estimator: the fitted :class:`automl_core.AutoML`.
    :param leaderboard: the leaderboard DataFrame (``estimator.leaderboard_``).
    :param elapsed: wall-clock seconds of the whole fit.

    .. versionadded:: 0.1
    """


@hookspec
def on_fit_error(estimator: Any, error: BaseException) -> None:  # pragma: no cover - spec
    """Called when ``AutoML.fit`` fails; the error is raised again afterwards.

    :param estimator: the :class:`automl_core.AutoML` whose fit failed.
    :param error: the exception.

    .. versionadded:: 0.1
    """


@hookspec
def before_trial(number: int, config: Mapping[str, Any]) -> None:  # pragma: no cover - spec
    """Called before each trial of the search is fitted.

    :param number: the trial number, from 0.
    :param config: the pipeline chosen for the trial: ``family``, ``preprocessing``
        (stage to preprocessor name), ``builders`` and ``params``.

    .. versionadded:: 0.1
    """


@hookspec
def after_trial(number: int, record: Mapping[str, Any], best_score: float | None) -> None:  # pragma: no cover - spec
    """Called after each trial, whether it succeeded, failed, was pruned or timed out.

    :param number: the trial number, from 0.
    :param record: the leaderboard row of the trial (``state``, ``score``, ``family``,
        ``fit_seconds``, ``error`` when it failed...).
    :param best_score: the best validation score so far (``None`` before the first success).

    .. versionadded:: 0.1
    """


@hookspec
def before_predict(estimator: Any, X: Any) -> None:  # pragma: no cover - spec
    """Called before ``predict``, ``predict_proba`` or ``evaluate`` computes predictions.

    :param estimator: the fitted :class:`automl_core.AutoML`.
    :param X: the validated input features.

    .. versionadded:: 0.1
    """


@hookspec
def after_predict(estimator: Any, X: Any, predictions: Any) -> None:  # pragma: no cover - spec
    """Called after predictions were computed.

    :param estimator: the fitted :class:`automl_core.AutoML`.
    :param X: the validated input features.
    :param predictions: what is about to be returned (labels, probabilities or values).

    .. versionadded:: 0.1
    """


@hookspec
def on_predict_error(estimator: Any, error: BaseException) -> None:  # pragma: no cover - spec
    """Called when prediction fails (input validation included); the error is raised again.

    :param estimator: the :class:`automl_core.AutoML` asked to predict.
    :param error: the exception.

    .. versionadded:: 0.1
    """
