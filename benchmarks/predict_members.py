"""Where a predict call's time goes: the engine's own part against each ensemble member's.

For each dataset (the shared ones, or ``--manifest``'s), the default model of
``predict_chunks.py`` (fitted on ``run.py``'s 80/20 split at ``--budget`` and saved under
``--models``, or loaded from there) is timed on its test split, warm, median of ``--repeats``
calls: ``predict`` plus ``predict_proba`` (what the harness times, one cold call there),
``predict`` alone, the input checks and typing alone (``_features``), the ensemble's output in
one thread, and each member alone in one thread on the checked input (its weight, its model
and the model's size: trees, boosting rounds). Run it on a quiet machine (``uptime``).

    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/predict_members.py \\
        --models /tmp/chunk-models --datasets wine_quality_white,marketing_income,bank_marketing
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from predict_chunks import fitted, split_of
from run import find_manifest, select_datasets

#: Attributes that give a fitted model's size, on the model or on the booster it wraps.
SIZES = ("n_estimators", "best_iteration_", "n_iter_", "tree_count_")


def median_ms(call, repeats: int) -> float:
    call()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def describe(member) -> str:
    """The member's model and its size (the first pipeline of a fold bag)."""
    pipeline = member.models[0] if hasattr(member, "models") else member
    last = pipeline.steps[-1][1]
    inner = getattr(last, "model_", last)
    sizes = []
    for name in SIZES:
        value = getattr(last, name, None)
        value = getattr(inner, name, None) if value is None else value
        if value is not None:
            sizes.append(f"{name}={value}")
    bag = f"{len(member.models)} fold models of " if hasattr(member, "models") else ""
    return f"{bag}{type(inner).__name__} {' '.join(sizes)}".strip()


def profile(entry: dict, folder: Path, budget: float, repeats: int) -> None:
    from automl_core.model import model_output
    from automl_core.search import thread_limit

    model, _, _ = fitted(entry, folder, budget)
    _, test = split_of(entry)
    X = test.drop(columns=[entry["target"]])
    classification = entry["task"] != "regression"
    ensemble = model.model_
    features = model._features(X)

    def both():
        model.predict(X)
        if classification:
            model.predict_proba(X)

    with thread_limit(1):
        whole = median_ms(lambda: ensemble.output(features), repeats)
        members = [
            (
                w,
                describe(m),
                median_ms(lambda m=m: model_output(m, features, ensemble.task, ensemble.n_classes), repeats),
            )
            for m, w in zip(ensemble.models, ensemble.weights)
        ]
    print(
        f"| {entry['name']} | {len(X):,} | {median_ms(both, repeats):.1f} | {median_ms(lambda: model.predict(X), repeats):.1f}"
        f" | {median_ms(lambda: model._features(X), repeats):.1f} | {whole:.1f} | "
        + "; ".join(f"{w:.2f} {d}: {ms:.1f}" for w, d, ms in members)
        + " |",
        flush=True,
    )


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", type=Path, help="a datasets manifest (default: the shared datasets)")
    p.add_argument("--datasets", help="comma-separated names (default: all in the manifest)")
    p.add_argument("--models", type=Path, required=True, help="folder of fitted packages (fitted when missing)")
    p.add_argument("--budget", type=float, default=60)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    args.models.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f}; cores {len(os.sched_getaffinity(0))}", flush=True)
    print(
        "| dataset | test rows | predict + predict_proba ms | predict ms | input checks ms "
        "| ensemble, one thread ms | members, one thread: weight, model, ms |"
    )
    print("|---|---|---|---|---|---|---|", flush=True)
    for entry in select_datasets(find_manifest(args.manifest), args.datasets):
        profile(entry, args.models, args.budget, args.repeats)


if __name__ == "__main__":
    main()
