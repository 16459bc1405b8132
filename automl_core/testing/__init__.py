"""Conformance checks for plugin authors: your plugin's whole test suite in one line.

Like scikit-learn's ``check_estimator``, these functions exercise a component the way the
engine will, on small synthetic data, and raise :class:`ConformanceError` (an
``AssertionError``, so pytest reports it as a failure) naming the component and what failed::

    # tests/test_conformance.py of your plugin
    import my_plugin
    from automl_core.testing import check_plugin

    def test_conformance():
        check_plugin(my_plugin)

``check_plugin`` builds a hermetic registry from your plugin alone and runs the matching check
on every component it registers. The per-kind checks (``check_model_family``,
``check_preprocessor``, ``check_feature_builder``, ``check_evaluator``, ``check_loader``,
``check_monitor``, ``check_executor``, ``check_explainer``, ``check_reporter``) can also be called
directly, for instance to check a component on data of
your own. Fits are kept tiny (a few hundred rows, one thread) so a check runs in seconds.

This package imports optuna and scikit-learn inside the checks only, so importing it is cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import TrialTimeout
from ._common import ConformanceError
from ._data import make_dataset, monitor_inputs
from ._evaluators import check_evaluator
from ._executors import check_executor
from ._explainers import check_explainer, check_reporter
from ._loaders import check_loader
from ._models import check_model_family
from ._monitors import check_monitor
from ._portfolios import check_portfolio
from ._transforms import check_feature_builder, check_preprocessor

__all__ = [
    "ConformanceError",
    "check_evaluator",
    "check_explainer",
    "check_executor",
    "check_feature_builder",
    "check_loader",
    "check_model_family",
    "check_monitor",
    "check_plugin",
    "check_portfolio",
    "check_preprocessor",
    "check_reporter",
    "TrialTimeout",
    "load_with",
    "make_dataset",
    "registered",
    "time_limit",
]


def time_limit(seconds: float):
    """The engine's own bound on a trial: a context manager that raises :class:`TrialTimeout`
    inside the block when it runs longer than ``seconds`` (in the main thread), as it does in a
    search, so that a plugin can test that its estimator's fit can be interrupted."""
    from ..search import time_limit as engine_time_limit

    return engine_time_limit(seconds)


def load_with(plugins: Any, source: Any, **options: Any) -> Any:
    """Read ``source`` through the engine with these plugins alone (a plugin, or a list), as a
    fit would: the :class:`~automl_core.LoadedData` the winning loader handed over."""
    from ..data import load_with_manager
    from ..plugin import build_plugin_manager

    plugins = plugins if isinstance(plugins, (list, tuple)) else [plugins]
    return load_with_manager(build_plugin_manager(plugins=plugins, autoload=False), source, options)


def registered(plugin: Any) -> dict[str, dict[str, Any]]:
    """What ``plugin`` alone registers, by kind (``model_family``, ``preprocessor``,
    ``feature_builder``, ``evaluator``, ``monitor``, ``loader``) and name: the components
    the engine would receive from it, for a plugin's own tests."""
    from ..plugin import Registry, build_plugin_manager, plugin_name_of

    registry = Registry.from_manager(build_plugin_manager(plugins=[plugin], autoload=False))
    name = plugin_name_of(plugin)
    return {
        kind: {n: c for n, c in items.items() if registry.owner(kind, n) == name}
        for kind, items in registry.components.items()
    }


def check_plugin(
    plugin: Any,
    *,
    loader_sources: Mapping[str, Any] | None = None,
    builder_frames: Mapping[str, pd.DataFrame] | None = None,
    executor_options: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int = 0,
) -> dict[str, list[str]]:
    """Check every component a plugin registers, in a registry built from that plugin alone.

    :param plugin: the plugin module (or object) with ``@automl_core.hookimpl`` functions.
    :param loader_sources: loader name to a source it must read (``{"csv": path}``); loaders
        without a source are skipped, since only the author knows what they read.
    :param builder_frames: feature builder name to a frame it applies to, for builders that do
        not apply to the default synthetic frame.
    :param executor_options: executor name to the options it needs (a cluster's address...).
    :param seed: the seed of the synthetic data, the samplers and the built components.
    :returns: the names checked, by kind.
    :raises ConformanceError: when the plugin registers nothing, or a component fails its check.
    """
    from ..plugin import Registry, build_plugin_manager, plugin_name_of

    registry = Registry.from_manager(build_plugin_manager(plugins=[plugin], autoload=False))
    name = plugin_name_of(plugin)
    components = {
        kind: [c for c in registry.all(kind) if registry.owner(kind, c.name) == name] for kind in registry.components
    }
    if not any(components.values()):
        raise ConformanceError(f"plugin {name!r} registers no component")
    sources, frames = dict(loader_sources or {}), dict(builder_frames or {})
    for given, kind in ((sources, "loader"), (frames, "feature_builder")):
        unknown = sorted(set(given) - {c.name for c in components[kind]})
        if unknown:
            raise ConformanceError(f"no {kind.replace('_', ' ')} named {unknown} is registered by the plugin")
    runs = {
        "model_family": lambda c: check_model_family(c, seed=seed),
        "preprocessor": lambda c: check_preprocessor(c, seed=seed),
        "feature_builder": lambda c: check_feature_builder(c, frames.get(c.name), seed=seed),
        "evaluator": lambda c: check_evaluator(c, seed=seed),
        "monitor": lambda c: check_monitor(c, *monitor_inputs(seed)),
        "loader": lambda c: check_loader(c, sources[c.name]),
        "explainer": lambda c: check_explainer(c, seed=seed),
        "reporter": lambda c: check_reporter(c, seed=seed),
        "executor": lambda c: check_executor(c, (executor_options or {}).get(c.name)),
        "portfolio": check_portfolio,
    }
    checked: dict[str, list[str]] = {}
    for kind, items in components.items():
        for component in items:
            if kind == "loader" and component.name not in sources:
                continue
            runs[kind](component)
            checked.setdefault(kind, []).append(component.name)
    return checked
