"""The hostile cases named in issue #20, rerun as a new user and an attacker would.

Each case runs through the public API (the command line for the server) and gets a verdict:

- ``clear error``: one of the project's own errors, naming the column, setting, file or plugin
  at fault (each case says which words it must name);
- ``served``: the input was valid, if odd, and a right answer came back (a model, a 4xx for a
  bad request, a refused package with the user's file intact);
- ``vague error``: an error that is not ours, or ours without the name at fault;
- ``wrong outcome``: an answer that should not have been given (a 500, a fit past its budget,
  a silent fit of nonsense);
- ``data loss``: a file of the user's changed.

The issue's verdict before the work is printed beside each, so the table is the before/after
of the closing note. The cases need only the repository (``examples/data/titanic.csv``) and a
free loopback port; they take about three minutes on two cores.

    python benchmarks/hostile_cases.py [--only NAME,...] [--jsonl rows.jsonl]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from automl_core import ModelFamily, hookimpl

CLEAR, SERVED, VAGUE, WRONG, LOSS = "clear error", "served", "vague error", "wrong outcome", "data loss"
ROOT = Path(__file__).resolve().parents[1]
TITANIC = ROOT / "examples" / "data" / "titanic.csv"


@dataclass
class Case:
    name: str
    part: str
    before: str  # the verdict before the work
    expected: str
    run: Callable[[Path], tuple[str, str]]


CASES: list[Case] = []


def case(part: str, before: str, expected: str):
    def register(fn):
        CASES.append(Case(fn.__name__, part, before, expected, fn))
        return fn

    return register


def named(action: Callable[[], object], *names: str, setting: bool = False) -> tuple[str, str]:
    """``clear error`` when ``action`` raises one of ours naming every one of ``names``; with
    ``setting``, also a ``ValueError`` or ``TypeError`` naming them (a bad constructor parameter
    is a ``ValueError`` by scikit-learn's convention, as its own ``InvalidParameterError`` is)."""
    from automl_core.errors import AutoMLError

    ours: tuple[type[Exception], ...] = (AutoMLError, ValueError, TypeError) if setting else (AutoMLError,)
    try:
        action()
    except ours as exc:
        first = str(exc).splitlines()[0][:200]
        missing = [n for n in names if n not in str(exc)]
        return (VAGUE, f"{type(exc).__name__} without {missing}: {first}") if missing else (CLEAR, first)
    except Exception as exc:  # noqa: BLE001 - a library's bare exception is the verdict
        return VAGUE, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return WRONG, "no error"


def titanic(rows: int | None = None) -> pd.DataFrame:
    frame = pd.read_csv(TITANIC)
    return frame.head(rows) if rows else frame


_SMALL = {}


def small_model():
    """A quick fitted model on the passengers (linear, two trials), made once."""
    from automl_core import AutoML

    if "model" not in _SMALL:
        _SMALL["model"] = AutoML(time_budget=10, max_trials=2, families=["linear"], seed=0, n_workers=1).fit(
            titanic(300), target="Survived"
        )
    return _SMALL["model"]


# --------------------------------------------------------------------------- 1. packages
def _recompute_manifest(path: Path) -> None:
    """What an attacker who read the format does: every file's digest and the checksum again."""
    digests = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.iterdir())
        if p.name not in ("manifest.json", "signature.json")
    }
    checksum = hashlib.sha256(json.dumps(digests, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    (path / "manifest.json").write_text(json.dumps({"sha256": digests, "checksum": checksum}, indent=1))


def _victim(tmp: Path) -> tuple[Path, str]:
    file = tmp / "thesis.docx"
    file.write_bytes(np.random.default_rng(0).bytes(10_436))
    return file, hashlib.sha256(file.read_bytes()).hexdigest()


class _Memmap:
    """Pickles as ``np.memmap(path, np.uint8, "w+", 0, (8,))``: opening it empties the file."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return np.memmap, (self.path, np.uint8, "w+", 0, (8,))


def _saved(tmp: Path, **save) -> Path:
    path = tmp / "model"
    small_model().save(path, **save)
    return path


def _swap_pipeline(path: Path, name: str, content: bytes) -> None:
    meta = json.loads((path / "metadata.json").read_text())
    old = meta["model_files"]["pipelines"][0]
    (path / old).unlink()
    (path / name).write_bytes(content)
    meta["model_files"]["pipelines"][0] = name
    (path / "metadata.json").write_text(json.dumps(meta))


@case("1 package", LOSS, SERVED)
def memmap_pickle_with_recomputed_manifest(tmp: Path):
    from automl_core import load
    from automl_core.errors import PackageError

    victim, digest = _victim(tmp)
    path = _saved(tmp)
    _swap_pipeline(path, "pipeline-0.pkl", pickle.dumps(_Memmap(victim)))
    _recompute_manifest(path)
    answers = []
    for trusted in (False, True):
        try:
            load(path, trusted=trusted)
            answers.append("loaded")
        except PackageError as exc:
            answers.append(str(exc).splitlines()[0][:120])
        except Exception as exc:  # noqa: BLE001
            answers.append(f"{type(exc).__name__}: {exc}"[:120])
    if hashlib.sha256(victim.read_bytes()).hexdigest() != digest:
        return LOSS, f"{victim.name} changed; load said {answers}"
    refused = all("pipeline-0.pkl" in a for a in answers)
    return (SERVED if refused else WRONG), f"file intact; untrusted: {answers[0]} | trusted=True: {answers[1]}"


@case("1 package", WRONG, CLEAR)
def metadata_path_outside_the_package(tmp: Path):
    from automl_core import load

    path = _saved(tmp)
    meta = json.loads((path / "metadata.json").read_text())
    meta["model_files"]["pipelines"][0] = "/etc/passwd"
    (path / "metadata.json").write_text(json.dumps(meta))
    _recompute_manifest(path)
    return named(lambda: load(path), "/etc/passwd", "pipelines")


@case("1 package", WRONG, SERVED)
def killed_saves_leave_nothing_behind(tmp: Path):
    source = _saved(tmp)
    target = tmp / "again" / "model"
    target.parent.mkdir()
    loop = (
        "import sys\nfrom automl_core import load\nmodel = load(sys.argv[1])\n"
        "while True:\n    model.save(sys.argv[2], overwrite=True)\n"
    )
    for _ in range(3):
        writer = subprocess.Popen([sys.executable, "-c", loop, str(source), str(target)])
        time.sleep(4.0)  # imports, load, then saves in a loop: killed in the middle of one
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    left_by_kills = len([p for p in target.parent.iterdir() if p.name.endswith(".partial")])
    small_model().save(target, overwrite=True)
    after = [p.name for p in target.parent.iterdir() if p.name.endswith(".partial")]
    verdict = SERVED if not after else WRONG
    return verdict, f"3 saves killed with SIGKILL left {left_by_kills} partial folder(s); after the next save: {after}"


@case("1 package", VAGUE, CLEAR)
def flipped_byte_in_the_manifest(tmp: Path):
    from automl_core import load

    path = _saved(tmp)
    text = (path / "manifest.json").read_text()
    digest = json.loads(text)["sha256"]
    at = text.index(next(iter(digest.values()))) + 5
    (path / "manifest.json").write_text(text[:at] + chr(ord(text[at]) ^ 1) + text[at + 1 :])
    return named(lambda: load(path), "manifest.json")


@case("1 package", VAGUE, CLEAR)
def truncated_pipeline_with_a_fixed_manifest(tmp: Path):
    from automl_core import load

    path = _saved(tmp)
    name = json.loads((path / "metadata.json").read_text())["model_files"]["pipelines"][0]
    content = (path / name).read_bytes()
    (path / name).write_bytes(content[: len(content) // 2])
    _recompute_manifest(path)
    return named(lambda: load(path), name)


@case("1 package", WRONG, CLEAR)
def signed_package_with_a_recomputed_manifest(tmp: Path):
    from automl_core import load

    path = _saved(tmp, key="s3cret")
    meta = json.loads((path / "metadata.json").read_text())
    meta["note"] = "changed by someone else"
    (path / "metadata.json").write_text(json.dumps(meta))
    _recompute_manifest(path)
    return named(lambda: load(path, key="s3cret"), "signature")


# --------------------------------------------------------------------------- 2. the budget from the first line
def _fit_within(frame: pd.DataFrame, budget: float, **settings) -> tuple[str, str]:
    from automl_core import AutoML
    from automl_core.errors import AutoMLError

    started = time.monotonic()
    try:
        model = AutoML(time_budget=budget, seed=0, **settings).fit(frame, target="y")
        outcome = f"a model ({len(model.leaderboard_)} trials, {model.leaderboard_['family'].iloc[0]})"
    except AutoMLError as exc:
        outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    wall = time.monotonic() - started
    bound = 1.05 * budget + 1
    ok = wall <= bound and outcome.startswith("a model")
    return (SERVED if ok else WRONG), f"{outcome} in {wall:.2f} s (bound {bound:.2f} s)"


@case("2 budget", WRONG, SERVED)
def text_column_of_1mb_strings_at_5s(tmp: Path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"blob": ["".join(rng.choice(list("abcdefgh "), 1_000_000)) for _ in range(150)]})
    frame["x"], frame["y"] = rng.normal(size=150), rng.integers(0, 2, 150).astype(str)
    return _fit_within(frame, 5)


@case("2 budget", WRONG, SERVED)
def ten_thousand_columns_of_50_rows_at_5s(tmp: Path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(50, 10_000)), columns=[f"c{i}" for i in range(10_000)])
    frame["y"] = rng.integers(0, 2, 50).astype(str)
    return _fit_within(frame, 5)


# --------------------------------------------------------------------------- 4. limits in any thread
def _build_hanger(params, context):
    return Hanger()


def _build_hoarder(params, context):
    return Hoarder()


def _no_params(trial, context):
    return {}


class Hanger:
    """A model whose fit hangs where no signal reaches Python (a stuck C call)."""

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y, **kwargs):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)


class Hoarder(Hanger):
    """A model whose fit holds 50 MB more every 50 ms."""

    def fit(self, X, y, **kwargs):
        held = []
        for _ in range(200):
            block = bytearray(50 * 2**20)
            block[::4096] = b"x" * len(block[::4096])
            held.append(block)
            time.sleep(0.05)
        return self


class Troublemakers:
    PLUGIN_NAME = "probe-troublemakers"

    @hookimpl
    def register_model_families(self, register):
        for name, build in (("hanger", _build_hanger), ("hoarder", _build_hoarder)):
            register(ModelFamily(name, ("binary",), build, _no_params, defaults=({},), handles_missing=True, cost=0.01))


def _troublemakers():
    """The plugin, from this file imported as a module, so that spawned workers find its classes."""
    sys.path.insert(0, str(Path(__file__).parent))
    return __import__("hostile_cases").Troublemakers()


@case("4 limits", WRONG, SERVED)
def hanging_family_fitted_from_a_worker_thread(tmp: Path):
    from automl_core import AutoML

    frame = titanic(300).rename(columns={"Survived": "y"})
    model = AutoML(time_budget=10, families=["hanger", "linear"], seed=0, plugins=[_troublemakers()])
    errors: list[BaseException] = []
    started = time.monotonic()

    def fit():
        try:
            model.fit(frame, target="y")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=fit)
    thread.start()
    thread.join(60)
    wall = time.monotonic() - started
    if thread.is_alive() or errors:
        return WRONG, f"still running after {wall:.0f} s" if thread.is_alive() else f"{errors[0]!r}"
    hung = model.leaderboard_[model.leaderboard_["family"] == "hanger"]
    said = "; ".join(sorted(set(hung["error"].astype(str))))[:120]
    ok = wall <= 11.5 and (hung["state"] == "timeout").all()
    return (SERVED if ok else WRONG), f"ended in {wall:.1f} s of a 10 s budget; the hanger: {said}"


@case("4 limits", WRONG, CLEAR)
def family_that_leaks_memory_under_max_memory(tmp: Path):
    from automl_core import AutoML

    frame = titanic(300).rename(columns={"Survived": "y"})
    model = AutoML(
        time_budget=40,
        n_workers=1,
        max_memory="600MB",
        families=["hoarder", "linear"],
        max_trials=3,
        plugins=[_troublemakers()],
    ).fit(frame, target="y")
    board = model.leaderboard_
    hoarded = board[board["family"] == "hoarder"]
    said = "; ".join(sorted(set(hoarded["error"].astype(str))))[:160]
    ok = len(hoarded) and (hoarded["state"] == "failed").all() and "max_memory" in said
    return (CLEAR if ok else WRONG), f"hoarder trials {list(hoarded['state'])}: {said}"


# --------------------------------------------------------------------------- 3. the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(path: Path, *flags: str, env: dict | None = None):
    port = _free_port()
    automl = Path(sys.executable).with_name("automl")
    server = subprocess.Popen(
        [str(automl), "serve", str(path), "--port", str(port), *flags],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


_SERVER = {}


def _server(tmp: Path) -> str:
    """One server for the request cases: a key required, /metadata off, the docs on."""
    if "base" not in _SERVER:
        stack = contextlib.ExitStack()
        _SERVER["stack"] = stack
        path = _saved(tmp)
        _SERVER["base"] = stack.enter_context(
            _serving(path, "--api-key-env", "PROBE_KEY", "--no-metadata", env={"PROBE_KEY": "k3y"})
        )
    return _SERVER["base"]


KEY = {"x-api-key": "k3y"}


def _post_answer(tmp: Path, content: bytes, content_type: str = "application/json") -> tuple[str, str]:
    import httpx

    with httpx.Client(base_url=_server(tmp), headers=KEY, timeout=30) as client:
        answer = client.post("/predict", content=content, headers={"content-type": content_type})
        try:
            detail = str(answer.json().get("detail"))[:120]
        except ValueError:
            detail = f"not JSON: {answer.text[:80]!r}"
        after = client.get("/health").status_code  # the same keep-alive connection
    ok = 400 <= answer.status_code < 500 and not detail.startswith("not JSON") and after == 200
    return (SERVED if ok else WRONG), f"{answer.status_code} {detail}; next request on the connection: {after}"


@case("3 server", WRONG, SERVED)
def body_of_100000_open_brackets(tmp: Path):
    return _post_answer(tmp, b"[" * 100_000, "text/plain")


@case("3 server", WRONG, SERVED)
def record_value_nested_5000_levels(tmp: Path):
    return _post_answer(tmp, b'{"records": [{"Age": ' + b"[" * 5000 + b"]" * 5000 + b"}]}")


@case("3 server", WRONG, SERVED)
def integer_of_400_digits(tmp: Path):
    return _post_answer(tmp, b'{"records": [{"Age": ' + b"9" * 400 + b', "Sex": "male"}]}')


@case("3 server", WRONG, SERVED)
def a_key_is_required_when_asked_for(tmp: Path):
    import httpx

    base = _server(tmp)
    body = {"records": [{"Age": 30, "Sex": "male", "Pclass": 3}]}
    without = httpx.post(f"{base}/predict", json=body).status_code
    with_key = httpx.post(f"{base}/predict", json=body, headers=KEY).status_code
    ok = without == 401 and with_key == 200
    return (SERVED if ok else WRONG), f"without the key {without}, with it {with_key}"


@case("3 server", WRONG, SERVED)
def metadata_can_be_switched_off(tmp: Path):
    import httpx

    status = httpx.get(f"{_server(tmp)}/metadata", headers=KEY).status_code
    return (SERVED if status == 404 else WRONG), f"GET /metadata with --no-metadata: {status}"


@case("3 server", WRONG, SERVED)
def docs_load_nothing_from_a_cdn(tmp: Path):
    import httpx

    html = httpx.get(f"{_server(tmp)}/docs").text
    outside = [word for word in ("https://", "http://", "//cdn") if word in html]
    return (WRONG if outside else SERVED), f"/docs names {outside or 'only its own server'}"


# --------------------------------------------------------------------------- 5. vague errors
def _fit(X, y=None, target=None, **settings):
    from automl_core import AutoML

    return AutoML(**{"time_budget": 10, "max_trials": 2, "seed": 0, "n_workers": 1, **settings}).fit(
        X, y, target=target
    )


@case("5 errors", VAGUE, CLEAR)
def every_feature_constant(tmp: Path):
    frame = pd.DataFrame({"island": "Biscoe", "year": 2008, "y": titanic()["Survived"]})
    return named(lambda: _fit(frame, target="y"), "island", "year", "constant")


@case("5 errors", VAGUE, SERVED)
def a_series_as_x(tmp: Path):
    # a named Series is a table of one column (as pandas' to_frame has it): served, read by name
    frame = titanic()
    model = _fit(frame["Age"], frame["Survived"])
    names = list(model.feature_names_in_)
    answered = len(model.predict(frame[["Age"]].head(5))) == 5
    return (SERVED if names == ["Age"] and answered else WRONG), f"fitted on the column(s) {names}"


@case("5 errors", VAGUE, CLEAR)
def a_sparse_matrix_as_x(tmp: Path):
    from scipy import sparse

    return named(lambda: _fit(sparse.csr_matrix(np.eye(20)), np.arange(20) % 2), "sparse")


@case("5 errors", VAGUE, CLEAR)
def y_of_the_wrong_length(tmp: Path):
    frame = titanic()
    return named(lambda: _fit(frame.drop(columns="Survived"), frame["Survived"].head(500)), "500", "891")


def _many_classes(rows_per_class: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 1000 * rows_per_class
    return pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "y": [f"c{i % 1000}" for i in range(n)]})


@case("5 errors", VAGUE, CLEAR)
def a_thousand_classes_of_two_rows(tmp: Path):
    return named(lambda: _fit(_many_classes(2), target="y"), "'y'")


@case("5 errors", WRONG, CLEAR)
def a_thousand_classes_of_one_row(tmp: Path):
    return named(lambda: _fit(_many_classes(1), target="y"), "'y'")


@case("5 errors", VAGUE, CLEAR)
def max_trials_zero(tmp: Path):
    return named(lambda: _fit(titanic(), target="Survived", max_trials=0), "max_trials", setting=True)


@case("5 errors", VAGUE, CLEAR)
def a_text_column_typed_numeric(tmp: Path):
    return named(lambda: _fit(titanic(), target="Survived", column_types={"Sex": "numeric"}), "Sex")


@case("5 errors", VAGUE, CLEAR)
def a_number_beyond_float32_at_predict(tmp: Path):
    # a forest computes in float32, which 1e308 overflows (a linear model takes it in float64)
    frame = titanic()
    model = _fit(frame, target="Survived", families=["random_forest"], max_trials=1)
    rows = frame.drop(columns="Survived").head(3).copy()
    rows.loc[1, "Fare"] = 1e308
    return named(lambda: model.predict(rows), "Fare")


@case("5 errors", VAGUE, CLEAR)
def a_column_given_twice_at_predict(tmp: Path):
    rows = titanic().drop(columns="Survived").head(3)
    return named(lambda: small_model().predict(pd.concat([rows, rows[["Age"]]], axis=1)), "Age")


class NaNClassifier:
    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y, **kwargs):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), np.nan)

    def predict(self, X):
        return self.classes_[np.zeros(len(X), dtype=int)]


class NaNPlugin:
    PLUGIN_NAME = "probe-nan-models"

    @hookimpl
    def register_model_families(self, register):
        register(
            ModelFamily(
                "nan_model", ("binary",), lambda p, c: NaNClassifier(), lambda t, c: {}, defaults=({},), cost=0.01
            )
        )


@case("5 errors", WRONG, CLEAR)
def a_plugin_that_answers_nan(tmp: Path):
    return named(
        lambda: _fit(titanic(), target="Survived", families=["nan_model"], plugins=[NaNPlugin()], max_trials=1),
        "NaNClassifier",
    )


@case("5 errors", VAGUE, CLEAR)
def an_empty_directory_as_data(tmp: Path):
    empty = tmp / "empty"
    empty.mkdir()
    return named(lambda: _fit(empty, target="y"), "empty", str(empty))


@case("5 errors", WRONG, SERVED)
def datetimes_with_mixed_time_zones(tmp: Path):
    frame = titanic(400)
    stamps = pd.date_range("2020-01-01", periods=len(frame), freq="7h")
    frame["when"] = [f"{s:%Y-%m-%d %H:%M:%S}{'+01:00' if i % 2 else '-05:00'}" for i, s in enumerate(stamps)]
    model = _fit(frame, target="Survived")
    # a column of date strings is typed text by the core and read as dates by the date builder
    steps = model.leaderboard_["preprocessing"].tolist()
    dated = all("datetime_parts" in s for s in steps)
    return (SERVED if dated else WRONG), f"preprocessing of the trials: {sorted(set(steps))}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--jsonl", type=Path, help="append one JSON row per case here")
    args = parser.parse_args(argv)
    chosen = [c for c in CASES if not args.only or c.name in args.only.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for c in chosen:
            tmp = Path(scratch) / c.name
            tmp.mkdir()
            started = time.monotonic()
            try:
                verdict, detail = c.run(tmp)
            except Exception as exc:  # noqa: BLE001 - the probe reports it and goes on
                verdict, detail = VAGUE, f"{type(exc).__name__}: {exc}"[:200]
                traceback.print_exc()
            row = dict(case=c.name, part=c.part, before=c.before, after=verdict, expected=c.expected, detail=detail)
            row["seconds"] = round(time.monotonic() - started, 1)
            rows.append(row)
            mark = "ok " if verdict == c.expected else "!! "
            print(f"{mark}{c.part:10} {c.name:46} {c.before:14} -> {verdict:14} {detail}", flush=True)
        if "stack" in _SERVER:
            _SERVER["stack"].close()
    print()
    print("before:", dict(Counter(r["before"] for r in rows)))
    print("after: ", dict(Counter(r["after"] for r in rows)))
    print(f"as expected: {sum(r['after'] == r['expected'] for r in rows)} of {len(rows)}")
    if args.jsonl:
        with args.jsonl.open("a") as out:
            out.writelines(json.dumps(r) + "\n" for r in rows)


if __name__ == "__main__":
    main()
