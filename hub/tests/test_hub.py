"""Every feature for a non-root user behind the hub (issue 10). Tests run in file order:
hpc-alice's first; hpc-bob's server is started only for the last ones (2 CPUs)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

from conftest import MARK, User, owner, sbatch_as, server_jobs, squeue

DATA = "/.local/share/jupyter/jupyterlab_hpc"


def job_user(job_id: str) -> str:
    return squeue("-j", job_id, "-o", "%u").strip()


def test_wrong_password_is_refused(hub_url):
    user = User(hub_url, "hpc-alice")
    response = user.login(password="not-her-password")
    assert "Invalid username or password" in response.text
    assert user.session.get(f"{hub_url}/user/hpc-alice/lab", timeout=30).url.startswith(f"{hub_url}/hub/login")


def test_alices_server_is_her_slurm_job(alice):
    jobs = server_jobs("hpc-alice")
    assert len(jobs) == 1 and jobs[0].endswith("RUNNING"), jobs
    assert job_user(jobs[0].split()[0]) == "hpc-alice"
    code, status = alice.api("GET", "slurm/status")
    assert code == 200 and status["user"] == "hpc-alice" and status["available"] is True


def test_submissions_run_as_alice_and_scope(alice, jobs):
    code, body = alice.api(
        "POST",
        "slurm/jobs",
        {"script": "#!/bin/bash\nsleep 300\n", "options": {"job-name": "hub-mine", "hold": True, "comment": MARK}},
    )
    assert code == 201, body
    mine = body["id"]
    jobs.append(mine)
    assert job_user(mine) == "hpc-alice"
    theirs = sbatch_as("hpc-bob", "--hold", "-J", "hub-theirs")
    jobs.append(theirs)

    code, listing = alice.api("GET", "slurm/jobs", params={"scope": "mine"})
    assert code == 200
    ids = {job["id"] for job in listing["jobs"]}
    assert mine in ids and theirs not in ids
    assert {job["user"] for job in listing["jobs"]} == {"hpc-alice"}
    code, listing = alice.api("GET", "slurm/jobs", params={"scope": "all"})
    everyone = {job["id"]: job for job in listing["jobs"]}
    assert mine in everyone and theirs in everyone and everyone[theirs]["user"] == "hpc-bob"


def test_cancelling_bobs_job_is_refused_with_slurms_message(alice, jobs):
    theirs = sbatch_as("hpc-bob", "--hold", "-J", "hub-not-yours")
    jobs.append(theirs)
    code, body = alice.api("POST", "slurm/jobs/actions", {"action": "cancel", "ids": [theirs]})
    assert code == 200, body
    result = {r["id"]: r for r in body["results"]}[theirs]
    # scancel's own words for a job of another user.
    assert result["ok"] is False and "Access/permission denied" in result["message"], result
    code, body = alice.api("DELETE", f"slurm/jobs/{theirs}")
    assert code == 403 and "Access/permission denied" in body["message"], body
    assert squeue("-j", theirs, "-o", "%T").strip() == "PENDING"


def test_reading_bobs_output_is_refused(alice, jobs):
    theirs = sbatch_as("hpc-bob", "--hold", "-J", "hub-output")
    jobs.append(theirs)
    code, body = alice.api("GET", f"slurm/jobs/{theirs}/output")
    assert code == 403 and "another user" in body["message"]


def user_dir(user: str) -> str:
    """A new folder in the user's home, made by the user; its path relative to the root "/"."""
    name = f"hub-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(["runuser", "-u", user, "--", "mkdir", f"/home/{user}/{name}"], check=True)
    return f"home/{user}/{name}"


def test_stores_are_in_alices_home_owned_by_her(alice):
    folder = user_dir("hpc-alice")
    code, body = alice.api("POST", "favorites", {"path": folder})
    assert code == 201, body
    code, body = alice.api("POST", "recents", {"path": folder, "type": "directory"})
    assert code == 200, body
    for name in ("favorites.json", "recents.json"):
        store = Path(f"/home/hpc-alice{DATA}/{name}")
        assert store.is_file() and owner(store) == "hpc-alice"
        assert folder in store.read_text()
    code, status = alice.api("GET", "favorites/status")
    assert status["store"] == f"/home/hpc-alice{DATA}/favorites.json"


def test_group_favorites_from_her_groups(alice):
    code, body = alice.api("GET", "favorites")
    assert code == 200
    groups = {f["name"]: f for f in body["favorites"] if f["source"] == "group"}
    assert set(groups) == {"hpc-proj", "hpc-batch"}
    assert groups["hpc-proj"]["resolved"] == "srv/jupyterlab-hpc/projects/hpc-proj" and groups["hpc-proj"]["exists"]


def test_clone_lands_in_her_space_owned_by_her(alice):
    code, body = alice.api("GET", "clone/notebooks", params={"source": "examples"})
    assert code == 200 and body["notebooks"], body
    notebook = body["notebooks"][0]["path"]
    code, body = alice.api("POST", "clone/clone", {"source": "examples", "path": notebook})
    assert code == 201, body
    assert body["path"].startswith("home/hpc-alice/gallery/examples/")
    clone = Path("/") / body["path"]
    assert clone.is_file() and owner(clone) == "hpc-alice"
    assert owner(clone.parent) == "hpc-alice"


def test_finished_job_is_in_sacct_with_its_exit_code(alice, jobs):
    code, body = alice.api(
        "POST",
        "slurm/jobs",
        {
            "script": "#!/bin/bash\necho done\nexit 3\n",
            "cwd": "home/hpc-alice",
            "options": {"job-name": "hub-sacct", "time": "2", "comment": MARK},
        },
    )
    assert code == 201, body
    job_id = body["id"]
    jobs.append(job_id)
    deadline = time.monotonic() + 120
    rows = []
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["sacct", "-u", "hpc-alice", "-j", job_id, "-X", "-n", "-P", "-o", "JobID,User,State,ExitCode"],
            capture_output=True,
            text=True,
        ).stdout
        rows = [line.split("|") for line in out.splitlines()]
        if rows and rows[0][2] not in ("PENDING", "RUNNING", "COMPLETING", ""):
            break
        time.sleep(1)
    assert rows and rows[0] == [job_id, "hpc-alice", "FAILED", "3:0"], rows


def test_bob_separate_stores_and_no_slurm(bob, alice):
    """The example authorizer: Slurm only for group hpc-batch; bob's other features work."""
    code, body = bob.api("GET", "slurm/status")
    assert code == 403 and body["reason"] == "not-authorized" and "hpc-batch" in body["message"]
    assert bob.api("GET", "slurm/jobs")[0] == 403
    assert bob.api("POST", "slurm/jobs", {"script": "#!/bin/bash\ntrue\n"})[0] == 403

    folder = user_dir("hpc-bob")
    code, body = bob.api("POST", "recents", {"path": folder, "type": "directory"})
    assert code == 200, body
    code, body = bob.api("GET", "favorites")
    assert code == 200
    assert {f["name"] for f in body["favorites"] if f["source"] == "group"} == {"hpc-proj"}
    code, body = bob.api("POST", "favorites", {"path": folder, "name": "Bob's folder"})
    assert code == 201, body
    bob_store = Path(f"/home/hpc-bob{DATA}/favorites.json")
    alice_store = Path(f"/home/hpc-alice{DATA}/favorites.json")
    assert owner(bob_store) == "hpc-bob" and owner(Path(f"/home/hpc-bob{DATA}/recents.json")) == "hpc-bob"
    assert folder in bob_store.read_text() and folder not in alice_store.read_text()
    assert json.loads(bob_store.read_text()) != json.loads(alice_store.read_text())
    # Alice still has Slurm: the refusal is per account.
    assert alice.api("GET", "slurm/status")[0] == 200
