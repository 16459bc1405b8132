"""Trials as tasks of a ``dask.distributed`` cluster.

The search's payload (the data and the search space) is scattered to every worker once;
each trial is a task that calls the engine's ``run`` on it. A task cannot be interrupted in a
Dask worker's thread, so a trial the engine cancels (it ran past its limit) has its worker
restarted, the only way Dask stops a running task; the payload is scattered again to any
worker that lost it.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from automl_core import ExecutorContext

#: Seconds to reach the scheduler before the address is reported unreachable.
CONNECT_SECONDS = 10.0
#: How often the pool looks at its running trials.
POLL_SECONDS = 0.02


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler named by ``address`` did not answer."""


class DaskPool:
    """A trial pool on a Dask cluster: at most ``capacity`` trials in flight."""

    def __init__(self, context: ExecutorContext):
        options = dict(context.options)
        self._context = context
        self._client, self._own = _client(options)
        threads = sum(w["nthreads"] for w in self._client.scheduler_info()["workers"].values())
        self.capacity = context.n_workers or max(1, threads)
        self._payload = self._client.scatter(context.payload, broadcast=True, hash=False)
        self._running: dict[int, tuple[Any, Any]] = {}
        self._prefix = f"automl-trial-{uuid.uuid4().hex[:8]}"

    def ready(self) -> int:
        return self.capacity - len(self._running)

    def submit(self, spec: Any) -> None:
        future = self._client.submit(
            self._context.run, self._payload, spec, pure=False, key=f"{self._prefix}-{spec.number}"
        )
        self._running[spec.number] = (future, spec)

    def wait(self, timeout: float) -> list:
        """Records of finished trials, polling the futures (``distributed.wait`` would need this
        client to be the process's default, which a library must not make it)."""
        end = time.monotonic() + timeout
        while True:
            done = [number for number, (future, _) in self._running.items() if future.done()]
            if done or time.monotonic() >= end:
                return [self._record(*self._running.pop(number)) for number in done]
            time.sleep(POLL_SECONDS)

    def _record(self, future: Any, spec: Any) -> Any:
        try:
            return future.result()
        except Exception as exc:  # the task itself never raises: the cluster lost it
            return self._context.failed(spec, f"the Dask cluster lost it ({type(exc).__name__}: {exc})")

    def cancel(self, number: int) -> None:
        future, _ = self._running.pop(number, (None, None))
        if future is None:
            return
        worker = self._processing_on(future.key)
        future.cancel()
        if worker is not None:  # a running task stops only with its worker
            self._client.restart_workers([worker], raise_for_error=False)

    def close(self) -> None:
        for future, _ in self._running.values():
            future.cancel()
        self._running.clear()
        self._client.cancel([self._payload], force=True)
        if self._own:
            self._client.close()

    def _processing_on(self, key: str) -> str | None:
        def where(dask_scheduler, key=key):
            task = dask_scheduler.tasks.get(key)
            return task.processing_on.address if task is not None and task.processing_on is not None else None

        return self._client.run_on_scheduler(where)


def _client(options: dict) -> tuple[Any, bool]:
    """The client to submit with, and whether this pool opened it (and must close it)."""
    from distributed import Client

    if options.get("client") is not None:
        return options["client"], False
    address = options.get("address")
    if not address:
        raise ValueError(
            "the dask executor needs executor_options={'address': 'tcp://host:8786'} (automl fit "
            "--scheduler ADDRESS) or {'client': a distributed.Client}"
        )
    seconds = float(options.get("timeout", CONNECT_SECONDS))
    try:
        return Client(address, timeout=seconds, set_as_default=False), True
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {seconds:g} s: {type(exc).__name__}: {exc}"
        ) from None
