"""The automl plugin that contributes the ``psi`` monitor.

Loading this module is cheap: the computation (:mod:`automl_psi.psi`, numpy and pandas) is
imported only when the monitor runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import Monitor, hookimpl

#: The name this plugin is registered under, whether found by entry point or passed in code.
PLUGIN_NAME = "psi"


def run(reference: Any, current: Any, context: Mapping[str, Any]) -> Any:
    """PSI of every feature column and of the predictions; see :func:`automl_psi.psi.run`."""
    from .psi import run as run_psi

    return run_psi(reference, current, context)


PSI = Monitor(name="psi", run=run, description="population stability index of each column and of the predictions")


@hookimpl
def register_monitors(register) -> None:
    """Contribute the ``psi`` monitor."""
    register(PSI)
