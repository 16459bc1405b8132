"""Plugin discovery through real distributions on sys.path (dist-info folders written to tmp_path)."""

import importlib
import sys

import pytest

from automl_core import hookimpl
from automl_core.components import ModelFamily
from automl_core.errors import DuplicateComponentError, PluginError, UnknownComponentError
from automl_core.plugin import (
    BLOCK_ENV,
    NO_AUTOLOAD_ENV,
    PluginLoadWarning,
    Registry,
    available_plugin_names,
    build_plugin_manager,
)


def install_distribution(root, dist, version, entry_points, modules):
    """Write a distribution (dist-info with entry points, and its modules) into ``root``."""
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[automl.plugins]\n{lines}\n")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(source)


GOOD = """
from automl_core import hookimpl, ModelFamily
@hookimpl
def register_model_families(register):
    register(ModelFamily("constant_mean", ("regression",), build=lambda p, c: None, suggest=lambda t, c: {}))
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(BLOCK_ENV, raising=False)
    monkeypatch.delenv(NO_AUTOLOAD_ENV, raising=False)
    yield tmp_path
    for name in ("thirdparty_good", "thirdparty_broken", "thirdparty_typo", "thirdparty_clash"):
        sys.modules.pop(name, None)
    importlib.invalidate_caches()


def test_entry_point_plugins_load_and_broken_ones_are_named(site):
    install_distribution(
        site,
        "automl-thirdparty",
        "1.2.3",
        {"thirdparty_good": "thirdparty_good", "thirdparty_broken": "thirdparty_broken"},
        {"thirdparty_good": GOOD, "thirdparty_broken": "raise ImportError('needs libfoo')\n"},
    )
    with pytest.warns(PluginLoadWarning, match=r"'thirdparty_broken' \(distribution automl-thirdparty 1.2.3\).*libfoo"):
        pm = build_plugin_manager()
    assert pm.infos["thirdparty_broken"].status == "failed"
    assert pm.infos["thirdparty_good"].status == "loaded"
    assert pm.infos["thirdparty_good"].distribution == "automl-thirdparty"
    assert "constant_mean" in Registry.from_manager(pm).components["model_family"]


def test_plugins_are_blocked_by_argument_and_environment(site, monkeypatch):
    install_distribution(
        site, "automl-thirdparty", "1.0", {"thirdparty_good": "thirdparty_good"}, {"thirdparty_good": GOOD}
    )
    pm = build_plugin_manager(block=["thirdparty_good"])
    assert pm.infos["thirdparty_good"].status == "blocked"
    assert "constant_mean" not in Registry.from_manager(pm).components["model_family"]
    monkeypatch.setenv(BLOCK_ENV, "thirdparty_good")
    assert build_plugin_manager().infos["thirdparty_good"].status == "blocked"


def test_blocking_an_unknown_plugin_is_an_error_listing_installed_ones(site):
    with pytest.raises(UnknownComponentError, match="'no_such_plugin'.*installed plugins"):
        build_plugin_manager(block=["no_such_plugin"])


def test_autoload_can_be_switched_off(site, monkeypatch):
    install_distribution(
        site, "automl-thirdparty", "1.0", {"thirdparty_good": "thirdparty_good"}, {"thirdparty_good": GOOD}
    )
    assert "thirdparty_good" in available_plugin_names()
    assert "thirdparty_good" not in build_plugin_manager(autoload=False).infos
    monkeypatch.setenv(NO_AUTOLOAD_ENV, "1")
    assert "thirdparty_good" not in build_plugin_manager().infos


def test_a_misspelt_hook_is_reported_with_the_plugin(site):
    class Typo:
        PLUGIN_NAME = "typo_plugin"

        @hookimpl
        def register_model_familes(self, register):  # misspelt on purpose
            pass

    with pytest.raises(PluginError, match="typo_plugin"):
        build_plugin_manager(plugins=[Typo()], autoload=False)


def test_a_misspelt_hook_in_an_installed_plugin_skips_that_plugin_only(site):
    typo = GOOD + "\n@hookimpl\ndef register_evaluatorz(register):\n    pass\n"
    install_distribution(
        site,
        "automl-typo",
        "0.3",
        {"thirdparty_typo": "thirdparty_typo", "thirdparty_good": "thirdparty_good"},
        {"thirdparty_typo": typo, "thirdparty_good": GOOD.replace("constant_mean", "other_mean")},
    )
    with pytest.warns(PluginLoadWarning, match="'thirdparty_typo' implements 'register_evaluatorz'"):
        pm = build_plugin_manager()
    assert pm.infos["thirdparty_typo"].status == "failed"
    assert "other_mean" in Registry.from_manager(pm).components["model_family"]


def test_an_installed_plugin_passed_again_in_code_is_registered_once(site):
    install_distribution(
        site, "automl-thirdparty", "1.0", {"thirdparty_good": "thirdparty_good"}, {"thirdparty_good": GOOD}
    )
    module = importlib.import_module("thirdparty_good")
    pm = build_plugin_manager(plugins=[module])
    assert list(Registry.from_manager(pm).components["model_family"]).count("constant_mean") == 1


def test_an_observer_that_raises_is_isolated_and_named(site):
    class Loud:
        PLUGIN_NAME = "loud"

        @hookimpl
        def after_trial(self, number, record, best_score):
            raise RuntimeError("dashboard down")

    seen = []

    class Quiet:
        PLUGIN_NAME = "quiet"

        @hookimpl
        def after_trial(self, number, record, best_score):
            seen.append(number)

    pm = build_plugin_manager(plugins=[Loud(), Quiet()], autoload=False)
    with pytest.warns(PluginLoadWarning, match="'loud' failed in after_trial.*dashboard down"):
        pm.notify("after_trial", number=3, record={}, best_score=None)
    assert seen == [3]


def test_duplicate_component_names_name_both_plugins(site):
    install_distribution(
        site, "automl-clash", "1.0", {"thirdparty_clash": "thirdparty_clash"}, {"thirdparty_clash": GOOD}
    )

    class Mine:
        PLUGIN_NAME = "mine"

        @hookimpl
        def register_model_families(self, register):
            register(ModelFamily("constant_mean", ("regression",), build=lambda p, c: None, suggest=lambda t, c: {}))

    pm = build_plugin_manager(plugins=[Mine()])
    with pytest.raises(
        DuplicateComponentError, match="'constant_mean'.*'(thirdparty_clash|mine)'.*'(thirdparty_clash|mine)'"
    ):
        Registry.from_manager(pm)


def test_a_plugin_registering_the_wrong_record_or_raising_is_named(site):
    class Wrong:
        PLUGIN_NAME = "wrong"

        @hookimpl
        def register_evaluators(self, register):
            register("accuracy")

    class Raising:
        PLUGIN_NAME = "raising"

        @hookimpl
        def register_monitors(self, register):
            raise RuntimeError("no licence")

    with pytest.raises(PluginError, match="'wrong'.*Evaluator"):
        Registry.from_manager(build_plugin_manager(plugins=[Wrong()], autoload=False))
    with pytest.raises(PluginError, match="'raising'.*register_monitors.*no licence"):
        Registry.from_manager(build_plugin_manager(plugins=[Raising()], autoload=False))


def test_registry_lookup_by_task_and_unknown_names(site):
    class Two:
        PLUGIN_NAME = "two"

        @hookimpl
        def register_model_families(self, register):
            for name, tasks in (("reg", ("regression",)), ("clf", ("binary", "multiclass"))):
                register(ModelFamily(name, tasks, build=lambda p, c: None, suggest=lambda t, c: {}))

    registry = Registry.from_manager(build_plugin_manager(plugins=[Two()], autoload=False))
    assert [f.name for f in registry.all("model_family", "binary")] == ["clf"]
    assert registry.owner("model_family", "reg") == "two"
    with pytest.raises(UnknownComponentError, match="'reg' for task 'binary'; installed: clf"):
        registry.get("model_family", "reg", "binary")
