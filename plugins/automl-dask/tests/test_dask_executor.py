"""The dask executor on a real LocalCluster with worker processes."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("distributed")

import automl_dask.plugin
from distributed import Client, LocalCluster

from automl_core import AutoML
from automl_core.testing import check_executor, check_plugin

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def test_the_executor_conforms(cluster):
    with Client(cluster) as client:
        check_executor(automl_dask.plugin.DASK, {"client": client})


def test_the_plugin_conforms_given_an_address(cluster):
    options = {"dask": {"address": cluster.scheduler_address}}
    assert check_plugin(automl_dask.plugin, executor_options=options) == {"executor": ["dask"]}


def test_a_search_runs_its_trials_on_the_cluster(cluster, dataset):
    frame, target, _ = dataset("titanic", rows=400)
    with Client(cluster) as client:
        search = AutoML(time_budget=25, max_trials=8, seed=0, executor="dask", executor_options={"client": client})
        model = search.fit(frame, target=target)
        workers = set(client.scheduler_info()["workers"])
    ran_on = {w for w in model.leaderboard_["worker"] if w}
    assert len(ran_on) == 2 and model.validation_score_ > 0.75
    assert len(workers) == 2  # the cluster is left as it was


def test_an_unreachable_scheduler_is_named_within_seconds(dataset):
    frame, target, _ = dataset("titanic", rows=100)
    started = time.monotonic()
    with pytest.raises(Exception, match=r"tcp://127\.0\.0\.1:9.*did not answer within 3 s"):
        AutoML(time_budget=20, executor="dask", executor_options={"address": "tcp://127.0.0.1:9", "timeout": 3}).fit(
            frame, target=target
        )
    assert time.monotonic() - started < 15


def test_the_command_line_names_an_unreachable_scheduler(dataset, tmp_path):
    import subprocess
    import sys

    frame, target, _ = dataset("titanic", rows=100)
    frame.to_csv(tmp_path / "train.csv", index=False)
    (tmp_path / "automl.yaml").write_text("executor_options: {timeout: 3}\n")  # the flag adds the address
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "automl_core.cli",
            "fit",
            str(tmp_path / "train.csv"),
            "--target",
            target,
            "--config",
            str(tmp_path / "automl.yaml"),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "model"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "tcp://127.0.0.1:9" in done.stderr and "did not answer within 3 s" in done.stderr
    assert time.monotonic() - started < 30  # the interpreter, the imports and 3 s
