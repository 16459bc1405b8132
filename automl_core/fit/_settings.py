"""The estimator's parameters, checked once when ``fit`` starts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..search import SPEED_TOLERANCE
from ..workers import usable_cores

#: The metric each task is searched for when none is named.
DEFAULT_METRICS = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
#: Threads per model unless ``n_jobs`` says otherwise: one thread per model, and a second core
#: used by a second trial rather than a second thread (see docs/performance.md).
DEFAULT_THREADS = 1


@dataclass(frozen=True)
class FitSettings:
    """What a fit was asked to do, normalized: the parameters of ``AutoML`` that steer it."""

    time_budget: float
    seed: int
    task: str | None
    metric: str | None
    families: tuple[str, ...] | None
    validation: str
    folds: int
    holdout: float
    ensemble: bool
    column_types: Mapping[str, str]
    unseen: str
    strict_missing: bool
    threads: int
    max_trials: int | None
    reference_rows: int
    warm_start: tuple[Mapping[str, Any], ...]
    exclude: tuple[str, ...]
    predict_time_limit: float | None
    n_workers: int | None
    executor: str
    executor_options: Mapping[str, Any]
    storage: Any
    search_rows: int | None
    max_memory: int | None = None
    weight_column: str | None = None
    group_column: str | None = None
    time_column: str | None = None
    speed_tolerance: float = SPEED_TOLERANCE

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FitSettings:
        """Check the estimator's parameters (``get_params()``) and normalize them.

        :raises ValueError: naming the parameter and the value at fault.
        """
        budget = params["time_budget"]
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not np.isfinite(budget) or budget <= 0:
            raise ValueError(f"time_budget must be a positive number of seconds, got {budget!r}")
        if params["unseen"] not in ("missing", "error"):
            raise ValueError(f"unseen must be 'missing' or 'error', got {params['unseen']!r}")
        limit = params["predict_time_limit"]
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or not limit > 0):
            raise ValueError(f"predict_time_limit must be a positive number of seconds per row, got {limit!r}")
        tolerance = params.get("speed_tolerance", SPEED_TOLERANCE)
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
            raise ValueError(
                f"speed_tolerance must be a share from 0 (keep the most accurate ensemble) up to, not "
                f"including, 1, got {tolerance!r}"
            )
        validation, time_column = _validation(params["validation"], params.get("time_column"))
        return cls(
            weight_column=_column("weight_column", params.get("weight_column")),
            group_column=_column("group_column", params.get("group_column")),
            time_column=time_column,
            n_workers=_workers(params["n_workers"]),
            executor=_executor(params["executor"]),
            executor_options=dict(params["executor_options"] or {}),
            storage=params["storage"],
            search_rows=_rows(params["search_rows"]),
            max_memory=memory_bytes(params["max_memory"]),
            time_budget=float(budget),
            seed=params["seed"],
            task=params["task"],
            metric=params["metric"],
            families=_names(params["families"]),
            validation=validation,
            folds=params["folds"],
            holdout=params["holdout"],
            ensemble=params["ensemble"],
            column_types={str(c): kind for c, kind in (params["column_types"] or {}).items()},
            unseen=params["unseen"],
            strict_missing=params["strict_missing"],
            threads=threads(params["n_jobs"]),
            max_trials=_max_trials(params["max_trials"]),
            reference_rows=params["reference_rows"],
            warm_start=tuple(params["warm_start"] or ()),
            exclude=_names(params["exclude"]) or (),
            predict_time_limit=limit,
            speed_tolerance=float(tolerance),
        )


def _max_trials(max_trials: Any) -> int | None:
    if max_trials is None:
        return None
    if isinstance(max_trials, bool) or not isinstance(max_trials, (int, np.integer)) or max_trials < 1:
        raise ValueError(
            f"max_trials must be a whole number of trials, 1 or more (or None for as many as the "
            f"time budget allows), got {max_trials!r}"
        )
    return int(max_trials)


def _column(key: str, name: Any) -> str | None:
    if name is not None and (not isinstance(name, str) or not name):
        raise ValueError(f"{key} must be the name of a column of the training data, got {name!r}")
    return name


def _validation(validation: Any, time_column: Any) -> tuple[Any, str | None]:
    """``validation`` and ``time_column`` together: ``"time"`` needs the column, ``"auto"``
    with a time column is ``"time"``, and k-fold or a holdout with one is a contradiction."""
    time_column = _column("time_column", time_column)
    if validation == "time" and time_column is None:
        raise ValueError("validation='time' needs time_column=, the column that orders the rows")
    if time_column is not None and validation in ("kfold", "holdout"):
        raise ValueError(
            f"time_column={time_column!r} orders rows for validation='time', but validation is "
            f"{validation!r}: use validation='time' (or 'auto'), or leave time_column out"
        )
    return ("time" if time_column is not None else validation), time_column


def _workers(n_workers: Any) -> int | None:
    if n_workers is None:
        return None
    if isinstance(n_workers, bool) or not isinstance(n_workers, (int, np.integer)) or n_workers < 1:
        raise ValueError(
            f"n_workers must be a whole number of trials to run at once, 1 or more (or None for one "
            f"per core), got {n_workers!r}"
        )
    return int(n_workers)


_UNITS = {"": 1, "B": 1, "KB": 2**10, "K": 2**10, "MB": 2**20, "M": 2**20, "GB": 2**30, "G": 2**30, "TB": 2**40}


def memory_bytes(value: Any) -> int | None:
    """``max_memory`` in bytes: a number of bytes, or text such as ``"2GB"`` or ``"512 MB"``."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().upper().replace(" ", "")
        number = text.rstrip("KMGTB")
        unit = text[len(number) :]
        if unit in _UNITS and number.replace(".", "", 1).isdigit():
            value = float(number) * _UNITS[unit]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ValueError(f"max_memory must be a number of bytes or text such as '2GB', got {value!r}")
    return int(value)


def _rows(rows: Any) -> int | None:
    if rows is None:
        return None
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 100:
        raise ValueError(f"search_rows must be a whole number of rows, 100 or more (or None), got {rows!r}")
    return int(rows)


def _executor(executor: Any) -> str:
    if executor is None:
        return "local"
    if not isinstance(executor, str) or not executor:
        raise ValueError(f"executor must be the name of an installed executor ('local', 'dask'...), got {executor!r}")
    return executor


def threads(n_jobs: int | None) -> int:
    """Threads per model: ``n_jobs`` when positive, else :data:`DEFAULT_THREADS`."""
    return int(n_jobs) if n_jobs is not None and n_jobs > 0 else DEFAULT_THREADS


def predict_threads(n_jobs: int | None) -> int:
    """Threads a large predict batch is split across: ``n_jobs`` when positive, else every
    usable core (a fitted model predicts alone, unlike trials that share the cores)."""
    return int(n_jobs) if n_jobs is not None and n_jobs > 0 else usable_cores()


def _names(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Component names as given; one name given as a string is one name, not its letters."""
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)
