"""This project's engine without the speed allowance: ``AutoML(speed_tolerance=0)``, the
final model chosen for validation accuracy alone (members dropped only within one standard
error of the folds). The A side of the speed-tolerance A/B (issue #21): not in the default
``--systems``."""

from __future__ import annotations

import bench_common
import ours_runner


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """``ours`` with ``speed_tolerance=0``."""
    return ours_runner.fit(train, target, task, metric, budget, seed, speed_tolerance=0.0)


if __name__ == "__main__":
    bench_common.run(fit)
