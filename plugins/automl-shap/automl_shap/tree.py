"""Tree SHAP on a pipeline's last step: exact, fast, and used only where its sum reproduces
the step's output in the engine's terms (class probabilities or values). Forests and trees
qualify for every task; boosted classifiers explain log-odds, not probabilities, so they are
left to the kernel explainer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Rows of the background the additivity of Tree SHAP is tried on before it is chosen.
PROBE_ROWS = 5
#: The most Tree SHAP's sum may differ from the output on the probe rows.
PROBE_TOLERANCE = 1e-7


def tree_applies(model: Any, context: Mapping[str, Any]) -> bool:
    """Whether shap's TreeExplainer takes ``model`` and reproduces its output on a few rows."""
    background = context["background"]
    if not all(pd.api.types.is_numeric_dtype(t) for t in background.dtypes) or not _tree_like(model):
        return False
    probe = background.head(PROBE_ROWS)
    try:
        values, base = explain_tree(model, probe, context)
    except Exception:  # noqa: BLE001 - a model shap does not read is the kernel explainer's
        return False
    output = np.asarray(context["output"](probe), dtype="float64").reshape(len(probe), -1)
    return bool(np.max(np.abs(values.sum(axis=2) + base - output)) <= PROBE_TOLERANCE)


def explain_tree(model: Any, rows: pd.DataFrame, context: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Tree SHAP values ``(n, outputs, columns)`` and the expected value per output."""
    import shap

    explainer = shap.TreeExplainer(model)
    values = np.asarray(explainer.shap_values(rows.to_numpy(dtype="float64"), check_additivity=False), dtype="float64")
    base = np.atleast_1d(np.asarray(explainer.expected_value, dtype="float64"))
    if context["task"] == "regression":
        return values.reshape(len(rows), 1, rows.shape[1]), base[:1]
    return _per_class(model, values, base, len(rows), rows.shape[1], context["n_classes"])


def _per_class(model: Any, values: np.ndarray, base: np.ndarray, n: int, m: int, k: int):
    """Values of the classes the model saw, placed at their class index among ``k`` (a fold
    that missed a class predicts it with probability 0: its contributions are 0)."""
    seen = np.asarray(model.classes_, dtype=int)
    values = values.reshape(n, m, len(seen))
    full, full_base = np.zeros((n, k, m)), np.zeros(k)
    full[:, seen, :] = values.transpose(0, 2, 1)
    full_base[seen] = base[: len(seen)]
    return full, full_base


def _tree_like(model: Any) -> bool:
    names = {cls.__module__.split(".")[0] + "." + cls.__name__ for cls in type(model).__mro__}
    return any(
        n.startswith(
            (
                "sklearn.RandomForest",
                "sklearn.ExtraTrees",
                "sklearn.DecisionTree",
                "sklearn.GradientBoosting",
                "sklearn.HistGradientBoosting",
                "xgboost.XGB",
                "lightgbm.LGBM",
                "catboost.CatBoost",
            )
        )
        for n in names
    )
