"""Worker processes on this machine: the core's own plugin, ``automl-core``, and its executor
``local`` (a pool of worker processes, each sent the search's payload once), and the main
function of a worker. Nothing here imports the search: a worker receives the function that
runs a trial with its payload, and imports what it needs when it unpickles them.
"""

from ._pool import DEFAULT_START_METHOD, ProcessPool, WorkerStartError, resident_bytes, wait_for_exit

__all__ = ["DEFAULT_START_METHOD", "ProcessPool", "WorkerStartError", "resident_bytes", "wait_for_exit"]
