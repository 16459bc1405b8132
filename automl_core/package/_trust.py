"""What a model package may hold: the plugin distributions a model is built with, the trust
policy they make, and the checks of pickle and skops files against it.

Loading accepts only the types of automl-core, numpy, pandas, scikit-learn, the plugin
distributions the model was built with and the libraries those declare; a pickle may moreover
call no function but numpy ufuncs and numpy's and pandas' own unpickling helpers. Anything
else is refused by name, before it is imported or called, unless the caller trusts it.
"""
from __future__ import annotations

import inspect
import io
import pickle
import re
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from ..errors import PackageError
from ..plugin import ENTRY_POINT_GROUP

#: Distributions whose types a model may always hold.
BASE_DISTRIBUTIONS = ("automl-core", "numpy", "pandas", "scikit-learn")
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


# --------------------------------------------------------------------------- what a model is built with
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
    owners = model.component_owners_
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
        found = dists.get(plugin)
        rows.append({"plugin": plugin, "distribution": found.metadata["Name"] if found else None,
                     "version": found.version if found else None, "components": sorted(entry["components"]),
                     "classes": sorted(entry["classes"])})
    return rows


def _normal(name: str) -> str:
    """A distribution name in its normal form (PEP 503), to compare names as pip does."""
    return re.sub(r"[-_.]+", "-", name).lower()


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


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles, refusing before importing or calling anything the globals ``policy`` does not
    allow; with ``strict=False`` (at save) it records them in ``refused`` instead."""

    def __init__(self, file, policy: TrustPolicy, name: str, strict: bool = True,
                 renames: Mapping[str, str] | None = None):
        super().__init__(file)
        self.policy, self.name, self.strict = policy, name, strict
        self.renames = dict(renames or {})  # qualified names an older layout wrote, to today's
        self.seen: set[str] = set()
        self.refused: set[str] = set()

    def _refuse(self, qualified: str) -> None:
        if self.strict:
            self.policy.refuse([qualified], self.name)
        self.refused.add(qualified)

    def find_class(self, module: str, name: str):
        if f"{module}.{name}" in self.renames:
            module, _, name = self.renames[f"{module}.{name}"].rpartition(".")
        qualified = f"{module}.{name}"
        self.seen.add(qualified)
        if qualified not in self.policy.trusted and ("." in name or not self.policy.allows(qualified)):
            self._refuse(qualified)  # a dotted name could walk from an allowed module to anything
        obj = super().find_class(module, name)
        if not self.policy.allows_object(obj, qualified):
            self._refuse(qualified)
        return obj


def pickle_names(blob: bytes, policy: TrustPolicy, name: str) -> tuple[set[str], set[str]]:
    """The qualified names of the types and functions a pickle calls for, and those ``policy``
    will refuse when the file ``name`` is loaded (read back without refusing anything)."""
    unpickler = _RestrictedUnpickler(io.BytesIO(blob), policy, name, strict=False)
    unpickler.load()
    return unpickler.seen, unpickler.refused


def skops_names(blob: bytes, policy: TrustPolicy) -> tuple[set[str], set[str]]:
    """The qualified names of the types a skops file holds beyond skops' defaults, and those
    ``policy`` will refuse."""
    import skops.io as sio

    found = set(sio.get_untrusted_types(data=blob))
    return found, set(policy.untrusted(found))


def _read_object(file: Path, policy: TrustPolicy, renames: Mapping[str, str] | None = None) -> Any:
    """The object in a ``.pkl`` or ``.skops`` file, once ``policy`` allows everything it holds;
    ``renames`` maps qualified class names an older layout wrote to today's.

    :raises PackageError: naming the file and the types or functions refused.
    """
    if file.suffix == ".pkl":
        with open(file, "rb") as handle:
            return _RestrictedUnpickler(handle, policy, file.name, renames=renames).load()
    import skops.io as sio

    blob = file.read_bytes()
    if renames:
        blob = _renamed_skops(blob, renames)
    untrusted = sio.get_untrusted_types(data=blob)
    policy.refuse(policy.untrusted(untrusted), file.name)
    return sio.loads(blob, trusted=untrusted)


def _renamed_skops(blob: bytes, renames: Mapping[str, str]) -> bytes:
    """A skops file whose schema names classes by ``renames`` (qualified old to new)."""
    import json
    import zipfile

    def rename(node: Any) -> Any:
        if isinstance(node, dict):
            qualified = f"{node.get('__module__')}.{node.get('__class__')}"
            if qualified in renames:
                node["__module__"], _, node["__class__"] = renames[qualified].rpartition(".")
            return {k: rename(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "schema.json":
                content = json.dumps(rename(json.loads(content))).encode()
            target.writestr(item, content)
    return out.getvalue()


__all__ = ["TrustPolicy", "pickle_names", "skops_names", "BASE_DISTRIBUTIONS", "SAFE_STDLIB", "RECONSTRUCTORS"]
