"""Job output files: Slurm's filename patterns, and reading only the new bytes."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import BinaryIO

from .. import errors
from ..safefile import NotRegularFile, open_regular
from ..validate import RootPaths
from .parse import parse_user

NO_VAL = "4294967294"  # what scontrol prints for %a of an array not split into tasks yet
_PATTERN = re.compile(r"%(\d*)([%AajJNnstux])")


def expand(pattern: str, record: dict[str, str], job_id: str) -> str:
    """Expand Slurm's ``%`` patterns (``%j %x %u %A %a %N %J %s %t %n %%``) that are left in a path.

    scontrol already expands them on recent versions; this covers older ones and the
    array-task case where it printed NO_VAL for the task id.
    """
    base, _, task = job_id.partition("_")
    array_job = record.get("ArrayJobId") or ""
    array_task = record.get("ArrayTaskId") or ""
    if task and not task.startswith("[") and not array_task.isdigit():
        array_task = task
        pattern = pattern.replace(NO_VAL, task)
    node = (record.get("BatchHost") or record.get("NodeList") or "").split(",")[0]
    values = {
        "%": "%",
        "A": array_job or record.get("JobId", base),
        "a": array_task if array_task.isdigit() else "0",
        "j": record.get("JobId", base),
        "J": record.get("JobId", base) + ".batch",
        "N": node,
        "n": "0",
        "s": "batch",
        "t": "0",
        "u": parse_user(record.get("UserId", "")),
        "x": record.get("JobName", ""),
    }

    def replace(match: re.Match[str]) -> str:
        width, letter = match.groups()
        value = values[letter]
        return value.zfill(int(width)) if width and value.isdigit() else value

    return _PATTERN.sub(replace, pattern)


def output_path(record: dict[str, str], stream: str, job_id: str) -> str:
    key = "StdOut" if stream == "stdout" else "StdErr"
    raw = record.get(key) or ""
    if not raw or raw == "(null)":
        default = "slurm-%A_%a.out" if record.get("ArrayTaskId") else "slurm-%j.out"
        raw = str(Path(record.get("WorkDir", "")) / default)
    return expand(raw, record, job_id)


def job_output_path(record: dict[str, str], stream: str, job_id: str) -> str:
    """The absolute path of a job's stdout or stderr file, patterns expanded (not resolved)."""
    path = output_path(record, stream, job_id)
    if not path.startswith("/"):
        path = str(Path(record.get("WorkDir") or "/") / path)
    return path


def read_output(path: Path, paths: RootPaths, offset: int, limit: int) -> dict:
    """``GET jobs/{id}/output``: the file resolved, inside the root, read from ``offset``.
    Blocking: run it with :func:`jupyterlab_hpc.offload.blocking`."""
    disk = path.resolve()
    api_path = paths.to_api(disk)
    if api_path is None:
        raise errors.Forbidden(f"The output file {path} is outside the Jupyter root directory.")
    return {"path": api_path, "disk_path": str(disk), **read_chunk(disk, offset, limit)}


def open_output(path: Path) -> BinaryIO | None:
    """The output file for reading, or None if it does not exist (yet).

    Anyone with write access to the job's folder (a shared project folder) may put
    something else there: a named pipe would block a plain open() forever, a link made
    after the path was resolved could point outside the root. So: no blocking, no
    following links, a regular file only.
    """
    try:
        return open_regular(path, nofollow=True)
    except FileNotFoundError:
        return None
    except NotRegularFile as error:
        raise errors.Forbidden(f"The output file {path} {error.strerror}; it is not read.") from None
    except OSError as error:
        raise errors.Forbidden(f"The output file {path} cannot be read: {error.strerror}.") from None


def read_chunk(path: Path, offset: int, limit: int) -> dict:
    """Up to ``limit`` bytes from ``offset``, cut at a UTF-8 character boundary."""
    handle = open_output(path)
    if handle is None:
        return {"exists": False, "start": offset, "offset": offset, "size": 0, "data": "", "eof": True, "reset": False}
    with handle:
        size = os.fstat(handle.fileno()).st_size
        reset = offset > size  # the file was truncated or rewritten (job requeued)
        start = 0 if reset else offset
        handle.seek(start)
        raw = handle.read(limit)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    data = decoder.decode(raw, final=False)
    pending = len(decoder.getstate()[0])  # bytes of a character cut at the end: next time
    if pending and len(raw) == pending:
        data = decoder.decode(b"", final=True)  # a broken tail alone: give it as it is
        pending = 0
    end = start + len(raw) - pending
    return {
        "exists": True,
        "start": start,
        "offset": end,
        "size": size,
        "data": data,
        "eof": size - end <= pending,
        "reset": reset,
    }
