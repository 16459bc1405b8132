"""Fitted builders and extra preprocessors are written by skops, so model packages stay data-only.

automl-core saves each fitted pipeline with skops and falls back to pickle only for objects
skops refuses (a pandas Series among the fitted attributes, for one). Its trust policy admits
the types of the plugin's own distribution and of scikit-learn.
"""

import pandas as pd
import pytest
import skops.io as sio
from automl_sklearn.features import FEATURE_BUILDERS
from automl_sklearn.preprocessors_extra import EXTRA_PREPROCESSORS

from automl_core import BuildContext

COMPONENTS = {c.name: c for c in (*FEATURE_BUILDERS, *EXTRA_PREPROCESSORS)}
CATEGORICAL_STAGES = {p.name for p in EXTRA_PREPROCESSORS}


@pytest.fixture
def titanic(dataset):
    frame, target, _ = dataset("titanic")
    X = frame.drop(columns=[target]).assign(boarded=["1912-04-10"] * (len(frame) - 1) + ["1912-04-11"])
    return X, frame[target].to_numpy()


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_a_fitted_component_round_trips_through_skops(titanic, name):
    X, y = titanic
    if name in CATEGORICAL_STAGES:
        X = pd.DataFrame({c: X[c].astype("category") for c in ("Embarked", "Cabin")})
    fitted = COMPONENTS[name].build({}, BuildContext(task="binary")).set_output(transform="pandas").fit(X, y)
    blob = sio.dumps(fitted)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.split(".")[0] in ("automl_sklearn", "sklearn") for t in untrusted), untrusted
    restored = sio.loads(blob, trusted=untrusted)
    pd.testing.assert_frame_equal(restored.transform(X.head(20)), fitted.transform(X.head(20)))
