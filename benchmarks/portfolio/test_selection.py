"""Tests of the portfolio's pure parts: normalization, costs, the greedy order, the anytime
simulation, the engine's default order, leave-one-table-out, and the candidate bookkeeping."""

from __future__ import annotations

import json

import common
import crosseval
import numpy as np
import pytest
import selection
from selection import Matrix, anytime, default_order, greedy, leave_one_out, normalize, relative_costs


def test_normalize_maps_constant_to_zero_and_best_to_one():
    scores = np.array([[0.5, 0.75, 1.0], [-2.0, -1.0, np.nan]])
    norm, keep = normalize(scores, np.array([0.5, -3.0]))
    assert keep.tolist() == [True, True]
    np.testing.assert_allclose(norm[0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(norm[1], [0.5, 1.0, 0.0])  # NaN (failed) counts as 0


def test_normalize_clips_below_constant_and_drops_tables_nobody_beats():
    scores = np.array([[0.4, 0.6], [0.3, 0.2]])
    norm, keep = normalize(scores, np.array([0.5, 0.5]))
    np.testing.assert_allclose(norm[0], [0.0, 1.0])
    assert keep.tolist() == [True, False]
    assert (norm[1] == 0).all()


def test_relative_costs_divide_by_the_reference_column_or_the_median():
    costs = np.array([[1.0, 2.0, 4.0], [np.nan, 3.0, 6.0]])
    rel = relative_costs(costs, reference=0)
    np.testing.assert_allclose(rel[0], [1.0, 2.0, 4.0])
    np.testing.assert_allclose(rel[1, 1:], [3.0 / 4.5, 6.0 / 4.5])


def test_greedy_puts_cheap_good_first_then_what_covers_the_rest():
    # candidate 0: cheap, good on table 0 only; 1: expensive, best everywhere; 2: cheap, good on table 1
    norm = np.array([[0.9, 1.0, 0.0], [0.0, 1.0, 0.9]])
    cost = np.array([[1.0, 10.0, 1.0], [1.0, 10.0, 1.0]])
    order = greedy(norm, cost, size=3)
    assert order[:2] in ([0, 2], [2, 0])
    assert order[2] == 1


def test_greedy_prefers_gain_per_cost_over_gain():
    norm = np.array([[0.8, 1.0]])
    assert greedy(norm, np.array([[1.0, 5.0]]), size=1) == [0]  # 0.8 per 1 beats 1.0 per 5
    assert greedy(norm, np.array([[1.0, 1.0]]), size=1) == [1]


def test_greedy_respects_allowed_and_size_and_fills_when_nothing_gains():
    norm = np.array([[1.0, 1.0, 0.5]])
    cost = np.ones((1, 3))
    assert greedy(norm, cost, size=2, allowed=np.array([False, True, True])) == [1, 2]
    assert greedy(norm, cost, size=5) == [0, 1, 2]  # all used, ties broken by column


def test_greedy_counts_a_missing_cost_as_the_tables_largest():
    norm = np.array([[1.0, 1.0, 1.0]])
    assert greedy(norm, np.array([[np.nan, 3.0, 2.0]]), size=1) == [2]
    assert greedy(norm, np.array([[np.nan, 3.0, 4.0]]), size=1) == [1]  # NaN counts as 4.0


def test_anytime_runs_in_order_within_windows_and_skips_what_cannot_fit():
    norm = np.array([0.2, 0.9, 0.5, 1.0])
    secs = np.array([0.1, 3.0, 0.2, 100.0])
    fams = ["a", "b", "a", "c"]
    # budget 1: window 0.4; 'b' is unseen (estimate 0.05) so it starts and times out (0.4 spent)
    assert anytime([0, 1, 2, 3], norm, secs, [1.0], fams) == [0.5]
    # budget 10: window 4: 0 (0.1), 1 (3.0) -> 0.9, 2 (0.2), 3 times out
    assert anytime([0, 1, 2, 3], norm, secs, [10.0], fams) == [0.9]
    assert anytime([0, 1, 2, 3], norm, secs, [1000.0], fams) == [1.0]


def test_anytime_skips_a_family_whose_measured_cost_exceeds_the_window():
    norm = np.array([0.5, 0.9, 0.7])
    secs = np.array([3.0, 3.0, 0.5])
    # budget 10: first 'x' takes 3 (window 4); used 3; next 'x' estimated 3 <= window 4: runs, used 6;
    # 'y' 0.5 fits: best 0.9
    assert anytime([0, 1, 2], norm, secs, [10.0], ["x", "x", "y"]) == [0.9]
    # budget 7: window 2.8 < 3: the first 'x' (unseen, estimate 0.35) starts, times out at 2.8;
    # the second is skipped (estimate 2.8 > window min(4.2, 2.8)); 'y' runs
    assert anytime([0, 1, 2], norm, secs, [7.0], ["x", "x", "y"]) == [0.7]


def test_default_order_is_round_robin_by_cost_with_the_builder_variant_after_round_one():
    entries = [
        {"id": f"default:{f}:{i}", "family": f, "default": i}
        for f, n in (("cheap", 2), ("mid", 3), ("dear", 1))
        for i in range(n)
    ]
    entries.append({"id": "default:cheap:0+fs", "family": "cheap", "default": 0})
    order = default_order(entries, {"cheap": 0.1, "mid": 1.0, "dear": 2.0})
    assert order == [
        "default:cheap:0",
        "default:mid:0",
        "default:dear:0",
        "default:cheap:0+fs",
        "default:cheap:1",
        "default:mid:1",
        "default:mid:2",
    ]


def test_leave_one_out_never_picks_candidates_found_on_the_left_out_table():
    cands = [
        {"id": "default:hgb:0", "family": "hgb"},
        {"id": "search:t0:0", "family": "x", "table": "t0"},
        {"id": "search:t1:0", "family": "y", "table": "t1"},
    ]
    score = np.array([[0.6, 1.0, 0.7], [0.6, 0.7, 1.0], [0.6, 1.0, 0.9]])
    m = Matrix(["t0", "t1", "t2"], ["binary"] * 3, cands, score, np.ones((3, 3)), np.full(3, 0.5))
    result = leave_one_out(m, reference=0, size=2, budgets=[100.0], baseline=[0])
    firsts = {r["table"]: r["learned_order"] for r in result["rows"]}
    assert "search:t0:0" not in firsts["t0"] and "search:t1:0" not in firsts["t1"]
    summary = selection.summarize_loo(result)
    assert summary["100.0"]["n"] == 3


def test_restricted_key_and_matching_ignore_stages_a_table_lacks():
    config = {
        "family": "f",
        "preprocessing": {"numeric_impute": "none", "categorical_encode": "onehot"},
        "builders": ["fs"],
        "params": {"f": {"a": 1.0}, "onehot": {"max_categories": 5}, "fs": {"k": 2}},
        "class_weight": "none",
    }
    shape = {"stages": {"f": {"numeric_impute"}}, "builders": set()}
    seen = crosseval.as_seen(config, shape)
    assert seen["preprocessing"] == {"numeric_impute": "none"} and seen["builders"] == []
    trial = {
        "family": "f",
        "preprocessing": {"numeric_impute": "none"},
        "builders": [],
        "params": {"f": {"a": 1.0, "b": 3}},
        "class_weight": "none",
    }
    assert crosseval.matches(config, trial, shape)
    assert not crosseval.matches(config, {**trial, "params": {"f": {"a": 2.0}}}, shape)
    other = json.loads(json.dumps(config))
    other["preprocessing"]["categorical_encode"] = "ordinal"
    assert crosseval.unit_key(config, shape) == crosseval.unit_key(other, shape)
    assert common.config_key(config) != common.config_key(other)


def test_read_jsonl_skips_a_torn_last_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    common.append_jsonl(path, {"a": 1})
    with open(path, "a") as f:
        f.write('{"a": 2, "b"')
    assert common.read_jsonl(path) == [{"a": 1}]


@pytest.mark.parametrize(
    "task,y,expected",
    [
        ("binary", [0, 1, 1], 0.5),
        ("multiclass", ["a", "a", "b", "b"], -np.log(2)),
        ("regression", [1.0, 3.0], -1.0),
    ],
)
def test_constant_score(task, y, expected):
    assert common.constant_score(y, task) == pytest.approx(expected)


def test_interleaved_goes_round_robin_over_tasks():
    from tables import Table

    tables = [
        Table("b1", "x", "y", "binary"),
        Table("b2", "x", "y", "binary"),
        Table("m1", "x", "y", "multiclass"),
        Table("r1", "x", "y", "regression"),
        Table("r2", "x", "y", "regression"),
    ]
    assert [t.name for t in crosseval.interleaved(tables)] == ["b1", "m1", "r1", "b2", "r2"]


def test_tables_exclude_the_shared_and_held_out_sources():
    import sys
    from pathlib import Path

    from tables import EXCLUDED, TABLES

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import heldout_datasets

    sources = {t.source for t in TABLES}
    assert not sources & set(EXCLUDED)
    assert {row[1] for row in heldout_datasets.DATASETS} <= set(EXCLUDED)
    assert {"titanic", "diamonds", "mpg", "Insurance"} <= set(EXCLUDED)
    assert len({t.name for t in TABLES}) == len(TABLES)


def test_greedy_simulated_leaves_out_what_cannot_run_in_small_budgets():
    # candidate 1 is the best but takes 30 s: it can never run within 20 s budgets (window 8 s)
    norm = np.array([[0.8, 1.0, 0.9], [0.8, 1.0, 0.9]])
    secs = np.array([[0.1, 30.0, 1.0], [0.1, 30.0, 1.0]])
    order = selection.greedy_simulated(norm, secs, ["a", "b", "c"], budgets=(2.0, 10.0), size=3)
    assert order[:2] == [0, 2]


def test_greedy_simulated_matches_anytime_on_its_own_order():
    rng = np.random.default_rng(0)
    norm = rng.uniform(size=(4, 6))
    secs = rng.uniform(0.05, 4.0, size=(4, 6))
    fams = ["a", "a", "b", "c", "c", "d"]
    order = selection.greedy_simulated(norm, secs, fams, budgets=(2.0, 5.0), size=6)
    assert sorted(order) == list(range(6))


def test_with_defaults_appends_the_baseline_without_repeats():
    assert selection.with_defaults([5, 2], [1, 2, 3, 4], 4) == [5, 2, 1, 3]
