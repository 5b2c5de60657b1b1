"""What a task's output notebook says: whether papermill finished it, and the failing cell's error.

papermill saves the output notebook after every cell and, when a cell raises, writes the
error into that cell's outputs (``ename``, ``evalue``) and marks the notebook
(``metadata.papermill.exception``). Reading that tells the user *why* a task failed without
opening the file, and gives a state when Slurm keeps no accounting. Reads are bounded and
cached by size and modification time: a Runs view polling 1,000 tasks re-reads only what changed.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any, TypedDict

from ... import errors
from ...safefile import NotRegularFile, read_regular

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
MAX_MESSAGE = 2000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ERROR_MARKER = "papermill-error-cell-tag"


class CellError(TypedDict):
    ename: str
    evalue: str
    cell: int | None  # the failing cell's execution count ("In [n]")
    cell_index: int  # its position among the notebook's own cells (papermill's markers not counted)


class OutputState(TypedDict):
    exists: bool
    started: bool  # papermill has begun executing
    finished: bool  # papermill ended (with or without an error)
    failed: bool
    error: CellError | None
    unreadable: str | None  # why the notebook could not be read, if it could not


_MISSING: OutputState = {
    "exists": False,
    "started": False,
    "finished": False,
    "failed": False,
    "error": None,
    "unreadable": None,
}


def _text(value: Any) -> str:
    text = "".join(value) if isinstance(value, list) else str(value or "")
    text = _ANSI.sub("", text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def summarize(nb: Any) -> OutputState:
    """The state of one output notebook's JSON document."""
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    papermill = metadata.get("papermill") if isinstance(metadata, dict) else None
    papermill = papermill if isinstance(papermill, dict) else {}
    error: CellError | None = None
    cells = nb.get("cells") if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else []
    index = -1
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        tags = (cell.get("metadata") or {}).get("tags") if isinstance(cell.get("metadata"), dict) else None
        if isinstance(tags, list) and _ERROR_MARKER in tags:
            continue
        index += 1
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict) or output.get("output_type") != "error":
                continue
            ename, evalue = _text(output.get("ename")), _text(output.get("evalue"))
            if ename == "SystemExit" and evalue in ("", "0"):
                continue  # papermill does not count a clean sys.exit() as a failure either
            count = cell.get("execution_count")
            error = {"ename": ename, "evalue": evalue, "cell": count if isinstance(count, int) else None}
            error["cell_index"] = index
            break
        if error:
            break
    failed = bool(papermill.get("exception")) or error is not None
    return {
        "exists": True,
        "started": bool(papermill.get("start_time")),
        "finished": bool(papermill.get("end_time")) or failed,
        "failed": failed,
        "error": error,
        "unreadable": None,
    }


class OutputReader:
    """Reads output notebooks (from a worker thread), remembering each by size and mtime."""

    def __init__(self, max_entries: int = 20000):
        self._cache: dict[str, tuple[tuple[int, int], OutputState]] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def state(self, path: Path) -> OutputState:
        try:
            info = os.stat(path)
        except OSError:
            return dict(_MISSING)  # type: ignore[return-value]
        key = (info.st_size, info.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(str(path))
        if cached and cached[0] == key:
            return cached[1]
        state = self._read(path)
        with self._lock:
            self._cache[str(path)] = (key, state)
            while len(self._cache) > self._max:
                self._cache.pop(next(iter(self._cache)))
        return state

    @staticmethod
    def _read(path: Path) -> OutputState:
        unreadable = None
        try:
            # Output folders may be shared: never block on a FIFO, never read without bound.
            return summarize(
                json.loads(read_regular(path, MAX_NOTEBOOK_BYTES, nofollow=True, what="The output notebook"))
            )
        except NotRegularFile as error:
            unreadable = f"it {error.strerror}"
        except errors.TooLarge as error:
            unreadable = str(error)
        except OSError as error:
            unreadable = error.strerror or str(error)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # papermill replaces the file at each save; a half-written one reads as broken JSON.
            unreadable = "it is not valid JSON (it may be being written)"
        return {**_MISSING, "exists": True, "unreadable": unreadable}  # type: ignore[typeddict-item]
