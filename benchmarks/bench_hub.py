"""At a center (docs/center.md): login to JupyterLab ready through the local hub, and the
load that open Slurm panels put on slurmctld.

1. Login: hpc-alice posts the hub's login form (PAM) until ``/user/hpc-alice/lab`` answers
   with JupyterLab's page; her server is then stopped through the hub's API and the next
   run starts from scratch. SlurmSpawner (the server is a Slurm job) vs LocalProcessSpawner,
   median of ``--runs``. Uses scripts/hub's "bench" instance (port 8785).
2. slurmctld RPCs: N real single-user servers (the hub's single-user environment with this
   bundle, as hpc-alice, without the hub) each polled like an open Slurm panel
   (``GET hpc/slurm/jobs?scope=mine`` every interval, by a scripted client); the RPCs per
   minute are the delta of ``sdiag`` over a measured window, by message type (all users) and
   by user (only hpc-alice: what the servers cost, whatever else runs on the cluster).

Run as root: ``.venv/bin/python benchmarks/bench_hub.py [--runs 5] [--servers 1,5,20]
[--intervals 30,5] [--window 120]``.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import common
import requests

REPO = Path(__file__).resolve().parents[1]
HUB = REPO / "scripts" / "hub"
PORT = 8785
URL = f"http://127.0.0.1:{PORT}"
USER = "hpc-alice"
SINGLEUSER = Path(os.environ.get("HUB_SINGLEUSER", "/opt/jupyterlab-hpc/singleuser"))


def password(user: str) -> str:
    for line in Path("/var/lib/jupyterlab-hpc/test-users").read_text().splitlines():
        name, _, value = line.partition(" ")
        if name == user:
            return value
    raise KeyError(user)


def hub(command: str, spawner: str = "slurm") -> None:
    env = {**os.environ, "HUB_SPAWNER": spawner, "HUB_PORT": str(PORT)}
    subprocess.run([HUB, command, "bench"], check=True, env=env, capture_output=True)


def xsrf(session: requests.Session, path: str) -> str:
    value = ""
    for cookie in session.cookies:
        if cookie.name == "_xsrf" and path.startswith(cookie.path or "/"):
            value = cookie.value
    return value


def login_once() -> float:
    """Seconds from posting the login form to JupyterLab's page; the server is stopped after."""
    session = requests.Session()
    page = session.get(f"{URL}/hub/login", timeout=30)
    token = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    start = time.perf_counter()
    session.post(f"{URL}/hub/login", data={"username": USER, "password": password(USER), "_xsrf": token}, timeout=120)
    lab = f"{URL}/user/{USER}/lab"
    while True:
        page = session.get(lab, timeout=60)
        if page.status_code == 200 and page.url.startswith(lab) and "jupyter-config-data" in page.text:
            break
        if time.perf_counter() - start > 300:
            raise RuntimeError("JupyterLab did not come up in 300 s")
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    headers = {"X-XSRFToken": xsrf(session, "/hub/")}
    session.delete(f"{URL}/hub/api/users/{USER}/server", headers=headers, timeout=120)
    while True:  # until the hub has the server stopped (202 while stopping)
        info = session.get(f"{URL}/hub/api/users/{USER}", headers=headers, timeout=30).json()
        if not info.get("servers"):
            break
        time.sleep(0.2)
    return elapsed


def bench_login(runs: int) -> list[tuple[str, list[float]]]:
    results = []
    for spawner, label in (("slurm", "SlurmSpawner"), ("local", "LocalProcessSpawner")):
        hub("start", spawner)
        try:
            login_once()  # warm-up: first import of the environment, page caches
            times = [login_once() for _ in range(runs)]
        finally:
            hub("stop", spawner)
        results.append((label, times))
        print(f"{label}: " + ", ".join(f"{t:.2f} s" for t in times), flush=True)
    return results


# ---------------------------------------------------------------- slurmctld load


def sdiag() -> tuple[dict[str, int], dict[str, int]]:
    """RPC counts by message type and by user since slurmctld started (or sdiag -r); the
    start of the counting period under the key "" of the first dict."""
    for _ in range(60):  # a controller outage (another test's) ends within a minute
        done = subprocess.run(["sdiag"], capture_output=True, text=True)
        if done.returncode == 0:
            break
        time.sleep(2)
    done.check_returncode()
    out = done.stdout
    by_type: dict[str, int] = {}
    since = re.search(r"Data since\s+(.*)", out)
    by_type[""] = hash(since.group(1).strip()) if since else 0
    by_user: dict[str, int] = {}
    section = None
    for line in out.splitlines():
        if line.startswith("Remote Procedure Call statistics by message type"):
            section = by_type
        elif line.startswith("Remote Procedure Call statistics by user"):
            section = by_user
        elif line.startswith("Pending RPC"):
            section = None
        elif section is not None:
            match = re.match(r"\s*(\S+)\s+\(\s*\d+\)\s+count:(\d+)", line)
            if match:
                section[match.group(1)] = int(match.group(2))
    return by_type, by_user


class Servers:
    """N ``jupyter server`` processes of the single-user environment, run as USER."""

    def __init__(self, count: int):
        self.count = count
        self.token = secrets.token_hex(16)
        self.ports = [common.free_port() for _ in range(count)]
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Servers:
        slurm_conf = os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")
        for port in self.ports:
            argv = [
                "runuser", "-u", USER, "--", "env", f"SLURM_CONF={slurm_conf}", f"HOME=/home/{USER}",
                f"PATH={SINGLEUSER}/bin:/usr/bin:/bin", f"{SINGLEUSER}/bin/jupyter", "server", "--no-browser",
                f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={self.token}",
            ]  # fmt: skip
            self.procs.append(
                subprocess.Popen(argv, cwd=f"/home/{USER}", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
        for port in self.ports:
            deadline = time.monotonic() + 180
            while True:
                try:
                    self.get(port, "hpc/slurm/status")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
        return self

    def get(self, port: int, path: str) -> bytes:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def poll_window(servers: Servers, interval: float, window: float) -> tuple[dict[str, int], int, int]:
    """``measure_window``, again when slurmctld restarted meanwhile (a shared cluster's outage
    tests do that; its counters start from zero then)."""
    for _ in range(3):
        result = measure_window(servers, interval, window)
        if result is not None:
            return result
        print("slurmctld restarted during the window; measuring again", flush=True)
    raise RuntimeError("slurmctld kept restarting")


def measure_window(servers: Servers, interval: float, window: float) -> tuple[dict[str, int], int, int] | None:
    """Each server polled every ``interval`` s (staggered, like panels opened at different
    moments) for ``window`` s; the sdiag deltas and the number of polls."""
    stop = threading.Event()
    polls = [0]
    lock = threading.Lock()

    def panel(port: int, offset: float) -> None:
        if stop.wait(offset):
            return
        while not stop.is_set():
            try:
                servers.get(port, "hpc/slurm/jobs?scope=mine")
                with lock:
                    polls[0] += 1
            except OSError:
                pass
            stop.wait(interval)

    before_type, before_user = sdiag()
    threads = [
        threading.Thread(target=panel, args=(port, interval * i / servers.count), daemon=True)
        for i, port in enumerate(servers.ports)
    ]
    for thread in threads:
        thread.start()
    time.sleep(window)
    stop.set()
    after_type, after_user = sdiag()
    for thread in threads:
        thread.join(timeout=60)
    if after_type.pop("") != before_type.pop(""):
        return None
    delta = {k: v - before_type.get(k, 0) for k, v in after_type.items() if v - before_type.get(k, 0) > 0}
    user_delta = after_user.get(USER, 0) - before_user.get(USER, 0)
    return delta, user_delta, polls[0]


def bench_load(counts: list[int], intervals: list[float], window: float) -> list[tuple]:
    rows = []
    for count in counts:
        with Servers(count) as servers:
            time.sleep(5)  # start-up requests settle
            for interval in intervals:
                delta, user_rpcs, polls = poll_window(servers, interval, window)
                per_min = 60.0 / window
                # What squeue asks (and what others on a shared cluster ask meanwhile).
                queue = {k: v for k, v in delta.items() if re.match(r"REQUEST_(JOB|FED|PARTITION|NODE)", k)}
                rows.append((count, interval, polls * per_min, user_rpcs * per_min, queue, per_min))
                print(
                    f"{count} servers, every {interval:g} s: {polls * per_min:.0f} polls/min, "
                    f"{USER}'s RPCs {user_rpcs * per_min:.0f}/min, queue RPCs (all users) "
                    + ", ".join(f"{k} {v * per_min:.0f}/min" for k, v in sorted(queue.items())),
                    flush=True,
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--servers", default="1,5,20")
    parser.add_argument("--intervals", default="30,5")
    parser.add_argument("--window", type=float, default=120.0)
    parser.add_argument("--skip-login", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    print(common.machine(), f"load average {os.getloadavg()[0]:.2f}", flush=True)
    if not args.skip_login:
        results = bench_login(args.runs)
        print(f"\n| login to JupyterLab ready (`/user/{USER}/lab` answers) | median | min | max |")
        print("| --- | --- | --- | --- |")
        for label, times in results:
            print(f"| {label} | {common.median(times):.2f} s | {min(times):.2f} s | {max(times):.2f} s |")
    if not args.skip_load:
        hub("install")
        rows = bench_load(
            [int(n) for n in args.servers.split(",")], [float(i) for i in args.intervals.split(",")], args.window
        )
        print(f"\n| servers | panel interval | polls/min | RPCs/min of {USER} | queue RPCs/min (all users) |")
        print("| --- | --- | --- | --- | --- |")
        for count, interval, polls, user_rpcs, queue, _ in rows:
            kinds = ", ".join(f"{k} {v * 60.0 / args.window:.0f}" for k, v in sorted(queue.items())) or "none"
            print(f"| {count} | {interval:g} s | {polls:.0f} | {user_rpcs:.0f} | {kinds} |")


if __name__ == "__main__":
    main()
