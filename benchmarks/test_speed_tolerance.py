"""The paired speed-tolerance benchmark on the repository's test data: one search, two choices
from it, both final models real and scored on the same test rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import speed_tolerance

TEST_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


@pytest.mark.slow
def test_one_search_gives_both_choices_scored_and_timed(tmp_path):
    args = ["--budget", "6", "--datasets", "insurance_charges", "--repeats", "1"]
    assert (
        speed_tolerance.main([*args, "--manifest", str(TEST_DATA / "manifest.json"), "--results", str(tmp_path)]) == 0
    )
    [jsonl] = tmp_path.glob("*-6s-speed-tolerance-data.jsonl")
    [row] = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert row["dataset"] == "insurance_charges" and row["tolerance"] == speed_tolerance.SPEED_TOLERANCE
    for side in ("exact", "tolerant"):
        assert row[side]["members"] and row[side]["first_s"] > 0 and row[side]["median_s"] > 0
        assert row[side]["score"] < row["constant"]  # RMSE: both models beat the training mean
    table = (tmp_path / jsonl.name.replace(".jsonl", ".md")).read_text()
    assert "| insurance_charges |" in table and "1 datasets" in table


def _row(metric: str, constant: float, exact: float, tolerant: float) -> dict:
    side = {"members": ["linear #1"], "first_s": 0.01, "median_s": 0.01}
    return {
        "dataset": "d",
        "metric": metric,
        "n_test": 100,
        "constant": constant,
        "exact": {**side, "score": exact},
        "tolerant": {**side, "score": tolerant},
    }


def test_the_change_is_a_share_of_the_gain_over_a_constant_whichever_way_the_metric_goes():
    assert speed_tolerance.gain_share(_row("roc_auc", 0.5, 0.9, 0.896)) == pytest.approx(-0.01)
    assert speed_tolerance.gain_share(_row("roc_auc", 0.5, 0.9, 0.904)) == pytest.approx(0.01)
    assert speed_tolerance.gain_share(_row("rmse", 10.0, 5.0, 5.05)) == pytest.approx(-0.01)
    assert speed_tolerance.gain_share(_row("log_loss", 1.0, 0.5, 0.495)) == pytest.approx(0.01)
    assert speed_tolerance.gain_share(_row("rmse", 5.0, 5.0, 6.0)) == 0.0  # no gain to share
