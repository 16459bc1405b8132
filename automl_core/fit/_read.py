"""Step 1 of ``fit``: the training input, read and checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..components import LoadedData
from ..data import RowRoles, TrainingData, load_with_manager, to_frame, training_data
from ..plugin import PluginManager

#: Parameters of ``AutoML`` that a user may pass to ``fit`` by mistake, where they would reach the loader.
ROLE_PARAMETERS = ("weight_column", "group_column", "time_column")


def read_training_input(
    pm: PluginManager,
    X: Any,
    y: Any,
    target: str | None,
    load_options: Mapping[str, Any],
    column_types: Mapping[str, str],
    roles: RowRoles | None = None,
) -> TrainingData:
    """The features and target from what ``fit`` was given: a frame, an array, records, what
    a loader returned (:class:`~automl_core.LoadedData`), or any source a loader plugin reads
    (a path, a connection string...) with ``target=``; with ``roles``, the rows' weights,
    groups and time."""
    misplaced = [k for k in ROLE_PARAMETERS if k in load_options]
    if misplaced:
        raise TypeError(
            f"{', '.join(misplaced)} is a parameter of AutoML(...), not of fit: "
            f"AutoML({misplaced[0]}={load_options[misplaced[0]]!r}).fit(...)"
        )
    numeric_text: Mapping[str, int] = {}
    in_memory = isinstance(X, (pd.DataFrame, pd.Series, np.ndarray, list, tuple, Mapping, LoadedData)) or hasattr(
        X, "__array__"
    )  # array-likes: numpy reads them (a path or a URL has no __array__)
    if not in_memory or load_options:
        X = load_with_manager(pm, X, load_options)
    if isinstance(X, LoadedData):
        X, numeric_text = X.frame, X.numeric_text
    return training_data(to_frame(X, "X"), y, target, column_types, numeric_text, roles)
