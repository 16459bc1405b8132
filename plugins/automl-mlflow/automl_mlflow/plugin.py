"""The installed plugin: an :class:`~automl_mlflow.MLflowTracking` that switches itself on
only when MLflow would (a tracking URI in the environment, or an active run), and steps aside
for a tracker the user passed explicitly."""

from __future__ import annotations

from automl_core import hookimpl

from .tracking import MLflowTracking

#: The plugin's name when passed in code; the same as its entry-point name.
PLUGIN_NAME = "mlflow"

AUTO = MLflowTracking(automatic=True)


@hookimpl
def before_fit(estimator, X, y, settings):
    AUTO.before_fit(estimator, X, y, settings)


@hookimpl
def after_trial(number, record, best_score):
    AUTO.after_trial(number, record, best_score)


@hookimpl
def after_fit(estimator, leaderboard, elapsed):
    AUTO.after_fit(estimator, leaderboard, elapsed)


@hookimpl
def on_fit_error(estimator, error):
    AUTO.on_fit_error(estimator, error)
