"""The speed tolerance, paired: one search per dataset, its final model chosen twice.

``AutoML(speed_tolerance=...)`` lets the final model give up a share of the ensemble's
validation gain over a constant prediction to predict faster (issue #21). Two fits of the
same data end with different searches (the search is on the clock), so an A/B of two fits
mixes the rule's effect with the search's noise. Here each dataset is searched once, and the
search's trials are chosen from and refit twice: with ``--tolerance`` (the default 0.002) and
with 0, each refit given a fresh ``--refit-seconds`` window. Both models are scored on the same
test split and timed on it (``predict`` plus ``predict_proba`` on the whole split: the first
such call after a five-row call of each model, and the median of ``--repeats`` more).

This reaches into the engine: it wraps ``automl_core.fit._search.choose_and_refit`` for the
duration of a fit. That is a benchmark's licence, never a plugin's.

    python benchmarks/speed_tolerance.py --budget 30 --results benchmarks/results
    python benchmarks/speed_tolerance.py --manifest /tmp/heldout/manifest.json --datasets flchain
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import json
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "runners"))
sys.path.insert(0, str(HERE))

import bench_common  # noqa: E402
import run  # noqa: E402

from automl_core import AutoML  # noqa: E402
from automl_core.fit import _search  # noqa: E402
from automl_core.search import SPEED_TOLERANCE, Deadline  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", type=Path, help="datasets' manifest.json (default: the shared datasets')")
    p.add_argument("--datasets", help="comma-separated names (default: every dataset of the manifest)")
    p.add_argument("--budget", type=float, default=30.0, help="seconds of search per dataset")
    p.add_argument("--tolerance", type=float, default=SPEED_TOLERANCE, help="the B side's speed_tolerance")
    p.add_argument("--refit-seconds", type=float, default=60.0, help="each side's refit window")
    p.add_argument("--repeats", type=int, default=3, help="timed calls after the first")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--results", type=Path, default=HERE / "results", help="folder for JSONL and markdown")
    return p.parse_args(argv)


@contextlib.contextmanager
def both_choices(tolerance: float, refit_seconds: float, kept: dict) -> Iterator[None]:
    """While a fit runs: its search's trials chosen and refit with ``speed_tolerance=0`` first
    (kept in ``kept["exact"]``), then with ``tolerance`` (what the fit returns), each refit
    given a fresh window of ``refit_seconds``."""
    original = _search.choose_and_refit

    def twice(search, prepared, settings, prepared_seconds):
        fold_models = {r.number: r.models for r in search.results}  # the refit lets go of them
        search.deadline = Deadline(refit_seconds)
        kept["exact"] = original(search, prepared, dataclasses.replace(settings, speed_tolerance=0.0), prepared_seconds)
        for result in search.results:  # the second choice has the same fallbacks as the first
            result.models = fold_models[result.number]
        search.deadline = Deadline(refit_seconds)
        return original(search, prepared, dataclasses.replace(settings, speed_tolerance=tolerance), prepared_seconds)

    _search.choose_and_refit = twice
    try:
        yield
    finally:
        _search.choose_and_refit = original


def timed_predictions(model: AutoML, X: pd.DataFrame, task: str, repeats: int) -> tuple[float, float, object, object]:
    """Seconds of the first ``predict`` (+ ``predict_proba``) call, the median of ``repeats``
    more, and the labels and probabilities."""

    def call():
        started = time.perf_counter()
        labels = model.predict(X)
        proba = None if task == "regression" else model.predict_proba(X)
        return time.perf_counter() - started, labels, proba

    first, labels, proba = call()
    again = [call()[0] for _ in range(repeats)]
    return first, statistics.median(again) if again else first, labels, proba


def constant_score(task: str, train_y: pd.Series, test_y: pd.Series, classes) -> float:
    """The primary metric of a constant prediction (the training mean, or class shares)."""
    primary = bench_common.PRIMARY[task]
    if task == "regression":
        return bench_common.score(task, test_y, np.full(len(test_y), train_y.mean()), None, None)[primary]
    shares = train_y.value_counts(normalize=True).reindex(classes, fill_value=0).to_numpy()
    proba = np.tile(shares, (len(test_y), 1))
    labels = np.asarray(classes)[np.full(len(test_y), shares.argmax())]
    return bench_common.score(task, test_y, labels, proba, classes)[primary]


def members(model: AutoML) -> list[str]:
    board = model.leaderboard_.set_index("trial")
    return [f"{board.loc[n, 'family']} #{n}" for n in sorted(model.ensemble_weights_)]


def with_outcome(model: AutoML, outcome) -> AutoML:
    """A copy of the fitted ``model`` serving ``outcome``'s final model (the other choice of the
    same search); its preprocessing of the input is the same."""
    other = copy.copy(model)
    other.model_ = outcome.model
    other.best_pipeline_ = outcome.best_pipeline
    other.ensemble_weights_ = outcome.weights
    other.leaderboard_ = outcome.leaderboard
    return other


def one_dataset(entry: dict, args: argparse.Namespace, work: Path) -> dict:
    """Search once, choose twice; both final models scored and timed on the test split."""
    split = run.write_split(entry, args.seed, work)
    train, test = bench_common.load_split(entry["path"], str(split))
    task, target = entry["task"], entry["target"]
    metric = bench_common.PRIMARY[task]
    X_test, y_test = test.drop(columns=[target]), test[target]
    kept: dict = {}
    started = time.perf_counter()
    with both_choices(args.tolerance, args.refit_seconds, kept), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tolerant = AutoML(time_budget=args.budget, seed=args.seed, metric=metric).fit(train, target=target)
    row = {
        "dataset": entry["name"],
        "task": task,
        "metric": metric,
        "n_test": len(test),
        "fit_s": time.perf_counter() - started,
        "tolerance": args.tolerance,
        "finished_at": datetime.now().isoformat(timespec="seconds"),
    }
    classes = None if task == "regression" else list(tolerant.classes_)
    row["constant"] = constant_score(task, train[target], y_test, classes)
    sides = (("exact", with_outcome(tolerant, kept["exact"])), ("tolerant", tolerant))
    for _, model in sides:  # lazy imports and first-use caches paid before either is timed
        model.predict(X_test.head(5))
    for side, model in sides:
        first, median, labels, proba = timed_predictions(model, X_test, task, args.repeats)
        row[side] = {
            "members": members(model),
            "score": bench_common.score(task, y_test, labels, proba, classes)[metric],
            "first_s": first,
            "median_s": median,
        }
    return row


def gain_share(row: dict) -> float:
    """The tolerant model's test score change against the exact one's, as a share of the exact
    one's gain over the constant prediction (positive: better); the tolerance's own measure."""
    exact, tolerant, constant = row["exact"]["score"], row["tolerant"]["score"], row["constant"]
    gain = exact - constant
    if gain == 0:
        return 0.0
    return (tolerant - exact) / gain if row["metric"] == "roc_auc" else (exact - tolerant) / -gain


def render(rows: list[dict]) -> str:
    """A markdown table of the paired rows, with medians and the changed ensembles counted."""
    lines = [
        "| dataset | members, tolerance 0 | members, default | test score, 0 → default | change, share of gain "
        "| rows/s median call, 0 → default | ratio | first call ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios, firsts, shares, changed = [], [], [], 0
    for row in rows:
        exact, tolerant, n = row["exact"], row["tolerant"], row["n_test"]
        ratio = exact["median_s"] / tolerant["median_s"]
        first = exact["first_s"] / tolerant["first_s"]
        share = gain_share(row)
        same = exact["members"] == tolerant["members"]
        changed += not same
        ratios.append(ratio)
        firsts.append(first)
        shares.append(share)
        lines.append(
            f"| {row['dataset']} | {', '.join(exact['members'])} | {'same' if same else ', '.join(tolerant['members'])} "
            f"| {exact['score']:.4g} → {tolerant['score']:.4g} | {share:+.4f} "
            f"| {n / exact['median_s']:,.0f} → {n / tolerant['median_s']:,.0f} | {ratio:.2f} | {first:.2f} |"
        )
    if rows:
        lines.append(
            f"\n{len(rows)} datasets, {changed} final models changed; median speed ratio "
            f"{statistics.median(ratios):.2f} (geometric mean {float(np.exp(np.mean(np.log(ratios)))):.2f}), "
            f"first call {statistics.median(firsts):.2f}; test score change as a share of the gain over a "
            f"constant: mean {np.mean(shares):+.4f}, worst {min(shares):+.4f}."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    manifest = run.find_manifest(args.manifest)
    entries = run.select_datasets(manifest, args.datasets)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.now():%Y-%m-%d}-{args.budget:g}s-speed-tolerance" + (
        "" if args.manifest is None else f"-{manifest.parent.name}"
    )
    jsonl = args.results / f"{stem}.jsonl"
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for entry in entries:
            row = one_dataset(entry, args, Path(work))
            rows.append(row)
            with jsonl.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(
                f"{row['dataset']:>22}  {row['exact']['score']:.4g} -> {row['tolerant']['score']:.4g}  "
                f"{row['n_test'] / row['exact']['median_s']:,.0f} -> {row['n_test'] / row['tolerant']['median_s']:,.0f} rows/s",
                flush=True,
            )
    table = render(rows)
    (args.results / f"{stem}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
