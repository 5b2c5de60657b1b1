"""The typed records of the Slurm feature: what a backend returns and the API answers.

Any backend (the command-line tools today, slurmrestd or the queue service later)
returns these shapes; the handlers and the browser read only them. They are
``TypedDict`` (plain dicts at run time) because the queue builds one per job for
100,000 jobs and encodes it to JSON at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict

from ..errors import HpcError

Scope = Literal["mine", "all"]
SCOPES: tuple[Scope, ...] = ("mine", "all")

Action = Literal["cancel", "hold", "release", "requeue"]
# The one list of job actions (the API validates against it; the panel offers the same four).
ACTIONS: tuple[Action, ...] = ("cancel", "hold", "release", "requeue")


class QueueJob(TypedDict):
    """One row of ``GET jobs`` (docs/slurm-api.md): a job or array task as squeue lists it."""

    id: str  # "123", "123_4", or "123_[5-100]" for a pending range not split into tasks yet
    array_job_id: str | None
    array_task_id: str | None
    name: str
    user: str
    account: str
    partition: str
    qos: str
    state: str
    reason: str
    time_used: int  # seconds
    time_limit: int | None  # seconds; None = unlimited
    nodes: int | None
    nodelist: str
    submit_time: int | None  # epoch seconds
    start_time: int | None
    work_dir: str
    work_dir_path: str | None  # relative to the Jupyter root; None outside it
    stdout: str
    stderr: str


class ExitCode(TypedDict):
    code: int  # the batch script's exit status
    signal: int  # the signal that ended it (0: none)


class JobSummary(TypedDict):
    """The ``summary`` of ``GET jobs/{id}``: one job's details, typed (docs/slurm-api.md)."""

    id: str
    array_job_id: str | None
    array_task_id: str | None
    name: str
    user: str
    account: str
    partition: str
    qos: str
    state: str
    reason: str
    exit_code: ExitCode | None  # None until the job has ended
    submit_time: int | None
    eligible_time: int | None
    start_time: int | None  # pending: Slurm's estimate, if it has one
    end_time: int | None  # running: when the time limit runs out
    time_limit: int | None
    run_time: int
    nodes: int | None
    nodelist: str
    cpus: int | None
    memory: str  # as Slurm shows the request: "4G", "500M", "0" (all of the node's memory)
    memory_per: Literal["node", "cpu", "gpu"] | None
    memory_bytes: int | None
    tres: str
    gres: str
    work_dir: str
    work_dir_path: str | None
    stdout: str  # absolute, Slurm's %-patterns expanded
    stdout_path: str | None  # relative to the Jupyter root; None outside it
    stderr: str
    stderr_path: str | None
    command: str
    comment: str
    dependency: str
    batch_host: str


@dataclass
class JobDetails:
    """``GET jobs/{id}``: every field Slurm prints, verbatim, plus the typed summary."""

    fields: dict[str, str]
    summary: JobSummary

    def to_json(self) -> dict:
        return {**self.fields, "summary": self.summary}


@dataclass
class ActionResult:
    """The outcome of an action on one id. ``error`` is the domain error that a
    single-job request (``DELETE jobs/{id}``) raises for it, decided by the backend
    that understands Slurm's answer; it is not sent to the browser."""

    id: str
    ok: bool
    message: str = ""
    error: type[HpcError] | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        return {"id": self.id, "ok": self.ok, "message": self.message}


class Partition(TypedDict):
    name: str
    state: str
    default: bool
    time_limit: int | None
    nodes: dict[str, int]  # {"idle", "total"}
    # What a job gets that does not ask (``scontrol show partition``); None: not set there.
    default_time: int | None
    default_memory: int | None  # bytes, per ``default_memory_per``
    default_memory_per: Literal["cpu", "node"] | None


@dataclass
class Submission:
    """What to submit, decided by the submission policy (submit.py) before any backend runs."""

    script: str
    options: list[tuple[str, str | bool]]  # sbatch long options, validated; True = a flag
    cwd: str  # absolute directory the submission is made from


class Submitted(TypedDict):
    id: str
    cluster: str | None


class Accounted(TypedDict):
    """How a job or array task ended, as accounting (slurmdbd) records it."""

    state: str  # Slurm's state word: COMPLETED, FAILED, TIMEOUT, CANCELLED (without "by <uid>"), ...
    exit_code: int | None
    signal: int | None
    start: int | None  # epoch seconds
    end: int | None
