"""memory_tree.py: what it reads of a process, and the peak it reports."""

from __future__ import annotations

import argparse
import os

import memory_tree


def test_a_process_memory_is_read_and_a_group_holds_its_processes():
    pss, private = memory_tree.memory(os.getpid())
    assert pss > 0 and 0 < private <= pss * 2
    assert memory_tree.memory(2**22 + 7) is None  # no such process
    assert os.getpid() in memory_tree.harness.group_pids(os.getpgrp())


def test_the_report_names_the_tree_peak_and_what_each_process_held_then(capsys):
    mb = 2**20
    samples = [
        (0.0, {"driver": (100 * mb, 90 * mb)}),
        (1.0, {"driver": (150 * mb, 140 * mb), "worker 7": (300 * mb, 250 * mb)}),
        (2.0, {"driver": (400 * mb, 380 * mb)}),  # the driver's own peak, after the workers ended
    ]
    args = argparse.Namespace(budget=10.0, seed=0, n_workers=None, every=1.0)
    memory_tree.report(args, {"name": "toy"}, samples, ["@0.10 fit: binary task", "@9.00 trial 3: complete"])
    out = capsys.readouterr().out
    assert "tree PSS peak 450 MB at 1.0 s" in out
    assert "| driver | 150 | 140 | 400 |" in out and "| worker 7 | 300 | 250 | 300 |" in out
    assert "@0.10 fit: binary task" in out and "trial 3: complete" not in out
