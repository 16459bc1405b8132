"""The README's main job: a real fit on real data, a test score, then a drift report.

    python examples/quickstart.py [--time-budget 30] [--out demo-output/]

Fits on 80% of the Titanic passengers shipped in examples/data, prints the leaderboard and the
held-out scores, saves the model package, then compares a shifted copy of the held-out rows
with the training reference and writes the drift report (HTML and JSON).
"""

from __future__ import annotations

import argparse
import pathlib

import pandas as pd
from sklearn.model_selection import train_test_split

from automl_core import AutoML

HERE = pathlib.Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-budget", type=float, default=30.0, help="seconds for the whole fit")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("demo-output"), help="where to write")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    data = pd.read_csv(HERE / "data" / "titanic.csv")
    train, test = train_test_split(data, test_size=0.2, random_state=0, stratify=data["Survived"])
    model = AutoML(time_budget=args.time_budget, seed=0).fit(train, target="Survived")

    columns = ["rank", "family", "preprocessing", "score", "fit_seconds", "elapsed", "ensemble_weight"]
    print(f"\nLeaderboard ({model.task_}, {model.metric_}; fit took {model.fit_seconds_:.1f} s):")
    print(model.leaderboard_[columns].head(10).to_string(index=False))
    print(f"\nHeld-out scores on {len(test)} passengers:")
    print(model.evaluate(test).to_string(index=False))

    model.save(args.out / "model", overwrite=True)
    print(f"\nModel package written to {args.out / 'model'}")

    shifted = test.drop(columns=["Survived"]).copy()
    shifted["Fare"] = shifted["Fare"] * 3  # prices tripled
    shifted["Age"] = shifted["Age"] + 15  # an older population
    report = model.monitor(shifted)
    report.save_html(args.out / "drift.html")
    report.save_json(args.out / "drift.json")
    print(f"\nDrift detected: {report.drift_detected}; drifted columns: {report.drifted_columns}")
    print(f"Drift report written to {args.out / 'drift.html'} and {args.out / 'drift.json'}")


if __name__ == "__main__":
    main()
