"""A durable study: each finished trial kept as it finishes, a killed fit resumed without
running any finished trial again, and a storage that belongs to another search refused."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from automl_core import AutoML
from automl_core.search import StorageError

pytestmark = pytest.mark.slow


def _finished(db) -> list[tuple[int, str]]:
    """(trial number, state) of the trials a study in ``db`` holds as finished (none while optuna is
    still creating its tables: the file exists before they do)."""
    with sqlite3.connect(db) as conn:
        try:
            rows = conn.execute(
                "select number, state from trials where state in ('COMPLETE', 'PRUNED', 'FAIL') order by number"
            ).fetchall()
        except sqlite3.OperationalError:
            return []
    return [(n, s) for n, s in rows]


def test_a_stopped_search_resumes_without_running_a_finished_trial_again(dataset, tmp_path):
    frame, target, _ = dataset("titanic", rows=400)
    url = f"sqlite:///{tmp_path / 'search.db'}"
    first = AutoML(time_budget=120, max_trials=4, seed=0, n_workers=1, storage=url).fit(frame, target=target)
    kept = first.leaderboard_.set_index("trial")
    assert (tmp_path / "search.db.artifacts").is_dir() and len(_finished(tmp_path / "search.db")) == 4
    resumed = AutoML(time_budget=120, max_trials=8, seed=0, n_workers=1, storage=url).fit(
        frame, target=target, resume=True
    )
    board = resumed.leaderboard_.set_index("trial")
    assert len(board) == 8 and set(kept.index) <= set(board.index)
    for trial in kept.index:  # the same records, read back, not run again
        assert board.loc[trial, "family"] == kept.loc[trial, "family"]
        assert board.loc[trial, "fit_seconds"] == kept.loc[trial, "fit_seconds"]
        assert np.allclose(board.loc[trial, "score"], kept.loc[trial, "score"], equal_nan=True)
    assert resumed.validation_score_ > 0.75


def test_a_storage_of_another_search_or_other_data_is_refused(dataset, tmp_path):
    frame, target, _ = dataset("titanic", rows=300)
    url = f"sqlite:///{tmp_path / 'search.db'}"
    AutoML(time_budget=60, max_trials=2, n_workers=1, families=["linear"], storage=url).fit(frame, target=target)
    with pytest.raises(StorageError, match="already holds a search; pass resume=True"):
        AutoML(time_budget=60, max_trials=2, n_workers=1, storage=url).fit(frame, target=target)
    with pytest.raises(StorageError, match="other data"):
        AutoML(time_budget=60, max_trials=2, n_workers=1, storage=url).fit(frame.iloc[:250], target=target, resume=True)
    with pytest.raises(StorageError, match=r"other settings \(metric: 'roc_auc' then, 'log_loss' now"):
        AutoML(time_budget=60, max_trials=2, n_workers=1, storage=url, metric="log_loss").fit(
            frame, target=target, resume=True
        )
    with pytest.raises(ValueError, match="resume=True continues a search kept in a storage"):
        AutoML(time_budget=60, max_trials=2, n_workers=1).fit(frame, target=target, resume=True)


def test_a_storage_that_cannot_be_opened_is_named_without_its_password(dataset):
    frame, target, _ = dataset("titanic", rows=100)
    url = "postgresql+psycopg://automl:secret-word@127.0.0.1:1/nowhere"
    with pytest.raises(StorageError) as caught:
        AutoML(time_budget=20, max_trials=1, n_workers=1, storage=url).fit(frame, target=target)
    assert "postgresql+psycopg://automl:***@127.0.0.1:1/nowhere" in str(caught.value)
    assert "secret-word" not in str(caught.value)


KILLED_FIT = textwrap.dedent("""
    import sys, pandas as pd
    from automl_core import AutoML
    frame = pd.read_csv(sys.argv[1])
    AutoML(time_budget=600, seed=0, n_workers=2, storage=sys.argv[2]).fit(frame, target=sys.argv[3])
""")


def test_a_driver_killed_mid_search_loses_no_finished_trial(dataset, tmp_path):
    frame, target, _ = dataset("titanic")
    frame.to_csv(tmp_path / "train.csv", index=False)
    db = tmp_path / "search.db"
    driver = subprocess.Popen(
        [sys.executable, "-c", KILLED_FIT, str(tmp_path / "train.csv"), f"sqlite:///{db}", target],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    end = time.monotonic() + 240
    while time.monotonic() < end and (not db.exists() or len(_finished(db)) < 4):
        time.sleep(0.5)
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait(timeout=30)
    before = _finished(db)
    assert len(before) >= 4, driver.stderr.read().decode()[-2000:]
    time.sleep(1.5)  # the killed driver's workers notice within half a second and end themselves
    orphans = subprocess.run(
        ["pgrep", "-f", "automl_core.workers|multiprocessing.spawn"], capture_output=True, text=True
    ).stdout.split()
    assert not [p for p in orphans if _child_of(int(p), driver.pid)]
    resumed = AutoML(time_budget=600, max_trials=len(before) + 3, seed=0, n_workers=1, storage=f"sqlite:///{db}").fit(
        frame, target=target, resume=True
    )
    after = dict(_finished(db))
    assert all(after[number] == state for number, state in before)  # finished trials kept as they were
    assert set(resumed.leaderboard_["trial"]) >= {n for n, s in before if s in ("COMPLETE", "PRUNED", "FAIL")}
    assert len(resumed.leaderboard_) >= len(before) + 3


def _child_of(pid: int, parent: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().split(") ")[1].split()[1]) == parent
    except OSError:
        return False


@pytest.mark.skipif(
    not os.environ.get("AUTOML_TEST_POSTGRES_URL"),
    reason='AUTOML_TEST_POSTGRES_URL is not set; start a server with: eval "$(bash .ci/postgres.sh)"',
)
def test_a_study_in_postgresql_resumes(dataset, tmp_path):
    import uuid

    import sqlalchemy as sa

    base = os.environ["AUTOML_TEST_POSTGRES_URL"]
    schema = f"study_{uuid.uuid4().hex[:8]}"  # optuna's tables in a schema of their own
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"create schema {schema}"))
    try:
        frame, target, _ = dataset("titanic", rows=300)
        storage = {"url": f"{base}?options=-csearch_path%3D{schema}", "artifacts": str(tmp_path / "artifacts")}
        first = AutoML(time_budget=120, max_trials=3, n_workers=2, storage=storage).fit(frame, target=target)
        resumed = AutoML(time_budget=120, max_trials=5, n_workers=2, storage=storage).fit(
            frame, target=target, resume=True
        )
        assert set(first.leaderboard_["trial"]) <= set(resumed.leaderboard_["trial"]) and len(resumed.leaderboard_) == 5
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"drop schema {schema} cascade"))
