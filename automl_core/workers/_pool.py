"""Worker processes on this machine: :class:`ProcessPool` keeps one worker process per slot,
each sent the search's payload (with the function that runs a trial) once; a trial past its
limit, or one whose worker dies, ends that worker alone, and a fresh one takes its place. It
follows the trial-pool protocol of :class:`automl_core.Executor`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..components import ExecutorContext
from ..errors import AutoMLError
from ._cores import default_workers
from ._main import READY, RESULT, worker_main

#: How the worker processes are started unless ``executor_options={"start_method": ...}``
#: says otherwise: ``spawn`` works on every platform and with any threads in the driver.
DEFAULT_START_METHOD = "spawn"
#: Seconds a worker is given to stop on its own before it is killed.
STOP_SECONDS = 2.0
#: Workers that die before they are ready, in a row, before the pool gives up.
MAX_FAILED_STARTS = 3


class WorkerStartError(AutoMLError):
    """Worker processes cannot start (their payload cannot be read there, or they die)."""


@dataclass
class _Worker:
    process: Any
    conn: Any
    feeding: threading.Thread | None
    ready: bool = False
    spec: Any = None


class ProcessPool:
    """One worker process per slot, each sent the payload once, trials sent one at a time.

    A worker says when it is ready (libraries imported, data read): only then is a trial sent
    to it, so that a trial's clock starts when it can run; the start-up itself is paid from
    the budget, as everything in a fit is."""

    def __init__(
        self, n_workers: int, threads: int, options: Mapping[str, Any] | None = None, max_memory: int | None = None
    ):
        """Start ``n_workers`` processes now: they import the libraries a trial needs while the
        engine prepares the data, then wait for :meth:`feed`. A trial whose worker holds more
        than ``max_memory`` bytes is ended."""
        self.capacity, self.max_memory = n_workers, max_memory
        self._mp = multiprocessing.get_context(dict(options or {}).get("start_method", DEFAULT_START_METHOD))
        self._env = _thread_env(threads)
        self._context: ExecutorContext | None = None
        self._payload = b""
        self._needs_main = False
        self._failed_starts = 0
        self._workers = [self._start_worker(i) for i in range(self.capacity)]

    @classmethod
    def start(cls, context: ExecutorContext) -> ProcessPool:
        """A pool for ``context``, its workers started and fed at once."""
        workers = context.n_workers or default_workers(context.threads)
        pool = cls(workers, context.threads, context.options, context.max_memory)
        return pool.feed(context)

    def feed(self, context: ExecutorContext) -> ProcessPool:
        """Send every worker the search's payload (once); returns the pool."""
        payload = pickle.dumps((context.run, context.payload), protocol=pickle.HIGHEST_PROTOCOL)
        if b"__main__" in payload:  # a component of the user's script (see _main_hidden): workers
            self._needs_main = True  # started without it cannot read it, so they start again
            for worker in self._workers:
                self._end(worker, at_once=True)
            self._workers = [self._start_worker(i) for i in range(self.capacity)]
        self._context, self._payload = context, payload  # replacements are fed from now on
        for worker in self._workers:
            worker.feeding = threading.Thread(target=_send, args=(worker.conn, self._payload), daemon=True)
            worker.feeding.start()
        return self

    # ------------------------------------------------------------------ the protocol
    def starting(self) -> bool:
        """Whether no worker is ready yet (the engine may run a trial itself meanwhile)."""
        return not any(w.ready for w in self._workers)

    def ready(self) -> int:
        """Workers ready and idle: trials that can start now."""
        return sum(w.ready and w.spec is None for w in self._workers)

    def submit(self, spec: Any) -> None:
        worker = next(w for w in self._workers if w.ready and w.spec is None)
        worker.spec = spec
        worker.conn.send(spec)

    def wait(self, timeout: float) -> list:
        """Records of finished trials; also takes note of workers that became ready."""
        listening = {w.conn: w for w in self._workers if w.spec is not None or not w.ready}
        if not listening:
            return []
        done = []
        for conn in multiprocessing.connection.wait(list(listening), timeout=timeout):
            result = self._receive(listening[conn])
            if result is not None:
                done.append(result)
        return done + self._over_memory()

    def _over_memory(self) -> list:
        """The records of trials whose worker holds more than ``max_memory``, their workers ended."""
        if self.max_memory is None:
            return []
        over = []
        for worker in [w for w in self._workers if w.spec is not None]:
            used = resident_bytes(worker.process.pid)
            if used is not None and used > self.max_memory:
                spec = worker.spec
                self._replace(worker)
                over.append(
                    self._failed(
                        spec,
                        f"its worker held {used / 2**20:,.0f} MB, over max_memory="
                        f"{self.max_memory / 2**20:,.0f} MB; it was ended",
                    )
                )
        return over

    def cancel(self, number: int) -> None:
        for worker in self._workers:
            if worker.spec is not None and worker.spec.number == number:
                self._replace(worker)

    def stop(self) -> None:
        """End every worker now, without waiting: a worker holds nothing to clean up, and an
        orderly exit (an interpreter with numpy and scikit-learn loaded tearing down) costs the
        fit up to a second. :meth:`close` then reaps them."""
        for worker in self._workers:
            worker.process.kill()
            worker.spec = None
        self._stopping = True

    def close(self) -> None:
        """Stop every worker and wait until none is left (the slowest gets :data:`STOP_SECONDS`)."""
        if not getattr(self, "_stopping", False):
            self.stop()
        end = time.monotonic() + STOP_SECONDS
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, end - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=STOP_SECONDS)
            worker.conn.close()
        self._workers = []

    def pids(self) -> list[int]:
        """The process ids of the workers (for memory accounting and tests)."""
        return [w.process.pid for w in self._workers]

    # ------------------------------------------------------------------ workers
    def _start_worker(self, index: int) -> _Worker:
        driver_end, worker_end = self._mp.Pipe()
        process = self._mp.Process(
            target=worker_main, args=(worker_end, os.getpid(), self._env), name=f"automl-worker-{index}", daemon=True
        )
        with contextlib.nullcontext() if self._needs_main else _main_hidden():
            process.start()
        worker_end.close()
        worker = _Worker(process, driver_end, None)
        if self._payload:  # a replacement, once the pool is fed
            worker.feeding = threading.Thread(target=_send, args=(driver_end, self._payload), daemon=True)
            worker.feeding.start()
        return worker

    def _receive(self, worker: _Worker) -> Any:
        """The record a worker sent, or None for a readiness message; a worker that died (or
        could not start) is replaced, and the trial it ran comes back failed."""
        try:
            message = worker.conn.recv_bytes()
        except (EOFError, OSError):
            message = None
        if message == READY:
            worker.ready, self._failed_starts = True, 0
            return None
        if message is not None and message[:1] == RESULT:
            worker.spec = None
            return pickle.loads(message[1:])
        return self._lost(worker, None if message is None else message[1:].decode(errors="replace"))

    def _lost(self, worker: _Worker, error: str | None) -> Any:
        spec, started = worker.spec, worker.ready
        worker.process.join(timeout=STOP_SECONDS)  # its pipe closes a moment before it can be reaped
        code = None if worker.process.is_alive() else worker.process.exitcode
        self._replace(worker)
        if not started:
            self._failed_starts += 1
            if error is not None or self._failed_starts > MAX_FAILED_STARTS:
                raise WorkerStartError(
                    f"worker processes of the local executor cannot start: {error or _exit_reason(code)}"
                )
            return None
        return self._failed(spec, f"its worker process died ({_exit_reason(code)}) while it ran")

    def _failed(self, spec: Any, reason: str) -> Any:
        if self._context is None:
            raise RuntimeError("the pool ran a trial before it was fed a search")
        return self._context.failed(spec, reason)

    def _replace(self, worker: _Worker) -> None:
        self._end(worker, at_once=True)
        index = self._workers.index(worker)
        self._workers[index] = self._start_worker(index)

    def _end(self, worker: _Worker, at_once: bool) -> None:
        if not at_once:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
            worker.process.join(timeout=STOP_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=STOP_SECONDS)
        worker.conn.close()
        worker.spec = None


@contextlib.contextmanager
def _main_hidden():
    """Start a process without it running the user's main script again: ``spawn`` imports
    ``__main__`` in the child, which re-runs a script that calls ``fit`` unguarded by
    ``if __name__ == "__main__"``. The worker needs nothing from it (its payload does not
    reference it), so the child is not told where it is."""
    main = sys.modules.get("__main__")
    saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
    try:
        if main is not None:
            main.__spec__ = None
            if "__file__" in saved:
                del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def _send(conn: Any, payload: bytes) -> None:
    try:
        conn.send_bytes(payload)
    except (OSError, ValueError):  # the worker died before reading it: its first trial says so
        pass


def _thread_env(threads: int) -> dict[str, str]:
    """Thread settings for a worker, read by the numeric libraries when they load."""
    n = str(max(1, int(threads)))
    env = {name: n for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env["OMP_WAIT_POLICY"] = os.environ.get("OMP_WAIT_POLICY", "PASSIVE")
    return env


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def resident_bytes(pid: int) -> int | None:
    """The resident memory of process ``pid`` (Linux's /proc), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def wait_for_exit(pids: list[int], seconds: float = 5.0) -> list[int]:
    """The pids of ``pids`` still alive after ``seconds`` (for tests: no worker left behind)."""
    end = time.monotonic() + seconds
    alive = list(pids)
    while alive and time.monotonic() < end:
        alive = [p for p in alive if _exists(p)]
        time.sleep(0.05)
    return alive


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:  # a zombie is gone for our purpose
            return handle.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True
