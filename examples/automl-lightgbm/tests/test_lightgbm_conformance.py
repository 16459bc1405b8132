"""The plugin passes automl-core's conformance checks: the whole contract in one line."""

import automl_lightgbm
import pytest

from automl_core.testing import check_plugin


@pytest.mark.slow
def test_plugin_conforms():
    check_plugin(automl_lightgbm)
