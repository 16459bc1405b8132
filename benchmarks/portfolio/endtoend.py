"""Step 5 (optional): the leave-one-table-out portfolios in real fits, through the public API.

For each training table, split 80/20 (``train_test_split(random_state=0)``, stratified for
classification, as ``benchmarks/run.py`` splits), fit on the 80%::

    default: AutoML(time_budget=B, seed=0)                                  # the engine as it is
    learned: AutoML(time_budget=B, seed=0, warm_start=<portfolio learned without this table>)

and score both on the 20% (ROC AUC, log loss, RMSE; higher-is-better form). ``warm_start`` puts
the portfolio's configurations before the engine's own defaults, which is what a portfolio
hook would do. The portfolio for a table comes from ``results/evaluation.json`` (the order
:func:`selection.leave_one_out` learned without that table, and without the candidates found by
searching it). Rows go to ``results/endtoend.jsonl``; done (table, system, budget) are skipped.
Wall-clock budgets: run it on a quiet machine; a row whose fit took far more wall than CPU time
(paused, or a busy neighbour) is marked ``"contended": true``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import warnings

import numpy as np
from candidates import OUT as CANDIDATES
from common import METRICS, RESULTS, append_jsonl, read_jsonl
from tables import by_name, load

OUT = RESULTS / "endtoend.jsonl"


def test_score(model, test, target: str, task: str) -> float:
    from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

    y = test[target]
    X = test.drop(columns=[target])
    if task == "regression":
        return -float(np.sqrt(mean_squared_error(y.astype(float), model.predict(X))))
    proba = model.predict_proba(X)
    classes = list(model.classes_)
    if task == "binary":
        return float(roc_auc_score((y == classes[1]).astype(int), proba[:, 1]))
    return -float(log_loss(y, proba, labels=classes))


def split(frame, target: str, task: str):
    from sklearn.model_selection import train_test_split

    stratify = frame[target] if task != "regression" else None
    train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=stratify)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def main(argv=None) -> None:
    from automl_core import AutoML

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tables", help="comma-separated table names (default: those in the evaluation)")
    p.add_argument("--budget", type=float, default=10.0)
    p.add_argument("--evaluation", default=str(RESULTS / "evaluation.json"))
    p.add_argument("--candidates", default=str(CANDIDATES))
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    evaluation = json.loads(open(args.evaluation).read())
    orders = {r["table"]: r["learned_order"] for r in evaluation["rows"]}
    configs = {c["id"]: c["config"] for c in json.loads(open(args.candidates).read())}
    names = args.tables.split(",") if args.tables else [t for t in orders]
    done = {(r["table"], r["system"], r["budget"]) for r in read_jsonl(args.out)}
    for table in by_name(names):
        if table.name not in orders:
            continue
        train, test = split(load(table), table.target, table.task)
        for system in ("default", "learned"):
            if (table.name, system, args.budget) in done:
                continue
            warm = [configs[c] for c in orders[table.name]] if system == "learned" else None
            cpu, wall = time.process_time(), time.monotonic()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = AutoML(time_budget=args.budget, seed=0, metric=METRICS[table.task][0], warm_start=warm).fit(
                    train, target=table.target
                )
                score = test_score(model, test, table.target, table.task)
            cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            board = model.leaderboard_
            row = {
                "table": table.name,
                "task": table.task,
                "system": system,
                "budget": args.budget,
                "test_score": score,
                "validation_score": float(model.best_score_),
                "trials": int(len(board)),
                "completed": int((board["state"] == "complete").sum()),
                "first_model_s": float(board.loc[board["state"] == "complete", "elapsed"].min()),
                "best_family": model.best_config_.family,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "contended": bool(wall > 1.5 * cpu + 1.0),
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
            append_jsonl(args.out, row)
            print(
                f"{table.name:16s} {system:8s} test {score:.4f} trials {row['trials']:3d} "
                f"best {row['best_family']} wall {wall:.1f} cpu {cpu:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
