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

Not every model gains: where a call's time goes mostly to work that holds the GIL (pandas
typing, a CatBoost pool built from a frame, many small members' per-call costs), two threads
take turns instead of running at once, and a split batch took up to twice as long as the whole
one (telco churn, one CatBoost model, 1,409 rows: 47 ms against 21 ms). So each fitted model is
timed once, after fit and after load (:func:`split_rows`), whole and split, on batches of its
reference sample, and its batches are split only from the size where splitting is found to
pay (:func:`rows_where_split_pays`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

import numpy as np
import pandas as pd

#: Batches of at least this many rows are split across threads, in chunks of at least half
#: as many; below it, a thread's start and each chunk's fixed costs (typing, every member's
#: per-call work) outweigh the gain (measured: 0.8x to 0.95x at 256 rows, 1.06x to 1.3x at
#: 512, 1.1x to 1.6x at 1,000, on four fitted models; benchmarks/README.md).
PARALLEL_ROWS = 512

#: Splitting must be estimated to take at most 1/SPLIT_GAIN of the whole batch's time.
SPLIT_GAIN = 1.1

#: How far beyond its larger measured size the ratio's line is trusted, in doublings of rows.
EXTRAPOLATE_DOUBLINGS = 4

#: Held while a batch is predicted in chunks: one split batch at a time per process.
_SPLITTING = threading.Lock()


def output_by_chunks(
    output: Callable[[pd.DataFrame], np.ndarray],
    X: pd.DataFrame,
    threads: int,
    limit: Callable[[int], AbstractContextManager],
    unsplit_threads: int = 1,
    from_rows: float = PARALLEL_ROWS,
) -> np.ndarray:
    """``output(X)``, computed on up to ``threads`` row chunks at once (of at least half
    :data:`PARALLEL_ROWS` rows each) when ``X`` has at least ``from_rows`` rows (never fewer
    than :data:`PARALLEL_ROWS`; :func:`split_rows` measures it for a model), else in this
    thread under ``limit(unsplit_threads)``; also when another batch of this process is being
    split at the time (one split batch at a time).

    ``limit(n)`` caps the BLAS and OpenMP thread pools at ``n`` threads for the calling thread;
    every chunk runs under ``limit(1)``. The chunks' outputs are joined in row order. When any
    chunk raises, the whole batch is predicted again unsplit, and what that call gives (an
    answer or the exception) is the answer: a plugin's check of a batch as a whole (say, that a
    date column is not unparseable in every row) must not depend on how the batch was split.
    """
    large = len(X) >= max(PARALLEL_ROWS, from_rows)
    chunks = min(max(1, int(threads)), len(X) // (PARALLEL_ROWS // 2) if large else 1)
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


def rows_where_split_pays(timed: Sequence[tuple[int, float]], gain: float = SPLIT_GAIN) -> float:
    """The batch size (rows) from which splitting pays, from ``timed``: (rows, the whole call's
    time over the split call's) at :data:`PARALLEL_ROWS` rows, then optionally at a larger size.

    Splitting pays where the ratio reaches ``gain``. The ratio grows with the rows (the split
    call pays its fixed costs twice: threads started, every chunk's own per-call work, turns
    taken on the GIL) and is taken as a straight line in log2(rows) through the two points:
    read between them, or beyond the larger up to :data:`EXTRAPOLATE_DOUBLINGS` doublings;
    ``math.inf`` (never split) when the ratio does not grow or reaches ``gain`` only further.
    """
    (small, at_small), *rest = timed
    if at_small >= gain:
        return float(small)
    if not rest:
        return math.inf
    large, at_large = rest[0]
    per_doubling = (at_large - at_small) / math.log2(large / small)
    if per_doubling <= 0:
        return math.inf
    doublings = (gain - at_small) / per_doubling
    if doublings > math.log2(large / small) + EXTRAPOLATE_DOUBLINGS:
        return math.inf
    return float(math.ceil(round(small * 2**doublings, 6)))  # 1024.0000000000009 is 1,024 rows


def split_rows(
    output: Callable[[pd.DataFrame], np.ndarray],
    sample: pd.DataFrame,
    limit: Callable[[int], AbstractContextManager],
    unsplit_threads: int = 1,
    budget: float = 0.25,
) -> float:
    """From which batch size this model's ``output`` is worth splitting in row chunks on this
    machine (:func:`rows_where_split_pays`): ``output`` is timed whole and split in two on
    :data:`PARALLEL_ROWS` rows drawn from ``sample``, and, unless splitting already pays there,
    on four times as many; each time the fastest of up to three rounds, a round repeated only
    while the whole measurement has taken less than ``budget`` seconds. When ``output`` raises
    on the sample, nothing is learned: the usual :data:`PARALLEL_ROWS` holds.

    Rows are drawn at random, with replacement: the sample repeated in order ran up to 1.3
    times faster than new rows (titanic, 2,048 rows: the same rows again, in the same order,
    find the trees' nodes in cache), which would hide the cost per row that splitting shares.
    Call it from one thread while nothing else predicts (after fit, after load): the timings
    are what the decision is made of.
    """

    def whole(X: pd.DataFrame) -> None:
        with limit(unsplit_threads):
            output(X)

    def split(X: pd.DataFrame) -> None:
        _split_output(output, X, 2, limit, unsplit_threads)

    deadline = time.perf_counter() + budget

    def ratio(rows: int) -> float:
        X = sample.iloc[np.random.default_rng(rows).integers(0, len(sample), rows)]
        best = {whole: math.inf, split: math.inf}
        for _ in range(3):
            for run in best:
                started = time.perf_counter()
                run(X)
                best[run] = min(best[run], time.perf_counter() - started)
            if time.perf_counter() > deadline:
                break
        return best[whole] / best[split]

    try:
        timed = [(PARALLEL_ROWS, ratio(PARALLEL_ROWS))]
        if timed[0][1] < SPLIT_GAIN:
            timed.append((4 * PARALLEL_ROWS, ratio(4 * PARALLEL_ROWS)))
    except Exception:  # noqa: BLE001 - predict reports its own failures; only the timing is lost
        return float(PARALLEL_ROWS)
    return rows_where_split_pays(timed)
