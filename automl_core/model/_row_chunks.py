"""A large batch predicted on every core it may use: row chunks, one thread each.

Rows are predicted independently of one another, and the models' predict code (LightGBM,
XGBoost, CatBoost, scikit-learn's trees and neighbours) runs in C with the GIL released, so a
batch split into as many row chunks as there are threads, each chunk run by the whole model in
its own thread, takes about 1/threads of the time (1.5x to 1.9x on 2 cores,
benchmarks/README.md). Each chunk's own thread pools (BLAS, OpenMP) are held at one thread,
so that threads never outnumber the cores given.

One batch at a time in a process is split: a server answering several large requests at
once, or an application calling ``predict`` from several threads, runs each further batch
whole in its caller's thread, so that concurrent calls add one thread each rather than
multiplying the threads by the calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

import numpy as np
import pandas as pd

#: Batches of at least this many rows are split across threads, in chunks of at least half
#: as many; below it, a thread's start and each chunk's fixed costs (typing, every member's
#: per-call work) outweigh the gain (measured: 0.8x to 0.95x at 256 rows, 1.06x to 1.3x at
#: 512, 1.1x to 1.6x at 1,000, on four fitted models; benchmarks/README.md).
PARALLEL_ROWS = 512

#: Held while a batch is predicted in chunks: one split batch at a time per process.
_SPLITTING = threading.Lock()


def output_by_chunks(
    output: Callable[[pd.DataFrame], np.ndarray],
    X: pd.DataFrame,
    threads: int,
    limit: Callable[[int], AbstractContextManager],
    unsplit_threads: int = 1,
) -> np.ndarray:
    """``output(X)``, computed on up to ``threads`` row chunks at once (of at least half
    :data:`PARALLEL_ROWS` rows each) when ``X`` has at least :data:`PARALLEL_ROWS` rows, else in
    this thread under ``limit(unsplit_threads)``; also when another batch of this process is
    being split at the time (one split batch at a time).

    ``limit(n)`` caps the BLAS and OpenMP thread pools at ``n`` threads for the calling thread;
    every chunk runs under ``limit(1)``. The chunks' outputs are joined in row order. When any
    chunk raises, the whole batch is predicted again unsplit, and what that call gives (an
    answer or the exception) is the answer: a plugin's check of a batch as a whole (say, that a
    date column is not unparseable in every row) must not depend on how the batch was split.
    """
    chunks = min(max(1, int(threads)), len(X) // (PARALLEL_ROWS // 2) if len(X) >= PARALLEL_ROWS else 1)
    if chunks < 2 or not _SPLITTING.acquire(blocking=False):
        with limit(unsplit_threads):
            return output(X)
    try:
        return _split_output(output, X, chunks, limit, unsplit_threads)
    finally:
        _SPLITTING.release()


def _split_output(output, X: pd.DataFrame, chunks: int, limit, unsplit_threads: int) -> np.ndarray:
    bounds = np.linspace(0, len(X), chunks + 1).astype(int)

    def run(start: int, stop: int) -> np.ndarray:
        with limit(1):  # OpenMP's limit is per thread: a new thread starts with the default
            return output(X.iloc[start:stop])

    try:
        with limit(1), ThreadPoolExecutor(max_workers=chunks, thread_name_prefix="automl-predict") as pool:
            parts = [pool.submit(run, start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]
            return np.concatenate([part.result() for part in parts])
    except Exception:  # noqa: BLE001 - decided by the unsplit call below, as without chunks
        pass
    with limit(unsplit_threads):
        return output(X)
