"""Drift walkthrough: fit, watch a shifted copy of the data, write the reports, decide to retrain.

    python examples/drift_walkthrough.py [--data DIR] [--out DIR] [--monitor evidently|psi]

It fits a model on 1,500 rows of the diamonds dataset (``DIR/diamonds.csv.gz``; by default the
shared datasets next to the repository, or ``$AUTOML_DATASETS``), keeps 1,000 rows as a test
set, then plays production: a batch where ``carat`` is recorded three times larger and the
``cut`` levels are re-mixed, and a batch of fresh rows from the same data. It writes
``drift.html`` and ``drift.json`` for the shifted batch, prints the verdicts, and lets
:func:`automl_core.monitoring.update` decide whether to retrain on each batch.
"""

from __future__ import annotations

import argparse
import os
import pathlib

import pandas as pd

from automl_core import AutoML, UpdatePolicy

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DATA = pathlib.Path(os.environ.get("AUTOML_DATASETS", REPO.parent / "shared" / "datasets"))


def shift(frame: pd.DataFrame) -> pd.DataFrame:
    """``carat`` times three; the ``cut`` levels swapped, most frequent with least frequent."""
    out = frame.copy()
    out["carat"] = out["carat"] * 3
    levels = out["cut"].value_counts().index.tolist()
    out["cut"] = out["cut"].map(dict(zip(levels, levels[::-1])))
    return out


def show(title: str, report) -> None:
    """Print the verdicts of a report."""
    print(f"\n== {title}: {'DRIFT' if report.drift_detected else 'no drift'} (monitor {report.monitor})")
    print(
        f"drifted columns: {report.drifted_columns or 'none'} (share {report.share_drifted:.2f}, "
        f"the data drifts at {report.drift_share:.2f})"
    )
    if report.prediction_drift:
        p = report.prediction_drift
        print(f"predictions: {p['verdict']} ({p['method']} {p['score']:.3g}, threshold {p['threshold']})")
    if report.quality:
        q = report.quality
        print(f"quality: {q['metric']} {q['now']:.4g} now, {q['at_fit']:.4g} at fit: {q['verdict']}")
    for note in report.notes:
        print(f"note: {note}")
    print(report.columns_frame().head(4).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."))
    parser.add_argument("--monitor", default=None, help="a monitor's name (default: evidently when installed)")
    args = parser.parse_args()

    frame = pd.read_csv(args.data / "diamonds.csv.gz").sample(n=4000, random_state=0).reset_index(drop=True)
    train, test, later = frame.iloc[:1500], frame.iloc[1500:2500], frame.iloc[2500:].reset_index(drop=True)
    model = AutoML(time_budget=10, seed=0).fit(train, target="price")
    print(f"fitted: {model.metric_} {model.validation_score_:.4g} at validation")

    production = shift(later)
    report = model.monitor(production.drop(columns="price"), monitor=args.monitor, reference=test)
    show("shifted batch, against the test set", report)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"\nwrote {report.save_html(args.out / 'drift.html')} and {report.save_json(args.out / 'drift.json')}")
    show("fresh batch, labelled, against the training sample", model.monitor(later, monitor=args.monitor))

    policy = UpdatePolicy(monitor=args.monitor, time_budget=10)
    for name, batch in (("fresh batch", later), ("shifted batch", production)):
        model_now, decision = model.update(batch, policy=policy)
        print(f"\nupdate on the {name}: retrained={decision.retrained}, kept the {decision.kept} model")
        print(f"  {decision.reason}")


if __name__ == "__main__":
    main()
