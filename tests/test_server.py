"""The REST server, running for real on loopback and called over HTTP."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest

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


@pytest.fixture(scope="module")
def server(saved):
    """A uvicorn server in a thread serving the package; yields (base url, model, metadata)."""
    stored = package.read_package(saved)
    model, metadata = AutoML.from_fitted(stored.params, stored.learned), stored.metadata
    app = create_app(model, metadata, max_rows=MAX_ROWS, max_body_bytes=MAX_BODY)
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/health")
    yield base, model, metadata
    instance.should_exit = True
    thread.join(timeout=10)


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


@pytest.mark.parametrize("body", [
    b"{not json",
    b"\xff\xfe",
    b'{"rows": [{"Age": 3}]}',
    b'{"records": {"Age": 3}}',
    b'{"records": []}',
    b'{"records": [1, 2]}',
    b"[]",
    b'{"records": [{"Age": [1, 2]}]}',  # a value that is not a scalar: was a 500
    b'{"records": [{"Age": {"years": 3}}]}',
])
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
    process = subprocess.Popen([str(script), "serve", str(saved), "--port", str(port), "--max-rows", "5"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
    try:
        _wait_for(f"http://127.0.0.1:{port}/health")
        answer = httpx.post(f"http://127.0.0.1:{port}/predict", json={"records": _records(titanic[0], 2)})
        assert answer.status_code == 200 and len(answer.json()["predictions"]) == 2
        assert httpx.post(f"http://127.0.0.1:{port}/predict", json={"records": _records(titanic[0], 6)}).status_code == 413
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
