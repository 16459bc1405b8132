"""automl-mlflow: MLflow experiment tracking for automl-core.

Installed, it follows MLflow's conventions: a fit is logged when ``MLFLOW_TRACKING_URI`` is
set or an MLflow run is active, and nothing happens otherwise (mlflow is not even imported).
To log regardless, pass a tracker: ``AutoML(plugins=[MLflowTracking(tracking_uri=...,
experiment=...)])``, or in the configuration file ``plugins: ["automl_mlflow:always"]``.
"""

from .tracking import MLflowTracking

#: A tracker that logs every fit to MLflow's current tracking URI (for the configuration file).
always = MLflowTracking()

__all__ = ["MLflowTracking", "always"]
__version__ = "0.1.0"
