"""Shared pytest fixtures: a real Jupyter server with the four extensions on."""

import asyncio
import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

FEATURES = ("favorites", "recents", "slurm", "clonenotebooks")


# -- tests that need the local Slurm cluster (scripts/local-slurm) -----------------------------
# Marked ``@pytest.mark.slurm_cluster`` (or ``pytestmark`` in their module); where the cluster
# or root is missing they are skipped with the reason, so the rest runs on a laptop.


def slurm_cluster_missing() -> str | None:
    """Why the tests that need the local Slurm cluster cannot run here; None if they can."""
    if os.geteuid() != 0:
        return "needs root (the Slurm tests create test users and act as them)"
    if shutil.which("sbatch") is None or shutil.which("scontrol") is None:
        return "Slurm's client commands are not installed (make system-deps, then scripts/local-slurm start)"
    try:
        ping = subprocess.run(["scontrol", "ping"], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "the Slurm controller does not answer 'scontrol ping' (scripts/local-slurm status)"
    if " UP" not in ping.stdout:
        said = ping.stdout.strip() or ping.stderr.strip()
        return f"the Slurm controller is not up (scripts/local-slurm start): {said}"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "slurm_cluster: needs root and the running local Slurm cluster")


def pytest_collection_modifyitems(config, items):
    marked = [item for item in items if item.get_closest_marker("slurm_cluster")]
    reason = slurm_cluster_missing() if marked else None
    if reason:
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=f"Slurm cluster: {reason}"))


@pytest.fixture
def hpc_config(tmp_path):
    """Per-test site configuration; tests add to it before the server starts."""
    return {
        "Favorites": {"store_path": str(tmp_path / "state" / "favorites.json")},
        "Recents": {"store_path": str(tmp_path / "state" / "recents.json")},
        "CloneNotebooks": {"sources": []},
        "Slurm": {},
    }


@pytest.fixture
def jp_server_config(hpc_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {f"jupyterlab_hpc.{f}": True for f in FEATURES},
            "allow_unauthenticated_access": False,
        },
        **hpc_config,
    }


@pytest.fixture
def api(jp_fetch):
    """Call ``hpc/...`` and decode the JSON answer; errors are returned, not raised."""

    async def call(*parts, method="GET", body=None, params=None):
        kwargs = {"method": method, "raise_error": False}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method in ("POST", "PATCH", "PUT"):
            kwargs["body"] = b""
        if method == "DELETE" and body is not None:
            kwargs["allow_nonstandard_methods"] = True
        response = await jp_fetch("hpc", *parts, **kwargs)
        text = response.body.decode() if response.body else ""
        return response.code, (json.loads(text) if text else None)

    return call


# -- checking that blocking work stays off the event loop ---------------------------------------
# A request whose work waits on a lock held here must not stop the server from answering
# others. The test and the server share one event loop: if the server blocked it, the test
# could not release the lock itself, so a timer thread releases it after ``safety`` seconds
# and the test then sees ``held["released"]`` (the server answered only after the release).


def flock_waiters(path) -> int:
    """How many processes or threads wait for an ``flock`` on ``path`` (Linux /proc/locks)."""
    inode = os.stat(path).st_ino
    with open("/proc/locks") as locks:
        return sum(1 for line in locks if "->" in line and f":{inode} " in line)


@contextmanager
def held_flock(path, safety: float = 30.0):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    held = {"released": False}
    guard = threading.Lock()

    def release():
        with guard:
            if not held["released"]:
                held["released"] = True
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    timer = threading.Timer(safety, release)
    timer.start()
    try:
        yield held
    finally:
        timer.cancel()
        release()


async def until(condition, held) -> None:
    """Wait until ``condition()`` (or until the safety timer released the lock)."""
    while not condition() and not held["released"]:  # noqa: ASYNC110 (polls the file system)
        await asyncio.sleep(0.02)


# -- special files ---------------------------------------------------------------------------------


def unblock_fifo(path) -> None:
    """Give any reader stuck opening the named pipe ``path`` an end of file (a test that failed
    must not leave a thread blocked forever: the process could not exit)."""
    for _ in range(100):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody is reading (any more); ENOENT: gone
            return
        os.close(fd)
        time.sleep(0.01)


@pytest.fixture
def fifo():
    """``fifo(path)`` makes a named pipe with a writer that never writes (held here): a reader
    that opens it without O_NONBLOCK, or reads it without checking it is a regular file, waits
    forever, as on a server where someone keeps the pipe open. Released at teardown."""
    made, writers = [], []

    def make(path):
        os.mkfifo(path)
        made.append(path)
        writers.append(os.open(path, os.O_RDWR | os.O_NONBLOCK))  # O_RDWR: does not wait for a reader
        return path

    yield make
    for fd in writers:
        os.close(fd)  # readers blocked in read() get an end of file
    for path in made:
        unblock_fifo(path)
