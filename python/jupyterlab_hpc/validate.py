"""Input checks shared by the features: strings from the browser and server paths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tornado import web

MAX_PATH_LENGTH = 4096


def require_str(
    data: dict[str, Any], key: str, *, optional: bool = False, max_length: int = MAX_PATH_LENGTH
) -> str | None:
    """A string field of a JSON body; 400 naming the field if it is not one."""
    if key not in data or data[key] is None:
        if optional:
            return None
        raise web.HTTPError(400, f"Missing field '{key}'.")
    value = data[key]
    if not isinstance(value, str):
        raise web.HTTPError(400, f"Field '{key}' must be a string.")
    if "\x00" in value:
        raise web.HTTPError(400, f"Field '{key}' must not contain NUL bytes.")
    if len(value) > max_length:
        raise web.HTTPError(400, f"Field '{key}' is longer than {max_length} characters.")
    return value


def check_path_text(path: str, field: str = "path") -> str:
    """Reject empty, over-long or NUL-containing path strings (400)."""
    if not isinstance(path, str) or not path.strip():
        raise web.HTTPError(400, f"Field '{field}' must be a non-empty path.")
    if "\x00" in path:
        raise web.HTTPError(400, f"Field '{field}' must not contain NUL bytes.")
    if len(path) > MAX_PATH_LENGTH:
        raise web.HTTPError(400, f"Field '{field}' is longer than {MAX_PATH_LENGTH} characters.")
    return path


class RootPaths:
    """Maps between the browser's paths (relative to the Jupyter root) and the disk.

    Every path the API accepts goes through :meth:`to_disk`, which resolves
    symlinks and ``..`` and refuses anything that lands outside the root.
    """

    def __init__(self, root_dir: str | os.PathLike[str]):
        self.root = Path(root_dir).expanduser().resolve()
        self._text = str(self.root)
        self._prefix = self._text.rstrip("/") + "/"

    def to_disk(self, path: str, field: str = "path") -> Path:
        """Absolute disk path for an API path; 403 when it escapes the root."""
        check_path_text(path, field)
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = self.root / path.lstrip("/")
        resolved = candidate.resolve()
        if not self.contains(resolved):
            raise web.HTTPError(403, f"'{path}' is outside the Jupyter root directory.")
        return resolved

    def contains(self, disk_path: Path) -> bool:
        return disk_path == self.root or self.root in disk_path.parents

    def to_api(self, disk_path: Path) -> str | None:
        """Path relative to the root ('' for the root itself), or None outside it."""
        disk_path = Path(disk_path)
        if not self.contains(disk_path):
            return None
        return disk_path.relative_to(self.root).as_posix() if disk_path != self.root else ""

    def api_text(self, absolute: str) -> str | None:
        """:meth:`to_api` for a normalized absolute path string, by string comparison only."""
        if absolute == self._text:
            return ""
        return absolute[len(self._prefix) :] if absolute.startswith(self._prefix) else None

    def normalize(self, path: str, field: str = "path") -> str:
        """The canonical API form of a path inside the root (403 if outside)."""
        return self.to_api(self.to_disk(path, field)) or ""
