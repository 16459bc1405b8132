"""The psi plugin passes automl-core's conformance checks and is found by its entry point."""
from importlib import metadata

import automl_psi.plugin
from automl_core.testing import check_plugin


def test_plugin_conforms():
    assert check_plugin(automl_psi.plugin) == {"monitor": ["psi"]}


def test_the_entry_point_names_the_plugin():
    [point] = [e for e in metadata.entry_points(group="automl.plugins") if e.name == "psi"]
    assert point.load() is automl_psi.plugin
