"""AutoGluon's TabularPredictor with ``presets="best_quality"`` (bagged, stacked) and
``time_limit`` = budget: the stronger peer of issue #21. Not in the default ``--systems``."""

from __future__ import annotations

import autogluon_runner
import bench_common


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """``autogluon`` with ``presets="best_quality"``."""
    return autogluon_runner.fit(train, target, task, metric, budget, seed, presets="best_quality")


if __name__ == "__main__":
    bench_common.run(fit)
