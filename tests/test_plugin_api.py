"""The plugin contract holds: plugins use the public API only, and every hook is called through
pluggy, so that an implementation may declare fewer arguments than its specification (and a
specification can grow without breaking the plugins written against it)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl_core
from automl_core import AutoML, Evaluator, LoadedData, Loader, hookimpl, load_data
from automl_core.plugin import PluginLoadWarning, Registry, build_plugin_manager

REPO = Path(__file__).resolve().parent.parent
#: Where plugin code lives: each first-party plugin's package and tests, and the examples.
PLUGIN_SOURCES = ("plugins/*/automl_*", "plugins/*/tests", "examples")
#: Core modules a plugin's tests may import besides the public names: the conformance kit.
TEST_KIT = {"automl_core.testing"}


def _plugin_files() -> list[Path]:
    files = sorted(f for pattern in PLUGIN_SOURCES for d in REPO.glob(pattern) for f in d.rglob("*.py"))
    assert len(files) > 30, "the plugin sources were not found"
    return files


def _private_uses(tree: ast.AST) -> list[str]:
    """Every import or attribute of ``automl_core`` in ``tree`` that is not public."""
    public = set(automl_core.__all__)
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "automl_core":
            if node.module in TEST_KIT:
                continue
            if node.module != "automl_core":
                bad.append(f"from {node.module} import ...")
            else:
                bad += [f"automl_core.{a.name}" for a in node.names if a.name not in public]
        elif isinstance(node, ast.Import):
            bad += [
                f"import {a.name}" for a in node.names if a.name.startswith("automl_core.") and a.name not in TEST_KIT
            ]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "automl_core":
            if node.attr not in public and node.attr != "testing":
                bad.append(f"automl_core.{node.attr}")
    return bad


def test_plugins_and_examples_import_only_public_names():
    offenders = {}
    for file in _plugin_files():
        bad = _private_uses(ast.parse(file.read_text(encoding="utf-8"), str(file)))
        if bad:
            offenders[str(file.relative_to(REPO))] = sorted(set(bad))
    assert not offenders, f"plugins reach past the public API (automl_core.__all__): {offenders}"


def test_the_check_catches_a_private_import():
    code = "from automl_core.search import Search\nimport automl_core.plugin\nfrom automl_core import Registry\nautoml_core.fit"
    assert _private_uses(ast.parse(code)) == [
        "from automl_core.search import ...",
        "import automl_core.plugin",
        "automl_core.Registry",
        "automl_core.fit",
    ]


def test_every_public_name_resolves():
    for name in automl_core.__all__:
        assert getattr(automl_core, name) is not None, name


# --------------------------------------------------------------------------- hooks through pluggy
class ShortObserver:
    """Implements every observer hook with fewer arguments than its specification."""

    PLUGIN_NAME = "short-observer"

    def __init__(self):
        self.calls: list[tuple[str, object]] = []

    @hookimpl
    def before_fit(self, settings):
        self.calls.append(("before_fit", settings["task"]))

    @hookimpl
    def before_trial(self, number):
        self.calls.append(("before_trial", number))

    @hookimpl
    def after_trial(self, record):
        self.calls.append(("after_trial", record["state"]))

    @hookimpl
    def after_fit(self):
        self.calls.append(("after_fit", None))

    @hookimpl
    def on_fit_error(self, error):
        self.calls.append(("on_fit_error", type(error).__name__))

    @hookimpl
    def before_predict(self):
        self.calls.append(("before_predict", None))

    @hookimpl
    def after_predict(self, predictions):
        self.calls.append(("after_predict", len(predictions)))

    @hookimpl
    def on_predict_error(self, error):
        self.calls.append(("on_predict_error", type(error).__name__))


def _hooks(calls) -> list[str]:
    return list(dict.fromkeys(name for name, _ in calls))


@pytest.mark.slow
def test_observers_with_fewer_arguments_are_called(dataset):
    frame, target, _ = dataset("penguins")
    observer = ShortObserver()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginLoadWarning)  # an observer that failed would warn
        model = AutoML(time_budget=20, max_trials=2, families=["linear"], seed=0, plugins=[observer]).fit(
            frame, target=target
        )
        model.predict(frame.head(3))
        with pytest.raises(automl_core.DataError):
            model.predict(frame.drop(columns=["bill_length_mm"]))
        with pytest.raises(automl_core.AutoMLError):
            AutoML(time_budget=5, families=["linear"], plugins=[observer]).fit(
                frame.assign(**{target: "one"}), target=target
            )
    assert _hooks(observer.calls) == [
        "before_fit",
        "before_trial",
        "after_trial",
        "after_fit",
        "before_predict",
        "after_predict",
        "on_predict_error",
        "on_fit_error",
    ]
    assert ("before_fit", "multiclass") in observer.calls and ("after_predict", 3) in observer.calls


class ShortLoader:
    """``load_data`` without its ``options`` argument."""

    PLUGIN_NAME = "short-loader"

    @hookimpl
    def load_data(self, source):
        if isinstance(source, str) and source.startswith("numbers:"):
            return pd.DataFrame({"x": np.arange(int(source.split(":")[1]))})
        return None


def test_an_answer_once_hook_with_fewer_arguments_answers():
    frame = load_data("numbers:7", plugins=[ShortLoader()])
    assert frame["x"].tolist() == list(range(7))


class Contributor:
    """One contribute hook with its argument, one with none (it registers nothing)."""

    PLUGIN_NAME = "contributor"

    @hookimpl
    def register_evaluators(self, register):
        register(Evaluator("always_one", ("regression",), lambda y, out: 1.0, needs="value"))

    @hookimpl
    def register_monitors(self):
        return None


def test_contribute_hooks_are_called_through_pluggy_with_declared_arguments():
    registry = Registry.from_manager(build_plugin_manager(plugins=[Contributor()], autoload=False))
    assert [e.name for e in registry.all("evaluator")] == ["always_one"]
    assert registry.owner("evaluator", "always_one") == "contributor" and registry.all("monitor") == []


def test_a_loader_may_hand_over_what_it_converted():
    class TextNumbers:
        PLUGIN_NAME = "text-numbers"

        @hookimpl
        def register_loaders(self, register):
            register(
                Loader(
                    "text_numbers",
                    lambda source, options: source == "prices",
                    lambda source, options: LoadedData(
                        pd.DataFrame({"price": [1.0, None, 3.0]}), numeric_text={"price": 1}
                    ),
                )
            )

    frame = load_data("prices", plugins=[TextNumbers()])
    assert frame["price"].isna().sum() == 1 and frame.shape == (3, 1)


class FailingObserver:
    PLUGIN_NAME = "failing-observer"

    @hookimpl
    def after_trial(self, number):
        raise RuntimeError(f"broken on trial {number}")


def test_an_observer_that_raises_is_named_and_the_others_still_run():
    pm = build_plugin_manager(plugins=[FailingObserver(), observer := ShortObserver()], autoload=False)
    with pytest.warns(
        PluginLoadWarning, match="'failing-observer' failed in after_trial: RuntimeError: broken on trial 3"
    ):
        pm.notify("after_trial", number=3, record={"state": "complete"}, best_score=None)
    assert observer.calls == [("after_trial", "complete")]
