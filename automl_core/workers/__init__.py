"""Worker processes on this machine, and how many it may run: the core's own plugin, ``automl-core``, and its executor
``local`` (a pool of worker processes, each sent the search's payload once), and the main
function of a worker. Nothing here imports the search: a worker receives the function that
runs a trial with its payload, and imports what it needs when it unpickles them.
"""

from ._cores import WORKERS_ENV, default_workers, usable_cores
from ._pool import DEFAULT_START_METHOD, ProcessPool, WorkerStartError, resident_bytes, wait_for_exit

__all__ = [
    "DEFAULT_START_METHOD",
    "WORKERS_ENV",
    "ProcessPool",
    "WorkerStartError",
    "default_workers",
    "resident_bytes",
    "usable_cores",
    "wait_for_exit",
]
