"""The xgboost plugin passes automl-core's conformance checks and is found by its entry point."""

import subprocess
import sys

import automl_xgboost.plugin
import pytest

from automl_core.testing import check_plugin


@pytest.mark.slow
def test_plugin_conforms():
    check_plugin(automl_xgboost.plugin)


def test_the_entry_point_loads_the_plugin_without_importing_xgboost():
    code = (
        "import sys; from importlib import metadata\n"
        "[point] = [e for e in metadata.entry_points(group='automl.plugins') if e.name == 'xgboost']\n"
        "assert point.load().PLUGIN_NAME == 'xgboost'\n"
        "assert 'xgboost' not in sys.modules, 'loading the plugin imported xgboost'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
