"""The xgboost plugin passes automl-core's conformance checks for every component it registers."""
import automl_xgboost.plugin
from automl_core.testing import check_plugin


def test_plugin_conforms():
    check_plugin(automl_xgboost.plugin)
