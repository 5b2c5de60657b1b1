"""The queue API against the real local Slurm cluster: list, details, actions, faults, coalescing."""

import asyncio
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slurm_cluster  # skipped, with the reason, without root or a cluster

REPO = Path(__file__).resolve().parents[2]
OTHER_USER = "hpc-bob"  # made by scripts/test-users, with a Slurm association
HELD = ["--hold", "--begin=now+1hour", "--time=5"]  # never runs, even when released


def ensure_other_user():
    # Accounting enforces associations: the script also adds the user's (idempotent).
    if subprocess.run(["id", OTHER_USER], capture_output=True).returncode != 0:
        subprocess.run([REPO / "scripts" / "test-users"], check=True)


# Comment on the jobs the tests submit directly, to find leftovers: one per test session, since
# other checkouts run their tests on the same cluster at the same time (their cleanup must not
# cancel our jobs, nor ours theirs).
MARK = f"jupyterlab-hpc-test-{uuid.uuid4().hex[:12]}"


def sbatch(*args, user=None, cwd="/tmp", script="#!/bin/bash\nsleep 1\n"):
    """Submit directly with sbatch (not through the API); returns the job id."""
    argv = ["sbatch", "--parsable", f"--comment={MARK}", *args]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    done = subprocess.run(argv, input=script, capture_output=True, text=True, cwd=cwd, check=True)
    return done.stdout.strip().split(";")[0]


def scontrol_job(job_id):
    out = subprocess.run(["scontrol", "show", "job", "-o", job_id], capture_output=True, text=True).stdout
    from jupyterlab_hpc.slurm.parse import parse_scontrol_records

    records = parse_scontrol_records(out)
    return records[0] if records else {}


def local_slurm(command):
    subprocess.run([REPO / "scripts" / "local-slurm", command], check=True, capture_output=True)


def scancel(*ids):
    subprocess.run(["scancel", *ids], capture_output=True)


def queue_ids():
    out = subprocess.run(["squeue", "-h", "-r", "-o", "%i"], capture_output=True, text=True).stdout
    return set(out.split())


@pytest.fixture(scope="module", autouse=True)
def no_leftover_jobs(tmp_path_factory):
    """After the module: cancel jobs whose id a test never saw (a sbatch that timed out on a busy
    controller may still have queued its job): ours by comment, or by a work dir of this session."""
    yield
    base = str(tmp_path_factory.getbasetemp())
    out = subprocess.run(["squeue", "-h", "-o", "%i|%k|%Z"], capture_output=True, text=True).stdout
    left = [
        job_id
        for job_id, comment, work_dir in (line.split("|", 2) for line in out.splitlines() if line.count("|") >= 2)
        if comment == MARK or work_dir.startswith(base)
    ]
    if left:
        scancel(*left)


@pytest.fixture
def jobs():
    """Job ids to cancel at teardown, whatever the test did (2 CPUs are shared)."""
    created = []
    yield created
    if created:
        subprocess.run(["scancel", *created], capture_output=True)


@pytest.fixture
def unique():
    return f"hpc-test-{uuid.uuid4().hex[:8]}"


async def listed(api, scope="all"):
    code, body = await api("slurm", "jobs", params={"scope": scope})
    assert code == 200, body
    return {job["id"]: job for job in body["jobs"]}


@pytest.fixture
def hpc_config(hpc_config):
    hpc_config["Slurm"] = {"min_refresh_interval": 0.0}
    return hpc_config


async def test_list_mine_and_all_with_another_users_job(api, jobs, unique):
    ensure_other_user()
    mine = sbatch("-J", unique, *HELD)
    theirs = sbatch("-J", unique, *HELD, user=OTHER_USER)
    jobs += [mine, theirs]
    code, body = await api("slurm", "jobs", params={"scope": "mine"})
    assert code == 200
    assert body["user"] == "root" and body["updated_at"] > time.time() - 60
    ids = {job["id"] for job in body["jobs"]}
    assert mine in ids and theirs not in ids
    assert all(job["user"] == "root" for job in body["jobs"])
    everything = await listed(api, "all")
    assert {mine, theirs} <= set(everything)
    assert everything[theirs]["user"] == OTHER_USER
    job = everything[mine]
    assert job["name"] == unique and job["state"] == "PENDING" and job["reason"] == "JobHeldUser"
    assert job["partition"] == "debug" and job["time_limit"] == 300 and job["time_used"] == 0
    assert job["array_job_id"] is None and job["work_dir"] == "/tmp" and job["work_dir_path"] is None
    assert job["submit_time"] > time.time() - 120 and job["nodes"] == 1
    assert job["stdout"] == f"/tmp/slurm-{mine}.out"


@pytest.mark.parametrize(
    "name", ["with  two spaces", "Äpfel – 日本語 ünïcode", "<script>alert(1)</script>", "<b>x</b> &amp; 'q' \"d\""]
)
async def test_names_round_trip_exactly(api, jobs, name):
    job_id = sbatch("-J", name, *HELD)
    jobs.append(job_id)
    assert (await listed(api))[job_id]["name"] == name
    code, details = await api("slurm", "jobs", job_id)
    assert code == 200 and details["JobName"] == name and details["JobId"] == job_id


async def test_hold_release_cancel(api, jobs, unique):
    job_id = sbatch("-J", unique, *HELD)
    jobs.append(job_id)
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "release", "ids": [job_id]})
    assert code == 200 and body["results"] == [{"id": job_id, "ok": True, "message": ""}]
    assert not (await listed(api))[job_id]["reason"].startswith("JobHeld")
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "hold", "ids": [job_id]})
    assert body["results"][0]["ok"] is True
    assert scontrol_job(job_id)["Reason"].startswith("JobHeld")
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [job_id]})
    assert code == 200 and body["results"][0]["ok"] is True
    assert job_id not in await listed(api)
    # Cancelling again: Slurm says the id is invalid, which means it is already gone.
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [job_id]})
    assert body["results"][0]["ok"] is True


async def test_delete_cancels_one_job(api, jobs, unique):
    job_id = sbatch("-J", unique, *HELD)
    jobs.append(job_id)
    code, body = await api("slurm", "jobs", job_id, method="DELETE")
    assert code == 200 and body["ok"] is True and body["id"] == job_id
    assert job_id not in queue_ids()


async def test_bulk_actions_with_one_unknown_id(api, jobs, unique):
    first, second = sbatch("-J", unique, *HELD), sbatch("-J", unique, *HELD)
    jobs += [first, second]
    ids = [first, "999999", second, first]
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "release", "ids": ids})
    assert code == 200
    results = {r["id"]: r for r in body["results"]}
    assert list(results) == [first, "999999", second]  # request order, duplicates merged
    assert results[first]["ok"] and results[second]["ok"]
    assert results["999999"] == {"id": "999999", "ok": False, "message": "Invalid job id specified for job 999999"}
    assert not scontrol_job(first)["Reason"].startswith("JobHeld")
    assert not scontrol_job(second)["Reason"].startswith("JobHeld")
    code, body = await api(
        "slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [first, "999999", second]}
    )
    assert [r["ok"] for r in body["results"]] == [True, True, True]
    assert not {first, second} & queue_ids()


async def test_array_jobs_one_row_per_task_and_range_actions(api, jobs, unique):
    array = sbatch("-J", unique, "-a", "1-3", *HELD)
    jobs.append(array)
    rows = {k: v for k, v in (await listed(api)).items() if v["array_job_id"] == array}
    assert set(rows) == {f"{array}_1", f"{array}_2", f"{array}_3"}
    assert rows[f"{array}_2"]["array_task_id"] == "2" and rows[f"{array}_2"]["name"] == unique
    code, body = await api(
        "slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [f"{array}_[1-2]"]}
    )
    assert code == 200 and body["results"][0]["ok"]
    rows = {k for k, v in (await listed(api)).items() if v["array_job_id"] == array}
    assert rows == {f"{array}_3"}
    code, details = await api("slurm", "jobs", f"{array}_3")
    assert code == 200 and details["ArrayJobId"] == array


async def test_requeue_a_running_job_and_refusal_for_a_pending_one(api, jobs, unique):
    running = sbatch("-J", unique, "--time=2", script="#!/bin/bash\nsleep 120\n")
    pending = sbatch("-J", unique, *HELD)
    jobs += [running, pending]
    deadline = time.time() + 30
    while scontrol_job(running).get("JobState") != "RUNNING":
        assert time.time() < deadline, "the job did not start (are the 2 CPUs busy?)"
        await asyncio.sleep(0.5)
    code, body = await api(
        "slurm", "jobs", "actions", method="POST", body={"action": "requeue", "ids": [running, pending]}
    )
    assert code == 200
    ok, refused = body["results"]
    assert ok == {"id": running, "ok": True, "message": ""}
    assert refused["ok"] is False and refused["message"] == f"Job is pending execution for job {pending}"
    record = scontrol_job(running)
    assert record["JobState"] in ("PENDING", "REQUEUED", "COMPLETING") and record["Restarts"] == "1"


async def test_job_details_and_unknown_job(api, jobs, unique):
    job_id = sbatch("-J", unique, "--comment=a b=c Priority=9", *HELD)
    jobs.append(job_id)
    code, details = await api("slurm", "jobs", job_id)
    assert code == 200
    assert details["Comment"] == "a b=c Priority=9" and details["WorkDir"] == "/tmp"
    assert details["UserId"].startswith("root(") and details["SubmitTime"].isdigit()
    code, body = await api("slurm", "jobs", "999999")
    assert code == 404 and "999999" in body["message"]


async def test_job_details_summary(api, jobs, unique, jp_root_dir):
    (jp_root_dir / "run dir" / "logs").mkdir(parents=True)
    work = str((jp_root_dir / "run dir").resolve())
    job_id = sbatch("-J", unique, "--mem=100M", "-o", "logs/%x-%j.out", "--dependency=afterany:1", *HELD, cwd=work)
    jobs.append(job_id)
    code, details = await api("slurm", "jobs", job_id)
    assert code == 200 and details["JobId"] == job_id  # the raw scontrol fields stay
    summary = details["summary"]
    assert summary["id"] == job_id and summary["name"] == unique and summary["user"] == "root"
    assert summary["state"] == "PENDING" and summary["reason"] in ("JobHeldUser", "Dependency")
    assert summary["exit_code"] is None and summary["run_time"] == 0
    assert summary["submit_time"] > time.time() - 120 and summary["time_limit"] == 300
    assert summary["start_time"] > time.time() + 3000  # Slurm's estimate: not before --begin=now+1hour
    assert (summary["memory"], summary["memory_per"], summary["memory_bytes"]) == ("100M", "node", 100 * 1024**2)
    assert summary["cpus"] == 1 and summary["nodes"] == 1 and summary["partition"] == "debug"
    assert summary["work_dir"] == work and summary["work_dir_path"] == "run dir"
    assert summary["stdout"] == f"{work}/logs/{unique}-{job_id}.out"
    assert summary["stdout_path"] == f"run dir/logs/{unique}-{job_id}.out"
    assert summary["stderr"] == summary["stdout"]
    assert summary["comment"] == MARK and summary["dependency"].startswith("afterany:1")
    other = sbatch("-J", unique, *HELD)  # outside the Jupyter root
    jobs.append(other)
    summary = (await api("slurm", "jobs", other))[1]["summary"]
    assert summary["work_dir"] == "/tmp" and summary["work_dir_path"] is None and summary["stdout_path"] is None


async def test_summary_of_an_ended_job(api, jobs, unique):
    job_id = sbatch("-J", unique, "--time=1", script="#!/bin/bash\nexit 3\n")
    jobs.append(job_id)
    deadline = time.time() + 60
    while scontrol_job(job_id).get("JobState") in ("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", None):
        assert time.time() < deadline, "the job did not end (are the 2 CPUs busy?)"
        await asyncio.sleep(0.5)
    summary = (await api("slurm", "jobs", job_id))[1]["summary"]
    assert summary["state"] == "FAILED" and summary["exit_code"] == {"code": 3, "signal": 0}
    assert summary["start_time"] and summary["end_time"] >= summary["start_time"] and summary["batch_host"]


async def test_partitions(api):
    code, body = await api("slurm", "partitions")
    assert code == 200
    parts = {p["name"]: p for p in body["partitions"]}
    assert parts["debug"]["default"] is True and parts["debug"]["time_limit"] == 3600
    assert parts["long"]["default"] is False and parts["long"]["time_limit"] == 7 * 86400
    assert parts["debug"]["state"] == "up" and parts["debug"]["nodes"]["total"] == 1
    # what a job that does not ask gets (scripts/local-slurm sets defaults on "long" only)
    assert parts["debug"]["default_time"] is None and parts["debug"]["default_memory"] is None
    assert parts["long"]["default_time"] == 86400
    assert parts["long"]["default_memory"] == 1024**3 and parts["long"]["default_memory_per"] == "cpu"


@pytest.mark.parametrize("bad", ["1;ls", "--help", "-1", "", "0", "12_", "12_[1-", "abc", 12, None, "1 2"])
async def test_bad_job_ids_are_refused_before_slurm_runs(api, bad):
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": ["1", bad]})
    assert code == 400, body
    assert "job id" in body["message"]


async def test_bad_requests(api):
    post = {"method": "POST"}
    assert (await api("slurm", "jobs", "actions", **post, body={"action": "kill", "ids": ["1"]}))[0] == 400
    assert (await api("slurm", "jobs", "actions", **post, body={"action": "cancel", "ids": []}))[0] == 400
    assert (await api("slurm", "jobs", "actions", **post, body={"action": "cancel", "ids": "1"}))[0] == 400
    assert (await api("slurm", "jobs", "actions", **post, body="{not json"))[0] == 400
    many = [str(i) for i in range(1, 1002)]
    code, body = await api("slurm", "jobs", "actions", **post, body={"action": "cancel", "ids": many})
    assert code == 413 and "1000" in body["message"]
    assert (await api("slurm", "jobs", params={"scope": "everyone"}))[0] == 400
    assert (await api("slurm", "jobs", "1;ls"))[0] == 400
    assert (await api("slurm", "jobs", "--help", method="DELETE"))[0] == 400
    assert (await api("slurm", "jobs", "actions"))[0] == 405  # never a state change on GET


async def test_controller_stopped_then_restarted(api, jobs, unique):
    job_id = sbatch("-J", unique, *HELD)
    jobs.append(job_id)
    local_slurm("stop-ctld")
    try:
        started = time.monotonic()
        code, body = await api("slurm", "jobs", params={"scope": "all"})
        elapsed = time.monotonic() - started
        assert code == 503, body
        assert "controller" in body["message"]
        assert elapsed < 30  # within the default command timeout
        code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "hold", "ids": [job_id]})
        assert code == 503
    finally:
        local_slurm("start-ctld")
    assert job_id in await listed(api)
