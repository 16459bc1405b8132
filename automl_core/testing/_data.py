"""Small synthetic data shaped the way the engine hands data to each kind of component."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..components import BuildContext


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


def categorical_frame(n_rows: int, seed: int) -> pd.DataFrame:
    """Two category columns, one with 4 levels and one with 40, about 10% missing."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "low": pd.Categorical(rng.choice(list("abcd"), n_rows), categories=list("abcd")),
            "high": pd.Categorical([f"level_{i}" for i in rng.integers(0, 40, n_rows)]),
        }
    )
    for column in frame.columns:
        frame.loc[rng.random(n_rows) < 0.1, column] = np.nan
    return frame


def mixed_frame(n_rows: int, seed: int) -> pd.DataFrame:
    """Numeric, category, datetime and free-text columns: what raw data looks like."""
    frame, _ = make_dataset("binary", n_rows=n_rows, seed=seed, categorical=True, missing=True)
    rng = np.random.default_rng(seed)
    frame["when"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 3650, n_rows), unit="D")
    frame["text"] = [f"item {i} of kind {i % 7}" for i in rng.integers(0, 1000, n_rows)]
    return frame


def context_for(task: str, X: pd.DataFrame, y: np.ndarray, seed: int) -> BuildContext:
    categorical = tuple(c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype))
    numeric = tuple(c for c in X.columns if pd.api.types.is_float_dtype(X[c]))
    n_classes = 0 if task == "regression" else int(np.max(y)) + 1
    return BuildContext(
        task=task,
        seed=seed,
        n_jobs=1,
        n_rows=len(X),
        n_features=X.shape[1],
        n_classes=n_classes,
        numeric=numeric,
        categorical=categorical,
    )


def monitor_inputs(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Samples laid out as the engine hands them to a monitor, ``num_0`` shifted by 3 deviations.

    Both hold the features and ``__prediction__``; the current one also ``__target__``.
    """
    frame, y = make_dataset("binary", n_rows=400, seed=seed, categorical=True, missing=True)
    frame["__prediction__"] = y
    reference, current = frame.iloc[:200].reset_index(drop=True), frame.iloc[200:].reset_index(drop=True)
    current["num_0"] = current["num_0"] + 3 * reference["num_0"].std()
    current["__target__"] = y[200:]
    context = {
        "task": "binary",
        "metric": "accuracy",
        "validation_score": 0.9,
        "drift_share": 0.5,
        "quality": None,
        "numeric": [f"num_{i}" for i in range(6)],
        "categorical": ["cat"],
        "prediction": "numeric",
    }
    return reference, current, context
