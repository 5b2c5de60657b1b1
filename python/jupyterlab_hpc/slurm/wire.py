"""How queue answers with versions travel: as job objects, or compact as columns.

``format=objects`` (the default) is the shape of ``GET jobs`` without ``since``: one JSON
object per job. ``format=columns`` names the columns once and sends one array per job;
the columns whose values repeat (user, account, partition, state, work directory, ...)
carry an index into that column's list of distinct values, sent once per answer. Every
answer decodes on its own (no dictionary kept between answers). docs/slurm-api.md
describes both.
"""

from __future__ import annotations

import gzip
import heapq
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .queue_state import Changes, Row

#: The columns of a job row in the single-user server: the fields of records.QueueJob.
JOB_COLUMNS: tuple[str, ...] = (
    "id",
    "array_job_id",
    "array_task_id",
    "name",
    "user",
    "account",
    "partition",
    "qos",
    "state",
    "reason",
    "time_used",
    "time_limit",
    "nodes",
    "nodelist",
    "submit_time",
    "start_time",
    "work_dir",
    "work_dir_path",
    "stdout",
    "stderr",
)
#: The queue service's rows: the same without ``work_dir_path``, which depends on each
#: user's Jupyter root (the single-user server adds it).
SERVICE_COLUMNS: tuple[str, ...] = tuple(name for name in JOB_COLUMNS if name != "work_dir_path")
USER = JOB_COLUMNS.index("user")
assert SERVICE_COLUMNS.index("user") == USER  # noqa: S101 (both tables filter by this position)
#: Where both tables' rows hold the state and the elapsed time (QueueState's ``elapsed``).
ELAPSED = (JOB_COLUMNS.index("state"), JOB_COLUMNS.index("time_used"))
assert ELAPSED == (SERVICE_COLUMNS.index("state"), SERVICE_COLUMNS.index("time_used"))  # noqa: S101

#: Columns sent as an index into the answer's list of their distinct values.
DICTIONARY_COLUMNS = frozenset(
    {
        "array_job_id",
        "array_task_id",
        "name",
        "user",
        "account",
        "partition",
        "qos",
        "state",
        "reason",
        "time_limit",
        "nodelist",
        "work_dir",
        "work_dir_path",
        "stdout",
        "stderr",
    }
)
FORMATS = ("objects", "columns")

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encode(changes: Changes, columns: Sequence[str], fmt: str, extra: dict[str, Any] | None = None) -> bytes:
    """The JSON answer for ``changes`` (``version``, ``full``, ``jobs``, ``removed``, ``updated_at``
    and whatever ``extra`` adds: ``user``, ``source``, ...)."""
    head: dict[str, Any] = {"version": changes.version, "full": changes.full, "updated_at": changes.updated_at}
    head.update(extra or {})
    if fmt == "columns":
        head["format"] = "columns"
        head["columns"] = list(columns)
        values, rows = to_columns(changes.rows, columns)
        head["values"] = values
        jobs = _dumps(rows)
    else:
        names = list(columns)
        jobs = "[" + ",".join(_dumps(dict(zip(names, row, strict=True))) for row in changes.rows) + "]"
    head["removed"] = changes.removed
    body = _dumps(head)
    return (body[:-1] + ',"jobs":' + jobs + "}").encode("utf-8")


def to_columns(rows: Sequence[Row], columns: Sequence[str]) -> tuple[dict[str, list], list[tuple]]:
    """Rows with the dictionary columns replaced by indexes, and those columns' distinct values.
    Column-wise with C-level loops (zip, dict.fromkeys, map): 100,000 rows in about 0.1 s."""
    if not rows:
        return {name: [] for name in columns if name in DICTIONARY_COLUMNS}, []
    cols: list[Iterable] = list(zip(*rows, strict=True))
    values: dict[str, list] = {}
    for i, name in enumerate(columns):
        if name in DICTIONARY_COLUMNS:
            distinct = list(dict.fromkeys(cols[i]))
            index = {value: n for n, value in enumerate(distinct)}
            cols[i] = map(index.__getitem__, cols[i])
            values[name] = distinct
    return values, list(zip(*cols, strict=True))


def decode(answer: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The column names and plain rows of an answer in either format (the service client)."""
    jobs = answer.get("jobs") or []
    if answer.get("format") == "columns":
        columns = list(answer["columns"])
        values = answer.get("values") or {}
        lookups = [values.get(name) for name in columns]
        rows = [
            [value if lookup is None else lookup[value] for value, lookup in zip(row, lookups, strict=True)]
            for row in jobs
        ]
        return columns, rows
    if not jobs:
        return [], []
    columns = list(jobs[0])
    return columns, [[job.get(name) for name in columns] for job in jobs]


class FragmentRows:
    """Rows from a job list's JSON fragments (one per job, as the squeue parser keeps them).

    The parser hands out the very same ``bytes`` object for a job whose squeue line did not
    change, so only new or changed jobs are decoded; the others cost a dictionary lookup and
    keep their row object (which the queue table then recognises without comparing).
    """

    def __init__(self, columns: Sequence[str]):
        self.columns = tuple(columns)
        self._memo: dict[bytes, Row] = {}

    def rows(self, fragments: Sequence[bytes]) -> list[Row]:
        memo, fresh, columns = self._memo, {}, self.columns
        rows = []
        for fragment in fragments:
            row = memo.get(fragment)
            if row is None:
                job = json.loads(fragment)
                row = tuple(job.get(name) for name in columns)
            fresh[fragment] = row
            rows.append(row)
        self._memo = fresh
        return rows


def parse_since(raw: str | None) -> int | None:
    """``since`` as given in a query: None when absent; ValueError when not a non-negative integer."""
    if raw is None:
        return None
    if not raw.isdigit() or not raw.isascii() or len(raw) > 18:
        raise ValueError("Parameter 'since' must be a non-negative integer (a version of an earlier answer).")
    return int(raw)


#: The most jobs a ``limit`` may ask for (a few screens; the whole list has no limit).
MAX_LIMIT = 10000


def parse_limit(raw: str | None) -> int | None:
    """``limit`` as given in a query: None when absent; ValueError unless an integer 1..MAX_LIMIT."""
    if raw is None:
        return None
    if not raw.isdigit() or not raw.isascii() or len(raw) > 6 or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValueError(f"Parameter 'limit' must be an integer from 1 to {MAX_LIMIT}.")
    return int(raw)


_ID = re.compile(r"(\d+)(?:_\[?(\d+))?")
_NO_ID = (2**63, 2**63)


def id_order(job_id: str) -> tuple[int, int, str]:
    """The panel's array-aware id order (packages/slurm/src/jobs.ts ``idKey``): job id, then
    task (none first, a pending range ``120_[4-9]`` at its first task), then the text."""
    match = _ID.match(job_id)
    if match is None:
        return (*_NO_ID, job_id)
    task = match[2]
    return int(match[1]), -1 if task is None else int(task), job_id


def newest(rows: Sequence[Row], limit: int) -> list[Row]:
    """The first ``limit`` rows in the panel's default order: ids descending (newest first)."""
    return heapq.nlargest(limit, rows, key=lambda row: id_order(row[0]))


def accepts_gzip(accept_encoding: str) -> bool:
    return any(part.split(";")[0].strip() == "gzip" for part in accept_encoding.split(","))


def compress(body: bytes, level: int) -> bytes:
    return gzip.compress(body, compresslevel=level, mtime=0)
