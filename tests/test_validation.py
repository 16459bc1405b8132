import numpy as np
import pytest

from automl_core.data import infer_schema, plan_columns, schema_from_yaml, schema_to_yaml, validate
from automl_core.errors import SchemaError


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic")
    X = frame.drop(columns=[target])
    return X, plan_columns(X)


def test_training_data_passes_its_own_schema(titanic):
    X, plan = titanic
    validate(infer_schema(X, plan), X)


def test_every_failure_is_listed_once_with_column_check_and_value(titanic):
    X, plan = titanic
    schema = infer_schema(X, plan, unseen="error")
    bad = X.head(6).copy().drop(columns=["Pclass"])
    bad["Age"] = bad["Age"].astype(object)
    bad.loc[bad.index[0], "Age"] = "forty"
    bad.loc[bad.index[1], "Fare"] = np.inf
    bad.loc[bad.index[2], "Sex"] = "unknown"
    bad.loc[bad.index[3], "Sex"] = None
    with pytest.raises(SchemaError) as info:
        validate(schema, bad)
    failures = info.value.failures
    found = set(zip(failures["column"], failures["check"]))
    assert ("Pclass", "column_present") in found
    assert ("Age", "numeric") in found
    assert ("Fare", "finite") in found
    assert ("Sex", "not_nullable") in found
    assert any(c == "Sex" and k.startswith("known_level") for c, k in found)
    message = str(info.value)
    for column in ("Pclass", "Age", "Fare", "Sex"):
        assert column in message
    assert "'forty'" in message


def test_numbers_as_strings_are_rejected_not_coerced(titanic):
    X, plan = titanic
    bad = X.head(3).copy()
    bad["Fare"] = bad["Fare"].astype(str)
    with pytest.raises(SchemaError, match="Fare"):
        validate(infer_schema(X, plan), bad)


def test_integers_where_floats_were_seen_pass(titanic):
    X, plan = titanic
    ok = X.head(5).copy()
    ok["Fare"] = ok["Fare"].round().astype("int64")
    validate(infer_schema(X, plan), ok)


def test_schema_round_trips_through_yaml(titanic):
    X, plan = titanic
    schema = schema_from_yaml(schema_to_yaml(infer_schema(X, plan, unseen="error")))
    validate(schema, X)
    bad = X.head(2).copy()
    bad.loc[bad.index[0], "Embarked"] = "Z"
    with pytest.raises(SchemaError, match="Embarked"):
        validate(schema, bad)


def _one_fault_each(X):
    """Frames that each break the schema in one way, named."""
    cases = {"a column missing": X.drop(columns=["Fare"])}
    text = X.assign(Age=X["Age"].astype(object))
    text.loc[text.index[3], "Age"] = "forty"
    cases["a word in a numeric column"] = text
    infinite = X.copy()
    infinite.loc[infinite.index[5], "Fare"] = -np.inf
    cases["an infinite number"] = infinite
    missing = X.copy()
    missing.loc[missing.index[7], "Sex"] = None  # Sex was never missing at fit
    cases["a missing value where none was seen"] = missing
    return cases


def test_the_fast_path_passes_clean_data_and_hands_every_fault_to_pandera(titanic):
    from automl_core.data._schema import _surely_valid

    X, plan = titanic
    schema = infer_schema(X, plan)
    assert _surely_valid(schema, X)
    assert _surely_valid(schema, X.assign(Pclass=X["Pclass"].astype("int8"), extra="ignored"))
    for fault, frame in _one_fault_each(X).items():
        assert not _surely_valid(schema, frame), fault
        with pytest.raises(SchemaError):
            validate(schema, frame)
    assert not _surely_valid(schema, X.assign(Age2=X["Age"]).rename(columns={"Age2": "Age"}))  # pandera's to judge
    assert not _surely_valid(infer_schema(X, plan, unseen="error"), X)  # level checks: pandera's to decide
    validate(infer_schema(X, plan, unseen="error"), X)
