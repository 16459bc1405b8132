"""Bad input gets a clear error naming the culprit, before any search starts."""
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from automl_core import AutoML, DataError, SchemaError, UnknownComponentError



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
