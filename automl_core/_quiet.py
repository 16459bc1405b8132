"""Library settings the engine changes only while it works, never at import: optuna's log
level, lowered to WARNING while the engine's own study runs (its per-trial INFO lines would
drown the user's output), and set back afterwards, so a user's own optuna studies keep theirs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_optuna() -> Iterator[None]:
    """optuna's verbosity at WARNING (or quieter, if it was) inside the block, as it was after it."""
    import optuna  # the search imports it anyway; imported here when a fit runs, not with the core

    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(previous, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
