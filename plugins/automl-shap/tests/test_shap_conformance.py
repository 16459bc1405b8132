"""The shap plugin passes the conformance checks and loads without importing shap."""

import subprocess
import sys

import automl_shap.plugin

from automl_core.testing import check_explainer, check_plugin


def test_plugin_conforms():
    assert check_plugin(automl_shap.plugin) == {"explainer": ["shap_kernel", "shap_tree"]}


def test_tree_explainer_applies_to_trees_only_and_kernel_to_both():
    # tree: a decision tree per task (3); kernel: a tree and a linear model per task (6)
    assert check_explainer(automl_shap.plugin.TREE) == 3
    assert check_explainer(automl_shap.plugin.KERNEL) == 6


def test_loading_the_plugin_does_not_import_shap():
    code = (
        "import sys\n"
        "import automl_core\n"
        "from automl_core.testing import registered\n"
        "import automl_shap.plugin as p\n"
        "assert set(registered(p)['explainer']) == {'shap_tree', 'shap_kernel'}\n"
        "assert 'shap' not in sys.modules and 'numba' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
