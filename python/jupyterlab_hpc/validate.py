"""Rules shared by the four features: input strings, JSON, server paths, URLs and secrets.

Each rule lives here once; the features import it instead of restating it.
Failures are :mod:`jupyterlab_hpc.errors` exceptions (the base handler picks the status).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from pathlib import Path
from typing import Any

from . import errors

MAX_PATH_LENGTH = 4096
#: Deepest JSON accepted anywhere (request bodies, notebooks, manifests, stores). Real
#: documents stay far below; deeper ones would exhaust the interpreter's recursion later
#: (json.loads, copy.deepcopy, nbformat's validation).
MAX_JSON_DEPTH = 100
#: Newlines, tabs and the other C0 controls, and DEL: never in names, options or URLs.
CONTROL_CLASS = r"\x00-\x1f\x7f"  # inside [...], for patterns that add characters of their own
CONTROL_CHARS = re.compile(f"[{CONTROL_CLASS}]")
#: Environment variable names that hold credentials: never expanded, shown or passed on
#: (glob patterns, case-insensitive; also the default of ``c.Slurm.exclude_env``).
SECRET_ENV_PATTERNS = (
    "JUPYTERHUB_*",
    "JPY_*",
    "*TOKEN*",
    "*SECRET*",
    "*PASSW*",
    "*CREDENTIAL*",
    "KEY",
    "KEY_*",
    "*_KEY",
    "*_KEY_*",
    "*COOKIE*",
    "*AUTH*",
)


def name_matcher(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One compiled matcher for glob ``patterns`` (case-insensitive): ``.match(name)``."""
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns), re.IGNORECASE)


SECRET_ENV_NAME = name_matcher(SECRET_ENV_PATTERNS)


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a credential."""
    return SECRET_ENV_NAME.match(name) is not None


# -- JSON -------------------------------------------------------------------------------------


def too_deep(value: Any, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed JSON value nests lists/objects deeper than ``max_depth`` (no recursion)."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= max_depth:
                    return True
                stack.append((child, depth + 1))
    return False


def parse_json(raw: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises ``ValueError`` (never ``RecursionError``) for nesting deeper than ``max_depth``."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError(f"nested more than {max_depth} levels deep") from None
    if too_deep(value, max_depth):
        raise ValueError(f"nested more than {max_depth} levels deep")
    return value


# -- strings from the browser -----------------------------------------------------------------


def require_str(
    data: dict[str, Any], key: str, *, optional: bool = False, max_length: int = MAX_PATH_LENGTH
) -> str | None:
    """A string field of a JSON body; InvalidInput naming the field if it is not one."""
    if key not in data or data[key] is None:
        if optional:
            return None
        raise errors.InvalidInput(f"Missing field '{key}'.")
    value = data[key]
    if not isinstance(value, str):
        raise errors.InvalidInput(f"Field '{key}' must be a string.")
    if "\x00" in value:
        raise errors.InvalidInput(f"Field '{key}' must not contain NUL bytes.")
    if len(value) > max_length:
        raise errors.InvalidInput(f"Field '{key}' is longer than {max_length} characters.")
    return value


def check_path_text(path: str, field: str = "path") -> str:
    """Reject empty, over-long or NUL-containing path strings (InvalidInput)."""
    if not isinstance(path, str) or not path.strip():
        raise errors.InvalidInput(f"Field '{field}' must be a non-empty path.")
    if "\x00" in path:
        raise errors.InvalidInput(f"Field '{field}' must not contain NUL bytes.")
    if len(path) > MAX_PATH_LENGTH:
        raise errors.InvalidInput(f"Field '{field}' is longer than {MAX_PATH_LENGTH} characters.")
    return path


# -- paths under the Jupyter root -------------------------------------------------------------


class RootPaths:
    """Maps between the browser's paths (relative to the Jupyter root) and the disk.

    Every path the API accepts goes through :meth:`to_disk`, which resolves
    symlinks and ``..`` and refuses anything that lands outside the root.
    :meth:`api_text` is the same mapping on strings alone (no disk access),
    for hot loops over paths already resolved.
    """

    def __init__(self, root_dir: str | os.PathLike[str]):
        self.root = Path(root_dir).expanduser().resolve()
        self._text = str(self.root)
        self._prefix = self._text.rstrip("/") + "/"

    def to_disk(self, path: str, field: str = "path") -> Path:
        """Absolute disk path for an API path; Forbidden when it escapes the root."""
        check_path_text(path, field)
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = self.root / path.lstrip("/")
        resolved = candidate.resolve()
        if not self.contains(resolved):
            raise errors.Forbidden(f"'{path}' is outside the Jupyter root directory.")
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


# -- URLs ----------------------------------------------------------------------------------------


def redact_url(url: str) -> str:
    """The URL without the password or token of its user-info part (``https://***@host/...``)."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return url
    start = scheme_end + 3
    slash = url.find("/", start)
    authority_end = len(url) if slash < 0 else slash
    at = url.rfind("@", start, authority_end)
    if at < 0:
        return url
    return url[:start] + "***@" + url[at + 1 :]


def redact_urls(text: str) -> str:
    """``text`` with the user-info part of every ``scheme://user:secret@host`` in it hidden."""
    out: list[str] = []
    position = 0
    while True:
        found = text.find("://", position)
        if found < 0:
            out.append(text[position:])
            return "".join(out)
        start = found + 3
        end = start
        # the authority ends at the first '/', whitespace or quote; credentials end at its last '@'
        while end < len(text) and text[end] not in "/ \t\r\n'\"<>":
            end += 1
        at = text.rfind("@", start, end)
        if at < 0:
            out.append(text[position:end])
        else:
            out.append(text[position:start] + "***@" + text[at + 1 : end])
        position = end
