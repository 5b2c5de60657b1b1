"""The hub suite: the local JupyterHub (scripts/hub, instance "test"), real PAM logins
through the hub's login form, each user's JupyterLab a Slurm job of that user, and
calls through /user/<name>/hpc/... with the user's session cookie and XSRF token.

The hub is started once per session (unless one already answers) and stopped at the
end, also when a test fails: the hub stops every server it spawned (scancel), and
scripts/hub cancels anything a crash would have left.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
HUB = REPO / "scripts" / "hub"
INSTANCE = "test"
PORT = int(os.environ.get("HUB_PORT", "8775"))
URL = f"http://127.0.0.1:{PORT}"
PASSWORDS = Path("/var/lib/jupyterlab-hpc/test-users")
MARK = "jupyterlab-hpc-hub-test-job"  # comment of the jobs the tests submit, to clean up
READY_SECS = 180


def hub(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([HUB, *args, INSTANCE], check=check, capture_output=True, text=True)


def squeue(*args: str) -> str:
    return subprocess.run(["squeue", "-h", *args], capture_output=True, text=True, check=True).stdout


def cancel_test_jobs() -> None:
    out = squeue("-o", "%i|%k")
    ids = [line.split("|")[0] for line in out.splitlines() if line.endswith(f"|{MARK}")]
    if ids:
        subprocess.run(["scancel", *ids], capture_output=True)


@pytest.fixture(scope="session")
def hub_url():
    started = hub("status", check=False).returncode != 0
    if started:
        done = hub("start", check=False)
        if done.returncode != 0:
            pytest.fail(f"scripts/hub start failed:\n{done.stdout}\n{done.stderr}")
    try:
        yield URL
    finally:
        cancel_test_jobs()
        if started:
            hub("stop", check=False)


class User:
    """A browser-like session of one test user: logged in through the hub's form."""

    def __init__(self, hub_url: str, name: str):
        self.hub_url = hub_url
        self.name = name
        self.session = requests.Session()
        self.base = f"{hub_url}/user/{name}/"

    @property
    def password(self) -> str:
        for line in PASSWORDS.read_text().splitlines():
            user, _, password = line.partition(" ")
            if user == self.name:
                return password
        raise KeyError(self.name)

    def login(self, password: str | None = None) -> requests.Response:
        page = self.session.get(f"{self.hub_url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        return self.session.post(
            f"{self.hub_url}/hub/login",
            data={"username": self.name, "password": self.password if password is None else password, "_xsrf": xsrf},
            timeout=60,
        )

    def wait_ready(self) -> None:
        """Until JupyterLab answers at /user/<name>/lab (the spawn may queue in Slurm)."""
        deadline = time.monotonic() + READY_SECS
        while time.monotonic() < deadline:
            page = self.session.get(self.base + "lab", timeout=30)
            if page.status_code == 200 and page.url.startswith(self.base) and "jupyter-config-data" in page.text:
                return
            time.sleep(1)
        raise AssertionError(f"{self.name}'s JupyterLab did not come up in {READY_SECS} s (last: {page.url})")

    def xsrf(self, path: str) -> str:
        for cookie in self.session.cookies:
            if cookie.name == "_xsrf" and path.startswith(cookie.path or "/"):
                best = cookie.value
        return best

    def api(self, method: str, path: str, body=None, params=None):
        """``hpc/<path>`` on the user's server, with the session cookie and the XSRF token."""
        headers = {"X-XSRFToken": self.xsrf(f"/user/{self.name}/")}
        response = self.session.request(
            method, self.base + "hpc/" + path, json=body, params=params, headers=headers, timeout=60
        )
        try:
            data = response.json()
        except ValueError:
            data = response.text
        return response.status_code, data

    def stop_server(self) -> None:
        headers = {"X-XSRFToken": self.xsrf("/hub/")}
        self.session.delete(f"{self.hub_url}/hub/api/users/{self.name}/server", headers=headers, timeout=120)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if not server_jobs(self.name):
                return
            time.sleep(1)


def server_jobs(user: str) -> list[str]:
    """This hub's server jobs of ``user`` as ``id state``."""
    out = squeue("-u", user, "-o", "%i %T %k")
    return [" ".join(line.split()[:2]) for line in out.splitlines() if line.endswith("jupyterlab-hpc-hub-test")]


@pytest.fixture(scope="session")
def alice(hub_url):
    user = User(hub_url, "hpc-alice")
    response = user.login()
    assert response.status_code == 200, response.text[:500]
    user.wait_ready()
    return user


@pytest.fixture(scope="session")
def bob(hub_url):
    """hpc-bob's server, started for the tests that need it and stopped afterwards (2 CPUs)."""
    user = User(hub_url, "hpc-bob")
    response = user.login()
    assert response.status_code == 200, response.text[:500]
    user.wait_ready()
    yield user
    user.stop_server()


@pytest.fixture
def jobs():
    """Ids of directly submitted jobs, cancelled after the test."""
    ids: list[str] = []
    yield ids
    if ids:
        subprocess.run(["scancel", *ids], capture_output=True)


def sbatch_as(user: str, *args: str, script: str = "#!/bin/bash\nsleep 300\n") -> str:
    done = subprocess.run(
        ["runuser", "-u", user, "--", "sbatch", "--parsable", f"--comment={MARK}", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=f"/home/{user}",
        check=True,
    )
    return done.stdout.strip().split(";")[0]


def owner(path: Path) -> str:
    import pwd

    return pwd.getpwuid(path.stat().st_uid).pw_name
