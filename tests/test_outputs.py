"""Model outputs as the engine reads them: probabilities in class-index order, summing to one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss

from automl_core.model import model_output


def test_engine_output_of_float32_probabilities_sums_to_one_and_scores_without_warning(dataset):
    space = pytest.importorskip("automl_xgboost.space")
    from automl_xgboost.estimator import XGBoostEarlyStoppingClassifier

    frame, target, _ = dataset("wine_quality_white", rows=1500)
    X, y = frame.drop(columns=[target]), frame[target]
    codes = np.unique(y.to_numpy(), return_inverse=True)[1]  # the engine fits on class indices
    model = XGBoostEarlyStoppingClassifier(params=space.DEFAULTS[0], n_jobs=1).fit(X, codes)
    raw = model.predict_proba(X)
    assert raw.dtype == np.float32  # XGBoost's own output: rows sum to 1 within float32 only
    output = model_output(model, X, "multiclass", len(model.classes_))
    assert np.abs(output.sum(axis=1) - 1).max() < 1e-12
    assert np.abs(output - raw).max() < 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn warns when probabilities do not sum to one
        log_loss(codes, output, labels=np.arange(len(model.classes_)))
