import numpy as np
import pandas as pd
import pytest

from automl_core.data import plan_columns
from automl_core.errors import DataError
from automl_core.model import TypedFrame


def test_titanic_columns_are_typed_with_reasons(dataset):
    frame, target, _ = dataset("titanic")
    plan = plan_columns(frame.drop(columns=[target]))
    assert plan.kinds["Name"] == "text"
    assert plan.kinds["Sex"] == "categorical"
    assert plan.kinds["Age"] == "numeric"
    summary = plan.summary()
    assert set(summary.columns) == {"column", "type", "note"}
    assert "distinct" in summary.set_index("column").loc["Name", "note"]


def test_identifiers_and_constants_are_dropped_with_a_note():
    frame = pd.DataFrame({"id": [f"C{i:05d}" for i in range(200)], "k": 1, "empty": np.nan, "x": range(200)})
    plan = plan_columns(frame)
    assert plan.kinds == {"id": "identifier", "k": "drop", "empty": "drop", "x": "numeric"}
    assert "constant" in plan.notes["k"] and "missing" in plan.notes["empty"]


def test_overrides_win_and_unknown_columns_are_named(dataset):
    frame, target, _ = dataset("titanic")
    plan = plan_columns(frame, {"Pclass": "categorical"})
    assert plan.kinds["Pclass"] == "categorical" and plan.notes["Pclass"] == "set by the user"
    with pytest.raises(DataError, match="'Deck'"):
        plan_columns(frame, {"Deck": "categorical"})
    with pytest.raises(DataError, match="unknown type"):
        plan_columns(frame, {"Pclass": "ordinalish"})


def test_typed_frame_fixes_levels_at_fit_and_maps_unseen_to_missing(dataset):
    frame, target, _ = dataset("penguins")
    X = frame.drop(columns=[target])
    typed = TypedFrame(plan_columns(X)).fit(X)
    new = X.head(3).copy()
    new.loc[new.index[0], "island"] = "Atlantis"
    out = typed.transform(new)
    assert out["bill_length_mm"].dtype == np.float64
    assert isinstance(out["island"].dtype, pd.CategoricalDtype)
    assert list(out["island"].cat.categories) == sorted(X["island"].dropna().unique())
    assert pd.isna(out["island"].iloc[0]) and not pd.isna(out["island"].iloc[1])


def test_a_datetime_override_with_unparseable_values_is_named(dataset):
    frame, _, _ = dataset("bike_sharing_hourly", rows=500)
    assert plan_columns(frame, {"dteday": "datetime"}).kinds["dteday"] == "datetime"
    broken = frame.copy()
    broken.loc[3, "dteday"] = "someday"
    broken.loc[7, "dteday"] = "2011-13-45"
    with pytest.raises(DataError, match=r"'dteday' is datetime, but 2 of its 500 values.*'someday'"):
        plan_columns(broken, {"dteday": "datetime"})


def test_nested_values_are_named_with_their_column(dataset):
    frame, _, _ = dataset("titanic", rows=50)
    nested = frame.assign(meta=[{"deck": c} for c in frame["Cabin"]])  # JSON lines with objects as values
    with pytest.raises(DataError, match=r"column 'meta' holds nested values such as \"{'deck'"):
        plan_columns(nested)


def test_typed_frame_codes_strings_numbers_and_mixed_values_by_their_text(dataset):
    frame, _, _ = dataset("titanic")
    train = pd.DataFrame({"Embarked": frame["Embarked"], "Sex": frame["Sex"]})
    train["Pclass"] = frame["Pclass"]  # numbers made categorical: their levels are "1", "2", "3"
    typed = TypedFrame(plan_columns(train, {"Pclass": "categorical"})).fit(train)
    rows = 8
    X = pd.DataFrame(
        {
            "Embarked": pd.Series(["S", "C", None, np.nan, "Q", "X", "S", "C"], dtype=object),  # X unseen
            "Sex": pd.Series(["male", pd.NA, "female", "female", "male", "other", "male", "female"], dtype="string"),
            "Pclass": pd.Series([1, "2", 3.0, None, "3", 7, 2, 1], dtype=object),  # mixed objects
        }
    )
    out = typed.transform(X)

    for column in X.columns:
        levels = pd.Index(typed.categories_[column], dtype=object)
        expected = levels.get_indexer(X[column].astype(str))  # the levels' own making: by text
        expected[X[column].isna().to_numpy()] = -1
        assert out[column].cat.codes.tolist() == expected.tolist(), column
        assert list(out[column].cat.categories) == typed.categories_[column]
    assert out["Embarked"].isna().tolist() == [False, False, True, True, False, True, False, False]
    assert out["Pclass"].isna().tolist() == [False, False, True, True, False, True, False, False]  # "3.0", 7: unseen
    assert out["Sex"].isna().tolist() == [False, True, False, False, False, True, False, False]
    assert len(out) == rows


def test_a_few_rows_are_typed_as_a_large_batch_is(dataset, monkeypatch):
    """The small-batch path (column by column in numpy) gives the frame the block path gives,
    with unseen levels, missing values of every kind, and numbers in a categorical column."""
    from automl_core.model import _typed_frame

    frame, target, _ = dataset("adult_income", rows=400)
    X = frame.drop(columns=[target])
    X["grade"] = np.where(np.arange(len(X)) % 3 == 0, 1, 2)
    plan = plan_columns(X, {"grade": "categorical"})
    typed = TypedFrame(plan).fit(X)
    odd = X.iloc[:6].copy()
    odd.loc[odd.index[0], "workclass"] = "never seen"
    odd.loc[odd.index[1], "workclass"] = None
    odd.loc[odd.index[2], "occupation"] = np.nan
    odd.loc[odd.index[3], "age"] = np.nan
    for batch in [odd] + [X.iloc[i : i + n] for i, n in ((0, 1), (7, 13), (50, 64))]:
        small = typed._transform_small(batch)
        monkeypatch.setattr(_typed_frame, "SMALL_BATCH", 0)
        pd.testing.assert_frame_equal(small, typed.transform(batch))
        monkeypatch.setattr(_typed_frame, "SMALL_BATCH", 64)
    assert typed.transform(odd)["workclass"].isna().tolist()[:2] == [True, True]


def test_wide_frames_are_planned_and_typed_as_narrow_ones_are():
    """Plain numeric columns are planned in one numpy pass (constants, NaN, all-missing) and a
    wide frame of few rows is typed in blocks: the same decisions and frame as column by column."""
    from automl_core.model import _typed_frame

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 300)), columns=[f"c{i}" for i in range(300)])
    X["const"], X["const_nan"], X["gone"] = 1.5, np.nan, np.nan
    X.loc[::2, "const_nan"] = 3.0  # one value and missing ones: two values, kept
    X["ints"], X["int_const"], X["flag"] = rng.integers(0, 3, 40), 7, rng.integers(0, 2, 40).astype(bool)
    plan = plan_columns(X)
    for col in X.columns:
        values = X[col]
        expected = "drop" if values.isna().all() or values.nunique(dropna=False) <= 1 else "numeric"
        assert plan.kinds[col] == expected, col
    kept = X[[c for c, kind in plan.kinds.items() if kind == "numeric"]]
    typed = TypedFrame(plan).fit(kept)
    wide = typed.transform(kept.head(10))  # 10 rows, 303 columns: more than SMALL_WIDTH, typed in blocks
    assert len(typed.numeric_) > _typed_frame.SMALL_WIDTH
    pd.testing.assert_frame_equal(wide, typed._transform_small(kept.head(10)))


def test_a_column_of_large_integers_beside_floats_is_not_taken_for_a_constant():
    # one numpy array of int64 and float64 columns is float64, where 2**60 and 2**60 + 1 are equal
    X = pd.DataFrame({"big": np.array([2**60, 2**60 + 1, 2**60 + 2], dtype="int64"), "f": [0.5, 1.5, 2.5]})
    assert plan_columns(X).kinds == {"big": "numeric", "f": "numeric"}
    same = pd.DataFrame({"big": np.array([2**60] * 3, dtype="int64"), "f": [0.5, 1.5, 2.5]})
    assert plan_columns(same).kinds["big"] == "drop"
