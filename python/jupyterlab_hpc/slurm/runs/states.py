"""A task's state, from the best source that knows it.

While a task is queued or running, Slurm's queue says so (with its reason). Once it has left the
queue, accounting (slurmdbd) has its final state and exit code, when the cluster keeps accounting.
Without accounting, the output notebook tells whether papermill finished it and whether a cell
failed; a task with neither ended in a way nobody recorded (cancelled before it started, killed
at its time limit before papermill could save...), shown as ENDED.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

from .outputs import OutputState

ACTIVE = {
    "PENDING",
    "RUNNING",
    "CONFIGURING",
    "COMPLETING",
    "SUSPENDED",
    "REQUEUED",
    "REQUEUE_HOLD",
    "REQUEUE_FED",
    "RESIZING",
    "SIGNALING",
    "STAGE_OUT",
    "STOPPED",
}
COMPLETED = "COMPLETED"
_RANGE = re.compile(r"^\[(.*?)(?:%\d+)?\]$")


class Accounted(TypedDict):
    """One task (or job) as accounting records it (``sacct -X``)."""

    state: str
    exit_code: int | None
    signal: int | None
    start: int | None  # epoch seconds
    end: int | None


class TaskState(TypedDict):
    state: str  # Slurm's state word (CANCELLED without "by uid"), or ENDED / UNKNOWN
    reason: str  # the queue's reason for a pending task, or what the state means
    source: str  # queue | accounting | notebook | none
    exit_code: int | None
    start: int | None
    end: int | None


def expand_tasks(text: str) -> list[int]:
    """Task indices of ``3``, ``[2-5]``, ``[1,4-6%2]`` (squeue and sacct name pending ranges so)."""
    text = text.strip()
    match = _RANGE.match(text)
    body = match.group(1) if match else text
    indices: list[int] = []
    for part in body.split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            continue
        start, stop = int(low), int(high or low)
        if stop - start > 1_000_000:
            continue  # not an array this server submitted
        indices.extend(range(start, stop + 1))
    return indices


def queue_index(jobs: list[dict[str, Any]], job_ids: set[str]) -> dict[tuple[str, int | None], tuple[str, str]]:
    """``(job id, task index or None) -> (state, reason)`` for the queue's jobs of these runs."""
    found: dict[tuple[str, int | None], tuple[str, str]] = {}
    for job in jobs:
        array_id = job.get("array_job_id")
        if array_id and array_id in job_ids:
            for index in expand_tasks(str(job.get("array_task_id") or "")):
                found[(array_id, index)] = (job.get("state", ""), job.get("reason", ""))
        elif job.get("id") in job_ids:
            found[(job["id"], None)] = (job.get("state", ""), job.get("reason", ""))
    return found


def parse_sacct(output: str) -> dict[tuple[str, int | None], Accounted]:
    """``sacct -X -n -P --format=JobID,State,ExitCode,Start,End`` (times as epoch seconds) by job and task."""
    found: dict[tuple[str, int | None], Accounted] = {}
    for line in output.splitlines():
        fields = line.split("|")
        if len(fields) < 5:
            continue
        job_id, state, exit_code, start, end = fields[:5]
        base, _, task = job_id.partition("_")
        if not base.isdigit():
            continue
        code, _, signal = exit_code.partition(":")
        record: Accounted = {
            "state": state.split(" ")[0],  # "CANCELLED by 1000"
            "exit_code": int(code) if code.isdigit() else None,
            "signal": int(signal) if signal.isdigit() else None,
            "start": int(start) if start.isdigit() else None,
            "end": int(end) if end.isdigit() else None,
        }
        for index in expand_tasks(task) if task else [None]:  # type: ignore[list-item]
            found[(base, index)] = record
    return found


def _meaning(state: str) -> str:
    return {
        "FAILED": "the notebook raised an error or the job exited with an error",
        "TIMEOUT": "reached its time limit",
        "OUT_OF_MEMORY": "ran out of memory",
        "CANCELLED": "cancelled",
        "NODE_FAIL": "its node failed",
        "BOOT_FAIL": "its node failed to boot",
        "PREEMPTED": "preempted by another job",
        "DEADLINE": "missed its deadline",
        "ENDED": "left the queue; no accounting and no finished output notebook say how it ended",
        "UNKNOWN": "not in the queue and no record of it",
    }.get(state, "")


def resolve(
    queued: tuple[str, str] | None,
    accounted: Accounted | None,
    output: OutputState | None,
) -> TaskState:
    """The task's state from the queue, else accounting, else its output notebook."""
    if queued is not None:
        state, reason = queued
        return {"state": state, "reason": reason, "source": "queue", "exit_code": None, "start": None, "end": None}
    if accounted is not None:
        state = accounted["state"]
        return {
            "state": state,
            "reason": _meaning(state),
            "source": "accounting",
            "exit_code": accounted["exit_code"],
            "start": accounted["start"],
            "end": accounted["end"],
        }
    if output is not None and output["exists"] and output["finished"]:
        state = "FAILED" if output["failed"] else COMPLETED
        return {"state": state, "reason": _meaning(state), "source": "notebook", "exit_code": None, "start": None,
                "end": None}  # fmt: skip
    state = "ENDED" if output is not None and output["exists"] else "UNKNOWN"
    return {"state": state, "reason": _meaning(state), "source": "none", "exit_code": None, "start": None, "end": None}


def is_active(state: str) -> bool:
    return state in ACTIVE


def is_failed(state: str) -> bool:
    """Ended without completing: what "Re-run failed tasks" re-runs."""
    return state != COMPLETED and not is_active(state)
