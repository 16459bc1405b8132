"""Labelled data for importance and reports: checked features and class-index targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data import fitted_frame, split_target
from ..errors import DataError


@dataclass(frozen=True)
class Labelled:
    """Validated feature columns (those the model uses), the target as the engine encodes it
    (class indices, or float values) and as given."""

    features: pd.DataFrame
    y: np.ndarray
    labels: pd.Series


def labelled(model: Any, X: Any, y: Any = None, target: str | None = None, what: str = "the data") -> Labelled:
    """``X`` (with ``y``, or the target column, by default the one named at fit) checked as
    ``predict`` checks its input; labels the model never saw are a :class:`DataError`."""
    frame = fitted_frame(X, model)
    if target is None and y is None:
        if model.target_name_ not in frame.columns:
            raise DataError(
                f"{what} has no target column {model.target_name_!r} (the one the model was fitted "
                f"on): give it, or y=, or target="
            )
        target = model.target_name_
    raw, labels, _ = split_target(frame, y, target, what)
    if labels.isna().any():
        raise DataError(f"the target of {what} is missing in {int(labels.isna().sum())} of {len(labels)} rows")
    features = model._features(raw)
    encoded = model._encode_labels(labels.reset_index(drop=True))
    return Labelled(features, encoded, labels)
