"""Job history, efficiency, why jobs end or wait, and the cluster status against the real cluster
with accounting (slurmdbd).

The finished jobs (exit 3, a known CPU and memory use, cancelled, out of its 1-minute time limit:
a real TIMEOUT, the shortest Slurm has) are submitted together by one module fixture and
waited for once at the end, while the other tests run; the node is drained first, briefly.
"""

import asyncio
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from test_slurm_jobs import (
    MARK,
    OTHER_USER,
    ensure_other_user,
    listed,
    local_slurm,
    no_leftover_jobs,  # noqa: F401 (autouse fixture: cancel leftovers)
    sbatch,
    scancel,
)

from jupyterlab_hpc.slurm.sacct import ENDED_STATES

pytestmark = pytest.mark.slurm_cluster

NODE = "vm"  # the local cluster's one node (scripts/local-slurm)
TAG = f"hpc-hist-{uuid.uuid4().hex[:6]}"
MIB = 1024**2
# Holds 200 MiB for at least 7 s (jobacct_gather samples every 5 s) and uses exactly 5 s of CPU
# time, however busy the machine is (the wall time then varies, the CPU use does not).
BURN = """#!/bin/bash
/usr/bin/python3 - <<'PY'
import time
start = time.time()
block = bytearray(200 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
while time.process_time() < 5:
    pass
time.sleep(max(0, start + 7 - time.time()))
PY
"""
FAIL = "#!/bin/bash\necho working\necho 'something went wrong' >&2\nexit 3\n"


def sacct_states(ids):
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "JobID,State", "-j", ",".join(ids)], capture_output=True, text=True
    ).stdout
    return dict(line.split("|", 1) for line in out.splitlines() if "|" in line)


def windowed_ids():
    out = subprocess.run(
        ["sacct", "-u", "root", "--starttime=now-1days", "-X", "-n", "-P", "-o", "JobID"],
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def node_state(state, reason=None):
    argv = ["scontrol", "update", f"nodename={NODE}", f"state={state}"]
    return subprocess.run([*argv, f"reason={reason}"] if reason else argv, capture_output=True, text=True)


def sinfo_state():
    out = subprocess.run(["sinfo", "-h", "-N", "-n", NODE, "-O", "StateLong"], capture_output=True, text=True)
    return out.stdout.split()[0] if out.stdout.split() else ""


def wait_node_usable(seconds=30):
    """Until the node answers and takes jobs (not drained, not "*": not responding)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        state = sinfo_state()
        if state.rstrip("+-~#") in ("idle", "mixed", "allocated"):
            return state
        time.sleep(0.3)
    return sinfo_state()


def estimated_start(job_id):
    """The START_TIME ``squeue --start`` shows for a pending job (epoch seconds; its own columns)."""
    shown = subprocess.run(
        ["squeue", "--start", "-h", "-j", job_id],
        capture_output=True,
        text=True,
        env={**os.environ, "SLURM_TIME_FORMAT": "%s"},
    )
    return int(re.search(r" PD +(\d+) ", shown.stdout).group(1))


@pytest.fixture
def cleanup():
    """Job ids to cancel when the test ends."""
    created = []
    yield created
    if created:
        scancel(*created)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("history_root")
    (path / "logs").mkdir()
    return path


@pytest.fixture
def jp_root_dir(root):
    return root  # every server of this module serves the folder the jobs write to


SETTINGS = {}  # test name -> c.Slurm settings of its server


@pytest.fixture
def hpc_config(hpc_config, request, tmp_path):
    settings = {"min_refresh_interval": 0.0}
    make = SETTINGS.get(request.node.originalname)
    if make:
        settings.update(make(tmp_path))
    hpc_config["Slurm"] = settings
    return hpc_config


def slurm_config(make):
    def register(test):
        SETTINGS[test.__name__] = make
        return test

    return register


# ---------------------------------------------------------------- first, briefly: a drained node


async def test_cluster_status_and_a_job_waiting_for_a_drained_node(api):
    waiting = None
    assert wait_node_usable() in ("idle", "mixed", "allocated")  # e.g. after another suite restarted slurmctld
    assert node_state("drain", f"{TAG} drain").returncode == 0
    try:
        waiting = sbatch("-J", f"{TAG}-drained", "--time=1", "--wrap=true")
        code, body = await api("slurm", "cluster")
        assert code == 200
        parts = {part["name"]: part for part in body["partitions"]}
        assert {"debug", "long"} <= set(parts) and parts["debug"]["default"] and not parts["long"]["default"]
        debug = parts["debug"]
        assert debug["nodes"]["unavailable"] == 1 and debug["nodes"]["total"] == 1
        assert debug["unavailable_nodes"][0]["name"] == NODE
        assert debug["unavailable_nodes"][0]["reason"] == f"{TAG} drain"
        assert debug["cpus"] == {"free": 0, "total": 2} and debug["time_limit"] == 3600
        assert debug["my_jobs"]["pending"] >= 1
        for _ in range(50):  # the scheduler gives the reason on its next pass
            job = (await listed(api, "mine"))[waiting]
            if job["reason"] not in ("", "None", "Priority"):
                break
            await asyncio.sleep(0.2)
        assert job["state"] == "PENDING"
        assert "DRAINED" in job["reason"] or job["reason"].startswith("ReqNodeNotAvail"), job["reason"]
    finally:
        resumed = node_state("resume")
        if waiting:
            scancel(waiting)
        assert resumed.returncode == 0 or "drain" not in sinfo_state(), resumed.stderr
    for _ in range(100):  # back to idle/mixed (not "idle*" while slurmd answers again)
        code, body = await api("slurm", "cluster")
        debug = next(part for part in body["partitions"] if part["name"] == "debug")
        if debug["nodes"]["unavailable"] == 0:
            break
        await asyncio.sleep(0.2)
    assert debug["nodes"]["unavailable"] == 0 and debug["unavailable_nodes"] == []


# ---------------------------------------------------------------- the jobs that will end


@pytest.fixture(scope="module")
def finished(root):
    """Submitted together (the 1-minute time limit first), waited for by ``ended``."""
    ensure_other_user()
    sleep = "#!/bin/sh\nsleep 300\n"
    logs = ["-o", "logs/%x-%j.out", "-e", "logs/%x-%j.err"]
    ids = {
        "timeout": sbatch("-J", f"{TAG}-timeout", "--time=1", "-o", "/dev/null", cwd=root, script=sleep),
        "exit3": sbatch("-J", f"{TAG}-exit3", "--time=1", *logs, cwd=root, script=FAIL),
        "burn": sbatch("-J", f"{TAG}-burn", "--mem=1G", "--time=2", "-o", "/dev/null", cwd=root, script=BURN),
        "cancel": sbatch("-J", f"{TAG}-cancel", "--time=2", "-o", "/dev/null", cwd=root, script=sleep),
        "nofolder": sbatch("-J", f"{TAG}-nofolder", "--time=1", "-o", "missing/%j.out", "--wrap=true", cwd=root),
        "theirs": sbatch("-J", f"{TAG}-theirs", "--time=1", "-o", "/dev/null", "--wrap=true", user=OTHER_USER),
    }
    yield ids
    scancel(*ids.values())


@pytest.fixture(scope="module")
def ended(finished):
    """Waits (once) until every job of ``finished`` has ended; the cancel job is cancelled here."""
    scancel(finished["cancel"])
    deadline = time.time() + 240
    while time.time() < deadline:
        states = sacct_states(list(finished.values()))
        ended = all(states.get(job_id, "").split(" ")[0] in ENDED_STATES for job_id in finished.values())
        # sacct's time-window query (the history's) sees a job a second or two after "sacct -j" does
        if ended and {finished[k] for k in ("timeout", "exit3", "burn", "cancel")} <= windowed_ids():
            return finished
        time.sleep(2)
    pytest.fail(f"jobs did not end in time: {sacct_states(list(finished.values()))}")


async def test_pending_reasons_held_dependency_and_estimate(api, finished, cleanup):
    held = sbatch("-J", f"{TAG}-held", "--hold", "--time=1", "--wrap=true")
    after = sbatch("-J", f"{TAG}-after", f"--dependency=afterok:{finished['timeout']}", "--time=1", "--wrap=true")
    later = sbatch("-J", f"{TAG}-later", "--begin=now+2hours", "--time=1", "--wrap=true")
    cleanup += [held, after, later]
    for _ in range(50):
        queue = await listed(api, "mine")
        if queue[after]["reason"] == "Dependency" and queue[later]["reason"] == "BeginTime":
            break
        await asyncio.sleep(0.2)
    assert queue[held]["state"] == "PENDING" and queue[held]["reason"] == "JobHeldUser"
    assert queue[held]["start_time"] is None  # a held job has no estimate
    assert queue[after]["reason"] == "Dependency"
    # Slurm's estimate is in the queue answer (no second call): the start time squeue --start shows.
    assert queue[later]["reason"] == "BeginTime" and queue[later]["start_time"] == estimated_start(later)
    assert 7000 < queue[later]["start_time"] - time.time() <= 7200


async def test_bad_days_states_scope_and_ids(api, finished):
    for days in ("-1", "abc", "0", "400", "1.5", "9" * 40):
        code, body = await api("slurm", "history", params={"days": days})
        assert code == 400, days
        assert "days" in body["message"]
    code, body = await api("slurm", "history", params={"state": "failed,BOGUS"})
    assert code == 400 and "BOGUS" in body["message"]
    code, body = await api("slurm", "history", params={"scope": "all"})
    assert code == 403 and "own job history" in body["message"]
    code, body = await api("slurm", "history", "999999999")
    assert code == 404 and "999999999" in body["message"]
    code, body = await api("slurm", "history", "12;rm")
    assert code == 400
    # Another user's job is not in this user's history.
    code, body = await api("slurm", "history", finished["theirs"])
    assert code == 404


@slurm_config(lambda tmp: {"history_all_users": True})
async def test_scope_all_where_the_site_allows_it(api, finished):
    code, body = await api("slurm", "history", params={"scope": "all", "days": "1"})
    assert code == 200 and body["accounting"] is True  # the default authorizer grants it


def counting_sacct(tmp_path):
    import shutil

    counter = tmp_path / "sacct-calls"
    wrapper = tmp_path / "sacct"
    wrapper.write_text(f'#!/bin/bash\necho x >> "{counter}"\nsleep 0.3\nexec {shutil.which("sacct")} "$@"\n')
    wrapper.chmod(0o755)
    return {"commands": {"sacct": str(wrapper)}, "min_refresh_interval": 60.0}


@slurm_config(counting_sacct)
async def test_concurrent_history_requests_share_one_sacct(api, tmp_path):
    answers = await asyncio.gather(*(api("slurm", "history", params={"days": "2"}) for _ in range(10)))
    assert all(code == 200 for code, _ in answers)
    assert len((tmp_path / "sacct-calls").read_text().splitlines()) == 1
    assert len({body["updated_at"] for _, body in answers}) == 1


async def test_slurmdbd_stopped_history_503_queue_works_and_recovers(api, finished):
    local_slurm("stop-dbd")
    try:
        code, body = await api("slurm", "history", params={"days": "1"})
        assert code == 503 and "accounting is unavailable" in body["message"]
        code, body = await api("slurm", "history", finished["exit3"])
        assert code == 503
        code, body = await api("slurm", "jobs", params={"scope": "mine"})
        assert code == 200
    finally:
        local_slurm("start-dbd")
    code, body = await api("slurm", "history", params={"days": "1"})  # same server: no reload
    assert code == 200 and body["accounting"] is True


def no_accounting(tmp_path):
    conf = Path("/etc/slurm/slurm.conf").read_text()
    lines = [line for line in conf.splitlines() if not line.startswith("AccountingStorage")]
    (tmp_path / "etc").mkdir()
    lines.append("AccountingStorageType=accounting_storage/none")
    (tmp_path / "etc" / "slurm.conf").write_text("\n".join([*lines, ""]))
    return {"env": {"SLURM_CONF": str(tmp_path / "etc" / "slurm.conf")}}


@slurm_config(no_accounting)
async def test_a_cluster_without_accounting(api, finished):
    code, body = await api("slurm", "history")
    assert code == 200 and body["accounting"] is False and body["jobs"] == []
    assert "keeps no job accounting" in body["message"]
    code, body = await api("slurm", "history", finished["exit3"])
    assert code == 404 and "keeps no job accounting" in body["message"]
    code, body = await api("slurm", "jobs", params={"scope": "mine"})  # the rest of the panel works
    assert code == 200


# ---------------------------------------------------------------- once they have ended


async def history(api, **params):
    code, body = await api("slurm", "history", params={"days": "1", **params})
    assert code == 200, body
    return {job["id"]: job for job in body["jobs"]}


async def test_history_lists_the_ended_jobs_with_why(api, ended):
    jobs = await history(api)
    assert {ended[k] for k in ("timeout", "exit3", "burn", "cancel")} <= set(jobs)
    assert ended["theirs"] not in jobs
    failed = jobs[ended["exit3"]]
    assert failed["state"] == "FAILED" and failed["exit_code"] == {"code": 3, "signal": 0}
    assert failed["ended"] == {"cause": "exit_code", "code": 3, "step": "batch"}
    assert failed["name"] == f"{TAG}-exit3" and failed["partition"] == "debug" and failed["account"] == "root"
    assert failed["work_dir_path"] == "" and failed["time_limit"] == 60 and failed["cpus"] == 1
    assert failed["submit"] <= failed["start"] <= failed["end"] and "steps" not in failed
    timeout = jobs[ended["timeout"]]
    assert timeout["state"] == "TIMEOUT" and timeout["ended"] == {"cause": "time_limit", "limit": 60}
    assert timeout["elapsed"] >= 60 and timeout["efficiency"]["time"]["ratio"] >= 1
    cancelled = jobs[ended["cancel"]]
    assert cancelled["state"] == "CANCELLED" and cancelled["ended"]["cause"] == "cancelled"
    assert cancelled["ended"]["at"] == cancelled["end"]
    assert cancelled["ended"]["started"] is (cancelled["start"] is not None)
    # Filters: failed (FAILED, TIMEOUT ...), cancelled, completed.
    failed_only = await history(api, state="failed")
    assert {ended["exit3"], ended["timeout"]} <= set(failed_only) and ended["burn"] not in failed_only
    assert set(await history(api, state="CANCELLED")) >= {ended["cancel"]}


async def test_efficiency_of_a_job_with_known_cpu_and_memory_use(api, ended):
    job = (await history(api))[ended["burn"]]
    assert job["state"] == "COMPLETED" and job["ended"] == {"cause": "completed"}
    use = job["efficiency"]
    assert use["time"]["used"] >= 7 and use["time"]["limit"] == 120
    assert use["time"]["ratio"] == pytest.approx(use["time"]["used"] / 120, abs=1e-3)
    assert 5 <= use["cpu"]["used"] <= 6  # the 5 s of CPU time, plus python's start
    assert use["cpu"]["available"] == use["time"]["used"] * 1  # one CPU for the elapsed time
    assert use["cpu"]["ratio"] == pytest.approx(use["cpu"]["used"] / use["cpu"]["available"], abs=1e-3)
    assert use["memory"]["requested"] == 1024 * MIB and not use["memory"]["per_node"]
    assert 200 * MIB <= use["memory"]["used"] <= 300 * MIB
    assert use["memory"]["ratio"] == pytest.approx(use["memory"]["used"] / (1024 * MIB), abs=1e-3)


async def test_details_of_the_failed_job(api, ended, root):
    job_id = ended["exit3"]
    code, job = await api("slurm", "history", job_id)
    assert code == 200
    assert job["ended"] == {"cause": "exit_code", "code": 3, "step": "batch"}
    batch = next(step for step in job["steps"] if step["id"] == f"{job_id}.batch")
    assert batch["state"] == "FAILED" and batch["exit_code"] == {"code": 3, "signal": 0}
    assert job["stdout"] == str(root / "logs" / f"{TAG}-exit3-{job_id}.out")
    assert job["stderr_path"] == f"logs/{TAG}-exit3-{job_id}.err" and job["stderr_exists"] is True
    assert (root / job["stderr_path"]).read_text() == "something went wrong\n"
    assert "--time=1" in job["submit_line"] and job["memory_request_explicit"] is False
    again = job["resubmit"]
    assert again["available"] and again["script"] == FAIL
    assert again["options"] == {
        "comment": MARK,
        "job-name": f"{TAG}-exit3",
        "time": "1",
        "output": "logs/%x-%j.out",
        "error": "logs/%x-%j.err",
    }
    assert again["not_carried"] == []  # --parsable is how jobs are submitted, not an option to keep
    assert again["cwd"] == ""


async def test_a_job_whose_output_folder_is_missing(api, ended):
    code, job = await api("slurm", "history", ended["nofolder"])
    assert code == 200 and job["state"] == "FAILED"
    assert job["ended"]["cause"] == "launch_failed" and job["ended"]["missing_folder"] == "missing"
    assert job["stdout_path"] == f"missing/{ended['nofolder']}.out" and job["stdout_exists"] is False


async def test_a_job_waiting_on_a_failed_dependency_never_starts(api, ended, cleanup):
    after = sbatch("-J", f"{TAG}-never", f"--dependency=afterok:{ended['timeout']}", "--time=1", "--wrap=true")
    cleanup.append(after)
    for _ in range(50):
        job = (await listed(api, "mine"))[after]
        if job["reason"] == "DependencyNeverSatisfied":
            break
        await asyncio.sleep(0.2)
    assert job["state"] == "PENDING" and job["reason"] == "DependencyNeverSatisfied"
