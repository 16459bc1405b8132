"""The ``dask`` plugin: registers the ``dask`` executor. ``distributed`` is imported only
when a search starts a pool, never when the plugin is loaded."""

from __future__ import annotations

from automl_core import Executor, ExecutorContext, hookimpl

PLUGIN_NAME = "dask"


def start(context: ExecutorContext):
    """A trial pool on the cluster ``context.options`` names (``address`` or ``client``)."""
    from .pool import DaskPool

    return DaskPool(context)


DASK = Executor("dask", start, description="trials as tasks of a dask.distributed cluster (address= or client=)")


@hookimpl
def register_executors(register) -> None:
    """Register the ``dask`` executor."""
    register(DASK)
