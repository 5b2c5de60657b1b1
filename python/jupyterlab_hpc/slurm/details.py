"""One job's details: ``scontrol show job`` fields turned into the typed summary the panel shows."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import output
from .parse import NULLS, parse_count, parse_duration, parse_epoch, parse_user
from .records import ExitCode, JobSummary

# States in which a job has not ended yet: its ExitCode (0:0) means nothing so far.
ACTIVE_STATES = frozenset(
    """PENDING RUNNING CONFIGURING SUSPENDED REQUEUED REQUEUE_HOLD REQUEUE_FED RESIZING SIGNALING
    STAGE_OUT STOPPED RESV_DEL_HOLD SPECIAL_EXIT""".split()
)
_UNITS = {"K": 1, "M": 2, "G": 3, "T": 4, "P": 5}
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)([KMGTP]?)$")
_GRES = ("TresPerJob", "TresPerNode", "TresPerSocket", "TresPerTask")


def memory_bytes(text: str) -> int | None:
    """Slurm's memory size (``500M``, ``8G``, ``0``; no unit = megabytes; units are powers of 1024)."""
    match = _MEMORY.match(text.strip().upper())
    if not match:
        return None
    number, unit = match.groups()
    return int(float(number) * 1024 ** _UNITS.get(unit or "M", 2))


def exit_code(value: str, state: str) -> ExitCode | None:
    """``ExitCode=3:0`` -> ``{"code": 3, "signal": 0}``; None while the job has not ended."""
    code, _, signal = value.partition(":")
    if state in ACTIVE_STATES or not code.isdigit():
        return None
    return {"code": int(code), "signal": int(signal) if signal.isdigit() else 0}


def _text(fields: dict[str, str], key: str) -> str:
    value = fields.get(key, "")
    return "" if value in NULLS else value


def _memory(fields: dict[str, str]) -> tuple[str, str | None]:
    """The memory request as Slurm shows it, and what it is counted per."""
    per_cpu = _text(fields, "MinMemoryCPU")
    if per_cpu:
        return per_cpu, "cpu"
    per_gpu = _text(fields, "MemPerTres")  # --mem-per-gpu: "gres/gpu:4G" (or "gpu:4096")
    if "gpu" in per_gpu:
        return per_gpu.rpartition(":")[2], "gpu"
    per_node = _text(fields, "MinMemoryNode")
    return (per_node, "node") if per_node else ("", None)


def job_id(fields: dict[str, str], asked: str) -> str:
    """The id the queue shows for this record: ``123``, ``123_4``, ``123_[1-5]``."""
    array_job, task = _text(fields, "ArrayJobId"), _text(fields, "ArrayTaskId")
    if not array_job or not task:
        return fields.get("JobId") or asked
    task = task.partition("%")[0]  # "1-5%2": the throttle is not part of the id
    if task.isdigit():
        return f"{array_job}_{task}"
    base, _, asked_task = asked.partition("_")
    if base == array_job and asked_task.isdigit():
        return asked  # one task of a range Slurm has not split yet (squeue lists it as its own row)
    return f"{array_job}_[{task}]"


def summarize(fields: dict[str, str], asked: str, relative: Callable[[str], str | None]) -> JobSummary:
    """The typed summary of one ``scontrol show job -o`` record.

    ``asked`` is the id the client asked for (it names the task of an array whose
    record is still the whole array's); ``relative`` maps an absolute path to the
    Jupyter root (None outside it).
    """
    ident = job_id(fields, asked)
    array_job = _text(fields, "ArrayJobId") or None
    array_task = (ident.partition("_")[2] or None) if array_job else None
    state = _text(fields, "JobState")
    work_dir = _text(fields, "WorkDir")
    stdout = output.job_output_path(fields, "stdout", asked)
    stderr = output.job_output_path(fields, "stderr", asked)
    whole_array = bool(array_task and array_task.startswith("["))
    if whole_array:
        # An array not split into tasks yet: each task will have its own file, none of them is "the" file.
        stdout, stderr = (path.replace(output.NO_VAL, "%a") for path in (stdout, stderr))
    memory, memory_per = _memory(fields)
    gres = ",".join(value for key in _GRES if "gres" in (value := _text(fields, key)))
    return {
        "id": ident,
        "array_job_id": array_job,
        "array_task_id": array_task,
        "name": fields.get("JobName", ""),
        "user": parse_user(fields.get("UserId", "")),
        "account": _text(fields, "Account"),
        "partition": _text(fields, "Partition"),
        "qos": _text(fields, "QOS"),
        "state": state,
        "reason": _text(fields, "Reason"),
        "exit_code": exit_code(fields.get("ExitCode", ""), state),
        "submit_time": parse_epoch(fields.get("SubmitTime", "")),
        "eligible_time": parse_epoch(fields.get("EligibleTime", "")),
        "start_time": parse_epoch(fields.get("StartTime", "")),
        "end_time": parse_epoch(fields.get("EndTime", "")),
        "time_limit": parse_duration(fields.get("TimeLimit", "")),
        "run_time": parse_duration(fields.get("RunTime", "")) or 0,
        "nodes": parse_count(fields.get("NumNodes", "")),
        "nodelist": _text(fields, "NodeList"),
        "cpus": parse_count(fields.get("NumCPUs", "")),
        "memory": memory,
        "memory_per": memory_per,  # type: ignore[typeddict-item]
        "memory_bytes": memory_bytes(memory) if memory else None,
        "tres": _text(fields, "AllocTRES") or _text(fields, "TRES") or _text(fields, "ReqTRES"),
        "gres": gres,
        "work_dir": work_dir,
        "work_dir_path": relative(work_dir),
        "stdout": stdout,
        "stdout_path": None if whole_array else relative(stdout),
        "stderr": stderr,
        "stderr_path": None if whole_array else relative(stderr),
        "command": _text(fields, "Command"),
        "comment": _text(fields, "Comment"),
        "dependency": _text(fields, "Dependency"),
        "batch_host": _text(fields, "BatchHost"),
    }
