"""Run AutoML systems side by side on the shared datasets and summarize the results.

Each (system, dataset) pair runs in its own subprocess, under the interpreter of that system's
virtualenv, so that one crash or time-out fails one row. Rows are appended as JSON lines to
``results/<date>-<budget>s.jsonl``; the summary is printed and written beside it as markdown.

    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/run.py --budget 60
    python benchmarks/run.py --budget 10 --datasets penguins,titanic --systems hgb,constant
    python benchmarks/run.py --manifest /tmp/heldout/manifest.json   # other datasets, rows of their own
    python benchmarks/run.py --small-seeds 1    # the small datasets on one split too (default: five)

The shared datasets are the folder named by ``$AUTOML_DATASETS`` (the one holding their
``manifest.json``), else ``shared/datasets`` beside the repository; ``--manifest`` names
another manifest in the same format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import summarize
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
RUNNERS = HERE / "runners"
#: The environment variable naming the shared datasets' folder (the one holding manifest.json).
DATASETS_ENV = "AUTOML_DATASETS"
#: Where the shared datasets are looked for when $AUTOML_DATASETS is not set: beside the repository.
BESIDE = HERE.parent.parent / "shared" / "datasets"
SYSTEMS = (
    "ours",
    "flaml",
    "autogluon",
    "hgb",
    "constant",
    "ours_basic",
    "ours_fast",
    "ours_exact",
    "ours_serial",
    "autogluon_best",
)
PYTHONS = {
    "ours": sys.executable,
    "ours_basic": sys.executable,  # ours without the feature-engineering pieces (issue #6)
    "ours_fast": sys.executable,  # ours with a predict time limit (issue #3's throughput trade)
    "ours_exact": sys.executable,  # ours with speed_tolerance=0: accuracy alone picks the final model
    "ours_serial": sys.executable,  # ours with one trial at a time (n_workers=1), issue #18's "before"
    "autogluon_best": "/opt/peers/autogluon/bin/python",  # presets="best_quality" (issue #21)
    "hgb": sys.executable,
    "constant": sys.executable,
    "flaml": "/opt/peers/flaml/bin/python",
    "autogluon": "/opt/peers/autogluon/bin/python",
}
PRIMARY = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
#: A dataset with fewer rows than this is judged on the mean over ``SMALL_SEEDS`` split seeds
#: (issue #21): one test split of a few hundred rows cannot separate systems 0.02 AUC apart.
SMALL_ROWS, SMALL_SEEDS = 2_000, 5
SECONDARY = {"binary": "accuracy", "multiclass": "accuracy", "regression": "r2"}


def parse_args(argv=None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--budget", type=float, default=60, help="seconds per fit (default 60)")
    p.add_argument("--datasets", help="comma-separated names from the manifest (default: all)")
    p.add_argument("--systems", default=",".join(SYSTEMS[:5]), help="comma-separated, from: " + ",".join(SYSTEMS))
    p.add_argument("--seed", type=int, default=0, help="the split seed (default 0)")
    p.add_argument(
        "--small-seeds",
        type=int,
        default=SMALL_SEEDS,
        help=f"datasets under {SMALL_ROWS:,} rows (the manifest's 'rows') are also run on the next split seeds, "
        f"this many splits in all (default {SMALL_SEEDS}; 1: one split, as for the others), after the first pass",
    )
    p.add_argument(
        "--manifest",
        type=Path,
        help=f"the datasets' manifest.json (default: the shared datasets': ${DATASETS_ENV}/manifest.json, "
        "else shared/datasets/manifest.json beside the repository)",
    )
    p.add_argument("--results", type=Path, default=HERE / "results", help="folder for JSONL, markdown, logs")
    p.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="SYSTEM=PATH",
        help="interpreter for a system, e.g. flaml=/opt/peers/flaml/bin/python",
    )
    args = p.parse_args(argv)
    unknown = set(args.systems.split(",")) - set(SYSTEMS)
    if unknown:
        p.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if args.small_seeds < 1:
        p.error(f"--small-seeds must be 1 or more, not {args.small_seeds}")
    args.manifest = find_manifest(args.manifest)
    return args


def shared_manifest() -> Path | None:
    """The shared datasets' manifest: in ``$AUTOML_DATASETS`` if set (whether it exists or not),
    else in ``shared/datasets`` beside the repository if there; otherwise None."""
    folder = os.environ.get(DATASETS_ENV)
    if folder:
        return Path(folder) / "manifest.json"
    beside = BESIDE / "manifest.json"
    return beside if beside.is_file() else None


def find_manifest(given: Path | None) -> Path:
    """``--manifest`` if given, else the shared datasets' manifest; an error naming both ways when
    neither leads to a manifest."""
    manifest = given or shared_manifest()
    if manifest is None:
        raise SystemExit(
            f"where are the datasets? pass --manifest PATH/manifest.json, or set {DATASETS_ENV} to the "
            f"folder of the shared datasets' manifest.json (none in {BESIDE}, beside the repository)"
        )
    if not manifest.is_file():
        how = "--manifest" if given else f"{DATASETS_ENV}={os.environ[DATASETS_ENV]}"
        raise SystemExit(
            f"no manifest at {manifest} (from {how}); pass --manifest PATH/manifest.json, or set "
            f"{DATASETS_ENV} to the folder of the shared datasets' manifest.json"
        )
    return manifest


def select_datasets(manifest: Path, names: str | None) -> list[dict]:
    """The manifest entries asked for, in the order asked; unknown names are an error."""
    entries = {e["name"]: e for e in json.loads(manifest.read_text())}
    wanted = names.split(",") if names else list(entries)
    missing = [n for n in wanted if n not in entries]
    if missing:
        raise SystemExit(f"not in {manifest}: {', '.join(missing)}")
    return [dict(entries[n], path=str(manifest.parent / entries[n]["file"])) for n in wanted]


def write_split(entry: dict, seed: int, folder: Path) -> Path:
    """An 80/20 split of row positions (stratified for classification), saved as JSON."""
    y = pd.read_csv(entry["path"], usecols=[entry["target"]])[entry["target"]]
    stratify = None if entry["task"] == "regression" else y
    train, test = train_test_split(range(len(y)), test_size=0.2, random_state=seed, stratify=stratify)
    path = folder / f"{entry['name']}-split.json"
    path.write_text(json.dumps({"train": sorted(train), "test": sorted(test)}))
    return path


def group_memory_mb(group: int) -> tuple[float, float]:
    """The summed resident (RSS) and proportional (PSS) memory, in MB, of the processes of
    process group ``group`` (Linux).

    RSS counts a page shared by several processes (a library's code, pages a forked worker
    still shares with its parent) once in each of them, so the sum over a process tree
    overstates what the tree holds; PSS splits each shared page among its sharers and sums to
    what the tree takes from the machine. Both are reported; PSS is 0 where
    ``/proc/PID/smaps_rollup`` cannot be read (kernels before 4.14).
    """
    rss, pss, page = 0, 0, os.sysconf("SC_PAGE_SIZE")
    for pid in group_pids(group):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                rss += int(handle.read().rsplit(") ", 1)[1].split()[21]) * page  # rss, in pages
            pss += smaps_rollup(pid).get("Pss", 0)
        except OSError:  # the process ended meanwhile
            continue
    return rss / 2**20, pss / 2**20


def group_pids(group: int) -> list[int]:
    """The process ids of the processes in process group ``group`` (Linux's /proc)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                if int(handle.read().rsplit(") ", 1)[1].split()[2]) == group:  # pgrp
                    pids.append(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    return pids


def smaps_rollup(pid: int) -> dict[str, int]:
    """The sizes in ``/proc/PID/smaps_rollup`` (``Pss``, ``Private_Dirty``...), in bytes;
    :class:`OSError` when the process is gone or the file cannot be read (kernels before 4.14)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            parts = value.split()
            if len(parts) == 2 and parts[1] == "kB":
                fields[key] = int(parts[0]) * 1024
    return fields


@dataclass
class ChildRun:
    """What :func:`run_child` saw: the status, the wall seconds, the largest single process's
    peak RSS (MB), and the peaks of the whole process group's summed RSS and PSS (MB)."""

    status: str
    wall_s: float
    peak_mb: float
    tree_peak_mb: float
    tree_peak_pss_mb: float


def run_child(cmd: list[str], env: dict, log: Path, timeout: float) -> ChildRun:
    """Run ``cmd`` in its own process group and watch its memory.

    The single-process peak comes from ``os.wait4`` (ru_maxrss: the largest single process
    among the child and the descendants it waited for); the tree peaks are the largest sums
    over the group's processes (the child and its worker processes), sampled every 0.1 s.
    Past ``timeout`` the whole group is killed and the status is "timeout".
    """
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    status, tree_peak, tree_pss = "timeout", 0.0, 0.0
    while time.monotonic() - start < timeout:
        pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status = "ok" if os.waitstatus_to_exitcode(wait_status) == 0 else "error"
            break
        rss, pss = group_memory_mb(proc.pid)
        tree_peak, tree_pss = max(tree_peak, rss), max(tree_pss, pss)
        time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        _, wait_status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, not by Popen
    if status == "error":  # a child killed by a signal leaves no traceback: say which one
        how = (
            f"killed by {signal.Signals(-proc.returncode).name}"
            if proc.returncode < 0
            else f"exit code {proc.returncode}"
        )
        with log.open("a") as out:
            out.write(f"\n[run.py] the child ended: {how}\n")
    single = usage.ru_maxrss / 1024
    return ChildRun(status, time.monotonic() - start, single, max(tree_peak, single), tree_pss)


def child_fields(out: Path, task: str) -> dict:
    """The runner's own measurements, flattened for the row."""
    child = json.loads(out.read_text())
    scores = child.pop("scores")
    child["score"] = scores[PRIMARY[task]]
    child["secondary_score"] = scores[SECONDARY[task]]
    return child


def log_tail(log: Path, lines: int = 15) -> str:
    """The last lines a failed child printed."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def bench_one(system: str, entry: dict, split: Path, args, work: Path, logs: Path) -> dict:
    """Run one system on one dataset and return its result row (never raises for the child)."""
    task = entry["task"]
    out = work / f"{entry['name']}-{system}.json"
    cmd = [
        _python(system, args),
        str(RUNNERS / f"{system}_runner.py"),
        "--data",
        entry["path"],
        "--split",
        str(split),
        "--target",
        entry["target"],
        "--task",
        task,
        "--metric",
        PRIMARY[task],
        "--budget",
        str(args.budget),
        "--seed",
        str(args.seed),
        "--out",
        str(out),
    ]
    env = dict(os.environ, TMPDIR=str(work))
    # No OMP_WAIT_POLICY is imposed: each system runs with its own threading defaults (ours sets
    # PASSIVE in its worker processes). Imposing PASSIVE on the peers, as an earlier version did, made their
    # multithreaded LightGBM and XGBoost fits several times slower on two cores.
    log = logs / f"{entry['name']}-{system}.log"
    load_start = os.getloadavg()
    timeout = 3 * args.budget + 60
    child = run_child(cmd, env, log, timeout)
    status = child.status
    row = {
        "system": system,
        "dataset": entry["name"],
        "task": task,
        "metric": PRIMARY[task],
        "secondary_metric": SECONDARY[task],
        "budget_s": args.budget,
        "seed": args.seed,
        "status": status,
        "wall_s": child.wall_s,
        "timeout_s": timeout,
        "peak_mem_mb": child.peak_mb,
        "peak_tree_mb": child.tree_peak_mb,
        "peak_tree_pss_mb": child.tree_peak_pss_mb,
        "loadavg_start": load_start,
        "loadavg_end": os.getloadavg(),
        **machine(),
        "python": cmd[0],
        "omp_wait_policy": env.get("OMP_WAIT_POLICY", "unset"),
        "finished_at": dt.datetime.now().isoformat(),
    }
    if status == "ok" and out.exists():
        row.update(child_fields(out, task))
        row["fit_over_budget"] = row["fit_s"] / args.budget
    elif status == "ok":
        row.update(status="error", error="the runner wrote no result")
    else:
        row["error"] = log_tail(log) if status == "error" else f"killed after {timeout:.0f} s"
    return row


def machine() -> dict:
    """Where the row ran: core counts and host name."""
    return {"cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)), "host": platform.node()}


def _python(system: str, args) -> str:
    overrides = dict(item.split("=", 1) for item in args.python)
    return overrides.get(system, PYTHONS[system])


def result_stem(day: dt.date, args: argparse.Namespace, seed: int | None = None) -> str:
    """The results' file name without suffix: date and budget, then ``-seedN`` for another
    split (``seed``, else ``args.seed``) and ``-<folder>`` for a manifest other than the shared
    datasets' (its folder's name). Another split or other datasets are another benchmark: their
    rows must not replace the shared seed 0's rows, nor mix into their summary."""
    seed = args.seed if seed is None else seed
    stem = f"{day.isoformat()}-{args.budget:g}s"
    if seed:
        stem += f"-seed{seed}"
    shared = shared_manifest()
    if shared is None or args.manifest.resolve() != shared.resolve():
        stem += f"-{args.manifest.resolve().parent.name}"
    return stem


def run_plan(entries: list[dict], seed: int, small_seeds: int) -> list[tuple[int, list[dict]]]:
    """(split seed, datasets) in the order they run: every dataset on ``seed``, then the
    datasets under :data:`SMALL_ROWS` rows on each of the next ``small_seeds - 1`` seeds (a
    manifest entry without ``rows`` counts as large)."""
    small = [e for e in entries if e.get("rows", SMALL_ROWS) < SMALL_ROWS]
    plan = [(seed, entries)]
    if small:
        plan += [(seed + k, small) for k in range(1, small_seeds)]
    return plan


def main(argv=None) -> None:
    """Run every asked pair, append rows to the dated JSONL of their split seed, print and save
    the summaries (and, when small datasets ran on several splits, their summary over the splits)."""
    args = parse_args(argv)
    entries = select_datasets(args.manifest, args.datasets)
    day = dt.date.today()
    written = []
    with tempfile.TemporaryDirectory(prefix="automl-bench-") as tmp:
        for seed, group in run_plan(entries, args.seed, args.small_seeds):
            seeded = argparse.Namespace(**{**vars(args), "seed": seed})
            stem = result_stem(day, seeded)
            logs = args.results / "logs" / stem
            logs.mkdir(parents=True, exist_ok=True)
            jsonl = args.results / f"{stem}.jsonl"
            for entry in group:
                split = write_split(entry, seed, Path(tmp))
                for system in args.systems.split(","):
                    row = bench_one(system, entry, split, seeded, Path(tmp), logs)
                    with jsonl.open("a") as fh:
                        fh.write(json.dumps(row, default=str) + "\n")
                    print(summarize.progress_line(row), flush=True)
            written.append(jsonl)
    first = written[0]
    report = summarize.render(summarize.load([first]))
    first.with_suffix(".md").write_text(report)
    print(f"\nrows appended to {', '.join(map(str, written))}\n\n{report}")
    if len(written) > 1:
        splits = summarize.render_splits(summarize.load_splits(written))  # the datasets run on several splits
        first.with_name(first.stem + "-splits.md").write_text(splits + "\n")
        print(f"\n{splits}")


if __name__ == "__main__":
    main()
