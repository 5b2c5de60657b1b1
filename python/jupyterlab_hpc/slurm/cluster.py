"""Cluster status: each partition's nodes by state, free CPUs and GPUs, memory, limits.

From one ``sinfo -N`` (a line per node and partition) aggregated here, so the panel
asks slurmctld once per refresh whatever the number of partitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypedDict

from .parse import SEP, parse_duration

# (key, sinfo -O field), in output order; the free-text reason last.
FIELDS = [
    ("node", "NodeHost"),
    ("partition", "Partition"),  # "debug*": the star marks the default partition
    ("state", "StateLong"),
    ("cpus", "CPUsState"),  # allocated/idle/other/total
    ("gres", "Gres"),
    ("gres_used", "GresUsed"),
    ("memory", "Memory"),  # megabytes
    ("alloc_memory", "AllocMem"),
    ("time_limit", "Time"),
    ("available", "Available"),  # the partition: up, down, drain, inact
    ("reason", "Reason"),
]
FORMAT = ",".join(f"{field}:{SEP}" for _, field in FIELDS)
ARGV = ["--noheader", "-N", "-O", FORMAT]
MAX_LISTED = 20  # unavailable nodes named per partition (with their reason)


class NodeCounts(TypedDict):
    idle: int
    mixed: int
    allocated: int
    unavailable: int  # down, drained or draining, failing, in maintenance, not responding
    total: int


class DownNode(TypedDict):
    name: str
    state: str
    reason: str


class PartitionStatus(TypedDict):
    name: str
    default: bool
    available: str  # "up", "down", "drain", "inact"
    time_limit: int | None  # seconds; None: unlimited
    nodes: NodeCounts
    cpus: dict[str, int]  # {"free", "total"}
    gpus: dict[str, int]  # {"free", "total"}
    memory: dict[str, int]  # bytes: {"allocated", "total"}
    unavailable_nodes: list[DownNode]  # at most MAX_LISTED
    my_jobs: dict[str, int]  # {"running", "pending"}


def node_bucket(state: str) -> str:
    """sinfo's long node state (``mixed``, ``drained*``, ``idle~``, ``allocated+``...) as one of
    idle / mixed / allocated / unavailable."""
    base = state.lower().rstrip("*~#!%$@^-+")
    if state.endswith("*") or any(word in base for word in ("down", "drain", "fail", "maint", "unknown", "inval")):
        return "unavailable"
    if base.startswith("mix"):
        return "mixed"
    if base.startswith(("alloc", "complet", "resv", "reserved", "planned")):
        return "allocated"
    if base.startswith("idle"):
        return "idle"
    return "unavailable"


def gpu_count(gres: str) -> int:
    """GPUs in a Gres / GresUsed string (``gpu:a100:4(S:0-1),gpu:v100:2``, ``gpu:0``, ``(null)``)."""
    total = 0
    for item in re.split(r",(?![^(]*\))", gres):
        item = item.strip()
        if not item.startswith("gpu"):
            continue
        parts = item.split("(")[0].split(":")
        number = parts[-1] if len(parts) > 1 else "1"
        total += int(number) if number.isdigit() else 0
    return total


def _int(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def parse(output: str) -> list[dict[str, str]]:
    keys = [key for key, _ in FIELDS]
    rows = []
    for line in output.splitlines():
        values = line.split(SEP)
        if len(values) < len(keys):
            continue  # not a node line
        rows.append({key: value.strip() for key, value in zip(keys, values, strict=False)})
    return rows


def summarize(rows: Iterable[dict[str, str]], my_jobs: Iterable[dict]) -> list[PartitionStatus]:
    partitions: dict[str, PartitionStatus] = {}
    for row in rows:
        name = row["partition"].rstrip("*")
        part = partitions.get(name)
        if part is None:
            part = partitions[name] = {
                "name": name,
                "default": row["partition"].endswith("*"),
                "available": row["available"],
                "time_limit": parse_duration(row["time_limit"]),
                "nodes": {"idle": 0, "mixed": 0, "allocated": 0, "unavailable": 0, "total": 0},
                "cpus": {"free": 0, "total": 0},
                "gpus": {"free": 0, "total": 0},
                "memory": {"allocated": 0, "total": 0},
                "unavailable_nodes": [],
                "my_jobs": {"running": 0, "pending": 0},
            }
        bucket = node_bucket(row["state"])
        part["nodes"][bucket] += 1  # type: ignore[literal-required]
        part["nodes"]["total"] += 1
        cpus = row["cpus"].split("/")
        if len(cpus) == 4:
            part["cpus"]["total"] += _int(cpus[3])
            if bucket != "unavailable":
                part["cpus"]["free"] += _int(cpus[1])
        gpus, used = gpu_count(row["gres"]), gpu_count(row["gres_used"])
        part["gpus"]["total"] += gpus
        if bucket != "unavailable":
            part["gpus"]["free"] += max(gpus - used, 0)
        part["memory"]["total"] += _int(row["memory"]) * 1024**2
        part["memory"]["allocated"] += _int(row["alloc_memory"]) * 1024**2
        if bucket == "unavailable" and len(part["unavailable_nodes"]) < MAX_LISTED:
            reason = "" if row["reason"] in ("none", "(null)") else row["reason"]
            part["unavailable_nodes"].append({"name": row["node"], "state": row["state"], "reason": reason})
    for job in my_jobs:
        kind = "running" if job["state"] == "RUNNING" else "pending" if job["state"] == "PENDING" else None
        if kind is None:
            continue
        for name in job["partition"].split(","):  # a pending job may list several
            if name in partitions:
                partitions[name]["my_jobs"][kind] += 1
    return list(partitions.values())
