"""The numeric-text rule: which text columns become numbers, which stay text, and how a model reads them at predict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_core import AutoML, DataError, load, package
from automl_core.data import convert_numeric_text, numeric_text, read_numeric_text
from automl_core.monitoring import check_current


@pytest.mark.parametrize(
    ("values", "expected", "blanks"),
    [
        (["1", " 2.5 ", " ", None], [1.0, 2.5, np.nan, np.nan], 1),
        (["3", "4", ""], [3.0, 4.0, np.nan], 1),
        ([1.5, "2", "  "], [1.5, 2.0, np.nan], 1),  # glob of a numeric file and a text one
        (["7", "-8", "1e3"], [7.0, -8.0, 1000.0], 0),
    ],
)
def test_numbers_written_as_text_are_converted(values, expected, blanks):
    parsed, count = numeric_text(pd.Series(values, dtype=object))
    np.testing.assert_array_equal(parsed.to_numpy(dtype=float), np.array(expected, dtype=float))
    assert count == blanks


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2", "three"],  # garbage keeps the text
        ["1,234", "5"],  # a thousands separator is not guessed
        [" ", "  ", None],  # nothing but blanks
        [True, "1"],  # booleans are not numbers
        [[1], "2"],  # nor are lists
        ["Yes", "No"],
    ],
)
def test_real_text_stays_text(values):
    assert numeric_text(pd.Series(values, dtype=object)) is None


def test_garbage_after_the_first_rows_still_keeps_the_text():
    values = pd.Series([str(i) for i in range(1000)] + ["oops"], dtype=object)
    assert numeric_text(values) is None


def test_kept_columns_are_left_alone():
    frame = pd.DataFrame({"zip": ["01234", "99999"], "amount": ["1", "2"]})
    frame, conversions = convert_numeric_text(frame, keep={"zip"})
    assert frame["zip"].tolist() == ["01234", "99999"]
    assert conversions == [{"column": "amount", "from": "object", "to": "int64", "blanks_as_missing": 0}]


def test_a_conversion_leaves_the_callers_frame_as_it_was():
    frame = pd.DataFrame({"charges": ["1.5", " ", "3"], "name": ["a", "b", "c"]})
    out, conversions = convert_numeric_text(frame, blanks_required=True)
    assert frame["charges"].tolist() == ["1.5", " ", "3"] and frame["charges"].dtype == object
    assert out["charges"].tolist()[::2] == [1.5, 3.0] and np.isnan(out["charges"][1])
    assert list(out.columns) == ["charges", "name"] and conversions[0]["blanks_as_missing"] == 1


def test_blanks_required_leaves_numbers_without_blanks_as_text():
    """A DataFrame whose column holds only numeric strings ("01234") was typed so by its owner."""
    frame = pd.DataFrame({"zip": ["01234", "99999"], "charges": ["1", " "]})
    out, conversions = convert_numeric_text(frame, blanks_required=True)
    assert [c["column"] for c in conversions] == ["charges"] and out["zip"].tolist() == ["01234", "99999"]


def test_predict_reads_recorded_columns_and_names_values_that_are_not_numbers():
    frame = pd.DataFrame({"charges": [" 2.5", "", None, 4], "other": ["x", "y", "z", "w"]})
    out = read_numeric_text(frame, {"charges": 1}, "the input")
    np.testing.assert_array_equal(out["charges"].to_numpy(), [2.5, np.nan, np.nan, 4.0])
    assert out["other"].tolist() == ["x", "y", "z", "w"] and frame["charges"].dtype == object
    numbers = pd.DataFrame({"charges": [1.0, 2.0]})
    assert read_numeric_text(numbers, {"charges": 0}, "the input") is numbers  # already numbers: untouched
    bad = pd.DataFrame({"charges": ["1", "n/a", True, "3", "1,5"]})
    with pytest.raises(
        DataError,
        match=r"column 'charges' of the input .* 3 value\(s\) are not numbers: 'n/a' \(row 1\), True \(row 2\), '1,5' \(row 4\)",
    ):
        read_numeric_text(bad, {"charges": 0}, "the input")


@pytest.mark.slow
def test_a_fitted_model_reads_telcos_total_charges_as_numbers(dataset, tmp_path):
    """telco churn as pandas reads it: ``TotalCharges`` is text because 11 customers have " "."""
    frame, target, _ = dataset("telco_churn")
    blank = frame["TotalCharges"].str.strip().eq("")
    assert blank.sum() == 11
    rest = frame[~blank].sample(n=400, random_state=0)
    train = pd.concat([frame[blank].iloc[:8], rest.iloc[:300]])
    test = pd.concat([frame[blank].iloc[8:], rest.iloc[300:]]).drop(columns=[target])
    model = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(train, target=target)

    assert model.numeric_text_ == {"TotalCharges": 8}
    assert model.column_plan_.kinds["TotalCharges"] == "numeric"
    assert model.column_plan_.notes["TotalCharges"] == "numbers written as text; 8 blank value(s) read as missing"
    assert train["TotalCharges"].dtype == object and model.reference_["TotalCharges"].dtype == np.float64
    as_numbers = test.assign(TotalCharges=pd.to_numeric(test["TotalCharges"].str.strip().replace("", np.nan)))
    assert np.array_equal(model.predict_proba(test), model.predict_proba(as_numbers))
    assert check_current(model, test)["TotalCharges"].dtype == np.float64

    loaded = load(package.save(model, tmp_path / "telco"))
    assert np.array_equal(loaded.predict_proba(test), model.predict_proba(test))
    garbage = test.assign(TotalCharges=test["TotalCharges"].where(test.index != test.index[5], "unknown"))
    with pytest.raises(DataError, match=r"column 'TotalCharges' of the input .* 'unknown'"):
        loaded.predict(garbage)

    # fitted from a file, which the CSV loader converts as it reads: predict reads text the same way
    train.to_csv(tmp_path / "train.csv", index=False)
    from_file = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(
        tmp_path / "train.csv", target=target
    )
    assert from_file.numeric_text_ == {"TotalCharges": 8}
    assert np.array_equal(from_file.predict_proba(test), from_file.predict_proba(as_numbers))

    # a column the user types as categorical stays text
    kept = AutoML(
        time_budget=10, max_trials=2, families=["linear"], seed=0, column_types={"TotalCharges": "categorical"}
    ).fit(train, target=target)
    assert kept.numeric_text_ == {} and kept.column_plan_.kinds["TotalCharges"] == "categorical"


def test_infinity_written_as_text_is_refused_at_fit_like_any_infinity():
    frame = pd.DataFrame({"charges": ["1", " ", "inf"] * 20, "y": [0, 1] * 30})
    with pytest.raises(DataError, match=r"infinite values in column\(s\) \['charges'\]"):
        AutoML(time_budget=5, max_trials=1, families=["linear"]).fit(frame, target="y")


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]"])
def test_pandas_strings_become_float64_as_object_text_does(dtype):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"charges": pd.array(["1.5", " ", "3"], dtype=dtype)})
    out, conversions = convert_numeric_text(frame, blanks_required=True)
    assert out["charges"].dtype == np.float64 and conversions[0]["to"] == "float64"
    assert read_numeric_text(frame, {"charges": 1}, "the input")["charges"].dtype == np.float64


def test_a_duplicated_column_name_at_predict_is_named():
    frame = pd.DataFrame([["1", "2"]], columns=["charges", "charges"])
    with pytest.raises(DataError, match=r"the input has duplicate column names: \['charges'\]"):
        read_numeric_text(frame, {"charges": 0}, "the input")
