"""The one-hot and target encoders' code-reading transform gives scikit-learn's output exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from automl_sklearn.coded_encoders import CodedOneHotEncoder, CodedTargetEncoder
from automl_sklearn.transformers import CategoricalImputer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

COLUMNS = ["Sex", "Embarked", "Cabin", "Ticket"]  # missing values; Cabin and Ticket have levels unseen in train


def _split(titanic):
    frame = titanic[COLUMNS]
    return frame.iloc[:600], frame.iloc[600:]


def _typed(train, new):
    """``new`` as the engine's typing step gives it: the levels fixed at fit, unseen ones NaN."""
    return new.astype({c: pd.CategoricalDtype(sorted(train[c].dropna().astype(str).unique())) for c in new.columns})


def _batches(train, new):
    imputer = CategoricalImputer().fit(train)
    return {
        "with missing and unseen levels": (train, new),
        "typed": (train, _typed(train, new)),
        "after the imputer": (imputer.transform(train), imputer.transform(new)),
    }


@pytest.mark.parametrize("max_categories", [None, 2, 8, 40])
def test_one_hot_equals_scikit_learns(titanic, max_categories):
    for name, (train, new) in _batches(*_split(titanic)).items():
        settings = dict(handle_unknown="ignore", max_categories=max_categories, sparse_output=False)
        ours = CodedOneHotEncoder(**settings).set_output(transform="pandas").fit(train)
        theirs = OneHotEncoder(**settings).set_output(transform="pandas").fit(train)
        expected = theirs.transform(new)
        if name != "after the imputer" and max_categories is None:  # a row with an unseen or missing level
            assert expected.to_numpy().sum(axis=1).min() < len(COLUMNS), name
        pd.testing.assert_frame_equal(ours.transform(new), expected, obj=name)
        pd.testing.assert_frame_equal(ours.transform(new.astype(object)), expected, obj=name)  # scikit-learn's path


@pytest.mark.filterwarnings("ignore:Found unknown categories")
def test_one_hot_settings_outside_the_fast_path_go_to_scikit_learn(titanic):
    train, new = _split(titanic)
    for settings in (
        dict(drop="first", handle_unknown="ignore"),
        dict(handle_unknown="infrequent_if_exist", max_categories=5),
    ):
        ours = CodedOneHotEncoder(sparse_output=False, **settings).fit(train)
        theirs = OneHotEncoder(sparse_output=False, **settings).fit(train)
        np.testing.assert_array_equal(ours.transform(_typed(train, new)), theirs.transform(_typed(train, new)))


@pytest.mark.parametrize("target", ["binary", "multiclass", "continuous"])
def test_target_encoder_equals_scikit_learns(titanic, target):
    y = {
        "binary": titanic["Survived"].to_numpy(),
        "multiclass": titanic["Pclass"].astype(int).to_numpy(),
        "continuous": titanic["Fare"].to_numpy(),
    }[target]
    folds = KFold if target == "continuous" else StratifiedKFold
    for name, (train, new) in _batches(*_split(titanic)).items():
        settings = dict(target_type=target, cv=folds(5, shuffle=True, random_state=0))
        ours = CodedTargetEncoder(**settings).set_output(transform="pandas")
        theirs = TargetEncoder(**settings).set_output(transform="pandas")
        pd.testing.assert_frame_equal(
            ours.fit_transform(train, y[:600]), theirs.fit_transform(train, y[:600]), obj=name
        )
        expected = theirs.transform(new)
        pd.testing.assert_frame_equal(ours.transform(new), expected, obj=name)
        pd.testing.assert_frame_equal(ours.transform(new.astype(object)), expected, obj=name)
