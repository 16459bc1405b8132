"""The report plugin passes the conformance checks and loads without matplotlib."""

import subprocess
import sys

import automl_report.plugin

from automl_core.testing import check_plugin, check_reporter


def test_plugin_conforms():
    assert check_plugin(automl_report.plugin) == {"reporter": ["html"]}


def test_each_task_gets_its_own_plots():
    pages = check_reporter(automl_report.plugin.HTML)
    for name in ("roc", "pr", "confusion", "calibration"):
        assert f'id="plot-{name}"' in pages["binary"] and f'id="plot-{name}"' in pages["multiclass"]
        assert f'id="plot-{name}"' not in pages["regression"]
    for name in ("predicted-actual", "residuals"):
        assert f'id="plot-{name}"' in pages["regression"]
    for page in pages.values():
        assert all(f'id="plot-{n}"' in page for n in ("importance", "history", "families", "members"))


def test_loading_the_plugin_does_not_import_matplotlib():
    code = "import sys\nimport automl_core, automl_report.plugin\nassert 'matplotlib' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", code], check=True)
