"""What the driver (the process that called ``fit``) spends per trial, whatever the executor:
asking optuna for the next configuration and telling it the result (the engine's sampler,
multivariate TPE with the constant liar), as the study grows; the same against a SQLite
storage (``AutoML(storage=...)``); and reading a trial's out-of-fold predictions back.
With the executor's own overhead per trial (``executor_overhead.py``) these bound how many
workers one driver keeps busy (the arithmetic in docs/scaling.md). Run it on a quiet machine.

    python benchmarks/driver_costs.py --trials 1000
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import tempfile
import time
import warnings

import numpy as np
import optuna

FAMILIES = [
    "linear",
    "knn",
    "hist_gradient_boosting",
    "lightgbm",
    "extra_trees",
    "xgboost",
    "catboost",
    "random_forest",
]


def objective_params(trial) -> float:
    """A space shaped like the engine's: a family, a preprocessing choice and a few numbers each."""
    family = trial.suggest_categorical("family", FAMILIES)
    trial.suggest_categorical(f"{family}:encoding", ["onehot", "ordinal", "native"])
    trial.suggest_float(f"{family}:learning_rate", 1e-3, 0.3, log=True)
    trial.suggest_int(f"{family}:depth", 2, 12)
    trial.suggest_float(f"{family}:regularization", 1e-6, 10.0, log=True)
    return float(np.random.default_rng(trial.number).random())


def ask_tell_ms(study: optuna.Study, trials: int, marks: list[int]) -> dict[int, float]:
    """Median ms of one ask + tell around each mark (the study's size)."""
    out, times = {}, []
    for n in range(trials):
        started = time.perf_counter()
        trial = study.ask()
        value = objective_params(trial)
        study.tell(trial, value)
        times.append((time.perf_counter() - started) * 1e3)
        if n + 1 in marks:
            out[n + 1] = statistics.median(times[-20:])
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--rows", type=int, default=100_000, help="validated rows of an out-of-fold array")
    args = p.parse_args(argv)
    from automl_core.search._study import _sampler

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    marks = [m for m in (20, 100, 300, 1000, 3000) if m <= args.trials]
    memory = ask_tell_ms(
        optuna.create_study(direction="maximize", sampler=_sampler(0, parallel=True)), args.trials, marks
    )
    with tempfile.TemporaryDirectory() as folder:
        storage = optuna.storages.RDBStorage(f"sqlite:///{folder}/search.db")
        study = optuna.create_study(direction="maximize", sampler=_sampler(0, parallel=True), storage=storage)
        sqlite = ask_tell_ms(study, min(args.trials, 300), [m for m in marks if m <= 300])
    oof = np.random.default_rng(0).random((args.rows, 2))
    blob = pickle.dumps(oof, protocol=pickle.HIGHEST_PROTOCOL)
    started = time.perf_counter()
    for _ in range(20):
        pickle.loads(blob)
    unpickle_ms = (time.perf_counter() - started) / 20 * 1e3
    print("ask + tell, median ms per trial at each study size (in memory / SQLite):")
    for mark in marks:
        print(f"  {mark:5d} trials: {memory[mark]:7.1f} ms" + (f" / {sqlite[mark]:7.1f} ms" if mark in sqlite else ""))
    print(
        f"out-of-fold predictions of {args.rows:,} rows x 2 ({len(blob) / 2**20:.1f} MB): {unpickle_ms:.2f} ms to read"
    )


if __name__ == "__main__":
    main()
