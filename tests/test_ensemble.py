"""Ensemble selection, pruning of negligible members, the refit reserve and shared prefixes, on real outputs."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder
from threadpoolctl import threadpool_limits

from automl_core import search as fitting
from automl_core.components import Evaluator
from automl_core.data import plan_columns
from automl_core.model import FoldBag, TypedFrame, WeightedEnsemble, model_output
from automl_core.search import TrialResult, make_splits, select_ensemble


def _auc():
    from sklearn.metrics import roc_auc_score

    return Evaluator("roc_auc", ("binary",), lambda y, p: roc_auc_score(y, p[:, 1]), needs="proba")


@pytest.fixture(scope="module")
def candidates(dataset):
    """Out-of-fold probabilities of a few real models on titanic's numeric columns."""
    frame, target, _ = dataset("titanic")
    X = frame[["Pclass", "Age", "SibSp", "Parch", "Fare"]].fillna(-1).to_numpy()
    y = frame[target].to_numpy()
    models = [LogisticRegression(C=c, max_iter=500) for c in (0.01, 1.0)] + [
        HistGradientBoostingClassifier(max_iter=n, random_state=0) for n in (20, 100)
    ]
    results = []
    for number, model in enumerate(models):
        with threadpool_limits(1):  # two OpenMP threads beside another busy process are many times slower
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


def test_pruning_drops_the_costliest_removable_member_and_passes_over_those_that_must_stay(candidates):
    results, y = candidates
    metric = _auc()
    oof = {r.number: r.oof for r in results}
    # 0 (a strong-regularized linear model) and 3 (boosting) differ: neither can go; 1 is a
    # sliver that can. The costliest (3) is tried first and must stay; pruning goes on past it.
    weights = {0: 0.5, 3: 0.4999, 1: 0.0001}
    cost = {3: 3.0, 0: 2.0, 1: 1.0}
    pruned = fitting.prune_members(weights, oof, y, metric, cost=cost)
    assert set(pruned) == {0, 3}
    assert pruned[0] == pytest.approx(0.5 / 0.9999)
    # the best model beside two slivers of others, which go whatever their costs and weights
    best = max(results, key=lambda r: r.score).number
    a, b = [r.number for r in results if r.number != best][:2]
    slivers = {best: 0.9998, a: 0.00015, b: 0.00005}
    assert fitting.prune_members(slivers, oof, y, metric, cost={best: 1.0, a: 0.1, b: 5.0}) == {best: 1.0}


def test_with_folds_a_loss_the_folds_cannot_tell_from_noise_is_dropped(candidates):
    from sklearn.model_selection import StratifiedKFold

    results, y = candidates
    metric = _auc()
    oof = {r.number: r.oof for r in results}  # 0, 1: linear (C 0.01, 1); 2, 3: boosting (20, 100 rounds)
    folds = [val for _, val in StratifiedKFold(5).split(np.zeros(len(y)), y)]  # cross_val_predict's

    def loss_and_standard_error(weights: dict, drop: int) -> tuple[float, float]:
        rest = {n: w for n, w in weights.items() if n != drop}
        full = sum(w * oof[n] for n, w in weights.items())
        part = sum(w / sum(rest.values()) * oof[n] for n, w in rest.items())
        diffs = [metric.score(y[f], full[f]) - metric.score(y[f], part[f]) for f in folds]
        return metric.score(y, full) - metric.score(y, part), float(np.std(diffs, ddof=1) / np.sqrt(len(folds)))

    # boosting beside a linear model: without the linear one, AUC falls by 0.0009, beyond the
    # relative tolerance but well within one standard error (0.005) of the folds
    pair = {2: 0.5, 1: 0.5}
    loss, se = loss_and_standard_error(pair, 1)
    assert fitting.PRUNE_TOLERANCE * 0.75 < loss < fitting.PRUNE_STANDARD_ERRORS * se
    assert fitting.prune_members(pair, oof, y, metric, cost={1: 2.0, 2: 1.0}, folds=folds) == {2: 1.0}
    assert set(fitting.prune_members(pair, oof, y, metric, cost={1: 2.0, 2: 1.0})) == {1, 2}  # tolerance alone
    # the boosting model, tried first when costlier, must stay (0.034 lost, against 0.010)
    loss, se = loss_and_standard_error(pair, 2)
    assert loss > fitting.PRUNE_STANDARD_ERRORS * se
    assert fitting.prune_members(pair, oof, y, metric, cost={2: 2.0, 1: 1.0}, folds=folds) == {2: 1.0}
    # a loss the folds can tell (0.0074 against a standard error of 0.0061) keeps both
    apart = {3: 0.5, 0: 0.5}
    loss, se = loss_and_standard_error(apart, 0)
    assert loss > fitting.PRUNE_STANDARD_ERRORS * se
    assert set(fitting.prune_members(apart, oof, y, metric, cost={0: 2.0, 3: 1.0}, folds=folds)) == {0, 3}


def test_score_groups_are_the_folds_or_stratified_parts_of_the_holdout(candidates):
    _, y = candidates
    kfold = make_splits(y, "binary", "kfold", 5, 0.2, 0)
    groups = fitting.score_groups(kfold, y[kfold.validated_rows], "binary")
    assert [g.tolist() for g in groups] == [g.tolist() for g in fitting.fold_positions(kfold)]
    holdout = make_splits(y, "binary", "holdout", 5, 0.2, 0)
    y_val = y[holdout.validated_rows]
    parts = fitting.score_groups(holdout, y_val, "binary")
    assert len(parts) == fitting.HOLDOUT_PARTS
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(y_val)))  # disjoint, all rows
    assert max(abs(y_val[p].mean() - y_val.mean()) for p in parts) < 0.02  # stratified
    assert fitting.score_groups(holdout, y_val[:9], "binary") == []  # too few rows for five parts


def test_fit_to_limit_drops_the_member_whose_loss_costs_least_until_within(candidates):
    results, y = candidates
    metric = _auc()
    oof = {r.number: r.oof for r in results}  # 0, 1: linear (C 0.01, 1); 3: boosting, 100 rounds
    weights = {0: 0.3, 1: 0.3, 3: 0.4}
    cost = {0: 1.0, 1: 1.0, 3: 5.0}
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


def test_the_reserve_covers_the_best_refits_within_a_share_of_the_budget(candidates):
    _, y = candidates
    splits = make_splits(y, "binary", "kfold", 5, 0.2, 0)

    def trial(number, score, seconds):
        return TrialResult(number, None, "complete", score=score, fit_seconds=seconds)

    reserve = fitting.make_reserve(splits, len(y), ensemble=True, greater_is_better=True, budget=60)
    assert reserve([]) == 0.0
    one_fit = fitting.refit_estimate(trial(0, 0.8, 5.0), splits, len(y))  # a fold's time, scaled to all rows
    assert one_fit == pytest.approx(1.0 * len(y) / (0.8 * len(y)), rel=0.01)
    members = fitting.REFIT_MEMBERS
    best = [trial(i, 0.80 + 0.01 * i, 5.0) for i in range(members)] + [trial(members, 0.10, 500.0)]  # and a slow worst
    assert reserve(best) == pytest.approx(members * fitting.REFIT_MARGIN * one_fit)
    alone = fitting.make_reserve(splits, len(y), ensemble=False, greater_is_better=True, budget=60)
    assert alone(best) == pytest.approx(fitting.REFIT_MARGIN * one_fit)  # without ensembling, the best only
    slow = [trial(0, 0.9, 100.0), trial(1, 0.8, 100.0)]
    assert reserve(slow) == pytest.approx(fitting.REFIT_MARGIN * fitting.refit_estimate(slow[0], splits, len(y)))
    capped = [trial(0, 0.9, 30.0), trial(1, 0.8, 30.0), trial(2, 0.7, 30.0)]  # 9 s each, 22 s in all
    assert reserve(capped) == pytest.approx(fitting.MAX_RESERVE_SHARE * 60)


def test_a_trial_fitted_on_one_fold_is_costed_as_one_fold(candidates):
    """The last-chance trial fits one fold of five: its refit estimate is that fold's time
    scaled to all rows (not a fifth of it), its predict cost per row is over that fold's
    validation rows (not all validated rows)."""
    _, y = candidates
    splits = make_splits(y, "binary", "kfold", 5, 0.2, 0)
    full = TrialResult(0, None, "complete", score=0.8, fit_seconds=5.0, predict_seconds=0.5, folds_fitted=5)
    one = TrialResult(1, None, "complete", score=0.8, fit_seconds=1.0, predict_seconds=0.1, folds_fitted=1)
    assert fitting.refit_estimate(one, splits, len(y)) == pytest.approx(
        fitting.refit_estimate(full, splits, len(y)), rel=0.02
    )
    cost = fitting.predict_costs([full, one], splits)
    assert cost[1] == pytest.approx(cost[0], rel=0.02) and cost[0] == pytest.approx(0.5 / len(y))


class CountingTypedFrame(TypedFrame):
    """The engine's typing step, counting its transforms (a real subclass, not a mock)."""

    calls = 0

    def transform(self, X):
        type(self).calls += 1
        return super().transform(X)


def test_members_share_equal_leading_steps_and_outputs_do_not_change(dataset):
    frame, target, _ = dataset("titanic")
    X, y = frame.drop(columns=[target, "Name", "Ticket", "Cabin"], errors="ignore"), frame[target].to_numpy()
    plan = plan_columns(X)

    def pipeline(model):
        encode = ColumnTransformer(
            [("cat", OrdinalEncoder(), make_column_selector(dtype_include="category"))],
            remainder="passthrough",
            verbose_feature_names_out=False,
        )
        return Pipeline([("types", CountingTypedFrame(plan)), ("encode", encode), ("model", model)]).fit(X, y)

    members = [
        pipeline(HistGradientBoostingClassifier(max_iter=30)),
        pipeline(HistGradientBoostingClassifier(max_depth=3)),
        FoldBag([pipeline(HistGradientBoostingClassifier(max_iter=10, random_state=s)) for s in (0, 1)]),
    ]
    ensemble = WeightedEnsemble(members, [0.5, 0.3, 0.2], "binary", 2)
    expected = sum(w * model_output(m, X, "binary", 2) for w, m in zip(ensemble.weights, members))

    CountingTypedFrame.calls = 0
    np.testing.assert_allclose(ensemble.output(X), expected, rtol=0, atol=1e-12)
    assert CountingTypedFrame.calls == 1  # four pipelines fitted on the same rows: typed once
    keys = [k for m in members[:2] for k in ensemble.shared_prefixes().keys[id(m)]]
    assert len(set(keys)) == 2  # the encoders are equal too: the models differ only

    members[0].steps.insert(2, ("zero", FunctionTransformer(lambda values: values * 0.0)))  # changed after the keys
    changed = sum(w * model_output(m, X, "binary", 2) for w, m in zip(ensemble.weights, members))
    np.testing.assert_allclose(ensemble.output(X), changed, rtol=0, atol=1e-12)  # run on its own, not shared
    members[0].steps.pop(2)

    restored = pickle.loads(pickle.dumps(ensemble))
    assert "_shared" not in restored.__dict__
    np.testing.assert_allclose(restored.output(X), expected, rtol=0, atol=1e-12)


class _Certain(BaseEstimator):
    """A fitted classifier sure of class 0 for every row."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        return np.tile([1.0, 0.0], (len(X), 1))


def test_blended_probabilities_stay_within_zero_and_one():
    # weights whose normalized sum times 1.0 rounds to 1.0000000000000002
    weights = [0.7214883401940817, 0.5253543224757259, 0.31024187555895566]
    raw = np.tensordot(np.asarray(weights) / sum(weights), np.ones(3), axes=1)
    assert raw > 1.0
    ensemble = WeightedEnsemble([_Certain(), _Certain(), _Certain()], weights, "binary", 2)
    proba = ensemble.output(pd.DataFrame({"x": [1, 2]}))
    assert proba.max() == 1.0 and proba.min() == 0.0


def test_the_speed_allowance_is_a_share_of_the_gain_over_a_constant_prediction(candidates):
    results, y = candidates
    metric = _auc()
    best = max(results, key=lambda r: r.score)
    allowance = fitting.speed_allowance(metric, y, best.oof, "binary", 0.01)
    assert allowance == pytest.approx(0.01 * (best.score - 0.5))  # a constant's AUC is 0.5
    assert fitting.speed_allowance(metric, y, best.oof, "binary", 0.0) == 0.0
    worse = 1.0 - best.oof  # the classes swapped: below a constant, so nothing to give up
    assert fitting.speed_allowance(metric, y, worse, "binary", 0.01) == 0.0
    # regression: RMSE against the (weighted) mean
    from sklearn.metrics import mean_squared_error

    rmse = Evaluator(
        "rmse",
        ("regression",),
        lambda t, p, sample_weight=None: float(np.sqrt(mean_squared_error(t, p, sample_weight=sample_weight))),
        greater_is_better=False,
        needs="value",
        weighted=True,
    )
    target = np.linspace(0.0, 10.0, 200)
    guess = target + np.random.default_rng(0).normal(0, 1.0, size=200)
    spread = float(np.std(target))  # the mean's RMSE
    assert fitting.speed_allowance(rmse, target, guess, "regression", 0.1) == pytest.approx(
        0.1 * (spread - rmse.score(target, guess))
    )
    weights = np.where(target > 5, 3.0, 1.0)
    weighted_mean = np.average(target, weights=weights)
    expected = rmse.score(target, np.full(200, weighted_mean), sample_weight=weights) - rmse.score(
        target, guess, sample_weight=weights
    )
    assert fitting.speed_allowance(rmse, target, guess, "regression", 0.1, weights) == pytest.approx(0.1 * expected)


def test_a_cheaper_single_model_replaces_the_ensemble_only_within_reach(candidates):
    results, y = candidates
    metric = _auc()
    oof = {r.number: r.oof for r in results}  # 0, 1: linear (C 0.01, 1); 2, 3: boosting (20, 100 rounds)
    full = {0: 0.5, 2: 0.5}  # AUC 0.749, above each of the four alone
    ensemble = metric.score(y, (oof[0] + oof[2]) / 2)
    loss = {n: ensemble - metric.score(y, oof[n]) for n in oof}
    cost = {0: 0.1, 1: 0.2, 2: 1.0, 3: 3.0}
    # without an allowance (and no folds), no single model scores within the relative tolerance
    assert all(v > fitting.PRUNE_TOLERANCE * ensemble for v in loss.values())
    assert fitting.cheapest_within_reach(full, full, oof, y, metric, cost) == full
    # an allowance just above one model's loss lets it in, the cheapest of those within it
    for number in sorted(oof, key=lambda n: loss[n]):
        allowance = loss[number] * 1.0001
        within = [n for n in oof if loss[n] <= allowance and cost[n] < sum(cost[m] for m in full)]
        chosen = fitting.cheapest_within_reach(full, full, oof, y, metric, cost, allowance=allowance)
        if within:
            assert chosen == {min(within, key=cost.get): 1.0}
            assert loss[next(iter(chosen))] <= allowance
        else:
            assert chosen == full
    assert fitting.cheapest_within_reach(full, full, oof, y, metric, cost, allowance=1.0) == {0: 1.0}
    # only from the candidates given (those the refit reserve covers, or with fold models kept)
    assert fitting.cheapest_within_reach(full, full, oof, y, metric, cost, allowance=1.0, candidates=[1, 3]) == {1: 1.0}
    assert fitting.cheapest_within_reach(full, full, oof, y, metric, cost, allowance=1.0, candidates=[3]) == full
    # no allowance (speed_tolerance=0), no swap: not even a model within one standard error,
    # which the smallest allowance lets in
    boosted, folds = {2: 0.5, 3: 0.5}, [np.arange(i, len(y), 5) for i in range(5)]
    assert fitting.cheapest_within_reach(boosted, boosted, oof, y, metric, cost, folds, allowance=1e-15) == {2: 1.0}
    assert fitting.cheapest_within_reach(boosted, boosted, oof, y, metric, cost, folds, allowance=0.0) == boosted
    # never a model that costs as much as the pruned ensemble, however close its score
    assert fitting.cheapest_within_reach(full, {2: 1.0}, oof, y, metric, {0: 5, 1: 5, 2: 1, 3: 3}, allowance=1.0) == {
        2: 1.0
    }


def test_the_allowance_lets_pruning_drop_a_member_the_tolerance_keeps(candidates):
    results, y = candidates
    metric = _auc()
    oof = {r.number: r.oof for r in results}
    pair = {3: 0.5, 0: 0.5}  # boosting beside a strongly regularized linear model
    full = metric.score(y, (oof[3] + oof[0]) / 2)
    loss = full - metric.score(y, oof[3])
    assert loss > fitting.PRUNE_TOLERANCE * full
    assert set(fitting.prune_members(pair, oof, y, metric, cost={0: 2.0, 3: 1.0})) == {0, 3}
    pruned = fitting.prune_members(pair, oof, y, metric, cost={0: 2.0, 3: 1.0}, allowance=loss * 1.0001)
    assert pruned == {3: 1.0}
    assert set(fitting.prune_members(pair, oof, y, metric, cost={0: 2.0, 3: 1.0}, allowance=loss * 0.9999)) == {0, 3}


def _rmse():
    from sklearn.metrics import root_mean_squared_error

    return Evaluator("rmse", ("regression",), root_mean_squared_error, greater_is_better=False)


def test_refit_members_over_the_predict_limit_are_timed_again_and_dropped():
    """Two refit members, real models whose predict costs differ a thousandfold: nearest
    neighbours searched by brute force among 20,000 rows, and a linear model. A limit between
    them drops the neighbours; one below both keeps the faster and says by how much it is over."""
    from sklearn.linear_model import LinearRegression
    from sklearn.neighbors import KNeighborsRegressor

    from automl_core.components import BuildContext
    from automl_core.errors import PredictTimeWarning
    from automl_core.search import PipelineConfig, SearchData, keep_within_limit

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(20_000, 10)), columns=[f"x{i}" for i in range(10)])
    y = X.to_numpy() @ rng.normal(size=10) + rng.normal(size=len(X))
    splits = make_splits(y, "regression", "holdout", 5, 0.2, 0)
    data = SearchData(X=X, y=y, task="regression", n_classes=0, splits=splits, metric=_rmse())
    fitted = {
        0: KNeighborsRegressor(algorithm="brute").fit(X, y),
        1: LinearRegression().fit(X, y),
    }
    val = splits.validated_rows
    by_number = {
        n: TrialResult(n, PipelineConfig(family, {}), "complete", predict_seconds=1e-9, oof=model.predict(X.iloc[val]))
        for (n, model), family in zip(fitted.items(), ("knn", "linear"))
    }
    weights = {0: 0.5, 1: 0.5}
    context = BuildContext(task="regression", n_jobs=1)
    assert keep_within_limit(fitted, weights, by_number, data, context, limit=1.0, n_rows=len(y)) == []
    assert keep_within_limit(fitted, weights, by_number, data, context, limit=2e-6, n_rows=len(y)) == [0]
    with pytest.warns(
        PredictTimeWarning, match=r"refit on all 20,000 rows, trial 1 \(linear\).*over predict_time_limit=1e-12"
    ):
        dropped = keep_within_limit(fitted, weights, by_number, data, context, limit=1e-12, n_rows=len(y))
    assert dropped == [0]  # none is within the limit alone: the faster stays, as the search keeps it
