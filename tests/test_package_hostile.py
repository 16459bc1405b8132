"""The model package against a hostile or damaged directory: files that call what they should
not while they are read (pickle and skops), paths out of the package, signatures, leftovers of
killed saves, and damage named by file. Every attack runs for real against a real file."""

import hashlib
import io
import itertools
import json
import os
import pickle
import pickletools
import shutil
import signal
import subprocess
import sys
import time
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from automl_core import AutoML, load, package
from automl_core.errors import PackageError
from automl_core.package import PackageWarning

pytestmark = pytest.mark.slow
VICTIM_BYTES = 10_436


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    return frame, target


@pytest.fixture(scope="module")
def saved(titanic, tmp_path_factory):
    frame, target = titanic
    model = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0).fit(frame, target=target)
    return model, package.save(model, tmp_path_factory.mktemp("pkg") / "model")


@pytest.fixture
def victim(tmp_path):
    """A user's file that a hostile package would destroy: 10,436 random bytes."""
    file = tmp_path / "thesis.docx"
    file.write_bytes(np.random.default_rng(0).bytes(VICTIM_BYTES))
    return file, hashlib.sha256(file.read_bytes()).hexdigest()


def _intact(victim) -> bool:
    file, digest = victim
    return file.stat().st_size == VICTIM_BYTES and hashlib.sha256(file.read_bytes()).hexdigest() == digest


def _copy(path, tmp_path):
    return shutil.copytree(path, tmp_path / path.name)


def _rewrite(path, name, content: bytes, rename_from: str | None = None):
    """Write ``name`` and recompute its manifest entry, as an attacker who knows the format would
    (``rename_from``: the metadata's file name it replaces)."""
    (path / name).write_bytes(content)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["sha256"][name] = hashlib.sha256(content).hexdigest()
    if rename_from is not None:
        (path / rename_from).unlink()
        del manifest["sha256"][rename_from]
        meta = json.loads((path / "metadata.json").read_text())
        files = meta["model_files"]
        files["pipelines"] = [name if n == rename_from else n for n in files["pipelines"]]
        meta_bytes = json.dumps(meta).encode()
        (path / "metadata.json").write_bytes(meta_bytes)
        manifest["sha256"]["metadata.json"] = hashlib.sha256(meta_bytes).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))


# --------------------------------------------------------------------------- hostile pickles
def _text(value: str) -> bytes:
    data = value.encode()
    return b"\x8c" + bytes([len(data)]) + data if len(data) < 256 else b"\x8d" + len(data).to_bytes(8, "little") + data


def _global(module: str, name: str) -> bytes:
    return _text(module) + _text(name) + b"\x93"  # SHORT_BINUNICODE x2, STACK_GLOBAL


def _int(value: int) -> bytes:
    return b"J" + value.to_bytes(4, "little", signed=True)  # BININT


MEMMAP_ARGS = lambda path: _text(str(path)) + _global("numpy", "uint8") + _text("w+") + _int(0) + _int(8) + b"\x85"  # noqa: E731

#: Each hand-written pickle (protocol 4) and the name its refusal gives.
HOSTILE_PICKLES = {
    # np.memmap(path, np.uint8, "w+", 0, (8,)): the probe's attack, which emptied the file
    "memmap_reduce": (
        lambda path: b"\x80\x04" + _global("numpy", "memmap") + b"(" + MEMMAP_ARGS(path) + b"tR.",
        r"numpy\.memmap",
    ),
    # np.memmap.__new__(np.memmap, path, ...): the same through NEWOBJ
    "memmap_newobj": (
        lambda path: b"\x80\x04" + _global("numpy", "memmap") + b"(" + MEMMAP_ARGS(path) + b"t\x81.",
        r"numpy\.memmap",
    ),
    # pandas' own _new_Index helper, handed np.memmap as the index class
    "memmap_new_index": (
        lambda path: (
            b"\x80\x04"
            + _global("pandas.core.indexes.base", "_new_Index")
            + _global("numpy", "memmap")
            + b"}("
            + _text("filename")
            + _text(str(path))
            + _text("mode")
            + _text("w+")
            + _text("shape")
            + _int(8)
            + b"\x85"
            + b"u\x86R."
        ),
        r"numpy\.memmap|_new_Index",
    ),
    # a module path to memmap that is not numpy's public one
    "memmap_private_module": (
        lambda path: b"\x80\x04" + _global("numpy._core.memmap", "memmap") + b"(" + MEMMAP_ARGS(path) + b"tR.",
        r"numpy\._core\.memmap\.memmap",
    ),
    # getattr(__import__("os"), "system")("...")
    "getattr_chain": (
        lambda path: (
            b"\x80\x04"
            + _global("builtins", "getattr")
            + _global("builtins", "__import__")
            + _text("os")
            + b"\x85R"
            + _text("system")
            + b"\x86R"
            + _text(f"truncate -s 0 {path}")
            + b"\x85R."
        ),
        r"builtins\.getattr",
    ),
    "os_system": (
        lambda path: b"\x80\x04" + _global("os", "system") + _text(f"truncate -s 0 {path}") + b"\x85R.",
        r"os\.system",
    ),
    "subprocess": (
        lambda path: (
            b"\x80\x04"
            + _global("subprocess", "check_call")
            + b"("
            + _text("truncate")
            + _text("-s")
            + _text("0")
            + _text(str(path))
            + b"l\x85R."
        ),
        r"subprocess\.check_call",
    ),
    "importlib": (
        lambda path: b"\x80\x04" + _global("importlib", "import_module") + _text("shutil") + b"\x85R.",
        r"importlib\.import_module",
    ),
    "builtins_open": (
        lambda path: b"\x80\x04" + _global("builtins", "open") + _text(str(path)) + _text("w") + b"\x86R.",
        r"builtins\.open",
    ),
    "eval": (
        lambda path: b"\x80\x04" + _global("builtins", "eval") + _text(f"open({str(path)!r}, 'w').close()") + b"\x85R.",
        r"builtins\.eval",
    ),
    # numpy's random-state helper, handed a class to call (it calls its second argument)
    "randomstate_ctor": (
        lambda path: (
            b"\x80\x04"
            + _global("numpy.random._pickle", "__randomstate_ctor")
            + _text("MT19937")
            + _global("sklearn.pipeline", "Pipeline")
            + b"\x86R."
        ),
        r"calls numpy\.random\._pickle\.__randomstate_ctor",
    ),
    # pandas' _new_Index handed a trusted class that is not an index: it would be called with the dict
    "new_index_of_a_trusted_class": (
        lambda path: (
            b"\x80\x04"
            + _global("pandas.core.indexes.base", "_new_Index")
            + _global("sklearn.pipeline", "Pipeline")
            + b"}\x86R."
        ),
        r"calls pandas\.core\.indexes\.base\._new_Index",
    ),
    # numpy's array reconstructor handed a subclass other than ndarray
    "reconstruct_a_subclass": (
        lambda path: (
            b"\x80\x04"
            + _global("numpy._core.multiarray", "_reconstruct")
            + _global("numpy.ma", "MaskedArray")
            + _int(0)
            + b"\x85"
            + _text("b")
            + b"\x87R."
        ),
        r"calls numpy\._core\.multiarray\._reconstruct",
    ),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE_PICKLES))
def test_a_hostile_pickle_is_refused_even_when_trusted_and_the_file_survives(saved, tmp_path, victim, attack):
    write, refusal = HOSTILE_PICKLES[attack]
    blob = write(victim[0])
    pickletools.dis(blob, out=io.StringIO())  # a well-formed pickle (it raises otherwise)
    path = _copy(saved[1], tmp_path)
    _rewrite(path, "pipeline-0.pkl", blob, rename_from="pipeline-0.skops")
    with pytest.raises(PackageError, match=r"pipeline-0\.pkl is a pickle file"):
        load(path)  # refused by default, before it is read
    with pytest.raises(PackageError, match=rf"pipeline-0\.pkl .*({refusal})"):
        load(path, trusted=True)
    assert _intact(victim)


def test_the_memmap_attack_is_real(tmp_path, victim):
    """The probe's pickle, read by plain pickle: the file it names becomes 8 zero bytes."""
    blob = HOSTILE_PICKLES["memmap_reduce"][0](victim[0])
    pickle.loads(blob)
    assert victim[0].read_bytes() == bytes(8)


# --------------------------------------------------------------------------- hostile skops files
_ids = itertools.count(1)


def _node(loader: str, qualified: str, **fields) -> dict:
    module, _, name = qualified.rpartition(".")
    return {"__class__": name, "__module__": module, "__loader__": loader, "__id__": next(_ids), **fields}


def _json(value) -> dict:
    return _node("JsonNode", f"builtins.{type(value).__name__}", content=json.dumps(value), is_json=True)


def _tuple(*items) -> dict:
    return _node("TupleNode", "builtins.tuple", content=list(items))


def _skops_file(top: dict) -> bytes:
    import skops.io as sio

    with zipfile.ZipFile(io.BytesIO(sio.dumps(0))) as archive:
        header = {
            k: v for k, v in json.loads(archive.read("schema.json")).items() if k in ("protocol", "_skops_version")
        }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("schema.json", json.dumps({**top, **header}))
    return out.getvalue()


def _memmap_args(path) -> dict:
    return _tuple(_json(str(path)), _json("uint8"), _json("w+"), _json(0), _tuple(_json(8)))


#: Each hand-written skops schema and the refusal it gets.
HOSTILE_SKOPS = {
    "constructor_from_reduce": (
        lambda path: _node("ConstructorFromReduceNode", "numpy.memmap", content=_memmap_args(path)),
        r"ConstructorFromReduceNode call numpy\.memmap",
    ),
    "loss_node": (
        lambda path: _node(
            "LossNode",
            "numpy.memmap",
            content=_node(
                "DictNode", "builtins.dict", content={}, key_types=_node("ListNode", "builtins.list", content=[])
            ),
            __reduce__={"args": _memmap_args(path)},
        ),
        r"LossNode call numpy\.memmap",
    ),
    "list_node": (
        lambda path: _node("ListNode", "numpy.memmap", content=[_json(str(path))]),
        r"ListNode call numpy\.memmap",
    ),
    "function_node": (lambda path: _node("FunctionNode", "numpy.load"), r"numpy\.load"),
    "function_of_a_trusted_library": (lambda path: _node("FunctionNode", "pandas.read_csv"), r"pandas\.read_csv"),
    "os_system_function": (lambda path: _node("FunctionNode", "os.system"), r"os\.system"),
    "method_node": (
        lambda path: _node("MethodNode", "pandas.DataFrame", content={"func": "to_csv", "obj": _json(1)}),
        r"MethodNode",
    ),
    # a function declared as a type: a transformer could call it with the rows and arguments from the file
    "function_as_a_type": (lambda path: _node("TypeNode", "numpy.lib._format_impl.write_array"), r"write_array"),
    "function_as_an_object": (lambda path: _node("ObjectNode", "pandas.read_csv"), r"pandas\.read_csv"),
    # a private module's name for a denied function: refused by what it is, not by the name used
    "alias_of_a_denied_function": (
        lambda path: _node("FunctionNode", "numpy._core.multiarray.fromfile"),
        r"numpy\._core\.multiarray\.fromfile, which is numpy\.fromfile",
    ),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE_SKOPS))
def test_a_hostile_skops_file_is_refused_even_when_trusted_and_the_file_survives(saved, tmp_path, victim, attack):
    write, refusal = HOSTILE_SKOPS[attack]
    path = _copy(saved[1], tmp_path)
    _rewrite(path, "pipeline-0.skops", _skops_file(write(victim[0])))
    with pytest.raises(PackageError, match=rf"pipeline-0\.skops .*({refusal})"):
        load(path, trusted=True)
    with pytest.raises(PackageError, match=rf"pipeline-0\.skops .*({refusal})"):
        load(path, trusted=["numpy.memmap", "numpy.load", "os.system", "pandas.read_csv", "pandas.DataFrame"])
    assert _intact(victim)


def test_the_skops_memmap_attack_is_real(victim):
    """skops itself runs the ConstructorFromReduceNode once numpy.memmap is trusted, as a policy
    that trusts all of numpy's types would."""
    import skops.io as sio

    blob = _skops_file(HOSTILE_SKOPS["constructor_from_reduce"][0](victim[0]))
    assert sio.get_untrusted_types(data=blob) == ["numpy.memmap"]
    sio.loads(blob, trusted=["numpy.memmap"])
    assert victim[0].read_bytes() == bytes(8)


# --------------------------------------------------------------------------- paths out of the package
@pytest.mark.parametrize(
    "field, value",
    [
        ("pipelines", "/etc/passwd"),
        ("pipelines", "../outside.skops"),
        ("pipelines", "sub/../../outside.skops"),
        ("state", "/tmp/model.skops"),
        ("reference_file", "../reference.parquet"),
    ],
)
def test_a_path_out_of_the_package_is_refused_by_name_before_it_is_read(saved, tmp_path, field, value):
    path = _copy(saved[1], tmp_path)
    outside = tmp_path / "outside.skops"
    shutil.copy(path / "pipeline-0.skops", outside)  # a valid file: only the name check can refuse it
    meta = json.loads((path / "metadata.json").read_text())
    if field == "reference_file":
        meta["reference_file"] = value
    elif field == "state":
        meta["model_files"]["state"] = value
    else:
        meta["model_files"]["pipelines"][0] = value
    _rewrite(path, "metadata.json", json.dumps(meta).encode())
    with pytest.raises(
        PackageError, match=rf"metadata\.json: .*{field}.* {value!r}, not the name of a file in the package"
    ):
        load(path)


def test_a_file_the_manifest_does_not_list_is_refused(saved, tmp_path):
    path = _copy(saved[1], tmp_path)
    shutil.copy(path / "pipeline-0.skops", path / "extra.skops")  # beside the package, unchecked
    meta = json.loads((path / "metadata.json").read_text())
    meta["model_files"]["pipelines"][0] = "extra.skops"
    _rewrite(path, "metadata.json", json.dumps(meta).encode())
    with pytest.raises(PackageError, match=r"names extra\.skops, which manifest\.json does not list"):
        load(path)


# --------------------------------------------------------------------------- signatures
def test_a_signed_package_loads_with_its_key_and_only_with_it(saved, titanic, tmp_path):
    model, _ = saved
    frame, _ = titanic
    path = package.save(model, tmp_path / "signed", key="s3cret")
    assert json.loads((path / "signature.json").read_text())["algorithm"] == "hmac-sha256"
    assert "signature.json" not in json.loads((path / "manifest.json").read_text())["sha256"]
    assert np.array_equal(load(path, key="s3cret").predict_proba(frame), model.predict_proba(frame))
    assert np.array_equal(load(path, key=b"s3cret").predict_proba(frame), model.predict_proba(frame))
    with pytest.raises(PackageError, match=r"signature\.json does not match manifest\.json"):
        load(path, key="another")
    load(path)  # no key: the signature is not checked


def test_a_recomputed_manifest_is_caught_by_the_signature(saved, tmp_path):
    path = package.save(saved[0], tmp_path / "signed", key="s3cret")
    meta = json.loads((path / "metadata.json").read_text())
    meta["threshold"] = 0.01
    _rewrite(path, "metadata.json", json.dumps(meta).encode())
    load(path)  # the manifest agrees: without a key nothing tells
    with pytest.raises(PackageError, match="changed after it was signed"):
        load(path, key="s3cret")


def test_an_unsigned_package_is_refused_when_a_key_is_given(saved, tmp_path):
    with pytest.raises(PackageError, match=r"not signed \(no signature\.json\).*refusing an unsigned package"):
        load(saved[1], key="s3cret")
    with pytest.raises(PackageError, match="non-empty"):
        load(saved[1], key="")


def test_the_key_comes_from_the_environment(saved, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOML_PACKAGE_KEY", "from-env")
    path = saved[0].save(tmp_path / "env")  # AutoML.save signs with it
    assert (path / "signature.json").is_file()
    load(path)
    with pytest.raises(PackageError, match="not signed"):
        load(saved[1])
    monkeypatch.setenv("AUTOML_PACKAGE_KEY", "other")
    with pytest.raises(PackageError, match="does not match"):
        load(path)
    assert load(path, key="from-env") is not None  # an explicit key wins


def test_the_command_line_takes_the_key_from_the_environment(saved, titanic, tmp_path):
    path = package.save(saved[0], tmp_path / "signed", key="s3cret")
    data = tmp_path / "rows.csv"
    titanic[0].head(5).to_csv(data, index=False)
    automl = str(pathlib_automl())
    env = {**os.environ, "NO_COLOR": "1", "AUTOML_PACKAGE_KEY": "wrong"}
    done = subprocess.run(
        [automl, "predict", str(path), str(data), "--out", str(tmp_path / "p.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "does not match" in done.stderr
    env["AUTOML_PACKAGE_KEY"] = "s3cret"
    done = subprocess.run(
        [automl, "predict", str(path), str(data), "--out", str(tmp_path / "p.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "p.csv")) == 5


def pathlib_automl():
    import pathlib

    return pathlib.Path(sys.executable).with_name("automl")


# --------------------------------------------------------------------------- leftovers of killed saves
KILLER = """
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
"""


def _kill_a_save(source, target, after: int) -> None:
    done = subprocess.run([sys.executable, "-c", KILLER, str(source), str(target), str(after)], timeout=120)
    assert done.returncode == -signal.SIGKILL


def test_the_next_save_removes_what_killed_saves_left(saved, tmp_path):
    model, source = saved
    target = tmp_path / "model"
    package.save(model, target)
    for after in (2, 5):
        _kill_a_save(source, target, after)  # each killed save removes what the one before left
        assert len([p for p in tmp_path.iterdir() if p.name.endswith(".partial")]) == 1
    others = [tmp_path / ".other.0123abcd.partial", tmp_path / ".model.notes", tmp_path / ".modelx.0123abcd.partial"]
    for folder in others:
        folder.mkdir()
    package.save(model, target, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model", *(p.name for p in others)])
    load(target)


def test_a_save_in_progress_is_left_alone_unless_it_is_old(saved, tmp_path):
    model, _ = saved
    target = tmp_path / "model"
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        from automl_core.package._files import _host

        running = tmp_path / f".model.0123abcd-{writer.pid}-{_host()}.partial"
        stale = tmp_path / f".model.4567abcd-{writer.pid}-{_host()}.partial"
        other_host = tmp_path / ".model.89abcdef-1-000000.partial"
        for folder in (running, stale, other_host):
            folder.mkdir()
            (folder / "model.skops").write_bytes(b"half")
        old = time.time() - 2 * 3600
        for item in (stale, stale / "model.skops"):
            os.utime(item, (old, old))
        package.save(model, target)
        assert running.exists() and other_host.exists()  # a live writer, another host's: under an hour old
        assert not stale.exists()  # untouched for two hours
    finally:
        writer.kill()
        writer.wait()
    package.save(model, target, overwrite=True)
    assert not running.exists()  # its writer is gone
    assert other_host.exists()  # another host's pid says nothing here: it waits for its hour


# --------------------------------------------------------------------------- damage, named
def test_a_flipped_byte_in_the_manifest_names_the_manifest(saved, tmp_path):
    path = _copy(saved[1], tmp_path)
    text = (path / "manifest.json").read_text()
    digest = json.loads(text)["sha256"]["pipeline-0.skops"]
    position = text.index(digest) + 5
    flipped = text[:position] + chr(ord(text[position]) ^ 1) + text[position + 1 :]
    assert json.loads(flipped)["sha256"]["pipeline-0.skops"] != digest  # still valid JSON
    (path / "manifest.json").write_text(flipped)
    with pytest.raises(PackageError, match=r"manifest\.json is damaged: its checksum does not match") as caught:
        load(path)
    assert "pipeline-0.skops was modified" not in str(caught.value)


def test_a_truncated_pipeline_with_a_fixed_manifest_names_the_file(saved, tmp_path):
    path = _copy(saved[1], tmp_path)
    content = (path / "pipeline-0.skops").read_bytes()
    _rewrite(path, "pipeline-0.skops", content[: len(content) // 2])
    with pytest.raises(PackageError, match=r"pipeline-0\.skops cannot be read as a skops file .*damaged"):
        load(path)


@pytest.mark.parametrize("name", ["pipeline-0.skops", "model.skops", "reference.parquet", "leaderboard.json"])
def test_a_missing_file_is_named(saved, tmp_path, name):
    path = _copy(saved[1], tmp_path)
    (path / name).unlink()
    with pytest.raises(PackageError, match=rf"file {name} listed in the manifest is missing"):
        load(path)
    manifest = json.loads((path / "manifest.json").read_text())
    del manifest["sha256"][name]  # and the manifest made to agree
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PackageError, match=rf"{name}.*(does not list|not hold)|does not list {name}"):
        load(path)


# --------------------------------------------------------------------------- every first-party pipeline is skops
def _every_family_and_preprocessor(frame, target):
    """Fitted pipelines that hold every model family (with its preferred preprocessing) and every
    preprocessor choice of every stage (each on the first family that offers it), with every
    feature builder on (dates, free text, feature selection)."""
    from automl_core.fit._prepare import prepare
    from automl_core.fit._read import read_training_input
    from automl_core.fit._settings import FitSettings
    from automl_core.plugin import Registry, build_plugin_manager
    from automl_core.search import PipelineConfig, fit_pipeline

    settings = FitSettings.from_params(AutoML(seed=0).get_params(deep=False))
    pm = build_plugin_manager(None, None, True)
    training = read_training_input(pm, frame, None, target, {}, settings.column_types)
    prepared = prepare(Registry.from_manager(pm), training, settings)
    space, configs, covered = prepared.space, [], set()
    builders = tuple(b.name for b in space.builders)
    for name, family in sorted(space.families.items(), key=lambda item: (item[1].cost, item[0])):
        options = space.stage_options(family)
        preferred = {stage: choices[0] for stage, choices in options.items()}
        variants = [preferred] + [
            {**preferred, stage: choice}
            for stage, choices in options.items()
            for choice in choices
            if (stage, choice) not in covered
        ]
        for preprocessing in variants:
            if preprocessing is preferred or not set(preprocessing.items()) <= covered:
                configs.append(PipelineConfig(name, preprocessing, builders, {name: dict(family.defaults[0])}))
                covered.update(preprocessing.items())
    pipelines = [fit_pipeline(space.build(c), prepared.data.X, prepared.data.y, c) for c in configs]
    return pipelines, set(builders), {c.family for c in configs}, {choice for _, choice in covered}


@pytest.mark.parametrize("name", ["titanic", "auto_mpg"])
def test_every_first_party_family_and_preprocessor_is_written_by_skops(dataset, tmp_path, name):
    frame, target, _ = dataset(name, rows=200)
    frame = frame.assign(
        when=pd.date_range("2020-01-01", periods=len(frame), freq="37h").strftime("%Y-%m-%d %H:%M"),
        note=[f"word{i % 13} thing{i % 5} and more text" for i in range(len(frame))],
    )
    model = AutoML(time_budget=10, max_trials=1, families=["linear"], seed=0).fit(frame, target=target)
    pipelines, builders, families, preprocessors = _every_family_and_preprocessor(frame, target)
    assert builders == {"datetime_parts", "text_tfidf", "feature_selection"}
    assert {
        "xgboost",
        "catboost",
        "lightgbm",
        "linear",
        "random_forest",
        "extra_trees",
        "hist_gradient_boosting",
        "knn",
    } <= families
    assert {
        "simple_imputer",
        "quantile_clipper",
        "standard_scaler",
        "robust_scaler",
        "categorical_imputer",
        "onehot",
        "ordinal",
        "native",
        "target_encoder",
        "rare_grouper",
    } <= preprocessors
    model.model_.models, model.model_.weights = pipelines, [1.0] * len(pipelines)
    model.model_.__dict__.pop("_shared", None)
    model.best_pipeline_ = pipelines[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PackageWarning)
        path = package.save(model, tmp_path / "everything")
    files = json.loads((path / "metadata.json").read_text())["model_files"]
    assert len(files["pipelines"]) == len(pipelines) and all(f.endswith(".skops") for f in files["pipelines"])
    assert not list(path.glob("*.pkl"))
    loaded = load(path)
    output = "predict_proba" if model.task_ != "regression" else "predict"
    np.testing.assert_array_equal(getattr(loaded, output)(frame), getattr(model, output)(frame))
