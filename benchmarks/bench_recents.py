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
import sys
import tempfile
import time
from pathlib import Path

from common import BenchServer, machine, median

TOKEN = "bench-recents"
TARGET_MS = 30.0
PATH = r"/hpc/recents(?:\?\S*)?"


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
        config = f"c.Recents.store_path = {str(store)!r}\nc.Recents.max_entries_limit = {args.entries!r}\n"
        with BenchServer(root, "jupyterlab_hpc.recents", config, token=TOKEN) as server:
            _, first = server.call("hpc/recents")
            assert len(first["recents"]) == args.entries, len(first["recents"])
            assert sum(not e["exists"] for e in first["recents"]) == args.entries // 10
            server.reset_log()
            get_client = [server.call("hpc/recents")[0] for _ in range(args.runs)]
            get_server = server.logged_ms(f"GET {PATH}")
            server.reset_log()
            post_client = []
            for i in range(args.runs):
                body = {"path": f"project{i % 50:02d}/analysis-{i:04d}.ipynb", "type": "notebook",
                        "factory": "Notebook", "max_length": args.entries}  # fmt: skip
                seconds, answer = server.call("hpc/recents", "POST", body)
                assert len(answer["recents"]) == args.entries
                post_client.append(seconds)
            post_server = server.logged_ms(f"POST {PATH}")

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
            f"| {name:<46} | {median(server_ms):>10.1f} ms | {max(server_ms):>7.1f} ms "
            f"| {median(client_s) * 1000:>10.1f} ms |"
        )
    if median(get_server) > TARGET_MS:
        sys.exit(f"GET median over the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
