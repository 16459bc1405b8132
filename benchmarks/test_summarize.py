"""Tests of the summary logic on hand-written rows; they need none of the peer systems."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import summarize


def row(system, dataset, score, metric="roc_auc", status="ok", finished="2026-11-28T10:00:00", **more):
    """One result row with the fields the summary reads."""
    return {
        "system": system,
        "dataset": dataset,
        "metric": metric,
        "score": score,
        "status": status,
        "secondary_metric": "accuracy",
        "secondary_score": score,
        "budget_s": 60.0,
        "finished_at": finished,
        "fit_s": 1.0,
        "fit_over_budget": 1 / 60,
        "predict_rows_per_s": 1000.0,
        "peak_mem_mb": 100.0,
        "loadavg_start": [0.1, 0.1, 0.1],
        "host": "box",
        "cores": 2,
        **more,
    }


def frame(*rows):
    return pd.DataFrame(list(rows))


def test_higher_is_better_scales_constant_to_0_and_best_to_1():
    norm = summarize.normalize(frame(row("constant", "d", 0.5), row("a", "d", 0.9), row("b", "d", 0.7)))
    assert norm.loc["d"].to_dict() == pytest.approx({"constant": 0.0, "a": 1.0, "b": 0.5})


def test_lower_is_better_is_flipped():
    rows = frame(row("constant", "d", 1.0, "log_loss"), row("a", "d", 0.2, "log_loss"), row("b", "d", 0.6, "log_loss"))
    norm = summarize.normalize(rows)
    assert norm.loc["d"].to_dict() == pytest.approx({"constant": 0.0, "a": 1.0, "b": 0.5})


def test_worse_than_constant_is_negative_and_a_failure_counts_as_constant():
    rows = frame(
        row("constant", "d", 10.0, "rmse"),
        row("a", "d", 5.0, "rmse"),
        row("b", "d", 15.0, "rmse"),
        row("c", "d", None, "rmse", status="timeout"),
    )
    norm = summarize.normalize(rows)
    assert norm.loc["d"].to_dict() == pytest.approx({"constant": 0.0, "a": 1.0, "b": -1.0, "c": 0.0})


def test_dataset_without_constant_row_is_not_comparable():
    rows = frame(
        row("constant", "d", 0.5), row("a", "d", 0.9), row("a", "e", 0.8), row("constant", "e", None, status="error")
    )
    norm = summarize.normalize(rows)
    assert norm.loc["d", "a"] == 1.0
    assert norm.loc["e"].isna().all()


def test_pairwise_counts_ties_within_threshold():
    norm = pd.DataFrame({"a": [1.0, 0.999, 0.5], "b": [0.5, 1.0, 1.0]}, index=["d1", "d2", "d3"])
    table = summarize.pairwise(norm)
    assert table.loc["a", "b"] == "1/1/1"
    assert table.loc["b", "a"] == "1/1/1"
    norm.loc["d2", "a"] = 0.99
    assert summarize.pairwise(norm).loc["a", "b"] == "1/0/2"


def test_latest_row_per_system_and_dataset_wins(tmp_path):
    loaded = tmp_path / "loaded.jsonl"
    quiet = tmp_path / "quiet.jsonl"
    loaded.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                row("a", "d", 0.6, finished="2026-11-28T10:00:00"),
                row("constant", "d", 0.5, finished="2026-11-28T10:01:00"),
            ]
        )
        + "\n"
    )
    quiet.write_text(json.dumps(row("a", "d", 0.8, finished="2026-11-29T09:00:00")) + "\n")
    for order in ([loaded, quiet], [quiet, loaded]):
        rows = summarize.load(order)
        assert len(rows) == 2
        assert rows.set_index("system").loc["a", "score"] == 0.8


def test_different_budgets_are_kept_apart(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(
        "\n".join(json.dumps(r) for r in [row("a", "d", 0.6), {**row("a", "d", 0.9), "budget_s": 10.0}]) + "\n"
    )
    assert sorted(summarize.load([path])["budget_s"]) == [10.0, 60.0]


def test_render_reports_mean_and_failures():
    rows = frame(
        row("constant", "d", 0.5),
        row("a", "d", 0.9),
        row("b", "d", None, status="error"),
        row("constant", "e", 0.5),
        row("a", "e", 0.7),
        row("b", "e", 0.9),
    )
    stats = summarize.per_system(rows, summarize.normalize(rows))
    assert stats.loc["a", "mean normalized"] == pytest.approx(0.75)
    assert stats.loc["b", "mean normalized"] == pytest.approx(0.5)
    assert stats.loc["b", "failures"] == 1
    report = summarize.render(rows)
    assert "| a | 0.750 |" in report and "error" in report


def test_predict_speed_is_tabled_per_dataset_without_the_baseline_or_failures():
    rows = frame(
        row("constant", "d", 0.5, predict_rows_per_s=1e7),
        row("a", "d", 0.9, predict_rows_per_s=2500.0),
        row("b", "d", None, status="error", predict_rows_per_s=None),
        row("a", "e", 0.7, predict_rows_per_s=40.0),
        row("b", "e", 0.9, predict_rows_per_s=120_000.0),
    )
    table = summarize.predict_speed(rows)
    assert list(table.columns) == ["a", "b"] and list(table.index) == ["d", "e"]
    assert table.loc["d", "a"] == 2500.0 and pd.isna(table.loc["d", "b"]) and table.loc["e", "b"] == 120_000.0
    assert "| e | 40.000 | 120,000 |" in summarize.render(rows)


def test_update_readme_replaces_only_the_marked_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{summarize.README_START}\nold\n{summarize.README_END}\noutro\n")
    summarize.update_readme(readme, "new table\n")
    assert readme.read_text() == (f"intro\n{summarize.README_START}\nnew table\n{summarize.README_END}\noutro\n")


def test_datasets_on_several_splits_are_judged_on_the_mean_over_the_splits(tmp_path):
    """Two splits of a small dataset: the mean and spread of each score, the normalized scores
    averaged over the splits, and wins counted per split; a dataset on one split is left out."""
    rows = [
        row("constant", "small", 0.5, seed=0),
        row("a", "small", 0.9, seed=0),
        row("b", "small", 0.7, seed=0),
        row("constant", "small", 0.5, seed=1),
        row("a", "small", 0.8, seed=1),
        row("b", "small", 0.9, seed=1),
        row("constant", "big", 0.5, seed=0),
        row("a", "big", 0.9, seed=0),
        row("b", "big", 0.6, seed=0),
    ]
    files = []
    for seed in (0, 1):
        path = tmp_path / f"seed{seed}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["seed"] == seed))
        files.append(path)
    loaded = summarize.load_splits(files)
    scores = summarize.split_scores(loaded).set_index(["dataset", "seed", "system"])["normalized"]
    assert scores[("small", 0, "a")] == 1.0 and scores[("small", 0, "b")] == pytest.approx(0.5)
    assert scores[("small", 1, "a")] == pytest.approx(0.75) and scores[("small", 1, "b")] == 1.0
    report = summarize.render_splits(loaded)
    assert "big" not in report
    assert "0.8500 ± 0.0707" in report and "0.8000 ± 0.1414" in report  # a: 0.9 and 0.8; b: 0.7 and 0.9
    assert "| small | 0.875 | 0.750 |" in report  # a: (1 + 0.75) / 2; b: (0.5 + 1) / 2
    assert "| a |  | 1/0/1 |" in report  # a won split 0 and lost split 1


def test_rows_without_a_seed_are_split_0_and_a_rerun_replaces_its_split_only(tmp_path):
    path = tmp_path / "rows.jsonl"
    old = row("a", "d", 0.6, finished="2026-11-28T10:00:00")
    new = row("a", "d", 0.7, finished="2026-11-28T11:00:00", seed=0)
    other = row("a", "d", 0.8, finished="2026-11-28T09:00:00", seed=3)
    path.write_text("".join(json.dumps(r) + "\n" for r in (old, new, other)))
    loaded = summarize.load_splits([path]).set_index("seed")["score"]
    assert loaded.to_dict() == {0: 0.7, 3: 0.8}
