"""A task's state, from the best source that knows it.

While a task is queued or running, Slurm's queue says so (with its reason). Once it has left the
queue, accounting (slurmdbd) has its final state and exit code, when the cluster keeps accounting.
Without accounting, the output notebook tells whether papermill finished it and whether a cell
failed; a task with neither ended in a way nobody recorded (cancelled before it started, killed
at its time limit before papermill could save...), shown as ENDED.
"""

from __future__ import annotations

from typing import Any, TypedDict

from ..accounting import expand_tasks
from ..records import Accounted
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


class TaskState(TypedDict):
    state: str  # Slurm's state word (CANCELLED without "by uid"), or ENDED / UNKNOWN
    reason: str  # the queue's reason for a pending task, or what the state means
    source: str  # queue | accounting | notebook | none
    exit_code: int | None
    start: int | None
    end: int | None


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
        return {
            "state": state,
            "reason": _meaning(state),
            "source": "notebook",
            "exit_code": None,
            "start": None,
            "end": None,
        }
    state = "ENDED" if output is not None and output["exists"] else "UNKNOWN"
    return {"state": state, "reason": _meaning(state), "source": "none", "exit_code": None, "start": None, "end": None}


def is_active(state: str) -> bool:
    return state in ACTIVE


def is_failed(state: str) -> bool:
    """Ended without completing: what "Re-run failed tasks" re-runs."""
    return state != COMPLETED and not is_active(state)
