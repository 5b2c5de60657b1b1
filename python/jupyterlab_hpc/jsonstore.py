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

from . import errors
from .safefile import NotRegularFile, read_regular
from .validate import parse_json

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
    aside as ``<name>.corrupt-<stamp>`` and the store starts from ``default``;
    so is one nested too deeply, larger than ``max_size`` or not a regular file
    (a named pipe there must not hang the server). A file that cannot be read or
    written at all raises :class:`~jupyterlab_hpc.errors.Unavailable`.
    """

    #: Far above what the features keep (they bound their own counts).
    DEFAULT_MAX_SIZE = 32 * 1024 * 1024

    def __init__(
        self,
        path: str | os.PathLike[str],
        default: Callable[[], Any],
        is_valid: Callable[[Any], bool] | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
    ):
        self.path = Path(path)
        self.max_size = max_size
        self._default = default
        self._is_valid = is_valid
        self._lock = threading.RLock()
        self.corrupt_backup: Path | None = None

    def read(self) -> Any:
        with self._lock, self._unavailable("read"):
            return self._load()

    def update(self, fn: Callable[[Any], Any]) -> Any:
        """Apply ``fn`` to the document and save it; returns what ``fn`` returned.

        If ``fn`` raises, nothing is written.
        """
        with self._lock, self._unavailable("save"), self._file_lock():
            data = self._load()
            result = fn(data)
            self._write(data)
            return result

    @contextmanager
    def _unavailable(self, verb: str) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            raise errors.Unavailable(f"Cannot {verb} {self.path}: {error.strerror or error}.") from None

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_NONBLOCK: a named pipe planted as the lock file fails at once instead of hanging
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(f"{self.path}.lock", flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _load(self) -> Any:
        try:
            raw = read_regular(self.path, self.max_size).decode("utf-8")
        except FileNotFoundError:
            return self._default()
        except (NotRegularFile, errors.TooLarge, UnicodeDecodeError):
            raw = None
        try:
            if raw is None:
                raise ValueError("not a readable store")
            data = parse_json(raw)
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
