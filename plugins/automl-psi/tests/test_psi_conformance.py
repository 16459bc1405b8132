"""The psi plugin passes automl-core's conformance checks and loads without numpy or pandas."""

import subprocess
import sys

import automl_psi.plugin

from automl_core.testing import check_plugin


def test_plugin_conforms():
    assert check_plugin(automl_psi.plugin) == {"monitor": ["psi"]}


def test_the_entry_point_loads_the_plugin_without_numpy_or_pandas():
    code = (
        "import sys; from importlib import metadata\n"
        "[point] = [e for e in metadata.entry_points(group='automl.plugins') if e.name == 'psi']\n"
        "assert point.load().PLUGIN_NAME == 'psi'\n"
        "heavy = {'numpy', 'pandas'} & set(sys.modules)\n"
        "assert not heavy, f'loading the plugin imported {heavy}'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
