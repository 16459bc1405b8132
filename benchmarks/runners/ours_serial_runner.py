"""This project's engine with one trial at a time in the fitting process: ``AutoML(n_workers=1)``,
the search as it ran before trials had worker processes (issue #18's "before"). Not in the
default ``--systems``."""

from __future__ import annotations

import bench_common
import ours_runner


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """``ours`` with ``n_workers=1``."""
    return ours_runner.fit(train, target, task, metric, budget, seed, n_workers=1)


if __name__ == "__main__":
    bench_common.run(fit)
