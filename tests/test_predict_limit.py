"""``AutoML(predict_time_limit=...)``: the final model's predict cost, as its members' fold
models measured it on the validation rows, stays within the limit (real fits, titanic)."""
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import cross_val_predict
from threadpoolctl import threadpool_limits

from automl_core import AutoML, PredictTimeWarning
from automl_core import fitting
from automl_core.components import Evaluator

pytestmark = pytest.mark.slow


def _auc():
    from sklearn.metrics import roc_auc_score

    return Evaluator("roc_auc", ("binary",), lambda y, p: roc_auc_score(y, p[:, 1]), needs="proba")


def _members_cost(model, n_rows: int) -> float:
    board = model.leaderboard_
    members = board[board["ensemble_weight"] > 0]
    return float(members["predict_seconds"].sum()) / n_rows


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic")
    return frame, target


def test_an_unreachable_limit_keeps_the_fastest_pipeline_and_says_so(titanic):
    frame, target = titanic
    with pytest.warns(PredictTimeWarning, match=r"no pipeline predicts within predict_time_limit=1e-12.*fastest"):
        model = AutoML(time_budget=15, max_trials=6, seed=0, predict_time_limit=1e-12).fit(frame, target=target)
    board = model.leaderboard_
    done = board[board["state"] == "complete"]
    assert len(model.ensemble_weights_) == 1
    kept = next(iter(model.ensemble_weights_))
    assert kept == done.loc[done["predict_seconds"].idxmin(), "trial"]
    assert model.predict_proba(frame.drop(columns=[target]).head(20)).shape == (20, 2)


def test_the_final_model_keeps_within_half_the_unlimited_ones_predict_cost(titanic):
    frame, target = titanic
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
def test_a_limit_that_is_not_a_positive_number_is_refused_before_any_work(titanic, bad):
    frame, target = titanic
    with pytest.raises(ValueError, match="predict_time_limit must be a positive number"):
        AutoML(time_budget=5, predict_time_limit=bad).fit(frame, target=target)


def test_fit_to_limit_drops_the_member_whose_loss_costs_least_until_within(dataset):
    frame, target, _ = dataset("titanic")
    X = frame[["Pclass", "Age", "SibSp", "Parch", "Fare"]].fillna(-1).to_numpy()
    y = frame[target].to_numpy()
    models = [LogisticRegression(C=0.01, max_iter=500), LogisticRegression(C=1.0, max_iter=500),
              HistGradientBoostingClassifier(max_iter=100, random_state=0)]
    with threadpool_limits(1):
        oof = {n: cross_val_predict(m, X, y, cv=5, method="predict_proba") for n, m in enumerate(models)}
    metric = _auc()
    weights = {0: 0.3, 1: 0.3, 2: 0.4}
    cost = {0: 1.0, 1: 1.0, 2: 5.0}
    assert fitting.fit_to_limit(weights, oof, y, metric, cost, limit=7.0) == weights  # within already
    dropped = fitting.fit_to_limit(weights, oof, y, metric, cost, limit=6.5)  # one member must go
    assert len(dropped) == 2 and sum(cost[n] for n in dropped) <= 6.5
    scores = {}
    for gone in weights:
        rest = {n: w for n, w in weights.items() if n != gone}
        total = sum(rest.values())
        scores[gone] = metric.score(y, sum(w / total * oof[n] for n, w in rest.items()))
    assert set(weights) - set(dropped) == {max(scores, key=scores.get)}
    assert sum(dropped.values()) == pytest.approx(1.0)
    alone = fitting.fit_to_limit(weights, oof, y, metric, cost, limit=1.0)  # only the cheap ones, one at a time
    assert len(alone) == 1 and set(alone) <= {0, 1}
