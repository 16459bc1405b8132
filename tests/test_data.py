"""``automl_core.load_data``: the installed loaders, explicit hermetic plugins, and every error."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from automl_core import DataError, Loader, build_plugin_manager, hookimpl, load_data
from automl_core.data import load_with_manager
from automl_core.plugin import NO_AUTOLOAD_ENV


class PipesPlugin:
    """A third party's loader of pipe-separated ``.psv`` files."""

    PLUGIN_NAME = "pipes"

    @staticmethod
    def _can_load(source, options):
        return isinstance(source, (str, os.PathLike)) and os.fspath(source).endswith(".psv")

    @staticmethod
    def _load(source, options):
        return pd.read_csv(source, sep="|", **options)

    @hookimpl
    def register_loaders(self, register):
        register(Loader("pipes", self._can_load, self._load, description="pipe-separated values"))


class TakeOverPlugin:
    """Answers ``load_data`` itself for CSV files (say, from a cache), before any loader."""

    PLUGIN_NAME = "takeover"

    def __init__(self):
        self.calls = []

    @hookimpl
    def load_data(self, source, options):
        self.calls.append((source, dict(options)))
        if str(source).endswith(".csv"):
            frame = pd.read_csv(source, nrows=options.get("nrows", 10))
            frame.attrs["taken_over"] = True
            return frame
        return None


def _loader_plugin(name, *loaders):
    """A plugin object registering the given loaders."""
    plugin = type(name, (), {"PLUGIN_NAME": name})()
    plugin.register_loaders = hookimpl(lambda register: [register(loader) for loader in loaders])
    return plugin


@pytest.fixture
def hermetic(monkeypatch):
    """No entry-point plugin is loaded: only the plugins a test passes."""
    monkeypatch.setenv(NO_AUTOLOAD_ENV, "1")


@pytest.fixture
def telco(datasets_dir) -> Path:
    return datasets_dir / "telco_churn.csv"


@pytest.fixture
def psv(tmp_path, telco) -> Path:
    path = tmp_path / "telco.psv"
    pd.read_csv(telco, nrows=200).to_csv(path, sep="|", index=False)
    return path


# ----------------------------------------------------------------------- installed plugins
def test_installed_loaders_read_a_real_csv(telco):
    frame = load_data(telco)
    assert frame.shape == (7043, 20)
    assert frame["TotalCharges"].dtype == "float64" and frame["TotalCharges"].isna().sum() == 11


def test_installed_loaders_take_options(telco):
    frame = load_data(telco, usecols=["tenure", "Churn"], nrows=30)
    assert frame.shape == (30, 2)


def test_unreadable_source_lists_every_loader_tried(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"not data")
    with pytest.raises(DataError) as info:
        load_data(path)
    message = str(info.value)
    assert f"no loader can read {str(path)!r}" in message
    assert "loaders tried: dataframe, csv, jsonl, parquet, glob, sql" in message


def test_missing_file_is_reported_plainly(tmp_path):
    with pytest.raises(DataError, match=rf"^file not found: {tmp_path / 'absent.csv'}"):
        load_data(tmp_path / "absent.csv")
    with pytest.raises(DataError, match=rf"^file not found: {tmp_path / 'absent.unknown'}$"):
        load_data(tmp_path / "absent.unknown")


def test_a_dataframe_comes_back_as_is(telco):
    frame = pd.read_csv(telco, nrows=50)
    assert load_data(frame) is frame


def test_a_third_party_loader_beside_the_installed_ones(psv, telco):
    frame = load_data(psv, plugins=[PipesPlugin()])
    pd.testing.assert_frame_equal(frame, pd.read_csv(telco, nrows=200))


def test_block_plugins_is_honoured(psv, telco):
    with pytest.raises(DataError, match=r"no loader can read .*telco_churn\.csv.*; loaders tried: pipes$"):
        load_data(telco, plugins=[PipesPlugin()], block_plugins=["loaders"])
    with pytest.raises(DataError, match="loaders tried: dataframe, csv, jsonl, parquet, glob, sql$"):
        load_data(psv, plugins=[PipesPlugin()], block_plugins=["pipes"])


def test_password_is_masked_in_the_no_loader_message():
    with pytest.raises(DataError) as info:
        load_data("nosuchdb://me:hunter2@db.example/x", table="t")
    assert "hunter2" not in str(info.value) and "me:***@db.example" in str(info.value)


# ----------------------------------------------------------------------- the load_data hook
def test_a_plugin_takes_over_through_the_load_data_hook(psv, telco):
    takeover = TakeOverPlugin()
    frame = load_data(telco, plugins=[takeover], nrows=25)
    assert frame.attrs == {"taken_over": True} and len(frame) == 25
    assert takeover.calls == [(telco, {"nrows": 25})]
    other = load_data(psv, plugins=[takeover, PipesPlugin()])  # the hook declines: loaders read it
    assert "taken_over" not in other.attrs and len(other) == 200


def test_an_error_in_the_hook_names_the_plugin(hermetic, telco):
    class Broken:
        PLUGIN_NAME = "broken_hook"

        @hookimpl
        def load_data(self, source, options):
            raise OSError("cache offline")

    with pytest.raises(
        DataError, match=r"plugin 'broken_hook' failed in the load_data hook.*OSError: cache offline"
    ) as info:
        load_data(telco, plugins=[Broken()])
    assert isinstance(info.value.__cause__, OSError)


# ----------------------------------------------------------------------- hermetic plugins
def test_priority_then_name_decides(hermetic, psv):
    frame = pd.DataFrame({"who": ["x"]})

    def reader(tag):
        return lambda source, options: frame.assign(who=tag)

    always = lambda source, options: True  # noqa: E731
    plugin = _loader_plugin(
        "order",
        Loader("b_low", always, reader("b_low")),
        Loader("z_high", always, reader("z_high"), priority=5),
        Loader("a_low", always, reader("a_low")),
    )
    assert load_data(psv, plugins=[plugin])["who"][0] == "z_high"
    plugin_same = _loader_plugin(
        "same", Loader("b_low", always, reader("b_low")), Loader("a_low", always, reader("a_low"))
    )
    assert load_data(psv, plugins=[plugin_same])["who"][0] == "a_low"


def test_no_loader_at_all(hermetic, psv):
    with pytest.raises(DataError, match="loaders tried: none"):
        load_data(psv)


def test_an_error_inside_a_loader_names_loader_and_source(hermetic, psv):
    with pytest.raises(DataError, match=r"loader 'pipes' could not read .*telco\.psv.*TypeError.*bogus") as info:
        load_data(psv, plugins=[PipesPlugin()], bogus=1)
    assert isinstance(info.value.__cause__, TypeError)


def test_an_error_in_can_load_names_the_loader(hermetic, psv):
    def explode(source, options):
        raise RuntimeError("boom")

    plugin = _loader_plugin("explosive", Loader("explosive", explode, lambda s, o: None))
    with pytest.raises(DataError, match="loader 'explosive' failed deciding whether it reads .*RuntimeError: boom"):
        load_data(psv, plugins=[plugin])


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ([1, 2], "gave a list, not a pandas DataFrame"),
        (pd.DataFrame({"a": []}), "holds no data: 0 rows and 1 columns"),
        (pd.DataFrame([[1, 2]]), "column names must be strings; these are not: \\[0, 1\\]"),
        (pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"]), "column names must be unique; repeated: \\['a'\\]"),
    ],
)
def test_a_bad_result_is_a_data_error_naming_the_source(hermetic, psv, result, message):
    plugin = _loader_plugin("bad", Loader("bad", lambda s, o: True, lambda s, o: result))
    with pytest.raises(DataError, match=rf"telco\.psv.*{message}"):
        load_data(psv, plugins=[plugin])


def test_load_with_an_existing_manager(hermetic, psv):
    pm = build_plugin_manager(plugins=[PipesPlugin()])
    frame = load_with_manager(pm, psv, {"nrows": 5}).frame
    assert frame.shape == (5, 20)


def test_load_with_the_engines_registry(hermetic, psv):
    from automl_core.plugin import Registry

    pm = build_plugin_manager(plugins=[PipesPlugin()])
    registry = Registry.from_manager(pm)
    assert load_with_manager(pm, psv, {}, registry=registry).frame.shape == (200, 20)
    with pytest.raises(DataError, match="loaders tried: none"):
        load_with_manager(pm, psv, {}, registry=Registry())
