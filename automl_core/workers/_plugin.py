"""The core's own plugin, ``automl-core``: the built-in executor ``local`` (trials in worker
processes on this machine).

It reaches the engine as any executor does, through ``register_executors``; every plugin
manager registers this module. Nothing heavy is imported until a search starts a pool.
"""

from __future__ import annotations

from ..components import Executor, ExecutorContext
from ..hookspecs import hookimpl

PLUGIN_NAME = "automl-core"


def start_local(context: ExecutorContext):
    """A pool of ``context.n_workers`` worker processes."""
    from ._pool import ProcessPool

    return ProcessPool.start(context)


LOCAL = Executor("local", start_local, description="worker processes on this machine (spawn), one trial each")


@hookimpl
def register_executors(register) -> None:
    register(LOCAL)
