"""The metrics against scikit-learn's own, and on the edge cases the engine meets in validation folds."""

from __future__ import annotations

import numpy as np
import pytest
from automl_sklearn.evaluators import EVALUATORS
from sklearn import metrics
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

SCORE = {e.name: e.score for e in EVALUATORS}


@pytest.fixture
def penguin_predictions(penguins):
    """Class indices and probabilities of a logistic regression on penguin measurements."""
    X = penguins[["bill_length_mm", "bill_depth_mm"]].to_numpy()
    y = penguins["species"].cat.codes.to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    return y_test, model.predict(X_test), model.predict_proba(X_test)


def test_multiclass_label_metrics_are_macro_averages(penguin_predictions):
    y_true, y_pred, _ = penguin_predictions
    for name in ("precision", "recall", "f1"):
        expected = getattr(metrics, f"{name}_score")(y_true, y_pred, average="macro")
        assert SCORE[name](y_true, y_pred) == pytest.approx(expected)
    assert SCORE["balanced_accuracy"](y_true, y_pred) == pytest.approx(metrics.balanced_accuracy_score(y_true, y_pred))


def test_binary_label_metrics_score_class_one(titanic):
    y_true = titanic["Survived"].astype(int).to_numpy()
    y_pred = (titanic["Sex"] == "female").astype(int).to_numpy()  # "women survive"
    assert SCORE["precision"](y_true, y_pred) == pytest.approx(233 / 314)  # 233 of the 314 women survived
    assert SCORE["recall"](y_true, y_pred) == pytest.approx(233 / 342)
    assert SCORE["f1"](y_true, y_pred) == pytest.approx(metrics.f1_score(y_true, y_pred))
    assert SCORE["accuracy"](y_true, y_pred) == pytest.approx(metrics.accuracy_score(y_true, y_pred))


def test_roc_auc_is_one_vs_rest_over_the_classes_that_occur(penguin_predictions):
    y_true, _, proba = penguin_predictions
    assert SCORE["roc_auc"](y_true, proba) == pytest.approx(metrics.roc_auc_score(y_true, proba, multi_class="ovr"))

    without_class_2 = y_true != 2
    y_two, proba_two = y_true[without_class_2], proba[without_class_2]
    expected = np.mean([metrics.roc_auc_score(y_two == c, proba_two[:, c]) for c in (0, 1)])
    assert SCORE["roc_auc"](y_two, proba_two) == pytest.approx(expected)
    assert np.isnan(SCORE["roc_auc"](np.zeros(5, dtype=int), np.full((5, 3), 1 / 3)))


def test_binary_roc_auc_reads_column_one():
    y_true = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])
    assert SCORE["roc_auc"](y_true, proba) == pytest.approx(0.75)


def test_log_loss_counts_every_column_as_a_class(penguin_predictions):
    y_true, _, proba = penguin_predictions
    only_first_two = y_true < 2
    value = SCORE["log_loss"](y_true[only_first_two], proba[only_first_two])
    assert value == pytest.approx(metrics.log_loss(y_true[only_first_two], proba[only_first_two], labels=[0, 1, 2]))


def test_regression_metrics(penguins):
    y_true = penguins["body_mass_g"].to_numpy()
    y_pred = np.full_like(y_true, y_true.mean())
    assert SCORE["rmse"](y_true, y_pred) == pytest.approx(y_true.std())
    assert SCORE["mae"](y_true, y_pred) == pytest.approx(np.abs(y_true - y_true.mean()).mean())
    assert SCORE["r2"](y_true, y_pred) == pytest.approx(0.0)


def test_directions_and_needs():
    lower_is_better = {e.name for e in EVALUATORS if not e.greater_is_better}
    assert lower_is_better == {"log_loss", "rmse", "mae"}
    assert {e.name for e in EVALUATORS if e.needs == "proba"} == {"roc_auc", "log_loss"}


def test_whole_weights_score_as_rows_repeated_that_many_times(penguin_predictions):
    """Every metric is weighted: a weight of 3 counts its row three times, a weight of 0 not at all."""
    y_true, y_pred, proba = penguin_predictions
    weights = np.random.default_rng(0).integers(0, 4, len(y_true))
    weights[:3] = 1  # every class keeps some weight
    repeated = np.repeat(np.arange(len(y_true)), weights)
    for evaluator in EVALUATORS:
        if "multiclass" not in evaluator.tasks:
            continue
        out = proba if evaluator.needs == "proba" else y_pred
        assert evaluator.weighted
        weighted = evaluator.score(y_true, out, sample_weight=weights.astype(float))
        assert weighted == pytest.approx(evaluator.score(y_true[repeated], out[repeated])), evaluator.name
    values = np.linspace(0.0, 10.0, len(y_true))
    for name in ("rmse", "mae", "r2"):
        guess = values + np.sin(values)
        expected = SCORE[name](values[repeated], guess[repeated])
        assert SCORE[name](values, guess, sample_weight=weights) == pytest.approx(expected)


def test_log_loss_takes_probabilities_one_rounding_step_past_one():
    # the weighted mean of three members that all say 1.0 (seen on wine quality at 60 s:
    # scikit-learn 1.9 raised "y_prob contains values greater than 1")
    weights = np.array([0.7214883401940817, 0.5253543224757259, 0.31024187555895566])
    members = np.zeros((3, 2, 3))
    members[:, 0, 0] = members[:, 1, 2] = 1.0
    proba = np.tensordot(weights / weights.sum(), members, axes=1)
    assert proba.max() > 1.0  # the input really is past one
    expected = metrics.log_loss([0, 2], np.clip(proba, 0, 1), labels=[0, 1, 2])
    assert SCORE["log_loss"](np.array([0, 2]), proba) == pytest.approx(expected)
