"""What the portfolio scripts share: running the engine and recording every trial, JSON lines.

Only the public API of ``automl_core`` is used: ``AutoML``, ``hookimpl`` (an observer that sees
each trial's full configuration and its leaderboard row) and ``build_plugin_manager`` (to read
the installed model families and their built-in defaults).

Costs: besides the engine's ``fit_seconds`` (wall clock, which a SIGSTOP or a busy neighbour
inflates), each trial's CPU seconds are measured between ``before_trial`` and ``after_trial``
with ``time.process_time()``. With one thread per model (``n_jobs=1``) that is the trial's fit
time on an idle core, and it does not move when the process is paused or shares its core, so the
selection uses it as the cost.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("PORTFOLIO_RESULTS", HERE / "results"))

#: Search metric per task (the engine's defaults) and whether higher is better.
METRICS = {"binary": ("roc_auc", True), "multiclass": ("log_loss", False), "regression": ("rmse", False)}

#: The model families the portfolio may use, cheapest first (the engine offers all installed ones).
FAMILIES = (
    "linear",
    "knn",
    "hist_gradient_boosting",
    "lightgbm",
    "xgboost",
    "extra_trees",
    "random_forest",
    "catboost",
)


# ---------------------------------------------------------------- JSON lines
def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file; a torn last line (a run killed mid-write) is skipped."""
    if not Path(path).exists():
        return []
    rows = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows


def append_jsonl(path: Path, row: dict) -> None:
    """Append one row and flush it to disk (a later sitting resumes from what is there)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write(json.dumps(row, sort_keys=True, default=_plain) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _plain(value: Any):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON: {type(value)}")


def plain(value: Any) -> Any:
    """``value`` with numpy scalars, tuples and sets made JSON's own types."""
    return json.loads(json.dumps(value, sort_keys=True, default=_plain))


# ---------------------------------------------------------------- configurations
def config_key(config: dict) -> str:
    """A canonical text for a configuration dict (``PipelineConfig.to_dict()`` form)."""
    core = {k: config.get(k) for k in ("family", "preprocessing", "builders", "params", "class_weight")}
    return json.dumps(plain(core), sort_keys=True)


def restricted_key(config: dict, stages: Iterable[str] | None) -> str:
    """The configuration as a table sees it: only the preprocessing ``stages`` the table has (a
    table without categorical columns has no categorical stages), with their preprocessors'
    parameters, and the family's parameters. Two candidates with one restricted key run the
    same pipeline on that table. ``stages=None`` keeps all."""
    prep = dict(config.get("preprocessing", {}))
    if stages is not None:
        prep = {s: c for s, c in prep.items() if s in set(stages)}
    params = config.get("params", {})
    kept = {
        name: params[name] for name in [config["family"], *prep.values(), *config.get("builders", [])] if name in params
    }
    core = {
        "family": config["family"],
        "preprocessing": prep,
        "builders": list(config.get("builders", [])),
        "params": kept,
        "class_weight": config.get("class_weight", "none"),
    }
    return json.dumps(plain(core), sort_keys=True)


def installed_families() -> dict[str, Any]:
    """Name to ``ModelFamily`` of every installed model family (as the plugins register them)."""
    from automl_core import build_plugin_manager

    found: list = []
    build_plugin_manager().hook.register_model_families(register=found.append)
    return {f.name: f for f in found}


# ---------------------------------------------------------------- running the engine
class TrialLog:
    """An observer plugin: the configuration, leaderboard row and CPU seconds of each trial."""

    def __init__(self):
        self.trials: dict[int, dict] = {}
        self._cpu = 0.0
        self._wall = 0.0

    def before_trial(self, number, config):
        self.trials[number] = {"trial": number, "config": plain(dict(config))}
        self._cpu, self._wall = time.process_time(), time.monotonic()

    def after_trial(self, number, record, best_score):
        row = self.trials.setdefault(number, {"trial": number, "config": None})
        row["cpu_seconds"] = round(time.process_time() - self._cpu, 4) if row["config"] is not None else 0.0
        row["wall_seconds"] = round(time.monotonic() - self._wall, 4) if row["config"] is not None else 0.0
        for k in ("state", "score", "fit_seconds", "predict_seconds", "error"):
            row[k] = plain(record.get(k))


def observer():
    """A :class:`TrialLog` whose methods are marked as hook implementations."""
    from automl_core import hookimpl

    class Observer(TrialLog):
        before_trial = hookimpl(TrialLog.before_trial)
        after_trial = hookimpl(TrialLog.after_trial)

    return Observer()


def run_automl(frame, target: str, task: str, **settings) -> dict:
    """Fit ``AutoML(n_jobs=1, ensemble=False, **settings)`` and return every trial that ran:
    its config, state, score (made higher-is-better: losses negated) and costs."""
    from automl_core import AutoML

    log = observer()
    metric, greater = METRICS[task]
    settings = {"ensemble": False, "n_jobs": 1, "metric": metric, **settings}
    started_cpu = time.process_time()
    error = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            AutoML(plugins=[log], task=task, **settings).fit(frame, target=target)
        except Exception as exc:  # every trial failed or timed out: record what ran
            error = f"{type(exc).__name__}: {exc}"[:500]
    trials = []
    for number in sorted(log.trials):
        row = log.trials[number]
        if row.get("state") is None or row.get("state") == "skipped":
            continue
        raw = row.get("score")
        ok = raw is not None and isinstance(raw, (int, float)) and math.isfinite(raw)
        row["score"] = (raw if greater else -raw) if ok and row["state"] == "complete" else None
        trials.append(row)
    return {"trials": trials, "error": error, "run_cpu_seconds": round(time.process_time() - started_cpu, 3)}


def constant_score(y, task: str) -> float:
    """The score (higher is better) of predicting the class priors or the mean on ``y`` itself:
    0.5 ROC AUC, the entropy of the classes as log loss, the standard deviation as RMSE."""
    import numpy as np
    import pandas as pd

    if task == "binary":
        return 0.5
    if task == "multiclass":
        p = pd.Series(y).value_counts(normalize=True).to_numpy()
        return float(np.sum(p * np.log(p)))  # minus the entropy
    y = np.asarray(y, dtype=float)
    return -float(np.sqrt(np.mean((y - y.mean()) ** 2)))
