"""Builds a plugin manager: entry points, a block list, explicit plugins, named import errors.

Every plugin, the first-party ones included, is found through the one entry-point group
:data:`ENTRY_POINT_GROUP`. Nothing is loaded at import time: each ``AutoML.fit`` (and each
``automl plugins`` call) builds its own manager.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from .. import hookspecs
from ..errors import PluginError, UnknownComponentError

#: The entry-point group every plugin is found through.
ENTRY_POINT_GROUP = "automl.plugins"
#: Comma-separated plugin names never to load, whatever the code asks.
BLOCK_ENV = "AUTOML_BLOCK_PLUGINS"
#: Set to 1 to load no entry-point plugin at all (only plugins passed explicitly).
NO_AUTOLOAD_ENV = "AUTOML_DISABLE_PLUGIN_AUTOLOAD"

hookimpl = hookspecs.hookimpl


class PluginLoadWarning(UserWarning):
    """A plugin failed to import; the others were loaded."""


@dataclass(frozen=True)
class PluginInfo:
    """What the manager knows of one plugin, loaded or not."""

    name: str
    distribution: str | None
    version: str | None
    status: str  # "loaded", "blocked" or "failed"
    error: str | None = None


def _env_block_list() -> set[str]:
    return {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}


def _dist_of(ep: metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


def plugin_name_of(plugin: Any) -> str:
    """The name an explicitly passed plugin is registered under."""
    return getattr(plugin, "PLUGIN_NAME", None) or getattr(plugin, "__name__", None) or type(plugin).__name__


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers what it loaded, blocked and failed to load."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self._callers: dict[str, list[tuple[str, Any]]] = {}

    def load_entry_points(self, block: set[str]) -> None:
        """Load every plugin of the entry-point group, isolating and naming broken ones."""
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist, version = _dist_of(ep)
            if ep.name in self.infos:
                continue  # the same distribution seen twice on sys.path
            if ep.name in block:
                self.infos[ep.name] = PluginInfo(ep.name, dist, version, "blocked")
                continue
            try:
                plugin = ep.load()
                self.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not stop the others
                message = f"{type(exc).__name__}: {exc}"
                self.infos[ep.name] = PluginInfo(ep.name, dist, version, "failed", message)
                warnings.warn(
                    f"automl plugin {ep.name!r} (distribution {dist or 'unknown'} {version or ''}) "
                    f"failed to load and was skipped: {message}",
                    PluginLoadWarning,
                    stacklevel=3,
                )
                continue
            self.infos[ep.name] = PluginInfo(ep.name, dist, version, "loaded")

    def add_builtin(self) -> None:
        """Register the core's own plugin (``automl-core``: the ``local`` executor), always."""
        from ..workers import _plugin

        self.register(_plugin, name=_plugin.PLUGIN_NAME)
        self.infos[_plugin.PLUGIN_NAME] = PluginInfo(_plugin.PLUGIN_NAME, "automl-core", _core_version(), "loaded")

    def add_explicit(self, plugins: Iterable[Any], block: set[str]) -> None:
        """Register plugins passed in code (modules or objects with ``@hookimpl`` methods)."""
        for plugin in plugins:
            name = plugin_name_of(plugin)
            if name in block:
                self.infos[name] = PluginInfo(name, None, None, "blocked")
                continue
            if self.get_plugin(name) is not None or self.is_registered(plugin):
                continue  # already loaded, e.g. through its entry point
            self.register(plugin, name=name)
            self.infos[name] = PluginInfo(name, None, None, "loaded")

    def drop_unknown_hooks(self, explicit: set[str]) -> None:
        """A hook name the engine does not define (a typo) fails its plugin, named.

        An installed plugin is unregistered with a warning, like one that fails to import; a
        plugin passed in code is an error, since the caller can fix it at once.
        """
        while True:
            try:
                self.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.get_name(exc.plugin) or plugin_name_of(exc.plugin)
                hook = str(exc).split("'")[1] if "'" in str(exc) else str(exc)
                message = f"plugin {name!r} implements {hook!r}, which is not a hook of automl-core (misspelt?)"
                if name in explicit:
                    raise PluginError(message) from exc
                self.unregister(exc.plugin)
                info = self.infos[name]
                self.infos[name] = PluginInfo(name, info.distribution, info.version, "failed", message)
                warnings.warn(message + "; it was skipped", PluginLoadWarning, stacklevel=3)

    def plugin_callers(self, hook_name: str) -> list[tuple[str, Any]]:
        """Each plugin implementing ``hook_name``, in pluggy's call order, with a hook caller
        that calls that plugin alone, through pluggy: it passes each implementation only the
        arguments it declares, so a spec that grows never breaks an older plugin."""
        cached = self._callers.get(hook_name)
        if cached is None:
            impls = list(reversed(getattr(self.hook, hook_name).get_hookimpls()))
            plugins = [impl.plugin for impl in impls]
            cached = [
                (impl.plugin_name, self.subset_hook_caller(hook_name, [p for p in plugins if p is not impl.plugin]))
                for impl in impls
            ]
            self._callers[hook_name] = cached
        return cached

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        self._callers.clear()
        return super().register(plugin, name)

    def unregister(self, plugin: Any = None, name: str | None = None) -> Any:
        self._callers.clear()
        return super().unregister(plugin, name)

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call an observer hook on every plugin, isolating them from one another.

        Observers return nothing and change nothing: one that raises is reported with a
        warning naming it, and neither the others nor the fit are stopped.
        """
        for plugin, caller in self.plugin_callers(hook_name):
            try:
                caller(**kwargs)
            except Exception as exc:
                warnings.warn(
                    f"observer plugin {plugin!r} failed in {hook_name}: {type(exc).__name__}: {exc}",
                    PluginLoadWarning,
                    stacklevel=2,
                )


def _core_version() -> str | None:
    try:
        return metadata.version("automl-core")
    except metadata.PackageNotFoundError:
        return None


def available_plugin_names() -> list[str]:
    """Names of every plugin advertised in the entry-point group (nothing is imported)."""
    return sorted({ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)})


def build_plugin_manager(
    plugins: Iterable[Any] | None = None,
    block: Iterable[str] | None = None,
    autoload: bool = True,
) -> PluginManager:
    """Build a fresh manager.

    :param plugins: plugins to register explicitly, besides (or, with ``autoload=False``,
        instead of) the entry-point plugins. For hermetic tests and notebooks.
    :param block: plugin names not to load; the environment variable ``AUTOML_BLOCK_PLUGINS``
        adds to it. A name that no plugin has is an error, so a typo never passes silently.
    :param autoload: load the entry-point plugins (``AUTOML_DISABLE_PLUGIN_AUTOLOAD=1``
        turns this off too).
    """
    plugins = list(plugins or [])
    blocked = set(block or ()) | _env_block_list()
    known = set(available_plugin_names()) | {plugin_name_of(p) for p in plugins}
    unknown = sorted(blocked - known)
    if unknown:
        raise UnknownComponentError(
            f"cannot block unknown plugin(s) {', '.join(map(repr, unknown))}; "
            f"installed plugins: {', '.join(sorted(known)) or 'none'}"
        )
    pm = PluginManager()
    pm.add_builtin()
    if autoload and os.environ.get(NO_AUTOLOAD_ENV, "") not in ("1", "true", "yes"):
        pm.load_entry_points(blocked)
    pm.add_explicit(plugins, blocked)
    pm.drop_unknown_hooks(explicit={plugin_name_of(p) for p in plugins})
    return pm
