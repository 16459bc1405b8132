"""This project's engine with a predict cost limit: ``AutoML(predict_time_limit=2e-5)``, at
most 20 µs a row (50,000 rows a second) for the final model, as its members measured on the
validation rows. The other side of the accuracy-for-throughput trade of issue #3: not in the
default ``--systems``."""

from __future__ import annotations

import logging

import bench_common
import ours_runner

#: Seconds per row the final model may take to predict.
PREDICT_TIME_LIMIT = 2e-5


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """``ours`` with ``predict_time_limit=PREDICT_TIME_LIMIT``."""
    return ours_runner.fit(train, target, task, metric, budget, seed, predict_time_limit=PREDICT_TIME_LIMIT)


if __name__ == "__main__":
    # the engine's INFO lines (its progress, and which members the limit dropped) go to the run's log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    bench_common.run(fit)
