"""The text_tfidf feature builder on titanic's passenger names."""

import numpy as np
import pytest
from automl_sklearn.features import FEATURE_BUILDERS
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from automl_core import BuildContext
from automl_core.testing import check_feature_builder

BUILDER = next(b for b in FEATURE_BUILDERS if b.name == "text_tfidf")
PARAMS = {"analyzer": "word", "n_components": 10, "min_df": 5}


@pytest.fixture
def titanic(dataset):
    frame, target, _ = dataset("titanic")
    return frame.drop(columns=[target, "Ticket", "Cabin"]), frame[target].to_numpy()


def _linear_model():
    """Logistic regression on scaled numbers and one-hot strings: it cannot find 'Master' in Sex and Age."""
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    strings = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
    columns = make_column_transformer(
        (numbers, make_column_selector(dtype_include="number")), (strings, make_column_selector(dtype_include=object))
    )
    return make_pipeline(columns, LogisticRegression(max_iter=1000))


def test_names_become_dense_components(titanic):
    X, _ = titanic
    out = BUILDER.build(PARAMS, BuildContext(task="binary")).fit(X).transform(X)
    components = [f"Name__svd{i}" for i in range(10)]
    assert "Name" not in out.columns and list(out.columns[-10:]) == components
    assert all(out[c].dtype == np.float64 for c in components) and not out[components].isna().any().any()
    title = X["Name"].str.extract(r",\s*([^.]+)\.")[0]
    for name in ("Mr", "Mrs", "Miss", "Master"):
        correlations = [abs(np.corrcoef(title == name, out[c])[0, 1]) for c in components]
        assert max(correlations) > 0.5, (name, correlations)


@pytest.mark.slow
def test_the_title_signal_raises_the_auc_of_a_fixed_model(titanic):
    X, y = titanic
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    without = cross_val_score(_linear_model(), X.drop(columns=["Name"]), y, cv=folds, scoring="roc_auc").mean()
    text = make_pipeline(BUILDER.build(PARAMS, BuildContext(task="binary")), _linear_model())
    with_text = cross_val_score(text, X, y, cv=folds, scoring="roc_auc").mean()
    assert with_text > without + 0.01, (with_text, without)  # measured 0.864 against 0.847


def test_missing_and_unseen_text_at_predict(titanic):
    X, _ = titanic
    fitted = BUILDER.build({**PARAMS, "analyzer": "char_wb"}, BuildContext(task="binary")).fit(X)
    new = X.head(3).copy()
    new["Name"] = [None, "", "Zzyzx, Dr. Quux"]
    out = fitted.transform(new).filter(like="Name__svd")
    assert out.shape == (3, 10) and np.isfinite(out.to_numpy()).all()


def test_a_component_named_like_a_users_column_takes_the_first_free_suffix(titanic):
    X, _ = titanic
    X = X.assign(Name__svd0=X["Fare"] * 2)  # the user's own column
    fitted = BUILDER.build(PARAMS, BuildContext(task="binary")).fit(X)
    out = fitted.transform(X.head(20))
    names = list(fitted.get_feature_names_out())

    assert list(out.columns) == names and len(set(names)) == len(names)
    assert names[-10:] == ["Name__svd0_2"] + [f"Name__svd{i}" for i in range(1, 10)]
    assert (out["Name__svd0"] == X["Fare"].head(20) * 2).all()
    np.testing.assert_array_equal(out[names[-10:]].to_numpy(), fitted.encoders_["Name"].transform(X["Name"].head(20)))


def test_applies_only_to_free_text(titanic, dataset):
    X, _ = titanic
    assert BUILDER.applies(X) is True
    assert BUILDER.applies(X.drop(columns=["Name"])) is False
    for name in ("adult_income", "bike_sharing_hourly", "marketing_income"):
        frame, _, _ = dataset(name, rows=500)
        assert BUILDER.applies(frame) is False, name


def test_a_column_without_frequent_terms_is_left_out(titanic):
    X, _ = titanic
    X = X.assign(code=[f"unique{i} word{i}" for i in range(len(X))])
    fitted = BUILDER.build(PARAMS, BuildContext(task="binary")).fit(X)
    assert list(fitted.encoders_) == ["Name"]
    assert "code" in fitted.transform(X.head()).columns


def test_conforms_on_real_names(titanic):
    X, _ = titanic
    check_feature_builder(BUILDER, X.head(300))
