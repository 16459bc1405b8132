"""Step 1: candidate configurations. On each training table, a short search per model family.

For every (table, family) it runs ``AutoML(families=[family], time_budget=B, max_trials=M,
seed=0, ensemble=False, n_jobs=1)`` and appends one JSON line to ``results/collect.jsonl`` with
every trial's full configuration (seen by a ``before_trial`` observer), state, score (higher is
better) and costs. The first trials of each run are the family's built-in defaults (the
engine's portfolio); the rest are the sampler's proposals. Pairs already in the file are
skipped, so the script resumes where an earlier sitting stopped::

    nohup nice -n 19 .venv/bin/python benchmarks/portfolio/collect.py > /tmp/collect.log 2>&1 &
"""

from __future__ import annotations

import argparse
import time

from common import FAMILIES, RESULTS, append_jsonl, read_jsonl, run_automl
from tables import by_name, load

OUT = RESULTS / "collect.jsonl"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tables", help="comma-separated table names (default: all)")
    p.add_argument("--families", default=",".join(FAMILIES))
    p.add_argument("--budget", type=float, default=6.0, help="seconds per (table, family) search")
    p.add_argument("--max-trials", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    families = args.families.split(",")
    done = {(r["table"], r["family"], r["seed"]) for r in read_jsonl(args.out)}
    for table in by_name(args.tables.split(",") if args.tables else None):
        todo = [f for f in families if (table.name, f, args.seed) not in done]
        if not todo:
            continue
        frame = load(table)
        for family in todo:
            started = time.monotonic()
            run = run_automl(
                frame,
                table.target,
                table.task,
                families=[family],
                time_budget=args.budget,
                max_trials=args.max_trials,
                seed=args.seed,
            )
            append_jsonl(
                args.out,
                {
                    "table": table.name,
                    "task": table.task,
                    "family": family,
                    "seed": args.seed,
                    "budget": args.budget,
                    "max_trials": args.max_trials,
                    **run,
                },
            )
            best = max((t["score"] for t in run["trials"] if t["score"] is not None), default=None)
            print(
                f"{table.name:16s} {family:24s} {len(run['trials']):3d} trials best {best} "
                f"{time.monotonic() - started:6.1f} s wall {run['error'] or ''}",
                flush=True,
            )


if __name__ == "__main__":
    main()
