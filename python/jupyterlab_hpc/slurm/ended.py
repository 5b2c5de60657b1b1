"""Why a job ended, as a cause and its facts; the panel turns them into plain words
(packages/slurm/src/explain.ts) so that they can be translated.

``{"cause": "exit_code", "code": 3, "step": "batch"}``,
``{"cause": "time_limit", "limit": 3600}``,
``{"cause": "cancelled", "by": "alice", "by_you": true, "at": ..., "started": true}``,
``{"cause": "out_of_memory", "step": "batch", "used": ..., "requested": ...}`` ...
"""

from __future__ import annotations

from typing import Any

from .efficiency import Efficiency
from .sacct import Job, Step

# sacct state -> cause, for states that say it all.
_BY_STATE = {
    "TIMEOUT": "time_limit",
    "NODE_FAIL": "node_fail",
    "PREEMPTED": "preempted",
    "BOOT_FAIL": "boot_fail",
    "DEADLINE": "deadline",
    "REVOKED": "revoked",
}
# Signals from here on are real-time ones, which nothing sends to a batch script.
_FIRST_REALTIME = 32
# Steps the user did not write: the extern step only holds the allocation.
_HIDDEN_STEPS = ("extern",)


def _short_step(step: Step) -> str:
    return step["id"].partition(".")[2] or step["name"]


def failing_step(job: Job) -> Step | None:
    """The step that failed: the first one (in sacct's order) with a non-zero exit code or
    killed by a signal, the batch script first since its code is the job's."""
    candidates = [s for s in job["steps"] if _short_step(s) not in _HIDDEN_STEPS and s["exit_code"]]
    candidates.sort(key=lambda s: _short_step(s) != "batch")
    return next((s for s in candidates if s["exit_code"]["code"] or s["exit_code"]["signal"]), None)  # type: ignore[index]


def why(job: Job, efficiency: Efficiency, you: str) -> dict[str, Any]:
    state = job["state"]
    step = failing_step(job)
    step_name = _short_step(step) if step else None
    if state == "OUT_OF_MEMORY" or any(s["state"] == "OUT_OF_MEMORY" for s in job["steps"]):
        oom = next((s for s in job["steps"] if s["state"] == "OUT_OF_MEMORY"), None)
        memory = efficiency["memory"]
        return {
            "cause": "out_of_memory",
            "step": _short_step(oom) if oom else step_name,
            "used": memory["used"],
            "requested": memory["requested"],
        }
    if state in _BY_STATE:
        facts: dict[str, Any] = {"cause": _BY_STATE[state]}
        if state == "TIMEOUT":
            facts["limit"] = job["time_limit"]
        return facts
    if state == "CANCELLED":
        by = job["cancelled_by"]
        return {
            "cause": "cancelled",
            "by": by,
            "by_you": by == you if by else None,
            "at": job["end"],
            "started": job["start"] is not None,
        }
    code = job["exit_code"] or {"code": 0, "signal": 0}
    if state == "COMPLETED" and not code["code"] and not code["signal"]:
        if step is not None:  # the script went on after a step failed
            return {"cause": "completed", "failed_step": step_name, **step["exit_code"]}  # type: ignore[dict-item]
        return {"cause": "completed"}
    if code["signal"] or (step is not None and step["exit_code"]["signal"] and not code["code"]):  # type: ignore[index]
        signal = code["signal"] or step["exit_code"]["signal"]  # type: ignore[index]
        if signal >= _FIRST_REALTIME and not job["elapsed"]:
            # Not a signal anyone sent: slurmstepd could not start the script (22.05 records
            # "0:53" when the output file cannot be opened, e.g. its folder is missing).
            return {"cause": "launch_failed", "signal": signal, "step": step_name}
        return {"cause": "signal", "signal": signal, "step": step_name}
    if code["code"]:
        return {"cause": "exit_code", "code": code["code"], "step": step_name or "batch"}
    if step is not None:
        return {"cause": "exit_code", "code": step["exit_code"]["code"], "step": step_name}  # type: ignore[index]
    # FAILED with 0:0 and no failing step: Slurm could not launch it (for example a missing
    # working directory or output folder); its reason says more when it has one.
    return {"cause": "failed", "reason": job["reason"] or None}
