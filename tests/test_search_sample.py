"""A large training set: the search fits on a sample of its rows, the final refit on all."""

from __future__ import annotations

import numpy as np
import pytest

from automl_core import AutoML
from automl_core.fit import FitSettings
from automl_core.fit._prepare import SAMPLE_ABOVE, SEARCH_ROWS, search_sample


@pytest.mark.slow
def test_the_search_fits_on_a_sample_and_the_refit_on_every_row(dataset):
    frame, target, _ = dataset("titanic")
    model = AutoML(
        time_budget=60, max_trials=2, families=["knn"], ensemble=False, search_rows=300, n_workers=1, seed=0
    ).fit(frame, target=target)
    assert model.search_rows_ == 300 and (model.leaderboard_["rows"] == 300).all()
    assert model.best_pipeline_.steps[-1][1].n_samples_fit_ == len(frame)  # refit on all 891 rows
    assert len(model.reference_) == 300  # the validated rows are the sample's
    assert set(model.reference_.index) <= set(frame.index)


def _settings(**given) -> FitSettings:
    return FitSettings.from_params(AutoML(**given).get_params())


def test_the_sample_is_stratified_seeded_and_only_above_the_threshold():
    y = np.repeat([0, 1, 2], [150_000, 60_000, 30])
    rows = search_sample(y, "multiclass", _settings())
    assert len(y) > SAMPLE_ABOVE and len(rows) == SEARCH_ROWS and np.all(np.diff(rows) > 0)
    shares = np.bincount(y[rows]) / len(rows)
    assert np.allclose(shares, np.bincount(y) / len(y), atol=1e-4)  # stratified
    assert np.array_equal(rows, search_sample(y, "multiclass", _settings()))  # seeded
    assert search_sample(y[:SAMPLE_ABOVE], "multiclass", _settings()) is None
    assert len(search_sample(np.arange(1000.0), "regression", _settings(search_rows=200))) == 200


@pytest.mark.parametrize("bad", [0, 50, 2.5, True])
def test_a_bad_sample_size_is_named(bad):
    with pytest.raises(ValueError, match="search_rows"):
        _settings(search_rows=bad)
