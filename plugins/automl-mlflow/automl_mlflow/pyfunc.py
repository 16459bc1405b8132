"""The fitted model as an MLflow pyfunc model: its automl-core package is the one artifact,
loaded with :func:`automl_core.load`, and ``predict`` is the model's own."""

from __future__ import annotations

from importlib import metadata
from typing import Any

import mlflow

#: The artifact name of the model package inside the MLflow model.
PACKAGE = "automl_package"


class AutoMLModel(mlflow.pyfunc.PythonModel):
    """``predict`` returns what ``AutoML.predict`` does (labels or values)."""

    def load_context(self, context) -> None:
        from automl_core import load

        self.model = load(context.artifacts[PACKAGE])

    def predict(self, context, model_input, params=None):
        return self.model.predict(model_input)


def requirements(model: Any) -> list[str]:
    """automl-core and the plugin distributions that gave the model's components, pinned."""
    from automl_core import ENTRY_POINT_GROUP

    used = set(getattr(model, "component_owners_", {}).values())
    pins = {_pin("automl-core")}
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if point.name in used and point.dist is not None:
            pins.add(f"{point.dist.metadata['Name']}=={point.dist.version}")
    return sorted(p for p in pins if p)


def _pin(name: str) -> str | None:
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return None
