"""The plugin passes automl-core's conformance checks for plugin authors."""
import automl_sklearn.plugin
from automl_core.testing import check_plugin


def test_plugin_conforms():
    check_plugin(automl_sklearn.plugin)
