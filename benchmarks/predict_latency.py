"""One record predicted in process: p50 and p99 latency of ``predict_proba`` for one row at a
time, the default model (``AutoML(time_budget=...)``) fitted on adult income.

The model is fitted once (or read from ``--model``, a package), then ``--calls`` single-row
frames, each a different row of the test part, are predicted one after the other after a
warm-up; the figure is the wall time of each call. Run it on a quiet machine (``uptime``).

    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/predict_latency.py --budget 60
    python benchmarks/predict_latency.py --model adult-model --calls 2000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent


def adult() -> tuple[pd.DataFrame, str]:
    """Adult income from the shared datasets (``$AUTOML_DATASETS``), else the test sample."""
    folder = os.environ.get("AUTOML_DATASETS")
    if folder:
        entry = next(d for d in json.loads((Path(folder) / "manifest.json").read_text()) if d["name"] == "adult_income")
        return pd.read_csv(Path(folder) / entry["file"]), entry["target"]
    samples = REPO / "tests" / "data"
    entry = next(d for d in json.loads((samples / "manifest.json").read_text()) if d["name"] == "adult_income")
    return pd.read_csv(samples / entry["file"]), entry["target"]


def measure(model, rows: pd.DataFrame, calls: int, warmup: int = 50) -> dict:
    """Per-call wall times of one-row ``predict_proba`` (or ``predict``) calls, in ms."""
    predict = getattr(model, "predict_proba", model.predict)
    singles = [rows.iloc[[i % len(rows)]] for i in range(calls + warmup)]
    for frame in singles[:warmup]:
        predict(frame)
    times = []
    for frame in singles[warmup:]:
        started = time.perf_counter()
        predict(frame)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "calls": calls,
        "p50_ms": statistics.median(times),
        "p90_ms": times[int(0.9 * (len(times) - 1))],
        "p99_ms": times[int(0.99 * (len(times) - 1))],
        "mean_ms": statistics.fmean(times),
    }


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--budget", type=float, default=60, help="seconds for the fit")
    p.add_argument("--model", type=Path, help="a package to load instead of fitting")
    p.add_argument("--save", type=Path, help="save the fitted package here (for serve_load.py --model)")
    p.add_argument("--calls", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    from automl_core import AutoML, load

    frame, target = adult()
    test = frame.sample(frac=0.2, random_state=args.seed)
    train = frame.drop(index=test.index)
    if args.model:
        model = load(args.model)
    else:
        model = AutoML(time_budget=args.budget, seed=args.seed).fit(train, target=target)
        if args.save:
            model.save(args.save, overwrite=True)
    members = model.leaderboard_[model.leaderboard_["ensemble_weight"] > 0]["family"].tolist()
    result = measure(model, test.drop(columns=target).reset_index(drop=True), args.calls)
    result.update(members=members, load_average=os.getloadavg(), fit_budget=None if args.model else args.budget)
    print(json.dumps(result, indent=2, default=lambda v: float(v) if isinstance(v, np.floating) else str(v)))


if __name__ == "__main__":
    main()
