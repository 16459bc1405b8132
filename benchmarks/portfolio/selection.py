"""Step 4: the ordered portfolio, from the cross-evaluation matrix; and the evidence for it.

Pure functions (tested in ``test_selection.py``) over two tables x candidates arrays:

* :func:`normalize`: per table, 0 = the constant predictor (class priors or the mean, as in the
  benchmark's normalized score), 1 = the best candidate; below 0 and failures count as 0 (a
  configuration worse than the constant adds nothing to the best so far).
* :func:`relative_costs`: each cell's CPU seconds over the table's reference cost (the CPU seconds
  of the engine's first HistGradientBoosting default there, the unit of ``ModelFamily.cost``).
* :func:`greedy`: the portfolio, one configuration at a time, each the one with the largest gain
  in mean best-so-far normalized score per unit of mean relative cost (Streeter and Golovin's
  greedy for anytime schedules), so that cheap strong configurations come first; when no
  candidate adds anything (every table at its best), a new round starts from the constant, so
  that the rest is a second, different cover rather than near-copies of the first.
* :func:`anytime`: on one table, the best normalized score an order reaches within ``t`` seconds
  of fit time, the trials run in order under the engine's rules (a window per trial, skips by
  the family's estimated cost, timeouts).
* :func:`default_order`: the engine's own portfolio (``SearchSpace.portfolio()``): round-robin
  over the families by ``(cost, name)``, the cheapest family's optional-builder variant after
  the first round.
* :func:`leave_one_out`: for each table, the portfolio learned on the other tables (candidates
  found by searching that table left out) against the default order, at several time points.

Run ``python benchmarks/portfolio/selection.py`` to write ``portfolio.json`` and
``results/evaluation.json`` and print the tables of the README.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import numpy as np

#: Seconds of cumulative fit time at which orders are compared.
TIME_POINTS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
#: The portfolio's length.
PORTFOLIO_SIZE = 30
#: A gain below this (mean normalized score) is no gain.
EPS = 1e-6
#: As the engine (``automl_core/search.py``): a trial's share of the budget at most, and the
#: estimate for a family not measured yet (seconds, share of the budget: the smaller).
MAX_TRIAL_SHARE = 0.4
FRESH_ESTIMATE = (1.0, 0.05)


# ---------------------------------------------------------------- pure parts
def normalize(scores: np.ndarray, constant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (table): ``(s - constant) / (best - constant)`` clipped to [0, 1]; NaN (failed,
    not evaluated) counts as 0. Returns the matrix and a mask of the tables kept: those where
    the best candidate beats the constant."""
    scores = np.asarray(scores, dtype=float)
    constant = np.asarray(constant, dtype=float)
    best = np.nanmax(np.where(np.isnan(scores), -np.inf, scores), axis=1)
    span = best - constant
    keep = np.isfinite(best) & (span > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (scores - constant[:, None]) / np.where(keep, span, 1.0)[:, None]
    out = np.clip(np.nan_to_num(out, nan=0.0), 0.0, 1.0)
    out[~keep] = 0.0
    return out, keep


def relative_costs(costs: np.ndarray, reference: int) -> np.ndarray:
    """Each cell's cost over its table's cost of candidate column ``reference`` (a missing
    reference: the table's median cost)."""
    costs = np.asarray(costs, dtype=float)
    ref = costs[:, reference].copy()
    bad = ~(np.isfinite(ref) & (ref > 0))
    if bad.any():
        ref[bad] = np.nanmedian(np.where(costs > 0, costs, np.nan)[bad], axis=1)
    return costs / ref[:, None]


def greedy(
    norm: np.ndarray,
    cost: np.ndarray,
    size: int = PORTFOLIO_SIZE,
    allowed: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> list[int]:
    """Candidate columns in portfolio order (see the module doc). ``cost`` is per cell (relative
    cost; NaN counts as the table's largest); ``allowed`` masks the columns that may be chosen;
    ``start`` is the best-so-far before the portfolio (default 0: the constant)."""
    norm = np.asarray(norm, dtype=float)
    n_tables, n_cand = norm.shape
    if n_tables == 0:  # nothing to learn from: the allowed columns as they come
        return [int(c) for c in np.flatnonzero(np.ones(n_cand, bool) if allowed is None else allowed)][:size]
    cost = np.asarray(cost, dtype=float)
    worst = np.nanmax(np.where(np.isfinite(cost), cost, np.nan), axis=1, keepdims=True)
    cost = np.where(np.isfinite(cost), cost, np.nan_to_num(worst, nan=1.0))
    mean_cost = np.maximum(cost.mean(axis=0), 1e-9)
    left = np.ones(n_cand, bool) if allowed is None else np.asarray(allowed, bool).copy()
    best = np.zeros(n_tables) if start is None else np.asarray(start, dtype=float).copy()
    order: list[int] = []
    while len(order) < size and left.any():
        gain = np.maximum(norm - best[:, None], 0.0).mean(axis=0)
        gain[~left] = -np.inf
        if gain.max() <= EPS and best.any():
            # nothing adds: every table is at its best. Start a new round from the constant, so
            # that what follows is a second, different cover (a fallback where the first round's
            # choices do not carry over), not copies of the strongest configuration.
            best = np.zeros(n_tables)
            continue
        if gain.max() > EPS:
            ratio = np.where(left, gain / mean_cost, -np.inf)
            # largest ratio; between equal ratios the cheaper, then the lower column
            pick = int(np.lexsort((np.arange(n_cand), mean_cost, -ratio))[0])
        else:  # nothing can add (all left score 0): cheaper first
            pick = int(np.lexsort((np.arange(n_cand), np.where(left, mean_cost, np.inf)))[0])
        order.append(pick)
        left[pick] = False
        best = np.maximum(best, norm[:, pick])
    return order


def greedy_simulated(
    norm: np.ndarray,
    seconds: np.ndarray,
    families: list[str],
    budgets=(1.0, 2.0, 5.0, 10.0, 20.0),
    size: int = PORTFOLIO_SIZE,
    allowed: np.ndarray | None = None,
) -> list[int]:
    """Like :func:`greedy`, with gain and cost measured on the engine's trial loop (the rules of
    :func:`anytime`) at each of ``budgets`` seconds on each table: the next configuration is the
    one with the largest mean (over tables and budgets) gain in best-so-far normalized score per
    mean share of the budget it uses up (its fit time, or its window when it would time out;
    nothing when the engine would skip it). It sees what the ratio greedy cannot: that a slow
    configuration cannot run at all in a small budget, and how the trial window cuts."""
    norm = np.asarray(norm, dtype=float)
    seconds = np.asarray(seconds, dtype=float)
    n_tables, n_cand = norm.shape
    left = np.ones(n_cand, bool) if allowed is None else np.asarray(allowed, bool).copy()
    if n_tables == 0:
        return [int(c) for c in np.flatnonzero(left)][:size]
    budgets = list(budgets)
    used = np.zeros((n_tables, len(budgets)))
    best = np.zeros((n_tables, len(budgets)))
    seen: list[list[dict]] = [[{} for _ in budgets] for _ in range(n_tables)]
    order: list[int] = []

    def step(t: int, k: int, c: int) -> tuple[float, float, float | None]:
        """(gain, budget share used, seconds to record for the family or None) of running c."""
        b = budgets[k]
        window = min(b - used[t, k], MAX_TRIAL_SHARE * b)
        if window <= 0:
            return 0.0, 0.0, None
        past = seen[t][k].get(families[c])
        estimate = float(np.median(past)) if past else min(FRESH_ESTIMATE[0], FRESH_ESTIMATE[1] * b)
        if estimate > window:
            return 0.0, 0.0, None
        cost = seconds[t, c] if np.isfinite(seconds[t, c]) else np.inf
        if cost <= window:
            return max(norm[t, c] - best[t, k], 0.0), cost / b, cost
        return 0.0, window / b, window

    while len(order) < size and left.any():
        gains = np.zeros(n_cand)
        shares = np.zeros(n_cand)
        for c in np.flatnonzero(left):
            g = u = 0.0
            for t in range(n_tables):
                for k in range(len(budgets)):
                    dg, du, _ = step(t, k, c)
                    g += dg
                    u += du
            gains[c], shares[c] = g, u
        cells = n_tables * len(budgets)
        gains /= cells
        shares /= cells
        if np.where(left, gains, -np.inf).max() <= EPS and used.any():
            # nothing adds (the budgets are spent or every table is at its best): a new round
            # from nothing, as in :func:`greedy`
            used[:] = 0.0
            best[:] = 0.0
            seen = [[{} for _ in budgets] for _ in range(n_tables)]
            continue
        if np.where(left, gains, -np.inf).max() > EPS:
            ratio = np.where(left, gains / np.maximum(shares, 1e-9), -np.inf)
            pick = int(np.lexsort((np.arange(n_cand), shares, -ratio))[0])
        else:
            alone = np.where(left, norm.mean(axis=0), -np.inf)
            pick = int(np.lexsort((np.arange(n_cand), shares, -alone))[0])
        order.append(pick)
        left[pick] = False
        for t in range(n_tables):
            for k in range(len(budgets)):
                _, du, record = step(t, k, pick)
                if record is not None:
                    used[t, k] += du * budgets[k]
                    seen[t][k].setdefault(families[pick], []).append(record)
                    if np.isfinite(seconds[t, pick]) and seconds[t, pick] <= record + 1e-12:
                        best[t, k] = max(best[t, k], norm[t, pick])
    return order


def anytime(
    order: list[int],
    norm_row: np.ndarray,
    seconds_row: np.ndarray,
    budgets=TIME_POINTS,
    families: list[str] | None = None,
) -> list[float]:
    """Best normalized score of ``order`` on one table within each budget (seconds of fit time),
    run as the engine runs trials (``automl_core/search.py``): a trial may take at most
    :data:`MAX_TRIAL_SHARE` of the budget and what is left; it is skipped when its family's
    estimated cost (the median of that family's trials so far; :data:`FRESH_ESTIMATE` before
    any) does not fit in that window; a trial longer than its window times out, its time spent
    and no score won. Without ``families`` every configuration is its own family."""
    families = families or [str(c) for c in range(len(seconds_row))]
    out = []
    for budget in budgets:
        used, best, seen = 0.0, 0.0, {}
        for c in order:
            t = seconds_row[c]
            if not np.isfinite(t):
                t = np.inf  # never finishes: it times out
            window = min(budget - used, MAX_TRIAL_SHARE * budget)
            if window <= 0:
                break
            past = seen.get(families[c])
            estimate = float(np.median(past)) if past else min(FRESH_ESTIMATE[0], FRESH_ESTIMATE[1] * budget)
            if estimate > window:
                continue
            if t <= window:
                used += t
                best = max(best, float(norm_row[c]))
                seen.setdefault(families[c], []).append(t)
            else:
                used += window
                seen.setdefault(families[c], []).append(window)
        out.append(best)
    return out


def default_order(entries: list[dict], family_costs: dict[str, float]) -> list[str]:
    """The engine's default portfolio as candidate ids: ``entries`` are the default candidates
    (``id``, ``family``, ``default`` index, builder variants have ``+`` in their id)."""
    by_family: dict[str, dict[int, str]] = {}
    variants: dict[str, list[str]] = {}
    for e in entries:
        if "+" in e["id"]:
            variants.setdefault(e["family"], []).append(e["id"])
        else:
            by_family.setdefault(e["family"], {})[e["default"]] = e["id"]
    families = sorted(by_family, key=lambda f: (family_costs.get(f, 1.0), f))
    depth = max((len(v) for v in by_family.values()), default=0)
    out = []
    for i in range(depth):
        for f in families:
            if i in by_family[f]:
                out.append(by_family[f][i])
        if i == 0 and families:
            out += sorted(variants.get(families[0], []))
    return out


@dataclass
class Matrix:
    tables: list[str]
    tasks: list[str]
    candidates: list[dict]
    score: np.ndarray  # tables x candidates, higher is better, NaN = failed or missing
    seconds: np.ndarray  # CPU seconds of the trial
    constant: np.ndarray  # per table

    @property
    def ids(self) -> list[str]:
        return [c["id"] for c in self.candidates]


def with_defaults(head: list[int], baseline: list[int], size: int) -> list[int]:
    """``head`` then the ``baseline`` order without what ``head`` has, ``size`` in all."""
    return (head + [c for c in baseline if c not in head])[:size]


def learn(
    m: Matrix,
    rows: np.ndarray,
    reference: int,
    size: int = PORTFOLIO_SIZE,
    method: str = "ratio",
    allowed: np.ndarray | None = None,
    baseline: list[int] | None = None,
) -> list[int]:
    """The portfolio learned on the tables ``rows`` (a mask) by ``method``: ``"ratio"``
    (:func:`greedy`: gain per relative cost) or ``"simulated"`` (:func:`greedy_simulated`);
    ``"<method>+defaults<k>"``: its first ``k`` configurations, then the default order."""
    base, _, head = method.partition("+defaults")
    key = (
        base,
        size,
        hash(m.score.tobytes()),
        hash(m.seconds.tobytes()),
        np.asarray(rows).tobytes(),
        None if allowed is None else np.asarray(allowed).tobytes(),
    )
    if key not in _ORDERS:  # a greedy order's first k are the order of length k: learned once
        norm, _ = normalize(m.score, m.constant)
        if base == "simulated":
            _ORDERS[key] = greedy_simulated(
                norm[rows], m.seconds[rows], [c["family"] for c in m.candidates], size=size, allowed=allowed
            )
        else:
            _ORDERS[key] = greedy(norm[rows], relative_costs(m.seconds, reference)[rows], size, allowed)
    order = list(_ORDERS[key])
    return with_defaults(order[: int(head)], baseline or [], size) if head else order


_ORDERS: dict = {}


def leave_one_out(
    m: Matrix,
    reference: int,
    size: int = PORTFOLIO_SIZE,
    budgets=TIME_POINTS,
    baseline: list[int] | None = None,
    same_task: bool = False,
    method: str = "ratio",
) -> dict:
    """Per table: the portfolio learned without it (and without the candidates found by
    searching it) and the baseline order, each's anytime normalized score on it. With
    ``same_task``, the portfolio is learned on the other tables of the same task only."""
    norm, keep = normalize(m.score, m.constant)
    families = [c["family"] for c in m.candidates]
    rows = []
    for t in np.flatnonzero(keep):
        train = keep.copy()
        train[t] = False
        if same_task:
            train &= np.array([task == m.tasks[t] for task in m.tasks])
        allowed = np.array([c.get("table") != m.tables[t] for c in m.candidates])
        order = learn(m, train, reference, size, method, allowed, baseline)
        row = {
            "table": m.tables[t],
            "task": m.tasks[t],
            "learned": anytime(order, norm[t], m.seconds[t], budgets, families),
            "learned_order": [m.ids[c] for c in order],
        }
        if baseline is not None:
            row["default"] = anytime(baseline, norm[t], m.seconds[t], budgets, families)
        rows.append(row)
    return {"budgets": list(budgets), "rows": rows}


def summarize_in_sample(m: Matrix, order: list[int], baseline: list[int], budgets=TIME_POINTS) -> dict:
    """The shipped portfolio on the tables it was learned from (optimistic: for reference only)."""
    norm, keep = normalize(m.score, m.constant)
    families = [c["family"] for c in m.candidates]
    rows = [
        (
            anytime(order, norm[t], m.seconds[t], budgets, families),
            anytime(baseline, norm[t], m.seconds[t], budgets, families),
        )
        for t in np.flatnonzero(keep)
    ]
    return {
        str(b): {"learned": float(np.mean([r[0][i] for r in rows])), "default": float(np.mean([r[1][i] for r in rows]))}
        for i, b in enumerate(budgets)
    }


def summarize_loo(result: dict) -> dict:
    """Mean anytime score of each order per budget, and tables won/tied/lost by the learned one."""
    rows = result["rows"]
    out = {}
    for i, b in enumerate(result["budgets"]):
        learned = np.array([r["learned"][i] for r in rows])
        entry = {"learned": float(learned.mean()), "n": len(rows)}
        if rows and "default" in rows[0]:
            default = np.array([r["default"][i] for r in rows])
            diff = learned - default
            entry.update(
                {
                    "default": float(default.mean()),
                    "wins": int((diff > 0.002).sum()),
                    "ties": int((abs(diff) <= 0.002).sum()),
                    "losses": int((diff < -0.002).sum()),
                }
            )
        out[str(b)] = entry
    return out


# ---------------------------------------------------------------- reading the results
#: A trial longer than this (CPU seconds) is a timeout: the cross-evaluation's trial window.
CAP_SECONDS = 12.0


def load_matrix(candidates: list[dict], matrix_rows: list[dict], tables=None, cap: float = CAP_SECONDS) -> Matrix:
    """The matrix over the tables that have a cell for every candidate (complete rows only).
    A timeout, or a trial longer than ``cap``, has no score and costs at least ``cap``."""
    from common import constant_score
    from tables import TABLES, load

    ids = [c["id"] for c in candidates]
    col = {cid: j for j, cid in enumerate(ids)}
    cells: dict[str, dict[str, dict]] = {}
    for r in matrix_rows:
        if r["candidate"] in col:
            cells.setdefault(r["table"], {})[r["candidate"]] = r
    chosen = [t for t in (tables or TABLES) if len(cells.get(t.name, {})) == len(ids)]
    score = np.full((len(chosen), len(ids)), np.nan)
    seconds = np.full((len(chosen), len(ids)), np.nan)
    constant = np.zeros(len(chosen))
    for i, t in enumerate(chosen):
        for cid, r in cells[t.name].items():
            j = col[cid]
            cpu = r.get("cpu_seconds")
            if r.get("state") == "complete" and r.get("score") is not None and cpu is not None and cpu <= cap:
                score[i, j] = r["score"]
            if cpu is not None and r.get("state") in ("complete", "failed"):
                seconds[i, j] = cpu
            elif cpu is not None and r.get("state") == "timeout":
                seconds[i, j] = max(cpu, cap)
        frame = load(t)
        constant[i] = constant_score(frame[t.target], t.task)
    return Matrix([t.name for t in chosen], [t.task for t in chosen], candidates, score, seconds, constant)


def portfolio_entries(m: Matrix, order: list[int], reference: int, rows: np.ndarray | None = None) -> list[dict]:
    """``PipelineConfig.to_dict()`` dicts in order, each with a ``stats`` mapping (over the
    tables ``rows``, all kept ones by default)."""
    norm, keep = normalize(m.score, m.constant)
    if rows is not None:
        keep = keep & rows
    rel = relative_costs(m.seconds, reference)
    norm, rel, seconds = norm[keep], rel[keep], m.seconds[keep]
    best = np.zeros(norm.shape[0])
    out = []
    top = norm.max(axis=1)
    for c in order:
        gained = norm[:, c] > best + EPS
        best = np.maximum(best, norm[:, c])
        cand = m.candidates[c]
        entry = dict(cand["config"])
        entry["stats"] = {
            "candidate": cand["id"],
            "expected_relative_cost": round(float(np.nanmedian(rel[:, c])), 3),
            "mean_relative_cost": round(float(np.nanmean(rel[:, c])), 3),
            "median_cpu_seconds": round(float(np.nanmedian(seconds[:, c])), 3),
            "tables_won": int((norm[:, c] >= top - 1e-12).sum()),
            "tables_within_1pct": int((norm[:, c] >= 0.99).sum()),
            "tables_improved_at_its_turn": int(gained.sum()),
            "mean_normalized_score": round(float(norm[:, c].mean()), 4),
            "mean_best_so_far": round(float(best.mean()), 4),
            "failed_tables": int(np.isnan(m.score[keep][:, c]).sum()),
            "n_tables": int(keep.sum()),
        }
        if cand.get("table"):
            entry["stats"]["found_on"] = cand["table"]
        out.append(entry)
    return out


def candidate_report(m: Matrix, reference: int, baseline: list[int]) -> list[dict]:
    """Per candidate: mean normalized score, tables where it is the best or within 1% of it,
    failures, median relative cost, and whether it ever raises the best-so-far in the default
    order (for the defaults)."""
    norm, keep = normalize(m.score, m.constant)
    rel = relative_costs(m.seconds, reference)[keep]
    norm, score = norm[keep], m.score[keep]
    top = norm.max(axis=1)
    raised = {}
    best = np.zeros(norm.shape[0])
    for c in baseline:
        raised[c] = int((norm[:, c] > best + 1e-3).sum())
        best = np.maximum(best, norm[:, c])
    out = []
    for j, cand in enumerate(m.candidates):
        out.append(
            {
                "candidate": cand["id"],
                "family": cand["family"],
                "mean_normalized": round(float(norm[:, j].mean()), 4),
                "best_on": int((norm[:, j] >= top - 1e-12).sum()),
                "within_1pct": int((norm[:, j] >= 0.99).sum()),
                "failed": int(np.isnan(score[:, j]).sum()),
                "median_relative_cost": round(float(np.nanmedian(rel[:, j])), 3),
                "raises_default_order_on": raised.get(j),
            }
        )
    return out


def family_report(m: Matrix) -> dict[str, float]:
    """Per family, the mean over tables of its best candidate's normalized score."""
    norm, keep = normalize(m.score, m.constant)
    norm = norm[keep]
    out = {}
    for family in sorted({c["family"] for c in m.candidates}):
        cols = [j for j, c in enumerate(m.candidates) if c["family"] == family]
        out[family] = round(float(norm[:, cols].max(axis=1).mean()), 4)
    return out


#: The ways of learning compared by leave-one-table-out (see :func:`learn`).
METHODS = ("ratio", "simulated", "ratio+defaults5", "ratio+defaults10", "simulated+defaults5", "simulated+defaults10")
#: The suffix of a method learned on the same task's tables only.
PER_TASK = " per task"
#: The leave-one-out time points that choose the shipped method (the 10 s budget's range).
DECIDING_POINTS = ("2.0", "5.0", "10.0")


def _table(summary: dict, label: str) -> list[str]:
    lines = [f"| fit seconds | {label} | default order | wins/ties/losses |", "|---|---|---|---|"]
    for b, e in summary.items():
        lines.append(f"| {b} | {e['learned']:.4f} | {e['default']:.4f} | {e['wins']}/{e['ties']}/{e['losses']} |")
    return lines


def main(argv=None) -> None:
    from candidates import OUT as CANDIDATES
    from common import HERE, RESULTS, installed_families, read_jsonl

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--candidates", default=str(CANDIDATES))
    p.add_argument("--matrix", default=str(RESULTS / "matrix.jsonl"))
    p.add_argument("--size", type=int, default=PORTFOLIO_SIZE)
    p.add_argument(
        "--method",
        choices=("auto",) + METHODS,
        default="auto",
        help="auto: the method with the better leave-one-out mean at 2, 5 and 10 s",
    )
    p.add_argument("--out", default=str(HERE / "portfolio.json"))
    p.add_argument("--evaluation", default=str(RESULTS / "evaluation.json"))
    args = p.parse_args(argv)
    candidates = json.loads(open(args.candidates).read())
    m = load_matrix(candidates, read_jsonl(args.matrix))
    if not m.tables:
        raise SystemExit("no table has a cell for every candidate yet")
    ids = m.ids
    reference = ids.index("default:hist_gradient_boosting:0")
    costs = {name: f.cost for name, f in installed_families().items()}
    baseline = [ids.index(i) for i in default_order([c for c in candidates if c["kind"] == "default"], costs)]
    norm, keep = normalize(m.score, m.constant)
    out_lines = [f"{len(m.tables)} tables with every candidate ({int(keep.sum())} kept), {len(ids)} candidates"]

    loo, summaries = {}, {}
    for method in METHODS:
        for same_task in (False, True):
            name = method + (PER_TASK if same_task else "")
            loo[name] = leave_one_out(m, reference, args.size, TIME_POINTS, baseline, same_task, method)
            summaries[name] = summarize_loo(loo[name])
            out_lines += ["", f"leave-one-table-out, {name}:"] + _table(summaries[name], f"learned ({name})")
    method = args.method
    if method == "auto":
        method = max(summaries, key=lambda k: np.mean([summaries[k][b]["learned"] for b in DECIDING_POINTS]))
    base = method.replace(PER_TASK, "")
    order = learn(m, keep, reference, args.size, base, baseline=baseline)
    entries = portfolio_entries(m, order, reference)
    by_task = {}
    for task in sorted(set(m.tasks)):
        rows = keep & np.array([t == task for t in m.tasks])
        by_task[task] = portfolio_entries(
            m, learn(m, rows, reference, args.size, base, baseline=baseline), reference, rows
        )
    doc = {
        "format": 1,
        "about": "Zero-shot portfolio of the automl_core engine, learned across training tables that are "
        "neither shared benchmark nor held-out datasets (benchmarks/portfolio/README.md). Ordered: "
        "try first to last. 'configs' is learned on every table, 'by_task' on each task's tables; "
        "'recommended' says which the leave-one-table-out evidence favours. "
        "stats.expected_relative_cost is CPU seconds over the engine's first HistGradientBoosting "
        "default on the same table (median over tables).",
        "method": base,
        "recommended": "by_task" if method.endswith(PER_TASK) else "configs",
        "tables": [t for t, k in zip(m.tables, keep) if k],
        "n_candidates": len(ids),
        "configs": entries,
        "by_task": by_task,
    }
    with open(args.out, "w") as f:
        f.write(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    report = candidate_report(m, reference, baseline)
    families = family_report(m)
    with open(args.evaluation, "w") as f:
        f.write(
            json.dumps(
                {
                    "method": method,
                    "summaries": summaries,
                    "in_sample": summarize_in_sample(m, order, baseline),
                    "families_best_candidate": families,
                    "candidates": report,
                    "budgets": list(TIME_POINTS),
                    "rows": loo[method]["rows"],
                    "rows_by_method": {k: v["rows"] for k, v in loo.items()},
                },
                indent=1,
            )
            + "\n"
        )
    out_lines += [
        "",
        f"chosen: {method}; portfolio (all tables): " + ", ".join(e["stats"]["candidate"] for e in entries),
    ]
    for task, task_entries in by_task.items():
        out_lines.append(f"  {task}: " + ", ".join(e["stats"]["candidate"] for e in task_entries))
    out_lines += ["", "in sample (the shipped portfolio on the tables it was learned from; optimistic):"]
    out_lines += [
        f"  {b} s: {e['learned']:.4f} vs default {e['default']:.4f}"
        for b, e in summarize_in_sample(m, order, baseline).items()
    ]
    out_lines += [
        "",
        f"per family, mean over tables of its best candidate: {families}",
        "",
        "| candidate | mean normalized | best on | within 1% | failed | median rel. cost | raises default order on |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in sorted(report, key=lambda r: -r["mean_normalized"]):
        out_lines.append(
            f"| {r['candidate']} | {r['mean_normalized']:.3f} | {r['best_on']} | {r['within_1pct']} | "
            f"{r['failed']} | {r['median_relative_cost']} | "
            f"{'' if r['raises_default_order_on'] is None else r['raises_default_order_on']} |"
        )
    rows = loo[method]["rows"]
    for task in sorted(set(m.tasks)):
        sub = [r for r in rows if r["task"] == task]
        if sub:
            means = [
                (b, np.mean([r["learned"][i] for r in sub]), np.mean([r["default"][i] for r in sub]))
                for i, b in enumerate(TIME_POINTS)
            ]
            out_lines.append(
                f"{task} ({len(sub)} tables): "
                + ", ".join(f"{b} s {learned:.3f} vs {d:.3f}" for b, learned, d in means)
            )
    print("\n".join(out_lines))


if __name__ == "__main__":
    main()
