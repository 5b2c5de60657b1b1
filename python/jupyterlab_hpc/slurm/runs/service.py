"""Notebook runs: submit a notebook (or a sweep of it) as one Slurm job, list runs, re-run failed tasks.

A run is one notebook executed by papermill in a Slurm job: a single job for one parameter set,
one job array (``--array=0-(N-1)%K``) for a sweep of N sets. Everything is checked before anything
is written: the notebook (inside the root, a valid notebook), the kernel (one this server knows),
each parameter value (parsed to its type), the task count (site cap and the cluster's
MaxArraySize), the output folder (inside the root, writable) and the sbatch options (the submit
form's rules). Then the run's folder is written, the job goes through the backend's ``submit``
(the same sbatch path as the submit form) and the run is recorded in the user's store.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import nbformat

from ... import errors
from ...clonenotebooks.clone import read_notebook
from ...offload import blocking
from ...validate import CONTROL_CLASS, RootPaths, check_path_text
from ..config import Slurm
from ..interface import SlurmBackend
from ..records import Accounted, Submission
from ..submit import check_options
from . import script, states, task
from .outputs import MAX_NOTEBOOK_BYTES, OutputReader, OutputState
from .parameters import describe, parse_parameters
from .store import RunStore
from .sweep import Sweep, array_spec, parse_sweep

log = logging.getLogger("jupyterlab_hpc")

RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
RUNS_FOLDER = ".runs"  # inside the output folder: each run's JSON file and notebook snapshot
MAX_SPEC_BYTES = 32 * 1024 * 1024
# Options a run sets itself: the array from the sweep, the log beside the output notebooks.
OWN_OPTIONS = {
    "array": "the sweep sets the job array",
    "output": "the log goes beside the output notebooks",
    "error": "the log goes beside the output notebooks",
}
# The job name: no control characters (validate.CONTROL_CHARS), no shell characters, no leading '-'.
_UNSAFE_NAME = re.compile(rf"[{CONTROL_CLASS};`$]|^-")


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def check_run_id(value: str) -> str:
    if not RUN_ID.match(value):
        raise errors.InvalidInput(f"'{value[:60]}' is not a notebook run id.")
    return value


def log_name(stem: str, array: bool) -> str:
    """The Slurm log's file name pattern: ``%`` in the notebook's name is kept literal."""
    safe = stem.replace("%", "%%").replace("\\", "_")
    return f"{safe}-%A_%a.log" if array else f"{safe}-%j.log"


def log_file(stem: str, job_id: str, index: int | None) -> str:
    """The log of one task, as Slurm names it from :func:`log_name`."""
    stem = stem.replace("\\", "_")
    return f"{stem}-{job_id}.log" if index is None else f"{stem}-{job_id}_{index}.log"


class NotebookRuns:
    def __init__(self, config: Slurm, backend: SlurmBackend, root_dir: str, kernel_spec_manager: Any, store: RunStore):
        self.config = config
        self.backend = backend
        self.paths = RootPaths(root_dir)
        self.ksm = kernel_spec_manager
        self.store = store
        self.outputs = OutputReader()
        self._final: dict[tuple[str, int | None], Accounted] = {}  # accounting's final answers
        self._settled: dict[tuple[str, int], dict[str, int]] = {}  # counts of runs that ended, per submission count

    # ------------------------------------------------------------------ checks
    def kernels(self) -> list[dict[str, str]]:
        """The kernels this server knows (blocking: reads kernel.json files)."""
        if self.ksm is None:
            return []
        found = []
        for name in sorted(self.ksm.find_kernel_specs()):
            try:
                spec = self.ksm.get_kernel_spec(name)
            except Exception as error:  # noqa: BLE001 (a broken kernel folder is not offered)
                log.warning("jupyterlab-hpc: kernel %s is not offered for runs: %s", name, error)
                continue
            found.append({"name": name, "display_name": spec.display_name, "language": spec.language})
        return found

    def _notebook(self, path: Any) -> tuple[Path, nbformat.NotebookNode]:
        if not isinstance(path, str):
            raise errors.InvalidInput("Field 'path' must be the notebook's path.")
        disk = self.paths.to_disk(check_path_text(path), "path")
        if not disk.exists():
            raise errors.NotFound(f"There is no notebook '{path}'.")
        if not disk.is_file():
            raise errors.InvalidNotebook(f"'{path}' is not a notebook file.")
        return disk, read_notebook(disk, MAX_NOTEBOOK_BYTES)  # the gallery's reader: 422 if not a valid notebook

    def _kernel(self, requested: Any, nb: nbformat.NotebookNode) -> dict[str, str]:
        known = self.kernels()
        names = [k["name"] for k in known]
        if requested is not None and not isinstance(requested, str):
            raise errors.InvalidInput("Field 'kernel' must be a kernel name.")
        name = requested or (nb.metadata.get("kernelspec") or {}).get("name")
        if not name:
            raise errors.InvalidInput(f"The notebook names no kernel; choose one of: {', '.join(names) or 'none'}.")
        for kernel in known:
            if kernel["name"] == name:
                return kernel
        raise errors.InvalidInput(
            f"Kernel '{name[:80]}' is not known to this server; known kernels: {', '.join(names) or 'none'}."
        )

    def _output_dir(self, requested: Any, notebook: Path) -> Path:
        if requested in (None, ""):
            disk = notebook.parent / "runs"
            shown = self.paths.to_api(disk)
        else:
            if not isinstance(requested, str):
                raise errors.InvalidInput("Field 'output_dir' must be a folder path.")
            disk, shown = self.paths.to_disk(requested, "output_dir"), requested
        if disk.exists() and not disk.is_dir():
            raise errors.InvalidInput(f"The output folder '{shown}' is a file, not a folder.")
        try:
            disk.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise errors.Forbidden(f"Cannot create the output folder '{shown}': {error.strerror}.") from None
        if not os.access(disk, os.W_OK | os.X_OK):
            raise errors.Forbidden(f"The output folder '{shown}' is not writable for you.")
        return disk

    def _options(self, raw: Any) -> list[tuple[str, str | bool]]:
        if isinstance(raw, dict):
            for key, why in OWN_OPTIONS.items():
                if raw.get(key) not in (None, ""):
                    raise errors.InvalidInput(f"Option '{key}' cannot be set for a notebook run: {why}.")
        return check_options(raw, self.config.submit_flags)

    def _throttle(self, raw: Any, count: int) -> int | None:
        if raw is None:
            throttle = self.config.sweep_throttle
        elif isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1:
            throttle = raw
        else:
            raise errors.InvalidInput("Field 'throttle' must be a whole number of at least 1 (tasks running at once).")
        return throttle if 0 < throttle < count else None

    async def task_cap(self) -> tuple[int, int | None]:
        """``(most tasks per sweep, the cluster's MaxArraySize or None if unknown)``."""
        try:
            max_array = await self.backend.max_array_size()
        except errors.HpcError as error:
            log.info("jupyterlab-hpc: MaxArraySize unknown (%s); using c.Slurm.max_sweep_tasks", error)
            max_array = None
        cap = self.config.max_sweep_tasks
        return (min(cap, max_array) if max_array else cap), max_array

    # ------------------------------------------------------------------ the dialog
    async def form(self, path: Any) -> dict[str, Any]:
        """What the "Run as Slurm job" dialog needs for one notebook."""
        disk, nb = await blocking(self._notebook, path)
        cap, max_array = await self.task_cap()
        kernels = await blocking(self.kernels)
        own = (nb.metadata.get("kernelspec") or {}).get("name")
        return {
            "path": self.paths.to_api(disk),
            "kernel": own if any(k["name"] == own for k in kernels) else None,
            "notebook_kernel": own,
            "kernels": kernels,
            "parameters": describe(nb),
            "output_dir": self.paths.to_api(disk.parent / "runs"),
            "max_tasks": cap,
            "max_array_size": max_array,
            "throttle": self.config.sweep_throttle,
        }

    # ------------------------------------------------------------------ submit
    def _prepare(self, body: dict[str, Any], cap: int) -> dict[str, Any]:
        """Check the request and write the run's folder (blocking); nothing is written if a check fails."""
        disk, nb = self._notebook(body.get("path"))
        kernel = self._kernel(body.get("kernel"), nb)
        known = {p["name"]: p for p in describe(nb)}
        base = parse_parameters(body.get("parameters"), known)
        sweep = parse_sweep(body.get("sweep"), known, cap)
        array = sweep is not None
        tasks = sweep.tasks(base) if sweep else [base]
        throttle = self._throttle(body.get("throttle"), len(tasks)) if array else None
        options = self._options(body.get("options"))
        # The tasks run the notebook as submitted, with the chosen kernel recorded in it.
        nb.metadata["kernelspec"] = nbformat.from_dict(dict(kernel))
        text = nbformat.writes(nb)
        if len(text) + sum(len(str(t)) for t in tasks) > MAX_SPEC_BYTES:
            raise errors.TooLarge("The notebook and its parameter sets are too large for one run.")
        output_dir = self._output_dir(body.get("output_dir"), disk)  # the first thing written

        run_id = new_run_id()
        run_dir = output_dir / RUNS_FOLDER / run_id
        stem = disk.stem
        spec = {
            "version": 1,
            "run_id": run_id,
            "notebook": str(disk),
            "cwd": str(disk.parent),
            "kernel": kernel["name"],
            "output_dir": str(output_dir),
            "stem": stem,
            "array": array,
            "tasks": tasks,
        }
        try:
            script.write_run_files(run_dir, spec, text)
        except OSError as error:
            raise errors.Forbidden(
                f"Cannot write the run's files in '{self.paths.to_api(output_dir)}': {error.strerror or error}."
            ) from None
        return {
            "run_id": run_id,
            "notebook": self.paths.to_api(disk),
            "stem": stem,
            "kernel": kernel["name"],
            "output_dir": output_dir,
            "run_dir": run_dir,
            "parameters": base,
            "sweep": sweep,
            "array": array,
            "count": len(tasks),
            "throttle": throttle,
            "options": options,
            "raw_options": body.get("options") or {},
        }

    def _submission(self, prepared: dict[str, Any], indices: list[int] | None) -> Submission:
        options = list(prepared["options"])
        names = {key for key, _ in options}
        if "job-name" not in names:
            options.append(("job-name", _UNSAFE_NAME.sub("_", prepared["stem"])[:200] or "notebook"))
        if prepared["array"]:
            every = list(range(prepared["count"]))
            options.append(("array", array_spec(indices if indices is not None else every, prepared["throttle"])))
        log_path = Path(prepared["output_dir"]) / log_name(prepared["stem"], prepared["array"])
        options.append(("output", str(log_path)))
        options.append(("chdir", str(prepared["run_dir"])))
        text = script.job_script(self.config.notebook_python, self.config.notebook_prelude, prepared["run_id"])
        return Submission(text, options, str(prepared["run_dir"]))

    async def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        cap, _ = await self.task_cap()
        prepared = await blocking(self._prepare, body, cap)
        try:
            submitted = await self.backend.submit(self._submission(prepared, None))
        except BaseException:
            await blocking(_remove_run_dir, prepared["run_dir"])  # Slurm refused: leave nothing behind
            raise
        now = time.time()
        sweep: Sweep | None = prepared["sweep"]
        record = {
            "id": prepared["run_id"],
            "created": now,
            "notebook": prepared["notebook"],
            "stem": prepared["stem"],
            "kernel": prepared["kernel"],
            "output_dir": self.paths.to_api(prepared["output_dir"]),
            "run_dir": self.paths.to_api(prepared["run_dir"]),
            "parameters": prepared["parameters"],
            "sweep": sweep.to_json() if sweep else None,
            "array": prepared["array"],
            "task_count": prepared["count"],
            "throttle": prepared["throttle"],
            "options": prepared["raw_options"],
            "cluster": submitted.get("cluster"),
            "jobs": [{"id": submitted["id"], "tasks": None, "submitted": now}],
        }
        await blocking(self.store.add, record)
        return {"id": record["id"], "job_id": submitted["id"], "tasks": prepared["count"], "run": record}

    # ------------------------------------------------------------------ rerun
    async def rerun(self, run_id: str, body: dict[str, Any]) -> dict[str, Any]:
        run = await blocking(self.store.get, check_run_id(run_id))
        detail = await self.detail(run)
        by_index = {t["index"]: t for t in detail["tasks"]}
        requested = body.get("tasks")
        if requested is None:
            indices = [t["index"] for t in detail["tasks"] if states.is_failed(t["state"])]
            if not indices:
                raise errors.Conflict("No task of this run has failed: nothing to re-run.")
        else:
            if not isinstance(requested, list) or not requested or len(requested) > run["task_count"]:
                raise errors.InvalidInput("Field 'tasks' must be a non-empty list of task numbers of this run.")
            indices = []
            for index in requested:
                if not isinstance(index, int) or isinstance(index, bool) or index not in by_index:
                    raise errors.InvalidInput(
                        f"Task {str(index)[:20]} is not a task of this run (0-{run['task_count'] - 1})."
                    )
                if states.is_active(by_index[index]["state"]):
                    raise errors.Conflict(
                        f"Task {index} is still {by_index[index]['state'].lower()}; it cannot be re-run now."
                    )
                indices.append(index)
            indices = sorted(set(indices))
        if not run["array"] and indices != [0]:
            raise errors.InvalidInput("A single run has one task, number 0.")
        prepared = await blocking(self._reload, run)
        submission = self._submission(prepared, indices)
        submitted = await self.backend.submit(submission)
        job = {"id": submitted["id"], "tasks": indices, "submitted": time.time()}
        run = await blocking(self.store.add_job, run["id"], job)
        return {"id": run["id"], "job_id": submitted["id"], "tasks": indices}

    def _reload(self, run: dict[str, Any]) -> dict[str, Any]:
        """What a re-run submits: the run's own folder (its parameter sets and notebook snapshot)."""
        run_dir = self.paths.to_disk(run["run_dir"], "run_dir")
        if not (run_dir / task.SPEC_NAME).is_file():
            raise errors.Conflict(f"The run's files in '{run['run_dir']}' are gone; submit the notebook again.")
        return {
            "run_id": run["id"],
            "stem": run["stem"],
            "output_dir": self.paths.to_disk(run["output_dir"], "output_dir"),
            "run_dir": run_dir,
            "array": run["array"],
            "count": run["task_count"],
            "throttle": run.get("throttle"),
            "options": self._options(run.get("options") or {}),
        }

    # ------------------------------------------------------------------ states
    async def _queue(self) -> tuple[list[dict[str, Any]], str | None]:
        try:
            jobs = await self.backend.list_jobs("mine")
            return (await blocking(jobs.as_dict))["jobs"], None
        except errors.HpcError as error:
            return [], str(error)

    async def _accounting(self, wanted: set[str]) -> tuple[dict[tuple[str, int | None], Accounted], str | None]:
        if not wanted:
            return {}, None
        try:
            found = await self.backend.accounting(sorted(wanted))
        except errors.HpcError as error:
            return {}, str(error)
        if found is None:
            return {}, "this cluster keeps no job accounting"
        for key, record in found.items():
            if not states.is_active(record["state"]):
                self._final[key] = record
        while len(self._final) > 200_000:
            self._final.pop(next(iter(self._final)))
        return found, None

    @staticmethod
    def attempts(run: dict[str, Any]) -> dict[int, tuple[str, int]]:
        """Each task's latest submission: ``index -> (job id, number of submissions)``."""
        latest: dict[int, tuple[str, int]] = {}
        for job in run.get("jobs") or []:
            indices = job.get("tasks")
            for index in range(run["task_count"]) if indices is None else indices:
                latest[index] = (str(job["id"]), latest.get(index, ("", 0))[1] + 1)
        return latest

    async def _states(self, runs: list[dict[str, Any]]) -> dict[str, Any]:
        """Task states of several runs with one squeue, at most one sacct and one file-reading pass.
        The per-task work runs on a worker thread: a sweep may have 10,000 tasks."""
        queue, queue_error = await self._queue()
        plan = await blocking(self._plan, runs, queue)
        accounted, accounting_error = await self._accounting(plan["unknown"])
        plan["accounted"] = {**self._final, **accounted}
        plan["outputs"] = await blocking(self._read_outputs, runs, plan["latest"], plan["queued"], plan["accounted"])
        plan["queue_error"] = queue_error
        plan["accounting_error"] = accounting_error if plan["unknown"] else None
        return plan

    def _plan(self, runs: list[dict[str, Any]], queue: list[dict[str, Any]]) -> dict[str, Any]:
        """Which tasks the queue knows, each task's latest job, and the jobs to ask accounting about."""
        job_ids = {str(job["id"]) for run in runs for job in run.get("jobs") or []}
        queued = states.queue_index(queue, job_ids)
        latest = {run["id"]: self.attempts(run) for run in runs}
        unknown = set()
        for run in runs:
            for index, (job_id, _) in latest[run["id"]].items():
                key = (job_id, index if run["array"] else None)
                if key not in queued and key not in self._final:
                    unknown.add(job_id)
        return {"queued": queued, "latest": latest, "unknown": unknown}

    def _read_outputs(self, runs, latest, queued, accounted) -> dict[tuple[str, int], OutputState]:
        """Output notebooks of tasks that ended other than COMPLETED (their error), or with no accounting."""
        found: dict[tuple[str, int], OutputState] = {}
        for run in runs:
            try:
                output_dir = self.paths.to_disk(run["output_dir"], "output_dir")
            except errors.HpcError:
                continue
            for index, (job_id, _) in latest[run["id"]].items():
                key = (job_id, index if run["array"] else None)
                if key in queued:
                    continue
                record = accounted.get(key)
                if record is not None and (record["state"] == states.COMPLETED or states.is_active(record["state"])):
                    continue
                name = task.output_name(run["stem"], job_id, index if run["array"] else None)
                found[(run["id"], index)] = self.outputs.state(output_dir / name)
        return found

    def _task(self, run: dict[str, Any], index: int, params: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
        job_id, attempts = known["latest"][run["id"]][index]
        key = (job_id, index if run["array"] else None)
        output = known["outputs"].get((run["id"], index))
        state = states.resolve(known["queued"].get(key), known["accounted"].get(key), output)
        output_dir = run["output_dir"].rstrip("/")
        prefix = f"{output_dir}/" if output_dir else ""
        task_id = index if run["array"] else None
        return {
            "index": index,
            "values": params,
            "job_id": job_id,
            "slurm_id": f"{job_id}_{index}" if run["array"] else job_id,
            "attempts": attempts,
            **state,
            "output": prefix + task.output_name(run["stem"], job_id, task_id),
            "log": prefix + log_file(run["stem"], job_id, task_id),
            "error": output["error"] if output else None,
            "output_note": output["unreadable"] if output else None,
        }

    def _swept_values(self, run: dict[str, Any]) -> list[dict[str, Any]]:
        sweep = run.get("sweep")
        if not sweep:
            return [{}]
        return Sweep(sweep["mode"], sweep["values"]).tasks({})

    def _tasks(self, run: dict[str, Any], known: dict[str, Any]) -> list[dict[str, Any]]:
        return [self._task(run, index, values, known) for index, values in enumerate(self._swept_values(run))]

    async def detail(self, run: dict[str, Any]) -> dict[str, Any]:
        known = await self._states([run])
        tasks = await blocking(self._tasks, run, known)
        return {**run, "tasks": tasks, "counts": _counts(tasks), **_notes(known)}

    async def get(self, run_id: str) -> dict[str, Any]:
        return await self.detail(await blocking(self.store.get, check_run_id(run_id)))

    async def list(self) -> dict[str, Any]:
        runs = await blocking(self.store.all)
        # A run whose every task has its final state from accounting or its notebook keeps its
        # counts until it is re-run: only the runs still moving are asked about again.
        moving = [run for run in runs if _settle_key(run) not in self._settled]
        known = await self._states(moving)
        counted = await blocking(self._count, moving, known)
        listed = [{**run, "counts": counted.get(run["id"]) or self._settled[_settle_key(run)]} for run in runs]
        return {"runs": listed, **_notes(known)}

    def _count(self, runs: list[dict[str, Any]], known: dict[str, Any]) -> dict[str, dict[str, int]]:
        counted = {}
        for run in runs:
            tasks = [self._task(run, index, {}, known) for index in range(run["task_count"])]
            counted[run["id"]] = counts = _counts(tasks)
            if all(t["source"] in ("accounting", "notebook") and not states.is_active(t["state"]) for t in tasks):
                self._settled[_settle_key(run)] = counts
        while len(self._settled) > 10_000:
            self._settled.pop(next(iter(self._settled)))
        return counted


def _settle_key(run: dict[str, Any]) -> tuple[str, int]:
    return (run["id"], len(run.get("jobs") or []))


def _counts(tasks: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in tasks:
        counts[item["state"]] = counts.get(item["state"], 0) + 1
    return counts


def _notes(known: dict[str, Any]) -> dict[str, Any]:
    return {"queue_error": known["queue_error"], "accounting_error": known["accounting_error"]}


def _remove_run_dir(run_dir: Path) -> None:
    for child in run_dir.iterdir():
        child.unlink()
    run_dir.rmdir()
