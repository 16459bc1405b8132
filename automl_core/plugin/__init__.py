"""Finding plugins and recording what they contribute.

:func:`build_plugin_manager` loads every plugin of the entry-point group (the first-party
ones included, exactly as a third party's), isolating and naming a broken one; a
:class:`Registry` records the components each plugin registered, by kind and name. Hooks are
always called through pluggy, so an implementation may declare fewer arguments than its
specification.
"""

from ._manager import (
    BLOCK_ENV,
    ENTRY_POINT_GROUP,
    NO_AUTOLOAD_ENV,
    PluginInfo,
    PluginLoadWarning,
    PluginManager,
    available_plugin_names,
    build_plugin_manager,
    hookimpl,
    plugin_name_of,
)
from ._registry import SEARCH_KINDS, Registry

__all__ = [
    "BLOCK_ENV",
    "ENTRY_POINT_GROUP",
    "NO_AUTOLOAD_ENV",
    "PluginInfo",
    "PluginLoadWarning",
    "PluginManager",
    "Registry",
    "SEARCH_KINDS",
    "available_plugin_names",
    "build_plugin_manager",
    "hookimpl",
    "plugin_name_of",
]
