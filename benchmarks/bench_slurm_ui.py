"""Slurm panel in Chromium with 100,000 jobs: rows shown after the response, filter keystroke.

Starts a private JupyterLab (a free port, a temp root), then drives Debian's
Chromium with Playwright (ui-tests/node_modules) through bench_slurm_ui.js,
which serves a mocked ``GET hpc/slurm/jobs`` of N rows with ``page.route`` so
the browser side is measured alone (the server side is bench_slurm.py).

    .venv/bin/python benchmarks/bench_slurm_ui.py [rows] [runs]
"""

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

here = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(
    script: str = "bench_slurm_ui.js",
    default_rows: int = 100_000,
    what: str = "jobs",
    filter_label: str = "filter keystroke to rendered",
) -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else default_rows
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    port, token = free_port(), "bench-slurm-ui"
    root = tempfile.mkdtemp(prefix="bench-slurm-ui-")
    argv = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=''", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/lab?reset&token={token}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(1)
        out = subprocess.run(
            ["node", str(here / script), url, str(rows), str(runs)],
            check=False, capture_output=True, text=True, env={**os.environ},
        )  # fmt: skip
        if out.returncode != 0:
            sys.exit(f"browser side failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()[0]
    print(f"machine: {platform.node()} {os.cpu_count()} CPUs, load {load:.1f}, Chromium (headless)")
    print(f"{'measure':<44} {'median':>8} {'max':>8}  runs")
    print(
        f"{'rows shown after the response (' + str(rows) + ' ' + what + ')':<44} "
        f"{result['shown_median_ms']:>6.0f}ms {max(result['shown_ms']):>6.0f}ms  {len(result['shown_ms'])}"
    )
    print(
        f"{filter_label:<44} "
        f"{result['keystroke_median_ms']:>6.0f}ms {result['keystroke_max_ms']:>6.0f}ms  {len(result['keystroke_ms'])}"
    )
    if "scroll_ms" in result:  # benchmarks that also scroll report each step to its next frames
        print(
            f"{'scroll step to rendered (25 steps)':<44} "
            f"{result['scroll_median_ms']:>6.0f}ms {result['scroll_max_ms']:>6.0f}ms  {len(result['scroll_ms'])}"
        )
    print(f"DOM rows rendered for {rows} {what}: {result['dom_rows']}")


if __name__ == "__main__":
    main()
