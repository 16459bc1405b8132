"""Where a fit's memory is: the proportional set size (PSS) of the driver (the process that
calls ``fit``) and of each worker process, sampled through the fit, on one dataset's
training split (the harness's 80/20 split, same seed).

Prints the tree's peak and what each process held at that moment (PSS, and the part private
to it), each role's own peak, and a timeline (every ``--every`` seconds) with the lines the
engine logged at INFO (the search's end, each member's refit) placed on it. Run it on a
quiet machine; it fits once.

    python benchmarks/memory_tree.py --dataset marketing_income --budget 60
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as harness  # noqa: E402  (the harness's dataset lookup, split and /proc readers)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", required=True, help="a name from the manifest")
    p.add_argument("--manifest", type=Path, help="a manifest.json (default: the shared datasets')")
    p.add_argument("--budget", type=float, default=60)
    p.add_argument("--seed", type=int, default=0, help="the split seed and the fit's seed")
    p.add_argument("--n-workers", type=int, default=None, help="AutoML(n_workers=...) (default: the engine's)")
    p.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    p.add_argument("--every", type=float, default=2.0, help="seconds between timeline rows")
    p.add_argument("--child", nargs=2, metavar=("DATA", "SPLIT"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def child(args: argparse.Namespace, entry: dict) -> None:
    """Fit on the training split, logging the engine's INFO lines with seconds since start."""
    import logging

    import pandas as pd

    from automl_core import AutoML

    start = time.monotonic()

    class Since(logging.Formatter):
        def format(self, record):
            return f"@{time.monotonic() - start:.2f} {record.getMessage()}"

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(Since())
    logging.getLogger("automl_core").addHandler(handler)
    logging.getLogger("automl_core").setLevel(logging.INFO)
    frame = pd.read_csv(args.child[0])
    rows = json.loads(Path(args.child[1]).read_text())["train"]
    train = frame.iloc[rows].reset_index(drop=True)
    AutoML(time_budget=args.budget, seed=args.seed, n_workers=args.n_workers).fit(train, target=entry["target"])
    print(f"@{time.monotonic() - start:.2f} fit returned", flush=True)


def memory(pid: int) -> tuple[int, int] | None:
    """PSS and private bytes of ``pid``, or None when it is gone."""
    try:
        fields = harness.smaps_rollup(pid)
    except (OSError, ValueError):
        return None
    return fields.get("Pss", 0), fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def main(argv=None) -> None:
    args = parse_args(argv)
    (entry,) = harness.select_datasets(harness.find_manifest(args.manifest), args.dataset)
    if args.child:
        child(args, entry)
        return
    work = Path(tempfile.mkdtemp(prefix="memory-tree-"))
    split = harness.write_split(entry, args.seed, work)
    cmd = [sys.executable, __file__, "--dataset", args.dataset, "--budget", str(args.budget), "--seed", str(args.seed)]
    cmd += ["--child", entry["path"], str(split)] + (["--manifest", str(args.manifest)] if args.manifest else [])
    cmd += ["--n-workers", str(args.n_workers)] if args.n_workers else []
    out = open(work / "child.log", "w+")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    start, samples = time.monotonic(), []
    while proc.poll() is None:
        now = time.monotonic() - start
        sample = {}
        for pid in harness.group_pids(proc.pid):
            held = memory(pid)
            if held is not None:
                sample["driver" if pid == proc.pid else f"worker {pid}"] = held
        samples.append((now, sample))
        time.sleep(args.interval)
    out.seek(0)
    logged = [line.rstrip() for line in out if line.startswith("@")]
    if proc.returncode != 0:
        raise SystemExit(f"the fit failed (exit {proc.returncode}); its output: {work / 'child.log'}")
    report(args, entry, samples, logged)


def report(args: argparse.Namespace, entry: dict, samples: list, logged: list[str]) -> None:
    mb = 2**20

    def tree(sample: dict) -> int:
        return sum(pss for pss, _ in sample.values())

    at, peak = max(samples, key=lambda s: tree(s[1]))
    print(f"# {entry['name']}, time_budget={args.budget:g}, seed {args.seed}, n_workers={args.n_workers or 'default'}")
    print(f"\ntree PSS peak {tree(peak) / mb:,.0f} MB at {at:.1f} s (sampler's clock; the fit's log below is its own)")
    print("\n| process | PSS MB at the peak | private MB at the peak | its own peak PSS MB |\n|---|---|---|---|")
    roles: dict[str, int] = {}
    for _, sample in samples:
        for name, (pss, _) in sample.items():
            roles[name] = max(roles.get(name, 0), pss)
    for name, (pss, private) in sorted(peak.items()):
        print(f"| {name} | {pss / mb:,.0f} | {private / mb:,.0f} | {roles[name] / mb:,.0f} |")
    print("\n| s | driver PSS MB | workers PSS MB (alive) | tree PSS MB |\n|---|---|---|---|")
    next_row = 0.0
    for now, sample in samples:
        if now >= next_row:
            workers = [pss for name, (pss, _) in sample.items() if name != "driver"]
            driver = sample.get("driver", (0, 0))[0]
            print(
                f"| {now:.1f} | {driver / mb:,.0f} | {sum(workers) / mb:,.0f} ({len(workers)}) | {tree(sample) / mb:,.0f} |"
            )
            next_row = now + args.every
    print("\nthe fit's INFO lines (seconds since the child started fitting):")
    for line in logged:
        if "trial" not in line.split(":", 1)[0] or "refit" in line:  # not each trial's line
            print("   ", line)


if __name__ == "__main__":
    main()
