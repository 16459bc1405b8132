"""The model package: a directory holding a fitted :class:`~automl_core.AutoML` that describes itself.

Layout (every file is listed with its SHA-256 in ``manifest.json`` and checked on load)::

    model/
      model.skops                 every other fitted attribute: weights, column plan, classes...
      pipeline-0.skops, ...       each fitted pipeline (``.pkl`` when skops cannot write it)
      schema.yaml                 the pandera schema inputs are validated against
      metadata.json               task, metric, scores, features, plugins, versions, fingerprint
      leaderboard.json            every trial of the search
      reference.parquet | .csv    the training sample kept for monitoring
      manifest.json               SHA-256 of each file above

Each object is written with skops, which stores data rather than code; one skops cannot
represent (an XGBoost pipeline holding pandas dtypes, for example) falls back to pickle for
that file alone. Loading accepts only the types and functions :mod:`automl_core.package_trust`
allows (those of the libraries and plugin distributions the model was built with); anything
else is refused by name unless the caller trusts it. A package is written
to a directory beside the target and renamed into place, so a crash never leaves a package
that half loads.
"""
from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import pickle
import shutil
import sys
import uuid
import warnings
import zipfile
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ._jsonable import plain as _plain
from .errors import AutoMLError, PackageError, PackageNotFoundError  # noqa: F401  (importable from here too)
from .manager import ENTRY_POINT_GROUP  # noqa: F401  (importable from here, as before)
from .package_files import (  # noqa: F401  (importable from here, as before)
    LEADERBOARD, MANIFEST, METADATA, SCHEMA, _fsync_dir, _move_into_place, _sha256, _write_file, check_replaceable, verify)
from .package_trust import (  # noqa: F401  (what moved there stays importable from here)
    BASE_DISTRIBUTIONS, RECONSTRUCTORS, SAFE_STDLIB, TrustPolicy, _components_used, _estimators, _installed_version,
    _normal, _plugins_used, _read_object, _requirements, _RestrictedUnpickler, pickle_names, skops_names)

FORMAT, FORMAT_VERSION = "automl-package", 1
#: Library versions always recorded (others are recorded when the model holds their types).
KEY_LIBRARIES = ("numpy", "pandas", "scikit-learn", "pandera", "skops", "pyarrow")


class PackageWarning(UserWarning):
    """A package will load only with help (types to trust), or with differences (versions)."""


class PackageVersionWarning(PackageWarning):
    """A plugin or library is installed at another version than the one the model was built with."""


# --------------------------------------------------------------------------- save
def save(model: Any, path: str | os.PathLike, *, overwrite: bool = False, data: pd.DataFrame | None = None) -> Path:
    """Write the fitted ``model`` as a package directory at ``path``; returns the path.

    :param overwrite: replace an existing package (otherwise an existing path is an error).
    :param data: the training data as read, to fingerprint; the reference sample is fingerprinted when None.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "model_")
    target = Path(path).expanduser().resolve()  # "." and "~/m" name real directories
    if target.exists():
        if not overwrite:
            raise PackageError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
        check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    staging.mkdir()  # unlike mkdtemp's 0700, the package gets the permissions the umask gives
    try:
        _write_contents(model, staging, data)
        _move_into_place(staging, target, overwrite)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_contents(model: Any, directory: Path, data: pd.DataFrame | None) -> None:
    from .validation import schema_to_yaml

    policy = TrustPolicy([p["distribution"] for p in _plugins_used(model) if p["distribution"]])
    model_files, modules, refused = _write_model(model, directory, policy)
    if refused:
        warnings.warn(f"the model holds types or functions no plugin distribution vouches for, so loading it "
                      f"will need trusted=[...] naming: {', '.join(sorted(refused))}", PackageWarning, stacklevel=3)
    _write_file(directory / SCHEMA, schema_to_yaml(model.schema_).encode())
    _write_file(directory / LEADERBOARD, model.leaderboard_.to_json(orient="records", indent=1).encode())
    reference_file = _write_reference(model.reference_, directory)
    meta = describe(model, modules, data)
    meta.update(model_files=model_files, reference_file=reference_file)
    _write_file(directory / METADATA, json.dumps(meta, indent=1, default=str).encode())
    manifest = {p.name: _sha256(p) for p in sorted(directory.iterdir())}
    _write_file(directory / MANIFEST, json.dumps({"sha256": manifest}, indent=1).encode())
    _fsync_dir(directory)


#: Fitted attributes written in files of their own, or rebuilt from the plugins at load.
SEPARATE = ("model_", "best_pipeline_", "schema_", "reference_", "leaderboard_", "evaluators_")


def fitted_state(model: Any) -> dict:
    """Every learned attribute of ``model`` (ending in ``_``) but :data:`SEPARATE`, the ensemble
    without its pipelines, and which plugin registered each component."""
    state = {k: v for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_") and k not in SEPARATE}
    state["model_"] = copy.copy(model.model_)
    state["model_"].models = None
    state["_registry_owners"] = dict(model._registry_owners)
    return state


def _write_model(model: Any, directory: Path, policy: TrustPolicy) -> tuple[dict, set[str], set[str]]:
    """Write the fitted state in ``model`` and each pipeline in ``pipeline-<i>``; returns the file
    names (for the metadata), the qualified names of the types and functions written, and those
    ``policy`` will refuse at load."""
    pipelines = list(model.model_.models)
    best = next((i for i, p in enumerate(pipelines) if p is model.best_pipeline_), None)
    if best is None:
        pipelines.append(model.best_pipeline_)
        best = len(pipelines) - 1
    state_file, names, refused = _write_object(fitted_state(model), directory, "model", policy)
    files = {"state": state_file, "pipelines": [], "members": len(model.model_.models), "best_pipeline": best}
    for i, pipeline in enumerate(pipelines):
        name, found, bad = _write_object(pipeline, directory, f"pipeline-{i}", policy)
        files["pipelines"].append(name)
        names, refused = names | found, refused | bad
    return files, names, refused


def _write_object(obj: Any, directory: Path, stem: str, policy: TrustPolicy) -> tuple[str, set[str], set[str]]:
    """``obj`` as ``<stem>.skops``, or ``<stem>.pkl`` when skops cannot; returns the file name, the
    qualified names of the types and functions it holds (beyond skops' defaults), and those
    ``policy`` refuses."""
    import skops.io as sio

    try:
        blob = sio.dumps(obj, compression=zipfile.ZIP_DEFLATED)
    except Exception:  # skops refuses some objects (pandas dtypes, for one): pickle this file
        blob = pickle.dumps(obj, protocol=5)
        _write_file(directory / f"{stem}.pkl", blob)
        return (f"{stem}.pkl", *pickle_names(blob, policy, f"{stem}.pkl"))
    _write_file(directory / f"{stem}.skops", blob)
    return (f"{stem}.skops", *skops_names(blob, policy))


def _write_reference(reference: pd.DataFrame, directory: Path) -> str:
    """The monitoring sample as Parquet when pyarrow can write it, otherwise as CSV."""
    try:
        buffer = io.BytesIO()
        reference.to_parquet(buffer, index=False)
        name, content = "reference.parquet", buffer.getvalue()
    except (ImportError, ValueError, TypeError):  # no pyarrow, or columns Arrow cannot type
        name, content = "reference.csv", reference.to_csv(index=False).encode()
    _write_file(directory / name, content)
    return name


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (row order matters, the index does not)."""
    digest = hashlib.sha256(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- metadata
def describe(model: Any, modules: Iterable[str] = (), data: pd.DataFrame | None = None) -> dict:
    """The metadata of a fitted model: what ``metadata.json`` holds (less the file names)."""
    reference = model.reference_
    plan = model.column_plan_
    source = data if data is not None else reference
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "task": model.task_, "metric": model.metric_, "target": model.target_name_,
        "validation_score": _number(model.validation_score_), "best_score": _number(model.best_score_),
        "fit_seconds": _number(getattr(model, "fit_seconds_", None)),
        "classes": None if model.classes_ is None else [_plain(c) for c in model.classes_],
        "features": [{"name": str(c), "dtype": str(reference[c].dtype) if c in reference else None,
                      "type": plan.kinds.get(c), "note": plan.notes.get(c, "")} for c in model.feature_names_in_],
        "leaderboard_top": json.loads(model.leaderboard_.head(5).to_json(orient="records")),
        "threshold": _number(getattr(model, "threshold_", None)),
        "best_config": model.best_config_.to_dict(), "top_configs": list(model.top_configs_),
        "ensemble_weights": {str(k): float(v) for k, v in model.ensemble_weights_.items()},
        "settings": _settings(model), "registry_owners": dict(model._registry_owners),
        "plugins": _plugins_used(model), "versions": _versions(modules),
        "fingerprint": {"sha256": fingerprint(source), "of": "training data" if data is not None else "reference sample",
                        "rows": int(len(source)), "columns": int(source.shape[1])},
        "dropped_target_rows": int(getattr(model, "dropped_target_rows_", 0)),
    }


def _number(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _settings(model: Any) -> dict:
    params = model.get_params(deep=False)
    params.pop("plugins", None)  # objects; the plugins used are recorded under "plugins"
    return json.loads(json.dumps(params, default=list))


def _versions(modules: Iterable[str]) -> dict[str, str]:
    """Python, automl-core, the key libraries and every distribution whose types the model holds."""
    by_module = importlib_metadata.packages_distributions()
    dists = set(BASE_DISTRIBUTIONS) | set(KEY_LIBRARIES)
    for qualified in modules:
        dists.update(by_module.get(qualified.split(".")[0], ()))
    versions = {"python": ".".join(map(str, sys.version_info[:3]))}
    for dist in sorted(dists, key=_normal):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions


# --------------------------------------------------------------------------- load
def load(path: str | os.PathLike, *, trusted: Iterable[str] = ()) -> Any:
    """Read a package written by :func:`save`; returns a fitted :class:`~automl_core.AutoML`.

    Every file is checked against the manifest, the plugin distributions the model was built
    with must be installed (another version only warns), and the model file may hold only
    trusted types (see :class:`TrustPolicy`); ``trusted`` names more types to accept.
    :raises PackageError: naming the file, distribution or types at fault.
    """
    return load_with_metadata(path, trusted=trusted)[0]


def load_with_metadata(path: str | os.PathLike, *, trusted: Iterable[str] = ()) -> tuple[Any, dict]:
    """:func:`load`, also returning the package's metadata."""
    directory = Path(path).expanduser()
    meta = read_metadata(directory)
    check_versions(meta)
    policy = TrustPolicy([p["distribution"] for p in meta["plugins"] if p["distribution"]], trusted)
    files = meta["model_files"]
    state = _read_object(directory / files["state"], policy)
    pipelines = [_read_object(directory / name, policy) for name in files["pipelines"]]
    state["model_"].models = pipelines[: files["members"]]
    state["best_pipeline_"] = pipelines[files["best_pipeline"]]
    return _restore(meta, state, directory), meta


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
        text = frame.columns[frame.dtypes == object]
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


def _restore(meta: dict, state: dict, directory: Path) -> Any:
    from .automl import AutoML
    from .manager import available_plugin_names
    from .validation import schema_from_yaml

    settings = dict(meta["settings"])
    available = set(available_plugin_names())
    settings["block_plugins"] = [n for n in settings.get("block_plugins") or () if n in available] or None
    model = AutoML(**settings)
    model.__dict__.update(state)
    model.schema_ = schema_from_yaml((directory / SCHEMA).read_text())
    model.leaderboard_ = pd.read_json(io.StringIO((directory / LEADERBOARD).read_text()), orient="records",
                                      convert_dates=False)
    model.reference_ = _read_reference(directory / meta["reference_file"], meta["features"])
    model.evaluators_ = _evaluators(model)
    model._ready_to_predict()
    return model


def _evaluators(model: Any) -> list:
    from .manager import build_plugin_manager
    from .registry import Registry

    model._pm = build_plugin_manager(None, model.block_plugins, model.autoload_plugins)  # predict's too
    return Registry.from_manager(model._pm).all("evaluator", model.task_)


__all__ = ["save", "load", "load_with_metadata", "read_metadata", "verify", "check_versions", "describe", "fingerprint",
           "fitted_state",
           "TrustPolicy", "PackageError", "PackageNotFoundError", "PackageWarning", "PackageVersionWarning"]
