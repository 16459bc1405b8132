"""A large training set for the one-machine scaling benchmark, generated, never committed.

Resamples the shared ``diamonds`` dataset (about 54,000 rows) to any number of rows with
noise, so that no row repeats: numeric features are multiplied by a log-normal factor
(sd 2%), one categorical level in twenty is redrawn from that column's distribution, and the
price is recomputed as the original row's price times the same carat factor, raised to the
power of 1.7 (price grows faster than carat), times a log-normal noise of sd 5%.

    python benchmarks/big_data.py --rows 1000000 --out /tmp/diamonds-1m.parquet
    AUTOML_DATASETS=PATH/TO/shared/datasets python benchmarks/big_data.py ...
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
NUMERIC_NOISE, LEVEL_NOISE, PRICE_NOISE, PRICE_POWER = 0.02, 0.05, 0.05, 1.7


def source_frame(datasets: Path) -> tuple[pd.DataFrame, str]:
    """The diamonds dataset and its target, found through the shared manifest."""
    entry = {d["name"]: d for d in json.loads((datasets / "manifest.json").read_text())}["diamonds"]
    return pd.read_csv(datasets / entry["file"]), entry["target"]


def resample(frame: pd.DataFrame, target: str, rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` rows drawn with replacement from ``frame``, each with its own noise."""
    rng = np.random.default_rng(seed)
    out = frame.iloc[rng.integers(0, len(frame), size=rows)].reset_index(drop=True)
    carat_factor = rng.lognormal(0.0, NUMERIC_NOISE, size=rows)
    for column in out.columns:
        if column == target:
            continue
        if pd.api.types.is_numeric_dtype(out[column]):
            factor = carat_factor if column == "carat" else rng.lognormal(0.0, NUMERIC_NOISE, size=rows)
            out[column] = (out[column] * factor).round(3)
        else:
            redraw = rng.random(rows) < LEVEL_NOISE
            levels = frame[column].value_counts(normalize=True)
            out.loc[redraw, column] = rng.choice(levels.index.to_numpy(), size=int(redraw.sum()), p=levels.to_numpy())
    noise = rng.lognormal(0.0, PRICE_NOISE, size=rows)
    out[target] = (out[target] * carat_factor**PRICE_POWER * noise).round(0)
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, required=True, help="a .parquet or .csv file")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--datasets",
        type=Path,
        default=Path(os.environ.get("AUTOML_DATASETS", HERE.parent.parent / "shared" / "datasets")),
        help="the folder of the shared datasets' manifest.json (default $AUTOML_DATASETS)",
    )
    args = p.parse_args(argv)
    frame, target = source_frame(args.datasets)
    big = resample(frame, target, args.rows, args.seed)
    if args.out.suffix == ".parquet":
        big.to_parquet(args.out, index=False)
    else:
        big.to_csv(args.out, index=False)
    print(f"{len(big):,} rows, {big.shape[1]} columns, target {target!r}, written to {args.out}")


if __name__ == "__main__":
    main()
