"""Reading a model package: its signature checked when a key is given, every file checked
against the manifest, every file the metadata names inside the package, the plugins it needs
present, each object read under the trust policy; packages of format 1 (written before the
subpackage layout) are read through :mod:`automl_core.package._legacy`."""

from __future__ import annotations

import io
import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import PackageError, PackageNotFoundError
from ..plugin import available_plugin_names
from . import _legacy
from ._files import LEADERBOARD, MANIFEST, METADATA, SCHEMA, package_key, verify
from ._metadata import FORMAT, FORMAT_VERSION
from ._save import PackageVersionWarning
from ._trust import TrustPolicy, _installed_version


@dataclass(frozen=True)
class StoredModel:
    """What a package holds: the estimator's parameters, its learned attributes and the metadata."""

    params: dict
    learned: dict
    metadata: dict


def read_package(
    path: str | os.PathLike, *, trusted: Iterable[str] | bool = (), key: str | bytes | None = None
) -> StoredModel:
    """Read the package at ``path`` (see :func:`automl_core.load`, which makes it an estimator).

    :raises PackageError: naming the file, distribution or types at fault.
    """
    directory = Path(path).expanduser()
    meta = read_metadata(directory, key=key)
    check_versions(meta)
    policy = TrustPolicy([p["distribution"] for p in meta["plugins"] if p["distribution"]], trusted)
    version = meta.get("format_version", 1)
    files = _model_files(meta, directory)  # every name checked before any file is read
    reference = _package_file(directory, meta.get("reference_file"), "reference_file")
    state = _legacy.read_object(files["state"], policy, version)
    pipelines = [_legacy.read_object(file, policy, version) for file in files["pipelines"]]
    state["model_"].models = pipelines[: files["members"]]
    state["best_pipeline_"] = pipelines[files["best_pipeline"]]
    learned = _learned(meta, _legacy.learned_state(state, version), directory, reference)
    return StoredModel(_params(meta), learned, meta)


def _package_file(directory: Path, name: object, field: str) -> Path:
    """The file ``name`` the metadata's ``field`` gives, refused unless it is a file the manifest
    lists (so: inside the package directory, and checked) before anything is read from it."""
    listed = json.loads((directory / MANIFEST).read_text())["sha256"]
    if not isinstance(name, str) or Path(name).name != name or name in ("", ".", "..") or "\\" in name:
        raise PackageError(
            f"{directory / METADATA}: {field} is {name!r}, not the name of a file in the package "
            f"directory (an absolute path or one outside it); refusing the package"
        )
    if name not in listed:
        raise PackageError(
            f"{directory / METADATA}: {field} names {name}, which {MANIFEST} does not list"
            f"{'' if (directory / name).exists() else ' and the package does not hold'}; refusing it"
        )
    return directory / name


def _model_files(meta: dict, directory: Path) -> dict:
    """The metadata's ``model_files`` as paths inside the package, each checked (:func:`_package_file`)."""
    files = meta.get("model_files")
    pipelines = files.get("pipelines") if isinstance(files, dict) else None
    if not isinstance(pipelines, list) or not pipelines:
        raise PackageError(f"{directory / METADATA}: model_files does not list the pipeline files")
    members, best = files.get("members"), files.get("best_pipeline")
    if not (
        isinstance(members, int)
        and isinstance(best, int)
        and 0 < members <= len(pipelines)
        and 0 <= best < len(pipelines)
    ):
        raise PackageError(
            f"{directory / METADATA}: model_files' members ({members!r}) and best_pipeline "
            f"({best!r}) do not fit its {len(pipelines)} pipeline files"
        )
    return {
        "state": _package_file(directory, files.get("state"), "model_files.state"),
        "pipelines": [_package_file(directory, n, f"model_files.pipelines[{i}]") for i, n in enumerate(pipelines)],
        "members": members,
        "best_pipeline": best,
    }


def _params(meta: dict) -> dict:
    """The estimator's parameters as saved, a blocked plugin that is no longer installed left out."""
    params = dict(meta["settings"])
    available = set(available_plugin_names())
    params["block_plugins"] = [n for n in params.get("block_plugins") or () if n in available] or None
    return params


def _learned(meta: dict, state: dict, directory: Path, reference: Path) -> dict:
    """The learned attributes: the state file's, and those kept in files of their own."""
    from ..data import schema_from_yaml

    learned = dict(state)
    learned["schema_"] = schema_from_yaml((directory / SCHEMA).read_text())
    learned["leaderboard_"] = pd.read_json(
        io.StringIO((directory / LEADERBOARD).read_text()), orient="records", convert_dates=False
    )
    if "validation_" in state:  # the leaderboard's header, as the fit left it
        learned["leaderboard_"].attrs.update(
            validation=state["validation_"]["description"], notes=list(state["validation_"]["notes"])
        )
    learned["reference_"] = _read_reference(reference, meta["features"])
    return learned


def read_metadata(path: str | os.PathLike, *, key: str | bytes | None = None) -> dict:
    """The metadata of the package at ``path``, after checking every file against the manifest
    and, with a ``key`` (or ``$AUTOML_PACKAGE_KEY``), the manifest against its signature."""
    directory = Path(path).expanduser()
    if not directory.is_dir():
        raise PackageNotFoundError(f"no model package at {directory}: not a directory")
    verify(directory, package_key(key))
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
        warnings.warn(
            f"the model was built with other versions: {'; '.join(dict.fromkeys(changed))}",  # a plugin is also a library
            PackageVersionWarning,
            stacklevel=3,
        )


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
