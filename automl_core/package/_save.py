"""The model package: a directory holding a fitted :class:`~automl_core.AutoML` that describes itself.

Layout (every file is listed with its SHA-256 in ``manifest.json`` and checked on load)::

    model/
      model.skops                 every other fitted attribute: weights, column plan, classes...
      pipeline-0.skops, ...       each fitted pipeline (``.pkl`` only when skops cannot write it)
      schema.yaml                 the pandera schema inputs are validated against
      metadata.json               task, metric, scores, features, plugins, versions, fingerprint
      leaderboard.json            every trial of the search
      reference.parquet | .csv    the training sample kept for monitoring
      manifest.json               SHA-256 of each file above, and their checksum
      signature.json              HMAC-SHA256 of manifest.json, when saved with a key

Each object is written with skops, which stores data rather than code; every first-party
plugin's pipeline is one skops writes. One that skops cannot represent (a third-party plugin's)
falls back to pickle for that file alone, with a warning: loading a pickle needs the user's
``trusted=``. Loading accepts only the types and functions :mod:`automl_core.package._trust`
allows (those of the libraries and plugin distributions the model was built with); anything
else is refused by name unless the caller trusts it. A package is written to a directory
beside the target and renamed into place, so a crash never leaves a package that half loads;
the next save to the same place removes what a killed one left.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import PackageError
from ._files import (
    LEADERBOARD,
    MANIFEST,
    METADATA,
    SCHEMA,
    SIGNATURE,
    _fsync_dir,
    _move_into_place,
    _write_file,
    check_replaceable,
    manifest_content,
    package_key,
    remove_leftovers,
    side_path,
    signature_content,
)
from ._metadata import describe
from ._objects import encode_object
from ._trust import TrustPolicy, _plugins_used


class PackageWarning(UserWarning):
    """A package will load only with help (types to trust), or with differences (versions)."""


class PackageVersionWarning(PackageWarning):
    """A plugin or library is installed at another version than the one the model was built with."""


# --------------------------------------------------------------------------- save
def save(
    model: Any,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    data: pd.DataFrame | None = None,
    key: str | bytes | None = None,
) -> Path:
    """Write the fitted ``model`` as a package directory at ``path``; returns the path.

    :param overwrite: replace an existing package (otherwise an existing path is an error).
    :param data: the training data as read, to fingerprint; the reference sample is fingerprinted when None.
    :param key: sign the package with this key (HMAC-SHA256 of the manifest in ``signature.json``);
        ``$AUTOML_PACKAGE_KEY`` when None and set; unsigned otherwise.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "model_")
    key = package_key(key)
    target = Path(path).expanduser().resolve()  # "." and "~/m" name real directories
    if target.exists():
        if not overwrite:
            raise PackageError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
        check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    staging = side_path(target, "partial")
    staging.mkdir()  # unlike mkdtemp's 0700, the package gets the permissions the umask gives
    try:
        _write_contents(model, staging, data, key)
        _move_into_place(staging, target, overwrite)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_contents(model: Any, directory: Path, data: pd.DataFrame | None, key: bytes | None) -> None:
    from ..data import schema_to_yaml

    policy = TrustPolicy([p["distribution"] for p in _plugins_used(model) if p["distribution"]])
    model_files, modules, refused = _write_model(model, directory, policy)
    if refused:
        warnings.warn(
            f"the model holds types, functions or pickle files no plugin distribution vouches for, so "
            f"loading it will need trusted=[...] naming: {', '.join(sorted(refused))}",
            PackageWarning,
            stacklevel=3,
        )
    _write_file(directory / SCHEMA, schema_to_yaml(model.schema_).encode())
    _write_file(directory / LEADERBOARD, model.leaderboard_.to_json(orient="records", indent=1).encode())
    reference_file = _write_reference(model.reference_, directory)
    meta = describe(model, modules, data)
    meta.update(model_files=model_files, reference_file=reference_file)
    _write_file(directory / METADATA, json.dumps(meta, indent=1, default=str).encode())
    manifest = manifest_content(directory)
    _write_file(directory / MANIFEST, manifest)
    if key is not None:
        _write_file(directory / SIGNATURE, signature_content(manifest, key))
    _fsync_dir(directory)


#: Fitted attributes written in files of their own, or rebuilt from the plugins at load.
SEPARATE = ("model_", "best_pipeline_", "schema_", "reference_", "leaderboard_", "evaluators_")


def fitted_state(model: Any) -> dict:
    """Every learned attribute of ``model`` (ending in ``_``) but :data:`SEPARATE`, and the
    ensemble without its pipelines."""
    state = {k: v for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_") and k not in SEPARATE}
    state["model_"] = copy.copy(model.model_)
    state["model_"].models = None
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
    files: dict[str, Any] = {"state": None, "pipelines": [], "members": len(model.model_.models), "best_pipeline": best}
    names: set[str] = set()
    refused: set[str] = set()
    for stem, obj in [("model", fitted_state(model)), *((f"pipeline-{i}", p) for i, p in enumerate(pipelines))]:
        name, blob, found, bad = encode_object(obj, stem, policy)
        _write_file(directory / name, blob)
        if stem == "model":
            files["state"] = name
        else:
            files["pipelines"].append(name)
        names, refused = names | found, refused | bad
    return files, names, refused


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
