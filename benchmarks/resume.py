"""What resuming saves: a fit with a durable study is killed (SIGKILL) at half its budget, then
``fit(..., resume=True)`` continues it; against it, a fresh fit of the same budget.

Reports the trials finished when the driver was killed, how many of them the resumed fit kept
(read back, not run again), the resumed fit's wall time (it has the budget less what the killed
one spent), and the test scores of the resumed and the fresh model. Run it on a quiet machine.

    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/resume.py --dataset telco_churn --budget 60
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd

FIT = textwrap.dedent("""
    import sys, time, json, pandas as pd
    from automl_core import AutoML
    train, url, target, budget, resume = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] == "1"
    frame = pd.read_csv(train)
    started = time.monotonic()
    model = AutoML(time_budget=budget, seed=0, storage=url or None).fit(frame, target=target, resume=resume)
    wall = time.monotonic() - started
    test = pd.read_csv(sys.argv[6])
    print(json.dumps({"wall_s": wall, "trials": len(model.leaderboard_), "score": model.score(test.drop(columns=target), test[target]),
                      "board_trials": model.leaderboard_["trial"].tolist()}))
""")


def finished(db: Path) -> list[int]:
    try:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("select number from trials where state in ('COMPLETE', 'PRUNED', 'FAIL')").fetchall()
    except sqlite3.OperationalError:  # optuna has not created its tables yet
        return []
    return sorted(n for (n,) in rows)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="telco_churn")
    p.add_argument("--budget", type=float, default=60)
    args = p.parse_args(argv)
    folder = Path(os.environ["AUTOML_DATASETS"])
    entry = next(d for d in json.loads((folder / "manifest.json").read_text()) if d["name"] == args.dataset)
    frame = pd.read_csv(folder / entry["file"])
    test = frame.sample(frac=0.2, random_state=0)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        frame.drop(index=test.index).to_csv(work / "train.csv", index=False)
        test.to_csv(work / "test.csv", index=False)
        db, target = work / "search.db", entry["target"]
        base = [sys.executable, "-c", FIT, str(work / "train.csv")]
        killed = subprocess.Popen(
            [*base, f"sqlite:///{db}", target, str(args.budget), "0", str(work / "test.csv")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(args.budget / 2)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        kept = finished(db)
        time.sleep(1.5)  # its workers notice their driver is gone and end themselves
        resumed = json.loads(
            subprocess.run(
                [*base, f"sqlite:///{db}", target, str(args.budget), "1", str(work / "test.csv")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()[-1]
        )
        fresh = json.loads(
            subprocess.run(
                [*base, "", target, str(args.budget), "0", str(work / "test.csv")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()[-1]
        )
    print(
        json.dumps(
            {
                "dataset": args.dataset,
                "budget_s": args.budget,
                "killed_at_s": args.budget / 2,
                "trials_finished_when_killed": len(kept),
                "kept_by_the_resumed_fit": len(set(kept) & set(resumed["board_trials"])),
                "resumed": {k: v for k, v in resumed.items() if k != "board_trials"},
                "fresh": {k: v for k, v in fresh.items() if k != "board_trials"},
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
