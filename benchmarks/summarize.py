"""Summarize benchmark rows: raw scores, normalized scores, pairwise wins, speed and memory.

Normalized score, per dataset: 0 is the constant predictor, 1 the best system on that dataset
(lower-is-better metrics are flipped first). A failed run (error or time-out) counts as 0; a
dataset without a successful constant row, or where no system beats it, is left out.
When several files hold the same (budget, system, dataset), the row that finished last wins,
so a rerun on a quiet machine replaces a row that ran under load.

    python benchmarks/summarize.py benchmarks/results/*.jsonl [--out table.md] [--readme README.md]
    python benchmarks/summarize.py --splits results/2026-12-04-60s.jsonl results/2026-12-04-60s-seed*.jsonl

``--splits`` reads rows of several split seeds (``run.py --seed``, and the small datasets'
extra seeds, ``--small-seeds``) and gives, for each dataset run on two splits or more, the mean
and spread of each system's score over the splits, the mean normalized score (normalized within
each split) and the wins and losses per split: a dataset under 2,000 rows is judged so, on the
mean over five splits, because one test split of a few hundred rows cannot separate systems a
few hundredths apart (issue #21).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import pandas as pd

LOWER_IS_BETTER = {"log_loss", "rmse", "mse", "mae"}
BASELINE = "constant"
TIE = 0.002
KEY = ["budget_s", "system", "dataset"]
README_START = "<!-- latest-results:start -->"
README_END = "<!-- latest-results:end -->"


def load(paths) -> pd.DataFrame:
    """All rows of the JSONL files, keeping the last finished row per (budget, system, dataset)."""
    lines = [line for path in paths for line in Path(path).read_text().splitlines() if line.strip()]
    rows = [json.loads(line) for line in lines]
    if not rows:
        raise ValueError(f"no rows in {', '.join(map(str, paths))}")
    frame = pd.DataFrame(rows)
    frame = frame.sort_values("finished_at", kind="stable")
    return frame.drop_duplicates(KEY, keep="last").reset_index(drop=True)


def load_splits(paths) -> pd.DataFrame:
    """All rows of the JSONL files, keeping the last finished row per (seed, budget, system, dataset)."""
    lines = [line for path in paths for line in Path(path).read_text().splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"no rows in {', '.join(map(str, paths))}")
    frame = pd.DataFrame([json.loads(line) for line in lines]).sort_values("finished_at", kind="stable")
    frame["seed"] = frame.get("seed", pd.Series(0, index=frame.index)).fillna(0).astype(int)
    return frame.drop_duplicates(["seed", *KEY], keep="last").reset_index(drop=True)


def split_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, seed, system) of one budget: the raw score (NaN for a failure)
    and the score normalized among the systems of that split."""
    parts = []
    for seed, group in rows.groupby("seed"):
        norm = normalize(group).stack(future_stack=True).rename("normalized").reset_index()
        raw = group.assign(raw=group["score"].where(group["status"] == "ok"))[["dataset", "system", "metric", "raw"]]
        parts.append(raw.merge(norm, on=["dataset", "system"], how="left").assign(seed=seed))
    return pd.concat(parts, ignore_index=True)


def render_splits(rows: pd.DataFrame, min_splits: int = 2) -> str:
    """The markdown report of the datasets of one budget run on ``min_splits`` split seeds or more."""
    scores = split_scores(rows)
    splits = scores.groupby("dataset")["seed"].nunique()
    scores = scores[scores["dataset"].isin(splits[splits >= min_splits].index)]
    if scores.empty:
        return f"No dataset was run on {min_splits} split seeds or more."
    systems = sorted(set(scores["system"]) - {BASELINE})
    raw = scores.groupby(["dataset", "system"])["raw"].agg(["mean", "std"])
    table = pd.DataFrame(
        {
            system: {
                dataset: f"{_number(raw.loc[(dataset, system), 'mean'])} ± {_number(raw.loc[(dataset, system), 'std'])}"
                for dataset in sorted(scores["dataset"].unique())
                if (dataset, system) in raw.index
            }
            for system in [BASELINE, *systems]
        }
    )
    metrics = scores.groupby("dataset")["metric"].first()
    table.insert(0, "metric", metrics.map(lambda m: f"{m} {'↓' if m in LOWER_IS_BETTER else '↑'}"))
    table.insert(1, "splits", splits.reindex(table.index))
    parts = [
        f"### Budget {rows['budget_s'].iloc[0]:g} s, datasets on {min_splits} split seeds or more",
        "Primary score, mean ± standard deviation over the splits:",
        markdown_table(table),
    ]
    if systems:
        wide = scores[scores["system"].isin(systems)].pivot_table(
            index=["dataset", "seed"], columns="system", values="normalized", dropna=False
        )
        mean_norm = wide.groupby(level="dataset").mean()
        mean_norm.loc["**mean**"] = mean_norm.mean()
        parts += [
            f"Normalized within each split (0 = {BASELINE}, 1 = best of the split), mean over the splits:",
            markdown_table(mean_norm),
            f"Wins/ties/losses per split of the row system against the column system (tie: within {TIE}):",
            markdown_table(pairwise(wide.reset_index(drop=True)).rename_axis("")),
        ]
    return "\n\n".join(parts)


def normalize(rows: pd.DataFrame) -> pd.DataFrame:
    """Normalized scores of one budget's rows: a dataset x system table (NaN: not comparable)."""
    ok = rows["status"] == "ok"
    sign = rows["metric"].map(lambda m: -1.0 if m in LOWER_IS_BETTER else 1.0)
    gain = (sign * rows["score"].where(ok)).astype(float)
    table = rows.assign(gain=gain).pivot(index="dataset", columns="system", values="gain")
    if BASELINE not in table:
        return table * float("nan")
    floor = table[BASELINE]
    spread = table.max(axis=1) - floor
    scaled = table.sub(floor, axis=0).div(spread.where(spread > 0), axis=0)
    ran = rows.pivot(index="dataset", columns="system", values="status").notna()
    comparable = spread.gt(0)
    return scaled.where(~(ran & scaled.isna()), 0.0).where(comparable, axis=0)


def pairwise(norm: pd.DataFrame) -> pd.DataFrame:
    """Wins/ties/losses of each row system against each column system (tie: within 0.002)."""
    systems = list(norm.columns)
    table = pd.DataFrame("", index=systems, columns=systems)
    for a, b in itertools.permutations(systems, 2):
        diff = (norm[a] - norm[b]).dropna()
        wins, losses = int((diff > TIE).sum()), int((diff < -TIE).sum())
        table.loc[a, b] = f"{wins}/{len(diff) - wins - losses}/{losses}"
    return table


def per_system(rows: pd.DataFrame, norm: pd.DataFrame) -> pd.DataFrame:
    """Mean normalized score, failures, and speed and memory of the successful runs."""
    ok = rows[rows["status"] == "ok"].groupby("system")
    every = rows.groupby("system")
    table = pd.DataFrame(
        {
            "mean normalized": norm.mean(),
            "datasets": norm.notna().sum(),
            "failures": every["status"].apply(lambda s: int((s != "ok").sum())),
            "median fit s": ok["fit_s"].median(),
            "median fit/budget": ok["fit_over_budget"].median(),
            "median predict rows/s": ok["predict_rows_per_s"].median(),
            "max peak MB": every["peak_mem_mb"].max(),
            "max tree peak MB": every["peak_tree_mb"].max() if "peak_tree_mb" in rows else float("nan"),
            "max tree PSS MB": every["peak_tree_pss_mb"].max() if "peak_tree_pss_mb" in rows else float("nan"),
            "max load at start": every["loadavg_start"].apply(lambda s: max(v[0] for v in s)),
        }
    )
    counts = ["datasets", "failures"]
    table[counts] = table[counts].fillna(0).astype(int)
    return table.sort_values("mean normalized", ascending=False)


def raw_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Each dataset's primary and secondary score per system, or the failure status."""

    def cell(r) -> str:
        if r["status"] != "ok":
            return r["status"]
        return f"{_number(r['score'])} · {_number(r['secondary_score'])}"

    table = rows.assign(cell=rows.apply(cell, axis=1)).pivot(index="dataset", columns="system", values="cell")
    first = rows.groupby("dataset")[["metric", "secondary_metric"]].first()
    arrow = first["metric"].map(lambda m: "↓" if m in LOWER_IS_BETTER else "↑")
    table.insert(0, "metrics", first["metric"] + " " + arrow + " · " + first["secondary_metric"] + " ↑")
    return table.fillna("")


def predict_speed(rows: pd.DataFrame) -> pd.DataFrame:
    """Predict rows/s per dataset and system (successful runs; the baseline left out)."""
    ok = rows[(rows["status"] == "ok") & (rows["system"] != BASELINE)]
    return ok.pivot(index="dataset", columns="system", values="predict_rows_per_s").rename_axis(None, axis=1)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4f}"


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table of ``frame`` with its index as the first column."""

    def fmt(value) -> str:
        if isinstance(value, float):
            if pd.isna(value):
                return ""
            return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.{digits}f}"
        return str(value)

    header = [frame.index.name or ""] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, values in zip(frame.index, frame.itertuples(index=False)):  # keeps column types
        lines.append("| " + " | ".join([str(index)] + [fmt(v) for v in values]) + " |")
    return "\n".join(lines)


def render_budget(rows: pd.DataFrame) -> str:
    """The markdown report of one budget's rows."""
    norm = normalize(rows)
    first, last = rows["finished_at"].min()[:16], rows["finished_at"].max()[:16]
    hosts = ", ".join(f"{h} ({c} cores)" for h, c in rows.groupby("host")["cores"].max().items())
    versions = rows.get("system_version", pd.Series(dtype=object)).dropna().unique()
    return "\n\n".join(
        [
            f"### Budget {rows['budget_s'].iloc[0]:g} s — runs finished {first} to {last} on {hosts}",
            "Versions: " + (", ".join(sorted(versions)) or "none succeeded"),
            "Scores on the 20% test split, primary · secondary (↑ higher is better, ↓ lower is better):",
            markdown_table(raw_scores(rows)),
            f"Normalized (0 = {BASELINE}, 1 = best on the dataset; a failure counts as 0):",
            markdown_table(norm),
            markdown_table(per_system(rows, norm)),
            "Predict rows/s on the test split (`predict` plus `predict_proba`, first call) per dataset:",
            markdown_table(predict_speed(rows)),
            f"Wins/ties/losses of the row system against the column system (tie: within {TIE} normalized):",
            markdown_table(pairwise(norm).rename_axis("")),
        ]
    )


def render(rows: pd.DataFrame) -> str:
    """The markdown report, one section per budget."""
    return "\n\n".join(render_budget(group) for _, group in rows.groupby("budget_s")) + "\n"


def progress_line(row: dict) -> str:
    """One line per finished run, for the console."""
    head = f"{row['dataset']:>20} {row['system']:>10} {row['status']:>7}"
    if row["status"] != "ok":
        last = (row.get("error") or "").strip().splitlines()
        return f"{head}  {last[-1] if last else ''}"
    return (
        f"{head}  {row['metric']}={row['score']:.4f}  fit={row['fit_s']:.1f}s"
        f"  predict={row['predict_rows_per_s']:,.0f} rows/s  peak={row['peak_mem_mb']:.0f} MB"
    )


def update_readme(readme: Path, report: str) -> None:
    """Replace the text between the latest-results markers of ``readme`` with ``report``."""
    text = readme.read_text()
    head, found, rest = text.partition(README_START)
    _, end_found, tail = rest.partition(README_END)
    if not (found and end_found):
        raise ValueError(f"{readme} lacks the markers {README_START} and {README_END}")
    readme.write_text(f"{head}{README_START}\n{report}{README_END}{tail}")


def main(argv=None) -> None:
    """Print (and optionally save) the summary of the given JSONL files."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("jsonl", nargs="+", type=Path)
    p.add_argument("--splits", action="store_true", help="the datasets run on several split seeds, over the splits")
    p.add_argument(
        "--systems", help="comma-separated: only these systems' rows (and the constant's), normalized among them"
    )
    p.add_argument("--out", type=Path, help="also write the markdown here")
    p.add_argument("--readme", type=Path, help="replace the latest-results section of this README")
    args = p.parse_args(argv)
    rows = load_splits(args.jsonl) if args.splits else load(args.jsonl)
    if args.systems:
        rows = rows[rows["system"].isin({*args.systems.split(","), BASELINE})]
    if args.splits:
        report = "\n\n".join(render_splits(group) for _, group in rows.groupby("budget_s")) + "\n"
    else:
        report = render(rows)
    print(report)
    if args.out:
        args.out.write_text(report)
    if args.readme:
        update_readme(args.readme, report)


if __name__ == "__main__":
    main()
