"""Predictions keep flowing: a missing value in a column complete at fit is imputed, with one
``MissingValueWarning`` per call naming the columns and counts; ``strict_missing=True`` refuses
it; every other schema failure still fails; monitors report each column's missing-value drift.

Real data: adult income rows without missing values in ``workclass`` and ``occupation`` at
fit (the credit-scoring report of issue #19 had the same shape: a column complete in the 80%
fitted on, one blank in the 20% predicted)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from automl_core import AutoML, MissingValueWarning, SchemaError
from automl_core.data import infer_schema, missing_message, plan_columns, validate
from automl_core.monitoring import missing_value_drift

COMPLETE = ["workclass", "occupation"]  # columns with missing values in adult income, none at fit here


@pytest.fixture(scope="module")
def adult(dataset):
    frame, target, _ = dataset("adult_income", rows=1600)
    train = frame[frame[COMPLETE].notna().all(axis=1)].iloc[:1000].reset_index(drop=True)
    test = frame.iloc[1000:].reset_index(drop=True)
    return train, test, target


def _holes(test: pd.DataFrame, target: str) -> pd.DataFrame:
    """The test rows with a blank age on three rows (workclass and occupation blank where the data has them)."""
    holes = test.drop(columns=[target]).copy()
    holes.loc[:2, "age"] = np.nan
    assert holes[COMPLETE].isna().sum().min() > 0
    return holes


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [w for w in caught if issubclass(w.category, MissingValueWarning)]


# --------------------------------------------------------------------------- the schema alone
def test_validate_counts_missing_values_in_complete_columns_unless_strict(adult):
    train, test, target = adult
    X = train.drop(columns=[target])
    schema = infer_schema(X, plan_columns(X))
    holes = _holes(test, target)
    counts = validate(schema, holes, strict_missing=False)
    expected = {c: int(n) for c, n in holes[["age", *COMPLETE]].isna().sum().items()}
    assert counts == expected  # native_country had missing values at fit: not counted
    with pytest.raises(SchemaError, match="not_nullable") as info:
        validate(schema, holes, strict_missing=True)
    assert set(info.value.failures["column"]) == {"age", *COMPLETE}
    assert validate(schema, X, strict_missing=False) == {}


def test_other_failures_still_fail_with_the_full_list_when_missing_values_are_allowed(adult):
    train, test, target = adult
    X = train.drop(columns=[target])
    schema = infer_schema(X, plan_columns(X))
    bad = _holes(test, target).drop(columns=["sex"])
    bad["hours_per_week"] = bad["hours_per_week"].astype(object)
    bad.loc[5, "hours_per_week"] = "forty"
    bad.loc[6, "capital_gain"] = np.inf
    with pytest.raises(SchemaError) as info:
        validate(schema, bad, strict_missing=False)
    found = set(zip(info.value.failures["column"], info.value.failures["check"]))
    assert found == {("sex", "column_present"), ("hours_per_week", "numeric"), ("capital_gain", "finite")}


def test_the_message_names_columns_most_missing_first_and_counts_rows():
    message = missing_message({"age": 1, "Marital": 3})
    assert message.index("'Marital' (3 rows)") < message.index("'age' (1 row)")
    assert "2 column(s)" in message and "strict_missing=True" in message


# --------------------------------------------------------------------------- through AutoML
@pytest.fixture(scope="module")
def model(adult):
    train, _, target = adult
    return AutoML(time_budget=20, max_trials=4, seed=0).fit(train, target=target)


@pytest.mark.slow
def test_predict_imputes_and_warns_once_per_call_naming_columns_and_counts(model, adult):
    _, test, target = adult
    holes = _holes(test, target)
    predictions, caught = _caught(lambda: model.predict(holes))
    assert len(predictions) == len(holes) and set(predictions) <= set(model.classes_)
    assert len(caught) == 1
    warning = caught[0].message
    assert warning.counts == {c: int(n) for c, n in holes[["age", *COMPLETE]].isna().sum().items()}
    assert "'age' (3 rows)" in str(warning) and all(f"'{c}'" in str(warning) for c in COMPLETE)
    assert caught[0].filename == __file__  # attributed to the caller, not to the engine
    for call in (
        lambda: model.predict_proba(holes),
        lambda: model.score(holes, test[target]),
        lambda: model.evaluate(holes.assign(**{target: test[target]})),
    ):
        _, caught = _caught(call)
        assert len(caught) == 1
    _, caught = _caught(lambda: model.predict(test.dropna(subset=COMPLETE)))
    assert caught == []  # native_country had missing values at fit: no warning for it


@pytest.mark.slow
def test_strict_missing_refuses_and_survives_pickling(model, adult):
    _, test, target = adult
    strict = pickle.loads(pickle.dumps(model)).set_params(strict_missing=True)
    with pytest.raises(SchemaError, match="not_nullable") as info:
        strict.predict(_holes(test, target))
    assert {"age", *COMPLETE} == set(info.value.failures["column"])


@pytest.mark.slow
def test_monitors_report_missing_value_drift(model, adult):
    _, test, target = adult
    holes = _holes(test, target)
    holes.loc[: len(holes) // 3, "occupation"] = np.nan  # a third of the rows: drift
    entries = {e["column"]: e for e in missing_value_drift(model, holes)}
    assert entries["occupation"]["verdict"] == "drift" and entries["occupation"]["at_fit"] == 0.0
    assert entries["occupation"]["complete_at_fit"] is True
    assert entries["age"]["verdict"] == "no drift" and entries["age"]["missing_now"] == 3  # reported, no alarm
    assert not entries["native_country"]["complete_at_fit"]
    _, caught = _caught(lambda: model.monitor(holes, monitor="psi"))
    assert caught == []  # the report says it, per column
    report = model.monitor(holes, monitor="psi")
    assert "occupation" in report.missing_drift and report.drift_detected
    assert report.to_dict()["missing_values"][0]["column"] == "occupation"
    quiet = model.monitor(test.drop(columns=[target]).dropna(subset=COMPLETE), monitor="psi")
    assert quiet.missing_drift == []


# --------------------------------------------------------------------------- every family, every option
def _frame_with_every_kind(dataset) -> tuple[pd.DataFrame, str]:
    frame, target, _ = dataset("adult_income", rows=500)
    frame = frame.dropna().reset_index(drop=True)
    frame["signed_on"] = pd.date_range("2020-01-01", periods=len(frame), freq="D").astype(str)
    words = ["alpha beta gamma delta", "epsilon zeta eta theta iota", "kappa lambda mu nu xi omicron"]
    frame["note"] = [f"{words[i % 3]} extra{i % 7} words here {i} and {i * 7 % 13}" for i in range(len(frame))]
    return frame, target


@pytest.mark.slow
def test_every_family_and_preprocessing_option_predicts_rows_with_a_missing_value_anywhere(dataset):
    """Pipelines built as the search builds them, fitted on complete rows, predict rows with one
    missing value in each column (numeric, categorical, date, text) and a row with none given.
    Each stage's options are varied one at a time from the preferred ones."""
    from automl_core.fit import FitSettings, prepare, read_training_input
    from automl_core.plugin import Registry, build_plugin_manager
    from automl_core.search import PipelineConfig, fit_pipeline

    frame, target = _frame_with_every_kind(dataset)
    settings = FitSettings.from_params(AutoML(column_types={"note": "text", "signed_on": "datetime"}).get_params())
    pm = build_plugin_manager()
    registry = Registry.from_manager(pm)
    prepared = prepare(registry, read_training_input(pm, frame, None, target, {}, settings.column_types), settings)
    space, X, y = prepared.space, prepared.data.X, prepared.data.y
    assert {"numeric", "categorical", "datetime", "text"} <= set(prepared.plan.kinds.values())
    holes = X.head(len(X.columns) + 1).copy()
    for i, column in enumerate(X.columns):
        holes.loc[holes.index[i], column] = np.nan
    holes.loc[holes.index[-1], :] = np.nan
    builders = tuple(b.name for b in space.builders)
    assert {"datetime_parts", "text_tfidf"} <= set(builders)
    variant = {
        "simple_imputer": {"add_indicator": True},
        "ordinal": {"missing": "nan"},
        "categorical_imputer": {"strategy": "constant"},
    }
    failures = []
    for name, family in sorted(space.families.items()):
        options = space.stage_options(family)
        base = {stage: names[0] for stage, names in options.items()}
        for preprocessing in [base] + [{**base, s: o} for s, names in options.items() for o in names[1:]]:
            params = {name: dict(family.defaults[0]) if family.defaults else {}, **variant}
            config = PipelineConfig(name, preprocessing, builders, params)
            try:
                pipeline = fit_pipeline(space.build(config), X, y, config)
                assert np.isfinite(pipeline.predict_proba(holes)).all()
            except Exception as exc:  # noqa: BLE001 - collected, to name every failing combination at once
                failures.append(f"{name} with {config.describe()}: {type(exc).__name__}: {exc}")
    assert len(space.families) >= 7
    assert not failures, "\n".join(failures)
