"""target_encoder and rare_grouper on real categorical columns, shaped as the engine shapes them."""

import automl_sklearn.plugin
import numpy as np
import pandas as pd
import pytest
from automl_sklearn.encoders_extra import MISSING, RARE
from automl_sklearn.preprocessors_extra import EXTRA_PREPROCESSORS
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from automl_core import BuildContext
from automl_core.testing import check_preprocessor, registered

TARGET, RARE_GROUPER = EXTRA_PREPROCESSORS


def _categories(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Category columns, as the engine's column typing hands them to the categorical stages."""
    return pd.DataFrame({c: frame[c].astype("category") for c in columns}, index=frame.index)


def _target_encoder(params: dict, task: str):
    """Built as the engine builds it, DataFrames out."""
    return TARGET.build(params, BuildContext(task=task, seed=0)).set_output(transform="pandas")


@pytest.fixture
def adult(dataset):
    frame, target, _ = dataset("adult_income", rows=4000)
    return frame, (frame[target] == ">50K").to_numpy(dtype=np.int64)


def test_target_encoding_of_native_country_follows_the_positive_rate(adult):
    frame, y = adult
    X = _categories(frame, ["native_country"])
    encoder = _target_encoder({"smooth": "auto"}, "binary")
    cross_fitted = encoder.fit_transform(X, y)
    assert list(cross_fitted.columns) == ["native_country"] and cross_fitted.dtypes.iloc[0] == np.float64
    rates = pd.Series(y).groupby(frame["native_country"].to_numpy()).agg(["mean", "size"])
    common = rates[rates["size"] >= 20].index
    new = pd.DataFrame({"native_country": pd.Categorical([*common, "Atlantis"])})
    encoded = encoder.transform(new)["native_country"].to_numpy()
    assert np.corrcoef(encoded[:-1], rates.loc[common, "mean"])[0, 1] > 0.9
    assert encoded[-1] == pytest.approx(y.mean())  # unseen: the overall rate


def test_target_encoding_of_several_classes_gives_a_column_per_class(dataset):
    frame, target, _ = dataset("penguins")
    frame = frame.dropna(subset=["island"])
    y = pd.factorize(frame[target], sort=True)[0]
    out = _target_encoder({"smooth": 10.0}, "multiclass").fit_transform(_categories(frame, ["island", "sex"]), y)
    assert list(out.columns) == ["island_0", "island_1", "island_2", "sex_0", "sex_1", "sex_2"]
    assert np.allclose(out.filter(like="island_").sum(axis=1), 1.0)  # class shares of each island


def test_target_encoding_of_a_regression_target(dataset):
    frame, target, _ = dataset("california_housing", rows=3000)
    y = frame[target].to_numpy(dtype=float)
    out = _target_encoder({"smooth": "auto"}, "regression").fit_transform(_categories(frame, ["ocean_proximity"]), y)
    assert np.corrcoef(out["ocean_proximity"], y)[0, 1] > 0.4


@pytest.mark.slow
def test_families_accept_the_target_encoding_and_a_fixed_model_fits_with_it(adult):
    registry = registered(automl_sklearn.plugin)
    accepting = {f.name for f in registry["model_family"].values() if "target" in f.categorical}
    assert accepting == {"linear", "random_forest", "extra_trees", "hist_gradient_boosting"}
    frame, y = adult
    X = _categories(frame, ["native_country", "occupation", "education", "marital_status", "relationship"])
    encoder = _target_encoder({"smooth": "auto"}, "binary")
    model = make_pipeline(encoder, HistGradientBoostingClassifier(max_iter=50, random_state=0))
    auc = cross_val_score(model, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0), scoring="roc_auc")
    assert auc.mean() > 0.8


def test_rare_countries_are_grouped_and_missing_ones_filled(adult):
    frame, _ = adult
    X = _categories(frame, ["native_country"])
    grouper = RARE_GROUPER.build({"min_share": 0.01}, BuildContext(task="binary")).fit(X)
    out = grouper.transform(X)["native_country"]
    shares = frame["native_country"].value_counts(normalize=True)
    frequent = sorted(shares.index[shares >= 0.01])
    assert list(out.cat.categories) == frequent + [RARE, MISSING]
    assert out.notna().all() and (out == MISSING).sum() == frame["native_country"].isna().sum()
    assert (out == RARE).sum() == (~frame["native_country"].isin(frequent) & frame["native_country"].notna()).sum()
    assert frame["native_country"].nunique() > 30 and len(frequent) < 5
    unseen = grouper.transform(pd.DataFrame({"native_country": pd.Categorical(["Atlantis", "United-States", None])}))
    assert list(unseen["native_country"]) == [RARE, "United-States", MISSING]
    assert list(unseen["native_country"].cat.categories) == list(out.cat.categories)


@pytest.mark.parametrize("preprocessor", EXTRA_PREPROCESSORS, ids=lambda p: p.name)
def test_conforms(preprocessor):
    check_preprocessor(preprocessor)
