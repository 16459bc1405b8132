"""Step 3: the cross-evaluation matrix: every candidate on every table, the same validation.

For each table (round-robin over the tasks, so that a partial run gives complete rows for each), the
candidates not yet evaluated there are run through the public API in batches::

    AutoML(families=<the batch's families>, warm_start=<the batch's configs>, max_trials=len(batch),
           ensemble=False, seed=0, n_jobs=1, time_budget=<generous>).fit(frame, target=...)

Warm-start configurations are tried first, in order, so trial ``i`` is the batch's ``i``-th
configuration (checked against the ``before_trial`` observer's config; a trial that is not the
expected pipeline is recorded as ``mismatch``). Batches hold at most :data:`BATCH` configurations:
the engine's median pruner may stop a k-fold trial only once four trials completed, so every
trial in a batch of four runs all its folds. Batching shares the setup and the final refit
across four candidates; it does not change any candidate's score (same splits, same seed).

Candidates that run the same pipeline on a table (they differ only in stages the table does not
have) are evaluated once; the others get a copy (``same_as``). One JSON line per (table,
candidate) goes to ``results/matrix.jsonl``; cells already there are skipped, so runs resume.
Each fit has a budget of :data:`BUDGET` seconds, so a trial may run 12 s: slower cells are
timeouts (useless to a portfolio for budgets up to 20 s). A trial cut short by its batch's
earlier trials, or that timed out while its wall clock ran well ahead of its CPU time (the
process was paused or shared its core), is tried again alone, with its budget stretched by the
slowdown it met (see :data:`MAX_SLOWDOWN`), so that its window holds about 12 s of CPU.
"""

from __future__ import annotations

import argparse
import json
import time

from candidates import OUT as CANDIDATES
from common import RESULTS, append_jsonl, read_jsonl, restricted_key, run_automl
from tables import by_name, load

OUT = RESULTS / "matrix.jsonl"
#: Configurations per engine fit (see the module doc).
BATCH = 4
#: The engine's budget per fit. A trial may use 40% of it: 12 s. A configuration slower than
#: that on a table is of no use to a portfolio for budgets up to 20 s (whose trials get at most
#: 8 s), and some found by the searches take minutes (CatBoost at depth 10: 101 s on 506 rows);
#: such a cell is recorded as a timeout, its cost censored at the window.
BUDGET = 30.0
#: The share of the budget one trial may take (``automl_core.search.MAX_TRIAL_SHARE``).
TRIAL_SHARE = 0.4
#: A unit tried again alone gets its budget times the slowdown (wall over CPU time) its first
#: try met, at most this many times: on a shared machine a nice'd process may get a quarter of
#: a core, and its trial's 12 s wall window then holds 3 s of CPU.
MAX_SLOWDOWN = 5.0


def table_shapes(collect_rows: list[dict]) -> dict[str, dict]:
    """Per table, from the collected trials: the preprocessing stages each family's trials had,
    and the optional feature builders that were offered there."""
    shapes: dict[str, dict] = {}
    for run in collect_rows:
        shape = shapes.setdefault(run["table"], {"stages": {}, "builders": set()})
        for trial in run["trials"]:
            config = trial.get("config")
            if config:
                shape["stages"].setdefault(run["family"], set(config["preprocessing"]))
                shape["builders"].update(config.get("builders", []))
    return shapes


def as_seen(config: dict, shape: dict | None) -> dict:
    """``config`` as it runs on a table of ``shape``: without the stages it lacks and the
    builders that do not apply there."""
    if shape is None:
        return config
    stages = shape["stages"].get(config["family"])
    out = dict(config)
    if stages is not None:
        out["preprocessing"] = {s: c for s, c in config["preprocessing"].items() if s in stages}
    out["builders"] = [b for b in config.get("builders", []) if b in shape["builders"]]
    return out


def unit_key(config: dict, shape: dict | None) -> str:
    seen = as_seen(config, shape)
    return restricted_key(seen, seen["preprocessing"].keys())


def matches(candidate: dict, trial_config: dict | None, shape: dict | None) -> bool:
    """Whether the trial ran the candidate's pipeline: same family, preprocessing and builders,
    and every parameter the candidate fixes has its value (the trial may add sampled ones).
    A candidate's balanced class weighting runs unweighted on balanced data."""
    if not trial_config:
        return False
    want = as_seen(candidate, shape)
    if trial_config["family"] != want["family"] or list(trial_config.get("builders", [])) != want["builders"]:
        return False
    if any(want["preprocessing"].get(s) != c for s, c in trial_config["preprocessing"].items()):
        return False
    if (
        want.get("class_weight", "none") != trial_config.get("class_weight", "none")
        and trial_config.get("class_weight", "none") != "none"
    ):
        return False
    names = [want["family"], *want["preprocessing"].values(), *want["builders"]]
    for name in names:
        for k, v in want.get("params", {}).get(name, {}).items():
            got = trial_config.get("params", {}).get(name, {}).get(k)
            if isinstance(v, float) or isinstance(got, float):
                if got is None or abs(float(got) - float(v)) > 1e-9 * max(1.0, abs(float(v))):
                    return False
            elif got != v:
                return False
    return True


def contended(trial: dict) -> bool:
    """A trial whose wall clock ran well ahead of its CPU time: the process was paused or
    shared its core."""
    return trial.get("wall_seconds", 0) > 1.5 * trial.get("cpu_seconds", 0) + 2


def recordable(trial: dict | None, budget: float, last_try: bool) -> bool:
    """Whether a trial's outcome is the candidate's own: it completed or failed, or it timed out
    after a full window (not a window shortened by the batch's earlier trials) and, unless this
    is the last try, without contention."""
    if trial is None:
        return False
    if trial["state"] in ("complete", "failed"):
        return True
    if trial["state"] == "timeout":
        full = (trial.get("fit_seconds") or 0) >= TRIAL_SHARE * budget * 0.97 - 0.5
        return full and (last_try or not contended(trial))
    return False


def evaluate_table(
    table,
    candidates: list[dict],
    done: set,
    shape: dict | None,
    out,
    budget: float,
    batch_size: int = BATCH,
    frame=None,
) -> int:
    """Evaluate on ``table`` the candidates without a cell yet; returns the cells written.
    First in batches of ``batch_size``; then, alone, the candidates whose trial was not their
    own (cut short by the batch's earlier trials, skipped, contended)."""
    todo = [c for c in candidates if (table.name, c["id"]) not in done]
    if not todo:
        return 0
    frame = load(table) if frame is None else frame
    units: dict[str, list[dict]] = {}
    for c in todo:
        units.setdefault(unit_key(c["config"], shape), []).append(c)
    written = 0
    keys = list(units)
    slowdown: dict[str, float] = {}  # wall over CPU seconds of a unit's first try
    for size, last in ((batch_size, False), (1, True)):
        keys = [k for k in keys if (table.name, units[k][0]["id"]) not in done]
        for start in range(0, len(keys), size):
            batch = keys[start : start + size]
            leaders = [units[k][0] for k in batch]
            families = sorted({c["family"] for c in leaders})
            # alone, a unit gets a budget whose window is 12 s of CPU at the slowdown it met
            fit_budget = budget if not last else budget * min(max(slowdown.get(batch[0], 1.0), 1.0), MAX_SLOWDOWN)
            run = run_automl(
                frame,
                table.target,
                table.task,
                families=families,
                warm_start=[c["config"] for c in leaders],
                max_trials=len(leaders),
                time_budget=fit_budget,
                seed=0,
            )
            trials = {t["trial"]: t for t in run["trials"]}
            for i, key in enumerate(batch):
                leader = leaders[i]
                trial = trials.get(i)
                if trial is not None and trial.get("cpu_seconds"):
                    slowdown[key] = (trial.get("wall_seconds") or 0) / trial["cpu_seconds"]
                if trial is not None and not matches(leader["config"], trial["config"], shape):
                    cell = {"state": "mismatch", "error": "the trial ran another pipeline", "ran": trial["config"]}
                elif recordable(trial, fit_budget, last):
                    cell = {
                        k: trial.get(k)
                        for k in (
                            "state",
                            "score",
                            "cpu_seconds",
                            "fit_seconds",
                            "wall_seconds",
                            "predict_seconds",
                            "error",
                        )
                    }
                    cell["contended"] = contended(trial)
                elif last:
                    cell = {
                        "state": "missing",
                        "error": run["error"],
                        "trial_state": None if trial is None else trial["state"],
                    }
                else:
                    continue  # tried again alone
                for n, c in enumerate(units[key]):
                    row = {
                        "table": table.name,
                        "task": table.task,
                        "candidate": c["id"],
                        "batch_size": size,
                        "budget": round(fit_budget, 1),
                        **cell,
                    }
                    if n:
                        row["same_as"] = leader["id"]
                    append_jsonl(out, row)
                    done.add((table.name, c["id"]))
                    written += 1
    return written


def interleaved(tables: list) -> list:
    """Tables round-robin over the tasks (binary, multiclass, regression, binary...), each task's
    in its listed order: a run stopped part-way has complete rows for every task."""
    queues: dict[str, list] = {}
    for t in tables:
        queues.setdefault(t.task, []).append(t)
    out = []
    while any(queues.values()):
        for task in list(queues):
            if queues[task]:
                out.append(queues[task].pop(0))
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tables", help="comma-separated table names (default: all, in order)")
    p.add_argument("--candidates", default=str(CANDIDATES))
    p.add_argument("--only", help="comma-separated candidate ids (default: all)")
    p.add_argument("--collect", default=str(RESULTS / "collect.jsonl"))
    p.add_argument("--budget", type=float, default=BUDGET)
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--in-order", action="store_true", help="go over --tables in the order given")
    p.add_argument(
        "--retry-contended",
        action="store_true",
        help="evaluate again the cells that timed out under contention (or are missing); "
        "the latest row of a cell is the one used",
    )
    args = p.parse_args(argv)
    candidates = json.loads(open(args.candidates).read())
    if args.only:
        wanted = set(args.only.split(","))
        candidates = [c for c in candidates if c["id"] in wanted]
    shapes = table_shapes(read_jsonl(args.collect))
    latest = {(r["table"], r["candidate"]): r for r in read_jsonl(args.out)}
    done = {
        k
        for k, r in latest.items()
        if not (args.retry_contended and r["state"] in ("timeout", "missing") and r.get("contended", True))
    }
    names = args.tables.split(",") if args.tables else None
    tables = [by_name([n])[0] for n in names] if names and args.in_order else interleaved(by_name(names))
    for table in tables:
        started = time.monotonic()
        n = evaluate_table(table, candidates, done, shapes.get(table.name), args.out, args.budget)
        if n:
            print(f"{table.name:16s} {n:4d} cells {time.monotonic() - started:7.1f} s wall", flush=True)


if __name__ == "__main__":
    main()
