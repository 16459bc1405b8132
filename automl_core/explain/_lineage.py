"""Which input column each derived column comes from, so that contributions explained on a
pipeline's last step (one-hot levels, text components, missing indicators...) are summed back
onto the input columns.

Found by perturbation, for any plugin's transformers: an input column is shuffled among the
background rows, then made missing, and every derived column whose values change depends on
it. A derived column that no perturbation moves is matched by name (the longest input column
name it begins with).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def lineage(prefix: Any, background: pd.DataFrame, derived: pd.DataFrame) -> dict[str, list[str]]:
    """Derived column name to the input columns it depends on (usually one). ``derived`` is
    ``prefix.transform(background)``."""
    parents: dict[str, list[str]] = {str(d): [] for d in derived.columns}
    for column in background.columns:
        for variant in _perturbed(background, column):
            try:
                moved = prefix.transform(variant)
            except Exception:  # noqa: BLE001 - a perturbation a transformer refuses tells nothing
                continue
            for name in _changed(derived, moved):
                if column not in parents[name]:
                    parents[name].append(column)
    for name, found in parents.items():
        if not found:
            found += _by_name(name, list(background.columns))
    return parents


def to_inputs(
    values: np.ndarray, derived_columns: list[str], parents: dict[str, list[str]], inputs: list[str], where: str
) -> np.ndarray:
    """Contributions over derived columns ``(n, k, d)`` summed onto the input columns
    ``(n, k, len(inputs))``; a derived column with several parents is shared equally."""
    index = {c: i for i, c in enumerate(inputs)}
    out = np.zeros(values.shape[:2] + (len(inputs),))
    for j, name in enumerate(derived_columns):
        found = parents.get(str(name), [])
        if not found:
            if np.abs(values[:, :, j]).max(initial=0.0) > 0:
                raise ValueError(f"{where}: cannot tell which input column the derived column {name!r} comes from")
            continue
        for parent in found:
            out[:, :, index[parent]] += values[:, :, j] / len(found)
    return out


def _perturbed(background: pd.DataFrame, column: str) -> list[pd.DataFrame]:
    shifted = background.copy(deep=False)
    shifted[column] = np.roll(background[column].to_numpy(), 1)
    missing = background.copy(deep=False)
    missing[column] = pd.Series([None] * len(background), index=background.index, dtype=object)
    if pd.api.types.is_numeric_dtype(background[column]):
        missing[column] = np.nan
    return [shifted, missing]


def _changed(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    changed = []
    for name in before.columns:
        if name not in after.columns:
            continue
        a, b = before[name].to_numpy(dtype=object), after[name].to_numpy(dtype=object)
        same = (a == b) | (pd.isna(a) & pd.isna(b))
        if not np.all(same):
            changed.append(str(name))
    return changed


def _by_name(derived: str, inputs: list[str]) -> list[str]:
    matches = [c for c in inputs if derived.startswith(str(c))]
    return [max(matches, key=len)] if matches else []
