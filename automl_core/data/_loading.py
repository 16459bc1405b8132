"""Reading data through the loader plugins: the ``load_data`` entry point.

A source (a path, a glob, a connection string, a DataFrame...) is first offered to the
answer-once hook ``load_data`` so that any plugin can take over; failing that, the registered
:class:`~automl_core.Loader` components are asked in descending priority, then name order,
and the first whose ``can_load`` says yes reads it. Every failure is a
:class:`~automl_core.DataError` that names the source (passwords masked) and the culprit.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..components import LoadedData
from ..errors import DataError
from ..plugin import PluginManager, Registry, build_plugin_manager
from ._input import refuse_sparse

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)\S*@")
_GLOB_MAGIC = re.compile(r"[*?\[]")


def load_data(
    source: Any,
    *,
    plugins: Iterable[Any] | None = None,
    block_plugins: Iterable[str] | None = None,
    **options: Any,
):
    """Read ``source`` into a :class:`pandas.DataFrame` through the installed loader plugins.

    :param source: a file path, a directory or glob pattern, a database URL such as
        ``sqlite:///shop.db``, a DataFrame, or anything an installed plugin reads.
    :param plugins: plugins to register besides the installed ones (hermetic tests).
    :param block_plugins: names of installed plugins not to load.
    :param options: passed to the loader (for example ``table=``, ``query=``, ``sep=``).
    :returns: a non-empty DataFrame with unique string column names.
    :raises DataError: when no loader reads the source, a loader fails, the file does not
        exist, or the result is empty or badly labelled.
    """
    pm = build_plugin_manager(plugins=plugins, block=block_plugins)
    return load_with_manager(pm, source, options).frame


def load_with_manager(
    pm: PluginManager, source: Any, options: Mapping[str, Any], registry: Registry | None = None
) -> LoadedData:
    """Read ``source`` with the plugins of an existing manager (what ``AutoML`` calls): the
    frame, and what the loader changed that a model must repeat at predict.

    :param registry: the registry already built from ``pm``, if any; otherwise only the
        loaders are collected (the other kinds may be costly to register and are not needed).
    """
    refuse_sparse(source)
    label = describe_source(source)
    loaded = _ask_hook(pm, source, options, label)
    if loaded is None:
        registry = registry if registry is not None else Registry.from_manager(pm, kinds=["loader"])
        loaders = sorted(registry.all("loader"), key=lambda ld: (-ld.priority, ld.name))
        loader = _pick_loader(loaders, source, options, label)
        loaded = _run_loader(loader, source, options, label)
    if not isinstance(loaded, LoadedData):
        loaded = LoadedData(loaded)
    _checked(loaded.frame, label)
    return loaded


def describe_source(source: Any) -> str:
    """A short, password-free description of a source for messages and logs."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return f"a DataFrame of shape {source.shape}"
    if isinstance(source, (str, os.PathLike)):
        return repr(mask_password(os.fspath(source)))
    return f"{type(source).__name__} {mask_password(repr(source))[:80]}"


def mask_password(text: str) -> str:
    """``text`` with the password of any ``scheme://user:password@host`` replaced by ``***``."""
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def _ask_hook(pm: PluginManager, source: Any, options: Mapping[str, Any], label: str):
    caller = pm.hook.load_data
    try:
        return caller(source=source, options=dict(options))
    except DataError:
        raise
    except Exception as exc:
        culprit = _hook_culprit(exc, caller.get_hookimpls())
        raise DataError(
            f"plugin {culprit!r} failed in the load_data hook reading {label}: {type(exc).__name__}: {exc}"
        ) from exc


def _hook_culprit(exc: BaseException, impls: list) -> str:
    """The plugin whose ``load_data`` implementation is deepest in the traceback."""
    codes = {impl.function.__code__: impl.plugin_name for impl in impls}
    culprit, tb = "unknown", exc.__traceback__
    while tb is not None:
        culprit = codes.get(tb.tb_frame.f_code, culprit)
        tb = tb.tb_next
    return culprit


def _pick_loader(loaders: list, source: Any, options: Mapping[str, Any], label: str):
    for loader in loaders:
        try:
            if loader.can_load(source, dict(options)):
                return loader
        except Exception as exc:
            raise DataError(
                f"loader {loader.name!r} failed deciding whether it reads {label}: {type(exc).__name__}: {exc}"
            ) from exc
    missing = _missing_path(source)
    if missing is not None:
        raise DataError(f"file not found: {missing}")
    tried = ", ".join(ld.name for ld in loaders) or "none (install automl-loaders)"
    raise DataError(f"no loader can read {label}; loaders tried: {tried}")


def _missing_path(source: Any) -> str | None:
    """The path, when ``source`` looks like a local path and nothing exists there."""
    if not isinstance(source, (str, os.PathLike)):
        return None
    path = os.fspath(source)
    if "://" in path or _GLOB_MAGIC.search(path) or os.path.exists(path):
        return None
    return os.path.abspath(path)


def _run_loader(loader, source: Any, options: Mapping[str, Any], label: str):
    try:
        return loader.load(source, dict(options))
    except FileNotFoundError as exc:
        where = exc.filename or _missing_path(source) or label
        why = f"{exc.strerror}; " if exc.strerror and exc.strerror != os.strerror(errno.ENOENT) else ""
        raise DataError(f"file not found: {where} ({why}loader {loader.name!r})") from exc
    except Exception as exc:
        raise DataError(f"loader {loader.name!r} could not read {label}: {type(exc).__name__}: {exc}") from exc


def _checked(frame: Any, label: str):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"reading {label} gave a {type(frame).__name__}, not a pandas DataFrame")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(f"{label} holds no data: {frame.shape[0]} rows and {frame.shape[1]} columns")
    not_text = [c for c in frame.columns if not isinstance(c, str)]
    if not_text:
        raise DataError(f"{label}: column names must be strings; these are not: {not_text[:10]!r}")
    duplicated = sorted(set(frame.columns[frame.columns.duplicated()]))
    if duplicated:
        raise DataError(f"{label}: column names must be unique; repeated: {duplicated!r}")
    return frame


__all__ = ["load_data", "load_with_manager", "describe_source", "mask_password"]
