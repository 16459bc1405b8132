"""Reports of real fits opened in a real headless Chromium: every plot drawn with a size, no
console error, no request beyond the file itself; a screenshot of each kept (in pytest's
temporary folder, and in $AUTOML_REPORT_SCREENSHOTS when set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser import open_report, require_browser

from automl_core import AutoML

COMMON = ("importance", "history", "families", "members")
PLOTS = {
    "binary": ("roc", "pr", "confusion", "calibration") + COMMON,
    "multiclass": ("roc", "pr", "confusion", "calibration") + COMMON,
    "regression": ("predicted-actual", "residuals") + COMMON,
}
#: Dataset, its rows (drawn in random order) and how many of them train.
CASES = {
    "binary": ("titanic", 891, 600),
    "multiclass": ("penguins", 344, 240),
    "regression": ("insurance_charges", 1338, 900),
}


def _keep(screenshot: Path, task: str) -> None:
    folder = os.environ.get("AUTOML_REPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(folder) / f"report-{task}.png")


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(CASES))
def test_a_report_opens_in_chromium_with_every_plot_drawn(task, dataset, tmp_path):
    require_browser()
    name, rows, train_rows = CASES[task]
    frame, target, expected_task = dataset(name, rows=rows, seed=1)
    assert expected_task == task
    if name == "penguins":  # two penguins were never measured
        frame = frame.dropna(subset=["bill_length_mm"]).reset_index(drop=True)
    train, test = frame.iloc[:train_rows], frame.iloc[train_rows:]
    model = AutoML(time_budget=30, max_trials=6, seed=0).fit(train, target=target)
    path = model.report(test, bootstrap=50).save_html(tmp_path / f"{task}.html")
    assert path.stat().st_size < 2_000_000
    opened = open_report(path, tmp_path / f"{task}.png")
    _keep(tmp_path / f"{task}.png", task)
    assert opened.title == f"Evaluation report: {target} ({task})"
    missing = [p for p in PLOTS[task] if p not in opened.plots]
    assert not missing, f"plots not drawn: {missing} (notes: {opened.notes})"
    assert all(w > 100 and h > 100 for w, h in opened.plots.values()), opened.plots
    assert opened.console_errors == [] and opened.requests == []
    assert (tmp_path / f"{task}.png").stat().st_size > 10_000


@pytest.mark.slow
def test_a_report_that_could_not_draw_a_plot_says_why_in_the_browser(dataset, tmp_path):
    require_browser()
    frame, target, _ = dataset("titanic")
    model = AutoML(time_budget=20, max_trials=3, seed=0).fit(frame.iloc[:600], target=target)
    survivors = frame.iloc[600:][lambda f: f[target] == 1].head(30)  # one class only: no ROC curve
    path = model.report(survivors, bootstrap=20).save_html(tmp_path / "one-class.html")
    opened = open_report(path, tmp_path / "one-class.png")
    assert {"note-roc", "note-pr", "note-calibration"} <= set(opened.notes)
    assert "confusion" in opened.plots and opened.console_errors == [] and opened.requests == []
    assert "a single class" in path.read_text()
