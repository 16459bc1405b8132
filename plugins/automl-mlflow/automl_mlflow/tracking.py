"""A run per fit, a nested run per trial, the final model as an MLflow pyfunc model.

Trial runs are created through the tracking client when the engine reports the trial
(``after_trial``), parented to the fit's run by MLflow's ``mlflow.parentRunId`` tag: the
observer hooks run in the driver in the order trials finish, so trials run in parallel
elsewhere are still one nested run each, with the times and scores they recorded.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from automl_core import hookimpl

#: MLflow's limit on a parameter value (longer values are cut).
MAX_PARAM = 6000
#: Trial outcomes and the run status each ends with.
STATUS = {"complete": "FINISHED", "pruned": "KILLED", "timeout": "KILLED"}


@dataclass
class _Fit:
    client: Any
    run_id: str
    experiment_id: str
    previous_uri: str | None | bool


class MLflowTracking:
    """Logs fits to MLflow. ``tracking_uri`` and ``experiment`` (a name) default to MLflow's
    own (``MLFLOW_TRACKING_URI``, ``MLFLOW_EXPERIMENT_NAME``, or the active run's);
    ``log_model=False`` skips the model. ``automatic`` trackers (the installed plugin) log only
    when MLflow is configured or a run is active, and never when one was passed explicitly."""

    PLUGIN_NAME = "mlflow-tracking"

    def __init__(
        self,
        tracking_uri: str | None = None,
        experiment: str | None = None,
        log_model: bool = True,
        automatic: bool = False,
    ):
        self.tracking_uri, self.experiment = tracking_uri, experiment
        self.log_model, self.automatic = log_model, automatic
        self._local = threading.local()

    @property
    def _fit(self) -> _Fit | None:
        return getattr(self._local, "fit", None)

    # ---------------------------------------------------------------- hooks
    @hookimpl
    def before_fit(self, estimator: Any, X: Any, y: Any, settings: Mapping[str, Any]) -> None:
        if not self._wanted(estimator):
            return
        import mlflow

        previous = False  # False: the tracking URI was not changed
        if self.tracking_uri:
            # mlflow.set_tracking_uri writes MLFLOW_TRACKING_URI into the environment, so the
            # variable's value (None: unset, MLflow's default) is what is put back after the fit
            previous = os.environ.get("MLFLOW_TRACKING_URI")
            mlflow.set_tracking_uri(self.tracking_uri)
        parent = mlflow.active_run()
        run = mlflow.start_run(
            run_name=f"automl {settings['task']} {settings['metric']}",
            experiment_id=None if parent else self._experiment_id(mlflow),
            nested=parent is not None,
            tags={"automl.task": str(settings["task"])},
        )
        self._local.fit = _Fit(mlflow.MlflowClient(), run.info.run_id, run.info.experiment_id, previous)
        mlflow.log_params(_fit_params(estimator, X, settings))

    @hookimpl
    def after_trial(self, number: int, record: Mapping[str, Any], best_score: float | None) -> None:
        fit = self._fit
        if fit is None:
            return
        from mlflow.entities import Metric, Param

        state = str(record.get("state"))
        tags = {"mlflow.parentRunId": fit.run_id, "automl.trial": str(number), "automl.state": state}
        if record.get("error"):
            tags["automl.error"] = str(record["error"])[:MAX_PARAM]
        run = fit.client.create_run(fit.experiment_id, run_name=f"trial {number} {record.get('family')}", tags=tags)
        params = [Param(k, _text(v)) for k, v in _trial_params(record).items()]
        now = int(time.time() * 1000)
        metrics = [Metric(k, float(v), now, i) for k, v, i in _trial_metrics(record)]
        fit.client.log_batch(run.info.run_id, metrics=metrics, params=params, tags=[])
        fit.client.set_terminated(run.info.run_id, STATUS.get(state, "FAILED"))
        if best_score is not None:
            fit.client.log_metric(fit.run_id, "best_score", float(best_score), step=number)

    @hookimpl
    def after_fit(self, estimator: Any, leaderboard: Any, elapsed: float) -> None:
        fit = self._fit
        if fit is None:
            return
        import mlflow

        try:
            mlflow.log_metrics(
                {
                    "validation_score": float(estimator.validation_score_),
                    "fit_seconds": float(elapsed),
                    "trials": float(len(leaderboard)),
                }
            )
            mlflow.log_text(leaderboard.to_csv(index=False), "leaderboard.csv")
            if self.log_model:
                log_model(estimator)
            mlflow.end_run("FINISHED")
        finally:
            self._close(mlflow, fit)

    @hookimpl
    def on_fit_error(self, estimator: Any, error: BaseException) -> None:
        fit = self._fit
        if fit is None:
            return
        import mlflow

        try:
            mlflow.set_tag("automl.error", f"{type(error).__name__}: {error}"[:MAX_PARAM])
            mlflow.end_run("FAILED")
        finally:
            self._close(mlflow, fit)

    # ---------------------------------------------------------------- helpers
    def _wanted(self, estimator: Any) -> bool:
        if not self.automatic:
            return True
        if any(isinstance(p, MLflowTracking) for p in getattr(estimator, "plugins", None) or ()):
            return False  # the user passed a tracker: it logs, not this one
        if os.environ.get("MLFLOW_TRACKING_URI"):
            return True
        mlflow = sys.modules.get("mlflow")  # never imported: no run can be active
        return mlflow is not None and mlflow.active_run() is not None

    def _experiment_id(self, mlflow) -> str | None:
        if not self.experiment:
            return None
        found = mlflow.get_experiment_by_name(self.experiment)
        return found.experiment_id if found else mlflow.create_experiment(self.experiment)

    def _close(self, mlflow, fit: _Fit) -> None:
        self._local.fit = None
        if fit.previous_uri is not False:
            mlflow.set_tracking_uri(fit.previous_uri)  # None clears the variable again


def log_model(estimator: Any) -> Any:
    """Log ``estimator`` in the active run as an MLflow pyfunc model named ``model``, with an
    input signature inferred from its training sample; returns MLflow's model info."""
    import mlflow
    from mlflow.models import infer_signature

    from .pyfunc import PACKAGE, AutoMLModel, requirements

    example = estimator.reference_.head(50)
    signature = infer_signature(example, estimator.predict(example))
    with tempfile.TemporaryDirectory(prefix="automl-mlflow-") as folder:
        package = estimator.save(os.path.join(folder, "package"))
        return mlflow.pyfunc.log_model(
            name="model",
            python_model=AutoMLModel(),
            artifacts={PACKAGE: str(package)},
            signature=signature,
            pip_requirements=requirements(estimator),
        )


def _fit_params(estimator: Any, X: Any, settings: Mapping[str, Any]) -> dict[str, str]:
    params = {
        f"automl.{k}": _text(v)
        for k, v in estimator.get_params(deep=False).items()
        if k not in ("plugins", "warm_start")
    }
    params.update({f"fit.{k}": _text(v) for k, v in settings.items()})
    params["fit.rows"], params["fit.columns"] = str(len(X)), str(X.shape[1])
    return params


def _trial_params(record: Mapping[str, Any]) -> dict[str, Any]:
    params = {"family": record.get("family"), "preprocessing": record.get("preprocessing")}
    params.update({f"param.{k}": v for k, v in (record.get("params") or {}).items()})
    return params


def _trial_metrics(record: Mapping[str, Any]) -> list[tuple[str, float, int]]:
    metrics = [
        (k, record[k], 0)
        for k in ("score", "fit_seconds", "predict_seconds", "elapsed")
        if isinstance(record.get(k), (int, float)) and record[k] == record[k]
    ]
    folds = record.get("fold_scores") or ()
    return metrics + [("fold_score", s, i) for i, s in enumerate(folds) if isinstance(s, (int, float))]


def _text(value: Any) -> str:
    return str(value)[:MAX_PARAM]
