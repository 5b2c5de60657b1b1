"""How much of what a finished job asked for it used (what ``seff`` reports), from sacct.

- CPU: TotalCPU / (Elapsed x AllocCPUS).
- Memory: the largest use of a step / the memory requested. A step's use is its tasks'
  peaks added (TRESUsageInTot), per node, else the peak of its largest task (MaxRSS); the
  request is per node too (ReqMem is the whole job's since Slurm 21.08, per node ``n`` or
  per CPU ``c`` before). For a job on one node that is simply the largest MaxRSS over its
  steps divided by its ``--mem``.
- Time: Elapsed / Timelimit.

Each ratio is None when it cannot be known (no CPU time recorded, no memory request,
no time limit, a job that never ran); a ratio may exceed 1 (memory over the request
when it is not enforced).
"""

from __future__ import annotations

from typing import TypedDict

from .sacct import Job


class CpuUse(TypedDict):
    ratio: float | None
    used: float | None  # CPU seconds
    available: float | None  # elapsed x allocated CPUs


class MemoryUse(TypedDict):
    ratio: float | None
    used: int | None  # bytes, per node (the whole use for a job on one node)
    requested: int | None  # bytes, per node
    per_node: bool  # the job ran on more than one node: both figures are per node


class TimeUse(TypedDict):
    ratio: float | None
    used: int | None  # seconds
    limit: int | None  # seconds


class Efficiency(TypedDict):
    cpu: CpuUse
    memory: MemoryUse
    time: TimeUse


def _ratio(used: float | None, available: float | None) -> float | None:
    if used is None or not available:
        return None
    return round(used / available, 4)


def memory_used(job: Job) -> int | None:
    """The largest memory use of one of the job's steps, per node, in bytes."""
    best: int | None = None
    for step in job["steps"]:
        nodes = step["nodes"] or 1
        use = step["mem_total"] // nodes if step["mem_total"] is not None else step["max_rss"]
        if use is not None and (best is None or use > best):
            best = use
    return best


def compute(job: Job) -> Efficiency:
    elapsed, cpus = job["elapsed"], job["cpus"]
    available = elapsed * cpus if elapsed and cpus else None
    # A job that never started has TotalCPU 0: that is "not known", not 0 %.
    used_cpu = job["total_cpu"] if job["start"] is not None else None
    nodes = job["nodes"] or 1
    requested = job["mem_requested"] // nodes if job["mem_requested"] else None
    used_memory = memory_used(job)
    return {
        "cpu": {"ratio": _ratio(used_cpu, available), "used": used_cpu, "available": available},
        "memory": {
            "ratio": _ratio(used_memory, requested),
            "used": used_memory,
            "requested": requested,
            "per_node": nodes > 1,
        },
        "time": {
            "ratio": _ratio(elapsed, job["time_limit"]) if job["start"] is not None else None,
            "used": elapsed,
            "limit": job["time_limit"],
        },
    }
