"""Notebook runs benchmark (issue 14).

    .venv/bin/python benchmarks/bench_slurm_runs.py [--runs 5] [--tasks 1000] [--executions 7]

1. Submitting a sweep of --tasks tasks: POST hpc/slurm/notebook-runs (held, so nothing runs) vs the raw
   ``sbatch --array=0-(N-1)%50 --hold`` of the same job script: one sbatch per sweep (the answer is one array
   job of N tasks). Then GET notebook-runs/{id} of that run, with the tasks' states from the queue.
   Each job is cancelled at once.
2. The task wrapper's cost: the same tiny notebook run --executions times with papermill's command line
   (``python -m papermill IN OUT -p x 1 -k python3 --cwd DIR``) and with the job script of a notebook run
   (bash, the task runner reading run.json, papermill's API), interleaved, on this machine (outside Slurm:
   Slurm's own start-up is the same for both). Median of each and their difference.
Needs the local cluster (scripts/local-slurm start).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
from slurm_bench_common import VENV_BIN, machine, median, our_server, print_table

from jupyterlab_hpc.slurm.runs import script
from jupyterlab_hpc.slurm.runs.script import job_script

NOTEBOOK = "sweep.ipynb"


def write_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x: int = 1\nlabel = 'a'\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("print(x * 2, label)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / NOTEBOOK
    path.write_text(nbformat.writes(nb))
    return path


def submissions(server, tasks: int, runs: int) -> dict:
    write_notebook(Path(server.root))
    body = {
        "path": NOTEBOOK,
        "sweep": {"mode": "grid", "values": {"x": {"start": 1, "stop": tasks}}},
        "options": {"hold": True, "time": "1", "job-name": "hpc-bench-runs"},
    }
    posts, raws, details, ids = [], [], [], []
    raw_script = Path(server.root) / "raw.sh"
    try:
        for _ in range(runs):
            started = time.perf_counter()
            status, answer = server.request("hpc/slurm/notebook-runs", "POST", body)
            posts.append(time.perf_counter() - started)
            assert status == 201, answer
            run = json.loads(answer)
            ids.append(run["job_id"])
            assert run["tasks"] == tasks
            # the same job script through sbatch directly
            raw_script.write_text(job_script(str(VENV_BIN / "python"), "", run["id"]))
            started = time.perf_counter()
            raw = subprocess.run(
                ["sbatch", "--parsable", "--hold", "-t", "1", "-J", "hpc-bench-runs", f"--array=0-{tasks - 1}%50",
                 "-o", "/dev/null", str(raw_script)],
                capture_output=True, text=True, check=True, cwd=server.root,
            )  # fmt: skip
            raws.append(time.perf_counter() - started)
            ids.append(raw.stdout.strip().split(";")[0])
            started = time.perf_counter()
            status, answer = server.request(f"hpc/slurm/notebook-runs/{run['id']}")
            details.append(time.perf_counter() - started)
            detail = json.loads(answer)
            assert status == 200 and len(detail["tasks"]) == tasks, answer[:300]
            assert {t["job_id"] for t in detail["tasks"]} == {run["job_id"]}
            subprocess.run(["scancel", *ids[-2:]], check=False)
    finally:
        subprocess.run(["scancel", *ids], check=False)
    return {"post": posts, "raw": raws, "detail": details, "bytes": len(answer)}


def wrapper_overhead(executions: int) -> dict:
    python = str(VENV_BIN / "python")
    with tempfile.TemporaryDirectory(prefix="hpc-bench-wrapper-") as tmp:
        folder = Path(tmp)
        notebook = write_notebook(folder)
        run_dir = folder / "runs" / ".runs" / "bench"
        spec = {"version": 1, "run_id": "bench", "notebook": str(notebook), "cwd": str(folder), "kernel": "python3",
                "output_dir": str(folder / "runs"), "stem": "sweep", "array": True, "tasks": [{"x": 1}]}  # fmt: skip
        script.write_run_files(run_dir, spec, notebook.read_text())
        (folder / "job.sh").write_text(script.job_script(python, "", "bench"))
        direct, wrapped, direct_cpu, wrapped_cpu = [], [], [], []
        env = {**os.environ, "SLURM_ARRAY_TASK_ID": "0", "SLURM_JOB_ID": "1"}
        for i in range(executions):
            started, cpu = time.perf_counter(), children_cpu()
            subprocess.run(
                [python, "-m", "papermill", str(notebook), str(folder / f"direct-{i}.ipynb"), "-p", "x", "1",
                 "-k", "python3", "--cwd", str(folder), "--log-output", "--no-progress-bar"],
                check=True, capture_output=True,
            )  # fmt: skip
            direct.append(time.perf_counter() - started)
            direct_cpu.append(children_cpu() - cpu)
            started, cpu = time.perf_counter(), children_cpu()
            subprocess.run(
                ["bash", str(folder / "job.sh")],
                check=True, capture_output=True, cwd=run_dir, env={**env, "SLURM_ARRAY_JOB_ID": str(i)},
            )  # fmt: skip
            wrapped.append(time.perf_counter() - started)
            wrapped_cpu.append(children_cpu() - cpu)
            assert (folder / "runs" / f"sweep-{i}_0.ipynb").is_file()
    return {"direct": direct, "wrapped": wrapped, "direct_cpu": direct_cpu, "wrapped_cpu": wrapped_cpu}


def children_cpu() -> float:
    """CPU seconds (user + system) of every waited-for descendant so far: the kernels included.
    Less sensitive than wall time to a machine busy with other work."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--executions", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    store = tempfile.mkdtemp(prefix="hpc-bench-runs-")
    server = our_server(f"--Slurm.runs_store_path={store}/runs.json", "--Slurm.min_refresh_interval=0")
    try:
        sub = submissions(server, args.tasks, args.runs)
    finally:
        server.stop()
    ms = lambda values: f"{median(values) * 1000:.0f} ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"  # noqa: E731
    print_table(
        f"A {args.tasks}-task sweep, {args.runs} runs: median (min-max), ms",
        [(ms(sub["post"]), ms(sub["raw"]), ms(sub["detail"]), f"{sub['bytes'] / 1024:.0f}")],
        ("POST notebook-runs (1 sbatch)", f"raw sbatch --array=0-{args.tasks - 1}%50", "GET notebook-runs/{id}",
         "detail answer (KiB)"),
    )  # fmt: skip
    over = wrapper_overhead(args.executions)
    diff = lambda a, b: f"{(median(over[a]) - median(over[b])) * 1e3:+.0f}"  # noqa: E731
    print_table(
        f"One task of a tiny notebook, {args.executions} executions each, interleaved: median (min-max), ms",
        [
            ("wall time", ms(over["direct"]), ms(over["wrapped"]), diff("wrapped", "direct")),
            ("CPU time (all processes)", ms(over["direct_cpu"]), ms(over["wrapped_cpu"]),
             diff("wrapped_cpu", "direct_cpu")),
        ],
        ("", "papermill CLI", "notebook run's job script", "wrapper overhead (median difference)"),
    )  # fmt: skip


if __name__ == "__main__":
    main()
