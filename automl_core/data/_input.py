"""Turning what the user passed to ``fit`` or ``predict`` into checked features and target."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ._columns import holds_numbers
from ._numeric_text import convert_numeric_text
from ._roles import RowRoles, RowValues, take_row_roles

#: The fewest training rows (with a target) a fit accepts.
MIN_ROWS = 2


def with_string_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column name as text (a frame made from an array has 0, 1...): the
    names a model is fitted with."""
    if all(isinstance(c, str) for c in frame.columns):
        return frame
    return frame.set_axis([str(c) for c in frame.columns], axis=1)


def fitted_frame(X: Any, model: Any, what: str = "X") -> pd.DataFrame:
    """``X`` as a frame (:func:`to_frame`) named as ``model`` was fitted: names as text for a
    model fitted with text names (every model since names are made text at fit), others as
    they are (older packages fitted with numbers as names expect numbers)."""
    frame = to_frame(X, what)
    names = model.feature_names_in_
    if _is_array(X):  # no names: the columns are the fitted ones by position, as in scikit-learn
        if frame.shape[1] != len(names):
            raise DataError(
                f"{what} has {frame.shape[1]} features, but {type(model).__name__} is expecting "
                f"{len(names)} features as input (columns {_listed(names)})"
            )
        return frame.set_axis(list(names), axis=1)
    return with_string_columns(frame) if all(isinstance(c, str) for c in names) else frame


def _is_array(X: Any) -> bool:
    return not isinstance(X, (pd.DataFrame, pd.Series, Mapping)) and not (
        isinstance(X, (list, tuple)) and X and isinstance(X[0], Mapping)
    )


def _listed(names, shown: int = 10) -> str:
    text = ", ".join(repr(str(n)) for n in list(names)[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def to_frame(X: Any, what: str = "X") -> pd.DataFrame:
    """A DataFrame from a DataFrame, a mapping of columns (or of one record's values), records
    or a 2-d array."""
    refuse_sparse(X, what)  # first: a dok_matrix is also a Mapping
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], Mapping):
        return pd.DataFrame.from_records(X)
    if isinstance(X, Mapping):
        if X and all(np.ndim(v) == 0 for v in X.values()):  # {"age": 30, "sex": "f"}: one record
            return pd.DataFrame([X])
        return pd.DataFrame(X)
    array = np.asarray(X)
    if array.ndim != 2:
        raise DataError(
            f"{what} must be a table (a DataFrame or a 2-d array), got {type(X).__name__} of shape "
            f"{array.shape}. Reshape your data either using array.reshape(-1, 1) if it has a single "
            "feature or array.reshape(1, -1) if it is a single sample"
        )
    if np.iscomplexobj(array):
        raise DataError(
            f"{what} holds complex numbers. Complex data not supported by any model: pass the real "
            "parts or the magnitudes"
        )
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def refuse_sparse(X: Any, what: str = "X") -> None:
    """A scipy sparse matrix or array is refused, naming what it is and how to pass it."""
    if type(X).__module__.startswith("scipy.sparse"):
        raise DataError(
            f"{what} is a scipy sparse {type(X).__name__}: sparse input is not supported, the engine "
            "takes dense tables; pass X.toarray() or a DataFrame"
        )


def check_columns(X: pd.DataFrame, what: str) -> None:
    """Non-empty, unique string column names, no infinite numbers."""
    if X.shape[1] == 0:
        raise DataError(f"{what} is empty: 0 feature(s) (shape=({X.shape[0]}, 0)) while a minimum of 1 is required.")
    if X.shape[0] == 0:
        raise DataError(f"{what} is empty: 0 sample(s) (shape=(0, {X.shape[1]})) while a minimum of 2 is required.")
    duplicates = sorted(str(c) for c, n in Counter(X.columns).items() if n > 1)
    if duplicates:
        raise DataError(f"{what} has duplicate column names: {duplicates}")
    complex_ = [str(c) for c in X.columns if pd.api.types.is_complex_dtype(X[c])]
    if complex_:
        raise DataError(f"{what} has complex numbers in column(s) {complex_}. Complex data not supported by any model")
    infinite = [
        str(c)
        for c in X.select_dtypes("number").columns
        if np.isinf(X[c].to_numpy(dtype="float64", na_value=np.nan)).any()
    ]
    if infinite:
        raise DataError(
            f"{what} has infinite values in column(s) {infinite}; replace them with missing values or finite numbers"
        )


def refuse_repeated_columns(frame: pd.DataFrame, fitted: Any, what: str) -> None:
    """A column the model reads, given more than once, is an error naming it (which copy to
    read would be a guess); extra columns the model ignores may repeat."""
    repeated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]} & {str(c) for c in fitted})
    if repeated:
        raise DataError(
            f"{what} has column(s) {repeated} more than once: drop or rename the copies (the model reads "
            f"each column once)"
        )


#: The largest float32: models that compute in float32 (trees, boosting) cannot take more.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def beyond_float32(frame: pd.DataFrame) -> tuple[str, Any, float] | None:
    """The first (column, row label, value) of a numeric column whose magnitude a float32
    cannot hold, or None."""
    for name in frame.select_dtypes("number").columns:
        values = frame[name].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            over = np.flatnonzero(np.abs(values) > FLOAT32_MAX)
        if len(over):
            label = frame.index[over[0]]
            return str(name), label.item() if isinstance(label, np.generic) else label, float(values[over[0]])
    return None


def split_target(frame: pd.DataFrame, y: Any, target: str | None, what: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """Features and target, from ``fit(df, target=...)`` or ``fit(X, y)``. A ``y`` Series whose
    index holds the rows' labels in another order is aligned to them; any other ``y`` is read by
    position."""
    if target is not None:
        if y is not None:
            raise DataError("give either y or target=, not both")
        if target not in frame.columns:
            raise DataError(f"target column {target!r} is not in {what}; columns: {list(map(str, frame.columns))}")
        return frame.drop(columns=[target]), frame[target], str(target)
    if y is None:
        raise DataError("fit needs a target: fit(X, y) or fit(df, target='column')")
    series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel())
    if len(series) != len(frame):
        raise DataError(f"y has {len(series)} values but X has {len(frame)} rows")
    if not isinstance(y, pd.Series):
        series.index = frame.index  # read by position
    if _same_labels_in_another_order(series.index, frame.index):
        series = series.reindex(frame.index)  # the rows the labels name, as pandas aligns them
    series = series.set_axis(frame.index)  # otherwise by position, as scikit-learn reads y
    return frame, series, str(series.name) if series.name is not None else "y"


def _same_labels_in_another_order(first: pd.Index, second: pd.Index) -> bool:
    """Whether two indexes of unique labels hold the same labels, not in the same order."""
    if not (first.is_unique and second.is_unique and len(first) == len(second)) or first.equals(second):
        return False
    try:
        return first.sort_values().equals(second.sort_values())
    except TypeError:  # labels that do not sort together: not the same labels
        return False


def drop_missing_target(X: pd.DataFrame, y: pd.Series, name: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """Rows whose target is missing cannot teach anything: drop them and say how many."""
    missing = y.isna().to_numpy()
    if missing.all():
        raise DataError(f"target {name!r} is missing in every row")
    return X.loc[~missing], y.loc[~missing], int(missing.sum())


def training_data(
    frame: pd.DataFrame,
    y: Any,
    target: Any,
    column_types: Mapping[str, str],
    loaded_numeric_text: Mapping[str, int] | None = None,
    roles: RowRoles | None = None,
) -> TrainingData:
    """What ``fit`` learns from: the features and the target (its missing rows dropped), the
    target's name, the columns of numbers written as text (read as numbers here or, as
    ``loaded_numeric_text`` says, by the loader) with their count of blanks read as missing,
    the number of rows dropped, and the rows' weights, groups and time as ``roles`` names them
    (the weight and group columns are not features).

    Column names become text (a target or column type named ``6`` is the column ``"6"``), and
    object columns of numbers (Python's, numpy's, ``Decimal``) become float64, as the typing
    step reads them, unless ``column_types`` types them otherwise.
    """
    frame = with_string_columns(frame)
    features, target_series, name = split_target(frame, y, None if target is None else str(target), "the training data")
    features, rows = take_row_roles(features, roles, name)
    typed = {c for c, kind in column_types.items() if kind != "numeric"}
    check_columns(features, "the training data")
    numbers = [c for c in features.columns if c not in typed and holds_numbers(features[c])]
    if numbers:
        features = features.assign(**{c: pd.to_numeric(features[c]).astype("float64") for c in numbers})
        check_columns(features[numbers], "the training data")  # infinity among the objects
    features, conversions = convert_numeric_text(features, keep=typed, blanks_required=True)
    numeric_text = {c: n for c, n in (loaded_numeric_text or {}).items() if c in features.columns}
    numeric_text.update({c["column"]: c["blanks_as_missing"] for c in conversions})
    if conversions:  # "inf" written as text is infinite too
        check_columns(features[list(numeric_text)], "the training data")
    kept = target_series.notna().to_numpy()
    features, target_series, dropped = drop_missing_target(features, target_series, name)
    if len(features) < MIN_ROWS:
        raise DataError(
            f"the training data has {len(features)} sample(s) with a target: a model needs at least "
            f"{MIN_ROWS} (1 sample cannot be both fitted and validated)"
        )
    return TrainingData(features, target_series, name, numeric_text, dropped, rows.take(kept) if dropped else rows)


@dataclass(frozen=True)
class TrainingData:
    """The checked training input: features, target, the target's name, the numeric text
    columns (column to blanks read as missing), the rows dropped for a missing target, and the
    weights, groups and time of the rows kept (:class:`RowValues`)."""

    features: pd.DataFrame
    target: pd.Series
    target_name: str
    numeric_text: Mapping[str, int]
    dropped_target_rows: int
    rows: RowValues = field(default_factory=RowValues)


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (row order matters, the index does not)."""
    digest = hashlib.sha256(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
