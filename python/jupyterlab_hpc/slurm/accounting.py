"""Job states from accounting (``sacct``): how jobs and their array tasks ended.

One line per job or task with ``-X`` (allocations only); a pending array's not yet started
tasks share one line (``216_[2-3%1]``). Times as epoch seconds (``SLURM_TIME_FORMAT=%s``).
"""

from __future__ import annotations

import re

from .records import Accounted

SACCT_ARGS = ["-X", "--noheader", "--parsable2", "--format=JobID,State,ExitCode,Start,End"]
# sacct's words when the cluster has no accounting storage at all
NO_ACCOUNTING = re.compile(r"accounting storage is disabled|not running a supported accounting_storage", re.I)
_RANGE = re.compile(r"^\[(.*?)(?:%\d+)?\]$")


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
            continue  # not a range of a real array
        indices.extend(range(start, stop + 1))
    return indices


def parse_states(output: str) -> dict[tuple[str, int | None], Accounted]:
    """``sacct SACCT_ARGS`` output by ``(job id, array task index or None)``."""
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
        keys: list[int | None] = list(expand_tasks(task)) if task else [None]
        for index in keys:
            found[(base, index)] = record
    return found
