"""The model package: round trips, metadata, the manifest, the trust policy, atomic writes."""

import copy
import functools
import hashlib
import json
import os
import pathlib
import pickle
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from collections import defaultdict
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import (
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.preprocessing import FunctionTransformer
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.tree._tree import Tree

from automl_core import AutoML, AutoMLError, load, package
from automl_core.errors import PackageError, PackageNotFoundError
from automl_core.package import PackageVersionWarning, PackageWarning
from automl_core.package._pickle import read_pickle
from automl_core.package._trust import TrustPolicy

pytestmark = pytest.mark.slow


def _identity(X):
    """A function from this test module: a type no plugin distribution vouches for."""
    return X


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    return frame, target


@pytest.fixture(scope="module")
def forest(titanic, tmp_path_factory):
    """A model skops can write, saved with its training data fingerprinted."""
    frame, target = titanic
    model = AutoML(time_budget=10, max_trials=3, families=["linear", "random_forest"], seed=0).fit(frame, target=target)
    path = package.save(model, tmp_path_factory.mktemp("pkg") / "forest", data=frame)
    return model, path


@pytest.fixture(scope="module")
def boosted(titanic, tmp_path_factory):
    """An XGBoost model (its category levels were pandas dtypes, which skops refused, and it was pickled)."""
    frame, target = titanic
    model = AutoML(time_budget=10, max_trials=2, families=["xgboost"], seed=0).fit(frame, target=target)
    return model, package.save(model, tmp_path_factory.mktemp("pkg") / "boosted")


@pytest.fixture(scope="module")
def histogram(titanic, tmp_path_factory):
    """HistGradientBoosting on category columns: it predicts through a category lookup, which
    skops must be able to write (a pickled one was refused at load for scikit-learn's check_array)."""
    frame, target = titanic
    model = AutoML(time_budget=10, max_trials=2, families=["hist_gradient_boosting"], seed=0).fit(frame, target=target)
    return model, package.save(model, tmp_path_factory.mktemp("pkg") / "histogram")


@pytest.fixture(scope="module")
def regression(dataset, tmp_path_factory):
    frame, target, _ = dataset("auto_mpg", rows=200)
    model = AutoML(time_budget=8, max_trials=2, families=["linear"], seed=0).fit(frame, target=target)
    return model, package.save(model, tmp_path_factory.mktemp("pkg") / "mpg"), frame.drop(columns=[target])


def _rewrite(path, name, content: bytes):
    """Change a file and its manifest entry, as someone who knows the format would."""
    (path / name).write_bytes(content)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256(content).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))


def _copy(path, tmp_path):
    import shutil

    return shutil.copytree(path, tmp_path / path.name)


def _pickled(path, tmp_path):
    """A copy of the package at ``path`` whose first pipeline is a pickle file (``pipeline-0.pkl``),
    as an earlier version or a third-party plugin skops cannot write leaves it."""
    copy = _copy(path, tmp_path)
    pipeline = load(path).model_.models[0]
    (copy / "pipeline-0.skops").unlink()
    meta = json.loads((copy / "metadata.json").read_text())
    meta["model_files"]["pipelines"][0] = "pipeline-0.pkl"
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["sha256"]["pipeline-0.skops"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    _rewrite(copy, "pipeline-0.pkl", pickle.dumps(pipeline, protocol=5))
    _rewrite(copy, "metadata.json", json.dumps(meta).encode())
    return copy


@pytest.mark.parametrize("fixture", ["forest", "boosted", "histogram"])
def test_classification_round_trip_gives_identical_predictions(fixture, titanic, request):
    model, path = request.getfixturevalue(fixture)
    frame, target = titanic
    loaded = load(path)
    assert np.array_equal(loaded.predict_proba(frame), model.predict_proba(frame))
    assert np.array_equal(loaded.predict(frame), model.predict(frame))
    assert loaded.task_ == model.task_ and loaded.metric_ == model.metric_
    assert list(loaded.classes_) == list(model.classes_)
    assert loaded.validation_score_ == pytest.approx(model.validation_score_)
    assert loaded.score(frame, frame[target]) == pytest.approx(model.score(frame, frame[target]))
    pd.testing.assert_frame_equal(loaded.reference_.reset_index(drop=True), model.reference_.reset_index(drop=True))
    assert loaded.leaderboard_[["rank", "family", "state"]].equals(model.leaderboard_[["rank", "family", "state"]])
    assert loaded.best_config_ == model.best_config_ and loaded.top_configs_ == model.top_configs_


def test_histogram_boosting_is_written_by_skops_and_keeps_its_lookup(histogram, titanic):
    model, path = histogram
    files = [p.name for p in path.glob("pipeline-*")]
    assert files and all(name.endswith(".skops") for name in files)
    frame, _ = titanic
    estimator = load(path).model_.models[0].steps[-1][1]
    features = model.model_.models[0][:-1].transform(model._features(frame))
    assert estimator.category_lookup_.applies_to(features)


def test_regression_round_trip(regression):
    model, path, features = regression
    loaded = load(path)
    assert np.array_equal(loaded.predict(features), model.predict(features))
    assert loaded.classes_ is None and json.loads((path / "metadata.json").read_text())["classes"] is None


def test_loaded_model_still_validates_its_input(forest, titanic):
    frame, _ = titanic
    loaded = load(forest[1])
    with pytest.raises(AutoMLError, match="Age"):
        loaded.predict(frame.assign(Age="old"))


def test_layout_manifest_and_metadata(forest, titanic):
    model, path = forest
    frame, _ = titanic
    files = {p.name for p in path.iterdir()}
    meta = json.loads((path / "metadata.json").read_text())
    pipelines = meta["model_files"]["pipelines"]
    assert (
        pipelines == [f"pipeline-{i}.skops" for i in range(len(pipelines))]
        and meta["model_files"]["state"] == "model.skops"
    )
    assert files == {
        "model.skops",
        *pipelines,
        "schema.yaml",
        "metadata.json",
        "leaderboard.json",
        "reference.parquet",
        "manifest.json",
    }
    umask = os.umask(0o022)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o777 & ~umask  # readable by whoever deploys it, as the umask says
    manifest = json.loads((path / "manifest.json").read_text())["sha256"]
    assert set(manifest) == files - {"manifest.json"}
    assert all(hashlib.sha256((path / n).read_bytes()).hexdigest() == d for n, d in manifest.items())
    assert meta["task"] == "binary" and meta["metric"] == "roc_auc" and meta["target"] == "Survived"
    assert meta["classes"] == [0, 1] and meta["validation_score"] == pytest.approx(model.validation_score_)
    assert {f["name"]: (f["dtype"], f["type"]) for f in meta["features"]}["Sex"] == ("object", "categorical")
    assert meta["leaderboard_top"][0]["rank"] == 1
    assert {"python", "automl-core", "numpy", "pandas", "scikit-learn"} <= set(meta["versions"])
    assert {p["distribution"] for p in meta["plugins"]} == {"automl-sklearn"}
    assert meta["fingerprint"] == {
        "sha256": package.fingerprint(frame),
        "of": "training data",
        "rows": 300,
        "columns": 11,
    }
    assert datetime.fromisoformat(meta["created_at"]).utcoffset().total_seconds() == 0


def test_xgboost_pipelines_are_written_by_skops(boosted):
    path = boosted[1]
    meta = json.loads((path / "metadata.json").read_text())
    assert meta["model_files"]["state"] == "model.skops"
    assert meta["model_files"]["pipelines"] and all(p.endswith(".skops") for p in meta["model_files"]["pipelines"])
    assert not list(path.glob("*.pkl"))
    assert "xgboost-cpu" in meta["versions"] or "xgboost" in meta["versions"]
    xgb = next(p for p in meta["plugins"] if p["plugin"] == "xgboost")
    assert xgb["distribution"] == "automl-xgboost" and xgb["components"] == ["xgboost"]
    assert xgb["classes"] == ["automl_xgboost.estimator.XGBoostEarlyStoppingClassifier"]


@pytest.mark.parametrize(
    "name", ["model.skops", "pipeline-0.skops", "schema.yaml", "metadata.json", "reference.parquet", "leaderboard.json"]
)
def test_a_tampered_file_is_refused_by_name(forest, tmp_path, name):
    path = _copy(forest[1], tmp_path)
    with open(path / name, "r+b") as handle:
        handle.seek(10)
        byte = handle.read(1)
        handle.seek(10)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(PackageError, match=f"{name} was modified"):
        load(path)


def test_incomplete_and_absent_packages_are_refused(forest, tmp_path):
    with pytest.raises(PackageNotFoundError, match="no model package"):
        load(tmp_path / "nothing")
    path = _copy(forest[1], tmp_path)
    (path / "manifest.json").unlink()
    with pytest.raises(PackageError, match="manifest.json is missing"):
        load(path)


def test_an_untrusted_type_is_refused_unless_trusted_by_name(forest, titanic, tmp_path):
    frame, _ = titanic
    model = load(forest[1])
    member = model.model_.models[0]
    pipeline = member.models[0] if hasattr(member, "models") else member  # bagged on small data: a fold's
    pipeline.steps.insert(0, ("spy", FunctionTransformer(_identity).fit(frame)))
    name = f"{__name__}._identity"
    with pytest.warns(PackageWarning, match=f"will need trusted=.*{name}"):
        path = package.save(model, tmp_path / "spied")
    with pytest.raises(PackageError, match=name.replace(".", r"\.")):
        load(path)
    trusted = load(path, trusted=[name])
    assert np.array_equal(trusted.predict_proba(frame), model.predict_proba(frame))


class _Payload:
    """What a malicious pickle does: call something while being read."""

    def __init__(self, call, *args):
        self.call, self.args = call, args

    def __reduce__(self):
        return self.call, self.args


def _call_global(module: str, name: str, argument: str) -> bytes:
    """A hand-written pickle: ``module.name(argument)`` (protocol 4 STACK_GLOBAL, TUPLE1, REDUCE)."""

    def text(value: str) -> bytes:
        return b"\x8c" + bytes([len(value)]) + value.encode()

    return b"\x80\x04" + text(module) + text(name) + b"\x93" + text(argument) + b"\x85R."


def test_a_pickle_file_loads_only_when_trusted_by_name_or_with_true(boosted, titanic, tmp_path):
    frame, _ = titanic
    path = _pickled(boosted[1], tmp_path)
    with pytest.raises(PackageError, match=r"pipeline-0\.pkl is a pickle file.*trusted=\['pipeline-0\.pkl'\]"):
        load(path)
    with pytest.raises(PackageError, match=r"pipeline-0\.pkl is a pickle file"):
        load(path, trusted=["xgboost.sklearn.XGBClassifier"])  # trusting a type is not trusting the file
    expected = boosted[0].predict_proba(frame)
    assert np.array_equal(load(path, trusted=["pipeline-0.pkl"]).predict_proba(frame), expected)
    assert np.array_equal(load(path, trusted=True).predict_proba(frame), expected)


def test_a_pickle_calling_the_system_is_refused_before_it_runs(boosted, tmp_path):
    path = _pickled(boosted[1], tmp_path)
    marker = tmp_path / "pwned"
    _rewrite(path, "pipeline-0.pkl", pickle.dumps(_Payload(os.system, f"touch {marker}")))
    with pytest.raises(PackageError, match=r"pipeline-0\.pkl holds posix\.system, which reach files"):
        load(path, trusted=["pipeline-0.pkl"])
    with pytest.raises(PackageError, match=r"posix\.system"):
        load(path, trusted=["pipeline-0.pkl", "posix.system"])  # never, even when named
    assert not marker.exists()


def test_a_pickle_calling_an_import_helper_of_automl_core_is_refused(boosted, tmp_path):
    """automl-core is trusted, but a function of it that returns any object could hand over os.system."""
    path = _pickled(boosted[1], tmp_path)
    _rewrite(path, "pipeline-0.pkl", _call_global("automl_core.cli._config", "import_plugin", "os:system"))
    with pytest.raises(PackageError, match=r"automl_core\.cli\._config\.import_plugin"):
        load(path, trusted=True)


def test_a_pickle_calling_a_trusted_librarys_loader_is_refused(boosted, tmp_path):
    """pandas is a trusted library, but its functions include read_pickle: a pickle may not call them."""
    path = _pickled(boosted[1], tmp_path)
    marker = tmp_path / "pwned"
    (path / "inner.pkl").write_bytes(pickle.dumps(_Payload(os.system, f"touch {marker}")))
    _rewrite(path, "pipeline-0.pkl", pickle.dumps(_Payload(pd.read_pickle, str(path / "inner.pkl"))))
    with pytest.raises(PackageError, match=r"pandas\.io\.pickle\.read_pickle"):
        load(path, trusted=True)
    assert not marker.exists()


def test_a_dotted_global_cannot_walk_out_of_a_trusted_module(boosted, tmp_path):
    path = _pickled(boosted[1], tmp_path)
    marker = tmp_path / "pwned"
    assert pickle.loads(_call_global("builtins", "len", "abcd")) == 4  # the hand-written pickle is a real one
    _rewrite(path, "pipeline-0.pkl", _call_global("automl_core.package", "os.system", f"touch {marker}"))
    with pytest.raises(PackageError, match=r"automl_core\.package\.os\.system"):
        load(path, trusted=True)
    assert not marker.exists()


def _fitted(estimator, task):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) if task == "binary" else X @ [1.0, -2.0, 0.5, 0.0]
    if task == "multiclass":
        y = np.digitize(X[:, 0], [-0.5, 0.5])
    return estimator.fit(X, y), X


def _lightgbm():
    pytest.importorskip("automl_lightgbm")  # the policy below names its distribution
    return pytest.importorskip("lightgbm").LGBMClassifier(n_estimators=5, verbose=-1)


@pytest.mark.parametrize(
    "make, task",
    [
        pytest.param(lambda: RandomForestClassifier(n_estimators=5, random_state=0), "binary", id="forest"),
        pytest.param(lambda: ExtraTreesRegressor(n_estimators=5, random_state=0), "regression", id="extra-trees"),
        pytest.param(lambda: HistGradientBoostingClassifier(max_iter=5), "binary", id="histogram-binary"),
        pytest.param(lambda: HistGradientBoostingClassifier(max_iter=5), "multiclass", id="histogram-multiclass"),
        pytest.param(
            lambda: HistGradientBoostingRegressor(loss="quantile", quantile=0.3, max_iter=5),
            "regression",
            id="histogram-quantile",
        ),
        pytest.param(_lightgbm, "binary", id="lightgbm"),
    ],
)
def test_a_trusted_pickle_of_the_models_the_families_fit_reads_back(make, task):
    """Trees and compiled losses pickle as calls (of their class, or of Cython's unpickling helper):
    the reader allows those calls, their arguments checked, so a trusted pickle of a model with
    them loads and predicts the same (a mixed ensemble's third-party member is often such a model)."""
    estimator, X = _fitted(make(), task)
    policy = TrustPolicy(["automl-lightgbm"], trusted=True)
    read = read_pickle(pickle.dumps(estimator, protocol=5), policy, "pipeline-0.pkl")
    assert np.array_equal(read.predict(X), estimator.predict(X))


@pytest.mark.parametrize(
    "payload, name",
    [
        pytest.param(_Payload(defaultdict, np.add), "collections.defaultdict", id="defaultdict-of-a-function"),
        pytest.param(_Payload(Tree, 3, [2], 1), "sklearn.tree._tree.Tree", id="tree-of-a-list"),
        pytest.param(_Payload(Tree, 3, np.array([2]), 2), "sklearn.tree._tree.Tree", id="tree-of-unequal-outputs"),
    ],
)
def test_the_calls_trees_and_containers_may_make_are_checked(payload, name):
    """A defaultdict may make only empty containers or zeros for a missing key; a tree is built only
    from its sizes (two integers and an integer array of one entry per output)."""
    with pytest.raises(PackageError, match=re.escape(f"calls {name}(...) while it is read")):
        read_pickle(pickle.dumps(payload, protocol=5), TrustPolicy([], trusted=True), "pipeline-0.pkl")


class _Built:
    """What a pickle may do past its calls' checks: build an allowed value, then set its state."""

    def __init__(self, cls, args, state):
        self.cls, self.args, self.state = cls, args, state

    def __reduce__(self):
        return self.cls, self.args, self.state


@pytest.mark.parametrize(
    "payload, message",
    [
        pytest.param(
            _Built(defaultdict, (list,), (None, {"default_factory": np.random.RandomState})),
            "makes a defaultdict of numpy.random.mtrand.RandomState while it is read",
            id="defaultdict-factory-in-its-state",
        ),
        pytest.param(
            _Built(functools.partial, (np.add,), (np.random.RandomState, (1,), {}, None)),
            "makes a partial of the class numpy.random.mtrand.RandomState while it is read",
            id="partial-of-a-class-in-its-state",
        ),
    ],
)
def test_a_values_state_is_checked_once_set(payload, message):
    """A defaultdict's factory and a partial's function can come in their state, after the
    constructor call whose arguments are checked: they are checked again once set."""
    with pytest.raises(PackageError, match=re.escape(message)):
        read_pickle(pickle.dumps(payload, protocol=5), TrustPolicy([], trusted=True), "pipeline-0.pkl")


def _tampered_tree(field: str, value: int, estimator=None):
    """A fitted decision tree (``estimator``, else a classifier of depth 3) with one field of its
    root node set to ``value`` (scikit-learn takes it)."""
    if estimator is None:
        estimator = _fitted(DecisionTreeClassifier(max_depth=3), "binary")[0]
    state = estimator.tree_.__getstate__()
    nodes = state["nodes"].copy()
    nodes[field][0] = value
    estimator.tree_.__setstate__({**state, "nodes": nodes})
    return estimator


def _tampered_predictor(task: str, **fields):
    """A fitted histogram gradient boosting model of ``task`` whose first predictor has ``fields``
    set on its root node."""
    make = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = _fitted(make(max_iter=3), task)[0]
    predictor = model._predictors[0][0]
    nodes = predictor.nodes.copy()
    for field, value in fields.items():
        nodes[field][0] = value
    predictor.nodes = nodes
    return model


def _written(obj, tmp_path, kind: str) -> pathlib.Path:
    from automl_core.package._skops import dumps

    file = tmp_path / f"pipeline-0.{kind}"
    file.write_bytes(pickle.dumps(obj, protocol=5) if kind == "pkl" else dumps(obj))
    return file


@pytest.mark.parametrize("kind", ["skops", "pkl"])
@pytest.mark.parametrize(
    "tamper, message",
    [
        pytest.param(
            lambda: _tampered_tree("left_child", 10**9),
            "have a left child outside the nodes after its parent",
            id="child-past-the-nodes",
        ),
        pytest.param(
            lambda: _tampered_tree("right_child", 0),
            "have a right child outside the nodes after its parent",
            id="child-before-its-parent",
        ),
        pytest.param(
            lambda: _tampered_tree("left_child", -1),
            "have one child where a split has two",
            id="one-child",
        ),
        pytest.param(
            lambda: _tampered_tree("feature", 4, _fitted(DecisionTreeRegressor(max_depth=3), "regression")[0]),
            "split on a feature outside the 4 the model is given",
            id="feature-past-the-input",
        ),
        pytest.param(
            lambda: _tampered_forest(),
            "have a left child outside the nodes after its parent",
            id="one-tree-of-a-forest",
        ),
        pytest.param(
            lambda: _tampered_predictor("binary", left=10**6),
            "have a left child outside the nodes after its parent",
            id="histogram-child-past-the-nodes",
        ),
        pytest.param(
            lambda: _tampered_predictor("regression", feature_idx=9),
            "split on a feature outside the 4 the model is given",
            id="histogram-feature-past-the-input",
        ),
        pytest.param(
            lambda: _tampered_predictor("binary", is_categorical=1, bitset_idx=5),
            "split on categories outside the bitsets or features that hold them",
            id="histogram-bitset-past-the-bitsets",
        ),
    ],
)
def test_nodes_compiled_code_would_follow_out_of_its_arrays_are_refused(tamper, message, kind, tmp_path):
    """scikit-learn checks a tree's arrays' types and shapes, not where their nodes point: a
    child past the nodes or before its parent, a split feature past the input or a bitset past
    the predictor's makes the compiled predict read (and feature importances write) outside its
    arrays, or loop. Whichever format holds it, such a model is refused when read."""
    from automl_core.package._objects import read_object

    file = _written(tamper(), tmp_path, kind)
    with pytest.raises(PackageError, match=re.escape(f"pipeline-0.{kind} holds a sklearn.")) as raised:
        read_object(file, TrustPolicy([], trusted=True))
    assert message in str(raised.value) and "refusing it" in str(raised.value)


def _tampered_forest():
    forest, _ = _fitted(RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0), "binary")
    _tampered_tree("left_child", 10**9, forest.estimators_[1])
    return forest


@pytest.mark.parametrize("kind", ["skops", "pkl"])
@pytest.mark.parametrize(
    "make, task",
    [
        pytest.param(lambda: RandomForestClassifier(n_estimators=5, random_state=0), "binary", id="forest"),
        pytest.param(lambda: HistGradientBoostingClassifier(max_iter=5), "multiclass", id="histogram"),
    ],
)
def test_well_formed_trees_and_predictors_read_back(make, task, kind, tmp_path):
    from automl_core.package._objects import read_object

    estimator, X = _fitted(make(), task)
    read = read_object(_written(estimator, tmp_path, kind), TrustPolicy([], trusted=True))
    assert np.array_equal(read.predict(X), estimator.predict(X))


def test_a_mixed_ensemble_keeps_skops_where_it_can_and_its_pickle_needs_trust(forest, titanic, tmp_path):
    """Each member in turn (a linear model, a forest: its trees pickle as calls the reader checks)
    is copied with a step skops cannot write, and only that copy's file is a pickle."""
    frame, _ = titanic
    for index, member in enumerate(load(forest[1]).model_.models):
        model = load(forest[1])
        odd = copy.deepcopy(member.models[0] if hasattr(member, "models") else member)
        odd.steps.insert(0, ("odd", FunctionTransformer().fit(frame)))
        odd.steps[0][1].levels_ = pd.CategoricalDtype(["a", "b"])  # a third-party plugin's state skops cannot write
        model.model_.models = [*model.model_.models, odd]
        model.model_.weights = [*model.model_.weights, 1.0]
        model.model_.__dict__.pop("_shared", None)
        with pytest.warns(PackageWarning, match=rf"pipeline-{len(model.model_.models) - 1}\.pkl"):
            path = package.save(model, tmp_path / f"mixed-{index}")
        names = package.read_metadata(path)["model_files"]["pipelines"]
        assert names[-1].endswith(".pkl") and all(n.endswith(".skops") for n in names[:-1])
        with pytest.raises(PackageError, match=rf"{names[-1]} is a pickle file"):
            load(path)
        # to the last bit but for the weighted sum of the members: each model times where
        # splitting a batch in threads pays, and a split batch may add in another order
        np.testing.assert_allclose(
            load(path, trusted=[names[-1]]).predict_proba(frame), model.predict_proba(frame), rtol=0, atol=1e-12
        )


def test_a_missing_plugin_distribution_is_named(forest, tmp_path):
    path = _copy(forest[1], tmp_path)
    meta = json.loads((path / "metadata.json").read_text())
    meta["plugins"].append(
        {"plugin": "ghost", "distribution": "automl-ghost", "version": "9.9", "components": ["ghost"], "classes": []}
    )
    _rewrite(path, "metadata.json", json.dumps(meta).encode())
    with pytest.raises(PackageError, match=r"automl-ghost 9\.9 \(plugin 'ghost': ghost\)"):
        load(path)


def test_another_plugin_version_warns_naming_both(forest, tmp_path):
    path = _copy(forest[1], tmp_path)
    meta = json.loads((path / "metadata.json").read_text())
    installed = meta["plugins"][0]["version"]
    meta["plugins"][0]["version"] = "0.0.1"
    assert meta["versions"]["automl-sklearn"] == installed  # the plugin's distribution is a library too
    meta["versions"]["automl-sklearn"] = "0.0.1"
    _rewrite(path, "metadata.json", json.dumps(meta).encode())
    with pytest.warns(PackageVersionWarning, match=f"automl-sklearn 0.0.1 at fit, {installed} installed") as record:
        load(path)
    assert str(record[0].message).count("automl-sklearn") == 1  # recorded as a plugin and as a library: named once


def test_an_existing_package_is_replaced_only_when_asked(forest, tmp_path):
    model, _ = forest
    path = package.save(model, tmp_path / "m")
    with pytest.raises(PackageError, match="already exists"):
        package.save(model, path)
    first = json.loads((path / "metadata.json").read_text())["created_at"]
    package.save(model, path, overwrite=True)
    assert package.read_metadata(path)["created_at"] >= first
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no staging or old directory left behind


def test_reference_falls_back_to_csv_when_arrow_cannot_type_it(forest, tmp_path):
    model = load(forest[1])
    model.reference_ = model.reference_.assign(Cabin=[1 if i % 2 else "C85" for i in range(len(model.reference_))])
    path = package.save(model, tmp_path / "mixed")
    assert (path / "reference.csv").exists() and not (path / "reference.parquet").exists()
    loaded = load(path)
    assert loaded.reference_["Age"].dtype == "float64" and len(loaded.reference_) == len(model.reference_)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from automl_core import load, package
    from automl_core.package import _save
    source, target, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = load(source)
    write, written = _save._write_file, []
    def write_then_die(path, content):
        write(path, content)
        written.append(path)
        if len(written) == after:
            os.kill(os.getpid(), signal.SIGKILL)
    _save._write_file = write_then_die
    package.save(model, target, overwrite=True)
""")


@pytest.mark.parametrize("after", [1, 3, "all"])
def test_a_save_killed_midway_leaves_no_loadable_package(forest, tmp_path, after):
    """A real SIGKILL after ``after`` files (all: the manifest too, just before the rename)."""
    total = len(list(forest[1].iterdir()))
    after = total if after == "all" else after
    target = tmp_path / "model"
    done = subprocess.run([sys.executable, "-c", KILLER, str(forest[1]), str(target), str(after)], timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert not target.exists()
    with pytest.raises(PackageNotFoundError):
        load(target)
    (staging,) = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    if after < total:  # the manifest, written last, is what makes a directory a package
        with pytest.raises(PackageError, match="not a complete model package"):
            load(staging)


def test_a_save_killed_midway_keeps_the_old_package(forest, tmp_path):
    target = package.save(load(forest[1]), tmp_path / "model")
    before = package.read_metadata(target)
    done = subprocess.run([sys.executable, "-c", KILLER, str(forest[1]), str(target), "4"], timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert package.read_metadata(target) == before
    load(target)


def test_overwrite_replaces_a_package_or_an_empty_folder_and_nothing_else(forest, tmp_path):
    model, _ = forest
    project = tmp_path / "project"
    project.mkdir()
    (project / "notes.md").write_text("mine")
    with pytest.raises(PackageError, match="not a model package .* refusing to replace it"):
        package.save(model, project, overwrite=True)  # it deleted notes.md
    assert (project / "notes.md").read_text() == "mine"
    with pytest.raises(PackageError, match="not a directory"):
        package.save(model, project / "notes.md", overwrite=True)
    (tmp_path / "empty").mkdir()
    first = package.save(model, tmp_path / "empty", overwrite=True)
    assert package.save(model, first, overwrite=True) == first and load(first) is not None


def test_a_damaged_manifest_is_named(forest, tmp_path):
    _, path = forest
    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    for damage in (b'{"sha256": {"model.sko', b"[1, 2]"):
        (copy / "manifest.json").write_bytes(damage)
        with pytest.raises(PackageError, match="manifest.json is damaged"):
            load(copy)


# --------------------------------------------------------------------------- packages of earlier versions
REPO = pathlib.Path(__file__).resolve().parent.parent
FORMAT_1 = REPO / "tests" / "data" / "packages" / "titanic-format1"
FORMAT_1_SETTINGS = dict(
    time_budget=300, max_trials=10, seed=1, families=["linear", "xgboost", "hist_gradient_boosting"]
)


def _format_1_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(REPO / "examples" / "data" / "titanic.csv")
    return frame.iloc[:600], frame.iloc[600:700]


def test_a_package_saved_before_the_subpackage_layout_loads_and_predicts_the_same():
    pytest.importorskip("automl_xgboost")
    model = load(
        FORMAT_1, trusted=["pipeline-1.pkl"]
    )  # written by automl-core 0.1.0, whose XGBoost pipelines were pickles
    expected = np.load(FORMAT_1.with_name("titanic-format1-proba.npy"))
    assert json.loads((FORMAT_1 / "metadata.json").read_text())["format_version"] == 1
    np.testing.assert_array_equal(model.predict_proba(_format_1_rows()[1]), expected)
    assert model.component_owners_["linear"] == "sklearn"


@pytest.mark.slow
def test_a_seeded_fit_bounded_by_max_trials_predicts_bit_for_bit_as_before_the_move(tmp_path):
    pytest.importorskip("automl_xgboost")
    train, test = _format_1_rows()
    model = AutoML(**FORMAT_1_SETTINGS).fit(train, target="Survived")
    expected = np.load(FORMAT_1.with_name("titanic-format1-proba.npy"))
    np.testing.assert_array_equal(model.predict_proba(test), expected)
    model.save(tmp_path / "again")
    np.testing.assert_array_equal(load(tmp_path / "again").predict_proba(test), expected)
