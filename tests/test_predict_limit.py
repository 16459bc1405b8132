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
    # the leaderboard rounds predict_seconds to 0.1 ms; the search chose on the unrounded times,
    # so two trials that cost the same to the rounding step may be kept either way
    fastest = done["predict_seconds"].min()
    assert done.set_index("trial").loc[kept, "predict_seconds"] <= fastest + 1e-4
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


def test_a_speed_tolerance_buys_a_cheaper_final_model_for_at_most_its_share_of_the_gain(dataset):
    """The same trials (one at a time, seeded, ``max_trials``) chosen from with no speed
    tolerance and with a wide one: the wide one's members cost less (as the same fit
    measured them) and its validation AUC gives up at most that share of the gain over 0.5."""
    frame, target, _ = dataset("titanic")
    settings = dict(time_budget=30, max_trials=8, seed=0, n_workers=1)
    exact = AutoML(speed_tolerance=0.0, **settings).fit(frame, target=target)
    tolerant = AutoML(speed_tolerance=0.5, **settings).fit(frame, target=target)
    board = tolerant.leaderboard_.set_index("trial")
    assert exact.leaderboard_["family"].tolist() == tolerant.leaderboard_["family"].tolist()  # the same trials

    def cost(members) -> float:
        return float(board.loc[list(members), "predict_seconds"].sum())

    assert cost(tolerant.ensemble_weights_) < cost(exact.ensemble_weights_)  # equal if the setting were ignored
    gain = exact.validation_score_ - 0.5
    assert tolerant.validation_score_ >= exact.validation_score_ - 0.5 * gain - 1e-12
    assert sum(tolerant.ensemble_weights_.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [-0.1, 1, 1.5, True, "fast", float("nan")])
def test_a_speed_tolerance_outside_0_to_1_is_refused_before_any_work(dataset, bad):
    frame, target, _ = dataset("titanic")
    with pytest.raises(ValueError, match="speed_tolerance must be a share from 0"):
        AutoML(time_budget=5, speed_tolerance=bad).fit(frame, target=target)


def test_a_sampled_search_warns_once_when_no_pipeline_is_within_the_limit(dataset):
    """The search fits on a sample (``search_rows``) and judges the limit on those fold
    models; the members refit on every row are timed again (``keep_within_limit``, tested in
    test_ensemble.py), and a member the search already found over the limit is not warned
    about twice."""
    frame, target, _ = dataset("bike_sharing_hourly")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PredictTimeWarning)
        model = AutoML(
            time_budget=20, max_trials=4, seed=0, n_workers=1, search_rows=300, predict_time_limit=1e-12
        ).fit(frame, target=target)
    messages = [str(w.message) for w in caught if issubclass(w.category, PredictTimeWarning)]
    assert len(messages) == 1 and messages[0].startswith("no pipeline predicts within predict_time_limit=1e-12")
    assert len(model.ensemble_weights_) == 1 and model.leaderboard_["rows"].max() == 300
    assert model.predict(frame.drop(columns=[target]).head(5)).shape == (5,)
