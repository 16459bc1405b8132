"""The main function of a local worker process: receives the search's payload and the function
that runs a trial once, then runs trials until told to stop.

This module imports nothing heavy at the top: a worker started with ``spawn`` imports it first,
and sets the thread settings of the numeric libraries before any of them is loaded.
"""

from __future__ import annotations

import functools
import os
import pickle
import threading
import time
import warnings
from collections.abc import Mapping
from typing import Any

#: How often a worker checks that the process that started it is alive.
WATCH_SECONDS = 0.5


#: The first byte of each message a worker sends: ready for trials, a trial's record, an error.
READY, RESULT, ERROR = b"r", b"t", b"e"


def worker_main(conn: Any, driver_pid: int, env: Mapping[str, str]) -> None:
    """Run trials sent over ``conn`` (a multiprocessing connection) until ``None`` arrives.

    The worker says it is ready once it holds the payload (the libraries imported, the data
    unpickled), so that a trial's clock starts when it can run; a payload it cannot read is
    reported, never a silent death."""
    os.environ.update(env)  # before numpy, scikit-learn or a booster loads its thread pools
    # The models' chatter on folds (a solver that did not converge on a few hundred rows) is
    # ignored, as around trials run in the driver: this process writes to the user's stderr.
    warnings.simplefilter("ignore", category=UserWarning)
    _watch(driver_pid)
    try:
        run_trial, payload = pickle.loads(conn.recv_bytes())  # the engine's run: imported by reference
    except BaseException as exc:  # noqa: BLE001 - said to the driver, which names it
        conn.send_bytes(ERROR + f"{type(exc).__name__}: {exc}".encode())
        return
    conn.send_bytes(READY)
    while True:
        spec = conn.recv()
        if spec is None:
            return
        # A trial keeps its fold models only within their bound (search._trial.MAX_MODELS_BYTES):
        # what is pickled here is sent, never pickled twice.
        conn.send_bytes(RESULT + pickle.dumps(run_trial(payload, spec), protocol=pickle.HIGHEST_PROTOCOL))
        release_free_memory()  # the trial's models and their pickled bytes are gone by now


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``).

    What a trial allocated through ``malloc`` (trees' node arrays, the pickled fold models it
    sent) stays resident after it is freed, unless it happens to sit at the top of the heap: a
    process that fitted two 200-tree forests on 7,000 rows and pickled them (148 MB) held
    344 MB with all of it freed, 198 MB after the trim (2026-12-04). Kept, such pages add up across the workers while another one peaks. Nothing
    happens where the C library has no ``malloc_trim`` (macOS, musl)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def _watch(driver_pid: int) -> None:
    """End this process when its driver is gone (killed, crashed): no worker outlives a fit."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent or not _alive(driver_pid):
                os._exit(3)

    threading.Thread(target=watch, name="automl-driver-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
