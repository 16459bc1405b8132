"""Reading a model package: every file checked against the manifest, the plugins it needs
present, each object read under the trust policy; packages of format 1 (written before the
subpackage layout) are read through :mod:`automl_core.package._legacy`."""
from __future__ import annotations

import io
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import PackageError, PackageNotFoundError
from ..plugin import available_plugin_names
from . import _legacy
from ._files import LEADERBOARD, METADATA, SCHEMA, verify
from ._metadata import FORMAT, FORMAT_VERSION
from ._save import PackageVersionWarning
from ._trust import TrustPolicy, _installed_version


@dataclass(frozen=True)
class StoredModel:
    """What a package holds: the estimator's parameters, its learned attributes and the metadata."""

    params: dict
    learned: dict
    metadata: dict


def read_package(path: str | os.PathLike, *, trusted: Iterable[str] = ()) -> StoredModel:
    """Read the package at ``path`` (see :func:`automl_core.load`, which makes it an estimator).

    :raises PackageError: naming the file, distribution or types at fault.
    """
    directory = Path(path).expanduser()
    meta = read_metadata(directory)
    check_versions(meta)
    policy = TrustPolicy([p["distribution"] for p in meta["plugins"] if p["distribution"]], trusted)
    version = meta.get("format_version", 1)
    files = meta["model_files"]
    state = _legacy.read_object(directory / files["state"], policy, version)
    pipelines = [_legacy.read_object(directory / name, policy, version) for name in files["pipelines"]]
    state["model_"].models = pipelines[: files["members"]]
    state["best_pipeline_"] = pipelines[files["best_pipeline"]]
    return StoredModel(_params(meta), _learned(meta, _legacy.learned_state(state, version), directory), meta)


def _params(meta: dict) -> dict:
    """The estimator's parameters as saved, a blocked plugin that is no longer installed left out."""
    params = dict(meta["settings"])
    available = set(available_plugin_names())
    params["block_plugins"] = [n for n in params.get("block_plugins") or () if n in available] or None
    return params


def _learned(meta: dict, state: dict, directory: Path) -> dict:
    """The learned attributes: the state file's, and those kept in files of their own."""
    from ..data import schema_from_yaml

    learned = dict(state)
    learned["schema_"] = schema_from_yaml((directory / SCHEMA).read_text())
    learned["leaderboard_"] = pd.read_json(io.StringIO((directory / LEADERBOARD).read_text()), orient="records",
                                           convert_dates=False)
    learned["reference_"] = _read_reference(directory / meta["reference_file"], meta["features"])
    return learned


def read_metadata(path: str | os.PathLike) -> dict:
    """The metadata of the package at ``path``, after checking every file against the manifest."""
    directory = Path(path).expanduser()
    if not directory.is_dir():
        raise PackageNotFoundError(f"no model package at {directory}: not a directory")
    verify(directory)
    meta = json.loads((directory / METADATA).read_text())
    if meta.get("format") != FORMAT or meta.get("format_version", 0) > FORMAT_VERSION:
        raise PackageError(f"{directory / METADATA}: not an {FORMAT} of version {FORMAT_VERSION} or older")
    return meta

def check_versions(meta: dict) -> None:
    """A recorded plugin distribution that is missing is an error; another version warns."""
    missing, changed = [], []
    for row in meta["plugins"]:
        dist = row["distribution"]
        if dist is None:
            continue
        installed = _installed_version(dist)
        if installed is None:
            needs = ", ".join(row["components"] + row["classes"])
            missing.append(f"{dist} {row['version']} (plugin {row['plugin']!r}: {needs})")
        elif installed != row["version"]:
            changed.append(f"{dist} {row['version']} at fit, {installed} installed")
    for lib, version in meta["versions"].items():
        installed = _installed_version(lib) if lib != "python" else None
        if installed is not None and installed != version:
            changed.append(f"{lib} {version} at fit, {installed} installed")
    if missing:
        raise PackageError(f"the model needs plugin distribution(s) that are not installed: {'; '.join(missing)}")
    if changed:
        warnings.warn(f"the model was built with other versions: {'; '.join(changed)}", PackageVersionWarning,
                      stacklevel=3)

def _read_reference(file: Path, features: list[dict]) -> pd.DataFrame:
    if file.suffix == ".parquet":
        frame = pd.read_parquet(file)
        text = frame.columns[frame.dtypes == object]  # noqa: E721 - elementwise, over a Series
        frame[text] = frame[text].where(frame[text].notna(), np.nan)  # Arrow gives None for NaN
        return frame
    frame = pd.read_csv(file)
    for feature in features:
        name, dtype = feature["name"], feature["dtype"]
        if dtype and name in frame:
            try:
                frame[name] = frame[name].astype(dtype)
            except (TypeError, ValueError):
                continue  # CSV cannot carry every dtype; the values are still there
    return frame
