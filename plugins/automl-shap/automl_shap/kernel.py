"""shap's KernelExplainer on a whole fitted pipeline, for any model and any column type.

Kernel SHAP rather than shap's PermutationExplainer: the permutation explainer's masker is
compiled by numba on its first call in each process (see the plugin's README for the cost).
Kernel SHAP solves its weighted regression with the sum of the values held to the output less
the mean output on the background, so the values add up exactly however few coalitions are
sampled; with eight columns or fewer every coalition is enumerated and the values are exact.

shap masks numbers; the input columns hold text, categories and dates too. So shap is given,
for each row and column, the position of a row in a pool (the explained rows, then the
background rows), and the model function rebuilds each masked frame from the pool: a masked
value is a background row's value of that column, as shap would substitute it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Background rows averaged over (each coalition predicts this many rows).
BACKGROUND_ROWS = 100
#: Coalitions sampled per row beyond two per column.
EXTRA_SAMPLES = 200


def explain_kernel(model: Any, rows: pd.DataFrame, context: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Values ``(n, outputs, columns)`` over the input columns, and the base per output."""
    import shap

    background = context["background"].head(BACKGROUND_ROWS)
    pool = pd.concat([rows, background], ignore_index=True)
    output, m = context["output"], rows.shape[1]

    def predict(positions: np.ndarray) -> np.ndarray:
        return np.asarray(output(_frame(pool, positions)), dtype="float64")

    explained = np.repeat(np.arange(len(rows))[:, None], m, axis=1).astype("float64")
    others = np.repeat(np.arange(len(rows), len(pool))[:, None], m, axis=1).astype("float64")
    state = np.random.get_state()  # Kernel SHAP samples with numpy's global generator: seeded, then restored
    np.random.seed(int(context.get("seed", 0)))
    try:
        explainer = shap.KernelExplainer(predict, others)
        values = explainer.shap_values(explained, nsamples=2 * m + EXTRA_SAMPLES, l1_reg=False, silent=True)
    finally:
        np.random.set_state(state)
    values = np.asarray(values, dtype="float64").reshape(len(rows), m, -1).transpose(0, 2, 1)
    return values, np.atleast_1d(np.asarray(explainer.expected_value, dtype="float64"))


def _frame(pool: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The frame whose column ``j`` holds ``pool``'s column ``j`` at rows ``positions[:, j]``."""
    positions = np.rint(np.asarray(positions)).astype(int)
    return pd.DataFrame(
        {column: pool[column].iloc[positions[:, j]].to_numpy() for j, column in enumerate(pool.columns)}
    ).astype(pool.dtypes.to_dict())
