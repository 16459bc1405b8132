"""The MLflow plugin against a real local tracking store: a SQLite backend and a folder of
artifacts, in a temporary directory; fits on real data (tests/data)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from automl_core import AutoML

mlflow = pytest.importorskip("mlflow")


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh tracking store; MLFLOW_TRACKING_URI names it, as a user would configure MLflow."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment("automl-test", artifact_location=(tmp_path / "artifacts").as_uri())
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", experiment)
    mlflow.set_tracking_uri(uri)
    yield client, experiment
    mlflow.set_tracking_uri(None)


def _runs(client, experiment):
    return client.search_runs([experiment], max_results=1000)


@pytest.mark.slow
def test_a_fit_is_a_run_each_trial_a_nested_run_and_the_model_loads_as_pyfunc(store, dataset):
    client, experiment = store
    frame, target, _ = dataset("titanic")
    train, test = frame.iloc[:700], frame.iloc[700:]
    model = AutoML(time_budget=60, max_trials=6, seed=0).fit(train, target=target)
    runs = _runs(client, experiment)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(parents) == 1
    fit = parents[0]
    trials = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == fit.info.run_id]
    assert len(trials) == len(model.leaderboard_) == 6
    assert fit.info.status == "FINISHED" and fit.data.params["fit.metric"] == model.metric_
    assert fit.data.metrics["validation_score"] == pytest.approx(model.validation_score_)
    complete = [r for r in trials if r.data.tags["automl.state"] == "complete"]
    assert complete and all("score" in r.data.metrics and "family" in r.data.params for r in complete)
    board = model.leaderboard_.set_index("trial")
    for run in complete:
        trial = int(run.data.tags["automl.trial"])
        assert run.data.metrics["score"] == pytest.approx(board.loc[trial, "score"])
        assert run.data.metrics["fit_seconds"] == pytest.approx(board.loc[trial, "fit_seconds"])
    loaded = mlflow.pyfunc.load_model(f"runs:/{fit.info.run_id}/model")
    assert loaded.metadata.signature is not None
    assert {c.name for c in loaded.metadata.signature.inputs.inputs} == set(model.feature_names_in_)
    features = test.drop(columns=[target])
    assert np.array_equal(np.asarray(loaded.predict(features)), model.predict(features))


@pytest.mark.slow
def test_a_tracker_passed_in_code_logs_where_it_is_told(tmp_path, dataset, monkeypatch):
    from automl_mlflow import MLflowTracking

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    uri = f"sqlite:///{tmp_path / 'own.db'}"
    frame, target, _ = dataset("penguins")
    tracker = MLflowTracking(tracking_uri=uri, experiment="penguins", log_model=False)
    AutoML(time_budget=40, max_trials=3, plugins=[tracker]).fit(frame, target=target)  # MLflow's start-up counts
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("penguins")
    runs = _runs(client, experiment.experiment_id)
    assert len(runs) == 4  # the fit and its three trials: the installed plugin stepped aside
    assert mlflow.get_tracking_uri() != uri  # the process-wide tracking URI was set back
    assert "MLFLOW_TRACKING_URI" not in os.environ  # which would switch the installed plugin on for later fits


@pytest.mark.slow
def test_without_a_tracking_uri_or_an_active_run_nothing_is_logged_and_mlflow_is_not_imported(tmp_path):
    code = (
        "import os, sys\n"
        "os.environ.pop('MLFLOW_TRACKING_URI', None)\n"
        "import pandas as pd\n"
        "from automl_core import AutoML\n"
        f"frame = pd.read_csv({str(tmp_path.parent)!r} and 'tests/data/penguins.csv.gz')\n"
        "AutoML(time_budget=5, max_trials=2, families='linear').fit(frame, target='species')\n"
        "assert 'mlflow' not in sys.modules, 'the plugin imported mlflow without being switched on'\n"
        "assert not os.path.exists('mlruns'), 'something was logged'\n"
    )
    import pathlib

    repo = pathlib.Path(__file__).resolve().parents[3]
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("MLFLOW_")}
    subprocess.run(
        [sys.executable, "-c", code.replace("tests/data", str(repo / "tests" / "data"))],
        check=True,
        cwd=tmp_path,
        env=env,
    )
