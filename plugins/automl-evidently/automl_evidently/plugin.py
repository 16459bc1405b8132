"""The automl plugin that contributes the ``evidently`` monitor.

Loading this module is cheap: evidently (seconds to import) is imported only when the
monitor runs, by :mod:`automl_evidently.drift`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import Monitor, hookimpl

#: The name this plugin is registered under, whether found by entry point or passed in code.
PLUGIN_NAME = "evidently"


def run(reference: Any, current: Any, context: Mapping[str, Any]) -> Any:
    """Compare ``current`` with ``reference`` using evidently; see :func:`automl_evidently.drift.run`."""
    from .drift import run as run_drift

    return run_drift(reference, current, context)


EVIDENTLY = Monitor(
    name="evidently",
    run=run,
    description="evidently's per-column drift tests on features and predictions, with its HTML report",
)


@hookimpl
def register_monitors(register) -> None:
    """Contribute the ``evidently`` monitor."""
    register(EVIDENTLY)
