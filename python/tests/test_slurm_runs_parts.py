"""Notebook runs, piece by piece (no Slurm): typed parameters, sweeps, the job script, states, outputs."""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from jupyterlab_hpc import errors
from jupyterlab_hpc.slurm.accounting import parse_states
from jupyterlab_hpc.slurm.runs import script, states, task
from jupyterlab_hpc.slurm.runs.outputs import OutputReader, summarize
from jupyterlab_hpc.slurm.runs.parameters import describe, kind_of, parse_parameters, parse_value
from jupyterlab_hpc.slurm.runs.store import RunStore
from jupyterlab_hpc.slurm.runs.sweep import array_spec, parse_sweep

PARAMETERS = """\
alpha: float = 0.5
n = 3
name = "x"  # the label
flag: bool = True
xs = [1, 2]
opt: Optional[int] = None
arr = np.zeros(3)
"""


def notebook(parameters=PARAMETERS, body="print(n * alpha)"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture
def known():
    return {p["name"]: p for p in describe(notebook())}


def test_parameters_are_described_as_papermill_infers_them(known):
    assert list(known) == ["alpha", "n", "name", "flag", "xs", "opt", "arr"]
    assert known["alpha"] | {} == {
        "name": "alpha",
        "type": "float",
        "kind": "float",
        "optional": False,
        "default": "0.5",
        "value": 0.5,
        "help": "",
    }
    assert (known["n"]["kind"], known["name"]["kind"], known["name"]["help"]) == ("int", "str", "the label")
    assert (known["flag"]["kind"], known["xs"]["kind"]) == ("bool", "list")
    assert (known["opt"]["kind"], known["opt"]["optional"]) == ("int", True)
    assert (known["arr"]["kind"], known["arr"]["value"]) == ("any", None)


@pytest.mark.parametrize(
    "type_name, expected",
    [
        ("float", ("float", False)),
        ("Optional[str]", ("str", True)),
        ("typing.Optional[int]", ("int", True)),
        ("list[int]", ("list", False)),
        ("Dict[str, int]", ("dict", False)),
        ("int | None", ("int", True)),
        ("np.ndarray", ("any", False)),
        ("NoneType", ("any", True)),
    ],
)
def test_kinds_of_type_names(type_name, expected):
    assert kind_of(type_name) == expected


@pytest.mark.timeout(20, method="thread")  # "thread": a regular expression cannot be interrupted
def test_type_names_are_read_in_linear_time():
    """A regular expression for "X | None" took seconds over blanks in an annotation."""
    assert kind_of("a" + " " * 100_000 + "b") == ("any", False)
    assert kind_of("int" + " " * 100_000 + "| None") == ("int", True)
    assert kind_of("a" + "\t" * 100_000 + "(") == ("any", False)


@pytest.mark.parametrize(
    "name, raw, value",
    [
        ("alpha", 2, 2.0),
        ("alpha", "1e-3", 0.001),
        ("alpha", " 0.25 ", 0.25),
        ("n", 7, 7),
        ("n", "-12", -12),
        ("name", "$(touch /tmp/x) `id` 'q' \"d\"\nnext", "$(touch /tmp/x) `id` 'q' \"d\"\nnext"),
        ("name", "42", "42"),
        ("flag", False, False),
        ("flag", "true", True),
        ("xs", [3, "a"], [3, "a"]),
        ("xs", "(1, 2)", [1, 2]),
        ("opt", None, None),
        ("opt", "None", None),
        ("opt", "5", 5),
        ("arr", {"any": ["json"]}, {"any": ["json"]}),
    ],
)
def test_values_are_parsed_to_the_parameters_type(known, name, raw, value):
    parsed = parse_value(known[name], raw)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    "name, raw",
    [
        ("alpha", "abc"),
        ("alpha", "nan"),
        ("alpha", True),
        ("n", 2.5),
        ("n", "2.5"),
        ("n", None),
        ("name", 3),
        ("flag", "yes"),
        ("xs", "not a list"),
        ("xs", "__import__('os')"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_parameter(known, name, raw):
    with pytest.raises(errors.InvalidInput, match=f"Parameter '{name}'"):
        parse_value(known[name], raw)


def test_unknown_parameter_names_are_refused_with_the_list(known):
    with pytest.raises(errors.InvalidInput, match="no parameter 'alhpa'.*alpha, n, name"):
        parse_parameters({"alhpa": 1}, known)
    with pytest.raises(errors.InvalidInput, match="has no cell tagged 'parameters'"):
        parse_parameters({"a": 1}, {})


def test_grid_sweep_makes_every_combination_first_name_slowest(known):
    sweep = parse_sweep({"mode": "grid", "values": {"n": [1, 2], "alpha": ["0.1", 0.2, 3]}}, known, 100)
    assert sweep.count == 6
    tasks = sweep.tasks({"name": "base", "n": 0})
    assert [(t["n"], t["alpha"]) for t in tasks] == [(1, 0.1), (1, 0.2), (1, 3.0), (2, 0.1), (2, 0.2), (2, 3.0)]
    assert all(t["name"] == "base" for t in tasks)


def test_zip_sweep_pairs_values_and_needs_equal_lengths(known):
    sweep = parse_sweep({"mode": "zip", "values": {"n": [1, 2, 3], "name": ["a", "b", "c"]}}, known, 100)
    assert sweep.tasks({}) == [{"n": 1, "name": "a"}, {"n": 2, "name": "b"}, {"n": 3, "name": "c"}]
    with pytest.raises(errors.InvalidInput, match="equal length.*n: 2, name: 1"):
        parse_sweep({"mode": "zip", "values": {"n": [1, 2], "name": ["a"]}}, known, 100)


def test_ranges_include_their_stop_and_keep_decimals_exact(known):
    sweep = parse_sweep({"values": {"alpha": {"start": 0, "stop": 1, "step": 0.1}}}, known, 100)
    assert sweep.tasks({})[3]["alpha"] == 0.3 and len(sweep.tasks({})) == 11
    sweep = parse_sweep({"values": {"n": {"start": 10, "stop": 1, "step": -3}}}, known, 100)
    assert [t["n"] for t in sweep.tasks({})] == [10, 7, 4, 1]
    with pytest.raises(errors.InvalidInput, match="whole numbers"):
        parse_sweep({"values": {"n": {"start": 0, "stop": 1, "step": 0.5}}}, known, 100)
    with pytest.raises(errors.InvalidInput, match="never gets"):
        parse_sweep({"values": {"n": {"start": 0, "stop": 5, "step": -1}}}, known, 100)
    with pytest.raises(errors.InvalidInput, match="number parameter"):
        parse_sweep({"values": {"name": {"start": 0, "stop": 5}}}, known, 100)


def test_sweeps_over_the_cap_are_refused_before_expanding(known):
    huge = {"values": {"n": {"start": 0, "stop": 10**12}}}
    with pytest.raises(errors.TooLarge, match="at most 1,000"):
        parse_sweep(huge, known, 1000)
    grid = {"values": {"n": list(range(100)), "alpha": list(range(100)), "xs": [[i] for i in range(100)]}}
    with pytest.raises(errors.TooLarge, match="makes 1,000,000 tasks; at most 1,000"):
        parse_sweep(grid, known, 1000)


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"mode": "cartesian", "values": {"n": [1]}}, "mode 'cartesian' is unknown"),
        ({"values": {}}, "at least one parameter"),
        ({"values": {"n": []}}, "non-empty list"),
        ({"values": {"n": [1, "x"]}}, "Parameter 'n'"),
        ({"values": {"m": [1]}}, "no parameter 'm'"),
        ([1, 2], "Field 'sweep'"),
    ],
)
def test_bad_sweeps(known, raw, message):
    with pytest.raises(errors.InvalidInput, match=message):
        parse_sweep(raw, known, 100)


@pytest.mark.parametrize(
    "indices, throttle, expected",
    [
        (list(range(1000)), 50, "0-999%50"),
        (list(range(6)), 50, "0-5"),
        ([7, 3, 8, 9, 0], None, "0,3,7-9"),
        ([4], 2, "4"),
    ],
)
def test_array_spec(indices, throttle, expected):
    assert array_spec(indices, throttle) == expected


def test_the_job_script_holds_no_request_value_and_runs_the_task_code():
    text = script.job_script("/opt/py env/bin/python", "module load python", "20250101-000000-abcdef")
    assert "exec '/opt/py env/bin/python' - run.json <<'JUPYTERLAB_HPC_TASK'" in text
    assert text.splitlines()[2] == "module load python"
    assert text.rstrip().endswith("\nJUPYTERLAB_HPC_TASK") and script.task_code() in text


def test_the_task_runner_runs_on_a_plain_python_with_papermill(tmp_path):
    """The job's Python needs papermill only: the runner's code imports nothing of this package."""
    code = script.task_code()
    assert "jupyterlab_hpc" not in code.replace("jupyterlab_hpc.run", "").replace('"jupyterlab_hpc"', "")
    spec = {"run_id": "r", "array": True, "tasks": [{}], "output_dir": str(tmp_path), "stem": "s", "kernel": "k"}
    (tmp_path / "run.json").write_text(json.dumps(spec))
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_JOB_ID": "9"}
    done = subprocess.run(
        [sys.executable, "-", "run.json"], input=code, text=True, capture_output=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 2 and "Task 5 does not exist in this run (it has 1 tasks)" in done.stdout


def test_output_names():
    assert task.output_name("analysis", "123", 4) == "analysis-123_4.ipynb"
    assert task.output_name("analysis", "123", None) == "analysis-123.ipynb"


def test_run_files_are_written_whole_or_not_at_all(tmp_path):
    run_dir = tmp_path / "runs" / ".runs" / "r1"
    script.write_run_files(run_dir, {"tasks": [{"a": 1}]}, "{}")
    assert json.loads((run_dir / "run.json").read_text()) == {"tasks": [{"a": 1}]}
    assert (run_dir / "notebook.ipynb").read_text() == "{}"
    with pytest.raises(OSError):
        script.write_run_files(run_dir, {}, "{}")
    assert sorted(p.name for p in run_dir.parent.iterdir()) == ["r1"]


def test_sacct_lines_by_job_and_task():
    out = (
        "216_0|COMPLETED|0:0|1796237230|1796237230\n216_1|FAILED|1:0|1796237233|1796237234\n"
        "216_[2-3%1]|PENDING|0:0|Unknown|Unknown\n300|CANCELLED by 0|0:15|1796237233|1796237239\n"
    )
    found = parse_states(out)
    assert found[("216", 1)] == {"state": "FAILED", "exit_code": 1, "signal": 0, "start": 1796237233, "end": 1796237234}
    assert found[("216", 3)]["state"] == "PENDING" and found[("300", None)]["state"] == "CANCELLED"


def test_queue_index_expands_pending_ranges():
    jobs = [
        {
            "id": "5_[3-4]",
            "array_job_id": "5",
            "array_task_id": "[3-4%2]",
            "state": "PENDING",
            "reason": "JobArrayTaskLimit",
        },
        {"id": "5_1", "array_job_id": "5", "array_task_id": "1", "state": "RUNNING", "reason": "None"},
        {"id": "6", "array_job_id": None, "array_task_id": None, "state": "PENDING", "reason": "Priority"},
        {"id": "7_0", "array_job_id": "7", "array_task_id": "0", "state": "RUNNING", "reason": "None"},
    ]
    index = states.queue_index(jobs, {"5", "6"})
    assert index == {
        ("5", 3): ("PENDING", "JobArrayTaskLimit"),
        ("5", 4): ("PENDING", "JobArrayTaskLimit"),
        ("5", 1): ("RUNNING", "None"),
        ("6", None): ("PENDING", "Priority"),
    }


def test_state_comes_from_the_queue_then_accounting_then_the_notebook():
    done = {"exists": True, "started": True, "finished": True, "failed": False, "error": None, "unreadable": None}
    accounted = {"state": "TIMEOUT", "exit_code": 0, "signal": 0, "start": 1, "end": 2}
    assert states.resolve(("RUNNING", "None"), accounted, done)["source"] == "queue"
    assert states.resolve(None, accounted, done)["state"] == "TIMEOUT"
    assert states.resolve(None, None, done) | {} == {
        "state": "COMPLETED",
        "reason": "",
        "source": "notebook",
        "exit_code": None,
        "start": None,
        "end": None,
    }
    assert states.resolve(None, None, {**done, "finished": False})["state"] == "ENDED"
    assert states.resolve(None, None, None)["state"] == "UNKNOWN"
    assert states.is_failed("TIMEOUT") and states.is_failed("ENDED") and not states.is_failed("PENDING")


@pytest.mark.timeout(60)
def test_the_failing_cells_error_is_read_from_the_output_notebook(tmp_path, fifo):
    nb = notebook()
    nb.metadata["papermill"] = {"start_time": "t", "end_time": "t", "exception": True}
    marker = nbformat.v4.new_markdown_cell("An Exception was encountered")
    marker.metadata["tags"] = ["papermill-error-cell-tag"]
    nb.cells.insert(0, marker)
    nb.cells[3].execution_count = 4
    nb.cells[3].outputs = [
        nbformat.v4.new_output("error", ename="ValueError", evalue="\x1b[31mbad n\x1b[0m", traceback=[])
    ]
    state = summarize(nb)
    assert state["failed"] and state["error"] == {"ename": "ValueError", "evalue": "bad n", "cell": 4, "cell_index": 2}
    path = tmp_path / "out.ipynb"
    path.write_text(nbformat.writes(nb))
    reader = OutputReader()
    assert reader.state(path)["error"]["ename"] == "ValueError"
    fifo(tmp_path / "fifo.ipynb")  # a planted pipe (with a writer) must not block the reader
    assert reader.state(tmp_path / "fifo.ipynb")["unreadable"] == "it is a named pipe, not a regular file"
    assert not reader.state(tmp_path / "missing.ipynb")["exists"]


def test_clean_system_exit_is_not_a_failure():
    nb = notebook()
    nb.metadata["papermill"] = {"start_time": "t", "end_time": "t", "exception": False}
    nb.cells[2].outputs = [nbformat.v4.new_output("error", ename="SystemExit", evalue="0", traceback=[])]
    assert not summarize(nb)["failed"]


def test_the_run_store_keeps_the_newest_runs(tmp_path):
    store = RunStore(str(tmp_path / "runs.json"), max_runs=3)
    for i in range(5):
        store.add({"id": f"r{i}", "created": i, "jobs": []})
    assert [r["id"] for r in store.all()] == ["r4", "r3", "r2"]
    store.add_job("r3", {"id": "9", "tasks": [1]})
    assert store.get("r3")["jobs"] == [{"id": "9", "tasks": [1]}]
    with pytest.raises(errors.NotFound):
        store.get("r0")
    (tmp_path / "runs.json").write_text("[1, 2]")  # damaged: set aside, not overwritten
    assert store.all() == [] and store.store.corrupt_backup is not None


class FakeBackend:
    """The two backend calls the runs' states use, counted."""

    def __init__(self, queue, accounting):
        self.queue, self.records, self.asked = queue, accounting, []

    async def list_jobs(self, scope):
        jobs = self.queue

        class Listed:
            def as_dict(self):
                return {"jobs": jobs}

        return Listed()

    async def accounting(self, job_ids):
        self.asked.append(job_ids)
        return None if self.records is None else {k: v for k, v in self.records.items() if k[0] in job_ids}


def stored_run(tmp_path, run_id, job_id, count, array=True):
    return {
        "id": run_id,
        "created": 1,
        "notebook": "nb.ipynb",
        "stem": "nb",
        "kernel": "python3",
        "output_dir": "out",
        "run_dir": f"out/.runs/{run_id}",
        "parameters": {},
        "array": array,
        "sweep": {"mode": "zip", "values": {"x": list(range(count))}} if array else None,
        "task_count": count,
        "throttle": None,
        "options": {},
        "jobs": [{"id": job_id, "tasks": None, "submitted": 1}],
    }


def ended(state, code=0):
    return {"state": state, "exit_code": code, "signal": 0, "start": 1, "end": 2}


async def test_runs_that_ended_are_counted_once(tmp_path):
    from jupyterlab_hpc.slurm.config import Slurm
    from jupyterlab_hpc.slurm.runs.service import NotebookRuns

    (tmp_path / "out").mkdir()
    store = RunStore(str(tmp_path / "runs.json"), 10)
    store.add(stored_run(tmp_path, "20260101-000000-aaaaaa", "10", 3))
    store.add(stored_run(tmp_path, "20260101-000000-bbbbbb", "11", 2))
    queue = [{"id": "11_1", "array_job_id": "11", "array_task_id": "1", "state": "RUNNING", "reason": "None"}]
    records = {
        ("10", 0): ended("COMPLETED"),
        ("10", 1): ended("COMPLETED"),
        ("10", 2): ended("FAILED", 1),
        ("11", 0): ended("COMPLETED"),
    }
    backend = FakeBackend(queue, records)
    runs = NotebookRuns(Slurm(), backend, str(tmp_path), None, store)
    listed = {r["id"]: r["counts"] for r in (await runs.list())["runs"]}
    assert listed == {
        "20260101-000000-aaaaaa": {"COMPLETED": 2, "FAILED": 1},
        "20260101-000000-bbbbbb": {"COMPLETED": 1, "RUNNING": 1},
    }
    assert backend.asked == [["10", "11"]]
    backend.queue = []
    backend.records[("11", 1)] = ended("TIMEOUT")
    listed = {r["id"]: r["counts"] for r in (await runs.list())["runs"]}
    assert listed["20260101-000000-bbbbbb"] == {"COMPLETED": 1, "TIMEOUT": 1}
    assert backend.asked[1:] == [["11"]]  # the ended run is not asked about again
    await runs.list()
    assert len(backend.asked) == 2  # both ended: nothing asked


async def test_without_accounting_the_output_notebook_tells(tmp_path):
    from jupyterlab_hpc.slurm.config import Slurm
    from jupyterlab_hpc.slurm.runs.service import NotebookRuns

    out = tmp_path / "out"
    out.mkdir()
    failed = notebook()
    failed.metadata["papermill"] = {"start_time": "t", "end_time": "t", "exception": True}
    failed.cells[2].outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="'a'", traceback=[])]
    (out / "nb-12_0.ipynb").write_text(nbformat.writes(failed))
    done = notebook()
    done.metadata["papermill"] = {"start_time": "t", "end_time": "t", "exception": False}
    (out / "nb-12_1.ipynb").write_text(nbformat.writes(done))
    (tmp_path / "elsewhere.ipynb").write_text(nbformat.writes(done))
    (out / "nb-12_2.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")  # not followed
    store = RunStore(str(tmp_path / "runs.json"), 10)
    store.add(stored_run(tmp_path, "20260101-000000-cccccc", "12", 4))
    runs = NotebookRuns(Slurm(), FakeBackend([], None), str(tmp_path), None, store)
    detail = await runs.get("20260101-000000-cccccc")
    assert detail["accounting_error"] == "this cluster keeps no job accounting"
    tasks = detail["tasks"]
    assert [(t["state"], t["source"]) for t in tasks] == [
        ("FAILED", "notebook"),
        ("COMPLETED", "notebook"),
        ("ENDED", "none"),
        ("UNKNOWN", "none"),
    ]
    assert tasks[0]["error"]["ename"] == "KeyError" and tasks[0]["output"] == "out/nb-12_0.ipynb"
    assert tasks[2]["output_note"] == "it is a symbolic link"
