"""What an executor costs per trial: trials of a constant model (nothing to fit) through the
in-process pool, the local process pool and a Dask LocalCluster, on data of a given size.

    python benchmarks/executor_overhead.py --rows 10000 --trials 100

For each pool it prints the start-up (until the first worker is ready), and per trial the wall
time from submission to the record back in the driver, less the trial's own time (its
``fit_seconds``): the executor's overhead, which bounds how many trials a second one driver
can keep going (the arithmetic in docs/scaling.md). Run it on a quiet machine (``uptime``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from automl_core import Evaluator, ExecutorContext, ModelFamily
from automl_core.components import BuildContext


def _constant(params, context):
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="prior")


def _none(trial, context):
    return {}


def _accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def payload(rows: int, columns: int, seed: int = 0):
    """A search payload over ``rows`` x ``columns`` numbers, and the configuration of a trial."""
    from automl_core.data import plan_columns
    from automl_core.plugin import Registry
    from automl_core.search import PipelineConfig, SearchData, SearchSpace, TrialPayload, make_splits

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(rows, columns)), columns=[f"x{i}" for i in range(columns)])
    y = (X["x0"] > 0).to_numpy(dtype="int64")
    family = ModelFamily("constant", ("binary",), _constant, _none, handles_missing=True)
    metric = Evaluator("accuracy", ("binary",), _accuracy)
    registry = Registry()
    registry.add("model_family", family, "bench")
    registry.add("evaluator", metric, "bench")
    plan = plan_columns(X)
    context = BuildContext(task="binary", n_rows=rows, n_features=columns, n_classes=2, numeric=tuple(X.columns))
    space = SearchSpace(registry, [family], plan, context)
    data = SearchData(X, y, "binary", 2, make_splits(y, "binary", "auto", 5, 0.2, seed), metric)
    config = PipelineConfig("constant", {stage: "none" for stage in space.stage_options(family)}, (), {"constant": {}})
    return TrialPayload(space, data), config


def measure(pool, config, trials: int) -> dict:
    """Start-up seconds, and the overhead of each trial (median, 90th percentile) in ms."""
    from automl_core.search import TrialSpec

    started = time.monotonic()
    while pool.ready() == 0:
        pool.wait(0.01)
    startup = time.monotonic() - started
    overheads, submitted = [], {}
    number = 0
    while len(overheads) < trials:
        while pool.ready() > 0 and number < trials:
            submitted[number] = time.monotonic()
            pool.submit(TrialSpec(number, config, window=60.0))
            number += 1
        for record in pool.wait(0.5):
            overheads.append(time.monotonic() - submitted[record.number] - record.fit_seconds)
    pool.close()
    ms = sorted(o * 1e3 for o in overheads)
    return {
        "startup_s": round(startup, 2),
        "median_ms": round(statistics.median(ms), 2),
        "p90_ms": round(ms[int(0.9 * len(ms))], 2),
        "trials": len(ms),
    }


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--columns", type=int, default=20)
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    from automl_core.search import failed_trial, run_trial
    from automl_core.search._pools import InProcessPool
    from automl_core.workers import ProcessPool

    data, config = payload(args.rows, args.columns)
    context = ExecutorContext(n_workers=args.workers, threads=1, payload=data, run=run_trial, failed=failed_trial)
    results = {
        "in process": measure(InProcessPool(context), config, args.trials),
        "local processes": measure(ProcessPool.start(context), config, args.trials),
    }
    try:
        from automl_dask.pool import DaskPool
        from distributed import Client, LocalCluster
    except ImportError:
        print("automl-dask is not installed: no Dask row")
    else:
        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            dask_context = ExecutorContext(
                n_workers=args.workers,
                threads=1,
                payload=data,
                run=run_trial,
                failed=failed_trial,
                options={"client": client},
            )
            results["dask LocalCluster"] = measure(DaskPool(dask_context), config, args.trials)
    print(
        f"{args.rows:,} rows x {args.columns} columns, {args.trials} trials of a constant model, {args.workers} workers"
    )
    for name, row in results.items():
        print(
            f"  {name:18s} start-up {row['startup_s']:6.2f} s   overhead per trial: median {row['median_ms']:7.2f} ms, "
            f"p90 {row['p90_ms']:7.2f} ms"
        )


if __name__ == "__main__":
    main()
