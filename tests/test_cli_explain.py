"""``automl explain`` and ``automl evaluate --html`` on a real model package."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from automl_core import AutoML
from automl_core.cli._app import app

runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture(scope="module")
def package(tmp_path_factory, dataset):
    frame, target, _ = dataset("titanic")
    folder = tmp_path_factory.mktemp("cli-explain")
    model = AutoML(time_budget=15, max_trials=4, seed=0).fit(frame.iloc[:600], target=target)
    path = model.save(folder / "model")
    holdout = folder / "holdout.csv"
    frame.iloc[600:].to_csv(holdout, index=False)
    frame.iloc[600:].drop(columns=[target]).to_csv(folder / "unlabelled.csv", index=False)
    return path, holdout, folder


@pytest.mark.slow
def test_explain_prints_the_importance_of_each_input_column(package):
    path, holdout, _ = package
    result = runner.invoke(app, ["explain", str(path), str(holdout), "--repeats", "2"])
    assert result.exit_code == 0, result.output
    assert "permutation importance (roc_auc" in result.output and "Sex" in result.output


@pytest.mark.slow
def test_explain_without_the_target_is_a_usage_error_naming_it(package):
    path, _, folder = package
    result = runner.invoke(app, ["explain", str(path), str(folder / "unlabelled.csv")])
    assert result.exit_code == 2 and "no target column 'Survived'" in result.output


@pytest.mark.slow
def test_evaluate_writes_the_html_report(package):
    path, holdout, folder = package
    out = folder / "report.html"
    result = runner.invoke(app, ["evaluate", str(path), str(holdout), "--html", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "report written to" in result.output and 'id="plot-roc"' in text and "<svg" in text
