"""Monitoring and updating on real data, through the installed monitor plugins (evidently, psi)."""

from __future__ import annotations

import copy
import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from automl_core import AutoML, DataError, Monitor, PluginError, SchemaError, UnknownComponentError, monitoring
from automl_core.monitoring import MonitorReport, UpdatePolicy

MONITORS = ["evidently", "psi"]


#: every test here uses a fitted model (the module's fixtures run a search)
pytestmark = pytest.mark.slow


def remix(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column's levels swapped, most frequent with least frequent: new proportions, same levels."""
    levels = frame[column].value_counts().index.tolist()
    return frame[column].map(dict(zip(levels, levels[::-1])))


def shifted(frame: pd.DataFrame, numeric: str, categorical: str) -> pd.DataFrame:
    """A copy with one numeric column scaled by 3 and one categorical column's levels re-mixed."""
    out = frame.copy()
    out[numeric] = out[numeric] * 3
    out[categorical] = remix(out, categorical)
    return out


@pytest.fixture(scope="module")
def adult(dataset):
    """A binary model on 1,200 rows of adult_income, a test set and 1,000 fresh rows."""
    frame, target, _ = dataset("adult_income", rows=3000, seed=1)
    train, test, fresh = frame.iloc[:1200], frame.iloc[1200:2000], frame.iloc[2000:]
    model = AutoML(time_budget=30, max_trials=4, seed=0).fit(
        train, target=target
    )  # max_trials bounds it; the budget only under load
    return model, target, test, fresh.reset_index(drop=True)


@pytest.fixture(scope="module")
def diamonds(dataset):
    """A regression model on 1,500 rows of diamonds (nine features) and 1,500 fresh rows."""
    frame, target, _ = dataset("diamonds", rows=3000, seed=2)
    train, fresh = frame.iloc[:1500], frame.iloc[1500:].reset_index(drop=True)
    model = AutoML(time_budget=30, max_trials=4, seed=0).fit(
        train, target=target
    )  # max_trials bounds it; the budget only under load
    return model, target, train, fresh


# --------------------------------------------------------------------------- drift
@pytest.mark.parametrize("name", MONITORS)
def test_a_shifted_copy_drifts_in_the_shifted_columns(diamonds, name):
    model, target, _, fresh = diamonds
    report = monitoring.monitor(model, shifted(fresh.drop(columns=target), "carat", "cut"), monitor=name)
    assert isinstance(report, MonitorReport) and report.monitor == name
    assert report.drift_detected
    assert sorted(report.drifted_columns) == ["carat", "cut"]
    assert report.share_drifted == pytest.approx(2 / 9)
    # the reference rows carry out-of-fold predictions, so predictions are compared honestly
    assert report.prediction_drift is not None and report.prediction_drift["verdict"] == "drift"
    assert report.n_reference == len(model.reference_) and report.n_current == len(fresh)


@pytest.mark.parametrize("name", MONITORS)
def test_a_fresh_sample_of_the_same_data_does_not_drift(diamonds, name):
    model, target, _, fresh = diamonds
    report = monitoring.monitor(model, fresh.drop(columns=target), monitor=name)
    assert not report.drift_detected
    assert report.drifted_columns == []
    assert set(report.columns_frame()["verdict"]) == {"no drift"}
    assert report.prediction_drift is not None and report.prediction_drift["verdict"] == "no drift"


@pytest.mark.parametrize("name", MONITORS)
def test_predictions_drift_against_a_test_set_reference(adult, name):
    model, target, test, fresh = adult
    report = monitoring.monitor(
        model, shifted(fresh.drop(columns=target), "age", "workclass"), monitor=name, reference=test
    )
    assert sorted(report.drifted_columns[:2]) == ["age", "workclass"]
    assert report.prediction_drift["column"] == "__prediction__"
    assert report.prediction_drift["verdict"] == "drift"
    assert report.drift_detected  # 2 of 14 columns is below the share, the predictions drifted
    assert report.notes == []
    calm = monitoring.monitor(model, fresh.drop(columns=target), monitor=name, reference=test)
    assert calm.prediction_drift["verdict"] == "no drift"
    assert not calm.drift_detected
    assert not {"age", "workclass"} & set(calm.drifted_columns)


def test_the_evidently_monitor_is_preferred_when_none_is_named(diamonds):
    model, target, _, fresh = diamonds
    assert monitoring.monitor(model, fresh.drop(columns=target).iloc[:300]).monitor == "evidently"


def test_entries_say_method_score_threshold_and_verdict(diamonds):
    model, target, _, fresh = diamonds
    report = monitoring.monitor(model, shifted(fresh.drop(columns=target), "carat", "cut"), monitor="evidently")
    table = report.columns_frame()
    assert list(table.columns) == ["column", "kind", "method", "score", "threshold", "verdict"]
    assert list(table["verdict"][:2]) == ["drift", "drift"] and set(table["verdict"][2:]) == {"no drift"}
    assert dict(zip(table["column"], table["kind"]))["cut"] == "categorical"
    assert table["score"].notna().all() and table["threshold"].notna().all()


# --------------------------------------------------------------------------- reports on disk
@pytest.mark.parametrize("name", MONITORS)
def test_the_html_report_leads_with_the_drifted_columns(diamonds, tmp_path, name):
    model, target, _, fresh = diamonds
    report = monitoring.monitor(model, shifted(fresh.drop(columns=target), "carat", "cut"), monitor=name)
    written = report.save_html(tmp_path / "drift.html")  # a pathlib.Path
    page = written.read_text(encoding="utf-8")
    body = page[page.index("<body") :]
    assert body[body.index(">") + 1 :].lstrip().startswith("<section id='automl-summary'")  # first thing seen
    summary = body[: body.index("</section>")]
    assert "DRIFT DETECTED" in summary and "Drifted columns: <b>carat, cut</b>" in summary
    rows = summary.split("<tr")[2:]  # after the header row: drifted columns first
    assert ["carat" in r or "cut" in r for r in rows[:2]] == [True, True] and "depth" in summary
    assert "<script src=" not in page  # self-contained: nothing fetched from elsewhere
    report.save_html(str(tmp_path / "again.html"))  # a str
    assert (tmp_path / "again.html").stat().st_size == written.stat().st_size


def test_the_json_report_round_trips(diamonds, tmp_path):
    model, target, _, fresh = diamonds
    report = monitoring.monitor(model, shifted(fresh.drop(columns=target), "carat", "cut"), monitor="psi")
    for path in (tmp_path / "drift.json", str(tmp_path / "drift2.json")):
        report.save_json(path)
        loaded = json.loads(pathlib.Path(path).read_text())
        assert loaded == report.to_dict() == json.loads(report.to_json())
    assert loaded["drifted_columns"] == report.drifted_columns and loaded["monitor"] == "psi"
    assert "render_html" not in loaded


# --------------------------------------------------------------------------- quality
def test_quality_holds_on_true_labels_and_drops_on_shuffled_ones(adult):
    model, target, _, fresh = adult
    good = monitoring.monitor(model, fresh, monitor="psi")  # labels from the target column
    assert good.quality["metric"] == "roc_auc" and good.quality["verdict"] == "ok"
    assert good.quality["at_fit"] == pytest.approx(model.validation_score_)
    assert set(good.quality["metrics"]) >= {"roc_auc", "accuracy"}
    shuffled = fresh[target].sample(frac=1.0, random_state=0).to_numpy()
    bad = monitoring.monitor(model, fresh.drop(columns=target), shuffled, monitor="psi")
    assert bad.quality["verdict"] == "degraded"
    assert bad.quality["now"] < 0.6 < good.quality["now"]
    assert bad.quality["relative_drop"] > bad.quality["tolerance"]
    one_class = fresh[fresh[target] == fresh[target].iloc[0]].head(50)  # AUC undefined: not "ok"
    assert monitoring.monitor(model, one_class, monitor="psi").quality["verdict"] == "unknown"


def test_reports_are_written_into_folders_made_for_them(diamonds, tmp_path):
    model, _, _, fresh = diamonds
    report = monitoring.monitor(model, fresh, monitor="psi")
    assert report.save_html(tmp_path / "new" / "drift.html").is_file()
    assert report.save_json(tmp_path / "other" / "deep" / "drift.json").is_file()


# --------------------------------------------------------------------------- bad input
def test_an_unfitted_model_is_refused(diamonds):
    _, target, _, fresh = diamonds
    with pytest.raises(NotFittedError):
        monitoring.monitor(AutoML(), fresh.drop(columns=target))


@pytest.mark.parametrize(
    "change, error, culprit",
    [
        (lambda f: f.drop(columns=["carat"]), DataError, "'carat'"),
        (lambda f: f.assign(batch_id=1), DataError, "'batch_id'"),
        (lambda f: f.assign(depth=f["depth"].astype(str)), SchemaError, "'depth' was float64 at fit, is object now"),
        (lambda f: f.iloc[:0], DataError, "empty"),
        (lambda f: f.assign(table=np.nan), DataError, "['table']"),
        (
            lambda f: f.assign(x=f["x"].where(f.index > 5, np.inf)),
            SchemaError,
            "'x'",
        ),  # infinity (missing values are reported)
    ],
    ids=["missing column", "extra column", "changed dtype", "empty", "all missing", "schema"],
)
def test_bad_current_data_is_refused_naming_the_culprit(diamonds, change, error, culprit):
    model, target, _, fresh = diamonds
    with pytest.raises(error) as caught:
        monitoring.monitor(model, change(fresh.drop(columns=target)), monitor="psi")
    assert culprit in str(caught.value)


def test_labels_of_the_wrong_length_or_given_twice_are_refused(adult):
    model, target, _, fresh = adult
    with pytest.raises(DataError, match="999 labels but the current data has 1000 rows"):
        monitoring.monitor(model, fresh.drop(columns=target), fresh[target].iloc[:-1], monitor="psi")
    with pytest.raises(DataError, match="labels given twice"):
        monitoring.monitor(model, fresh, fresh[target], monitor="psi")
    with pytest.raises(DataError, match="missing labels"):
        monitoring.monitor(model, fresh.drop(columns=target), fresh[target].where(fresh.index > 3), monitor="psi")


def test_an_unknown_or_absent_monitor_is_named(diamonds):
    model, target, _, fresh = diamonds
    with pytest.raises(UnknownComponentError, match="unknown monitor 'nannyml'; installed: evidently, psi"):
        monitoring.monitor(model, fresh.drop(columns=target), monitor="nannyml")
    bare = copy.copy(model).set_params(plugins=[], autoload_plugins=False)
    with pytest.raises(UnknownComponentError, match="no monitor is installed"):
        monitoring.monitor(bare, fresh.drop(columns=target))


def test_a_broken_monitor_is_named(diamonds):
    model, target, _, fresh = diamonds
    wrong = Monitor(name="wrong", run=lambda reference, current, context: {"drift": True})
    with pytest.raises(PluginError, match="monitor 'wrong' .*returned dict"):
        monitoring.monitor(model, fresh.drop(columns=target), monitor=wrong)
    failing = Monitor(name="failing", run=lambda reference, current, context: reference["no such column"])
    with pytest.raises(PluginError, match="monitor 'failing' .*failed: KeyError"):
        monitoring.monitor(model, fresh.drop(columns=target), monitor=failing)


def test_a_monitor_receives_typed_columns_and_the_context(diamonds):
    model, target, _, fresh = diamonds
    seen = {}

    def run(reference, current, context):
        seen.update(reference=reference, current=current, context=context)
        return MonitorReport.from_columns("spy", [])

    monitoring.monitor(model, fresh, monitor=Monitor(name="spy", run=run))
    assert seen["context"]["categorical"] == ["cut", "color", "clarity"]
    assert seen["context"]["numeric"] == ["carat", "depth", "table", "x", "y", "z"]
    assert seen["context"]["task"] == "regression" and seen["context"]["quality"]["metric"] == "rmse"
    features = ["carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z"]
    assert list(seen["current"].columns) == features + ["__prediction__", "__target__"]
    assert list(seen["reference"].columns) == features + ["__prediction__"]
    assert seen["context"]["prediction"] == "numeric"


# --------------------------------------------------------------------------- update
def test_update_declines_on_data_that_did_not_drift(diamonds):
    model, target, _, fresh = diamonds
    kept, decision = monitoring.update(model, fresh, policy={"monitor": "psi"})  # a mapping of the policy's fields
    assert kept is model and decision.policy["monitor"] == "psi"
    assert not decision.retrained and decision.kept == "old" and decision.triggers == []
    assert decision.share_drifted == 0.0 and decision.holdout_score_new is None
    assert json.dumps(decision.to_dict())


def test_update_retrains_on_drifted_data_and_keeps_the_better_model(diamonds):
    model, target, _, fresh = diamonds
    drifted = shifted(fresh, "carat", "cut")  # the labels stay true: carat is now in thirds
    policy = UpdatePolicy(monitor="psi", time_budget=4)
    new, decision = monitoring.update(model, drifted, policy=policy)
    assert decision.retrained and decision.triggers[0] == "drift"
    assert sorted(decision.drifted_columns) == ["carat", "cut"]
    assert decision.holdout_rows == 450 and decision.train_rows == 1050
    assert decision.holdout_score_new < decision.holdout_score_old  # rmse, on the 450 latest rows
    assert decision.kept == "new" and new is not model and new.warm_start == model.top_configs_
    assert "the new model is better" in decision.reason
    assert decision.to_dict()["policy"]["time_budget"] == 4


def test_update_on_combined_data_trains_on_the_history_too(diamonds):
    model, target, train, fresh = diamonds
    drifted = shifted(fresh, "carat", "cut")
    policy = UpdatePolicy(monitor="psi", data="combined", time_budget=4, quality_drop=None)
    new, decision = monitoring.update(model, drifted, policy=policy, history=shifted(train, "carat", "cut"))
    assert decision.retrained and decision.triggers == ["drift"]
    assert decision.train_rows == 1050 + 1500
    with pytest.raises(DataError, match="pass history="):
        monitoring.update(model, drifted, policy=policy)


def test_update_needs_labels_and_a_fitted_model(diamonds):
    model, target, _, fresh = diamonds
    with pytest.raises(DataError, match="needs labels"):
        monitoring.update(model, fresh.drop(columns=target))
    with pytest.raises(NotFittedError):
        monitoring.update(AutoML(), fresh)
    with pytest.raises(ValueError, match="holdout"):
        UpdatePolicy(holdout=1.5)


def test_update_learns_classes_the_model_never_saw(dataset):
    frame, target, _ = dataset("penguins")
    frame = frame.sample(frac=1.0, random_state=0).reset_index(drop=True)
    two = frame[frame[target] != "Chinstrap"]
    model = AutoML(time_budget=5, max_trials=2, families=["linear"], seed=0).fit(two, target=target)
    new_rows = frame.iloc[-150:]  # all three species: was "labels ['Chinstrap'] were not among the classes"
    kept, decision = monitoring.update(model, new_rows, policy=UpdatePolicy(monitor="psi", time_budget=5))
    assert decision.retrained and decision.kept == "new" and "new classes" in decision.triggers
    assert "Chinstrap" in decision.reason and list(kept.classes_) == ["Adelie", "Chinstrap", "Gentoo"]
    assert np.isnan(decision.quality_now) and json.dumps(decision.to_dict())
