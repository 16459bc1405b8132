"""The configuration file: everything ``AutoML(...)`` takes, plus where the data is and where the
model goes, in one YAML file validated before any work starts.

.. code-block:: yaml

    data: data/titanic.csv      # relative paths are relative to this file
    target: Survived
    out: titanic-model
    time_budget: 30
    metric: roc_auc

Unknown keys are errors (a misspelt key never passes silently), and each error names its key.
Command-line flags override the file (``automl fit --config automl.yaml --time-budget 60``).
"""

from __future__ import annotations

import difflib
import importlib
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import AutoMLError
from ..search import SPEED_TOLERANCE

ColumnKind = Literal["numeric", "categorical", "datetime", "text", "identifier", "drop"]


class ConfigError(AutoMLError, ValueError):
    """The configuration file (or a flag overriding it) holds an unknown key or a bad value."""


class AutoMLConfig(BaseModel):
    """The settings of a run. The keys after ``out`` are the arguments of :class:`~automl_core.AutoML`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    data: str | None = Field(None, description="what to train on: a file, glob or database URL")
    target: str | None = Field(None, description="the column to predict")
    load_options: dict[str, Any] = Field(default_factory=dict, description="options for the loader (sep=, table=...)")
    out: str | None = Field(None, description="directory to write the model package to")

    time_budget: float = Field(60, gt=0, description="seconds for the whole fit")
    seed: int = 0
    task: Literal["binary", "multiclass", "regression"] | None = None
    metric: str | None = None
    families: list[str] | None = None
    exclude: list[str] | None = Field(None, description="model families, preprocessors or feature builders not to use")
    validation: Literal["auto", "kfold", "holdout", "time"] = "auto"
    folds: int = Field(5, ge=2)
    holdout: float = Field(0.2, gt=0, lt=1)
    ensemble: bool = True
    column_types: dict[str, ColumnKind] | None = None
    unseen: Literal["missing", "error"] = "missing"
    strict_missing: bool = False
    plugins: list[str] | None = Field(
        None, description="plugins to import: 'package.module' or 'package.module:object'"
    )
    block_plugins: list[str] | None = None
    autoload_plugins: bool = True
    n_jobs: int | None = Field(None, ge=1)
    max_trials: int | None = Field(None, ge=1)
    reference_rows: int = Field(1000, ge=1)
    warm_start: list[dict[str, Any]] | None = None
    predict_time_limit: float | None = Field(None, gt=0, description="most predict seconds per row of the final model")
    speed_tolerance: float = Field(
        SPEED_TOLERANCE,
        ge=0,
        lt=1,
        description="share of the gain over a constant prediction given up for faster predictions",
    )
    verbose: int | None = Field(
        None, ge=0, le=2, description="what a fit in Python shows: 0, 1 or 2 (automl fit has its own display)"
    )
    n_workers: int | None = Field(None, ge=1, description="trials at once (default: one per core)")
    executor: str | None = Field(None, description="where trials run: local (default), dask...")
    executor_options: dict[str, Any] | None = Field(None, description="options of the executor (address: for dask)")
    max_memory: int | str | None = Field(None, description="most memory a trial's worker may hold ('2GB')")
    search_rows: int | None = Field(
        None, ge=100, description="most rows the search fits on (a sample); the refit uses all"
    )
    storage: str | dict[str, str] | None = Field(
        None, description="optuna storage URL where each finished trial is kept (sqlite:///search.db)"
    )
    weight_column: str | None = Field(None, description="column of each row's sample weight (not a feature)")
    group_column: str | None = Field(None, description="column of each row's group (not a feature)")
    time_column: str | None = Field(None, description="column ordering the rows for validation: time")

    def estimator_params(self) -> dict[str, Any]:
        """Keyword arguments for ``AutoML(...)``, with plugin import paths imported."""
        params = self.model_dump(exclude={"data", "target", "load_options", "out"})
        params["plugins"] = [import_plugin(p) for p in self.plugins] if self.plugins else None
        return params


#: The keys that are not arguments of ``AutoML``.
RUN_KEYS = ("data", "target", "load_options", "out")


def import_plugin(spec: str) -> Any:
    """The plugin named by ``'package.module'`` or ``'package.module:object'``."""
    module_name, _, attribute = spec.partition(":")
    try:
        plugin = importlib.import_module(module_name)
        return getattr(plugin, attribute) if attribute else plugin
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"key 'plugins': cannot import {spec!r}: {exc}") from exc


def _describe_errors(exc: ValidationError, where: str) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        if error["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(error["loc"][0]), AutoMLConfig.model_fields, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"unknown key {key!r}{hint}")
        else:
            lines.append(f"key {key!r}: {error['msg']} (got {error.get('input')!r})")
    return f"{where}: " + "; ".join(lines)


def validate_config(values: dict[str, Any], where: str = "configuration") -> AutoMLConfig:
    """Validate a mapping of settings; a :class:`ConfigError` names every bad key."""
    try:
        return AutoMLConfig.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe_errors(exc, where)) from None


def _resolve(value: str | None, base: Path) -> str | None:
    """A relative local path made relative to ``base``; URLs and absolute paths unchanged."""
    if value is None or "://" in value or os.path.isabs(value):
        return value
    return str(base / value)


def load_config(path: str | os.PathLike) -> AutoMLConfig:
    """Read and validate a YAML configuration file; ``data`` and ``out`` are resolved against its folder."""
    file = Path(path)
    try:
        values = yaml.safe_load(file.read_text()) or {}
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {file}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file} is not valid YAML: {exc}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{file} must hold a mapping of keys to values, not a {type(values).__name__}")
    config = validate_config(values, str(file))
    base = file.resolve().parent
    return config.model_copy(update={"data": _resolve(config.data, base), "out": _resolve(config.out, base)})


def with_overrides(config: AutoMLConfig, overrides: dict[str, Any], where: str = "command line") -> AutoMLConfig:
    """``config`` with the values of ``overrides`` that are not None, validated again."""
    values = config.model_dump(exclude_unset=True)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return validate_config(values, where)


__all__ = [
    "AutoMLConfig",
    "ConfigError",
    "RUN_KEYS",
    "load_config",
    "validate_config",
    "with_overrides",
    "import_plugin",
]
