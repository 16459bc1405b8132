"""The serve load test against real servers (1 and 2 workers), with a handful of requests:
that it counts and checks answers, never how fast they come."""

from __future__ import annotations

import pandas as pd
import pytest
import serve_load

pytestmark = pytest.mark.slow


def test_the_load_test_counts_every_answer_for_one_and_two_workers(tmp_path, capsys):
    from automl_core import AutoML

    frame = pd.read_csv(serve_load.TITANIC).head(200)
    AutoML(time_budget=8, max_trials=2, families=["linear"], seed=0).fit(frame, target="Survived").save(tmp_path / "m")
    rows = serve_load.main(
        ["--model", str(tmp_path / "m"), "--workers", "1", "2", "--requests", "30", "--concurrency", "3"]
    )
    assert [r["workers"] for r in rows] == [1, 2]
    for row in rows:
        assert row["requests"] == 30 and row["failures"] == 0
        assert 0 < row["p50_ms"] <= row["p99_ms"]
    assert "| 2 | 3 | 30 |" in capsys.readouterr().out
