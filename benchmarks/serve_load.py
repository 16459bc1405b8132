"""A loopback load test of ``automl serve``: requests/s and p50/p99 latency for one record per
request, with 1 and N server processes (``--workers``).

Each run starts ``automl serve MODEL --workers N`` on a free loopback port, warms it up, then
``--concurrency`` client threads (each an httpx client on one keep-alive connection) send
one-record ``POST /predict`` requests until ``--requests`` are done or ``--seconds`` have passed,
whichever comes first. Every answer must be a 200. The client runs on the same machine, so it
takes some of the cores it measures; on two cores, the figures are a lower bound for N > 1.

    python benchmarks/serve_load.py                                  # fits a 20 s Titanic model first
    python benchmarks/serve_load.py --model titanic-model --workers 1 2 --requests 2000 --concurrency 4
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
TITANIC = REPO / "tests" / "data" / "titanic.csv.gz"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fit_model(out: Path, budget: float) -> Path:
    """A package fitted on the Titanic test data (what docs/deployment.md measured)."""
    from automl_core import AutoML

    frame = pd.read_csv(TITANIC)
    AutoML(time_budget=budget, seed=0).fit(frame, target="Survived").save(out, overwrite=True)
    return out


def records(model: Path) -> list[dict]:
    """One-record bodies from the reference sample the package keeps."""
    frame = (
        pd.read_parquet(model / "reference.parquet")
        if (model / "reference.parquet").exists()
        else pd.read_csv(model / "reference.csv")
    )
    return [{"records": [row]} for row in json.loads(frame.head(200).to_json(orient="records"))]


def start_server(model: Path, workers: int, port: int) -> subprocess.Popen:
    automl = Path(sys.executable).with_name("automl")
    process = subprocess.Popen(
        [str(automl), "serve", str(model), "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"automl serve --workers {workers} did not answer within 180 s")


def load(base: str, bodies: list[dict], requests: int, seconds: float, concurrency: int) -> dict:
    """Send one-record requests from ``concurrency`` threads; latencies in seconds, and the count of non-200s."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    stop = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in counter:  # shared iterator: the threads take the next request number in turn
                if time.monotonic() > stop:
                    return
                start = time.perf_counter()
                status = http.post("/predict", json=bodies[i % len(bodies)]).status_code
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    failures[0] += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000
    return {
        "requests": len(latencies),
        "failures": failures[0],
        "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
    }


def run(model: Path, workers: int, requests: int, seconds: float, concurrency: int) -> dict:
    port = _free_port()
    process = start_server(model, workers, port)
    base = f"http://127.0.0.1:{port}"
    try:
        bodies = records(model)
        load(base, bodies, 50, 30, concurrency)  # warm-up: every worker imports and predicts once
        result = load(base, bodies, requests, seconds, concurrency)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    return {"workers": workers, "concurrency": concurrency, **result}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a model package (default: fit one on the Titanic test data)")
    parser.add_argument("--fit-budget", type=float, default=20.0, help="seconds for that fit")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--requests", type=int, default=2000, help="most requests per run")
    parser.add_argument("--seconds", type=float, default=60.0, help="most seconds per run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        model = args.model or fit_model(Path(scratch) / "model", args.fit_budget)
        print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
        rows = [run(model, n, args.requests, args.seconds, args.concurrency) for n in args.workers]
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("| workers | clients | requests | requests/s | p50 ms | p99 ms | non-200 |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['workers']} | {row['concurrency']} | {row['requests']} | {row['requests_per_s']} | "
            f"{row['p50_ms']} | {row['p99_ms']} | {row['failures']} |"
        )
    return rows


if __name__ == "__main__":
    main()
