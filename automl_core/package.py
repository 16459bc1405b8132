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
that file alone. Loading accepts only the types of automl-core, numpy, pandas, scikit-learn,
the plugin distributions the model was built with and the libraries those declare; a pickle
may moreover call no function but numpy ufuncs and numpy's and pandas' own unpickling
helpers. Anything else is refused by name unless the caller trusts it. A package is written
to a directory beside the target and renamed into place, so a crash never leaves a package
that half loads.
"""
from __future__ import annotations

import copy
import hashlib
import inspect
import io
import json
import os
import pickle
import re
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

from .errors import AutoMLError
from .manager import ENTRY_POINT_GROUP

FORMAT, FORMAT_VERSION = "automl-package", 1
METADATA, MANIFEST, SCHEMA, LEADERBOARD = "metadata.json", "manifest.json", "schema.yaml", "leaderboard.json"
#: Distributions whose types a model may always hold.
BASE_DISTRIBUTIONS = ("automl-core", "numpy", "pandas", "scikit-learn")
#: Library versions always recorded (others are recorded when the model holds their types).
KEY_LIBRARIES = ("numpy", "pandas", "scikit-learn", "pandera", "skops", "pyarrow")
#: Standard-library types a model may hold: containers and partial functions, nothing that runs code.
SAFE_STDLIB = frozenset({"builtins.slice", "builtins.set", "builtins.frozenset", "builtins.complex",
                         "builtins.bytearray", "collections.OrderedDict", "functools.partial"})
#: The functions numpy and pandas pickles call to rebuild their objects (no other of theirs may be called).
RECONSTRUCTORS = frozenset({
    "numpy._core.multiarray._reconstruct", "numpy._core.multiarray.scalar", "numpy._core.numeric._frombuffer",
    "numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar", "numpy.core.numeric._frombuffer",
    "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
    "numpy.random._pickle.__bit_generator_ctor", "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
    "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked", "pandas._libs.internals._unpickle_block",
    "pandas._libs.tslibs.timedeltas._timedelta_unpickle", "pandas._libs.tslibs.timestamps._unpickle_timestamp",
    "pandas.core.indexes.base._new_Index",
})


class PackageError(AutoMLError):
    """A model package cannot be written or read: incomplete, tampered, untrusted or missing plugins."""


class PackageNotFoundError(PackageError, FileNotFoundError):
    """No model package at the given path."""


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
    target = Path(path)
    if target.exists() and not overwrite:
        raise PackageError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
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


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _move_into_place(staging: Path, target: Path, overwrite: bool) -> None:
    """Rename the finished package onto ``target``; an old package is moved aside, then removed."""
    if target.exists():
        if not overwrite:
            raise PackageError(f"{target} appeared while saving; pass overwrite=True to replace it")
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)
    _fsync_dir(target.parent)


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
        unpickler = _RestrictedUnpickler(io.BytesIO(blob), policy, f"{stem}.pkl", strict=False)
        unpickler.load()
        return f"{stem}.pkl", unpickler.seen, unpickler.refused
    _write_file(directory / f"{stem}.skops", blob)
    found = set(sio.get_untrusted_types(data=blob))
    return f"{stem}.skops", found, set(policy.untrusted(found))


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _settings(model: Any) -> dict:
    params = model.get_params(deep=False)
    params.pop("plugins", None)  # objects; the plugins used are recorded under "plugins"
    return json.loads(json.dumps(params, default=list))


def _components_used(model: Any) -> set[str]:
    board = model.leaderboard_
    members = board[board["ensemble_weight"] > 0]
    names = {model.metric_, *members["family"].dropna()}
    for described in members["preprocessing"].dropna():
        names.update(described.split(" + "))
    config = model.best_config_
    names.update([config.family, *config.preprocessing.values(), *config.builders, *config.params])
    return names


def _estimators(objects: Iterable[Any]) -> Iterable[Any]:
    """The estimators in ``objects`` and, through ``get_params``, every one nested in them."""
    for obj in objects:
        if isinstance(obj, (list, tuple)):
            yield from _estimators(obj)
        elif hasattr(obj, "get_params"):
            yield obj
            yield from _estimators(v for v in obj.get_params(deep=False).values() if v is not obj)


def _plugins_used(model: Any) -> list[dict]:
    """The plugins that registered a component of the final model (or its metric), or whose
    distribution holds an estimator class in it: their distribution, version, components, classes."""
    owners = model._registry_owners
    used: dict[str, dict[str, set[str]]] = {}
    for name in _components_used(model):
        if name in owners:
            used.setdefault(owners[name], {"components": set(), "classes": set()})["components"].add(name)
    dists = {ep.name: ep.dist for ep in importlib_metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.dist}
    plugin_of = {_normal(d.metadata["Name"]): plugin for plugin, d in dists.items()}
    by_module = importlib_metadata.packages_distributions()
    for estimator in _estimators([*model.model_.models, model.best_pipeline_]):
        for dist in by_module.get(type(estimator).__module__.split(".")[0], ()):
            if _normal(dist) in plugin_of:
                entry = used.setdefault(plugin_of[_normal(dist)], {"components": set(), "classes": set()})
                entry["classes"].add(f"{type(estimator).__module__}.{type(estimator).__qualname__}")
    rows = []
    for plugin, entry in sorted(used.items()):
        dist = dists.get(plugin)
        rows.append({"plugin": plugin, "distribution": dist.metadata["Name"] if dist else None,
                     "version": dist.version if dist else None, "components": sorted(entry["components"]),
                     "classes": sorted(entry["classes"])})
    return rows


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


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


# --------------------------------------------------------------------------- trust
class TrustPolicy:
    """Which types and functions a model file may hold.

    Types: those of automl-core, numpy, pandas, scikit-learn, the recorded plugin distributions
    (when installed) and the libraries they declare as dependencies, and a few standard-library
    containers. A pickle may also call functions while it is read, and a function that returns
    another (an import helper) or reads a file (``pandas.read_pickle``) is a way out: in a pickle
    only numpy ufuncs and :data:`RECONSTRUCTORS` may appear. ``trusted`` names more, exactly
    as the refusal spells them.
    """

    def __init__(self, plugin_distributions: Iterable[str], trusted: Iterable[str] = ()):
        plugins = {_normal(d) for d in plugin_distributions if _installed_version(d) is not None}
        dists = plugins | {_normal(d) for d in BASE_DISTRIBUTIONS}
        for dist in plugins:
            dists.update(_requirements(dist))
        by_module = importlib_metadata.packages_distributions().items()
        self.modules = {m for m, owners in by_module if any(_normal(o) in dists for o in owners)} | {"automl_core"}
        self.trusted = set(trusted)

    def allows(self, qualified: str) -> bool:
        return qualified in SAFE_STDLIB or qualified in self.trusted or qualified.split(".")[0] in self.modules

    def allows_object(self, obj: Any, qualified: str) -> bool:
        """Whether a global a pickle asked for, once resolved, is what its name claims and may be used."""
        if qualified in self.trusted:
            return True
        if inspect.ismodule(obj):
            return False
        if inspect.isclass(obj):
            return self.allows(f"{obj.__module__}.{obj.__qualname__}")
        if isinstance(obj, np.ufunc):
            return True
        if callable(obj):
            return qualified in RECONSTRUCTORS
        return self.allows(f"{type(obj).__module__}.{type(obj).__qualname__}")

    def untrusted(self, names: Iterable[str]) -> list[str]:
        return sorted(n for n in set(names) if not self.allows(n))

    def refuse(self, names: Iterable[str], file: str) -> None:
        refused = sorted(set(names))
        if refused:
            raise PackageError(
                f"{file} holds types or functions the package does not vouch for: {', '.join(refused)}. "
                f"No plugin distribution the model records provides them; if you trust this file, load it "
                f"with trusted=[...] naming them (automl: --trust NAME)"
            )


def _installed_version(dist: str) -> str | None:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return None


def _requirements(dist: str) -> set[str]:
    """Names of the distributions ``dist`` requires (optional extras left out)."""
    names = set()
    for requirement in importlib_metadata.requires(dist) or ():
        if "extra" in requirement.partition(";")[2]:
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.add(_normal(match.group(1)))
    return names


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles, refusing before importing or calling anything the globals ``policy`` does not
    allow; with ``strict=False`` (at save) it records them in ``refused`` instead."""

    def __init__(self, file, policy: TrustPolicy, name: str, strict: bool = True):
        super().__init__(file)
        self.policy, self.name, self.strict = policy, name, strict
        self.seen: set[str] = set()
        self.refused: set[str] = set()

    def _refuse(self, qualified: str) -> None:
        if self.strict:
            self.policy.refuse([qualified], self.name)
        self.refused.add(qualified)

    def find_class(self, module: str, name: str):
        qualified = f"{module}.{name}"
        self.seen.add(qualified)
        if qualified not in self.policy.trusted and ("." in name or not self.policy.allows(qualified)):
            self._refuse(qualified)  # a dotted name could walk from an allowed module to anything
        obj = super().find_class(module, name)
        if not self.policy.allows_object(obj, qualified):
            self._refuse(qualified)
        return obj


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
    directory = Path(path)
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
    directory = Path(path)
    if not directory.is_dir():
        raise PackageNotFoundError(f"no model package at {directory}: not a directory")
    verify(directory)
    meta = json.loads((directory / METADATA).read_text())
    if meta.get("format") != FORMAT or meta.get("format_version", 0) > FORMAT_VERSION:
        raise PackageError(f"{directory / METADATA}: not an {FORMAT} of version {FORMAT_VERSION} or older")
    return meta


def verify(directory: Path) -> None:
    """Check the SHA-256 of every file listed in the manifest; a mismatch names the file."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise PackageError(f"{directory} is not a complete model package: {MANIFEST} is missing")
    expected = json.loads(manifest_path.read_text())["sha256"]
    for required in (METADATA, SCHEMA):
        if required not in expected:
            raise PackageError(f"{manifest_path} does not list {required}")
    for name, digest in expected.items():
        file = directory / name
        if Path(name).name != name or not file.is_file():
            raise PackageError(f"{directory}: file {name} listed in the manifest is missing")
        if _sha256(file) != digest:
            raise PackageError(f"{file} was modified after the package was written (SHA-256 mismatch); refusing it")


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


def _read_object(file: Path, policy: TrustPolicy) -> Any:
    if file.suffix == ".pkl":
        with open(file, "rb") as handle:
            return _RestrictedUnpickler(handle, policy, file.name).load()
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=file)
    policy.refuse(policy.untrusted(untrusted), file.name)
    return sio.load(file, trusted=untrusted)


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
    return model


def _evaluators(model: Any) -> list:
    from .manager import build_plugin_manager
    from .registry import Registry

    pm = build_plugin_manager(None, model.block_plugins, model.autoload_plugins)
    return Registry.from_manager(pm).all("evaluator", model.task_)


__all__ = ["save", "load", "load_with_metadata", "read_metadata", "verify", "check_versions", "describe", "fingerprint",
           "fitted_state",
           "TrustPolicy", "PackageError", "PackageNotFoundError", "PackageWarning", "PackageVersionWarning"]
