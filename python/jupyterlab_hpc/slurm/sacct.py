"""sacct: the arguments the history runs and the parser of what it prints (Slurm 22.05 to 25.x).

One line per job allocation and one per step (``123``, ``123.batch``, ``123.0``,
``123_4.extern``, ``123+1.batch``); steps carry the memory use (MaxRSS), the
allocation carries the request. Fields are separated by ``\\x1f`` (``--delimiter``),
which nobody types; free text (working directory, job name) comes last and the
submit line, which may hold newlines (``--wrap``), is the very last field, so that a
record is read field by field and never split at a newline inside it.
"""

from __future__ import annotations

import pwd
from functools import lru_cache
from typing import TypedDict

from . import units
from .parse import SEP

# (key, sacct field), in output order. Raw fields (ElapsedRaw, TimelimitRaw) where sacct has them.
FIELDS: list[tuple[str, str]] = [
    ("id", "JobID"),
    ("raw_id", "JobIDRaw"),
    ("state", "State"),
    ("exit_code", "ExitCode"),
    ("derived_exit_code", "DerivedExitCode"),
    ("submit", "Submit"),
    ("start", "Start"),
    ("end", "End"),
    ("elapsed", "ElapsedRaw"),
    ("time_limit", "TimelimitRaw"),
    ("cpus", "AllocCPUS"),
    ("nodes", "NNodes"),
    ("tasks", "NTasks"),
    ("total_cpu", "TotalCPU"),
    ("req_mem", "ReqMem"),
    ("max_rss", "MaxRSS"),
    ("usage_tot", "TRESUsageInTot"),
    ("alloc_tres", "AllocTRES"),
    ("partition", "Partition"),
    ("account", "Account"),
    ("qos", "QOS"),
    ("user", "User"),
    ("reason", "Reason"),
    ("nodelist", "NodeList"),
    ("work_dir", "WorkDir"),
    ("name", "JobName"),
    ("submit_line", "SubmitLine"),
]
FORMAT = ",".join(field for _, field in FIELDS)
_COUNT = len(FIELDS)

# Job states after which a job is over (Slurm's job_state_string; REVOKED: federation).
ENDED_STATES = frozenset(
    "BOOT_FAIL CANCELLED COMPLETED DEADLINE FAILED NODE_FAIL OUT_OF_MEMORY PREEMPTED TIMEOUT REVOKED".split()
)
# Ended states the history lets the user filter on, plus groups of them.
STATE_GROUPS = {
    "failed": ("FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE"),
    "cancelled": ("CANCELLED", "PREEMPTED", "REVOKED"),
    "completed": ("COMPLETED",),
}


def argv(since: str, user: str | None, job_id: str | None = None) -> list[str]:
    """sacct's arguments: all steps (no ``-X``: steps carry MaxRSS), one user, epoch times
    (the runner sets ``SLURM_TIME_FORMAT=%s``)."""
    args = ["--noheader", "--parsable2", f"--delimiter={SEP}", f"--format={FORMAT}"]
    if user is not None:
        args += ["-u", user]
    else:
        args += ["--allusers"]
    if job_id is not None:
        args += ["-j", job_id]
    else:
        args += [f"--starttime={since}", "--endtime=now"]
    return args


class ExitCode(TypedDict):
    code: int
    signal: int


class Step(TypedDict):
    """One step of a job (``GET history/{id}``)."""

    id: str  # "123.batch", "123_4.0"
    name: str  # "batch", "extern", the srun's name
    state: str
    exit_code: ExitCode | None
    start: int | None
    end: int | None
    elapsed: int | None  # seconds
    cpus: int | None
    nodes: int | None
    tasks: int | None
    total_cpu: float | None  # seconds of CPU used (user + system)
    max_rss: int | None  # bytes: the peak of the step's largest task
    mem_total: int | None  # bytes: the peaks of all its tasks added (TRESUsageInTot)
    nodelist: str


class Job(TypedDict):
    """One finished job of the history, its steps gathered (docs/slurm-api.md)."""

    id: str  # "123", "123_4", "123+0"
    raw_id: str
    array_job_id: str | None
    array_task_id: str | None
    name: str
    user: str
    account: str
    partition: str
    qos: str
    state: str  # the base state: "CANCELLED", never "CANCELLED by 1000"
    cancelled_by: str | None  # the user who cancelled it, when Slurm recorded one
    reason: str
    exit_code: ExitCode | None
    derived_exit_code: ExitCode | None  # the highest exit code of its steps
    submit: int | None
    start: int | None
    end: int | None
    elapsed: int | None
    time_limit: int | None  # seconds; None: unlimited (or the partition's limit, not recorded)
    cpus: int | None
    nodes: int | None
    nodelist: str
    total_cpu: float | None
    req_mem: str  # as sacct prints it ("4G", "500Mc" before 21.08)
    mem_requested: int | None  # bytes for the whole job; None: no request recorded
    mem_requested_per: str | None  # how Slurm counted it: "job" (21.08+), "node", "cpu"
    gpus: int | None  # allocated GPUs (AllocTRES gres/gpu)
    work_dir: str
    submit_line: str
    steps: list[Step]


def exit_code(text: str) -> ExitCode | None:
    code, _, signal = text.partition(":")
    if not code.isdigit():
        return None
    return {"code": int(code), "signal": int(signal) if signal.isdigit() else 0}


@lru_cache(maxsize=4096)
def user_name(uid: str) -> str:
    try:
        return pwd.getpwuid(int(uid)).pw_name
    except (KeyError, ValueError, OverflowError):
        return uid


def split_state(text: str) -> tuple[str, str | None]:
    """``CANCELLED by 1000`` -> ``("CANCELLED", "alice")``; ``CANCELLED+`` (cut) -> ``("CANCELLED", None)``."""
    if " " not in text and "+" not in text:
        return text, None
    state, _, by = text.strip().partition(" by ")
    return state.rstrip("+"), (user_name(by.strip()) if by.strip() else None)


def records(output: str) -> list[list[str]]:
    """sacct's output as lists of field values; newlines inside the last field survive."""
    if not output.strip():
        return []
    tokens = output.rstrip("\n").split(SEP)
    step = _COUNT - 1
    if (len(tokens) - 1) % step:
        raise ValueError(f"sacct printed {len(tokens)} fields, not a multiple of {_COUNT}: fields changed?")
    rows: list[list[str]] = []
    first = tokens[0]
    for start in range(1, len(tokens), step):
        chunk = tokens[start : start + step]
        last, _, following = chunk[-1].rpartition("\n") if start + step < len(tokens) else (chunk[-1], "", "")
        rows.append([first, *chunk[:-1], last])
        first = following
    return rows


def job_texts(lines: list[str]) -> tuple[list[str], list[str]]:
    """Complete lines of sacct's output grouped into one text per job (its allocation line
    and its step lines); returns the texts and the lines of a job that may go on (the last)."""
    texts: list[str] = []
    current: list[str] = []
    need = _COUNT - 1
    for line in lines:
        if line.count(SEP) < need:
            if current:  # a newline inside the last field (a --wrap command)
                current[-1] += "\n" + line
            continue
        if "." not in line[: line.index(SEP)] and current:
            texts.append("\n".join(current))
            current = []
        current.append(line)
    return texts, current


def _text(value: str) -> str:
    return "" if value in ("None", "Unknown", "(null)", "N/A", "None assigned") else value


def _step(values: dict[str, str]) -> Step:
    sid = values["id"]
    usage = units.tres(values["usage_tot"]) if values["usage_tot"] else {}
    return {
        "id": sid,
        "name": values["name"],
        "state": split_state(values["state"])[0],
        "exit_code": exit_code(values["exit_code"]),
        "start": units.epoch(values["start"]),
        "end": units.epoch(values["end"]),
        "elapsed": units.count(values["elapsed"]),
        "cpus": units.count(values["cpus"]),
        "nodes": units.count(values["nodes"]),
        "tasks": units.count(values["tasks"]),
        "total_cpu": units.duration_seconds(values["total_cpu"]),
        "max_rss": units.size_bytes(values["max_rss"], "K") if values["max_rss"] else None,
        "mem_total": units.size_bytes(usage["mem"], "K") if usage.get("mem") else None,
        "nodelist": _text(values["nodelist"]),
    }


def _job(values: dict[str, str]) -> Job:
    ident = values["id"]
    state, cancelled_by = split_state(values["state"])
    array_job = array_task = None
    base, sep, task = ident.partition("_")
    if sep:
        array_job, array_task = base, task
    cpus, nodes = units.count(values["cpus"]), units.count(values["nodes"])
    requested, per = units.req_mem(values["req_mem"], cpus, nodes)
    gpus = units.count(units.tres(values["alloc_tres"]).get("gres/gpu", "")) if "gpu" in values["alloc_tres"] else None
    return {
        "id": ident,
        "raw_id": values["raw_id"],
        "array_job_id": array_job,
        "array_task_id": array_task,
        "name": values["name"],
        "user": values["user"],
        "account": values["account"],
        "partition": values["partition"],
        "qos": _text(values["qos"]),
        "state": state,
        "cancelled_by": cancelled_by,
        "reason": _text(values["reason"]),
        "exit_code": exit_code(values["exit_code"]),
        "derived_exit_code": exit_code(values["derived_exit_code"]),
        "submit": units.epoch(values["submit"]),
        "start": units.epoch(values["start"]),
        "end": units.epoch(values["end"]),
        "elapsed": units.count(values["elapsed"]),
        "time_limit": units.limit_minutes(values["time_limit"]),
        "cpus": cpus,
        "nodes": nodes,
        "nodelist": _text(values["nodelist"]),
        "total_cpu": units.duration_seconds(values["total_cpu"]),
        "req_mem": values["req_mem"],
        "mem_requested": requested,
        "mem_requested_per": per,
        "gpus": gpus,
        "work_dir": values["work_dir"],
        "submit_line": values["submit_line"],
        "steps": [],
    }


def parse(output: str) -> list[Job]:
    """Jobs with their steps, in sacct's order. A step whose job line is missing (sacct
    prints them together; a filtered listing may not) is dropped."""
    jobs: dict[str, Job] = {}
    keys = [key for key, _ in FIELDS]
    for row in records(output):
        values = dict(zip(keys, row, strict=True))
        ident = values["id"]
        if "." in ident:
            owner = jobs.get(ident.partition(".")[0])
            if owner is not None:
                owner["steps"].append(_step(values))
        else:
            jobs[ident] = _job(values)
    return list(jobs.values())
