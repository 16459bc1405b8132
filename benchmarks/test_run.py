"""Tests of the harness with real child processes; only the constant runner, no peers needed.

The harness runs here on the repository's test datasets (``tests/data``, a manifest in the shared
one's format), named as the shared datasets through ``$AUTOML_DATASETS``."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import run

TEST_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
MANIFEST = TEST_DATA / "manifest.json"


@pytest.fixture(autouse=True)
def shared_datasets_are_the_test_data(monkeypatch):
    monkeypatch.setenv(run.DATASETS_ENV, str(TEST_DATA))


def penguins() -> pd.Series:
    entry = run.select_datasets(MANIFEST, "penguins")[0]
    return pd.read_csv(entry["path"])["species"]


@pytest.mark.slow
def test_constant_run_writes_a_row_and_a_report(tmp_path):
    run.main(
        ["--budget", "5", "--datasets", "penguins", "--systems", "constant", "--small-seeds", "1"]
        + ["--results", str(tmp_path)]
    )
    [jsonl] = tmp_path.glob("*-5s.jsonl")
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["status"] == "ok" and row["metric"] == "log_loss"
    assert (row["n_train"], row["n_test"]) == (275, 69)
    entry = run.select_datasets(MANIFEST, "penguins")[0]
    split = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    species = penguins()
    prior = species.iloc[split["train"]].value_counts(normalize=True)
    expected = -sum(math.log(prior[label]) for label in species.iloc[split["test"]]) / len(split["test"])
    assert row["score"] == pytest.approx(expected, rel=1e-6)
    assert row["peak_mem_mb"] > 10 and row["cores"] == os.cpu_count()
    assert "| penguins |" in jsonl.with_suffix(".md").read_text()


@pytest.mark.slow
def test_another_seed_writes_its_own_files(tmp_path):
    run.main(
        ["--budget", "5", "--datasets", "penguins", "--systems", "constant", "--seed", "3", "--small-seeds", "1"]
        + ["--results", str(tmp_path)]
    )
    [jsonl] = tmp_path.glob("*-5s-seed3.jsonl")
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["seed"] == 3 and not list(tmp_path.glob("*-5s.jsonl"))


def test_split_is_stratified_and_reproducible(tmp_path):
    entry = run.select_datasets(MANIFEST, "penguins")[0]
    first = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    again = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    assert first == again
    species = penguins()
    shares = species.iloc[first["test"]].value_counts(normalize=True)
    assert (shares - species.value_counts(normalize=True)).abs().max() < 0.02


@pytest.mark.slow
def test_child_past_its_timeout_is_killed_with_its_own_children(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time; p = subprocess.Popen(['sleep', '60']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    child = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 2)
    assert child.status == "timeout" and child.wall_s < 10
    assert not alive(int(pid_file.read_text()))


def test_a_child_killed_by_a_signal_is_an_error_that_names_the_signal(tmp_path):
    script = "import os, signal; os.kill(os.getpid(), signal.SIGALRM)"  # the default action: a silent death
    child = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 30)
    assert child.status == "error"
    assert "killed by SIGALRM" in run.log_tail(tmp_path / "log")


def alive(pid: int, wait: float = 5) -> bool:
    """Whether ``pid`` still runs (a zombie awaiting its reaper does not count)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.1)
    return True


def test_crashing_child_is_an_error(tmp_path):
    cmd = [sys.executable, "-c", "raise SystemExit('broken runner')"]
    child = run.run_child(cmd, dict(os.environ), tmp_path / "log", timeout=30)
    assert child.status == "error" and child.peak_mb > 0
    assert "broken runner" in run.log_tail(tmp_path / "log")


def test_the_tree_peak_counts_the_childs_own_children(tmp_path):
    script = (
        "import subprocess, sys, time\n"
        "hold = 'import time; b = bytearray(200 * 2**20); b[::4096] = bytes(len(b[::4096])); time.sleep(2)'\n"
        "kids = [subprocess.Popen([sys.executable, '-c', hold]) for _ in range(2)]\n"
        "[k.wait() for k in kids]\n"
    )
    child = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 60)
    assert child.status == "ok" and child.peak_mb >= 200
    assert child.tree_peak_mb >= 400 and child.tree_peak_pss_mb >= 400  # two grandchildren of 200 MB at once


def test_the_tree_pss_counts_pages_shared_by_a_fork_once(tmp_path):
    """A parent that holds 300 MB and forks two children that only read it: RSS summed over
    the three counts the 300 MB three times, PSS once."""
    script = (
        "import os, time\n"
        "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])\n"
        "kids = []\n"
        "for _ in range(2):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        sum(b[::4096]); time.sleep(2); os._exit(0)\n"
        "    kids.append(pid)\n"
        "[os.waitpid(k, 0) for k in kids]\n"
    )
    child = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 60)
    assert child.status == "ok"
    assert child.tree_peak_mb >= 850  # 3 x 300 MB, less what was not yet touched when sampled
    assert 300 <= child.tree_peak_pss_mb <= 500


@pytest.mark.slow
def test_a_small_dataset_runs_on_the_next_split_seeds_too_and_is_summarized_over_them(tmp_path):
    run.main(
        ["--budget", "5", "--datasets", "penguins", "--systems", "constant", "--seed", "2", "--small-seeds", "2"]
        + ["--results", str(tmp_path)]
    )
    first, second = (tmp_path.glob(f"*-5s-seed{seed}.jsonl") for seed in (2, 3))
    [first], [second] = list(first), list(second)
    rows = [json.loads(line) for path in (first, second) for line in path.read_text().splitlines()]
    assert [(r["seed"], r["dataset"], r["status"]) for r in rows] == [(2, "penguins", "ok"), (3, "penguins", "ok")]
    assert "| penguins | log_loss ↓ | 2 |" in first.with_name(first.stem + "-splits.md").read_text()


def test_small_datasets_are_planned_on_more_splits_after_the_first_pass():
    big, small, unknown = {"name": "big", "rows": 5_000}, {"name": "small", "rows": 400}, {"name": "no rows"}
    assert run.run_plan([big, small, unknown], 0, 3) == [(0, [big, small, unknown]), (1, [small]), (2, [small])]
    assert run.run_plan([big, small], 4, 1) == [(4, [big, small])]
    assert run.run_plan([big], 0, 5) == [(0, [big])]
    with pytest.raises(SystemExit):
        run.parse_args(["--small-seeds", "0"])


def test_unknown_dataset_is_refused():
    with pytest.raises(SystemExit, match="nope"):
        run.select_datasets(MANIFEST, "penguins,nope")


def test_the_shared_datasets_come_from_the_environment_else_beside_the_repository(monkeypatch, tmp_path):
    other = tmp_path / "heldout" / "manifest.json"
    other.parent.mkdir()
    other.write_text("[]")
    day = dt.date(2026, 1, 2)
    args = run.parse_args([])
    assert args.manifest == MANIFEST and run.result_stem(day, args) == "2026-01-02-60s"  # from $AUTOML_DATASETS
    args = run.parse_args(["--manifest", str(other)])  # other datasets: rows of their own
    assert args.manifest == other and run.result_stem(day, args) == "2026-01-02-60s-heldout"
    monkeypatch.delenv(run.DATASETS_ENV)
    monkeypatch.setattr(run, "BESIDE", TEST_DATA)
    args = run.parse_args([])
    assert args.manifest == MANIFEST and run.result_stem(day, args) == "2026-01-02-60s"  # beside the repository
    args = run.parse_args(["--manifest", str(MANIFEST)])  # the shared manifest named: the shared rows
    assert run.result_stem(day, args) == "2026-01-02-60s"


def test_no_datasets_anywhere_is_an_error_naming_both_ways(monkeypatch, tmp_path):
    monkeypatch.delenv(run.DATASETS_ENV)
    monkeypatch.setattr(run, "BESIDE", tmp_path / "shared" / "datasets")
    with pytest.raises(SystemExit, match=r"pass --manifest .*, or set AUTOML_DATASETS to the folder"):
        run.main(["--budget", "5", "--systems", "constant", "--results", str(tmp_path / "results")])
    monkeypatch.setenv(run.DATASETS_ENV, str(tmp_path / "nothing"))
    with pytest.raises(SystemExit, match=r"no manifest at .*nothing/manifest.json \(from AUTOML_DATASETS=.*--manifest"):
        run.parse_args([])
    with pytest.raises(SystemExit, match=r"no manifest at .*absent.json \(from --manifest\)"):
        run.parse_args(["--manifest", str(tmp_path / "absent.json")])
    assert not (tmp_path / "results").exists()
