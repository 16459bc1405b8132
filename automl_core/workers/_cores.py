"""How many trials and threads this machine may run: the cores this process may use (its CPU
affinity and its cgroup's quota), and the default number of worker processes."""

from __future__ import annotations

import functools
import os

#: Environment variable that sets the default of ``n_workers`` (a CI machine, a shared host).
WORKERS_ENV = "AUTOML_N_WORKERS"


def default_workers(threads_per_model: int) -> int:
    """Trials at once on this machine: ``AUTOML_N_WORKERS`` when set, else the cores this
    process may use over the threads per model, so that there are never more threads than
    cores."""
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(f"{WORKERS_ENV}={given!r} must be a whole number of trials to run at once, 1 or more")
        return int(given)
    return max(1, usable_cores() // max(1, threads_per_model))


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity, further cut by a CPU quota of its
    cgroup (a container started with ``--cpus=2`` on a 64-core host may use two, not 64) and by
    ``LOKY_MAX_CPU_COUNT`` when set; all of the machine's where neither can be read.

    joblib's (loky's) ``cpu_count`` reads the quota; the answer is kept per affinity set and
    ``LOKY_MAX_CPU_COUNT``, so a predict call pays for a system call, not for reading the
    cgroup's files."""
    try:
        affinity = frozenset(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = None
    return _cores_for(affinity, os.environ.get("LOKY_MAX_CPU_COUNT"))


@functools.lru_cache(maxsize=8)
def _cores_for(affinity: frozenset[int] | None, loky_max: str | None) -> int:
    """The answer for this affinity set and ``LOKY_MAX_CPU_COUNT`` (both only keys of the cache)."""
    from joblib import cpu_count  # scikit-learn's dependency; imported once, on first use

    return max(1, int(cpu_count(only_physical_cores=False)))


__all__ = ["WORKERS_ENV", "default_workers", "usable_cores"]
