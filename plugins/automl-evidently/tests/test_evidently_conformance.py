"""The evidently plugin passes automl-core's conformance checks and loads without evidently."""

import subprocess
import sys

import automl_evidently.plugin

from automl_core.testing import check_plugin


def test_plugin_conforms():
    assert check_plugin(automl_evidently.plugin) == {"monitor": ["evidently"]}


def test_loading_the_plugin_and_the_core_does_not_import_evidently():
    code = (
        "import sys; from importlib import metadata\n"
        "import automl_core, automl_core.monitoring\n"
        "[point] = [e for e in metadata.entry_points(group='automl.plugins') if e.name == 'evidently']\n"
        "assert point.load().PLUGIN_NAME == 'evidently'\n"
        "from automl_core.testing import registered\n"
        "assert 'evidently' in registered(point.load())['monitor']\n"
        "assert 'evidently' not in sys.modules, 'loading the plugin imported evidently'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
