"""The configuration file: validation that names keys, overrides, and the shipped example."""

import inspect
import pathlib

import pytest

from automl_core import AutoML
from automl_core.cli._config import RUN_KEYS, AutoMLConfig, ConfigError, load_config, validate_config, with_overrides

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "automl.yaml"


def _write(tmp_path, text, name="automl.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_config_holds_every_argument_of_automl_and_nothing_else():
    params = set(inspect.signature(AutoML.__init__).parameters) - {"self"}
    assert set(AutoMLConfig.model_fields) - set(RUN_KEYS) == params


def test_defaults_match_automl_defaults():
    defaults = AutoMLConfig().estimator_params()
    assert defaults == AutoML().get_params(deep=False)


def test_the_shipped_example_is_valid_and_points_at_its_data():
    config = load_config(EXAMPLE)
    assert pathlib.Path(config.data).is_file() and config.target == "Survived"
    assert pathlib.Path(config.out).parent == EXAMPLE.parent
    model = AutoML(**config.estimator_params())
    assert model.column_types == {"Pclass": "categorical", "Name": "drop"} and model.time_budget == 30


def test_relative_paths_follow_the_file_urls_and_absolute_paths_do_not(tmp_path):
    sub = tmp_path / "conf"
    sub.mkdir()
    config = load_config(_write(sub, "data: train.csv\nout: model\n"))
    assert config.data == str(sub / "train.csv") and config.out == str(sub / "model")
    config = load_config(_write(sub, "data: sqlite:///shop.db\nout: /srv/model\n"))
    assert config.data == "sqlite:///shop.db" and config.out == "/srv/model"


def test_an_unknown_key_is_named_with_a_suggestion(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown key 'time_budjet' \(did you mean 'time_budget'\?\)"):
        load_config(_write(tmp_path, "time_budjet: 10\n"))


@pytest.mark.parametrize(
    "text, key",
    [
        ("time_budget: -5\n", "time_budget"),
        ("folds: 1\n", "folds"),
        ("ensemble: 'no'\n", "ensemble"),
        ("validation: loo\n", "validation"),
        ("column_types: {Age: number}\n", "column_types.Age"),
        ("families: xgboost\n", "families"),
        ("max_trials: 2.5\n", "max_trials"),
        ("speed_tolerance: 1.5\n", "speed_tolerance"),
    ],
)
def test_a_bad_value_names_its_key(tmp_path, text, key):
    with pytest.raises(ConfigError, match=rf"automl\.yaml: key '{key}'"):
        load_config(_write(tmp_path, text))


def test_every_bad_key_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, "folds: 0\nholdout: 2\nsed: 1\n"))
    message = str(info.value)
    assert "'folds'" in message and "'holdout'" in message and "unknown key 'sed'" in message


@pytest.mark.parametrize(
    "text, message",
    [
        ("time_budget: [1\n", "not valid YAML"),
        ("- data\n- target\n", "must hold a mapping"),
    ],
)
def test_malformed_files_are_errors(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, text))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found: .*nowhere.yaml"):
        load_config(tmp_path / "nowhere.yaml")


def test_an_empty_file_means_the_defaults(tmp_path):
    assert load_config(_write(tmp_path, "# nothing\n")) == AutoMLConfig()


def test_flags_override_the_file_and_none_means_not_given(tmp_path):
    config = load_config(_write(tmp_path, "time_budget: 30\nmetric: f1\nseed: 3\n"))
    merged = with_overrides(config, {"time_budget": 5.0, "metric": None, "families": ["linear"]})
    assert (merged.time_budget, merged.metric, merged.seed, merged.families) == (5.0, "f1", 3, ["linear"])
    with pytest.raises(ConfigError, match="command line: key 'time_budget'"):
        with_overrides(config, {"time_budget": 0.0})


def test_plugins_are_imported_by_path_and_a_bad_path_names_the_key():
    config = validate_config({"plugins": ["automl_core.hookspecs", "automl_core.cli:AutoMLConfig"]})
    import automl_core.hookspecs

    assert config.estimator_params()["plugins"] == [automl_core.hookspecs, AutoMLConfig]
    with pytest.raises(ConfigError, match="key 'plugins': cannot import 'no_such_module_here'"):
        validate_config({"plugins": ["no_such_module_here"]}).estimator_params()
