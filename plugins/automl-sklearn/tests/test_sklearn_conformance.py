"""The plugin passes automl-core's conformance checks and is found through its entry point."""

import subprocess
import sys

import automl_sklearn.plugin
import pytest

from automl_core.testing import check_plugin


@pytest.mark.slow
def test_plugin_conforms():
    check_plugin(automl_sklearn.plugin)


def test_the_entry_point_loads_the_plugin_without_importing_sklearn():
    code = (
        "import sys; from importlib import metadata\n"
        "[point] = [e for e in metadata.entry_points(group='automl.plugins') if e.name == 'sklearn']\n"
        "assert point.load().PLUGIN_NAME == 'sklearn'\n"
        "assert 'sklearn' not in sys.modules, 'loading the plugin imported scikit-learn'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
