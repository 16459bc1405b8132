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
timed once, after fit or at the first large batch after load (:func:`split_rows`), whole and
split, on batches of its reference sample, and its batches are split only from the size where
splitting is found to pay (:func:`rows_where_split_pays`).
"""

from __future__ import annotations

import math
import statistics
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

#: Most rounds of timing at a size; the median of at least three is taken (two threads taking
#: turns on the GIL made the split call's time vary by a quarter from one call to the next).
ROUNDS = 5

#: What the whole timing is taken to cost, in calls on PARALLEL_ROWS rows whole. Measured on
#: 2026-12-06: about 30 on german credit (0.45 s, 15 ms a call), but about 45 on adult income
#: and 70 on telco churn, whose calls are cheaper than their fixed costs of timing: from those
#: counts (not measured as an overrun), a fit that starts the timing with little time left can
#: end up to about 0.3 s past its budget.
COST_IN_CALLS = 30

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


def rows_where_split_pays(timed: Sequence[tuple[int, float, float]], gain: float = SPLIT_GAIN) -> float:
    """The batch size (rows) from which splitting a batch in two pays, from ``timed``: (rows,
    seconds whole, seconds split) at growing sizes, the first :data:`PARALLEL_ROWS`.

    Splitting pays where the whole call takes ``gain`` times the split call's time. If it does
    at the first size, that is the answer; else each way's time is a straight line through the
    last two sizes, a fixed cost per call and a cost per row: the split call pays more per call
    (threads started, every chunk's own per-call work, turns taken on the GIL) and, as its rows
    run at once, less per row; it pays from the size where the lower cost per row has made up
    for the higher fixed cost (``math.inf`` when its cost per row is not low enough ever to).
    """
    (small, whole_small, split_small), *rest = timed
    if whole_small >= gain * split_small:
        return float(small)
    if not rest:
        return math.inf
    (small, whole_small, split_small), (large, whole_large, split_large) = timed[-2:]
    per_row_whole = (whole_large - whole_small) / (large - small)
    per_row_split = (split_large - split_small) / (large - small)
    fixed_whole = whole_small - per_row_whole * small
    fixed_split = split_small - per_row_split * small
    # split pays at n rows when fixed_split + per_row_split n <= (fixed_whole + per_row_whole n) / gain
    saved_per_row = per_row_whole / gain - per_row_split
    if saved_per_row <= 0:
        return math.inf
    rows = (fixed_split - fixed_whole / gain) / saved_per_row
    return max(float(PARALLEL_ROWS), float(math.ceil(round(rows, 6))))  # 1024.0000000000009 is 1,024 rows


def split_rows(
    output: Callable[[pd.DataFrame], np.ndarray],
    sample: pd.DataFrame,
    limit: Callable[[int], AbstractContextManager],
    unsplit_threads: int = 1,
    budget: float = 0.25,
    time_left: float = math.inf,
) -> float | None:
    """From which batch size this model's ``output`` is worth splitting in row chunks on this
    machine (:func:`rows_where_split_pays`): ``output`` is timed whole and split in two on
    :data:`PARALLEL_ROWS` rows drawn from ``sample``; unless splitting pays there, on four times
    as many; and when the two sizes put the answer beyond twice the larger, on four times as
    many again, for the cost per row of large batches (read from 512 and 2,048 rows, telco
    churn's one CatBoost model was put at 43,000 rows; from 2,048 and 8,192 at 15,800; timed,
    the split call was 1.1 times faster at about 16,000). A larger size is timed only when one
    round of it (four times the last) should end within 8 ``budget`` seconds of the start
    (2,048 rows) or 2 (8,192 rows). Each time is the median of three to :data:`ROUNDS` rounds
    (more while the whole measurement has taken less than ``budget`` seconds), each larger size
    after one split call not timed (the new threads' first call on a larger batch was up to a
    third slower); a model whose round takes more than a tenth of ``budget`` is slow enough for
    one round to do, with no call untimed. When ``output`` raises on
    the sample, nothing is learned: the usual :data:`PARALLEL_ROWS` holds. None when the first call, on :data:`PARALLEL_ROWS` rows
    whole, says the rest would not end within ``time_left`` seconds (:data:`COST_IN_CALLS` such
    calls).

    Rows are drawn at random, with replacement: the sample repeated in order ran up to 1.3
    times faster than new rows (titanic, 2,048 rows: the same rows again, in the same order,
    find the trees' nodes in cache), which would hide the cost per row that splitting shares.
    Call it from one thread while nothing else predicts (after fit, at the first large batch): the timings
    are what the decision is made of.
    """

    def whole(X: pd.DataFrame) -> None:
        with limit(unsplit_threads):
            output(X)

    def split(X: pd.DataFrame) -> None:
        _split_output(output, X, 2, limit, unsplit_threads)

    started = time.perf_counter()
    timed: list[tuple[int, float, float]] = []
    try:
        for rows, within in (
            (PARALLEL_ROWS, math.inf),
            (4 * PARALLEL_ROWS, 8 * budget),
            (16 * PARALLEL_ROWS, 2 * budget),
        ):
            if timed and rows_where_split_pays(timed) <= rows / 2:
                break
            if timed and time.perf_counter() + 4 * sum(timed[-1][1:]) > started + within:
                break  # one round on four times the rows, about four times the last, would end too late
            X = sample.iloc[np.random.default_rng(rows).integers(0, len(sample), rows)]
            slow = bool(timed) and sum(timed[-1][1:]) > budget / 10
            most_whole = math.inf if timed else time_left / COST_IN_CALLS
            timed.append((rows, *_median_times(whole, split, X, slow, budget / 10, started + budget, most_whole)))
    except _OutOfTime:
        return None
    except Exception:  # noqa: BLE001 - predict reports its own failures; only the timing is lost
        return float(PARALLEL_ROWS)
    return rows_where_split_pays(timed)


def _median_times(
    whole: Callable[[pd.DataFrame], None],
    split: Callable[[pd.DataFrame], None],
    X: pd.DataFrame,
    slow: bool,
    slow_round: float,
    deadline: float,
    most_whole: float,
) -> tuple[float, float]:
    """Median seconds of ``whole(X)`` and ``split(X)``, called in turn: three rounds, up to
    :data:`ROUNDS` while before ``deadline`` (``time.perf_counter``), one past it for a
    ``slow`` model or once a round takes over ``slow_round``; after one untimed split call on a
    batch larger than :data:`PARALLEL_ROWS` unless ``slow``. :class:`_OutOfTime` when the first
    whole call takes over ``most_whole``."""
    if len(X) > PARALLEL_ROWS and not slow:
        split(X)  # not timed: see split_rows
    took: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        began_round = time.perf_counter()
        for run, times in zip((whole, split), took):
            began = time.perf_counter()
            run(X)
            times.append(time.perf_counter() - began)
            if took[0][0] > most_whole:
                raise _OutOfTime
        slow = slow or time.perf_counter() - began_round > slow_round
        if time.perf_counter() > deadline and (len(took[1]) >= 3 or slow):
            break
    return statistics.median(took[0]), statistics.median(took[1])


class _OutOfTime(Exception):
    """The timing would not end in the time left."""
