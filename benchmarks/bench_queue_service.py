"""The queue service (issue 15, docs/queue-service.md): slurmctld load, bytes per refresh, the panel.

1. ``load``: slurmctld's RPCs while N users' servers are polled like open Slurm panels
   (``GET hpc/slurm/jobs?scope=mine&since=<v>&format=columns`` every ``--interval`` s,
   staggered), counted from ``sdiag`` by user over ``--window`` s, ``--runs`` times:
   N real ``jupyter server`` processes as ``hpcbench-own`` reading the queue with their own
   ``squeue`` (today) and, at the same time, N as ``hpcbench-svc`` reading through the queue
   service (``python -m jupyterlab_hpc.slurm.service``, run as ``hpcbench`` with its
   defaults; JupyterHub's token check answered by a stand-in for ``GET /hub/api/user``).
   Three users, so sdiag's counts by user separate the two set-ups and the other
   engineers' work on the shared cluster. sdiag is read before and after each window
   (no ``sdiag -r``: other benchmarks on the shared cluster read the same counters).
2. ``bytes``: the answers of a 100,000-job queue where 1 % of the jobs change between two
   refreshes. The one-node cluster cannot hold 100,000 jobs together with the other
   engineers' work, so ``squeue`` is a script printing a synthetic queue in the exact
   format our ``squeue`` call produces, built from real records (recorded from Slurm 22.05,
   python/tests/slurm_recorded/squeue-22.05-array.txt) with other ids, users, names and
   paths; the server parses it through its real code path (``c.Slurm.commands``).
   jupyterlab-slurm 4.1.0 (``--old-venv``; ``pip install jupyterlab-slurm==4.1.0``) gets
   the same jobs in its own ``squeue -o`` format.
3. ``service``: the queue service itself reading that queue (``c.Slurm.commands`` again):
   the duration of a read after 1 % changed, and its resident memory.
4. ``panel``: the Slurm panel in Chromium (bench_queue_service_ui.js, Playwright) fed the
   real server's answers of part 2: first rows after the first response, a delta applied,
   a filter keystroke.

    .venv/bin/python benchmarks/bench_queue_service.py [--parts load,bytes,service,panel] [--users 1,5,20,50]
        [--interval 30] [--window 60] [--runs 3] [--jobs 100000] [--su-env /tmp/queue-bench-su]

Run as root on the machine of the local cluster (LOCAL_SLURM_DIR). The servers of part 1
run as other users, so they need a Python environment those users can read
(``--su-env``: a venv from /usr/bin/python3 with jupyter_server and jupyterhub, made when
missing; this checkout's python/ is put on PYTHONPATH). Without ``--old-venv`` the
jupyterlab-slurm row is left out (``python3 -m venv /tmp/oldslurm-venv &&
/tmp/oldslurm-venv/bin/pip install jupyterlab-slurm==4.1.0``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import common
from slurm_bench_common import REPO, Server, ensure_bench_user, machine, median, our_server, print_table

sys.path.insert(0, str(REPO / "python"))
from jupyterlab_hpc.slurm.parse import SEP  # noqa: E402

SCOPE = "access:services!service=hpc-queue"
# Users of this benchmark only: the test suites of the shared cluster run as hpc-alice and
# hpc-bob, and their RPCs would count as the servers'.
BASELINE_USER, SERVICE_USER, SERVICE_RUNS_AS = "hpcbench-own", "hpcbench-svc", "hpcbench"
HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- part 1: slurmctld load


def sdiag() -> tuple[str, dict[str, int], dict[str, int]]:
    """sdiag's counting start ("Data since") and its RPC counts by message type and by user."""
    for _ in range(60):  # another engineer's outage test ends within a minute
        done = subprocess.run(["sdiag"], capture_output=True, text=True)
        if done.returncode == 0:
            break
        time.sleep(2)
    done.check_returncode()
    since = re.search(r"Data since\s+(.*)", done.stdout)
    by_type: dict[str, int] = {}
    by_user: dict[str, int] = {}
    section = None
    for line in done.stdout.splitlines():
        if line.startswith("Remote Procedure Call statistics by message type"):
            section = by_type
        elif line.startswith("Remote Procedure Call statistics by user"):
            section = by_user
        elif line.startswith("Pending RPC"):
            section = None
        elif section is not None and (match := re.match(r"\s*(\S+)\s+\(\s*\d+\)\s+count:(\d+)", line)):
            section[match.group(1)] = int(match.group(2))
    return (since.group(1).strip() if since else ""), by_type, by_user


class StandInHub:
    """JupyterHub's ``GET /hub/api/user`` for the servers' tokens (what HubAuth asks)."""

    def __init__(self, tokens: dict[str, dict]):
        tokens_ = tokens

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                token = self.headers.get("Authorization", "").partition(" ")[2]
                model = tokens_.get(token) if self.path.startswith("/hub/api/user") else None
                body = json.dumps(model or {"status": 403, "message": "Missing or invalid credentials."}).encode()
                self.send_response(200 if model else 403)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = common.free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/hub/api"

    def close(self) -> None:
        self.httpd.shutdown()


def as_user(user: str, env: dict[str, str], argv: list[str], log: Path) -> subprocess.Popen:
    settings = [f"{k}={v}" for k, v in env.items()]
    with open(log, "w") as out:
        return subprocess.Popen(
            ["runuser", "-u", user, "--", "env", *settings, *argv],
            cwd="/tmp", stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def ensure_user(user: str) -> Path:
    """A local user for the benchmark (no login) and its home under /tmp."""
    if subprocess.run(["id", user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", user], check=True)
    home = Path(f"/tmp/queue-bench-home-{user}")
    home.mkdir(exist_ok=True)
    shutil.chown(home, user)
    return home


def base_env(su_env: Path, user: str) -> dict[str, str]:
    return {
        "HOME": str(ensure_user(user)),
        "PATH": f"{su_env}/bin:/usr/bin:/bin",
        "PYTHONPATH": str(REPO / "python"),
        "SLURM_CONF": os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf"),
        "JUPYTER_RUNTIME_DIR": f"/tmp/queue-bench-runtime-{user}",
    }


class QueueServiceProcess:
    """``python -m jupyterlab_hpc.slurm.service`` with its default timing, as SERVICE_RUNS_AS."""

    def __init__(self, su_env: Path, hub: StandInHub, folder: Path):
        self.port = unique_port()
        self.url = f"http://127.0.0.1:{self.port}/services/hpc-queue/"
        config = folder / "queue_config.py"
        config.write_text(
            f"c.QueueService.url = 'http://127.0.0.1:{self.port}'\n"
            "c.QueueService.prefix = '/services/hpc-queue/'\n"
            f"c.HubAuth.api_url = '{hub.url}'\n"
            "c.HubAuth.api_token = 'bench-service-token'\n"
            f"c.HubAuth.access_scopes = {{'{SCOPE}'}}\n"
        )
        config.chmod(0o644)
        argv = [f"{su_env}/bin/python", "-m", "jupyterlab_hpc.slurm.service", f"--config={config}"]
        self.proc = as_user(SERVICE_RUNS_AS, base_env(su_env, SERVICE_RUNS_AS), argv, folder / "service.log")
        self.status()  # waits until it answers

    def status(self) -> dict:
        deadline = time.monotonic() + 60
        while True:
            request = urllib.request.Request(self.url + "status", headers={"Authorization": "token status-token"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
                    return json.loads(response.read())
            except (OSError, ValueError):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


_PORTS: set[int] = set()


def unique_port() -> int:
    """A free port not handed out before in this run (free_port alone may repeat one)."""
    while (port := common.free_port()) in _PORTS:
        pass
    _PORTS.add(port)
    return port


class UserServers:
    """``count`` real single-user servers (jupyter server with jupyterlab_hpc.slurm) as ``user``."""

    def __init__(self, user: str, count: int, su_env: Path, folder: Path, service: QueueServiceProcess | None):
        self.user, self.token = user, os.urandom(12).hex()
        self.ports = [unique_port() for _ in range(count)]
        self.procs = []
        for i, port in enumerate(self.ports):
            env = base_env(su_env, user)
            if service is not None:  # what the hub's config gives each server (docs/queue-service.md)
                env["JUPYTERLAB_HPC_QUEUE_SERVICE_URL"] = service.url
                env["JUPYTERHUB_API_TOKEN"] = f"{user}-server-{i}"
            argv = [
                f"{su_env}/bin/python", "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={env['HOME']}",
                "--ServerApp.jpserver_extensions={'jupyterlab_hpc.slurm': True}", "--ServerApp.log_level=WARN",
                "--ServerApp.port_retries=0",  # never another server's port (its token differs: 403)
            ]  # fmt: skip
            self.procs.append(as_user(user, env, argv, folder / f"{user}-{i}.log"))

    def wait_ready(self) -> None:
        for port, proc in zip(self.ports, self.procs, strict=True):
            deadline = time.monotonic() + 300
            while True:
                try:
                    self.get(port, "hpc/slurm/status")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"the server of {self.user} on port {port} did not start") from None
                    time.sleep(0.5)

    def get(self, port: int, path: str) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/{path}", headers={"Authorization": f"token {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (local)
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # 503/504 carry the table as last read
            return json.loads(error.read() or b"{}")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


class Panels:
    """One scripted open panel per server: its delta request every ``interval`` s, staggered."""

    def __init__(self, servers: UserServers, interval: float):
        self.servers, self.interval = servers, interval
        self.versions = dict.fromkeys(servers.ports, 0)
        self.polls = 0
        self.sources: dict[str, int] = {}
        self.lock = threading.Lock()

    def poll(self, port: int) -> None:
        answer = self.servers.get(port, f"hpc/slurm/jobs?scope=mine&since={self.versions[port]}&format=columns")
        with self.lock:
            self.polls += 1
            source = "stale" if answer.get("stale") else answer.get("source", "error")
            self.sources[source] = self.sources.get(source, 0) + 1
        self.versions[port] = answer.get("version", 0)

    def run(self, stop: threading.Event) -> list[threading.Thread]:
        count = len(self.servers.ports)

        def panel(port: int, offset: float) -> None:
            if stop.wait(offset):
                return
            while not stop.is_set():
                try:
                    self.poll(port)
                except OSError:
                    pass
                stop.wait(self.interval)

        threads = [
            threading.Thread(target=panel, args=(port, self.interval * i / count), daemon=True)
            for i, port in enumerate(self.servers.ports)
        ]
        for thread in threads:
            thread.start()
        return threads


def window(groups: list[Panels], service: QueueServiceProcess, seconds: float) -> dict | None:
    """One measured window; None if slurmctld restarted meanwhile (its counters start again)."""
    stop = threading.Event()
    since, types0, users0 = sdiag()
    runs0 = service.status()["squeue_runs"]
    for group in groups:
        group.polls, group.sources = 0, {}
    threads = [thread for group in groups for thread in group.run(stop)]
    time.sleep(seconds)
    stop.set()
    since_after, types1, users1 = sdiag()
    runs1 = service.status()["squeue_runs"]
    for thread in threads:
        thread.join(timeout=120)
    if since_after != since:
        return None
    if any(set(group.sources) - {"squeue", "service"} for group in groups):
        return None  # slurmctld did not answer meanwhile (another engineer's outage test)
    per_min = 60.0 / seconds
    users = (BASELINE_USER, SERVICE_USER, SERVICE_RUNS_AS)
    return {
        "users": {u: (users1.get(u, 0) - users0.get(u, 0)) * per_min for u in users},
        "types": {k: (v - types0.get(k, 0)) * per_min for k, v in types1.items() if v - types0.get(k, 0) > 0},
        "polls": [group.polls * per_min for group in groups],
        "sources": [dict(group.sources) for group in groups],
        "squeue_runs": (runs1 - runs0) * per_min,
    }  # fmt: skip


SU_PACKAGES = ["jupyter_server", "jupyterlab>=4.2,<5", "nbformat", "papermill", "jupyterhub>=4"]


def ensure_su_env(su_env: Path) -> None:
    """A virtual environment the servers' users can read (this one lives under /root): made
    from /usr/bin/python3 with this package's dependencies (PyPI) when missing."""
    if (su_env / "bin" / "jupyter-server").exists():
        return
    print(f"creating {su_env} (pip install {' '.join(SU_PACKAGES)})", flush=True)
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(su_env)], check=True)
    subprocess.run([str(su_env / "bin" / "pip"), "install", "-q", *SU_PACKAGES], check=True)


def bench_load(args) -> None:
    su_env = Path(args.su_env)
    ensure_su_env(su_env)
    ensure_bench_user()
    folder = Path(tempfile.mkdtemp(prefix="queue-bench-load-"))
    folder.chmod(0o755)
    counts = [int(n) for n in args.users.split(",")]
    tokens = {"status-token": {"kind": "user", "name": SERVICE_USER, "scopes": [SCOPE]}}
    for i in range(max(counts)):
        tokens[f"{SERVICE_USER}-server-{i}"] = {"kind": "user", "name": SERVICE_USER, "scopes": [SCOPE]}
    hub = StandInHub(tokens)
    service = QueueServiceProcess(su_env, hub, folder)
    rows = []
    try:
        for count in counts:
            baseline = UserServers(BASELINE_USER, count, su_env, folder, None)
            through = UserServers(SERVICE_USER, count, su_env, folder, service)
            try:
                baseline.wait_ready()
                through.wait_ready()
                groups = [Panels(baseline, args.interval), Panels(through, args.interval)]
                for group in groups:  # the panels' first (full) answers, before the windows
                    for port in group.servers.ports:
                        group.poll(port)
                time.sleep(5)
                results, retries = [], 0
                while len(results) < args.runs:
                    result = window(groups, service, args.window)
                    if result is None and retries >= 2 * args.runs:
                        sys.exit("slurmctld kept failing during the windows")
                    if result is None:
                        retries += 1
                        print("slurmctld restarted or failed during the window; measuring again", flush=True)
                        continue
                    results.append(result)
                    print(f"{count} users: {json.dumps(result)}", flush=True)
                rows.append((count, results))
            finally:
                baseline.stop()
                through.stop()
    finally:
        service.stop()
        hub.close()
    print(f"\nlogs in {folder}")
    table = []
    for count, results in rows:

        def med(key: str, sub: str, results: list[dict] = results) -> float:
            return median([r[key][sub] for r in results])

        served = sum(r["sources"][1].get("service", 0) for r in results)
        answers = sum(sum(r["sources"][1].values()) for r in results)
        table.append((
            str(count), f"{median([r['polls'][0] for r in results]):.0f}", f"{med('users', BASELINE_USER):.0f}",
            f"{med('users', SERVICE_RUNS_AS):.0f} (+{med('users', SERVICE_USER):.0f} from the servers)",
            f"{median([r['squeue_runs'] for r in results]):.1f}", f"{served}/{answers}",
        ))  # fmt: skip
    print_table(
        f"slurmctld RPCs/min, panels polling every {args.interval:g} s, median of {args.runs} windows of "
        f"{args.window:g} s",
        table,
        ("users' servers", "polls/min (each set-up)", f"RPCs/min without the service ({BASELINE_USER})",
         f"RPCs/min with the service ({SERVICE_RUNS_AS})", "service's squeue/min", "answers from the service"),
    )  # fmt: skip


# ---------------------------------------------------------------- part 2: bytes per refresh

RECORDED = REPO / "python" / "tests" / "slurm_recorded" / "squeue-22.05-array.txt"
OLD_FORMAT = "%.18i %.9P %j %.20u %.2t %.15M %.6D %R"  # jupyterlab-slurm 4.1.0's squeue -o
FIELDS = [
    "id", "array_job_id", "array_task_id", "user", "account", "partition", "qos", "state", "reason", "time_used",
    "time_limit", "nodes", "nodelist", "submit", "start", "work_dir", "stdout", "stderr", "name",
]  # fmt: skip
COMPACT = {"PENDING": "PD", "RUNNING": "R", "COMPLETING": "CG"}


def templates() -> dict[str, list[str]]:
    """Real squeue records (our -O format), one per state, as lists of field values."""
    found: dict[str, list[str]] = {}
    for line in RECORDED.read_text().splitlines():
        values = line.split(SEP)[:-1]
        if len(values) == len(FIELDS):
            found.setdefault(values[FIELDS.index("state")], values)
    return found


def clock(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours or days else f"{minutes}:{secs:02d}"
    return f"{days}-{hours:02d}:{minutes:02d}:{secs:02d}" if days else text


class SyntheticQueue:
    """``jobs`` jobs in the records' format: 10 % array tasks, about a quarter running,
    400 users, 60 accounts; ``step`` changes ``change`` of them (pending jobs start,
    running ones end, new ones arrive) and, with ``clock``, advances every running job's
    TimeUsed by ``elapsed`` s as Slurm does."""

    def __init__(self, jobs: int, seed: int = 15):
        self.rng = random.Random(seed)
        self.template = templates()
        self.now = 1795790000
        self.next_id = 4_000_000
        self.jobs: dict[str, dict] = {}
        while len(self.jobs) < jobs:
            self.submit(running=self.rng.random() < 0.25)

    def submit(self, running: bool = False) -> None:
        rng = self.rng
        user = f"user{rng.randrange(400):03d}"
        first = self.next_id
        tasks = rng.randrange(2, 20) if rng.random() < 0.01 else 0  # 1 % of submissions are arrays
        self.next_id += 1 + tasks
        kind = rng.choice(["train", "sim", "post", "mesh", "fit", "md-run", "cfd"])
        common_ = {
            "user": user,
            "account": f"proj{rng.randrange(60):02d}",
            "partition": rng.choice(["debug", "long", "long", "long", "gpu"]),
            "time_limit": rng.choice([3600, 14400, 86400, 172800]),
            "work_dir": f"/home/{user}/{kind}/case{rng.randrange(30)}",
            "name": f"{kind}-{rng.randrange(1000)}",
            "submit": self.now - rng.randrange(86400),
        }
        for task in range(tasks) if tasks else [None]:
            job_id = f"{first}_{task}" if task is not None else str(first)
            job = dict(common_, id=job_id, array_job_id=str(first), array_task_id=task, state="PENDING",
                       reason=rng.choice(["Priority", "Priority", "Resources", "JobHeldUser", "Dependency"]),
                       time_used=0, nodelist="", start=None, nodes=rng.choice([1, 1, 1, 2, 4]))  # fmt: skip
            if running:
                self.start(job)
                job["time_used"] = rng.randrange(1, 80000)
            self.jobs[job_id] = job

    def start(self, job: dict) -> None:
        job.update(state="RUNNING", reason="None", start=self.now, time_used=0,
                   nodelist=f"n{self.rng.randrange(1, 900):04d}" if job["nodes"] == 1 else
                   f"n[{(a := self.rng.randrange(1, 800)):04d}-{a + job['nodes'] - 1:04d}]")  # fmt: skip

    def step(self, change: float, elapsed: int, advance_clock: bool) -> None:
        rng = self.rng
        self.now += elapsed
        count = int(len(self.jobs) * change)
        pending = [job for job in self.jobs.values() if job["state"] == "PENDING"]
        running = [job for job in self.jobs.values() if job["state"] == "RUNNING"]
        for job in rng.sample(pending, count * 4 // 10):  # 40 % of the changes: jobs start
            self.start(job)
        for job in rng.sample(running, count * 3 // 10):  # 30 %: jobs end (leave the queue)
            del self.jobs[job["id"]]
        target = len(self.jobs) + count * 3 // 10
        while len(self.jobs) < target:  # 30 %: new jobs arrive
            self.submit()
        if advance_clock:
            for job in self.jobs.values():
                if job["state"] == "RUNNING":
                    job["time_used"] += elapsed

    def ours(self) -> str:
        """What ``squeue --noheader --array -O <SQUEUE_FORMAT>`` prints (SLURM_TIME_FORMAT=%s)."""
        lines = []
        for job in self.jobs.values():
            values = list(self.template[job["state"]])
            task = job["array_task_id"]
            out = f"{job['work_dir']}/slurm-{job['id']}.out"
            values[:9] = [job["id"], job["array_job_id"], "N/A" if task is None else str(task), job["user"],
                          job["account"], job["partition"], values[6], job["state"], job["reason"]]  # fmt: skip
            values[9:] = [clock(job["time_used"]), clock(job["time_limit"]), str(job["nodes"]), job["nodelist"],
                          str(job["submit"]), "N/A" if job["start"] is None else str(job["start"]), job["work_dir"],
                          out, out, job["name"]]  # fmt: skip
            lines.append(SEP.join(values) + SEP + "\n")
        return "".join(lines)

    def old(self) -> str:
        """The same jobs as ``squeue -o "%.18i %.9P %j %.20u %.2t %.15M %.6D %R" -h`` prints them."""
        lines = []
        for job in self.jobs.values():
            where = job["nodelist"] if job["state"] == "RUNNING" else f"({job['reason']})"
            lines.append(
                f"{job['id'][:18]:>18} {job['partition'][:9]:>9} {job['name']} {job['user'][:20]:>20} "
                f"{COMPACT[job['state']]:>2} {clock(job['time_used'])[:15]:>15} {job['nodes']:>6} {where}\n"
            )
        return "".join(lines)


def printing(folder: Path, name: str) -> tuple[str, Path]:
    """A ``squeue`` stand-in printing the file named in ``<name>.current`` (args ignored)."""
    pointer = folder / f"{name}.current"
    script = folder / f"{name}-squeue"
    script.write_text(f'#!/bin/sh\nexec cat "$(cat {pointer})"\n')
    script.chmod(0o755)
    return str(script), pointer


def fetch(server: Server, path: str, accept_gzip: bool) -> tuple[float, bytes, bool]:
    """Seconds, the bytes as sent, and whether they were gzipped."""
    request = urllib.request.Request(server.url(path))
    request.add_header("Authorization", f"token {server.token}")
    if accept_gzip:
        request.add_header("Accept-Encoding", "gzip")
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 (local)
        body = response.read()
        zipped = response.headers.get("Content-Encoding") == "gzip"
    return time.perf_counter() - start, body, zipped


def size(body: bytes, zipped: bool = False) -> tuple[int, int]:
    """Raw and gzipped (level 1, the servers' compress_level) sizes."""
    raw = gzip.decompress(body) if zipped else body
    return len(raw), len(gzip.compress(raw, compresslevel=1))


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


FIRST_SCREEN_PATH = "hpc/slurm/jobs?scope=all&since=0&format=columns&limit=200"


def bench_bytes(args, folder: Path) -> dict:
    queue = SyntheticQueue(args.jobs)
    ours_script, ours_current = printing(folder, "ours")
    old_script, old_current = printing(folder, "old")
    states = []  # (squeue text, old text) for each refresh

    def snapshot(label: str) -> None:
        ours_file, old_file = folder / f"{label}.squeue", folder / f"{label}.old"
        ours_file.write_text(queue.ours())
        old_file.write_text(queue.old())
        states.append((ours_file, old_file))

    snapshot("s0")
    for k in range(args.deltas):  # the case: 1 % of the jobs change, nothing else
        queue.step(args.change, 10, advance_clock=False)
        snapshot(f"s{k + 1}")
    queue.step(args.change, 10, advance_clock=True)  # and with running jobs' TimeUsed advancing
    snapshot("clock")
    running = sum(job["state"] == "RUNNING" for job in queue.jobs.values())
    print(f"synthetic queue: {len(queue.jobs)} jobs, {running} running; files in {folder}", flush=True)

    server = our_server(f'--Slurm.commands={{"squeue": "{ours_script}"}}', "--Slurm.min_refresh_interval=0")
    figures: dict = {"jobs": len(queue.jobs), "running": running}
    try:
        ours_current.write_text(str(states[0][0]))
        fetch(server, "hpc/slurm/jobs?scope=all", False)  # warm-up: the first parse of every record
        first = [fetch(server, "hpc/slurm/jobs?scope=all", False) for _ in range(args.byte_runs)]
        figures["objects"] = size(first[-1][1]) + (median([t for t, _, _ in first]),)
        full = [fetch(server, "hpc/slurm/jobs?scope=all&since=0&format=columns", True) for _ in range(args.byte_runs)]
        _, body, zipped = full[-1]
        figures["columns"] = size(body, zipped) + (median([t for t, _, _ in full]), len(body))
        raw_full = gzip.decompress(body) if zipped else body
        (folder / "full.json").write_bytes(raw_full)
        # the panel's first screen, asked alongside the whole list (limit: FIRST_SCREEN in model.ts)
        first = [fetch(server, f"{FIRST_SCREEN_PATH}", True) for _ in range(args.byte_runs)]
        _, body, zipped = first[-1]
        figures["first"] = size(body, zipped) + (median([t for t, _, _ in first]), len(body))
        (folder / "first.json").write_bytes(gzip.decompress(body) if zipped else body)
        version = json.loads(raw_full)["version"]
        deltas, times, sent = [], [], []
        for k in range(1, len(states)):
            ours_current.write_text(str(states[k][0]))
            seconds, body, zipped = fetch(server, f"hpc/slurm/jobs?scope=all&since={version}&format=columns", True)
            raw = gzip.decompress(body) if zipped else body
            answer = json.loads(raw)
            if answer["full"]:
                raise RuntimeError("the server answered a delta request with the full table")
            if states[k][0].name != "clock.squeue":
                (folder / f"delta{k}.json").write_bytes(raw)
                deltas.append(size(raw))
                times.append(seconds)
                sent.append(len(body))
            else:
                figures["clock"] = size(raw) + (seconds, len(body), len(answer["jobs"]), len(answer["removed"]))
            figures.setdefault("changed", []).append((len(answer["jobs"]), len(answer["removed"])))
            version = answer["version"]
        figures["delta"] = (median([d[0] for d in deltas]), median([d[1] for d in deltas]), median(times), median(sent))
    finally:
        server.stop()
    old_jupyter = Path(args.old_venv) / "bin" / "jupyter"
    if old_jupyter.exists():
        old_current.write_text(str(states[0][1]))
        old = Server(str(old_jupyter), [f"--SlurmCommandPaths.squeue_path={old_script}"])
        try:
            runs = [fetch(old, "jupyterlab_slurm/squeue", True) for _ in range(args.byte_runs + 1)][1:]
            _, body, zipped = runs[-1]
            figures["old"] = size(body, zipped) + (median([t for t, _, _ in runs]), len(body))
            figures["old_rows"] = len(
                json.loads(gzip.decompress(body) if zipped else body).get("data", {}).get("rows", [])
            )
        finally:
            old.stop()
    report_bytes(figures, args)
    return figures


def report_bytes(f: dict, args) -> None:
    full_obj, full_col = f["objects"], f["columns"]
    delta = f["delta"]
    pct = lambda part, whole: f"{100 * part / whole:.2f} %"  # noqa: E731
    rows = [
        ("full, first contract: `GET jobs?scope=all` (objects, streamed, not compressed)", kb(full_obj[0]),
         kb(full_obj[1]), kb(full_obj[0]), f"{full_obj[2]:.2f} s"),
        ("full, `GET jobs?scope=all&since=0&format=columns` (the panel's whole list)", kb(full_col[0]),
         kb(full_col[1]), kb(full_col[3]), f"{full_col[2]:.2f} s"),
        ("first screen, `...&format=columns&limit=200` (asked alongside the whole list)",
         kb(f["first"][0]), kb(f["first"][1]), kb(f["first"][3]), f"{f['first'][2]:.2f} s"),
        (f"delta, 1 % changed (`since=<v>`, median of {args.deltas})", kb(delta[0]), kb(delta[1]), kb(delta[3]),
         f"{delta[2]:.2f} s"),
    ]  # fmt: skip
    if "clock" in f:
        c = f["clock"]
        rows.append((f"delta, 1 % changed and every running job's TimeUsed +10 s ({c[4]} rows, {c[5]} removed)",
                     kb(c[0]), kb(c[1]), kb(c[3]), f"{c[2]:.2f} s"))  # fmt: skip
    if "old" in f:
        o = f["old"]
        rows.append(("jupyterlab-slurm 4.1.0 `GET jupyterlab_slurm/squeue`", kb(o[0]), kb(o[1]), kb(o[3]),
                     f"{o[2]:.2f} s"))  # fmt: skip
    print_table(
        f"{f['jobs']:,} jobs ({f['running']:,} running), {args.change:.0%} changing between refreshes",
        rows,
        ("answer", "JSON", "gzip -1", "sent (gzip if >= 64 KiB and accepted)", "request (median)"),
    )
    print(f"delta / full (JSON): {pct(delta[0], full_col[0])} of the columns answer, "
          f"{pct(delta[0], full_obj[0])} of the objects answer; gzipped: {pct(delta[1], full_col[1])}, "
          f"{pct(delta[1], full_obj[1])}")  # fmt: skip
    print(f"rows and removed ids per delta: {f['changed']}; old extension's rows: {f.get('old_rows')}")


# ---------------------------------------------------------------- part 3: the panel


def bench_service(args, folder: Path) -> None:
    """The service itself on the 100,000 jobs of the bytes part: how long one read takes (which
    sets its interval: never below ``duration_factor`` x that) and its memory."""
    states = sorted(folder.glob("s[0-9]*.squeue"), key=lambda p: int(p.stem[1:]))
    if not states:
        sys.exit("the service part needs the synthetic queue of the bytes part (run both)")
    script, current = printing(folder, "service")
    current.write_text(str(states[0]))
    hub = StandInHub({"status-token": {"kind": "user", "name": "root", "scopes": [SCOPE]}})
    port = unique_port()
    config = folder / "service_config.py"
    config.write_text(
        f"c.QueueService.url = 'http://127.0.0.1:{port}'\nc.QueueService.prefix = '/services/hpc-queue/'\n"
        f"c.HubAuth.api_url = '{hub.url}'\nc.HubAuth.api_token = 'x'\nc.HubAuth.access_scopes = {{'{SCOPE}'}}\n"
        f"c.Slurm.commands = {{'squeue': '{script}'}}\n"
    )
    log = open(folder / "service-100k.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_hpc.slurm.service", f"--config={config}"], stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}/services/hpc-queue/"
    durations, rss = [], 0
    try:
        get = lambda path: json.loads(  # noqa: E731
            urllib.request.urlopen(  # noqa: S310 (local)
                urllib.request.Request(base + path, headers={"Authorization": "token status-token"}), timeout=300
            ).read()
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                get("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        answer = get("jobs?scope=all&format=columns")  # the first read: every line parsed
        for state in states[1:]:  # then each read after 1 % of the jobs changed
            current.write_text(str(state))
            answer = get(f"jobs?scope=all&format=columns&newer_than={time.time():.3f}")
            durations.append(get("status")["duration"])
            rss = max(rss, int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text())[1]))
        jobs = len(answer["jobs"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        hub.close()
    print_table(
        f"the queue service on {jobs:,} jobs (1 % changing between reads)",
        [(f"{median(durations):.2f} s", f"{max(durations):.2f} s", str(len(durations)), f"{rss / 1024:.0f} MiB")],
        ("read (squeue, parse, compare): median", "max", "reads", "service's memory (RSS)"),
    )


def bench_panel(args, folder: Path) -> None:
    deltas = sorted(folder.glob("delta*.json"), key=lambda p: int(p.stem[5:]))
    if not (folder / "full.json").exists() or not deltas:
        sys.exit("the panel part needs the answers of the bytes part (run both)")
    port, token = common.free_port(), "bench-queue-ui"
    root = tempfile.mkdtemp(prefix="bench-queue-ui-")
    argv = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=''",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    lab = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        out = subprocess.run(
            ["node", str(HERE / "bench_queue_service_ui.js"), f"http://127.0.0.1:{port}/lab?reset&token={token}",
             str(folder), str(args.runs_ui)],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode != 0:
            sys.exit(f"browser side failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        lab.terminate()
        lab.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    rows = [
        (f"first rows after the first response ({result['rows']:,} jobs)", "< 300 ms", result["first_ms"]),
        ("whole list shown (its count, not the first screen's) after the first response", "",
         result["whole_ms"]),
        ("whole list shown after its own response (18 MiB) was read", "", result["whole_read_ms"]),
        (f"delta applied ({result['delta_rows']} rows, {result['delta_removed']} removed) to rendered", "< 50 ms",
         result["delta_ms"]),
        ("filter keystroke to rendered", "< 50 ms", result["keystroke_ms"]),
    ]  # fmt: skip
    print_table(
        f"Slurm panel, Chromium (headless), load {os.getloadavg()[0]:.1f}",
        [(label, goal, f"{median(ms):.0f} ms", f"{max(ms):.0f} ms", str(len(ms))) for label, goal, ms in rows],
        ("measure", "goal", "median", "max", "runs"),
    )
    print(f"DOM rows rendered: {result['dom_rows']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="load,bytes,service,panel")
    parser.add_argument("--users", default="1,5,20,50")
    parser.add_argument("--interval", type=float, default=30.0, help="panel refresh (its default refreshInterval)")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--su-env", default="/tmp/queue-bench-su")
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--deltas", type=int, default=5, help="refreshes measured (each changes --change)")
    parser.add_argument("--byte-runs", type=int, default=3)
    parser.add_argument("--runs-ui", type=int, default=5)
    parser.add_argument("--old-venv", default="/tmp/oldslurm-venv")
    parser.add_argument("--answers", default="", help="folder for the synthetic queue and the answers (kept)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # stop the servers on the way out
    parts = args.parts.split(",")
    print(machine(), f"load average {os.getloadavg()[0]:.2f}", flush=True)
    folder = Path(args.answers or tempfile.mkdtemp(prefix="queue-bench-answers-"))
    folder.mkdir(parents=True, exist_ok=True)
    if "bytes" in parts:
        bench_bytes(args, folder)
    if "service" in parts:
        bench_service(args, folder)
    if "panel" in parts:
        bench_panel(args, folder)
    if "load" in parts:
        bench_load(args)


if __name__ == "__main__":
    main()
