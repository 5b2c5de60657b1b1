"""Faults and load: hung commands, missing Slurm, coalescing, and Slurm's refusals passed through."""

import asyncio
import shutil
import subprocess
import time

import pytest
from test_slurm_jobs import (
    HELD,
    OTHER_USER,
    ensure_other_user,
    no_leftover_jobs,  # noqa: F401 (autouse fixture: cancel leftovers)
    queue_ids,
    sbatch,
    scancel,
)

pytestmark = pytest.mark.slurm_cluster  # skipped, with the reason, without root or a cluster


def processes_running(pattern):
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).stdout.strip() != b""


def script(path, body):
    path.write_text("#!/bin/bash\n" + body)
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def hpc_config(hpc_config, request, tmp_path):
    make = SETTINGS.get(request.node.originalname)
    hpc_config["Slurm"] = make(tmp_path) if make else {}
    return hpc_config


SETTINGS = {}  # test name -> function(tmp_path) -> c.Slurm settings for that test's server


def slurm_config(make):
    def register(test):
        SETTINGS[test.__name__] = make
        return test

    return register


def counting_squeue(tmp_path, window=60.0):
    counter = tmp_path / "squeue-calls"
    real = shutil.which("squeue")
    wrapper = script(tmp_path / "squeue", f'echo x >> "{counter}"\nsleep 0.3\nexec {real} "$@"\n')
    return {"commands": {"squeue": wrapper}, "min_refresh_interval": window}


def calls(tmp_path):
    counter = tmp_path / "squeue-calls"
    return len(counter.read_text().splitlines()) if counter.exists() else 0


@slurm_config(counting_squeue)
async def test_concurrent_requests_share_one_squeue(api, tmp_path):
    answers = await asyncio.gather(*(api("slurm", "jobs", params={"scope": "all"}) for _ in range(20)))
    assert all(code == 200 for code, _ in answers)
    assert calls(tmp_path) == 1
    assert len({body["updated_at"] for _, body in answers}) == 1
    # Within the window, "mine" is served from the fresh cluster-wide list.
    code, body = await api("slurm", "jobs", params={"scope": "mine"})
    assert code == 200 and calls(tmp_path) == 1
    assert body["updated_at"] == answers[0][1]["updated_at"] and all(job["user"] == "root" for job in body["jobs"])


@slurm_config(lambda tmp: counting_squeue(tmp, window=3.0))
async def test_the_refresh_window_expires(api, tmp_path):
    for _ in range(3):
        assert (await api("slurm", "jobs", params={"scope": "mine"}))[0] == 200
    assert calls(tmp_path) == 1
    await asyncio.sleep(3.1)
    await asyncio.gather(*(api("slurm", "jobs", params={"scope": "mine"}) for _ in range(5)))
    assert calls(tmp_path) == 2


@slurm_config(counting_squeue)
async def test_an_action_refreshes_the_next_list(api, tmp_path):
    job_id = sbatch("-J", "coalesce", *HELD)
    try:
        code, body = await api("slurm", "jobs", params={"scope": "all"})
        assert job_id in {job["id"] for job in body["jobs"]}
        await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [job_id]})
        code, body = await api("slurm", "jobs", params={"scope": "all"})
        assert job_id not in {job["id"] for job in body["jobs"]}
        assert calls(tmp_path) == 2
    finally:
        scancel(job_id)


@slurm_config(lambda tmp: {"commands": {"squeue": script(tmp / "squeue", "sleep 31.4159\n")}, "timeout": 1.0})
async def test_hanging_squeue_is_killed_at_the_timeout(api, tmp_path):
    started = time.monotonic()
    code, body = await api("slurm", "jobs", params={"scope": "all"})
    assert code == 504 and "1 s" in body["message"]
    assert time.monotonic() - started < 5
    # The child was killed, its sleeping grandchild too.
    assert not processes_running(f"{tmp_path}/squeue") and not processes_running("sleep 31.4159")


@slurm_config(lambda tmp: {"commands": {name: f"/nonexistent/{name}" for name in ("squeue", "sinfo", "scontrol")}})
async def test_no_slurm_on_this_server(api):
    code, body = await api("slurm", "jobs")
    assert code == 503 and "/nonexistent/squeue" in body["message"]
    assert (await api("slurm", "partitions"))[0] == 503
    code, status = await api("slurm", "status")
    assert code == 200 and status["available"] is False and status["commands"]["squeue"] == "/nonexistent/squeue"


def as_other_user(tmp):
    # The server runs as root here, and root may act on every job; to see Slurm refuse,
    # run the action commands as the second user (the API only relays what Slurm says).
    ensure_other_user()
    return {
        "commands": {
            name: script(tmp / name, f'cd /tmp && exec runuser -u {OTHER_USER} -- {name} "$@"\n')
            for name in ("scancel", "scontrol")
        }
    }


def slurm_says(argv):
    done = subprocess.run(["runuser", "-u", OTHER_USER, "--", *argv], capture_output=True, text=True, cwd="/tmp")
    assert done.returncode != 0
    return done.stderr.strip()


@slurm_config(as_other_user)
async def test_slurms_refusal_is_passed_through_per_id(api):
    roots = sbatch("-J", "not-yours", *HELD)
    theirs = sbatch("-J", "theirs", *HELD, user=OTHER_USER)
    try:
        code, body = await api(
            "slurm", "jobs", "actions", method="POST", body={"action": "hold", "ids": [roots, theirs]}
        )
        assert code == 200
        refused, ok = body["results"]
        # What Slurm itself tells that user (it refuses, so asking changes nothing).
        said = slurm_says(["scontrol", "hold", roots])
        # (scontrol adds a summary line "slurm_suspend error: ..." that names no job; the per-job line is kept)
        assert said and refused == {"id": roots, "ok": False, "message": said.splitlines()[0]}
        assert ok == {"id": theirs, "ok": True, "message": ""}
        code, body = await api("slurm", "jobs", roots, method="DELETE")
        said = slurm_says(["scancel", roots])
        assert code == (403 if "permission" in said.lower() else 400) and body["message"] == said
        assert roots in queue_ids()
    finally:
        scancel(roots, theirs)


@slurm_config(lambda tmp: {"commands": {"sbatch": script(tmp / "sbatch", 'cat > /dev/null\necho "4242;clusterB"\n')}})
async def test_sbatch_cluster_suffix(api):
    # A federated / multi-cluster sbatch prints "<id>;<cluster>".
    code, body = await api("slurm", "jobs", method="POST", body={"script": "#!/bin/bash\ntrue\n"})
    assert code == 201 and body["id"] == "4242" and body["cluster"] == "clusterB"


@slurm_config(
    lambda tmp: {"commands": {"sbatch": script(tmp / "sbatch", 'cat > /dev/null\necho "sbatch: error: odd" >&2\n')}}
)
async def test_sbatch_exit_0_without_an_id_is_a_failure(api):
    code, body = await api("slurm", "jobs", method="POST", body={"script": "#!/bin/bash\ntrue\n"})
    assert code == 400 and body["message"] == "sbatch: error: odd"


def forgetful_scontrol(tmp):
    # scontrol that, once the flag file exists, no longer knows any job (as after MinJobAge).
    real = shutil.which("scontrol")
    body = f'if [ -e "{tmp}/forget" ]; then echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1; fi\n'
    return {"commands": {"scontrol": script(tmp / "scontrol", body + f'exec {real} "$@"\n')}}


@slurm_config(forgetful_scontrol)
async def test_output_still_readable_after_slurm_forgot_the_job(api, tmp_path, jp_root_dir):
    job_id = sbatch("--hold", "-o", f"{jp_root_dir}/late-%j.out")
    try:
        code, chunk = await api("slurm", "jobs", job_id, "output")
        assert code == 200 and chunk["exists"] is False and chunk["path"] == f"late-{job_id}.out"
        (tmp_path / "forget").touch()
        assert (await api("slurm", "jobs", job_id))[0] == 404  # Slurm no longer knows it
        (jp_root_dir / f"late-{job_id}.out").write_text("the end\n")
        code, chunk = await api("slurm", "jobs", job_id, "output")
        assert code == 200 and chunk["data"] == "the end\n" and chunk["eof"] is True
    finally:
        scancel(job_id)
