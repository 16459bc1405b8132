"""Tests of the harness with real child processes; only the constant runner, no peers needed."""
from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import run

PENGUINS = run.MANIFEST.parent / "penguins.csv"
pytestmark = pytest.mark.skipif(not PENGUINS.exists(), reason="needs the shared datasets")


def test_constant_run_writes_a_row_and_a_report(tmp_path):
    run.main(["--budget", "5", "--datasets", "penguins", "--systems", "constant", "--results", str(tmp_path)])
    [jsonl] = tmp_path.glob("*-5s.jsonl")
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["status"] == "ok" and row["metric"] == "log_loss"
    assert (row["n_train"], row["n_test"]) == (275, 69)
    entry = run.select_datasets(run.MANIFEST, "penguins")[0]
    split = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    species = pd.read_csv(PENGUINS)["species"]
    prior = species.iloc[split["train"]].value_counts(normalize=True)
    expected = -sum(math.log(prior[label]) for label in species.iloc[split["test"]]) / len(split["test"])
    assert row["score"] == pytest.approx(expected, rel=1e-6)
    assert row["peak_mem_mb"] > 10 and row["cores"] == os.cpu_count()
    assert "| penguins |" in jsonl.with_suffix(".md").read_text()


def test_another_seed_writes_its_own_files(tmp_path):
    run.main(["--budget", "5", "--datasets", "penguins", "--systems", "constant", "--seed", "3", "--results", str(tmp_path)])
    [jsonl] = tmp_path.glob("*-5s-seed3.jsonl")
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["seed"] == 3 and not list(tmp_path.glob("*-5s.jsonl"))


def test_split_is_stratified_and_reproducible(tmp_path):
    entry = run.select_datasets(run.MANIFEST, "penguins")[0]
    first = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    again = json.loads(run.write_split(entry, 0, tmp_path).read_text())
    assert first == again
    species = pd.read_csv(PENGUINS)["species"]
    shares = species.iloc[first["test"]].value_counts(normalize=True)
    assert (shares - species.value_counts(normalize=True)).abs().max() < 0.02


def test_child_past_its_timeout_is_killed_with_its_own_children(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    script = ("import subprocess, sys, time; p = subprocess.Popen(['sleep', '60']);"
              f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    status, wall, _ = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 2)
    assert status == "timeout" and wall < 10
    assert not alive(int(pid_file.read_text()))


def test_a_child_killed_by_a_signal_is_an_error_that_names_the_signal(tmp_path):
    script = "import os, signal; os.kill(os.getpid(), signal.SIGALRM)"  # the default action: a silent death
    status, _, _ = run.run_child([sys.executable, "-c", script], dict(os.environ), tmp_path / "log", 30)
    assert status == "error"
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
    status, _, peak = run.run_child(cmd, dict(os.environ), tmp_path / "log", timeout=30)
    assert status == "error" and peak > 0
    assert "broken runner" in run.log_tail(tmp_path / "log")


def test_unknown_dataset_is_refused():
    with pytest.raises(SystemExit, match="nope"):
        run.select_datasets(run.MANIFEST, "penguins,nope")
