"""Submission, job output following and templates against the real local cluster."""

import asyncio
import json
import shutil
import subprocess
import time

import pytest
from test_slurm_jobs import (
    OTHER_USER,
    ensure_other_user,
    no_leftover_jobs,  # noqa: F401 (autouse fixture: cancel leftovers)
    sbatch,
    scancel,
    scontrol_job,
)

pytestmark = pytest.mark.slurm_cluster  # skipped, with the reason, without root or a cluster


@pytest.fixture
def site_templates(tmp_path):
    folder = tmp_path / "site-templates"
    folder.mkdir()
    (folder / "CPU_job.sbatch").write_text(
        "#!/bin/bash\n# Description: one CPU for an hour\n#SBATCH --time=60\nhostname\n"
    )
    (folder / "gpu.json").write_text(
        json.dumps(
            {
                "name": "GPU job",
                "description": "one GPU",
                "script": "#!/bin/bash\nnvidia-smi\n",
                "options": {"gpus": "1", "time": "30"},
            }
        )
    )
    (folder / "notes.txt").write_text("not a template")
    return folder


@pytest.fixture
def hpc_config(hpc_config, tmp_path, site_templates):
    counter = tmp_path / "sbatch-calls"
    wrapper = tmp_path / "sbatch"
    wrapper.write_text(f'#!/bin/bash\necho x >> "{counter}"\nexec {shutil.which("sbatch")} "$@"\n')
    wrapper.chmod(0o755)
    hpc_config["Slurm"] = {
        "commands": {"sbatch": str(wrapper)},
        "min_refresh_interval": 0.0,
        "max_output_chunk": 64,
        "templates": [str(site_templates)],
        "user_templates_path": str(tmp_path / "state" / "slurm_templates.json"),
    }
    return hpc_config


@pytest.fixture
def submitted():
    created = []
    yield created
    if created:
        scancel(*created)


def sbatch_calls(tmp_path):
    counter = tmp_path / "sbatch-calls"
    return len(counter.read_text().splitlines()) if counter.exists() else 0


async def submit(api, body, submitted):
    code, answer = await api("slurm", "jobs", method="POST", body=body)
    if code == 201:
        submitted.append(answer["id"])
    return code, answer


async def test_submit_by_path_runs_in_the_files_directory(api, jp_root_dir, submitted):
    folder = jp_root_dir / "my scripts"
    folder.mkdir()
    (folder / "job.sbatch").write_text("#!/bin/bash\n#SBATCH --time=5\n#SBATCH --hold\necho hi\n")
    code, body = await submit(api, {"path": "my scripts/job.sbatch"}, submitted)
    assert code == 201 and body["id"].isdigit() and body["cluster"] is None
    job = scontrol_job(body["id"])
    assert job["WorkDir"] == str(folder.resolve())
    assert job["JobName"] == "job.sbatch" and job["TimeLimit"] == "00:05:00"
    assert job["Reason"] == "JobHeldUser"


async def test_a_scripts_own_chdir_applies_unless_the_form_gives_one(api, jp_root_dir, submitted):
    folder = jp_root_dir / "proj"
    (folder / "run dir").mkdir(parents=True)
    (jp_root_dir / "elsewhere").mkdir()
    (folder / "job.sh").write_text('#!/bin/bash\n#SBATCH --chdir="run dir"\n#SBATCH --hold\ntrue\n')
    code, body = await submit(api, {"path": "proj/job.sh"}, submitted)
    assert code == 201, body
    assert scontrol_job(body["id"])["WorkDir"] == str((folder / "run dir").resolve())
    code, body = await submit(api, {"path": "proj/job.sh", "cwd": "elsewhere"}, submitted)
    assert code == 201
    assert scontrol_job(body["id"])["WorkDir"] == str((jp_root_dir / "elsewhere").resolve())


async def test_submit_script_with_form_options(api, jp_root_dir, submitted):
    (jp_root_dir / "sub" / "logs").mkdir(parents=True)
    name = "form <b>job<b> & ü"  # no "/": in the output path (%x) it would make a folder
    options = {
        "job-name": name,
        "partition": "long",
        "time": "1-00:00",
        "output": "logs/%x-%j.out",
        "error": "logs/err-%j.txt",
        "cpus-per-task": 1,
        "mem": "100M",
        "hold": True,
        "exclusive": False,
        "account": "",
    }
    script = "#!/bin/bash\n#SBATCH --time=10\n#SBATCH --comment=from-script\necho hi\n"
    code, body = await submit(api, {"script": script, "cwd": "sub", "options": options}, submitted)
    assert code == 201, body
    job = scontrol_job(body["id"])
    root = jp_root_dir.resolve()
    assert job["Partition"] == "long" and job["TimeLimit"] == "1-00:00:00"  # the option beats #SBATCH --time
    assert job["JobName"] == name and job["Comment"] == "from-script"  # other #SBATCH lines still apply
    assert job["WorkDir"] == str(root / "sub")
    assert job["StdOut"] == f"{root}/sub/logs/{name}-{body['id']}.out"
    assert job["StdErr"] == f"{root}/sub/logs/err-{body['id']}.txt"
    assert job["Reason"] == "JobHeldUser" and job["OverSubscribe"] != "NO"


async def test_script_submission_defaults_to_the_root(api, jp_root_dir, submitted):
    code, body = await submit(api, {"script": "#!/bin/bash\n#SBATCH --hold\ntrue\n"}, submitted)
    assert code == 201
    assert scontrol_job(body["id"])["WorkDir"] == str(jp_root_dir.resolve())


async def test_array_submission(api, submitted):
    options = {"array": "1-3", "hold": True, "job-name": "array-from-api"}
    code, body = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": options}, submitted)
    assert code == 201
    code, listing = await api("slurm", "jobs", params={"scope": "mine"})
    tasks = sorted(job["id"] for job in listing["jobs"] if job["array_job_id"] == body["id"])
    assert tasks == [f"{body['id']}_{n}" for n in (1, 2, 3)]


async def test_sbatch_refusals_are_400_with_slurms_message(api, submitted):
    code, body = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": {"partition": "nope"}}, submitted)
    assert code == 400 and body["message"].startswith("sbatch: error: invalid partition specified: nope")
    code, body = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": {"gpus": "1"}}, submitted)
    assert code == 400 and "Invalid generic resource (gres) specification" in body["message"]


@pytest.mark.parametrize(
    "options, field",
    [
        ({"job-name": "a;b"}, "job-name"),
        ({"job-name": "$(id)"}, "job-name"),
        ({"job-name": "`id`"}, "job-name"),
        ({"job-name": "two\nlines"}, "job-name"),
        ({"job-name": "tab\there"}, "job-name"),
        ({"partition": "-p"}, "partition"),
        ({"account": "--wrap=id"}, "account"),
        ({"time": "1:2:3:4"}, "time"),
        ({"time": "abc"}, "time"),
        ({"nodes": "0"}, "nodes"),
        ({"ntasks": "-1"}, "ntasks"),
        ({"cpus-per-task": "1.5"}, "cpus-per-task"),
        ({"mem": "4X"}, "mem"),
        ({"array": "1-3;ls"}, "array"),
        ({"qos": "normal high"}, "qos"),
        ({"hold": "yes"}, "hold"),
        ({"time": True}, "time"),
        ({"wrap": "id"}, "wrap"),
    ],
)
async def test_bad_options_are_400_naming_the_field_and_nothing_runs(api, tmp_path, submitted, options, field):
    code, body = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": options}, submitted)
    assert code == 400, body
    assert f"'{field}'" in body["message"]
    assert sbatch_calls(tmp_path) == 0


async def test_bad_requests_and_paths(api, jp_root_dir, tmp_path, submitted):
    (jp_root_dir / "big.sh").write_bytes(b"#!/bin/bash\n" + b"#" * (1024 * 1024))
    (jp_root_dir / "ok.sh").write_text("#!/bin/bash\ntrue\n")
    cases = [
        ({"script": "true", "path": "ok.sh"}, 400),
        ({}, 400),
        ({"path": "../outside.sh"}, 403),
        ({"path": "/etc/passwd"}, 403),
        ({"path": "missing.sh"}, 404),
        ({"path": "big.sh"}, 413),
        ({"script": "#" * (1024 * 1024 + 1)}, 413),
        ({"script": ""}, 400),
        ({"path": "ok.sh", "cwd": "../"}, 403),
        ({"path": "ok.sh", "cwd": "nowhere"}, 400),
        ({"path": "ok.sh", "options": ["--hold"]}, 400),
        ({"path": "ok.sh", "options": {"output": "../../x.out"}}, 403),
        ({"path": "ok.sh", "options": {"error": "/tmp/x.err"}}, 403),
        ({"path": 12}, 400),
    ]
    for body, expected in cases:
        code, answer = await submit(api, body, submitted)
        assert code == expected, (body, answer)
        assert answer["message"]
    code, _ = await api("slurm", "jobs", method="POST", body="{not json")
    assert code == 400
    assert sbatch_calls(tmp_path) == 0


async def wait_state(job_id, states, seconds=60):
    deadline = time.time() + seconds
    while scontrol_job(job_id).get("JobState") not in states:
        assert time.time() < deadline, f"job {job_id} never reached {states}"
        await asyncio.sleep(0.3)


async def test_output_follows_a_growing_file_in_pieces(api, jp_root_dir, submitted):
    script = '#!/bin/bash\nfor i in $(seq 1 12); do echo "Äpfel line $i"; sleep 0.25; done\necho oops >&2\n'
    options = {"job-name": "tail me", "output": "out/%x-%j.log", "error": "out/%x-%j.err", "time": "2"}
    code, body = await submit(api, {"script": script, "options": options}, submitted)
    assert code == 400 and "'output'" in body["message"] and "'out' does not exist" in body["message"]
    (jp_root_dir / "out").mkdir()
    code, body = await submit(api, {"script": script, "options": options}, submitted)
    assert code == 201
    job_id = body["id"]
    offset, pieces, reads_while_running = 0, [], 0
    deadline = time.time() + 90
    while True:
        code, chunk = await api("slurm", "jobs", job_id, "output", params={"stream": "stdout", "offset": str(offset)})
        assert code == 200, chunk
        assert chunk["path"] == f"out/tail me-{job_id}.log"
        assert chunk["start"] == offset and len(chunk["data"].encode()) == chunk["offset"] - offset
        assert len(chunk["data"].encode()) <= 64
        if chunk["data"]:
            pieces.append(chunk["data"])
        offset = chunk["offset"]
        state = scontrol_job(job_id).get("JobState")
        if state == "RUNNING" and chunk["data"]:
            reads_while_running += 1
        if state not in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING") and chunk["eof"]:
            break
        assert time.time() < deadline, "the job did not finish"
        await asyncio.sleep(0.2)
    text = (jp_root_dir / "out" / f"tail me-{job_id}.log").read_text()
    assert "".join(pieces) == text == "".join(f"Äpfel line {i}\n" for i in range(1, 13))
    assert len(pieces) > 3 and reads_while_running >= 2
    code, err = await api("slurm", "jobs", job_id, "output", params={"stream": "stderr"})
    assert code == 200 and err["data"] == "oops\n" and err["eof"] and err["path"].endswith(".err")
    # Asking past the end after the file was rewritten (requeue): starts again at 0.
    code, again = await api("slurm", "jobs", job_id, "output", params={"offset": "999999"})
    assert again["reset"] is True and again["start"] == 0


async def test_output_before_the_file_exists_and_refusals(api, jp_root_dir, submitted):
    code, body = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": {"hold": True}}, submitted)
    job_id = body["id"]
    code, chunk = await api("slurm", "jobs", job_id, "output", params={"stream": "stdout", "offset": "0"})
    assert code == 200 and chunk["exists"] is False and chunk["data"] == "" and chunk["path"] == f"slurm-{job_id}.out"
    outside = sbatch("--hold", "-o", "/tmp/outside-%j.out")
    submitted.append(outside)
    code, body = await api("slurm", "jobs", outside, "output")
    assert code == 403 and f"/tmp/outside-{outside}.out" in body["message"] and "outside" in body["message"]
    ensure_other_user()
    theirs = sbatch("--hold", user=OTHER_USER)
    submitted.append(theirs)
    code, body = await api("slurm", "jobs", theirs, "output")
    assert code == 403 and "another user" in body["message"]
    assert (await api("slurm", "jobs", job_id, "output", params={"stream": "stdin"}))[0] == 400
    assert (await api("slurm", "jobs", job_id, "output", params={"offset": "-1"}))[0] == 400
    assert (await api("slurm", "jobs", "999999", "output"))[0] == 404
    assert (await api("slurm", "jobs", "1;ls", "output"))[0] == 400


def saved_environment(job_id):
    return subprocess.run(["sacct", "-j", job_id, "--env-vars"], capture_output=True, text=True).stdout


async def test_the_servers_secrets_do_not_reach_the_job(api, jp_root_dir, submitted, monkeypatch):
    secrets = {
        "JUPYTERHUB_API_TOKEN": "hub-token-4242",
        "JPY_API_TOKEN": "jpy-token-4242",
        "JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES": "scopes-4242",
        "SERVICE_TOKEN": "service-token-4242",
    }
    for name, value in {**secrets, "HPC_TEST_ORDINARY": "ordinary 4242"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLURM_TIME_FORMAT", raising=False)
    options = {"output": "env-%j.txt", "time": "1", "job-name": "env check"}
    code, body = await submit(api, {"script": "#!/bin/bash\nenv\n", "options": options}, submitted)
    assert code == 201, body
    job_id = body["id"]
    await wait_state(job_id, ("COMPLETED", "FAILED"))
    lines = (jp_root_dir / f"env-{job_id}.txt").read_text().splitlines()
    job_env = dict(line.split("=", 1) for line in lines if "=" in line)
    assert not set(secrets) & set(job_env), "a secret of the server reached the job"
    assert not any(value in "\n".join(lines) for value in secrets.values())
    assert job_env["HPC_TEST_ORDINARY"] == "ordinary 4242" and job_env["HOME"] and job_env["PATH"]
    assert job_env["SLURM_JOB_ID"] == job_id
    assert "SLURM_TIME_FORMAT" not in job_env  # ours, for parsing: not the job's
    # Nor in what Slurm keeps of the job (AccountingStoreFlags=job_env on this cluster).
    deadline = time.time() + 30
    while True:
        saved = saved_environment(job_id)
        if "HPC_TEST_ORDINARY" in saved or time.time() > deadline:
            break
        await asyncio.sleep(1)
    assert "HPC_TEST_ORDINARY=ordinary 4242" in saved
    assert not any(name in saved or value in saved for name, value in secrets.items())


async def test_job_names_cannot_move_the_output_out_of_the_root(api, jp_root_dir, tmp_path, submitted):
    (jp_root_dir / "logs").mkdir()
    for name in ("../../escape", "../x"):
        body = {"script": "#!/bin/bash\ntrue\n", "options": {"job-name": name, "output": "logs/../%x.out"}}
        code, answer = await submit(api, body, submitted)
        assert code == 403 and "outside the Jupyter root" in answer["message"], answer
    script = "#!/bin/bash\n#SBATCH --job-name=../../escape\ntrue\n"
    code, answer = await submit(api, {"script": script, "options": {"output": "%x-%j.out"}}, submitted)
    assert code == 403, answer
    assert sbatch_calls(tmp_path) == 0
    # A name that keeps the file inside, in an existing folder, is fine; Slurm expands it.
    options = {"job-name": "logs/run", "output": "%x-%j.out", "hold": True}
    code, answer = await submit(api, {"script": "#!/bin/bash\ntrue\n", "options": options}, submitted)
    assert code == 201, answer
    assert scontrol_job(answer["id"])["StdOut"] == f"{jp_root_dir.resolve()}/logs/run-{answer['id']}.out"


async def test_templates_site_and_user(api, tmp_path):
    code, body = await api("slurm", "templates")
    assert code == 200
    by_name = {t["name"]: t for t in body["templates"]}
    assert set(by_name) == {"CPU job", "GPU job"}
    assert (
        by_name["CPU job"]["description"] == "one CPU for an hour"
        and "#SBATCH --time=60" in by_name["CPU job"]["script"]
    )
    assert by_name["GPU job"]["options"] == {"gpus": "1", "time": "30"} and by_name["GPU job"]["source"] == "site"
    mine = {"name": "My <job>", "script": "#!/bin/bash\necho mine\n", "options": {"time": "10", "hold": True}}
    code, body = await api("slurm", "templates", method="POST", body=mine)
    assert code == 201 and body["template"]["source"] == "user"
    code, body = await api("slurm", "templates", method="POST", body={**mine, "options": {"time": "20"}})
    assert code == 201
    user = [t for t in (await api("slurm", "templates"))[1]["templates"] if t["source"] == "user"]
    assert user == [
        {"name": "My <job>", "description": "", "script": mine["script"], "options": {"time": "20"}, "source": "user"}
    ]
    stored = json.loads((tmp_path / "state" / "slurm_templates.json").read_text())
    assert stored["templates"][0]["name"] == "My <job>"
    for bad in (
        {"name": "", "script": ""},
        {"name": "x\ny", "script": ""},
        {"name": "x", "script": 3},
        {"name": "x", "script": "", "options": {"time": "soon"}},
        {"name": "x", "options": {"wrap": "id"}},
    ):
        code, _ = await api("slurm", "templates", method="POST", body=bad)
        assert code == 400, bad
    assert (await api("slurm", "templates", "GPU job", method="DELETE"))[0] == 403
    assert (await api("slurm", "templates", "My <job>", method="DELETE"))[0] == 200
    assert (await api("slurm", "templates", "My <job>", method="DELETE"))[0] == 404
