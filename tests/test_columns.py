import numpy as np
import pandas as pd
import pytest

from automl_core.columns import TypedFrame, plan_columns
from automl_core.errors import DataError



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
