"""What a model package may hold: the plugin distributions a model is built with and the
trust policy they make (the files are checked against it by ``_skops`` and ``_pickle``).

Loading accepts only the types of automl-core, numpy, pandas, scikit-learn, the plugin
distributions the model was built with and the libraries those declare; as values, functions
only when they are numpy ufuncs or :data:`SAFE_FUNCTIONS`. Anything else is refused by name,
before it is imported or called, unless the caller trusts it; what reaches files, processes or
the interpreter (:data:`DENIED_MODULES`, :data:`DENIED_NAMES`) is refused even then.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from importlib import metadata as importlib_metadata
from typing import Any

import numpy as np

from ..errors import PackageError
from ..plugin import ENTRY_POINT_GROUP

#: Distributions whose types a model may always hold.
BASE_DISTRIBUTIONS = ("automl-core", "numpy", "pandas", "scikit-learn")
#: Standard-library types a model may hold: values, containers and partial functions, nothing that runs code.
SAFE_STDLIB = frozenset(
    {
        *(
            f"builtins.{t}"
            for t in (
                "slice",
                "set",
                "frozenset",
                "complex",
                "bytearray",
                "int",
                "float",
                "str",
                "bool",
                "bytes",
                "list",
                "dict",
                "tuple",
                "object",
            )
        ),
        "collections.OrderedDict",
        "collections.defaultdict",
        "functools.partial",
    }
)
#: Functions a model may hold as values (never called while it is read), beyond numpy ufuncs.
SAFE_FUNCTIONS = frozenset({"sklearn.utils.validation.check_array"})
#: Modules nothing is taken from, trusted or not: files, processes, the network, the interpreter.
DENIED_MODULES = frozenset(
    {
        "builtins",
        "os",
        "posix",
        "nt",
        "subprocess",
        "_posixsubprocess",
        "sys",
        "importlib",
        "runpy",
        "shutil",
        "socket",
        "pickle",
        "_pickle",
        "copyreg",
        "marshal",
        "ctypes",
        "code",
        "codeop",
        "pty",
        "io",
        "_io",
        "pathlib",
        "tempfile",
        "webbrowser",
        "multiprocessing",
        "asyncio",
        "signal",
        "operator",
        "types",
        "inspect",
        "gc",
        "threading",
        "_thread",
        "urllib",
        "http",
        "ftplib",
        "smtplib",
        "shelve",
        "dbm",
        "sqlite3",
        "zipimport",
        "pkgutil",
        "glob",
        "fileinput",
        "mmap",
        "pydoc",
        "timeit",
        "trace",
        "pdb",
        "bdb",
        "cProfile",
        "profile",
        "linecache",
        "joblib",
        "cloudpickle",
        "dill",
    }
)
#: Types and functions of trusted libraries that read or write files (or fetch data), refused by name.
DENIED_NAMES = frozenset(
    {
        "numpy.memmap",
        "numpy._core.memmap.memmap",
        "numpy.core.memmap.memmap",
        "numpy.load",
        "numpy.save",
        "numpy.savez",
        "numpy.savez_compressed",
        "numpy.savetxt",
        "numpy.loadtxt",
        "numpy.genfromtxt",
        "numpy.fromfile",
        "numpy.fromregex",
        "numpy.DataSource",
        "pandas.HDFStore",
        "pandas.ExcelWriter",
        "pandas.ExcelFile",
        "pandas.to_pickle",
        "pandas.eval",
    }
)
#: Module prefixes of trusted libraries with the same reach.
DENIED_PREFIXES = (
    "numpy.lib.format",
    "numpy.lib._format_impl",
    "numpy.lib.npyio",
    "numpy.lib._npyio",
    "numpy.lib._datasource",
    "numpy.ctypeslib",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.testing",
    "pandas.io",
    "pandas.read_",
    "pandas.core.computation",
    "sklearn.datasets",
    "sklearn.utils._testing",
    "scipy.io",
    "scipy.datasets",
)


def denied(qualified: str) -> bool:
    """Whether ``qualified`` (``module.name``) is refused whatever the caller trusts."""
    if qualified in SAFE_STDLIB:
        return False
    return (
        qualified.split(".")[0] in DENIED_MODULES
        or qualified in DENIED_NAMES
        or any(
            qualified == p or qualified.startswith(p + ".") or (p.endswith("_") and qualified.startswith(p))
            for p in DENIED_PREFIXES
        )
    )


def qualified_name(obj: Any) -> str:
    """``module.qualname`` of a class or function (of the type, for anything else)."""
    target = obj if inspect.isclass(obj) or callable(obj) and hasattr(obj, "__qualname__") else type(obj)
    return f"{getattr(target, '__module__', None) or '?'}.{getattr(target, '__qualname__', repr(target))}"


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
        rows.append(
            {
                "plugin": plugin,
                "distribution": found.metadata["Name"] if found else None,
                "version": found.version if found else None,
                "components": sorted(entry["components"]),
                "classes": sorted(entry["classes"]),
            }
        )
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
def never_allowed(file: str, names: str) -> PackageError:
    """The error for ``names`` in ``file`` that are refused whatever the caller trusts."""
    return PackageError(
        f"{file} holds {names}, which reach files, processes or the interpreter: a model package "
        f"may never hold them, trusted or not; refusing it"
    )


class TrustPolicy:
    """Which types and functions a model file may hold, and whether its pickle files may be read.

    Types: those of automl-core, numpy, pandas, scikit-learn, the recorded plugin distributions
    (when installed) and the libraries they declare as dependencies, and a few standard-library
    containers. Functions (as values): numpy ufuncs and :data:`SAFE_FUNCTIONS`. ``trusted``
    names more, exactly as the refusal spells them, and names the pickle files to read
    (``"pipeline-1.pkl"``); ``trusted=True`` reads every pickle file of the package, under the same
    rules. :func:`denied` names are refused whatever ``trusted`` says.
    """

    def __init__(self, plugin_distributions: Iterable[str], trusted: Iterable[str] | bool = ()):
        plugins = {_normal(d) for d in plugin_distributions if _installed_version(d) is not None}
        dists = plugins | {_normal(d) for d in BASE_DISTRIBUTIONS}
        for dist in plugins:
            dists.update(_requirements(dist))
        by_module = importlib_metadata.packages_distributions().items()
        self.modules = {m for m, owners in by_module if any(_normal(o) in dists for o in owners)} | {"automl_core"}
        self.all_pickles = trusted is True
        if isinstance(trusted, bool):
            trusted = ()
        self.trusted = {trusted} if isinstance(trusted, str) else set(trusted)

    def allows(self, qualified: str) -> bool:
        """Whether the type ``qualified`` may be read (by its name alone)."""
        if denied(qualified):
            return False
        return qualified in SAFE_STDLIB or qualified in self.trusted or qualified.split(".")[0] in self.modules

    def allows_function(self, qualified: str, obj: Any = None) -> bool:
        """Whether the function ``qualified`` (``obj`` once imported) may be held as a value."""
        if denied(qualified) or (obj is not None and denied(qualified_name(obj))):
            return False
        return qualified in self.trusted or qualified in SAFE_FUNCTIONS or isinstance(obj, np.ufunc)

    def allows_object(self, obj: Any, qualified: str) -> bool:
        """Whether a global a pickle asked for, once resolved, is what its name claims and may be held."""
        if inspect.ismodule(obj) or denied(qualified_name(obj)):
            return False
        if qualified in self.trusted:
            return True
        if inspect.isclass(obj):
            return self.allows(qualified_name(obj))
        if callable(obj):
            return self.allows_function(qualified, obj)
        return self.allows(qualified_name(obj))

    def reads_pickle(self, name: str) -> bool:
        """Whether the pickle file ``name`` of the package may be read at all."""
        return self.all_pickles or name in self.trusted

    def untrusted(self, names: Iterable[str]) -> list[str]:
        return sorted(n for n in set(names) if not self.allows(n))

    def refuse(self, names: Iterable[str], file: str) -> None:
        refused = sorted(set(names))
        if not refused:
            return
        never = [n for n in refused if denied(n)]
        if never:
            raise never_allowed(file, ", ".join(never))
        raise PackageError(
            f"{file} holds types or functions the package does not vouch for: {', '.join(refused)}. "
            f"No plugin distribution the model records provides them; if you trust this file, load it "
            f"with trusted=[...] naming them (automl: --trust NAME)"
        )


__all__ = [
    "TrustPolicy",
    "BASE_DISTRIBUTIONS",
    "SAFE_STDLIB",
    "SAFE_FUNCTIONS",
    "DENIED_MODULES",
    "DENIED_NAMES",
    "denied",
    "never_allowed",
    "qualified_name",
]
