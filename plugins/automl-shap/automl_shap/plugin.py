"""Two explainers on the shap library: ``shap_tree`` (exact Tree SHAP on a pipeline's last
step, wherever it reproduces that step's output) and ``shap_kernel`` (model-agnostic Kernel
SHAP on the whole pipeline and its input columns). shap is imported only when one runs."""

from __future__ import annotations

from automl_core import Explainer, hookimpl

from .kernel import explain_kernel
from .tree import explain_tree, tree_applies

#: The plugin's name when passed in code; the same as its entry-point name.
PLUGIN_NAME = "shap"

TREE = Explainer(
    name="shap_tree",
    explain=explain_tree,
    applies=tree_applies,
    level="model",
    priority=10,
    description="shap's TreeExplainer (exact Tree SHAP) on forests, trees and boosted regressors",
)
KERNEL = Explainer(
    name="shap_kernel",
    explain=explain_kernel,
    level="pipeline",
    priority=0,
    description="shap's KernelExplainer on the whole pipeline and its input columns, for any model",
)


@hookimpl
def register_explainers(register):
    """Hand both explainers to the engine."""
    register(TREE)
    register(KERNEL)
