"""Shared benchmark helpers: a real server process on a demo database, and latency percentiles."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(app: str, env: dict[str, str], factory: bool = False):
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        args.append("--factory")
    proc = subprocess.Popen(
        args,
        env={**os.environ, **env},
        cwd=ROOT / "benchmarks",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            httpx.get(url + "/", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def demo_database(employees: int = 2000, years: int = 5, seed: int = 7):
    """A fresh SQLite file with demo data (built once per run; removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="workforce-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = {"DATABASE_URL": url, "WORKFORCE_SECRET_KEY": "bench-secret"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "workforce.cli",
            "demo-data",
            "--employees",
            str(employees),
            "--years",
            str(years),
            "--seed",
            str(seed),
        ],
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield env
    finally:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()


def signed_in_client(url: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/login").text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": username, "password": password, "_csrf_token": token})
    assert r.status_code in (200, 303), r.status_code
    return client


def timings(client: httpx.Client, path: str, n: int, warmup: int = 10) -> dict[str, float]:
    for _ in range(warmup):
        client.get(path)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1]}
