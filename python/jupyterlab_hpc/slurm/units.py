"""Sizes and durations as Slurm's accounting prints them, in bytes and seconds.

sacct prints memory with a unit letter (``318508K``, ``22784M``, ``1.50G``; powers of
1024), ReqMem of Slurm before 21.08 with an ``n`` (per node) or ``c`` (per CPU) suffix,
durations as ``[D-]HH:MM:SS`` or ``MM:SS.mmm`` (TotalCPU), and words for "no limit"
(``UNLIMITED``, ``Partition_Limit``). Everything here returns None for what is not a
number rather than guessing.
"""

from __future__ import annotations

import re
from typing import Literal

_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([KMGTPE]?)(?:I?B)?$")
_REQ_MEM = re.compile(r"^(\d+(?:\.\d+)?)([KMGTPE]?)([nc]?)$")
_DURATION = re.compile(r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:\.(\d+))?$")
# Words Slurm prints where a limit or a value is absent.
NO_LIMIT = frozenset({"UNLIMITED", "INFINITE", "Partition_Limit", "NOT_SET", "INVALID", "NONE", "None", "Unknown"})

MemoryPer = Literal["job", "node", "cpu"]


def size_bytes(text: str, default_unit: str = "") -> int | None:
    """``318508K`` -> 326152192; a bare number counts in ``default_unit`` (sacct: bytes for
    MaxRSS on 22.05 prints K; slurm.conf and ReqMem count megabytes)."""
    match = _SIZE.match(text.strip().upper())
    if not match:
        return None
    number, unit = match.groups()
    return round(float(number) * 1024 ** _POWERS[unit or default_unit.upper()])


def req_mem(text: str, cpus: int | None, nodes: int | None) -> tuple[int | None, MemoryPer | None]:
    """The job's requested memory in bytes, for the whole job, and how Slurm counted it.

    Slurm 21.08 and later print the job's total (from its requested TRES). Older versions
    print ``4Gn`` (per node: times the nodes) or ``500Mc`` (per CPU: times the CPUs).
    ``0`` or an empty field: no memory request known (None).
    """
    match = _REQ_MEM.match(text.strip())
    if not match:
        return None, None
    number, unit, per = match.groups()
    value = round(float(number) * 1024 ** _POWERS[unit or "M"])
    if value == 0:
        return None, None
    if per == "n":
        return (value * nodes if nodes else None), "node"
    if per == "c":
        return (value * cpus if cpus else None), "cpu"
    return value, "job"


def duration_seconds(text: str) -> float | None:
    """``1-02:03:04``, ``02:03:04``, ``03:04``, ``00:05.957`` (TotalCPU) in seconds."""
    text = text.strip()
    if not text or text in NO_LIMIT:
        return None
    match = _DURATION.match(text)
    if not match:
        return None
    days, hours, minutes, seconds, fraction = match.groups()
    total = ((int(days or 0) * 24 + int(hours or 0)) * 60 + int(minutes)) * 60 + int(seconds)
    return total + (float(f"0.{fraction}") if fraction else 0.0)


# sacct's parsable output has no padding: the helpers below do not strip (they run for
# every field of 10,000 jobs).


def limit_minutes(text: str) -> int | None:
    """TimelimitRaw (minutes) in seconds; None for ``UNLIMITED``, ``Partition_Limit`` and the like."""
    return int(text) * 60 if text.isdigit() else None


def count(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def epoch(text: str) -> int | None:
    """An epoch time (``SLURM_TIME_FORMAT=%s``); None for ``Unknown``, ``None`` or 0."""
    return int(text) or None if text.isdigit() else None


def tres(text: str) -> dict[str, str]:
    """``cpu=2,mem=318508K,gres/gpu=1`` -> ``{"cpu": "2", "mem": "318508K", "gres/gpu": "1"}``."""
    pairs = (item.partition("=") for item in text.split(",") if "=" in item)
    return {key.strip(): value.strip() for key, _, value in pairs}
