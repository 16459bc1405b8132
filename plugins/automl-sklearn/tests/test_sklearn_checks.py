"""automl_core.testing catches broken components: each case breaks one of this plugin's in one way.

These tests live beside the first plugin that the checks run on; each asserts that a check
fails, and that its message names the component and what is wrong.
"""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pandas as pd
import pytest
from automl_sklearn.evaluators import EVALUATORS
from automl_sklearn.models import linear, neighbors
from automl_sklearn.preprocessors import PREPROCESSORS
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder, StandardScaler

from automl_core import Evaluator, FeatureBuilder, Loader, Monitor, hookimpl
from automl_core.testing import (
    ConformanceError,
    check_evaluator,
    check_feature_builder,
    check_loader,
    check_model_family,
    check_monitor,
    check_plugin,
    check_preprocessor,
)

PREPROCESSOR = {p.name: p for p in PREPROCESSORS}
EVALUATOR = {e.name: e for e in EVALUATORS}


def _binary(family, **changes):
    return dataclasses.replace(family, tasks=("binary",), **changes)


@pytest.mark.parametrize(
    "broken, message",
    [
        (_binary(linear.FAMILY, defaults=({"strength": 1e6},)), "not a point of the search space"),
        (_binary(linear.FAMILY, defaults=({"C": 1.0},)), r"defaults\[0\] keys \['C'\] differ"),
        (_binary(neighbors.FAMILY, build=lambda p, c: KNeighborsClassifier(n_jobs=-1)), "n_jobs=-1 uses more threads"),
        (_binary(linear.FAMILY, build=lambda p, c: RidgeClassifier()), "predict_proba raised AttributeError"),
        (_binary(linear.FAMILY, build=lambda p, c: RandomForestClassifier(n_estimators=3)), "predict differently"),
    ],
)
def test_broken_model_families_fail(broken, message):
    with pytest.raises(ConformanceError, match=message) as failure:
        check_model_family(broken)
    assert str(failure.value).startswith(f"model family {broken.name!r} [binary]")


def test_a_family_checked_on_a_task_it_does_not_serve_fails():
    with pytest.raises(ConformanceError, match="does not serve task 'regression'"):
        check_model_family(_binary(linear.FAMILY), tasks=("regression",))


def _object_imputer(p, c):
    return SimpleImputer(strategy="most_frequent")


@pytest.mark.parametrize(
    "broken, message",
    [
        (
            dataclasses.replace(PREPROCESSOR["simple_imputer"], build=lambda p, c: StandardScaler(), suggest=None),
            "numbers without NaN",
        ),
        (
            dataclasses.replace(PREPROCESSOR["categorical_imputer"], build=_object_imputer, suggest=None),
            "keep pandas category dtype",
        ),
        (dataclasses.replace(PREPROCESSOR["native"], build=lambda p, c: OrdinalEncoder()), "pandas category columns"),
        (
            dataclasses.replace(
                PREPROCESSOR["ordinal"],
                build=lambda p, c: OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1.0),
            ),
            "fit raised TypeError",
        ),
        (
            dataclasses.replace(PREPROCESSOR["standard_scaler"], build=lambda p, c: SimpleImputer()),
            "keep NaN where, and only where",
        ),
    ],
)
def test_broken_preprocessors_fail(broken, message):
    with pytest.raises(ConformanceError, match=message) as failure:
        check_preprocessor(broken)
    assert str(failure.value).startswith(f"preprocessor {broken.name!r}")


def _with_ratio(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(ratio=frame["num_2"] / (frame["num_3"].abs() + 1))


def _with_noise(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(noise=np.random.default_rng().normal(size=len(frame)))


def _builder(name, function):
    return FeatureBuilder(name, build=lambda p, c: FunctionTransformer(function), applies=lambda f: "num_2" in f)


def test_a_feature_builder_passes_and_a_random_one_fails():
    check_feature_builder(_builder("ratio", _with_ratio))
    with pytest.raises(ConformanceError, match="feature builder 'noise'.*give different output"):
        check_feature_builder(_builder("noise", _with_noise))
    with pytest.raises(ConformanceError, match="pass a frame it applies to"):
        check_feature_builder(_builder("ratio", _with_ratio), frame=pd.DataFrame({"other": [1.0, 2.0, 3.0, 4.0]}))


@pytest.mark.filterwarnings("ignore:Only one class is present")
def test_evaluators_with_the_wrong_direction_or_an_unsafe_multiclass_auc_fail():
    with pytest.raises(ConformanceError, match="evaluator 'rmse' .*greater_is_better=True"):
        check_evaluator(dataclasses.replace(EVALUATOR["rmse"], greater_is_better=True))

    def naive_auc(y_true, proba):
        from sklearn.metrics import roc_auc_score

        return roc_auc_score(y_true, proba, multi_class="ovr", labels=list(range(proba.shape[1])))

    unsafe = Evaluator("naive_auc", ("multiclass",), naive_auc, needs="proba")
    with pytest.raises(ConformanceError, match="a class absent from y_true.*not finite"):
        check_evaluator(unsafe)


def _csv_loader(greedy: bool) -> Loader:
    return Loader(
        "csv",
        can_load=lambda source, options: greedy or str(source).endswith(".csv"),
        load=lambda source, options: pd.read_csv(source, **options),
    )


def test_a_csv_loader_passes_and_a_greedy_one_fails(tmp_path, penguins):
    path = tmp_path / "penguins.csv"
    penguins.to_csv(path, index=False)
    check_loader(_csv_loader(greedy=False), path)
    with pytest.raises(ConformanceError, match="loader 'csv': can_load.*unknown-suffix.*expected False"):
        check_loader(_csv_loader(greedy=True), path)


def _report(reference, current, context):
    drifted = [c for c in reference.select_dtypes("number") if abs(current[c].mean() - reference[c].mean()) > 1]
    return types.SimpleNamespace(
        drift_detected=bool(drifted),
        drifted_columns=drifted,
        columns=list(reference),
        to_dict=lambda: {"drifted_columns": drifted},
    )


def test_a_monitor_report_is_duck_typed(penguins):
    reference, current = penguins.iloc[:150], penguins.iloc[150:]
    report = check_monitor(Monitor("means", _report), reference, current, {"task": "multiclass"})
    assert "body_mass_g" in report.drifted_columns

    incomplete = Monitor("incomplete", lambda r, c, x: types.SimpleNamespace(drift_detected=False))
    with pytest.raises(ConformanceError, match="monitor 'incomplete': the report has no attribute 'drifted_columns'"):
        check_monitor(incomplete, reference, current, {})


class _LoaderPlugin:
    PLUGIN_NAME = "penguin_loader"

    @hookimpl
    def register_loaders(self, register):
        register(_csv_loader(greedy=False))


class _EmptyPlugin:
    PLUGIN_NAME = "empty"

    @hookimpl
    def register_loaders(self, register):
        """Registers nothing."""


def test_check_plugin_runs_loaders_given_a_source_and_refuses_empty_plugins(tmp_path, penguins):
    path = tmp_path / "penguins.csv"
    penguins.to_csv(path, index=False)
    assert check_plugin(_LoaderPlugin()) == {}
    assert check_plugin(_LoaderPlugin(), loader_sources={"csv": path}) == {"loader": ["csv"]}
    with pytest.raises(ConformanceError, match=r"no loader named \['parquet'\]"):
        check_plugin(_LoaderPlugin(), loader_sources={"parquet": path})
    with pytest.raises(ConformanceError, match="registers no component"):
        check_plugin(_EmptyPlugin())
