"""The ``automl`` command line on real data: every command, its output and its exit codes."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from automl_core import load, package
from automl_core.cli._app import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, app

pytestmark = pytest.mark.slow
EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "automl.yaml"
SCRIPT = pathlib.Path(sys.executable).with_name("automl")


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture(scope="module")
def files(dataset, tmp_path_factory):
    """A training CSV, unlabelled rows as CSV and Parquet, and 300 passengers the model never
    saw (fresh.csv, for monitoring), in a scratch folder."""
    everyone, target, _ = dataset("titanic")
    frame = everyone.sample(n=300, random_state=0)
    where = tmp_path_factory.mktemp("cli")
    unseen = everyone.drop(index=frame.index).dropna(subset=["Embarked"])  # the fit sample has no missing port
    unseen.sample(n=300, random_state=1).drop(columns=[target]).to_csv(where / "fresh.csv", index=False)
    frame = frame.reset_index(drop=True)
    frame.to_csv(where / "train.csv", index=False)
    frame.drop(columns=[target]).to_csv(where / "rows.csv", index=False)
    frame.drop(columns=[target]).to_parquet(where / "rows.parquet")
    return where, frame, target


@pytest.fixture(scope="module")
def fitted(files):
    """``automl fit`` run as a user would, through the installed console script."""
    where, _, _ = files
    out = where / "model"
    done = subprocess.run(
        [
            str(SCRIPT),
            "fit",
            str(where / "train.csv"),
            "--target",
            "Survived",
            "--time-budget",
            "10",
            "--max-trials",
            "3",
            "--families",
            "linear,random_forest",
            "--exclude",
            "text_tfidf",
            "--predict-time-limit",
            "0.5",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "COLUMNS": "200"},
    )
    return done, out


def test_fit_shows_progress_and_the_leaderboard_then_saves_a_package(fitted, files):
    done, out = fitted
    assert done.returncode == EXIT_OK, done.stderr
    assert "trials 3 done" in done.stdout and "best roc_auc" in done.stdout
    assert "leaderboard" in done.stdout and "model package written to" in done.stdout
    meta = package.read_metadata(out)
    assert meta["fingerprint"]["of"] == "training data" and meta["settings"]["max_trials"] == 3
    assert meta["settings"]["exclude"] == ["text_tfidf"] and meta["settings"]["predict_time_limit"] == 0.5
    assert meta["fingerprint"]["sha256"] == package.fingerprint(pd.read_csv(files[0] / "train.csv"))


def test_fit_refuses_to_overwrite_unless_asked(fitted, files):
    result = run("fit", files[0] / "train.csv", "--target", "Survived", "--out", fitted[1])
    assert result.exit_code == EXIT_USAGE and "--overwrite" in result.stderr


def test_fit_with_the_example_config_and_overriding_flags(tmp_path):
    out = tmp_path / "example-model"
    result = run(
        "fit", "--config", EXAMPLE, "--time-budget", "6", "--max-trials", "2", "--families", "linear", "--out", out
    )
    assert result.exit_code == EXIT_OK, result.stderr
    meta = package.read_metadata(out)
    assert meta["settings"]["time_budget"] == 6 and meta["settings"]["column_types"]["Name"] == "drop"
    assert meta["target"] == "Survived" and "Name" not in {f["name"] for f in meta["features"] if f["type"] != "drop"}


def test_fit_with_weight_and_group_columns_says_how_it_validated(files, tmp_path):
    _, frame, target = files
    frame.assign(weight=frame["Pclass"].map({1: 1.0, 2: 2.0, 3: 3.0})).to_csv(tmp_path / "weighted.csv", index=False)
    out = tmp_path / "weighted-model"
    result = run(
        "fit",
        tmp_path / "weighted.csv",
        "--target",
        target,
        "--time-budget",
        10,
        "--max-trials",
        2,
        "--families",
        "linear,knn",
        "--weight-column",
        "weight",
        "--group-column",
        "Ticket",
        "--out",
        out,
    )
    assert result.exit_code == EXIT_OK, result.stderr
    assert "by group (column 'Ticket'" in result.stdout and "weighted (column 'weight')" in result.stdout
    assert "note: knn left out of the search: its model takes no sample_weight" in result.stdout
    meta = package.read_metadata(out)
    assert meta["settings"]["weight_column"] == "weight" and meta["settings"]["group_column"] == "Ticket"
    assert meta["validation"]["groups"]["source"] == "column 'Ticket'"
    assert {f["name"] for f in meta["features"]}.isdisjoint({"weight", "Ticket"})


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("source", ["rows.csv", "rows.parquet"])
def test_predict_streams_chunks_into_csv_or_parquet(fitted, files, tmp_path, source, suffix):
    where, frame, target = files
    out = tmp_path / f"predictions{suffix}"
    result = run("predict", fitted[1], where / source, "--out", out, "--chunk-rows", 64)
    assert result.exit_code == EXIT_OK, result.stderr
    written = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    model = load(fitted[1])
    proba = model.predict_proba(frame.drop(columns=[target]))
    assert list(written.columns) == ["prediction", "proba_0", "proba_1"] and len(written) == len(frame)
    assert np.allclose(written[["proba_0", "proba_1"]].to_numpy(), proba)
    assert (written["prediction"].to_numpy() == model.predict(frame)).all()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_predict_reads_blank_numbers_as_missing_like_the_loader(fitted, files, tmp_path):
    where, frame, target = files
    rows = frame.drop(columns=[target]).astype({"Age": object})
    rows.loc[rows.index[:40:2], "Age"] = " "
    rows.to_csv(tmp_path / "blanks.csv", index=False)
    result = run("predict", fitted[1], tmp_path / "blanks.csv", "--out", tmp_path / "p.csv", "--chunk-rows", 50)
    assert result.exit_code == EXIT_OK, result.stderr
    assert len(pd.read_csv(tmp_path / "p.csv")) == len(rows)


def test_files_written_another_way_are_read_with_load_options_by_every_command(fitted, files, tmp_path):
    where, frame, target = files
    semicolons = tmp_path / "semicolons.csv"  # and decimal commas, as European spreadsheets write them
    frame.to_csv(semicolons, index=False, sep=";", decimal=",")
    options = ["-L", "sep=;", "--load-option", "decimal=,"]
    model = tmp_path / "model"
    fit = run(
        "fit",
        semicolons,
        "--target",
        target,
        "--time-budget",
        8,
        "--max-trials",
        2,
        "--families",
        "linear",
        "--out",
        model,
        *options,
    )
    assert fit.exit_code == EXIT_OK, fit.stderr
    plain = run("predict", fitted[1], where / "train.csv", "--out", tmp_path / "plain.csv")
    read = run("predict", fitted[1], semicolons, "--out", tmp_path / "read.csv", *options)
    assert plain.exit_code == read.exit_code == EXIT_OK, read.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "read.csv"), pd.read_csv(tmp_path / "plain.csv"))
    assert run("evaluate", model, semicolons, *options).exit_code == EXIT_OK
    unread = run("predict", model, semicolons, "--out", tmp_path / "p.csv")  # ParserError from pandas before
    assert unread.exit_code == EXIT_USAGE and "semicolons.csv cannot be read as CSV" in unread.stderr
    assert "-L sep=';'" in unread.stderr and not (tmp_path / "p.csv").exists()
    bad = run("predict", model, semicolons, "--out", tmp_path / "p.csv", "-L", "sep")
    assert bad.exit_code == EXIT_USAGE and "--load-option 'sep' is not KEY=VALUE" in bad.stderr


@pytest.mark.parametrize(
    "content, error", [(b"", "EmptyDataError"), ("Nom;\u00c2ge\n".encode("latin-1"), "UnicodeDecodeError")]
)
def test_a_csv_that_pandas_cannot_read_is_an_input_error_naming_the_file(fitted, tmp_path, content, error):
    (tmp_path / "odd.csv").write_bytes(content)
    result = run("predict", fitted[1], tmp_path / "odd.csv", "--out", tmp_path / "p.csv")
    assert (
        result.exit_code == EXIT_USAGE and "odd.csv cannot be read as CSV" in result.stderr and error in result.stderr
    )


def test_load_option_values_are_text_unless_numbers_or_booleans():
    from automl_core.cli._app import _load_options

    given = [
        "sep=|",
        "comment=#",
        "decimal=,",
        "header=0",
        "thousands= ",
        "skipfooter=2",
        "keep_default_na=false",
        "true_values=[yes, 1]",
        "na_values=nan",
        "x=1.5e3",
    ]
    assert _load_options(given) == {
        "sep": "|",
        "comment": "#",
        "decimal": ",",
        "header": 0,
        "thousands": " ",
        "skipfooter": 2,
        "keep_default_na": False,
        "true_values": ["yes", 1],
        "na_values": "nan",
        "x": 1500.0,
    }


def test_outputs_never_replace_what_they_should_not(fitted, files, tmp_path):
    where, frame, target = files
    project = tmp_path / "project"
    project.mkdir()
    frame.to_csv(project / "data.csv", index=False)
    refused = run("fit", project / "data.csv", "--target", target, "--out", project, "--overwrite")  # deleted data.csv
    assert refused.exit_code == EXIT_USAGE and "refusing to replace it" in refused.stderr
    assert (project / "data.csv").is_file()
    rows = tmp_path / "rows.csv"
    frame.drop(columns=[target]).to_csv(rows, index=False)
    same = run("predict", fitted[1], rows, "--out", rows, "--overwrite")  # replaced the input by predictions
    assert same.exit_code == EXIT_USAGE and "is the input file" in same.stderr
    assert len(pd.read_csv(rows).columns) == frame.shape[1] - 1
    assert run("predict", fitted[1], rows, "--out", tmp_path / "p.csv").exit_code == EXIT_OK
    again = run("predict", fitted[1], rows, "--out", tmp_path / "p.csv")
    assert again.exit_code == EXIT_USAGE and "already exists; pass --overwrite" in again.stderr
    assert run("predict", fitted[1], rows, "--out", tmp_path / "p.csv", "--overwrite").exit_code == EXIT_OK


def test_predict_rejects_rows_that_break_the_schema_with_one_line(fitted, files, tmp_path):
    where, frame, target = files
    frame.drop(columns=[target]).assign(Fare="cheap").to_csv(tmp_path / "bad.csv", index=False)
    result = run("predict", fitted[1], tmp_path / "bad.csv", "--out", tmp_path / "p.csv")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("error: the input does not match the schema") and "'Fare'" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "p.csv").exists()
    verbose = run("predict", fitted[1], tmp_path / "bad.csv", "--out", tmp_path / "p.csv", "--verbose")
    assert verbose.exit_code == EXIT_USAGE and "Traceback" in verbose.stderr


def test_evaluate_prints_every_metric(fitted, files):
    result = run("evaluate", fitted[1], files[0] / "train.csv")
    assert result.exit_code == EXIT_OK, result.stderr
    for metric in ("accuracy", "roc_auc (search metric)", "log_loss", "lower is better"):
        assert metric in result.stdout


def test_evaluate_without_the_target_column_is_an_input_error(fitted, files):
    result = run("evaluate", fitted[1], files[0] / "rows.csv")
    assert result.exit_code == EXIT_USAGE and "no target column 'Survived'" in result.stderr


def test_plugins_lists_every_installed_plugin():
    result = run("plugins")
    assert result.exit_code == EXIT_OK
    for text in ("sklearn", "automl-sklearn", "xgboost", "loaders", "loaded", "model family", "evaluator"):
        assert text in result.stdout


def test_monitor_writes_a_report_or_says_no_monitor_is_installed(fitted, files, tmp_path):
    from automl_core.plugin import Registry, build_plugin_manager

    html = tmp_path / "drift.html"
    # rows the model never saw: on its own training rows its (in-sample) predictions would
    # rightly differ from the out-of-fold ones kept in its reference
    result = run("monitor", fitted[1], files[0] / "fresh.csv", "--html", html, "--json", tmp_path / "drift.json")
    if Registry.from_manager(build_plugin_manager()).all("monitor"):
        assert result.exit_code == EXIT_OK, result.stderr
        assert "no drift detected" in result.stdout and html.stat().st_size > 0
        assert json.loads((tmp_path / "drift.json").read_text())["n_current"] == 300
    else:
        assert result.exit_code == EXIT_USAGE and "no monitor is installed" in result.stderr


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["predict", "{model}", "{where}/missing.csv"], EXIT_USAGE, "file not found"),
        (["predict", "{where}/no-model", "{where}/rows.csv"], EXIT_USAGE, "no model package"),
        (["predict", "{model}", "{where}/rows.csv", "--out", "{where}/p.txt"], EXIT_USAGE, "use a .csv or .parquet"),
        (["fit", "{where}/train.csv", "--target", "nope", "--out", "{where}/m2"], EXIT_USAGE, "'nope'"),
        (
            ["fit", "{where}/train.csv", "--target", "Survived", "--metric", "nope", "--out", "{where}/m2"],
            EXIT_USAGE,
            "unknown evaluator 'nope'",
        ),
        (["fit", "{where}/train.csv", "--out", "{where}/m2"], EXIT_USAGE, "no target"),
        (["fit", "--target", "Survived", "--out", "{where}/m2"], EXIT_USAGE, "no training data"),
        (["fit", "--config", "{where}/missing.yaml"], EXIT_USAGE, "configuration file not found"),
    ],
)
def test_exit_codes_and_one_line_errors(fitted, files, args, code, message):
    where = files[0]
    result = run(*[a.format(model=fitted[1], where=where) for a in args])
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_budget_too_small_for_any_trial_still_writes_a_model_and_says_so(files, tmp_path):
    """No trial can finish in 0.01 s: the last-chance trial (the cheapest family's defaults)
    gives the model, and the warning is one line on stderr."""
    out = tmp_path / "m"
    result = run("fit", files[0] / "train.csv", "--target", "Survived", "--time-budget", "0.01", "--out", out)
    assert result.exit_code == EXIT_OK, result.output
    assert "no trial finished within time_budget=0.01 s" in result.stderr and (out / "metadata.json").exists()


def test_a_bad_config_key_is_named(files, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text(f"data: {files[0] / 'train.csv'}\ntarget: Survived\ntime_budgett: 5\n")
    result = run("fit", "--config", config)
    assert result.exit_code == EXIT_USAGE and "unknown key 'time_budgett'" in result.stderr


def test_a_tampered_package_is_a_runtime_failure(fitted, files, tmp_path):
    import shutil

    copy = shutil.copytree(fitted[1], tmp_path / "model")
    (copy / "schema.yaml").write_text((copy / "schema.yaml").read_text() + "\n# edited\n")
    result = run("predict", copy, files[0] / "rows.csv", "--out", tmp_path / "p.csv")
    assert result.exit_code == EXIT_FAILURE and "schema.yaml was modified" in result.stderr


def test_usage_errors_exit_2_from_the_console_script():
    done = subprocess.run([str(SCRIPT), "predict", "--no-such-flag"], capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_USAGE and "No such option" in done.stderr
    helped = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == EXIT_OK
    for command in ("fit", "predict", "evaluate", "serve", "plugins", "monitor"):
        assert command in helped.stdout
