"""The datetime_parts feature builder on bike_sharing_hourly's ``dteday`` date strings."""

import numpy as np
import pandas as pd
import pytest
from automl_sklearn.features import FEATURE_BUILDERS
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import root_mean_squared_error

from automl_core import AutoML, BuildContext, DataError
from automl_core.testing import check_feature_builder

BUILDER = next(b for b in FEATURE_BUILDERS if b.name == "datetime_parts")


def _build():
    return BUILDER.build({}, BuildContext(task="regression"))


@pytest.fixture
def bike(dataset):
    frame, target, _ = dataset("bike_sharing_hourly", rows=5000)
    return frame.drop(columns=[target]), frame[target].to_numpy(dtype=float)


def test_date_strings_become_calendar_parts(bike):
    X, _ = bike
    out = _build().fit(X).transform(X)
    assert "dteday" not in out.columns and not out.filter(like="dteday__").isna().any().any()
    assert (out["dteday__year"] == 2011 + X["yr"]).all()
    assert (out["dteday__month"] == X["mnth"]).all()
    assert (out["dteday__dayofweek"] == (X["weekday"] - 1) % 7).all()  # the source counts from Sunday
    assert out["dteday__elapsed_days"].min() == 0 and out["dteday__elapsed_days"].max() > 700
    assert np.allclose(out["dteday__month_sin"] ** 2 + out["dteday__month_cos"] ** 2, 1.0)
    assert "dteday__hour" not in out.columns  # dates only: no hour of day to add
    assert list(out.columns[: X.shape[1] - 1]) == [c for c in X.columns if c != "dteday"]


def test_unparseable_dates_at_predict_become_missing_parts(bike):
    X, _ = bike
    fitted = _build().fit(X)
    new = X.head(4).copy()
    new["dteday"] = ["not a date", None, "2012-13-45", "2012-06-30"]
    out = fitted.transform(new)
    parts = out.filter(like="dteday__")
    assert parts.iloc[:3].isna().all().all()
    assert out.loc[new.index[3], "dteday__dayofyear"] == pd.Timestamp("2012-06-30").dayofyear


@pytest.mark.parametrize(
    "written",
    [
        lambda when: when.dt.strftime("%d/%m/%Y"),  # another format than at fit
        lambda when: when.astype("int64") // 10**6,  # epoch milliseconds
        lambda when: pd.Series("notadate", index=when.index),
    ],
)
def test_a_batch_where_no_date_parses_is_an_error_naming_the_column(bike, written):
    X, _ = bike
    fitted = _build().fit(X)
    new = X.head(3).copy()
    new["dteday"] = written(pd.to_datetime(new["dteday"]))
    with pytest.raises(
        DataError,
        match=r"column 'dteday': none of its 3 value\(s\) reads as a date in the format "
        r"'%Y-%m-%d' \(e.g. .* at row 0\)",
    ):
        fitted.transform(new)
    assert fitted.transform(new.assign(dteday=None)).filter(like="dteday__").isna().all().all()  # missing: no error
    with pytest.raises(DataError, match="none of its 1 value"):  # one row too, when every date parsed at fit
        fitted.transform(new.head(1))


def test_unreadable_rows_as_rare_as_at_fit_are_missing_more_are_an_error(bike):
    X, _ = bike
    noisy = X.assign(dteday=X["dteday"].where(X.index % 50 != 0, "unknown"))  # 2% unreadable at fit
    fitted = _build().fit(noisy)
    for rows in (1, 3):  # 0.02 ** 3 is not unlikely enough to say the format changed
        assert fitted.transform(noisy.head(rows).assign(dteday="unknown")).filter(like="dteday__").isna().all().all()
    with pytest.raises(DataError, match="none of its 4 value"):
        fitted.transform(noisy.head(4).assign(dteday="unknown"))


def test_a_part_named_like_a_users_column_takes_the_first_free_suffix(bike):
    X, _ = bike
    X = X.assign(dteday__year=X["hr"] % 7, dteday__year_2=X["hr"] % 5)  # the user's, not dates
    fitted = _build().fit(X)
    out = fitted.transform(X.tail(50))
    names = list(fitted.get_feature_names_out())

    assert list(out.columns) == names and len(set(names)) == len(names)
    assert names[: X.shape[1] - 1] == [c for c in X.columns if c != "dteday"]
    assert (out["dteday__year"] == X["hr"].tail(50) % 7).all() and (out["dteday__year_2"] == X["hr"].tail(50) % 5).all()
    assert (out["dteday__year_3"] == 2011 + X["yr"].tail(50)).all()
    assert (out["dteday__month"] == X["mnth"].tail(50)).all()


@pytest.mark.slow
def test_automl_fits_and_predicts_beside_a_users_column_named_like_a_part(dataset):
    """Every trial failed on the clash before, and the fit ended in a BudgetError."""
    frame, target, _ = dataset("bike_sharing_hourly", rows=300)
    frame["dteday__year"] = frame["hr"] % 7
    model = AutoML(time_budget=10, max_trials=2, families="linear", seed=0).fit(frame, target=target)

    assert set(model.leaderboard_["state"]) == {"complete"}, model.leaderboard_["error"].dropna().tolist()
    names = list(model.best_pipeline_.named_steps["builder_datetime_parts"].get_feature_names_out())
    assert len(set(names)) == len(names) and {"dteday__year", "dteday__year_2"} <= set(names)
    assert np.isfinite(model.predict(frame.drop(columns=[target]).head(5))).all()


def test_applies_only_where_a_column_holds_dates(bike, dataset):
    X, _ = bike
    assert BUILDER.applies(X) is True
    for name in ("adult_income", "titanic", "lending_club"):
        frame, _, _ = dataset(name, rows=500)
        assert BUILDER.applies(frame) is False, name
    assert BUILDER.applies(pd.DataFrame({"when": pd.date_range("2024-01-01", periods=5, freq="h")})) is True


def test_day_first_strings_and_times_of_day():
    days = pd.date_range("2023-01-01 06:30", periods=300, freq="29h")
    frame = pd.DataFrame({"when": days.strftime("%d/%m/%Y %H:%M"), "x": np.arange(300.0)})
    out = _build().fit(frame).transform(frame)
    assert (out["when__month"] == days.month).all() and (out["when__day"] == days.day).all()
    assert np.allclose(out["when__hour"], days.hour + days.minute / 60)
    assert {"when__hour_sin", "when__hour_cos"} <= set(out.columns)


@pytest.mark.slow
def test_date_parts_lower_the_error_of_a_fixed_model(bike):
    X, y = bike
    train, test = slice(0, 3000), slice(3000, None)
    model = HistGradientBoostingRegressor(max_iter=200, random_state=0)
    without = X.drop(columns=["dteday"])
    rmse_without = root_mean_squared_error(y[test], model.fit(without[train], y[train]).predict(without[test]))
    parts = _build().fit(X[train])
    with_parts = root_mean_squared_error(
        y[test], model.fit(parts.transform(X[train]), y[train]).predict(parts.transform(X[test]))
    )
    assert with_parts < rmse_without * 0.98, (with_parts, rmse_without)


def test_conforms_on_real_dates(bike):
    X, _ = bike
    check_feature_builder(BUILDER, X.head(200))
