"""Does ``time_budget`` bound ``fit`` from its first line on hostile frames already in memory?

Each case is fitted ``--runs`` times, each run in a fresh process (imports paid before the
clock starts, as in a user's session), with ``AutoML(time_budget=B, seed=run).fit(frame)``.
It reports the wall time of each run, its outcome (a model, or the error's class and first
line), the warnings of the budget, and whether the run ended within the bound the engine
promises: ``1.05 x B + 1 s``. Run it on a quiet machine (check ``uptime``).

Cases (issue #20 part 2):

- ``text_1mb``: 150 rows, one column of 1 MB strings, a numeric column and a binary target;
- ``wide``: 50 rows, 10,000 numeric columns, a binary target.

    python benchmarks/budget_cases.py --budget 5 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap

CASE = textwrap.dedent("""
    import json, sys, time, warnings
    import numpy as np, pandas as pd
    case, budget, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(seed)
    if case == "text_1mb":
        n = 150
        frame = pd.DataFrame({
            "blob": ["".join(rng.choice(list("abcdefgh "), 1_000_000)) for _ in range(n)],
            "x": rng.normal(size=n),
        })
    elif case == "wide":
        n = 50
        frame = pd.DataFrame(rng.normal(size=(n, 10_000)), columns=[f"c{i}" for i in range(10_000)])
    else:
        raise SystemExit(f"unknown case {case!r}")
    frame["y"] = rng.integers(0, 2, n).astype(str)
    from automl_core import AutoML, AutoMLError
    started = time.monotonic()
    outcome, notes = "model", []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = AutoML(time_budget=budget, seed=seed).fit(frame, target="y")
            outcome = f"model ({len(model.leaderboard_)} trials, best {model.leaderboard_['family'].iloc[0]})"
        except AutoMLError as exc:
            outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    wall = time.monotonic() - started
    notes = sorted({type(w.message).__name__ + ": " + str(w.message)[:120] for w in caught if "Budget" in type(w.message).__name__})
    print(json.dumps({"wall_s": wall, "outcome": outcome, "budget_warnings": notes}))
""")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--budget", type=float, default=5.0)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--cases", default="text_1mb,wide")
    args = p.parse_args(argv)
    bound = 1.05 * args.budget + 1.0
    for case in args.cases.split(","):
        walls = []
        for run in range(args.runs):
            done = subprocess.run(
                [sys.executable, "-c", CASE, case, str(args.budget), str(run)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(f"{case} run {run}: the process failed ({done.returncode}): {done.stderr.strip()[-400:]}")
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            walls.append(result["wall_s"])
            within = "within" if result["wall_s"] <= bound else "PAST"
            print(f"{case} run {run}: {result['wall_s']:.2f} s ({within} {bound:.2f} s) {result['outcome']}")
            for note in result["budget_warnings"]:
                print(f"    {note}")
        if walls:
            print(
                f"{case}: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s, "
                f"{sum(w <= bound for w in walls)}/{len(walls)} within {bound:.2f} s\n"
            )


if __name__ == "__main__":
    main()
