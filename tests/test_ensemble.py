"""Ensemble selection, pruning of negligible members and the refit reserve, on real outputs."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.ensemble import HistGradientBoostingClassifier

from automl_core.components import Evaluator
from automl_core.evaluation import make_splits
from automl_core import fitting
from automl_core.ensemble import select_ensemble
from automl_core.search import TrialResult


def _auc():
    from sklearn.metrics import roc_auc_score

    return Evaluator("roc_auc", ("binary",), lambda y, p: roc_auc_score(y, p[:, 1]), needs="proba")


@pytest.fixture(scope="module")
def candidates(dataset):
    """Out-of-fold probabilities of a few real models on titanic's numeric columns."""
    frame, target, _ = dataset("titanic")
    X = frame[["Pclass", "Age", "SibSp", "Parch", "Fare"]].fillna(-1).to_numpy()
    y = frame[target].to_numpy()
    models = [LogisticRegression(C=c, max_iter=500) for c in (0.01, 1.0)] + \
             [HistGradientBoostingClassifier(max_iter=n, random_state=0) for n in (20, 100)]
    results = []
    for number, model in enumerate(models):
        oof = cross_val_predict(model, X, y, cv=5, method="predict_proba")
        results.append(TrialResult(number, None, "complete", score=_auc().score(y, oof), oof=oof))
    return results, y


def test_pruning_keeps_the_score_and_drops_what_does_not_move_it(candidates):
    results, y = candidates
    metric = _auc()
    weights = select_ensemble(results, y, metric)
    oof = {r.number: r.oof for r in results}
    pruned = fitting.prune_members(weights, oof, y, metric)
    assert set(pruned) <= set(weights) and sum(pruned.values()) == pytest.approx(1.0)

    def blend(w):
        return metric.score(y, sum(v * oof[n] for n, v in w.items()))

    assert blend(pruned) >= blend(weights) - fitting.PRUNE_TOLERANCE * blend(weights)
    # a member given a weight too small to matter is always dropped
    heaviest = max(weights, key=weights.get)
    spare = next(n for n in oof if n != heaviest)
    padded = {heaviest: 0.9999, spare: 0.0001}
    assert fitting.prune_members(padded, oof, y, metric) == {heaviest: 1.0}


def test_the_reserve_covers_the_best_refits_within_a_share_of_the_budget(candidates):
    _, y = candidates
    splits = make_splits(y, "binary", "kfold", 5, 0.2, 0)

    def trial(number, score, seconds):
        return TrialResult(number, None, "complete", score=score, fit_seconds=seconds)

    reserve = fitting.make_reserve(splits, len(y), ensemble=True, greater_is_better=True, budget=60)
    assert reserve([]) == 0.0
    one_fit = fitting.refit_estimate(trial(0, 0.8, 5.0), splits, len(y))  # a fold's time, scaled to all rows
    assert one_fit == pytest.approx(1.0 * len(y) / (0.8 * len(y)), rel=0.01)
    best_three = [trial(0, 0.80, 5.0), trial(1, 0.82, 5.0), trial(2, 0.81, 5.0), trial(3, 0.10, 500.0)]
    assert reserve(best_three) == pytest.approx(3 * fitting.REFIT_MARGIN * one_fit)
    alone = fitting.make_reserve(splits, len(y), ensemble=False, greater_is_better=True, budget=60)
    assert alone(best_three) == pytest.approx(fitting.REFIT_MARGIN * one_fit)  # without ensembling, the best only
    slow = [trial(0, 0.9, 100.0), trial(1, 0.8, 100.0)]
    assert reserve(slow) == pytest.approx(fitting.REFIT_MARGIN * fitting.refit_estimate(slow[0], splits, len(y)))
    capped = [trial(0, 0.9, 30.0), trial(1, 0.8, 30.0), trial(2, 0.7, 30.0)]  # 9 s each
    assert reserve(capped) == pytest.approx(fitting.MAX_RESERVE_SHARE * 60)
