"""Class imbalance: class weights as a search choice, and a decision threshold tuned for label metrics."""

import pytest
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

from automl_core import AutoML

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lending(dataset):
    frame, target, _ = dataset("lending_club", rows=4000)  # about 5% bad loans
    return train_test_split(frame, test_size=0.3, random_state=0, stratify=frame[target]) + [target]


def test_class_weights_are_a_search_choice_on_imbalanced_data(lending):
    train, _, target = lending
    balanced = {
        "family": "linear",
        "params": {"linear": {"strength": 1.0}},
        "class_weight": "balanced",
        "preprocessing": {
            "numeric_impute": "simple_imputer",
            "numeric_outliers": "none",
            "numeric_scale": "standard_scaler",
            "categorical_impute": "categorical_imputer",
            "categorical_encode": "onehot",
        },
    }
    model = AutoML(time_budget=30, max_trials=2, families=["linear"], warm_start=[balanced], seed=0).fit(
        train, target=target
    )
    described = model.leaderboard_.sort_values("trial")["preprocessing"].tolist()
    assert "balanced class weights" in described[0] and "class weights" not in described[1]


def test_a_tuned_threshold_lifts_a_label_metric(lending):
    train, test, target = lending
    # one unweighted logistic regression: its most probable class is nearly always 'good'
    model = AutoML(time_budget=30, max_trials=1, families=["linear"], metric="balanced_accuracy", seed=0).fit(
        train, target=target
    )
    assert "class weights" not in model.leaderboard_["preprocessing"].iloc[0]
    assert model.threshold_ is not None and 0.5 < model.threshold_ < 1  # 'good' (class 1) needs a surer model
    X, y = test.drop(columns=[target]), test[target].to_numpy()
    tuned = balanced_accuracy_score(y, model.predict(X))  # predict applies the tuned threshold
    argmax = balanced_accuracy_score(y, model.classes_[model.predict_proba(X).argmax(axis=1)])
    assert tuned > argmax + 0.05
    assert model.evaluate(test).set_index("metric").loc["balanced_accuracy", "value"] == pytest.approx(tuned)


def test_balanced_data_gets_no_class_weight_choice(dataset):
    frame, target, _ = dataset("penguins")
    model = AutoML(time_budget=10, max_trials=2, families=["linear"]).fit(frame, target=target)
    assert not model.leaderboard_["preprocessing"].str.contains("class weights").any()
    assert model.threshold_ is None  # log loss needs no threshold
