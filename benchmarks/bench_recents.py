"""Benchmark of ``GET hpc/recents``: 1,000 entries, every one existence-checked.

Starts a real Jupyter server (recents extension only), seeds the store with
1,000 entries (9 in 10 exist on disk, spread over 50 folders), then calls the
API over HTTP. The server-side time is the one the server itself logs for each
request (tornado's ``request_time``, at DEBUG level); the client time adds
HTTP and JSON decoding. Target: under 30 ms server-side for the GET.

    /work/main/.venv/bin/python benchmarks/bench_recents.py [--entries 1000] [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

TOKEN = "bench-recents"
TARGET_MS = 30.0
LOG_LINE = re.compile(r"\b200 (GET|POST|PATCH) /hpc/recents(?:\?\S*)? \(.*\) ([\d.]+)ms")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[float, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"token {TOKEN}")
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local server)
        payload = json.loads(response.read())
    return time.perf_counter() - start, payload


def seed(root: Path, store: Path, count: int) -> None:
    now = time.time()
    entries = []
    for i in range(count):
        folder = root / f"project{i % 50:02d}"
        folder.mkdir(exist_ok=True)
        name = f"analysis-{i:04d}.ipynb"
        if i % 10:
            (folder / name).write_text("{}")
        entries.append(
            {
                "path": f"project{i % 50:02d}/{name}",
                "type": "notebook",
                "factory": "Notebook",
                "last_opened": round(now - i, 3),
                "pinned": i < 5,
            }
        )
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps({"version": 1, "entries": entries}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-recents-") as tmp:
        tmp = Path(tmp)
        root, store = tmp / "root", tmp / "state" / "recents.json"
        root.mkdir()
        seed(root, store, args.entries)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}",
             f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False", "--allow-root",
             "--ServerApp.jpserver_extensions={'jupyterlab_hpc.recents': True}",
             f"--Recents.store_path={store}", f"--Recents.max_entries_limit={args.entries}",
             "--ServerApp.log_level=DEBUG"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        logged: list[tuple[str, float]] = []

        def read_log() -> None:
            for line in server.stderr:
                if match := LOG_LINE.search(line):
                    logged.append((match[1], float(match[2])))

        reader = threading.Thread(target=read_log, daemon=True)
        reader.start()
        base = f"http://127.0.0.1:{port}/hpc/recents"
        try:
            for _ in range(300):
                try:
                    call(f"{base}/status")
                    break
                except OSError:
                    time.sleep(0.1)
            _, first = call(base)
            assert len(first["recents"]) == args.entries, len(first["recents"])
            assert sum(not e["exists"] for e in first["recents"]) == args.entries // 10
            time.sleep(0.5)  # let the reader catch up before counting
            logged.clear()
            get_client = [call(base)[0] for _ in range(args.runs)]
            time.sleep(0.5)
            get_server = [ms for verb, ms in logged if verb == "GET"]
            logged.clear()
            post_client = []
            for i in range(args.runs):
                body = {"path": f"project{i % 50:02d}/analysis-{i:04d}.ipynb", "type": "notebook",
                        "factory": "Notebook", "max_length": args.entries}  # fmt: skip
                seconds, answer = call(base, "POST", body)
                assert len(answer["recents"]) == args.entries
                post_client.append(seconds)
            time.sleep(0.5)
            post_server = [ms for verb, ms in logged if verb == "POST"]
        finally:
            server.terminate()
            server.wait(timeout=30)

    assert len(get_server) == args.runs, f"read {len(get_server)} GET log lines"
    print(f"\nmachine: {machine()}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    print(f"{args.entries} entries ({args.entries // 10} missing on disk), median of {args.runs} runs\n")
    print(f"| {'request':<46} | {'server median':>13} | {'server max':>10} | {'client median':>13} |")
    print(f"|{'-' * 48}|{'-' * 15}|{'-' * 12}|{'-' * 15}|")
    rows = [
        ("GET hpc/recents (list + existence checks)", get_server, get_client),
        ("POST hpc/recents (upsert, write, list + checks)", post_server, post_client),
    ]
    for name, server_ms, client_s in rows:
        print(
            f"| {name:<46} | {statistics.median(server_ms):>10.1f} ms | {max(server_ms):>7.1f} ms "
            f"| {statistics.median(client_s) * 1000:>10.1f} ms |"
        )
    if statistics.median(get_server) > TARGET_MS:
        sys.exit(f"GET median over the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
