"""Conformance checks for plugin authors: your plugin's whole test suite in one line.

Like scikit-learn's ``check_estimator``, these functions exercise a component the way the
engine will, on small synthetic data, and raise :class:`ConformanceError` (an
``AssertionError``, so pytest reports it as a failure) naming the component and what failed::

    # tests/test_conformance.py of your plugin
    import my_plugin
    from automl_core.testing import check_plugin

    def test_conformance():
        check_plugin(my_plugin)

``check_plugin`` builds a hermetic registry from your plugin alone and runs the matching check
on every component it registers. The per-kind checks (``check_model_family``,
``check_preprocessor``, ``check_feature_builder``, ``check_evaluator``, ``check_loader``,
``check_monitor``) can also be called directly, for instance to check a component on data of
your own. Fits are kept tiny (a few hundred rows, one thread) so a check runs in seconds.

This module imports optuna and scikit-learn inside the checks only, so importing it is cheap.
"""
from __future__ import annotations

import math
import pickle
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd

from .components import BuildContext, Evaluator, FeatureBuilder, Loader, ModelFamily, Monitor, Preprocessor

__all__ = [
    "ConformanceError",
    "check_evaluator",
    "check_feature_builder",
    "check_loader",
    "check_model_family",
    "check_monitor",
    "check_plugin",
    "check_preprocessor",
    "make_dataset",
]

#: Parameter sets drawn from a model family's ``suggest`` with real optuna trials (each is fitted).
N_FAMILY_SUGGESTIONS = 3
#: Parameter sets drawn from a transformer's ``suggest``: transformers are cheap to fit, and more
#: draws make it likely that every choice of a categorical parameter is built and fitted.
N_TRANSFORMER_SUGGESTIONS = 8


class ConformanceError(AssertionError):
    """A component does not behave as the engine expects; the message names it and the check."""


class _Checker:
    """Prefixes every failure with the component it is about."""

    def __init__(self, label: str) -> None:
        self.label = label

    def require(self, condition: Any, message: str) -> None:
        if not condition:
            raise ConformanceError(f"{self.label}: {message}")

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Turn any error raised by the component's code into a failure naming ``what``."""
        try:
            yield
        except ConformanceError:
            raise
        except Exception as exc:  # the component's own error, reported as a failed check
            raise ConformanceError(f"{self.label}: {what} raised {type(exc).__name__}: {exc}") from exc


# --------------------------------------------------------------------------- synthetic data
def make_dataset(
    task: str, *, n_rows: int = 200, seed: int = 0, categorical: bool = False, missing: bool = False
) -> tuple[pd.DataFrame, np.ndarray]:
    """A small learnable dataset shaped the way the engine hands data to a model family.

    Six float64 columns ``num_0..num_5``; with ``categorical`` an informative pandas
    ``category`` column ``cat`` (levels ``a..d``); with ``missing`` about 10% NaN in
    ``num_0``, ``num_1`` (and 5% in ``cat``). ``y`` holds class indices ``0..k-1`` (k = 2 for
    ``binary``, 3 for ``multiclass``) or float64 values for ``regression``.
    """
    from sklearn.datasets import make_classification, make_regression

    if task == "regression":
        X, y = make_regression(n_samples=n_rows, n_features=6, n_informative=4, noise=10.0, random_state=seed)
    else:
        k = 2 if task == "binary" else 3
        X, y = make_classification(
            n_samples=n_rows, n_features=6, n_informative=4, n_redundant=1, n_classes=k, random_state=seed
        )
        y = y.astype(np.int64)
    frame = pd.DataFrame(X, columns=[f"num_{i}" for i in range(X.shape[1])])
    rng = np.random.default_rng(seed)
    if categorical:
        codes = np.digitize(frame["num_0"], np.quantile(frame["num_0"], [0.25, 0.5, 0.75]))
        frame["cat"] = pd.Categorical.from_codes(codes, categories=list("abcd"))
    if missing:
        for column in ("num_0", "num_1"):
            frame.loc[rng.random(n_rows) < 0.1, column] = np.nan
        if categorical:
            frame.loc[rng.random(n_rows) < 0.05, "cat"] = np.nan
    return frame, y


def _categorical_frame(n_rows: int, seed: int) -> pd.DataFrame:
    """Two category columns, one with 4 levels and one with 40, about 10% missing."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "low": pd.Categorical(rng.choice(list("abcd"), n_rows), categories=list("abcd")),
        "high": pd.Categorical([f"level_{i}" for i in rng.integers(0, 40, n_rows)]),
    })
    for column in frame.columns:
        frame.loc[rng.random(n_rows) < 0.1, column] = np.nan
    return frame


def _mixed_frame(n_rows: int, seed: int) -> pd.DataFrame:
    """Numeric, category, datetime and free-text columns: what raw data looks like."""
    frame, _ = make_dataset("binary", n_rows=n_rows, seed=seed, categorical=True, missing=True)
    rng = np.random.default_rng(seed)
    frame["when"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 3650, n_rows), unit="D")
    frame["text"] = [f"item {i} of kind {i % 7}" for i in rng.integers(0, 1000, n_rows)]
    return frame


def _context(task: str, X: pd.DataFrame, y: np.ndarray, seed: int) -> BuildContext:
    categorical = tuple(c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype))
    numeric = tuple(c for c in X.columns if pd.api.types.is_float_dtype(X[c]))
    n_classes = 0 if task == "regression" else int(np.max(y)) + 1
    return BuildContext(task=task, seed=seed, n_jobs=1, n_rows=len(X), n_features=X.shape[1],
                        n_classes=n_classes, numeric=numeric, categorical=categorical)


@contextmanager
def _quiet_optuna() -> Iterator[None]:
    import optuna

    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


def _suggested(check: _Checker, suggest: Any, context: BuildContext, seed: int, n: int) -> list[dict]:
    """``n`` parameter sets drawn from ``suggest`` with real optuna trials of a seeded random sampler."""
    import optuna

    with _quiet_optuna():
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
        drawn = []
        for i in range(n):
            trial = study.ask()
            with check.step(f"suggest (trial {i})"):
                params = suggest(trial, context)
            check.require(isinstance(params, dict), f"suggest must return a dict, got {type(params).__name__}")
            drawn.append(params)
    keys = {frozenset(p) for p in drawn}
    check.require(len(keys) == 1, f"suggest must return the same keys every time, got {sorted(map(sorted, keys))}")
    return drawn


def _require_in_space(check: _Checker, suggest: Any, params: Mapping, context: BuildContext, what: str) -> None:
    """``params`` is a point of the search space: replaying it through ``suggest`` gives it back.

    The engine relies on this to enqueue defaults as trials of its study.
    """
    import warnings

    from optuna.trial import FixedTrial

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with check.step(f"suggest on an optuna FixedTrial of {what}"):
            replayed = suggest(FixedTrial(dict(params)), context)
    outside = [str(w.message) for w in caught if "out of the range" in str(w.message)]
    check.require(not outside and replayed == dict(params),
                  f"{what} {dict(params)!r} is not a point of the search space (suggest on a FixedTrial of it "
                  f"returned {replayed!r}{'; ' + outside[0] if outside else ''}): the engine enqueues defaults as trials")


# --------------------------------------------------------------------------- shared checks
def _fitted_copy_checks(check: _Checker, fitted: Any, outputs: Any, compute: Any) -> None:
    """A pickle round trip of a fitted object gives identical outputs."""
    with check.step("pickle round trip"):
        restored = pickle.loads(pickle.dumps(fitted))
        again = compute(restored)
    _require_same(check, outputs, again, "predictions after a pickle round trip differ from the original's")


def _require_same(check: _Checker, a: Any, b: Any, message: str) -> None:
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b)
        except AssertionError as exc:
            raise ConformanceError(f"{check.label}: {message}: {exc}") from exc
        return
    for left, right in zip(a, b):
        check.require(np.allclose(left, right, rtol=1e-9, atol=1e-12, equal_nan=True), message)


def _clone(check: _Checker, obj: Any, what: str) -> Any:
    from sklearn.base import clone

    with check.step(f"sklearn.base.clone of the {what}"):
        return clone(obj)


def _require_thread_limit(check: _Checker, estimator: Any, context: BuildContext) -> None:
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    for key, value in params.items():
        if key == "n_jobs" or key.endswith("__n_jobs"):
            check.require(value is None or 0 < value <= context.n_jobs,
                          f"{key}={value!r} uses more threads than context.n_jobs={context.n_jobs}")


# --------------------------------------------------------------------------- model families
def _model_outputs(check: _Checker, model: Any, X: pd.DataFrame, task: str, k: int) -> tuple:
    with check.step("predict"):
        predicted = np.asarray(model.predict(X))
    check.require(predicted.shape == (len(X),), f"predict returned shape {predicted.shape}, expected ({len(X)},)")
    if task == "regression":
        check.require(np.all(np.isfinite(predicted.astype(float))), "predict returned non-finite values")
        return (predicted,)
    check.require(set(np.unique(predicted)) <= set(range(k)), f"predict must return class indices 0..{k - 1}")
    with check.step("predict_proba"):
        proba = np.asarray(model.predict_proba(X))
    check.require(proba.shape == (len(X), k), f"predict_proba returned shape {proba.shape}, expected ({len(X)}, {k})")
    check.require(np.all((proba >= 0) & (proba <= 1)), "predict_proba returned values outside [0, 1]")
    check.require(np.allclose(proba.sum(axis=1), 1.0, atol=1e-6), "predict_proba rows do not sum to 1")
    return predicted, proba


def _build_model(check: _Checker, family: ModelFamily, params: Mapping, context: BuildContext) -> Any:
    with check.step(f"build({dict(params)!r})"):
        model = family.build(params, context)
    _require_thread_limit(check, model, context)
    return _clone(check, model, "built estimator")


def _fit_model(check: _Checker, model: Any, params: Mapping, context: BuildContext, data: tuple) -> tuple:
    X_train, y_train, X_test = data
    with check.step(f"fit with params {dict(params)!r}"):
        returned = model.fit(X_train, y_train)
    check.require(returned is model, "fit must return self")
    classes = getattr(model, "classes_", None)
    if context.task != "regression" and classes is not None:
        check.require(list(classes) == list(range(context.n_classes)), f"classes_ is {list(classes)}, expected 0..k-1")
    return _model_outputs(check, model, X_test, context.task, context.n_classes)


def check_model_family(family: ModelFamily, tasks: tuple[str, ...] | None = None, seed: int = 0) -> None:
    """Check a :class:`~automl_core.ModelFamily` on each task it serves (or those given).

    On a synthetic dataset of 200 rows (float64 columns, plus a ``category`` column when the
    family accepts the ``native`` encoding, with NaN when it ``handles_missing``), checks that
    ``suggest`` works with real optuna trials and always returns the same keys; that every
    entry of ``defaults`` has those keys and is a point of the search space (``suggest`` on an
    optuna ``FixedTrial`` of it gives it back, so the engine can enqueue it as a trial); that
    every parameter set builds, on every task, an estimator that respects ``context.n_jobs``
    and can be cloned. The first parameter set (the first default) is fitted on every task;
    the others are shared out between the tasks so that each is fitted once. A fit must
    return self and predict the right shape (class indices, and ``predict_proba`` rows of k
    probabilities summing to 1 for classification). Two fits of the first set with the same
    seed must predict the same, and so must a pickle round trip of the fitted estimator.

    :raises ConformanceError: naming the family, the task and the failed check.
    """
    check = _Checker(f"model family {family.name!r}")
    check.require(isinstance(family, ModelFamily), f"expected a ModelFamily, got {type(family).__name__}")
    check.require(family.cost > 0, f"cost must be positive, got {family.cost}")
    tasks = tuple(tasks or family.tasks)
    for position, task in enumerate(tasks):
        check.require(task in family.tasks, f"does not serve task {task!r} (serves {family.tasks})")
        _check_family_task(family, task, seed, lambda i: i % len(tasks) == position)


def _check_family_task(family: ModelFamily, task: str, seed: int, fits_here: Any) -> None:
    check = _Checker(f"model family {family.name!r} [{task}]")
    X, y = make_dataset(task, seed=seed, categorical="native" in family.categorical, missing=family.handles_missing)
    data = (X.iloc[:150], y[:150], X.iloc[150:])
    context = _context(task, data[0], data[1], seed)
    suggested = _suggested(check, family.suggest, context, seed, N_FAMILY_SUGGESTIONS)
    keys = set(suggested[0])
    for i, default in enumerate(family.defaults):
        check.require(set(default) == keys, f"defaults[{i}] keys {sorted(default)} differ from suggest's {sorted(keys)}")
        _require_in_space(check, family.suggest, default, context, f"defaults[{i}]")
    candidates = (*family.defaults, *suggested)
    models = [_build_model(check, family, params, context) for params in candidates]
    for i in range(1, len(candidates)):
        if fits_here(i):
            _fit_model(check, models[i], candidates[i], context, data)
    first = _fit_model(check, models[0], candidates[0], context, data)
    second = _fit_model(check, _build_model(check, family, candidates[0], context), candidates[0], context, data)
    _require_same(check, first, second, f"two fits with seed {seed} predict differently (params {candidates[0]!r})")
    _fitted_copy_checks(check, models[0], first, lambda m: _model_outputs(check, m, data[2], task, context.n_classes))


# --------------------------------------------------------------------------- preprocessors
def _stage_frame(stage: str, seed: int) -> pd.DataFrame:
    if stage.startswith("categorical"):
        return _categorical_frame(200, seed)
    frame, _ = make_dataset("regression", seed=seed, missing=True)
    return frame


def _fit_transform(check: _Checker, transformer: Any, X: pd.DataFrame, y: np.ndarray, X_new: pd.DataFrame):
    with check.step("set_output(transform='pandas')"):
        transformer.set_output(transform="pandas")
    before, before_new = X.copy(), X_new.copy()
    with check.step("fit"):
        returned = transformer.fit(X, y)
    check.require(returned is transformer, "fit must return self")
    with check.step("transform"):
        out = transformer.transform(X_new)
    check.require(isinstance(out, pd.DataFrame), f"transform must return a DataFrame, got {type(out).__name__}")
    check.require(out.index.equals(X_new.index), "transform must keep the rows and index of its input")
    check.require(X.equals(before) and X_new.equals(before_new), "fit or transform modified its input")
    return transformer, out


def _check_transformer(check: _Checker, build: Any, param_sets: list, context: BuildContext, data: tuple,
                       inspect: Any) -> None:
    """Build, fit and transform with each parameter set, the first twice; ``inspect`` each output.

    The two fits of the first set must agree, and a pickle round trip of it must too.
    """
    X, y, X_new = data
    runs = []
    for params in (param_sets[0], *param_sets):
        with check.step(f"build({params!r})"):
            built = build(params, context)
        fitted, out = _fit_transform(check, _clone(check, built, "built transformer"), X, y, X_new)
        inspect(fitted, out)
        runs.append((fitted, out))
    _require_same(check, runs[0][1], runs[1][1], f"two fits with params {param_sets[0]!r} give different output")
    _fitted_copy_checks(check, runs[0][0], runs[0][1], lambda t: t.transform(X_new))


def _check_stage_output(check: _Checker, preprocessor: Preprocessor, X: pd.DataFrame, out: pd.DataFrame) -> None:
    stage = preprocessor.stage
    numeric = all(pd.api.types.is_numeric_dtype(out[c]) for c in out.columns)
    if stage == "numeric_impute":
        check.require(numeric and not out.isna().any().any(), "a numeric imputer must output numbers without NaN")
    elif stage in ("numeric_outliers", "numeric_scale"):
        check.require(numeric and out.shape[1] == X.shape[1], "must output one numeric column per input column")
        check.require((out.isna().to_numpy() == X.isna().to_numpy()).all(), "must keep NaN where, and only where, they were")
    elif stage == "categorical_impute":
        check.require(not out.isna().any().any(), "a categorical imputer must output no missing values")
        check.require(all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in out.columns),
                      "a categorical imputer must keep pandas category dtype for the encoder after it")
    elif preprocessor.encoding == "native":
        check.require(all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in out.columns),
                      "a 'native' encoder must output pandas category columns")
    else:
        check.require(numeric, f"an {preprocessor.encoding!r} encoder must output numeric columns")
        if preprocessor.encoding == "onehot":
            check.require(not out.isna().any().any(), "a one-hot encoder must output no NaN")


def check_preprocessor(preprocessor: Preprocessor, seed: int = 0) -> None:
    """Check a :class:`~automl_core.Preprocessor` on data shaped like its stage's input.

    Numeric stages get float64 columns with NaN, categorical stages ``category`` columns (4 and
    40 levels) with missing values. For each task it serves, checks that ``suggest`` (when
    given) works with real optuna trials, that the built transformer can be cloned, supports
    ``set_output(transform="pandas")``, fits (returning self), transforms new rows into a
    DataFrame with the same index without modifying its input, that its output suits the
    stage (imputers leave no missing value, scaling and outlier steps keep NaN in place and
    one column per column, encoders output what their ``encoding`` promises, ``native`` with
    the same categories on new rows), that it is deterministic, and survives a pickle round trip.

    :raises ConformanceError: naming the preprocessor and the failed check.
    """
    for task in preprocessor.tasks:
        check = _Checker(f"preprocessor {preprocessor.name!r} [{task}]")
        frame = _stage_frame(preprocessor.stage, seed)
        _, y = make_dataset(task, n_rows=len(frame), seed=seed)
        X, X_new = frame.iloc[:150], frame.iloc[150:]
        context = _context(task, X, y, seed)
        param_sets = _suggested(check, preprocessor.suggest, context, seed, N_TRANSFORMER_SUGGESTIONS) \
            if preprocessor.suggest else [{}]

        def inspect(fitted: Any, out: pd.DataFrame) -> None:
            _check_stage_output(check, preprocessor, X_new, out)
            if preprocessor.encoding == "native":
                with check.step("transform of the training rows"):
                    seen = fitted.transform(X)
                check.require(all(seen[c].dtype == out[c].dtype for c in seen.columns),
                              "categories differ between two transforms: they must be fixed at fit")

        _check_transformer(check, preprocessor.build, param_sets, context, (X, y[:150], X_new), inspect)


# --------------------------------------------------------------------------- feature builders
def check_feature_builder(builder: FeatureBuilder, frame: pd.DataFrame | None = None, seed: int = 0) -> None:
    """Check a :class:`~automl_core.FeatureBuilder`.

    ``frame`` is data the builder applies to; by default a synthetic frame with float64,
    ``category`` (with missing values), datetime and free-text columns. Checks that
    ``applies(frame)`` returns True, that ``suggest`` (when given) works with real optuna
    trials, and that the built transformer can be cloned, fits (returning self), transforms new
    rows into a DataFrame with the same index without modifying its input, is deterministic
    and survives a pickle round trip.

    :raises ConformanceError: naming the builder and the failed check.
    """
    frame = _mixed_frame(200, seed) if frame is None else frame
    X, X_new = frame.iloc[: len(frame) * 3 // 4], frame.iloc[len(frame) * 3 // 4 :]
    for task in builder.tasks:
        check = _Checker(f"feature builder {builder.name!r} [{task}]")
        with check.step("applies"):
            applies = builder.applies(X)
        check.require(applies is True or applies is np.True_,
                      f"applies(frame) returned {applies!r} on columns {list(X.columns)}; pass a frame it applies to")
        _, y = make_dataset(task, n_rows=len(X), seed=seed)
        context = _context(task, X, y, seed)
        param_sets = _suggested(check, builder.suggest, context, seed, N_TRANSFORMER_SUGGESTIONS) \
            if builder.suggest else [{}]
        _check_transformer(check, builder.build, param_sets, context, (X, y, X_new), lambda fitted, out: None)


# --------------------------------------------------------------------------- evaluators
def _score(check: _Checker, evaluator: Evaluator, y_true: np.ndarray, y_out: np.ndarray, what: str) -> float:
    with check.step(f"score of {what}"):
        value = evaluator.score(y_true, y_out)
    check.require(isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool),
                  f"score of {what} must be a float, got {type(value).__name__}")
    check.require(math.isfinite(value), f"score of {what} is not finite: {value}")
    return float(value)


def _evaluator_cases(needs: str, task: str, rng: np.random.Generator) -> dict[str, tuple]:
    """Named (y_true, perfect output, random output) triples for one task."""
    n = 120
    if task == "regression":
        y = rng.normal(5.0, 10.0, n)
        return {"values": (y, y.copy(), rng.permutation(y) + rng.normal(0.0, 5.0, n))}
    k = 2 if task == "binary" else 3

    def out(y_true: np.ndarray, cols: int) -> tuple:
        if needs == "label":
            return y_true.copy(), rng.integers(0, 2, len(y_true))  # the random guess never predicts class 2
        return np.eye(cols)[y_true], rng.dirichlet(np.ones(cols), len(y_true))

    y = np.resize(np.arange(k), n)
    rng.shuffle(y)
    cases = {f"{k} classes": (y, *out(y, k))}
    if needs == "proba" and k > 2:
        y_missing = y % 2  # class 2 absent from y_true, still a column of the probabilities
        cases["a class absent from y_true"] = (y_missing, *out(y_missing, k))
    return cases


def check_evaluator(evaluator: Evaluator, seed: int = 0) -> None:
    """Check an :class:`~automl_core.Evaluator` on each task it serves.

    Scores a perfect and a random output (class indices, an (n, k) probability matrix or
    float values, as ``needs`` says) and checks that both are finite floats and that the
    perfect one scores at least as well as the random one in the direction of
    ``greater_is_better``. For probability metrics on multiclass tasks, also scores a
    ``y_true`` in which one class of the k columns never occurs; for label metrics the random
    guess never predicts some class.

    :raises ConformanceError: naming the evaluator, the task and the failed check.
    """
    rng = np.random.default_rng(seed)
    for task in evaluator.tasks:
        check = _Checker(f"evaluator {evaluator.name!r} [{task}]")
        expected = "value" if task == "regression" else ("proba", "label")
        check.require(evaluator.needs in expected, f"needs={evaluator.needs!r} does not fit task {task!r}")
        for case, (y_true, perfect, random) in _evaluator_cases(evaluator.needs, task, rng).items():
            best = _score(check, evaluator, y_true, perfect, f"a perfect output ({case})")
            other = _score(check, evaluator, y_true, random, f"a random output ({case})")
            better = best >= other if evaluator.greater_is_better else best <= other
            direction = "greater" if evaluator.greater_is_better else "lower"
            check.require(better, f"a perfect output scores {best} and a random one {other} ({case}), "
                                  f"but greater_is_better={evaluator.greater_is_better} says {direction} is better")


# --------------------------------------------------------------------------- loaders
def _shown(source: Any) -> str:
    """A short description of a data source for messages (a DataFrame by its shape)."""
    if isinstance(source, pd.DataFrame):
        return f"<DataFrame of shape {source.shape}>"
    text = repr(source)
    return text if len(text) <= 160 else text[:157] + "..."


def check_loader(loader: Loader, source: Any, options: Mapping[str, Any] | None = None) -> None:
    """Check a :class:`~automl_core.Loader` on a ``source`` it should read.

    Checks that ``can_load(source, options)`` is True, that ``load`` returns a non-empty
    DataFrame, and that ``can_load`` answers False (without raising) for a missing file
    with an unknown suffix, given as a ``str`` and as a ``pathlib.Path``.

    :raises ConformanceError: naming the loader and the failed check.
    """
    import tempfile
    from pathlib import Path

    check = _Checker(f"loader {loader.name!r}")
    options = dict(options or {})
    shown = _shown(source)
    with check.step(f"can_load({shown})"):
        answer = loader.can_load(source, options)
    check.require(answer is True, f"can_load({shown}) returned {answer!r}, expected True")
    with check.step(f"load({shown})"):
        frame = loader.load(source, options)
    check.require(isinstance(frame, pd.DataFrame), f"load must return a DataFrame, got {type(frame).__name__}")
    check.require(frame.shape[0] > 0 and frame.shape[1] > 0, f"load({shown}) returned an empty DataFrame")
    missing = Path(tempfile.gettempdir()) / "automl-conformance-no-such-file.unknown-suffix"
    for alien in (str(missing), missing):
        with check.step(f"can_load({alien!r})"):
            answer = loader.can_load(alien, {})
        check.require(answer is False, f"can_load({alien!r}) returned {answer!r}, expected False")


# --------------------------------------------------------------------------- monitors
def check_monitor(monitor: Monitor, reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> Any:
    """Check a :class:`~automl_core.Monitor` on a reference and a current sample.

    Checks that ``run(reference, current, context)`` leaves its inputs unchanged and returns a
    report with ``drift_detected`` (a bool), ``drifted_columns`` (names of columns of
    ``reference``), ``columns`` and a ``to_dict()`` method returning a mapping.
    Returns the report, for further checks of your own.

    :raises ConformanceError: naming the monitor and the failed check.
    """
    check = _Checker(f"monitor {monitor.name!r}")
    before = (reference.copy(), current.copy())
    with check.step("run"):
        report = monitor.run(reference, current, context)
    check.require(reference.equals(before[0]) and current.equals(before[1]), "run modified its input")
    for attribute in ("drift_detected", "drifted_columns", "columns", "to_dict"):
        check.require(hasattr(report, attribute), f"the report has no attribute {attribute!r}")
    check.require(isinstance(report.drift_detected, (bool, np.bool_)), "drift_detected must be a bool")
    unknown = [c for c in report.drifted_columns if c not in reference.columns]
    check.require(not unknown, f"drifted_columns names columns that are not in the data: {unknown}")
    with check.step("to_dict"):
        as_dict = report.to_dict()
    check.require(isinstance(as_dict, Mapping), f"to_dict must return a mapping, got {type(as_dict).__name__}")
    return report


def _monitor_inputs(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A reference sample and a current one whose ``num_0`` has shifted by three deviations."""
    frame, y = make_dataset("binary", n_rows=400, seed=seed, categorical=True, missing=True)
    frame["__prediction__"] = y
    frame["__target__"] = y
    reference, current = frame.iloc[:200].reset_index(drop=True), frame.iloc[200:].reset_index(drop=True)
    current["num_0"] = current["num_0"] + 3 * reference["num_0"].std()
    context = {"task": "binary", "metric": "accuracy", "validation_score": 0.9,
               "numeric": [f"num_{i}" for i in range(6)], "categorical": ["cat"]}
    return reference, current, context


# --------------------------------------------------------------------------- whole plugins
def check_plugin(
    plugin: Any,
    *,
    loader_sources: Mapping[str, Any] | None = None,
    builder_frames: Mapping[str, pd.DataFrame] | None = None,
    seed: int = 0,
) -> dict[str, list[str]]:
    """Check every component a plugin registers, in a registry built from that plugin alone.

    :param plugin: the plugin module (or object) with ``@automl_core.hookimpl`` functions.
    :param loader_sources: loader name to a source it must read (``{"csv": path}``); loaders
        without a source are skipped, since only the author knows what they read.
    :param builder_frames: feature builder name to a frame it applies to, for builders that do
        not apply to the default synthetic frame.
    :param seed: the seed of the synthetic data, the samplers and the built components.
    :returns: the names checked, by kind.
    :raises ConformanceError: when the plugin registers nothing, or a component fails its check.
    """
    from .manager import build_plugin_manager, plugin_name_of
    from .registry import Registry

    registry = Registry.from_manager(build_plugin_manager(plugins=[plugin], autoload=False))
    components = {kind: registry.all(kind) for kind in registry.components}
    if not any(components.values()):
        raise ConformanceError(f"plugin {plugin_name_of(plugin)!r} registers no component")
    sources, frames = dict(loader_sources or {}), dict(builder_frames or {})
    for given, kind in ((sources, "loader"), (frames, "feature_builder")):
        unknown = sorted(set(given) - {c.name for c in components[kind]})
        if unknown:
            raise ConformanceError(f"no {kind.replace('_', ' ')} named {unknown} is registered by the plugin")
    runs = {
        "model_family": lambda c: check_model_family(c, seed=seed),
        "preprocessor": lambda c: check_preprocessor(c, seed=seed),
        "feature_builder": lambda c: check_feature_builder(c, frames.get(c.name), seed=seed),
        "evaluator": lambda c: check_evaluator(c, seed=seed),
        "monitor": lambda c: check_monitor(c, *_monitor_inputs(seed)),
        "loader": lambda c: check_loader(c, sources[c.name]),
    }
    checked: dict[str, list[str]] = {}
    for kind, items in components.items():
        for component in items:
            if kind == "loader" and component.name not in sources:
                continue
            runs[kind](component)
            checked.setdefault(kind, []).append(component.name)
    return checked
