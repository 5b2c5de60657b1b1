"""The queue service through the local hub (issue 15): the hub runs it (hub/jupyterhub_config.py),
users' servers read the queue through it with their own API tokens, PrivateData on and off,
and the service killed mid-session. Runs after test_hub.py, on the same hub and servers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from conftest import PORT, sbatch_as

API_URL = f"http://127.0.0.1:{PORT + 2}/hub/api"
SERVICE = f"http://127.0.0.1:{PORT + 3}/services/hpc-queue/"
SLURM_CONF = Path(
    subprocess.run([Path(__file__).resolve().parents[2] / "scripts" / "local-slurm", "env"], capture_output=True,
                   text=True).stdout.strip().removeprefix("export SLURM_CONF=")
)  # fmt: skip


def environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def processes(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def server_token(user: str) -> str:
    """The API token the hub gave ``user``'s server (read as root from the server's environment)."""
    for pid in processes("singleuser"):
        env = environ(pid)
        if env.get("JUPYTERHUB_USER") == user and env.get("JUPYTERHUB_API_URL") == API_URL:
            return env["JUPYTERHUB_API_TOKEN"]
    raise AssertionError(f"no server of {user} for this hub")


def service_pid() -> int | None:
    for pid in processes("jupyterlab_hpc.slurm.service"):
        if environ(pid).get("JUPYTERHUB_SERVICE_URL") == SERVICE.split("/services")[0]:
            return pid
    return None


def service(token: str | None, path: str = "jobs", **params):
    headers = {"Authorization": f"token {token}"} if token else {}
    response = requests.get(SERVICE + path, params=params, headers=headers, timeout=60)
    return response.status_code, response.json()


def ids(answer) -> set[str]:
    return {job["id"] for job in answer["jobs"]}


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:g} s")
        time.sleep(1)


def test_the_hub_runs_the_service_and_alices_list_comes_from_it(alice, jobs):
    assert service_pid() is not None
    code, first = alice.api("GET", "slurm/jobs", params={"scope": "all", "since": "0"})
    assert code == 200 and first["source"] == "service" and first["full"] is True, first
    # Her submission shows in the next answer: the service reads the queue again after it.
    code, body = alice.api(
        "POST", "slurm/jobs", {"script": "#!/bin/bash\nsleep 300\n", "options": {"hold": True, "job-name": "via-svc"}}
    )
    assert code == 201, body
    jobs.append(body["id"])
    code, delta = alice.api("GET", "slurm/jobs", params={"scope": "all", "since": first["version"]})
    assert code == 200 and delta["full"] is False and body["id"] in ids(delta) and delta["source"] == "service"


def test_two_users_servers_read_through_it_with_their_own_tokens(alice, bob, jobs):
    hers, his = server_token("hpc-alice"), server_token("hpc-bob")
    assert hers != his
    before = time.time()
    mine = sbatch_as("hpc-alice", "--hold", "-J", "svc-alice")
    theirs = sbatch_as("hpc-bob", "--hold", "-J", "svc-bob")
    jobs += [mine, theirs]
    code, alices = service(hers, scope="mine", since="0", newer_than=before)
    assert code == 200 and mine in ids(alices) and theirs not in ids(alices)
    assert {job["user"] for job in alices["jobs"]} == {"hpc-alice"}
    code, bobs = service(his, scope="mine", since="0")
    assert code == 200 and theirs in ids(bobs) and mine not in ids(bobs)
    code, everything = service(hers, scope="all", since="0")
    assert {mine, theirs} <= ids(everything)
    # Another user's token asking for her jobs, no token, a made-up token.
    code, body = service(his, scope="mine", user="hpc-alice")
    assert code == 403 and "hpc-alice" in body["message"]
    assert service(None, scope="mine")[0] == 401
    assert service("not-a-token", scope="mine")[0] == 403

    # His job cancelled: her "all" delta names it removed, her "mine" delta does not.
    gone = time.time()
    subprocess.run(["scancel", theirs], check=True)
    code, delta = service(hers, scope="all", since=everything["version"], newer_than=gone)
    assert code == 200 and theirs in delta["removed"] and theirs not in ids(delta)
    code, mine_delta = service(hers, scope="mine", since=alices["version"])
    assert theirs not in mine_delta["removed"] and all(job["user"] == "hpc-alice" for job in mine_delta["jobs"])
    code, old = service(hers, scope="all", since=str(everything["version"] - 10**9))
    assert old["full"] is True


@pytest.fixture
def private_data():
    """Slurm's PrivateData=jobs for the test (scontrol reconfigure: no restart), restored after."""
    original = SLURM_CONF.read_text()

    def set_private(on: bool) -> None:
        SLURM_CONF.write_text(original + ("PrivateData=jobs\n" if on else ""))
        subprocess.run(["scontrol", "reconfigure"], check=True, capture_output=True)

    try:
        yield set_private
    finally:
        if SLURM_CONF.read_text() != original:
            SLURM_CONF.write_text(original)
            subprocess.run(["scontrol", "reconfigure"], capture_output=True)


def test_private_data_on_then_off(alice, jobs, private_data):
    token = server_token("hpc-alice")
    theirs = sbatch_as("hpc-bob", "--hold", "-J", "svc-private")
    mine = sbatch_as("hpc-alice", "--hold", "-J", "svc-private")
    jobs += [theirs, mine]
    private_data(True)
    # Slurm hides others' jobs from her; the service (PrivateData read every 5 s here) too.
    hidden = subprocess.run(["runuser", "-u", "hpc-alice", "--", "squeue", "-h", "-o", "%i"], capture_output=True,
                            text=True).stdout.split()  # fmt: skip
    assert mine in hidden and theirs not in hidden
    wait_for(lambda: service(token, path="status")[1]["private_data"], 20, "the service sees PrivateData=jobs")
    code, body = alice.api("GET", "slurm/jobs", params={"scope": "all", "since": "0"})
    assert code == 200 and body["source"] == "service" and "PrivateData" in body["restricted"]
    assert mine in ids(body) and theirs not in ids(body) and {job["user"] for job in body["jobs"]} == {"hpc-alice"}
    private_data(False)
    wait_for(lambda: not service(token, path="status")[1]["private_data"], 20, "the service sees PrivateData off")
    code, body = alice.api("GET", "slurm/jobs", params={"scope": "all", "since": "0"})
    assert "restricted" not in body and {mine, theirs} <= ids(body)


def test_service_killed_mid_session_and_back(alice):
    code, first = alice.api("GET", "slurm/jobs", params={"scope": "mine", "since": "0"})
    assert first["source"] == "service"
    time.sleep(5)  # past the server's refresh window (c.Slurm.min_refresh_interval): the next GET refreshes
    pid = service_pid()
    os.kill(pid, signal.SIGKILL)
    # At once (JupyterHub restarts the service within seconds, its start takes two): the very next
    # refresh comes from her own squeue, as a delta of what she had.
    code, fallback = alice.api("GET", "slurm/jobs", params={"scope": "mine", "since": first["version"]})
    assert code == 200 and fallback["source"] == "squeue" and fallback["full"] is False, fallback
    assert "queue service" in fallback["service_problem"]
    # JupyterHub restarts its managed service; her server returns to it after queue_service_retry.
    wait_for(service_pid, 90, "JupyterHub restarts the service")

    def back():
        code, body = alice.api("GET", "slurm/jobs", params={"scope": "mine", "since": fallback["version"]})
        return code == 200 and body["source"] == "service" and body

    answer = wait_for(back, 90, "her server reads through the service again")
    assert "service_problem" not in answer
