"""The distributions say true things: one version, read from ``__version__``; the same
``requires-python`` everywhere; a licence, ``py.typed``; ``automl --version``; a clear error
when the command line's extra is missing."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import automl_core

REPO = Path(__file__).resolve().parent.parent
PYPROJECTS = sorted(
    [REPO / "pyproject.toml", *REPO.glob("plugins/*/pyproject.toml"), *REPO.glob("examples/*/pyproject.toml")]
)
SCRIPT = Path(sys.executable).parent / "automl"


def _project(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("pyproject", PYPROJECTS, ids=lambda p: p.parent.name)
def test_each_distribution_reads_its_version_from_its_package(pyproject):
    config = _project(pyproject)
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    attr = config["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    package = attr.rsplit(".", 1)[0]
    assert importlib.import_module(package).__version__ == metadata.version(config["project"]["name"])
    assert (pyproject.parent / package / "py.typed").exists()
    assert config["tool"]["setuptools"]["package-data"][package] == ["py.typed"]


def test_every_distribution_claims_the_python_ci_tests():
    claims = {p.parent.name: _project(p)["project"]["requires-python"] for p in PYPROJECTS}
    assert set(claims.values()) == {">=3.11"}, claims
    assert sys.version_info[:2] >= (3, 11)


def test_the_licence_is_the_one_the_distributions_name():
    assert "Apache License" in (REPO / "LICENSE").read_text(encoding="utf-8")[:200]
    assert {_project(p)["project"]["license"] for p in PYPROJECTS} == {"Apache-2.0"}


def test_the_core_does_not_pin_what_one_plugin_needs():
    core = _project(REPO / "pyproject.toml")["project"]["dependencies"]
    assert not [d for d in core if d.startswith("pandas") and "<3" in d]
    evidently = _project(REPO / "plugins/automl-evidently/pyproject.toml")["project"]["dependencies"]
    assert any(d.startswith("pandas") and "<3" in d for d in evidently)


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed beside this Python")
def test_automl_version_names_the_installed_core():
    for flag in ("--version", "-V"):
        done = subprocess.run([str(SCRIPT), flag], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.strip() == f"automl-core {automl_core.__version__}"
    done = subprocess.run([str(SCRIPT), "--version", "plugins"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == f"automl-core {automl_core.__version__}"  # the option, through the app


def test_the_command_line_names_its_extra_when_missing(tmp_path):
    blocked = tmp_path / "typer"
    blocked.mkdir()
    (blocked / "__init__.py").write_text("raise ImportError('typer is not installed')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    code = "from automl_core.cli import main; main(['plugins'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert "pip install 'automl-core[cli]'" in done.stderr and "typer" in done.stderr
    version = subprocess.run(
        [sys.executable, "-c", "from automl_core.cli import main; main(['--version'])"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert version.returncode == 0 and automl_core.__version__ in version.stdout  # no extra needed
