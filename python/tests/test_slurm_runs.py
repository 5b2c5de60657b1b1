"""Notebook runs and sweeps against the real local cluster: papermill in the job, one array per sweep.

The cluster has 2 CPUs shared with the other suites: the notebooks are tiny, every run of the main
test is submitted at once and waited for once, and whatever is left is cancelled.
"""

import asyncio
import json
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from test_slurm_jobs import no_leftover_jobs, scancel, scontrol_job  # noqa: F401 (autouse: cancel leftovers)

from jupyterlab_hpc.slurm.parse import parse_scontrol_records
from jupyterlab_hpc.slurm.runs.states import is_active

pytestmark = pytest.mark.slurm_cluster

NOTEBOOK = "compute.ipynb"
PARAMETERS = 'x: int = 1\ny = 0.5\nlabel = "plain"\n'
BODY = """\
if x == 99:
    raise ValueError(f"x must not be {x}")
result = x * 10 + y
print("result", result, "label", repr(label))
import os
print("leaked", sorted(k for k in os.environ if k.startswith(("JUPYTERHUB_", "JPY_")) or "TOKEN" in k.upper()))
"""


def write_notebook(folder, name=NOTEBOOK, parameters=PARAMETERS, body=BODY, kernel="python3"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Compute"), cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(nbformat.writes(nb))
    return folder / name


@pytest.fixture
def hpc_config(hpc_config, tmp_path):
    counter = tmp_path / "sbatch-calls"
    wrapper = tmp_path / "sbatch"
    real = subprocess.run(["which", "sbatch"], capture_output=True, text=True).stdout.strip()
    wrapper.write_text(f'#!/bin/bash\necho x >> "{counter}"\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    hpc_config["Slurm"] = {
        "commands": {"sbatch": str(wrapper)},
        "min_refresh_interval": 0.0,
        "runs_store_path": str(tmp_path / "state" / "slurm_runs.json"),
        "max_sweep_tasks": 8,
    }
    return hpc_config


def sbatch_calls(tmp_path):
    counter = tmp_path / "sbatch-calls"
    return len(counter.read_text().splitlines()) if counter.exists() else 0


@pytest.fixture
def submitted():
    job_ids = []
    yield job_ids
    if job_ids:
        scancel(*job_ids)


async def start(api, body, submitted):
    code, answer = await api("slurm", "notebook-runs", method="POST", body=body)
    assert code == 201, answer
    submitted.append(answer["job_id"])
    return answer


def in_queue(job_ids):
    out = subprocess.run(
        ["squeue", "-h", "-r", "-o", "%F %i", "-j", ",".join(job_ids)], capture_output=True, text=True
    ).stdout
    return [line.split()[1] for line in out.splitlines() if line.split()[0] in job_ids]


async def wait_done(job_ids, limit=360):
    """Until none of these jobs is in the queue (the shared cluster may run others' jobs first)."""
    deadline = time.monotonic() + limit
    while in_queue(job_ids):
        assert time.monotonic() < deadline, f"jobs still queued after {limit} s: {in_queue(job_ids)}"
        await asyncio.sleep(2)


async def run_detail(api, run_id, settled=True):
    """The run's detail; with ``settled``, once accounting has every task's final state (slurmdbd
    records a job's end a moment after squeue drops it, later on a busy machine)."""
    for _ in range(90):
        code, detail = await api("slurm", "notebook-runs", run_id)
        assert code == 200, detail
        if not settled or all(t["source"] == "accounting" and not is_active(t["state"]) for t in detail["tasks"]):
            return detail
        await asyncio.sleep(1)
    raise AssertionError(f"tasks not settled after 90 s: {[(t['state'], t['source']) for t in detail['tasks']]}")


def scontrol_records(job_id):
    out = subprocess.run(["scontrol", "show", "job", "-o", job_id], capture_output=True, text=True).stdout
    return parse_scontrol_records(out)


def sacct_tasks(job_id):
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-j", job_id, "--format=JobID"], capture_output=True, text=True
    ).stdout
    return sorted(out.split(), key=lambda i: int(i.partition("_")[2] or 0))


def created_by_shell(mark):
    return list(Path(mark).parent.glob(f"{Path(mark).name}-*"))


def executed(path):
    nb = json.loads(path.read_text())
    printed = "".join(
        "".join(out.get("text", "")) for cell in nb["cells"] for out in cell.get("outputs", []) if "text" in out
    )
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    return nb, printed, injected


async def test_runs_sweeps_failures_and_rerun(api, jp_root_dir, tmp_path, submitted, monkeypatch):
    # the server's secrets (a hub's token) must not reach the tasks: runs submit through the backend
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token-4242")
    monkeypatch.setenv("JPY_API_TOKEN", "jpy-token-4242")
    project = jp_root_dir / "project"
    write_notebook(project)
    mark = f"/tmp/hpc-runs-{uuid.uuid4().hex}"
    hostile = f"$(touch {mark}-a) `touch {mark}-b` ' \" ; touch {mark}-c\nsecond line \\ {{label}} %x"

    # Everything at once: a single run, a 2 x 3 grid, a zip sweep, a sweep with a failing task,
    # a hostile string. Then one wait.
    single = await start(api, {"path": "project/compute.ipynb", "parameters": {"x": 4, "label": "single"}}, submitted)
    grid = await start(
        api,
        {
            "path": "project/compute.ipynb",
            "sweep": {"mode": "grid", "values": {"x": [1, 2], "y": ["0.1", 0.2, 3]}},
            "options": {"time": "5", "job-name": "grid sweep"},
            "throttle": 4,
        },
        submitted,
    )
    zipped = await start(
        api,
        {"path": "project/compute.ipynb", "sweep": {"mode": "zip", "values": {"x": [5, 6], "label": ["a", "b"]}}},
        submitted,
    )
    failing = await start(
        api,
        {"path": "project/compute.ipynb", "output_dir": "elsewhere/out", "sweep": {"values": {"x": [7, 99]}}},
        submitted,
    )
    quoted = await start(api, {"path": "project/compute.ipynb", "parameters": {"label": hostile}}, submitted)
    assert sbatch_calls(tmp_path) == 5  # one sbatch per run, whatever its task count
    assert (single["tasks"], grid["tasks"], zipped["tasks"], failing["tasks"]) == (1, 6, 2, 2)

    records = scontrol_records(grid["job_id"])  # one array job, throttled, named as asked
    assert {r["ArrayJobId"] for r in records} == {grid["job_id"]} and records[0]["ArrayTaskThrottle"] == "4"
    job = records[0]
    assert job["JobName"] == "grid sweep" and job["TimeLimit"] == "00:05:00"
    assert job["WorkDir"] == str(project.resolve() / "runs" / ".runs" / grid["id"])
    assert "ArrayTaskId" not in scontrol_job(single["job_id"])  # a single run is a plain job

    code, listed = await api("slurm", "notebook-runs")
    assert code == 200 and [r["id"] for r in listed["runs"]][:5] == [
        quoted["id"],
        failing["id"],
        zipped["id"],
        grid["id"],
        single["id"],
    ]
    await wait_done(list(submitted))
    runs = project / "runs"

    # the single run: papermill's injected-parameters cell and the expected output
    nb, printed, injected = executed(runs / f"compute-{single['job_id']}.ipynb")
    assert "x = 4" in "".join(injected[0]["source"]) and "result 40.5 label 'single'" in printed
    # (the kernel gets JPY_PARENT_PID from papermill's kernel manager: its own, not the server's)
    assert "leaked [" in printed and "JUPYTERHUB_API_TOKEN" not in printed and "JPY_API_TOKEN" not in printed
    assert "token-4242" not in json.dumps(nb)  # (a bare "4242" also matches a timestamp's digits)
    run = nb["metadata"]["jupyterlab_hpc"]["run"]
    assert (run["job_id"], run["task_id"], run["run_id"]) == (single["job_id"], None, single["id"])
    detail = await run_detail(api, single["id"])
    assert detail["tasks"][0]["state"] == "COMPLETED" and detail["tasks"][0]["source"] == "accounting"
    assert detail["tasks"][0]["output"] == f"project/runs/compute-{single['job_id']}.ipynb"

    # the grid: 6 output notebooks, each with its own values, first parameter varying slowest
    detail = await run_detail(api, grid["id"])
    expected = [(1, 0.1), (1, 0.2), (1, 3.0), (2, 0.1), (2, 0.2), (2, 3.0)]
    assert [(t["values"]["x"], t["values"]["y"]) for t in detail["tasks"]] == expected
    assert detail["counts"] == {"COMPLETED": 6}
    assert sacct_tasks(grid["job_id"]) == [f"{grid['job_id']}_{i}" for i in range(6)]
    for index, (x, y) in enumerate(expected):
        path = runs / f"compute-{grid['job_id']}_{index}.ipynb"
        nb, printed, _ = executed(path)
        assert f"result {x * 10 + y} label 'plain'" in printed
        assert nb["metadata"]["jupyterlab_hpc"]["run"]["task_id"] == index
        assert detail["tasks"][index]["slurm_id"] == f"{grid['job_id']}_{index}"
        assert (runs / f"compute-{grid['job_id']}_{index}.log").is_file()

    # zip: pairs
    detail = await run_detail(api, zipped["id"])
    assert [t["values"] for t in detail["tasks"]] == [{"x": 5, "label": "a"}, {"x": 6, "label": "b"}]
    assert "result 60.5 label 'b'" in executed(runs / f"compute-{zipped['job_id']}_1.ipynb")[1]

    # the hostile value reached the notebook verbatim, and nothing ran in a shell
    _, printed, _ = executed(runs / f"compute-{quoted['job_id']}.ipynb")
    assert f"label {hostile!r}" in printed
    assert created_by_shell(mark) == []

    # the failing task: FAILED with the cell's error; the other task of the sweep completed
    detail = await run_detail(api, failing["id"])
    ok, bad = detail["tasks"]
    assert ok["state"] == "COMPLETED" and bad["state"] == "FAILED" and bad["exit_code"] == 1
    assert bad["error"] == {"ename": "ValueError", "evalue": "x must not be 99", "cell": 3, "cell_index": 3}
    assert bad["output"] == f"elsewhere/out/compute-{failing['job_id']}_1.ipynb"

    # re-run failed tasks: one array of only task 1, same parameter set
    calls = sbatch_calls(tmp_path)
    code, again = await api("slurm", "notebook-runs", failing["id"], "rerun", method="POST", body={})
    assert code == 201 and again["tasks"] == [1], again
    submitted.append(again["job_id"])
    assert sbatch_calls(tmp_path) == calls + 1
    await wait_done([again["job_id"]])
    assert sacct_tasks(again["job_id"]) == [f"{again['job_id']}_1"]
    detail = await run_detail(api, failing["id"])
    ok, bad = detail["tasks"]
    assert (ok["job_id"], ok["attempts"]) == (failing["job_id"], 1)
    assert (bad["job_id"], bad["attempts"], bad["state"]) == (again["job_id"], 2, "FAILED")
    assert bad["error"]["evalue"] == "x must not be 99"
    out = jp_root_dir / "elsewhere" / "out"
    assert (out / f"compute-{again['job_id']}_1.ipynb").is_file()
    assert not (out / f"compute-{again['job_id']}_0.ipynb").exists()

    # a completed task cannot be re-run as "failed"; an explicit list can
    code, answer = await api("slurm", "notebook-runs", grid["id"], "rerun", method="POST", body={})
    assert code == 409 and "nothing to re-run" in answer["message"]


async def test_runs_are_kept_in_the_users_store_file(api, jp_root_dir, hpc_config, submitted, tmp_path):
    """The store is a file under the data dir: what a restarted server reads back."""
    from jupyterlab_hpc.slurm.runs.store import RunStore

    write_notebook(jp_root_dir)
    run = await start(api, {"path": NOTEBOOK, "options": {"hold": True}}, submitted)
    stored = RunStore(hpc_config["Slurm"]["runs_store_path"], 10).get(run["id"])
    assert stored["jobs"][0]["id"] == run["job_id"] and stored["notebook"] == NOTEBOOK
    code, detail = await api("slurm", "notebook-runs", run["id"])
    assert code == 200 and detail["tasks"][0]["state"] == "PENDING" and detail["tasks"][0]["source"] == "queue"
    assert detail["tasks"][0]["reason"] == "JobHeldUser"


async def test_the_dialogs_form(api, jp_root_dir):
    write_notebook(jp_root_dir / "sub")
    code, form = await api("slurm", "notebook-parameters", params={"path": "sub/compute.ipynb"})
    assert code == 200, form
    assert form["kernel"] == "python3" and "python3" in [k["name"] for k in form["kernels"]]
    assert [(p["name"], p["kind"], p["value"]) for p in form["parameters"]] == [
        ("x", "int", 1),
        ("y", "float", 0.5),
        ("label", "str", "plain"),
    ]
    assert form["output_dir"] == "sub/runs" and form["max_tasks"] == 8 and form["max_array_size"] == 100001


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"kernel": "no-such-kernel"}, 400, "Kernel 'no-such-kernel' is not known to this server; known kernels: "),
        ({"parameters": {"x": "three"}}, 400, "Parameter 'x': 'three' is not a whole number"),
        ({"parameters": {"z": 1}}, 400, "no parameter 'z'"),
        ({"sweep": {"values": {"y": [1, "abc"]}}}, 400, "Parameter 'y': 'abc' is not a number"),
        ({"sweep": {"values": {"x": [1, 2, 3], "y": [1, 2, 3]}}}, 413, "makes 9 tasks; at most 8"),
        ({"sweep": {"values": {"x": {"start": 1, "stop": 100}}}}, 413, "the range has 100 values; at most 8"),
        ({"output_dir": "../outside"}, 403, "outside the Jupyter root"),
        ({"options": {"array": "0-3"}}, 400, "Option 'array' cannot be set for a notebook run"),
        ({"options": {"time": "abc"}}, 400, "Option 'time'"),
        ({"throttle": 0, "sweep": {"values": {"x": [1, 2]}}}, 400, "Field 'throttle'"),
        ({"path": "missing.ipynb"}, 404, "There is no notebook 'missing.ipynb'"),
        ({"path": "broken.ipynb"}, 422, "not valid JSON"),
        ({"path": "../etc/passwd"}, 403, "outside the Jupyter root"),
    ],
)
async def test_bad_requests_write_and_submit_nothing(api, jp_root_dir, tmp_path, body, status, message):
    write_notebook(jp_root_dir)
    (jp_root_dir / "broken.ipynb").write_text("{not json")
    code, answer = await api("slurm", "notebook-runs", method="POST", body={"path": NOTEBOOK, **body})
    assert code == status and message in answer["message"], answer
    assert sbatch_calls(tmp_path) == 0
    assert not (jp_root_dir / "runs").exists()
    assert (await api("slurm", "notebook-runs"))[1]["runs"] == []


async def test_slurm_refusing_the_job_leaves_no_run_behind(api, jp_root_dir):
    write_notebook(jp_root_dir)
    code, answer = await api(
        "slurm", "notebook-runs", method="POST", body={"path": NOTEBOOK, "options": {"partition": "nosuchpart"}}
    )
    assert code == 400 and "partition" in answer["message"].lower()
    assert list((jp_root_dir / "runs" / ".runs").iterdir()) == []
    assert (await api("slurm", "notebook-runs"))[1]["runs"] == []


async def test_unknown_runs_and_bad_reruns(api):
    assert (await api("slurm", "notebook-runs", "20250101-000000-abcdef"))[0] == 404
    code, answer = await api("slurm", "notebook-runs", "nope")
    assert code == 400 and "not a notebook run id" in answer["message"]
    code, _ = await api("slurm", "notebook-runs", "20250101-000000-abcdef", "rerun", method="POST", body={})
    assert code == 404
