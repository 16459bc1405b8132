"""What the plugins registered, by kind and name, and which plugin gave each component."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..components import KINDS
from ..errors import DuplicateComponentError, PluginError, UnknownComponentError
from ._manager import PluginManager

#: The kinds whose components the search chooses among (what ``AutoML(exclude=...)`` removes).
SEARCH_KINDS = ("model_family", "preprocessor", "feature_builder")


@dataclass
class Registry:
    """Components by kind (``model_family``, ``preprocessor``...) and name.

    Built from a plugin manager by :meth:`from_manager`; ``owners`` maps ``(kind, name)`` to
    the name of the plugin that registered it.
    """

    components: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: {} for k in KINDS})
    owners: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_manager(cls, pm: PluginManager, kinds: Iterable[str] | None = None) -> Registry:
        """Ask every plugin for its components (of ``kinds``, every kind when None)."""
        registry = cls()
        for kind in KINDS if kinds is None else kinds:
            registry.collect(pm, kind)
        return registry

    def collect(self, pm: PluginManager, kind: str) -> None:
        """Call ``register_<kind>`` on each plugin in turn, through pluggy, and record what it
        registers; a plugin that raises is named."""
        hook_name = KINDS[kind][1]
        for plugin, caller in pm.plugin_callers(hook_name):
            collected: list[Any] = []
            try:
                caller(register=collected.append)
            except Exception as exc:
                raise PluginError(f"plugin {plugin!r} failed in {hook_name}: {type(exc).__name__}: {exc}") from exc
            for component in collected:
                self.add(kind, component, plugin)

    def add(self, kind: str, component: Any, plugin: str) -> None:
        """Record one component; a second component of the same kind and name is an error."""
        expected: Any = KINDS[kind][0]
        if not isinstance(component, expected):
            raise PluginError(
                f"plugin {plugin!r} registered {component!r} through {KINDS[kind][1]}, "
                f"which takes {expected.__name__} records"
            )
        existing = self.owners.get((kind, component.name))
        if existing is not None:
            raise DuplicateComponentError(
                f"{kind.replace('_', ' ')} {component.name!r} is registered by both plugin "
                f"{existing!r} and plugin {plugin!r}; block one of them"
            )
        self.components[kind][component.name] = component
        self.owners[(kind, component.name)] = plugin

    def all(self, kind: str, task: str | None = None) -> list[Any]:
        """Components of a kind, in name order, those serving ``task`` only when given."""
        items = [self.components[kind][n] for n in sorted(self.components[kind])]
        if task is not None:
            items = [c for c in items if task in getattr(c, "tasks", (task,))]
        return items

    def get(self, kind: str, name: str, task: str | None = None) -> Any:
        """One component by name; an unknown name lists the ones there are."""
        component = self.components[kind].get(name)
        if component is None or (task is not None and task not in getattr(component, "tasks", (task,))):
            choices = ", ".join(c.name for c in self.all(kind, task)) or "none"
            served = f" for task {task!r}" if task else ""
            raise UnknownComponentError(f"unknown {kind.replace('_', ' ')} {name!r}{served}; installed: {choices}")
        return component

    def select(self, kind: str, names: Iterable[str] | None, task: str | None = None) -> list[Any]:
        """The named components (all serving ``task`` when ``names`` is None)."""
        if names is None:
            return self.all(kind, task)
        return [self.get(kind, n, task) for n in names]

    def without(self, names: Iterable[str], kinds: Iterable[str] = SEARCH_KINDS) -> Registry:
        """A copy lacking the named components of ``kinds``; a name matching none is an error."""
        names = list(dict.fromkeys(names))
        kinds = tuple(kinds)
        known = {n for k in kinds for n in self.components[k]}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UnknownComponentError(
                f"cannot exclude {', '.join(map(repr, unknown))}: no such "
                f"{' / '.join(k.replace('_', ' ') for k in kinds)}; installed: {', '.join(sorted(known)) or 'none'}"
            )
        kept = Registry()
        for kind, members in self.components.items():
            for name, component in members.items():
                if kind in kinds and name in names:
                    continue
                kept.components[kind][name] = component
                kept.owners[(kind, name)] = self.owners[(kind, name)]
        return kept

    def owner(self, kind: str, name: str) -> str:
        return self.owners[(kind, name)]
