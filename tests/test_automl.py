"""End-to-end fits on real datasets through the installed first-party plugins."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split

from automl_core import AutoML, SchemaError

pytestmark = pytest.mark.slow


def split(dataset, name, rows=None):
    frame, target, task = dataset(name, rows)
    stratify = frame[target] if task != "regression" else None
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=stratify)
    return train, test, target


@pytest.fixture(scope="module")
def titanic_model(dataset):
    train, test, target = split(dataset, "titanic")
    return AutoML(time_budget=12, max_trials=6, seed=0).fit(train, target=target), test, target


def test_binary_fit_beats_a_constant_predictor(titanic_model):
    model, test, target = titanic_model
    proba = model.predict_proba(test.drop(columns=[target]))
    assert model.task_ == "binary" and model.metric_ == "roc_auc"
    assert list(model.classes_) == [0, 1]
    assert proba.shape == (len(test), 2) and np.allclose(proba.sum(axis=1), 1)
    assert roc_auc_score(test[target], proba[:, 1]) > 0.78  # a constant predictor scores 0.5
    assert set(model.predict(test)) <= {0, 1}


def test_leaderboard_and_fitted_attributes(titanic_model):
    model, _, _ = titanic_model
    board = model.leaderboard_
    for column in (
        "rank",
        "family",
        "preprocessing",
        "params",
        "score",
        "fit_seconds",
        "predict_seconds",
        "elapsed",
        "state",
    ):
        assert column in board.columns
    assert board["rank"].tolist() == list(range(1, len(board) + 1))
    done = board[board.state == "complete"]
    assert (done["predict_seconds"] > 0).all() and (done["predict_seconds"] < done["fit_seconds"]).all()
    assert done["score"].is_monotonic_decreasing
    assert done["ensemble_weight"].sum() == pytest.approx(1.0)
    assert model.best_config_.family in set(done["family"])
    assert model.fit_seconds_ <= 12 * 1.05 + 0.5
    name_kind = model.column_plan_.kinds["Name"]
    assert name_kind == "text" or (name_kind == "drop" and model.column_plan_.notes["Name"].startswith("text"))
    assert "Sex" in model.schema_.columns
    assert len(model.top_configs_) >= 1 and "family" in model.top_configs_[0]


def test_evaluate_reports_every_metric_for_the_task(titanic_model):
    model, test, target = titanic_model
    table = model.evaluate(test)  # the target column is found by name
    assert {"accuracy", "roc_auc", "log_loss", "f1", "precision", "recall", "balanced_accuracy"} <= set(table.metric)
    assert table.loc[table.metric == "roc_auc", "search_metric"].item()
    auc = table.set_index("metric").loc["roc_auc", "value"]
    assert model.score(test.drop(columns=[target]), test[target]) == pytest.approx(auc)


def test_multiclass_fit_beats_a_constant_predictor(dataset):
    train, test, target = split(dataset, "penguins")
    model = AutoML(time_budget=10, max_trials=5).fit(train, target=target)
    proba = model.predict_proba(test.drop(columns=[target]))
    prior = train[target].value_counts(normalize=True).reindex(model.classes_).to_numpy()
    constant = log_loss(test[target], np.tile(prior, (len(test), 1)), labels=model.classes_)
    assert model.task_ == "multiclass" and model.metric_ == "log_loss"
    assert log_loss(test[target], proba, labels=model.classes_) < 0.5 * constant
    assert set(model.predict(test)) <= set(model.classes_)


def test_regression_fit_from_arrays_beats_the_mean(dataset):
    train, test, target = split(dataset, "insurance_charges")
    X, y = train.drop(columns=[target]), train[target].to_numpy()
    model = AutoML(time_budget=10, max_trials=5).fit(X, y)
    rmse = mean_squared_error(test[target], model.predict(test.drop(columns=[target]))) ** 0.5
    assert model.task_ == "regression" and model.metric_ == "rmse"
    assert rmse < 0.7 * test[target].std()
    with pytest.raises(AttributeError, match="classification"):
        model.predict_proba(test)


def test_fit_reads_a_file_through_the_loader_plugins(datasets_dir):
    model = AutoML(time_budget=8, max_trials=2, families="linear").fit(
        str(datasets_dir / "auto_mpg.csv.gz"), target="mpg"
    )
    assert model.task_ == "regression" and model.n_features_in_ == 8
    assert set(model.leaderboard_["family"]) == {"linear"}  # one family named as a string, not letter by letter


def test_scikit_learn_estimator_rules(dataset):
    model = AutoML(time_budget=5, metric="accuracy", families=["linear"])
    assert model.get_params()["metric"] == "accuracy"
    assert clone(model).get_params() == model.get_params()
    assert model.set_params(seed=3) is model and model.seed == 3
    assert not [k for k in vars(model) if k.endswith("_")]
    frame, target, _ = dataset("penguins")
    for method in (model.predict, model.predict_proba, model.evaluate):
        with pytest.raises(NotFittedError):
            method(frame)
    fitted = model.fit(frame, target=target)
    assert fitted is model and model.metric_ == "accuracy"


def test_fit_reads_a_sqlite_table(dataset, tmp_path):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    frame, target, _ = dataset("penguins")
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'zoo.db'}")
    frame.to_sql("penguins", engine, index=False)
    engine.dispose()
    model = AutoML(time_budget=10, max_trials=2, families=["linear"]).fit(
        f"sqlite:///{tmp_path / 'zoo.db'}", target=target, table="penguins"
    )
    assert model.task_ == "multiclass" and len(model.predict(frame.head(3))) == 3
    assert all(type(c) is str for c in model.feature_names_in_)


#: Column names that XGBoost ("[", "]", "<") or LightGBM (JSON's special characters) refuse.
AWKWARD_NAMES = {"Fare": 'fare [GBP], "paid"', "Age": "age<18?", "Sex": "sex {m: f}", "Pclass": "class: 1st..3rd"}


@pytest.mark.parametrize("family", ["xgboost", "lightgbm", "catboost", "hist_gradient_boosting"])
def test_boosting_families_take_any_column_name(dataset, family):
    train, test, target = split(dataset, "titanic", rows=400)
    train, test = train.rename(columns=AWKWARD_NAMES), test.rename(columns=AWKWARD_NAMES)
    model = AutoML(time_budget=20, max_trials=1, families=[family], ensemble=False, seed=0).fit(train, target=target)
    assert model.leaderboard_["state"].tolist() == ["complete"], model.leaderboard_.get("error")
    proba = model.predict_proba(test.drop(columns=[target]))
    assert roc_auc_score(test[target], proba[:, 1]) > 0.75
    assert list(model.feature_names_in_) == [c for c in train.columns if c != target]


def test_column_names_that_are_not_strings_become_their_text_at_fit_predict_and_monitor(dataset):
    train, test, target = split(dataset, "insurance_charges", rows=400)

    def as_numbers(frame):  # 0, 1...: a frame from an array
        return frame.set_axis(range(frame.shape[1]), axis=1)

    X = as_numbers(train.drop(columns=[target]))
    model = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(X, train[target])
    assert list(model.feature_names_in_) == [str(i) for i in range(X.shape[1])]
    new = as_numbers(test.drop(columns=[target]))
    np.testing.assert_allclose(model.predict(new), model.predict(new.set_axis(model.feature_names_in_, axis=1)))
    report = model.monitor(new)  # the evidently monitor failed with KeyError: '0'
    assert report.to_dict()
    with_target = as_numbers(train)  # the target and column types named by number, as the frame names them
    target_at = list(train.columns).index(target)
    sex_at = list(train.columns).index("sex")
    named = AutoML(time_budget=10, max_trials=1, families=["linear"], column_types={sex_at: "categorical"}, seed=0).fit(
        with_target, target=target_at
    )
    assert named.target_name_ == str(target_at) and named.column_plan_.kinds[str(sex_at)] == "categorical"


def test_one_record_as_a_mapping_and_no_rows_at_all(titanic_model):
    model, test, target = titanic_model
    X = test.drop(columns=[target])
    record = X.iloc[0].to_dict()  # {"Pclass": 3, "Name": "...", ...}: one row's values
    np.testing.assert_allclose(model.predict_proba(record), model.predict_proba(X.head(1)))
    np.testing.assert_allclose(model.predict_proba(X.iloc[0]), model.predict_proba(X.head(1)))  # a row as a Series
    assert model.predict_proba(X.head(0)).shape == (0, 2) and model.predict(X.head(0)).shape == (0,)


def test_object_columns_of_numbers_are_numeric_and_checked_for_infinity(dataset):
    import decimal

    from automl_core import DataError
    from automl_core.data import plan_columns

    frame, target, _ = dataset("insurance_charges", 300)
    as_objects = frame.assign(bmi=frame["bmi"].astype(object), age=[decimal.Decimal(int(a)) for a in frame["age"]])
    plan = plan_columns(as_objects.drop(columns=[target]))
    assert plan.kinds["bmi"] == "numeric" and plan.kinds["age"] == "numeric"  # were 215 and 47 levels
    model = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(as_objects, target=target)
    np.testing.assert_allclose(model.predict(as_objects.head(20)), model.predict(frame.head(20)))
    assert model.reference_["bmi"].dtype == "float64"
    for current in (frame, as_objects):  # floats or objects: the same numbers (monitor refused both ways)
        assert model.monitor(current.drop(columns=[target])).n_current == len(frame)
    with pytest.raises(DataError, match=r"infinite values in column\(s\) \['bmi'\]"):
        AutoML(time_budget=5).fit(
            as_objects.assign(bmi=as_objects["bmi"].where(frame.index != 3, np.inf)), target=target
        )


def test_a_nullable_boolean_column_takes_missing_values_beside_true_and_false(dataset):
    frame, target, _ = dataset("insurance_charges", 300)
    flagged = frame.assign(smoker=(frame["smoker"] == "yes").astype("boolean").where(frame.index % 7 != 0, pd.NA))
    model = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(flagged, target=target)
    rows = flagged.drop(columns=[target]).head(3).assign(smoker=pd.Series([True, None, False], dtype=object))
    assert model.predict(rows).shape == (3,)  # was a SchemaError: column 'smoker' failed numeric: True
    with pytest.raises(SchemaError, match="column 'age' failed numeric: True"):  # not boolean at fit: no booleans
        model.predict(rows.assign(age=pd.Series([True, 30, 40], dtype=object)))


def test_a_target_series_in_another_row_order_is_aligned_by_its_labels(dataset):
    train, test, target = split(dataset, "insurance_charges", rows=400)
    X, y = train.drop(columns=[target]), train[target]
    settings = dict(time_budget=10, max_trials=1, families=["linear"], ensemble=False, seed=0)
    aligned = AutoML(**settings).fit(X, y).predict(test)
    shuffled = AutoML(**settings).fit(X, y.sample(frac=1, random_state=0)).predict(test)  # was read by position
    np.testing.assert_allclose(shuffled, aligned)
    by_position = AutoML(**settings).fit(X, y.to_numpy()[::-1]).predict(test)  # no labels: by position
    assert not np.allclose(by_position, aligned)
