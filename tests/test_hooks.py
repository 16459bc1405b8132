"""Every observer hook fires, and plugins that misbehave inside a trial fail only that trial."""

import time

import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from automl_core import (
    AutoML,
    BudgetError,
    DataError,
    FitError,
    ModelFamily,
    SchemaError,
    UnknownComponentError,
    hookimpl,
)


class Recorder:
    """Records every observer hook call (before_fit, after_fit, on_fit_error, before_trial,
    after_trial, before_predict, after_predict, on_predict_error)."""

    PLUGIN_NAME = "recorder"

    def __init__(self):
        self.calls = []

    @hookimpl
    def before_fit(self, estimator, X, y, settings):
        self.calls.append(("before_fit", dict(settings)))

    @hookimpl
    def after_fit(self, estimator, leaderboard, elapsed):
        self.calls.append(("after_fit", len(leaderboard)))

    @hookimpl
    def on_fit_error(self, estimator, error):
        self.calls.append(("on_fit_error", type(error).__name__))

    @hookimpl
    def before_trial(self, number, config):
        self.calls.append(("before_trial", config["family"]))

    @hookimpl
    def after_trial(self, number, record, best_score):
        self.calls.append(("after_trial", record["state"], best_score))

    @hookimpl
    def before_predict(self, estimator, X):
        self.calls.append(("before_predict", len(X)))

    @hookimpl
    def after_predict(self, estimator, X, predictions):
        self.calls.append(("after_predict", len(predictions)))

    @hookimpl
    def on_predict_error(self, estimator, error):
        self.calls.append(("on_predict_error", type(error).__name__))

    def names(self):
        return [c[0] for c in self.calls]


@pytest.fixture(scope="module")
def penguins(dataset):
    frame, target, _ = dataset("penguins")
    return frame, target


@pytest.mark.slow
def test_observer_hooks_fire_in_order(penguins):
    frame, target = penguins
    recorder = Recorder()
    model = AutoML(time_budget=6, max_trials=3, families=["linear", "knn"], plugins=[recorder]).fit(
        frame, target=target
    )
    names = recorder.names()
    assert names[0] == "before_fit" and names[-1] == "after_fit"
    assert recorder.calls[0][1]["families"] == ["knn", "linear"]
    assert names.count("before_trial") == names.count("after_trial") == 3
    assert recorder.calls[-2][2] is not None  # the best score so far reaches the observer
    model.predict(frame.head(7))
    assert recorder.names()[-2:] == ["before_predict", "after_predict"]
    with pytest.raises(SchemaError):
        model.predict(frame.drop(columns=["island"]))
    assert recorder.calls[-1] == ("on_predict_error", "SchemaError")


def test_on_fit_error_sees_the_failure(penguins):
    frame, target = penguins
    recorder = Recorder()
    with pytest.raises(DataError):
        AutoML(time_budget=5, plugins=[recorder]).fit(frame, target="nope")
    assert recorder.calls == [("on_fit_error", "DataError")]


class SlowClassifier(ClassifierMixin, BaseEstimator):
    """Fits forever in small Python steps, as a stuck model would."""

    def fit(self, X, y):
        while True:
            time.sleep(0.01)


class BrokenClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("licence server unreachable")


class Misbehaving:
    PLUGIN_NAME = "misbehaving"

    @hookimpl
    def register_model_families(self, register):
        for name, cls in (("slow", SlowClassifier), ("broken", BrokenClassifier)):
            register(
                ModelFamily(
                    name,
                    ("binary", "multiclass"),
                    build=lambda p, c, cls=cls: cls(),
                    suggest=lambda t, c: {},
                    defaults=({},),
                    cost=0.01,
                )
            )


@pytest.mark.slow
def test_a_stuck_trial_is_stopped_and_the_budget_holds(penguins):
    frame, target = penguins
    started = time.monotonic()
    model = AutoML(time_budget=6, families=["slow", "linear"], plugins=[Misbehaving()]).fit(frame, target=target)
    elapsed = time.monotonic() - started
    board = model.leaderboard_
    assert "timeout" in set(board.loc[board.family == "slow", "state"])
    assert "complete" in set(board.loc[board.family == "linear", "state"])
    assert elapsed < 6 * 1.05 + 0.5


@pytest.mark.slow
def test_a_raising_plugin_fails_its_trial_not_the_search(penguins):
    frame, target = penguins
    model = AutoML(time_budget=6, max_trials=4, families=["broken", "linear"], plugins=[Misbehaving()]).fit(
        frame, target=target
    )
    broken = model.leaderboard_[model.leaderboard_.family == "broken"]
    assert (broken.state == "failed").all() and broken.error.str.contains("licence server unreachable").all()
    assert model.best_config_.family == "linear"


@pytest.mark.slow
def test_every_trial_failing_is_a_fit_error_quoting_them_not_a_budget_error(penguins):
    frame, target = penguins
    with pytest.raises(FitError, match=r"every trial failed.*trial 0 \(broken\): failed .*licence server unreachable"):
        AutoML(time_budget=6, max_trials=2, families=["broken"], plugins=[Misbehaving()]).fit(frame, target=target)


@pytest.mark.slow
def test_nothing_fitted_in_time_is_a_budget_error(penguins):
    frame, target = penguins
    with pytest.raises(BudgetError, match="slow.*timeout"):
        AutoML(time_budget=1.5, families=["slow"], plugins=[Misbehaving()]).fit(frame, target=target)


@pytest.mark.slow
def test_third_party_plugin_is_used_when_installed_and_not_when_blocked(penguins):
    pytest.importorskip("automl_lightgbm", reason="examples/automl-lightgbm is installed by the README's setup")
    frame, target = penguins
    recorder = Recorder()
    model = AutoML(time_budget=20, max_trials=1, families=["lightgbm"]).fit(frame, target=target)
    assert set(model.leaderboard_.family) == {"lightgbm"}
    AutoML(time_budget=15, max_trials=1, plugins=[recorder]).fit(frame, target=target)
    assert "lightgbm" in recorder.calls[0][1]["families"]
    AutoML(time_budget=15, max_trials=1, plugins=[recorder], block_plugins=["lightgbm"]).fit(frame, target=target)
    offered = [c[1]["families"] for c in recorder.calls if c[0] == "before_fit"]
    assert "lightgbm" not in offered[-1] and "linear" in offered[-1]
    with pytest.raises(UnknownComponentError, match="lightgbm"):
        AutoML(time_budget=3, families=["lightgbm"], block_plugins=["lightgbm"]).fit(frame, target=target)
