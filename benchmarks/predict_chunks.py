"""Row chunks or not: predict time of the same fitted models under three rules, paired.

For each dataset (the shared ones, or ``--manifest``'s), the default model is fitted on the
80/20 split of ``run.py`` (``train_test_split(random_state=0)``, stratified for
classification; ``AutoML(time_budget=--budget, seed=0)``) and saved under ``--models`` (a
later run loads it instead of fitting again). After loading, the model is timed whole and
split (``automl_core.model.split_rows``, what a fit does at its end and a loaded model at its
first large batch); the time that takes and the batch size it decides on are reported. Then ``predict`` plus ``predict_proba`` (classification) on the test split, and on
test rows drawn with replacement to each ``--sizes`` count, are timed under each rule in turn,
``--repeats`` rounds, the rules' order rotated each round:

- ``whole``: never split (one thread, ``from_rows`` infinite);
- ``always``: split from 512 rows, the rule before 2026-12-06;
- ``measured``: split from the batch size the model's own timing decided (the default).

The figure is the median call time; ratios are ``always``/``measured`` and
``whole``/``measured`` (above 1: the measured rule is faster). Run it on a quiet machine
(``uptime``), nothing else running.

    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/predict_chunks.py --models /tmp/chunk-models
    python benchmarks/predict_chunks.py --manifest /tmp/heldout/manifest.json --models /tmp/chunk-models-heldout
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PRIMARY, find_manifest, select_datasets

RULES = ("whole", "always", "measured")


def split_of(entry: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(entry["path"])
    stratify = None if entry["task"] == "regression" else frame[entry["target"]]
    train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=stratify)
    return train, test


def fitted(entry: dict, folder: Path, budget: float):
    """The saved model for ``entry``, fitted first when there is none; and the seconds loading
    took, and then the seconds of getting it ready to predict again (the two rows of warm-up
    and the whole-or-split timing)."""
    from automl_core import AutoML, load

    path = folder / entry["name"]
    if not path.exists():
        train, _ = split_of(entry)
        model = AutoML(time_budget=budget, seed=0, metric=PRIMARY[entry["task"]], verbose=0)
        model.fit(train, target=entry["target"])
        model.save(path)
    started = time.perf_counter()
    model = load(path)
    loaded = time.perf_counter()
    model._ready_to_predict()
    return model, loaded - started, time.perf_counter() - loaded


def call_time(model, X: pd.DataFrame, classification: bool) -> float:
    started = time.perf_counter()
    model.predict(X)
    if classification:
        model.predict_proba(X)
    return time.perf_counter() - started


def measure(entry: dict, model, test: pd.DataFrame, sizes: list[int], repeats: int) -> list[dict]:
    from automl_core.model import PARALLEL_ROWS

    measured = model._split_from
    thresholds = {"whole": math.inf, "always": float(PARALLEL_ROWS), "measured": measured}
    X_test = test.drop(columns=[entry["target"]])
    batches = [("test", X_test)] + [(str(n), X_test.sample(n, replace=True, random_state=0)) for n in sizes]
    classification = entry["task"] != "regression"
    rows = []
    for label, X in batches:
        times: dict[str, list[float]] = {rule: [] for rule in RULES}
        call_time(model, X, classification)  # warm: the first call pays first-touch costs
        for round_ in range(repeats):
            for rule in RULES[round_ % 3 :] + RULES[: round_ % 3]:
                model._split_from = thresholds[rule]
                times[rule].append(call_time(model, X, classification))
        model._split_from = measured
        median = {rule: statistics.median(t) for rule, t in times.items()}
        rows.append(
            {
                "dataset": entry["name"],
                "batch": label,
                "rows": len(X),
                "split_from": measured,
                **{f"{rule}_ms": round(median[rule] * 1e3, 2) for rule in RULES},
                "always_over_measured": round(median["always"] / median["measured"], 3),
                "whole_over_measured": round(median["whole"] / median["measured"], 3),
            }
        )
    return rows


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", type=Path, help="a datasets manifest (default: the shared datasets)")
    p.add_argument("--datasets", help="comma-separated names (default: all in the manifest)")
    p.add_argument("--models", type=Path, required=True, help="folder of fitted packages (fitted when missing)")
    p.add_argument("--budget", type=float, default=60)
    p.add_argument("--sizes", default="600,5000,30000", help="resampled batch sizes besides the test split")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--results", type=Path, help="append one JSON line per dataset and batch here")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    args.models.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"load average {os.getloadavg()[0]:.2f}; cores {len(os.sched_getaffinity(0))}", flush=True)
    print(
        "| dataset | batch | rows | split from (ready s) | whole ms | always ms | measured ms | always/measured | whole/measured |"
    )
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    for entry in select_datasets(find_manifest(args.manifest), args.datasets):
        model, load_s, ready_s = fitted(entry, args.models, args.budget)
        _, test = split_of(entry)
        for row in measure(entry, model, test, sizes, args.repeats):
            row.update(load_s=round(load_s, 3), ready_s=round(ready_s, 3))
            print(
                f"| {row['dataset']} | {row['batch']} | {row['rows']:,} | {row['split_from']:,.0f} ({ready_s:.2f}) | "
                f"{row['whole_ms']} | {row['always_ms']} | {row['measured_ms']} | "
                f"{row['always_over_measured']:.2f} | {row['whole_over_measured']:.2f} |",
                flush=True,
            )
            if args.results:
                with args.results.open("a") as out:
                    out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
