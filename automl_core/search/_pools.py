"""The trial pool that runs each trial in the driver itself, one at a time, as a search did
before there were workers (``n_workers=1`` in the main thread). Worker processes are
:mod:`automl_core.workers`'."""

from __future__ import annotations

from typing import Any

from ..components import ExecutorContext


class InProcessPool:
    """Runs each trial in the calling thread, when the engine waits for it."""

    capacity = 1

    def __init__(self, context: ExecutorContext):
        self._context = context
        self._queued: list = []

    def ready(self) -> int:
        return 0 if self._queued else 1

    def submit(self, spec: Any) -> None:
        self._queued.append(spec)

    def wait(self, timeout: float) -> list:
        done = [self._context.run(self._context.payload, spec) for spec in self._queued]
        self._queued = []
        return done

    def cancel(self, number: int) -> None:
        self._queued = [s for s in self._queued if s.number != number]

    def close(self) -> None:
        self._queued = []
