"""The REST server, running for real on loopback and called over HTTP."""

import contextlib
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from automl_core import AutoML, package  # noqa: E402
from automl_core.cli import create_app  # noqa: E402

pytestmark = pytest.mark.slow
MAX_ROWS, MAX_BODY = 50, 20_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, target, _ = dataset("titanic", rows=250)
    return frame.drop(columns=[target]), target, frame


@pytest.fixture(scope="module")
def saved(titanic, tmp_path_factory):
    features, target, frame = titanic
    model = AutoML(time_budget=8, max_trials=2, families=["linear"], seed=0).fit(frame, target=target)
    return package.save(model, tmp_path_factory.mktemp("srv") / "model")


@contextlib.contextmanager
def _running(app):
    """A uvicorn server in a thread serving ``app`` on a free loopback port; yields its base url."""
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/health")
        yield base
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def stored(saved):
    stored = package.read_package(saved)
    return AutoML.from_fitted(stored.params, stored.learned), stored.metadata


@pytest.fixture(scope="module")
def server(stored):
    """A uvicorn server in a thread serving the package; yields (base url, model, metadata)."""
    model, metadata = stored
    with _running(create_app(model, metadata, max_rows=MAX_ROWS, max_body_bytes=MAX_BODY)) as base:
        yield base, model, metadata


def _records(features, n):
    return json.loads(features.head(n).to_json(orient="records"))


def test_health_and_metadata(server, saved):
    base, _, _ = server
    health = httpx.get(f"{base}/health").json()
    assert health == {"status": "ok", "task": "binary", "max_rows": MAX_ROWS, "max_body_bytes": MAX_BODY}
    assert httpx.get(f"{base}/metadata").json() == json.loads((saved / "metadata.json").read_text())


def test_predict_answers_labels_and_probabilities(server, titanic):
    base, model, _ = server
    features = titanic[0]
    answer = httpx.post(f"{base}/predict", json={"records": _records(features, 20)})
    assert answer.status_code == 200
    body = answer.json()
    expected = model.predict_proba(features.head(20))
    assert body["classes"] == [0, 1]
    assert np.allclose(body["probabilities"], expected, atol=1e-6)
    assert body["predictions"] == model.predict(features.head(20)).tolist()


def test_a_key_no_record_has_is_a_missing_value(server, titanic):
    base, model, _ = server
    records = [{k: v for k, v in r.items() if k != "Age"} for r in _records(titanic[0], 3)]  # Age may be missing
    answer = httpx.post(f"{base}/predict", json={"records": records})
    assert answer.status_code == 200, answer.text  # was 422: column 'Age' failed column_present
    expected = model.predict_proba(titanic[0].head(3).assign(Age=np.nan))
    assert np.allclose(answer.json()["probabilities"], expected, atol=1e-6)


def test_records_that_break_the_schema_get_422_listing_the_failures(server, titanic):
    base, _, _ = server
    records = _records(titanic[0], 3)
    records[0]["Age"] = "old"
    records[1]["Fare"] = None
    for record in records:
        del record["Sex"]
    answer = httpx.post(f"{base}/predict", json={"records": records})
    assert answer.status_code == 422
    failures = {(f["column"], f["check"]) for f in answer.json()["failures"]}
    # a key no record has is a missing value: imputed like Fare's None (strict_missing is off by default)
    assert ("Age", "numeric") in failures
    assert not [f for f in failures if f[1] == "not_nullable"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b'{"rows": [{"Age": 3}]}',
        b'{"records": {"Age": 3}}',
        b'{"records": []}',
        b'{"records": [1, 2]}',
        b"[]",
        b'{"records": [{"Age": [1, 2]}]}',  # a value that is not a scalar: was a 500
        b'{"records": [{"Age": {"years": 3}}]}',
    ],
)
def test_malformed_bodies_get_422_and_the_server_keeps_serving(server, body):
    base, _, _ = server
    answer = httpx.post(f"{base}/predict", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and "detail" in answer.json()
    assert httpx.get(f"{base}/health").status_code == 200


def test_too_many_rows_get_413(server, titanic):
    base, _, _ = server
    records = _records(titanic[0], 1) * (MAX_ROWS + 1)
    answer = httpx.post(f"{base}/predict", json={"records": records})
    assert answer.status_code == 413 and str(MAX_ROWS) in answer.json()["detail"]


def test_a_body_over_the_limit_gets_413_declared_or_streamed(server):
    base, _, _ = server
    big = b'{"records": [' + b" " * (MAX_BODY + 10) + b"]}"
    assert httpx.post(f"{base}/predict", content=big).status_code == 413

    def chunks():  # no content-length: the server counts as it reads
        for _ in range(10):
            yield b" " * (MAX_BODY // 4)

    answer = httpx.post(f"{base}/predict", content=chunks())
    assert answer.status_code == 413 and "over the limit" in answer.json()["detail"]


def test_the_automl_serve_command_serves_a_package(saved, titanic):
    """``automl serve`` as a user runs it: a subprocess on a free port, stopped with SIGINT."""
    port = _free_port()
    script = pathlib.Path(sys.executable).with_name("automl")
    process = subprocess.Popen(
        [str(script), "serve", str(saved), "--port", str(port), "--max-rows", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/health")
        answer = httpx.post(f"http://127.0.0.1:{port}/predict", json={"records": _records(titanic[0], 2)})
        assert answer.status_code == 200 and len(answer.json()["predictions"]) == 2
        assert (
            httpx.post(f"http://127.0.0.1:{port}/predict", json={"records": _records(titanic[0], 6)}).status_code == 413
        )
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output


# --------------------------------------------------------------------------- hostile bodies
GOOD = {
    "Pclass": 3,
    "Name": "Braund, Mr. Owen Harris",
    "Sex": "male",
    "Age": 22.0,
    "SibSp": 1,
    "Parch": 0,
    "Ticket": "A/5 21171",
    "Fare": 7.25,
    "Cabin": None,
    "Embarked": "S",
    "PassengerId": 1,
}
JSON = {"content-type": "application/json"}


def _body(**change) -> bytes:
    return json.dumps({"records": [{**GOOD, **change}]}).encode()


def _raw(text: str, column: str = "Age") -> bytes:
    """A record whose ``column`` holds ``text`` as written (not through json.dumps)."""
    return json.dumps({"records": [{**GOOD, column: "@@"}]}).replace('"@@"', text).encode()


#: name: (body, headers, status, a pattern of the detail); the status before this change in the comment.
HOSTILE = {
    "nested_arrays_100000": (b"[" * 100_000, JSON, 422, "too deeply"),  # was 500 text/plain, connection reset
    "nested_objects_100000": (b'{"a":' * 100_000, JSON, 422, "too deeply"),  # was 500 text/plain
    "nested_arrays_closed_2000": (b"[" * 2000 + b"]" * 2000, JSON, 422, "too deeply"),  # was 500 text/plain
    "value_nested_5000": (_raw("[" * 5000 + "]" * 5000), JSON, 422, "too deeply"),  # was 500 text/plain
    "value_nested_50": (_raw("[" * 50 + "]" * 50), JSON, 422, "valid string"),
    "int_400_digits": (
        _raw("9" * 400),
        JSON,
        422,
        r"records\[0\]\.Age: the integer of 400 digits",
    ),  # was 500 OverflowError
    "int_5000_digits": (_raw("9" * 5000), JSON, 422, "4300 digits"),  # was 500 text/plain
    "float_1e400": (_raw("1e400"), JSON, 422, r"records\[0\]\.Age: .*64-bit float"),  # was 422 (schema)
    "NaN_literal": (_raw("NaN"), JSON, 422, "NaN, which is not a JSON number"),  # was 200: NaN read as missing
    "Infinity_literal": (_raw("Infinity"), JSON, 422, "Infinity, which is not a JSON number"),
    "minus_Infinity_literal": (_raw("-Infinity"), JSON, 422, "-Infinity, which is not"),
    "non_utf8_value": (_body(Sex="@").replace(b"@", b"\xff\xfe"), JSON, 422, "not UTF-8 text"),
    "utf16_body": (_body().decode().encode("utf-16"), JSON, 422, "not UTF-8 text"),  # was 200
    "lone_surrogate_value": (_raw('"\\ud800"', "Sex"), JSON, 422, "lone UTF-16 surrogate"),  # was 200
    "lone_surrogate_in_a_number_column": (_raw('"\\udfff"'), JSON, 422, "lone UTF-16 surrogate"),
    "lone_surrogate_key": (_body().replace(b'"Sex"', b'"S\\udc00ex"'), JSON, 422, "lone UTF-16 surrogate"),
    "lone_surrogate_top_key": (b'{"records": [{"Age": 3}], "\\ud800": 1}', JSON, 422, "the key '.*' holds a lone"),
    "duplicate_key_in_record": (
        _body().replace(b'"Age": 22.0', b'"Age": 22.0, "Age": 23.0'),
        JSON,
        422,
        "'Age' appears twice",
    ),  # was 200, the last one used
    "duplicate_records_key": (
        b'{"records": [], "records": ' + _body()[len(b'{"records": ') :],
        JSON,
        422,
        "'records' appears twice",
    ),  # was 200
    "content_type_text_plain": (_body(), {"content-type": "text/plain"}, 415, "declared as 'text/plain'"),  # was 200
    "content_type_form": (_body(), {"content-type": "application/x-www-form-urlencoded"}, 415, "declared as"),
    "content_type_multipart": (_body(), {"content-type": "multipart/form-data; boundary=x"}, 415, "declared as"),
    "content_type_xml": (_body(), {"content-type": "application/xml"}, 415, "declared as"),
    "content_type_json_latin1": (_body(), {"content-type": "application/json; charset=latin-1"}, 415, "latin-1"),
    "content_encoding_gzip": (b"\x1f\x8b\x08\x00" + bytes(20), {**JSON, "content-encoding": "gzip"}, 415, "gzip"),
    "empty_body": (b"", JSON, 422, "not valid JSON"),
    "null_body": (b"null", JSON, 422, "valid dictionary"),
    "records_null": (b'{"records": null}', JSON, 422, "valid list"),
    "empty_record": (b'{"records": [{}]}', JSON, 422, "schema"),  # was 200 with no prediction at all
    "trailing_garbage": (_body() + b"xyz", JSON, 422, "not valid JSON"),
    "truncated": (_body()[:-5], JSON, 422, "not valid JSON"),
}
#: Odd but valid bodies, served.
ACCEPTED = {
    "utf8_bom": b"\xef\xbb\xbf" + _body(),
    "int_above_int64": _raw(str(2**64)),
    "float_1e308": _raw("1e308"),
    "float_underflow": _raw("1e-400"),
    "control_characters": _body(Sex="ma\u0000le\u001f"),
    "surrogate_pair": _raw('"\\ud83d\\ude00"', "Name"),
    "unknown_columns": json.dumps({"records": [{**GOOD, **{f"c{i}": i for i in range(2000)}}]}).encode(),
}


@pytest.fixture(scope="module")
def roomy(stored):
    """The server with the default body limit (10 MB), so that big hostile bodies reach the parser."""
    model, metadata = stored
    with _running(create_app(model, metadata, max_rows=MAX_ROWS)) as base:
        yield base


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_body_gets_a_4xx_with_a_json_detail_and_the_connection_stays_usable(roomy, name):
    body, headers, status, detail = HOSTILE[name]
    with httpx.Client(base_url=roomy, timeout=60) as client:  # one keep-alive connection
        answer = client.post("/predict", content=body, headers=headers)
        assert answer.status_code == status, answer.text[:300]
        assert answer.headers["content-type"] == "application/json"
        assert re.search(detail, json.dumps(answer.json()["detail"])), answer.text[:300]
        assert client.get("/health").status_code == 200  # was reset after the 100,000 brackets


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_odd_but_valid_bodies_are_served(roomy, name):
    answer = httpx.post(f"{roomy}/predict", content=ACCEPTED[name], headers=JSON, timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    assert len(answer.json()["predictions"]) == 1


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)
_json_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
_record_lists = st.lists(
    st.dictionaries(st.sampled_from([*GOOD, "", "x", "\u00e9"]) | st.text(max_size=6), _scalars, max_size=12),
    min_size=0,
    max_size=4,
)
#: JSON text (or almost) a hostile client puts where a value goes: huge numbers, deep nesting, non-numbers.
_raw_values = st.one_of(
    st.integers(min_value=-(10**600), max_value=10**600).map(str),
    st.builds("{}e{}".format, st.integers(-9, 9), st.integers(-600, 600)),
    st.sampled_from(
        [
            "NaN",
            "Infinity",
            "-Infinity",
            '"\\ud800"',
            '"x\\udfff"',
            '"\\ud83d\\ude00"',
            "true",
            "null",
            "-0.0",
            "1E5",
            '""',
            "{}",
            "[]",
        ]
    ),
    st.integers(0, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(0, 3000).map(lambda n: "[" * n),
)
_bodies = st.one_of(
    st.binary(max_size=200),
    st.tuples(st.sampled_from(sorted(GOOD)), _raw_values).map(lambda pair: _raw(pair[1], pair[0])),
    _json_values.map(lambda v: json.dumps(v).encode()),
    _record_lists.map(lambda r: json.dumps({"records": r}).encode()),
    st.fixed_dictionaries({}, optional={k: st.just(v) | _scalars for k, v in GOOD.items()}).map(
        lambda r: json.dumps({"records": [r]}).encode()
    ),
    st.text(alphabet='[]{}",:0123456789.eE+-nulltrsfaNIiy\\ud800 ', max_size=60).map(str.encode),
)


def test_generated_bodies_never_get_a_5xx(roomy):
    with httpx.Client(base_url=roomy, timeout=60) as client:

        @settings(
            max_examples=120,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        )
        @given(body=_bodies, content_type=st.sampled_from(["application/json", None, "text/plain"]))
        def check(body, content_type):
            answer = client.post(
                "/predict", content=body, headers={"content-type": content_type} if content_type else {}
            )
            assert answer.status_code < 500, (body[:200], answer.text[:300])
            assert answer.headers["content-type"] == "application/json"
            assert answer.status_code == 200 or "detail" in answer.json()

        check()


# --------------------------------------------------------------------------- keys, switches, docs
def test_an_api_key_is_required_when_set(stored, titanic):
    model, metadata = stored
    records = {"records": _records(titanic[0], 2)}
    with _running(create_app(model, metadata, api_key="k3y-\u00e9")) as base:
        assert httpx.get(f"{base}/health").status_code == 200  # for load balancers, without the key
        for headers in ({}, {"x-api-key": "wrong"}, {"authorization": "Bearer wrong"}, {"authorization": "Basic k3y"}):
            answer = httpx.post(f"{base}/predict", json=records, headers=headers)
            assert answer.status_code == 401 and "API key is required" in answer.json()["detail"]
            assert answer.headers["www-authenticate"] == "Bearer"
            assert httpx.get(f"{base}/metadata", headers=headers).status_code == 401
        bearer = {"authorization": "Bearer k3y-\u00e9".encode()}
        assert httpx.post(f"{base}/predict", json=records, headers=bearer).status_code == 200
        assert (
            httpx.post(f"{base}/predict", json=records, headers={"x-api-key": "k3y-\u00e9".encode()}).status_code == 200
        )
        assert httpx.get(f"{base}/metadata", headers=bearer).json() == metadata
        assert httpx.post(f"{base}/predict", content=b"[" * 1000, headers={}).status_code == 401  # before the body


def test_metadata_and_docs_can_be_switched_off(stored):
    model, metadata = stored
    with _running(create_app(model, metadata, show_metadata=False, docs=False)) as base:
        for path in ("/metadata", "/docs", "/redoc", "/openapi.json"):
            assert httpx.get(f"{base}{path}").status_code == 404, path
        assert httpx.get(f"{base}/health").status_code == 200


def test_the_docs_load_their_scripts_and_styles_from_the_server_itself(server):
    base = server[0]
    for page in ("/docs", "/redoc"):
        html = httpx.get(f"{base}{page}").text
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
        urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        urls += re.findall(r'spec-url="([^"]+)"', html)
        assert len(urls) >= 3, html
        for url in urls:
            assert url.startswith("/"), url
            answer = httpx.get(f"{base}{url}")
            assert answer.status_code == 200 and len(answer.content) > 100, url
    assert httpx.get(f"{base}/docs-assets/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")


# --------------------------------------------------------------------------- the command's options
def _serve(saved, *args, env=None):
    port = _free_port()
    script = pathlib.Path(sys.executable).with_name("automl")
    process = subprocess.Popen(
        [str(script), "serve", str(saved), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    return process, f"http://127.0.0.1:{port}"


def _children(pid: int) -> list[int]:
    found = []
    for status in pathlib.Path("/proc").glob("[0-9]*/status"):
        try:
            if re.search(rf"^PPid:\s+{pid}$", status.read_text(), re.M):
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


def test_several_workers_serve_the_model_with_a_key(saved, titanic, stored):
    model = stored[0]
    features = titanic[0]
    process, base = _serve(saved, "--workers", "2", "--api-key-env", "MY_KEY", "--no-metadata", env={"MY_KEY": "s3"})
    try:
        _wait_for(f"{base}/health", seconds=120)
        assert len(_children(process.pid)) >= 2  # a worker process each (and uvicorn's supervisor)
        with httpx.Client(base_url=base, headers={"x-api-key": "s3"}) as client:
            for start in range(0, 20, 2):
                answer = client.post("/predict", json={"records": _records(features.iloc[start:], 2)})
                assert answer.status_code == 200
                expected = model.predict_proba(features.iloc[start : start + 2])
                assert np.allclose(answer.json()["probabilities"], expected, atol=1e-6)
            assert client.get("/metadata").status_code == 404
        assert httpx.post(f"{base}/predict", json={"records": _records(features, 1)}).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output


def test_a_missing_key_variable_is_a_usage_error(saved):
    process, _ = _serve(saved, "--api-key-env", "AUTOML_TEST_NO_SUCH_VARIABLE")
    output = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 2, output
    assert "AUTOML_TEST_NO_SUCH_VARIABLE" in output and "not set" in output


def test_values_a_float32_model_cannot_take_get_422_not_500(titanic, tmp_path_factory):
    """A random forest computes in float32: 1e39 passes the schema (a float64) but not the model."""
    frame, target = titanic[2], titanic[1]
    model = AutoML(time_budget=8, max_trials=1, families=["random_forest"], seed=0).fit(frame, target=target)
    with _running(create_app(model, {})) as base:
        answer = httpx.post(f"{base}/predict", content=_raw("1e39"), headers=JSON)
        assert answer.status_code == 422 and "detail" in answer.json(), answer.text[:300]
        assert httpx.post(f"{base}/predict", content=_raw("1e30"), headers=JSON).status_code == 200
