"""Shared pytest fixtures: a real Jupyter server with the four extensions on."""

import asyncio
import fcntl
import json
import os
import threading
from contextlib import contextmanager

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

FEATURES = ("favorites", "recents", "slurm", "clonenotebooks")


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
