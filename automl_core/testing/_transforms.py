"""The conformance checks of preprocessors and feature builders: fitted transformers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..components import BuildContext, FeatureBuilder, Preprocessor
from ._common import (
    N_TRANSFORMER_SUGGESTIONS,
    Checker,
    clone_of,
    draw_params,
    require_pickle_round_trip,
    require_same,
)
from ._data import categorical_frame, context_for, make_dataset, mixed_frame


def _stage_frame(stage: str, seed: int) -> pd.DataFrame:
    if stage.startswith("categorical"):
        return categorical_frame(200, seed)
    frame, _ = make_dataset("regression", seed=seed, missing=True)
    return frame


def _fit_transform(check: Checker, transformer: Any, X: pd.DataFrame, y: np.ndarray, X_new: pd.DataFrame):
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


def _check_transformer(
    check: Checker, build: Any, param_sets: list, context: BuildContext, data: tuple, inspect: Any
) -> None:
    """Build, fit and transform with each parameter set, the first twice; ``inspect`` each output.

    The two fits of the first set must agree, and a pickle round trip of it must too.
    """
    X, y, X_new = data
    runs = []
    for params in (param_sets[0], *param_sets):
        with check.step(f"build({params!r})"):
            built = build(params, context)
        fitted, out = _fit_transform(check, clone_of(check, built, "built transformer"), X, y, X_new)
        inspect(fitted, out)
        runs.append((fitted, out))
    require_same(check, runs[0][1], runs[1][1], f"two fits with params {param_sets[0]!r} give different output")
    require_pickle_round_trip(check, runs[0][0], runs[0][1], lambda t: t.transform(X_new))


def _check_stage_output(check: Checker, preprocessor: Preprocessor, X: pd.DataFrame, out: pd.DataFrame) -> None:
    stage = preprocessor.stage
    numeric = all(pd.api.types.is_numeric_dtype(out[c]) for c in out.columns)
    if stage == "numeric_impute":
        check.require(numeric and not out.isna().any().any(), "a numeric imputer must output numbers without NaN")
    elif stage in ("numeric_outliers", "numeric_scale"):
        check.require(numeric and out.shape[1] == X.shape[1], "must output one numeric column per input column")
        check.require(
            (out.isna().to_numpy() == X.isna().to_numpy()).all(), "must keep NaN where, and only where, they were"
        )
    elif stage == "categorical_impute":
        check.require(not out.isna().any().any(), "a categorical imputer must output no missing values")
        check.require(
            all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in out.columns),
            "a categorical imputer must keep pandas category dtype for the encoder after it",
        )
    elif preprocessor.encoding == "native":
        check.require(
            all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in out.columns),
            "a 'native' encoder must output pandas category columns",
        )
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
        _check_preprocessor_task(preprocessor, task, seed)


def _check_preprocessor_task(preprocessor: Preprocessor, task: str, seed: int) -> None:
    check = Checker(f"preprocessor {preprocessor.name!r} [{task}]")
    frame = _stage_frame(preprocessor.stage, seed)
    _, y = make_dataset(task, n_rows=len(frame), seed=seed)
    X, X_new = frame.iloc[:150], frame.iloc[150:]
    context = context_for(task, X, y, seed)
    param_sets = (
        draw_params(check, preprocessor.suggest, context, seed, N_TRANSFORMER_SUGGESTIONS)
        if preprocessor.suggest
        else [{}]
    )

    def inspect(fitted: Any, out: pd.DataFrame) -> None:
        _check_stage_output(check, preprocessor, X_new, out)
        if preprocessor.encoding == "native":
            with check.step("transform of the training rows"):
                seen = fitted.transform(X)
            check.require(
                all(seen[c].dtype == out[c].dtype for c in seen.columns),
                "categories differ between two transforms: they must be fixed at fit",
            )

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
    frame = mixed_frame(200, seed) if frame is None else frame
    X, X_new = frame.iloc[: len(frame) * 3 // 4], frame.iloc[len(frame) * 3 // 4 :]
    for task in builder.tasks:
        check = Checker(f"feature builder {builder.name!r} [{task}]")
        with check.step("applies"):
            applies = builder.applies(X)
        check.require(
            applies is True or applies is np.True_,
            f"applies(frame) returned {applies!r} on columns {list(X.columns)}; pass a frame it applies to",
        )
        _, y = make_dataset(task, n_rows=len(X), seed=seed)
        context = context_for(task, X, y, seed)
        param_sets = (
            draw_params(check, builder.suggest, context, seed, N_TRANSFORMER_SUGGESTIONS) if builder.suggest else [{}]
        )
        _check_transformer(check, builder.build, param_sets, context, (X, y, X_new), lambda fitted, out: None)
