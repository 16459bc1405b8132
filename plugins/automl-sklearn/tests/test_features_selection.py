"""The feature_selection builder on raw, mixed-type frames of adult_income, titanic and bike sharing."""

import math

import numpy as np
import pandas as pd
import pytest
from automl_sklearn.features import FEATURE_BUILDERS

from automl_core import BuildContext
from automl_core.testing import check_feature_builder

BUILDER = next(b for b in FEATURE_BUILDERS if b.name == "feature_selection")


@pytest.fixture
def adult(dataset):
    frame, target, _ = dataset("adult_income", rows=2000)
    return frame.drop(columns=[target]), (frame[target] == ">50K").to_numpy(dtype=np.int64)


def _select(params, task="binary"):
    return BUILDER.build(params, BuildContext(task=task, seed=0))


@pytest.mark.parametrize("method", ["mutual_info", "model"])
def test_keeps_the_top_share_of_columns_unchanged(adult, method):
    X, y = adult
    out = _select({"method": method, "fraction": 0.5}).fit(X, y).transform(X)
    assert out.shape[1] == math.ceil(0.5 * X.shape[1])
    assert "capital_gain" in out.columns and {"relationship", "marital_status"} & set(out.columns)
    pd.testing.assert_frame_equal(out, X[list(out.columns)])  # strings stay strings, for the engine to type


@pytest.mark.parametrize("method", ["mutual_info", "model"])
def test_noise_and_constant_columns_go_first(adult, method):
    X, y = adult
    rng = np.random.default_rng(0)
    X = X.assign(noise=rng.normal(size=len(X)), constant="same", noise_level=rng.choice(list("abcdef"), len(X)))
    selector = _select({"method": method, "fraction": 0.6}).fit(X, y)
    kept = set(selector.get_feature_names_out())
    assert not kept & {"noise", "constant", "noise_level"}
    assert "constant" not in selector.scores_  # nearly constant: never scored


def test_text_and_dates_pass_unscored(dataset):
    frame, target, _ = dataset("titanic")
    X = frame.drop(columns=[target]).assign(boarded=pd.Timestamp("1912-04-10"))
    selector = _select({"method": "mutual_info", "fraction": 0.25}).fit(X, frame[target].to_numpy())
    kept = list(selector.transform(X).columns)
    assert "Name" in kept and "boarded" in kept and "Name" not in selector.scores_
    assert "Sex" in kept


def test_regression_targets(dataset):
    frame, target, _ = dataset("bike_sharing_hourly", rows=1500)
    X, y = frame.drop(columns=[target]), frame[target].to_numpy(dtype=float)
    kept = _select({"method": "model", "fraction": 0.3}, task="regression").fit(X, y).get_feature_names_out()
    assert "hr" in kept and len(kept) == math.ceil(0.3 * (X.shape[1] - 1)) + 1  # dteday passes unscored


def test_needs_a_target(adult):
    X, _ = adult
    with pytest.raises(ValueError, match="needs y"):
        _select({"method": "model", "fraction": 0.5}).fit(X)


def test_applies_from_four_columns(adult):
    X, _ = adult
    assert BUILDER.applies(X) is True and BUILDER.applies(X.iloc[:, :3]) is False


@pytest.mark.slow
def test_conforms_on_real_data(adult):
    X, _ = adult
    check_feature_builder(BUILDER, X.head(300))
