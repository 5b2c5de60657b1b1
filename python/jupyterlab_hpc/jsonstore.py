"""A small per-user JSON file store: atomic writes, one writer at a time, and a
corrupt file set aside instead of overwritten."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("jupyterlab_hpc")


class JsonStore:
    """Holds one JSON document on disk.

    ``update(fn)`` reads, applies ``fn`` and writes under a lock (a thread lock,
    plus ``flock`` on ``<path>.lock`` for other servers of the same user), so
    concurrent requests each see the others' changes: a per-item operation
    never loses another one. Writes go to a temporary file in the same
    directory followed by ``os.replace``, so a crash leaves either the old or
    the new file, never half of one. A file that is not JSON, or that
    ``is_valid`` rejects (valid JSON but not this store's document), is set
    aside as ``<name>.corrupt-<stamp>`` and the store starts from ``default``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        default: Callable[[], Any],
        is_valid: Callable[[Any], bool] | None = None,
    ):
        self.path = Path(path)
        self._default = default
        self._is_valid = is_valid
        self._lock = threading.RLock()
        self.corrupt_backup: Path | None = None

    def read(self) -> Any:
        with self._lock:
            return self._load()

    def update(self, fn: Callable[[Any], Any]) -> Any:
        """Apply ``fn`` to the document and save it; returns what ``fn`` returned.

        If ``fn`` raises, nothing is written.
        """
        with self._lock, self._file_lock():
            data = self._load()
            result = fn(data)
            self._write(data)
            return result

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> Any:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._default()
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
            valid = False
        else:
            valid = self._is_valid is None or self._is_valid(data)
        if not valid:
            self._set_aside()
            return self._default()
        return data

    def _set_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, backup)
        self.corrupt_backup = backup
        log.error("jupyterlab-hpc: %s was damaged; kept it as %s and started afresh.", self.path, backup)

    def _write(self, data: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
