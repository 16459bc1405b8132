"""Wall-clock budgets the user can trust.

optuna's own ``timeout`` never interrupts a running trial, so a budget could overrun by a
whole trial (docs/performance.md); the engine bounds each step itself: :func:`time_limit`
raises :class:`TrialTimeout` inside the running code when its deadline passes. It uses
``SIGALRM`` and so works in the main thread of a POSIX process; elsewhere (a worker thread,
Windows) it cannot interrupt, and the engine falls back to not starting what it estimates it
cannot finish.

Scikit-learn, XGBoost and LightGBM fits return to Python between iterations, trees or
chunks, which is where the signal lands; a single long C call is interrupted when it returns.
CatBoost checks for signals itself and raises KeyboardInterrupt instead of the handler's
exception; :func:`time_limit` turns that back into :class:`TrialTimeout` when its alarm fired.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import TrialTimeout

#: After a limit's alarm, it fires again this often until the block has ended.
REPEAT_SECONDS = 0.1


def can_interrupt() -> bool:
    """Whether :func:`time_limit` can interrupt running code in this thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`TrialTimeout` in the block if it runs longer than ``seconds``.

    Nesting is not supported: the engine uses one limit at a time. Where interruption is not
    possible (see :func:`can_interrupt`) the block runs unbounded.
    """
    if seconds <= 0:
        raise TrialTimeout(f"no time left (limit {seconds:.2f} s)")
    if not can_interrupt():
        yield
        return

    fired = []

    def _alarm(signum, frame):
        fired.append(True)
        # again shortly, until the block ends: a handler's exception can be lost where it lands
        # (a garbage-collector callback's are only printed), and the block would run on unbounded
        signal.setitimer(signal.ITIMER_REAL, REPEAT_SECONDS)
        raise TrialTimeout(f"ran over its {seconds:.2f} s limit")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except KeyboardInterrupt:
        # Some libraries turn whatever a signal handler raises into KeyboardInterrupt
        # (CatBoost 1.2 does, while it trains): after our alarm fired, that was our timeout.
        if fired:
            raise TrialTimeout(f"ran over its {seconds:.2f} s limit") from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_controller: tuple[int, Any] | None = None


def thread_limit(n_jobs: int):
    """Cap the BLAS and OpenMP thread pools (numpy, scipy, scikit-learn) at ``n_jobs``.

    Oversubscribed pools do not help a search or a refit on a few shared cores, at fit or at
    predict (docs/performance.md, "Threads").

    The pools are found by scanning the loaded libraries, too slow to repeat on each predict
    call; the scan is kept until a module is imported, which is when a new pool can appear.
    """
    global _controller
    if _controller is None or _controller[0] != len(sys.modules):
        from threadpoolctl import ThreadpoolController

        _controller = (len(sys.modules), ThreadpoolController())
    return _controller[1].limit(limits=max(1, int(n_jobs)))


@dataclass
class Deadline:
    """The end of a budget, on the monotonic clock."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return self.end - time.monotonic()
