"""``AutoML(predict_time_limit=...)``: the final model's predict cost, as its members' fold
models measured it on the validation rows, stays within the limit (real fits, titanic)."""

import warnings

import pytest

from automl_core import AutoML, PredictTimeWarning

pytestmark = pytest.mark.slow


def _members_cost(model, n_rows: int) -> float:
    board = model.leaderboard_
    members = board[board["ensemble_weight"] > 0]
    return float(members["predict_seconds"].sum()) / n_rows


def test_an_unreachable_limit_keeps_the_fastest_pipeline_and_says_so(dataset):
    frame, target, _ = dataset("titanic")
    with pytest.warns(PredictTimeWarning, match=r"no pipeline predicts within predict_time_limit=1e-12.*fastest"):
        model = AutoML(time_budget=15, max_trials=6, seed=0, predict_time_limit=1e-12).fit(frame, target=target)
    board = model.leaderboard_
    done = board[board["state"] == "complete"]
    assert len(model.ensemble_weights_) == 1
    kept = next(iter(model.ensemble_weights_))
    assert kept == done.loc[done["predict_seconds"].idxmin(), "trial"]
    assert model.predict_proba(frame.drop(columns=[target]).head(20)).shape == (20, 2)


def test_the_final_model_keeps_within_half_the_unlimited_ones_predict_cost(dataset):
    frame, target, _ = dataset("titanic")
    free = AutoML(time_budget=15, max_trials=8, seed=0).fit(frame, target=target)
    cost = _members_cost(free, len(frame))
    limit = cost / 2
    # the same trials run (max_trials, seeded); only their measured predict times differ between fits
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PredictTimeWarning)
        limited = AutoML(time_budget=15, max_trials=8, seed=0, predict_time_limit=limit).fit(frame, target=target)
    within = _members_cost(limited, len(frame))
    warned = any(issubclass(w.category, PredictTimeWarning) for w in caught)
    assert within <= limit or (warned and len(limited.ensemble_weights_) == 1)
    assert sum(limited.ensemble_weights_.values()) == pytest.approx(1.0)
    assert set(limited.ensemble_weights_) <= set(limited.leaderboard_.query("state == 'complete'")["trial"])


@pytest.mark.parametrize("bad", [0, -1e-5, True, "fast", float("nan")])
def test_a_limit_that_is_not_a_positive_number_is_refused_before_any_work(dataset, bad):
    frame, target, _ = dataset("titanic")
    with pytest.raises(ValueError, match="predict_time_limit must be a positive number"):
        AutoML(time_budget=5, predict_time_limit=bad).fit(frame, target=target)
