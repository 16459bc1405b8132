"""``AutoML(verbose=...)``: what a fit shows on stderr and logs; importing the core changes no
other library's settings (optuna's log level)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from automl_core import AutoML


def test_importing_the_core_and_its_search_leaves_optunas_log_level_alone():
    code = (
        "import optuna\nbefore = optuna.logging.get_verbosity()\n"
        "import automl_core, automl_core.search, automl_core.estimator\n"
        "assert optuna.logging.get_verbosity() == before == optuna.logging.INFO\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_core_and_every_plugin_leaves_the_environment_alone():
    """OpenMP's wait policy is the workers' and the command line's, not the importing process's."""
    code = (
        "import os\nbefore = dict(os.environ)\n"
        "import automl_core, automl_core.search, automl_core.estimator, automl_core.workers\n"
        "from automl_core.plugin import build_plugin_manager\nbuild_plugin_manager()\n"
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_a_bad_verbose_is_refused_before_any_work():
    with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or None"):
        AutoML(verbose=3).fit([[1.0], [2.0]], [0, 1])


@pytest.fixture(scope="module")
def penguins(dataset):
    frame, target, _ = dataset("penguins")
    return frame, target


@pytest.mark.slow
def test_verbose_2_prints_a_line_per_trial_and_logs_them(penguins, capsys, caplog):
    frame, target = penguins
    caplog.set_level(logging.DEBUG, logger="automl_core")
    model = AutoML(time_budget=10, max_trials=3, families="linear", verbose=2).fit(frame, target=target)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("automl: trial")]
    assert len(lines) == len(model.leaderboard_) == 3 and all(" linear " in line for line in lines)
    assert "fit done in" in err
    trial_logs = [r for r in caplog.records if r.name == "automl_core" and r.getMessage().startswith("automl: trial")]
    assert len(trial_logs) == 3 and all(r.levelno == logging.INFO for r in trial_logs)


@pytest.mark.slow
def test_verbose_1_draws_one_live_line_and_0_nothing(penguins, capsys):
    import optuna

    frame, target = penguins
    AutoML(time_budget=10, max_trials=3, families="linear", verbose=1).fit(frame, target=target)
    err = capsys.readouterr().err
    assert "\r" in err and "best log_loss" in err and "(linear)" in err and "automl: trial" not in err
    assert err.rstrip().endswith(tuple("0123456789"))  # the summary line closes the display
    AutoML(time_budget=10, max_trials=2, families="linear", verbose=0).fit(frame, target=target)
    assert capsys.readouterr().err == ""
    assert optuna.logging.get_verbosity() == optuna.logging.INFO  # set back after the search
