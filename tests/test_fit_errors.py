"""Bad input gets a clear error naming the culprit, before any search starts."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from automl_core import AutoML, DataError, FitError, ModelFamily, SchemaError, UnknownComponentError, hookimpl


@pytest.fixture(scope="module")
def penguins(dataset):
    frame, target, _ = dataset("penguins")
    return frame, target


def fit(frame, **kw):
    settings = dict(time_budget=5, max_trials=2, families=["linear"])
    settings.update(kw.pop("settings", {}))
    return AutoML(**settings).fit(frame, **kw)


def test_empty_frame(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match="empty"):
        fit(frame.iloc[:0], target=target)


def test_target_column_that_does_not_exist(penguins):
    frame, _ = penguins
    with pytest.raises(DataError, match="'Species'.*columns"):
        fit(frame, target="Species")


def test_target_all_missing(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match="missing in every row"):
        fit(frame.assign(**{target: np.nan}), target=target)


def test_single_class(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match="'species' is constant \\('Adelie' in every row\\)"):
        fit(frame[frame[target] == "Adelie"], target=target)


def test_a_binary_class_of_one_row_is_named(dataset):
    frame, target, _ = dataset("titanic")
    one_survivor = frame.drop(frame.index[frame[target] == 1][1:])
    with pytest.raises(DataError, match="class 1 of target 'Survived' has 1 row"):
        fit(one_survivor, target=target)


def test_a_target_of_numbers_and_text_is_named(penguins):
    frame, target = penguins
    mixed = frame.assign(**{target: frame[target].where(frame[target] != "Gentoo", 3).astype(object)})
    with pytest.raises(DataError, match="'species' mixes values of types int, str"):
        fit(mixed, target=target)


def test_fewer_rows_than_folds(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match="fewer than the 5 validation folds"):
        fit(frame.head(4).assign(**{target: ["a", "b", "a", "b"]}), target=target, settings={"validation": "kfold"})


def test_non_numeric_target_for_regression(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match="numeric target.*'species'"):
        fit(frame, target=target, settings={"task": "regression"})


def test_duplicate_column_names(penguins):
    frame, target = penguins
    twice = pd.concat([frame, frame[["island"]]], axis=1)
    with pytest.raises(DataError, match="duplicate column names: \\['island'\\]"):
        fit(twice, target=target)


def test_infinite_values(penguins):
    frame, target = penguins
    bad = frame.copy()
    bad.loc[3, "body_mass_g"] = np.inf
    with pytest.raises(DataError, match="infinite values in column\\(s\\) \\['body_mass_g'\\]"):
        fit(bad, target=target)


def test_unknown_metric_family_and_plugin(penguins):
    frame, target = penguins
    with pytest.raises(UnknownComponentError, match="evaluator 'auc'.*installed: .*log_loss"):
        fit(frame, target=target, settings={"metric": "auc"})
    with pytest.raises(UnknownComponentError, match="model family 'tabpfn'"):
        fit(frame, target=target, settings={"families": ["tabpfn"]})
    with pytest.raises(UnknownComponentError, match="unknown plugin\\(s\\) 'sklearnn'"):
        fit(frame, target=target, settings={"block_plugins": ["sklearnn"]})
    with pytest.raises(UnknownComponentError, match="cannot exclude 'tfidf'.*installed: .*text_tfidf"):
        fit(frame, target=target, settings={"exclude": ["onehot", "tfidf"]})


@pytest.mark.parametrize("budget", [0, -1, float("nan"), "60"])
def test_time_budget_must_be_positive(penguins, budget):
    frame, target = penguins
    with pytest.raises(ValueError, match="time_budget"):
        fit(frame, target=target, settings={"time_budget": budget})


def test_predict_before_fit(penguins):
    frame, _ = penguins
    with pytest.raises(NotFittedError):
        AutoML().predict(frame)


def test_file_missing_or_not_a_table(tmp_path):
    with pytest.raises(DataError, match="does-not-exist.csv"):
        fit(str(tmp_path / "does-not-exist.csv"), target="y")
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\x00\x01\x02 not a table")
    with pytest.raises(DataError, match="model.bin"):
        fit(str(binary), target="y")


@pytest.mark.slow
def test_predict_input_failures_are_listed_together(penguins):
    frame, target = penguins
    model = fit(frame, target=target)
    bad = frame.drop(columns=[target, "island"]).head(5).copy()
    bad["bill_length_mm"] = bad["bill_length_mm"].astype(object)
    bad.loc[0, "bill_length_mm"] = "long"
    with pytest.raises(SchemaError) as info:
        model.predict(bad)
    assert {"island", "bill_length_mm"} <= set(info.value.failures["column"])


@pytest.mark.slow
def test_unseen_category_is_missing_by_default_or_an_error_by_policy(penguins):
    frame, target = penguins
    new = frame.drop(columns=[target]).dropna().head(4).copy()
    new["island"] = "Atlantis"
    assert len(fit(frame, target=target).predict(new)) == 4
    strict = fit(frame, target=target, settings={"unseen": "error"})
    with pytest.raises(SchemaError, match="island.*Atlantis"):
        strict.predict(new)


# --------------------------------------------------------------------------- vague errors made clear (#20)
def test_features_that_are_all_constant_are_named(penguins):
    frame, target = penguins
    constant = pd.DataFrame({"island": "Biscoe", "year": 2008, target: frame[target]})
    with pytest.raises(DataError, match=r"nothing to learn.*'island': constant.*'year': constant"):
        fit(constant, target=target)


@pytest.mark.parametrize("value", [0, -2, 1.5, True])
def test_max_trials_below_one_is_a_setting_error(penguins, value):
    frame, target = penguins
    with pytest.raises(ValueError, match=rf"max_trials must be .*got {value!r}"):
        fit(frame, target=target, settings={"max_trials": value})


def test_a_text_column_typed_numeric_is_named_with_its_values(penguins):
    frame, target = penguins
    with pytest.raises(DataError, match=r"column_types says 'sex' is numeric.*'(MALE|FEMALE)'"):
        fit(frame, target=target, settings={"column_types": {"sex": "numeric"}})


def test_an_empty_directory_as_data_says_it_is_one(tmp_path):
    with pytest.raises(DataError, match=r"loader 'glob'.*directory .* holds no CSV or Parquet file \(it is empty\)"):
        AutoML(time_budget=5).fit(tmp_path, target="y")


class NaNClassifier(ClassifierMixin, BaseEstimator):
    """A model whose plugin is broken: it answers NaN."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), np.nan)

    def predict(self, X):
        return self.classes_[np.zeros(len(X), dtype=int)]


class NaNPlugin:
    PLUGIN_NAME = "nan-models"

    @hookimpl
    def register_model_families(self, register):
        register(
            ModelFamily(
                "nan_model",
                ("binary", "multiclass"),
                build=lambda p, c: NaNClassifier(),
                suggest=lambda t, c: {},
                defaults=({},),
                cost=0.01,
            )
        )


@pytest.mark.slow
def test_a_model_that_answers_nan_is_blamed_not_the_input(penguins):
    frame, target = penguins
    with pytest.raises(FitError, match=r"NaNClassifier.*NaN or infinity.*not of the data"):
        AutoML(time_budget=10, max_trials=1, families=["nan_model"], plugins=[NaNPlugin()], n_workers=1).fit(
            frame, target=target
        )


@pytest.fixture(scope="module")
def forest(penguins):
    frame, target = penguins
    return AutoML(time_budget=10, max_trials=1, families=["random_forest"], n_workers=1, seed=0).fit(
        frame, target=target
    )


@pytest.mark.slow
def test_a_number_beyond_float32_at_predict_names_its_column(forest, penguins):
    frame, target = penguins
    rows = frame.drop(columns=target).head(3).copy()
    rows.loc[rows.index[1], "bill_length_mm"] = 1e308
    with pytest.raises(DataError, match=rf"column 'bill_length_mm' holds 1e\+308 at row {rows.index[1]}"):
        forest.predict(rows)


@pytest.mark.slow
def test_a_column_given_twice_at_predict_is_named(forest, penguins):
    frame, target = penguins
    rows = frame.drop(columns=target).head(3)
    twice = pd.concat([rows, rows[["flipper_length_mm"]]], axis=1)
    with pytest.raises(DataError, match=r"\['flipper_length_mm'\] more than once"):
        forest.predict(twice)
    extra = pd.concat(
        [
            rows,
            pd.DataFrame({"note": ["a"] * 3, "note ": ["b"] * 3}, index=rows.index).set_axis(["note", "note"], axis=1),
        ],
        axis=1,
    )
    assert len(forest.predict(extra)) == 3  # a repeated column the model does not read is ignored
