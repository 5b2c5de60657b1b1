"""Helpers of the Slurm benchmarks: a real Jupyter server in a child process, HTTP calls, the queue."""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common
from common import median  # noqa: F401  (re-exported for the slurm benchmarks)

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
BENCH_USER = "hpcbench"  # the benchmark's jobs belong to this user, so everyone's "my jobs" stay small


def machine() -> str:
    """The shared machine line, plus the Slurm version the figures were taken on."""
    slurm = subprocess.run(["sinfo", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{platform.node()}: {common.machine()}, {slurm}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``jupyter server`` from a given environment, with a token, on a free port."""

    def __init__(self, jupyter: str, args: list[str], env: dict[str, str] | None = None):
        self.port = free_port()
        self.token = os.urandom(12).hex()
        self.root = tempfile.mkdtemp(prefix="hpc-bench-root-")
        self.log = open(Path(self.root) / "server.log", "w")  # noqa: SIM115
        argv = [
            jupyter,
            "server",
            "--allow-root",
            "--no-browser",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.log_level=WARN",
            *args,
        ]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.time() + 60
        while True:
            try:
                self.get("api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"jupyter server did not start; see {self.log.name}") from None
                time.sleep(0.3)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def request(self, path: str, method: str = "GET", body: object | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url(path), data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=300) as response:  # noqa: S310 (local URL)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str) -> bytes:
        status, body = self.request(path)
        if status >= 400:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return body

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def our_server(*args: str) -> Server:
    return Server(str(VENV_BIN / "jupyter"), list(args))


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def ensure_bench_user() -> None:
    if subprocess.run(["id", BENCH_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", BENCH_USER], check=True)
    # Accounting enforces associations: a user without one cannot submit.
    subprocess.run([REPO / "scripts" / "local-slurm", "accounts", BENCH_USER], check=True, capture_output=True)


def queued(name: str) -> int:
    out = subprocess.run(
        ["squeue", "-h", "-r", "-u", BENCH_USER, "-n", name, "-o", "%i"], capture_output=True, text=True
    )
    return len(out.stdout.split())


def fill_queue(name: str, count: int, workers: int = 4) -> float:
    """Submit individual held jobs (as BENCH_USER) until ``count`` of them are queued; seconds taken."""
    ensure_bench_user()
    missing = count - queued(name)
    if missing <= 0:
        return 0.0
    started = time.time()

    def loop(n: int) -> None:
        # One shell loop per worker: far cheaper than one Python subprocess per job.
        submit = f"sbatch --hold --parsable -J '{name}' -t 1 -o /dev/null --wrap true >/dev/null || sleep 1"
        script = f"for i in $(seq {n}); do {submit}; done"
        subprocess.run(["runuser", "-u", BENCH_USER, "--", "bash", "-c", script], cwd="/tmp", check=False)

    share = [missing // workers + (1 if i < missing % workers else 0) for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(loop, share))
    return time.time() - started


def cancel_queue(name: str) -> None:
    subprocess.run(["scancel", "-u", BENCH_USER, "--name", name], check=False)
    deadline = time.time() + 300
    while queued(name) and time.time() < deadline:
        time.sleep(1)


def print_table(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    sys.stdout.flush()
