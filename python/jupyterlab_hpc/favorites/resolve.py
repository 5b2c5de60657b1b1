"""Turn a favorite's path as written (``$SCRATCH/out``) into a usable browser path.

Expansion uses the environment of the server process, every time, so a
favorite follows ``$SCRATCH`` to wherever the login or compute node mounts it.
Only the variables the site allows are expanded (``c.Favorites.expand_variables``
and those its own favorites use), never one whose name says it holds a
credential: a favorite ``$JUPYTERHUB_API_TOKEN`` must not show the token in its
reason. An unusable favorite is never dropped: it gets a reason the UI can show.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..validate import RootPaths, looks_secret

# $NAME or ${NAME}, as in a POSIX shell (no default-value syntax).
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Resolution:
    resolved: str | None  # relative to the Jupyter root ('' is the root itself)
    type: str | None  # "directory" | "file" | None
    exists: bool
    reason: str | None
    outside: bool = False  # resolves outside the Jupyter root


def has_variables(path: str) -> bool:
    return _VAR.search(path) is not None


def variables_of(path: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _VAR.finditer(path)]


def expand(
    path: str, environ: Mapping[str, str] | None = None, allowed: Collection[str] | None = None
) -> tuple[str | None, str | None]:
    """``(expanded, None)``, or ``(None, reason)`` naming the first variable not expanded.

    ``allowed``: the variables that may be expanded (None: any). A name that looks like a
    credential (:func:`~jupyterlab_hpc.validate.looks_secret`) never is. The reason names
    the variable, never a value.
    """
    env = os.environ if environ is None else environ

    def usable(name: str) -> bool:
        return (allowed is None or name in allowed) and not looks_secret(name)

    problems: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if not usable(name):
            problems.append(f"${name} is not a variable this server expands in favorites.")
            return ""
        value = env.get(name)
        if not value:
            problems.append(f"Environment variable ${name} is not set on the server.")
            return ""
        return value

    expanded = _VAR.sub(substitute, path)
    if problems:
        return None, problems[0]
    if expanded == "~" or expanded.startswith("~/"):
        if not usable("HOME"):
            return None, "$HOME (~) is not a variable this server expands in favorites."
        home = env.get("HOME")
        if not home:
            return None, "Environment variable $HOME is not set on the server."
        expanded = home + expanded[1:]
    return expanded, None


def disk_path(
    path: str, roots: RootPaths, environ: Mapping[str, str] | None = None, allowed: Collection[str] | None = None
) -> tuple[Path | None, str | None]:
    """The absolute path a favorite names (symlinks resolved), or a reason why none."""
    expanded, reason = expand(path, environ, allowed)
    if expanded is None:
        return None, reason
    candidate = Path(expanded)
    if not candidate.is_absolute():
        candidate = roots.root / expanded.lstrip("/")
    return Path(os.path.realpath(candidate)), None


class Walk:
    """What one listing learned about the disk: real paths and modes, by path.

    Favorites share parent directories; remembering them across one listing
    turns ~7 system calls per favorite into ~1, which matters on a network
    file system. Use a new one per listing (a symlink may change in between).
    """

    def __init__(self, root: str):
        self.real: dict[str, str] = {root: root}
        self.mode: dict[str, int] = {}

    def realpath(self, path: str) -> str:
        """``os.path.realpath`` of a normalized absolute path without ``..``."""
        known = self.real.get(path)
        if known is not None:
            return known
        parent, name = os.path.split(path)
        if not name:
            return path
        candidate = os.path.join(self.realpath(parent), name)
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:
            mode = None
        if mode is not None and stat.S_ISLNK(mode):
            real = os.path.realpath(candidate)
        else:
            real = candidate
            if mode is not None:
                self.mode[real] = mode
        self.real[path] = real
        return real

    def stat_mode(self, real: str) -> int:
        mode = self.mode.get(real)
        return mode if mode is not None else os.stat(real).st_mode


def resolve(
    path: str,
    roots: RootPaths,
    environ: Mapping[str, str] | None = None,
    walk: Walk | None = None,
    allowed: Collection[str] | None = None,
) -> Resolution:
    """Where a favorite points right now, and whether the browser can use it."""
    expanded, reason = expand(path, environ, allowed)
    if expanded is None:
        return Resolution(None, None, False, reason)
    root = str(roots.root)
    walk = walk if walk is not None else Walk(root)
    absolute = os.path.normpath(expanded if os.path.isabs(expanded) else os.path.join(root, expanded.lstrip("/")))
    if ".." in absolute.split(os.sep):
        target = os.path.realpath(absolute)  # '..' after a symlink: leave it to the OS
    else:
        target = walk.realpath(absolute)
    api_path = roots.api_text(target)
    if api_path is None:
        return Resolution(None, None, False, f"{target} is outside Jupyter's root directory ({root}).", outside=True)
    try:
        mode = walk.stat_mode(target)
    except FileNotFoundError:
        return Resolution(api_path, None, False, f"{target} does not exist (or its file system is not mounted).")
    except OSError as error:
        return Resolution(api_path, None, False, f"{target} cannot be reached: {error.strerror or error}.")
    kind = "directory" if stat.S_ISDIR(mode) else "file"
    return Resolution(api_path, kind, True, None)


def duplicate_key(
    path: str, roots: RootPaths, environ: Mapping[str, str] | None = None, allowed: Collection[str] | None = None
) -> str:
    """What two favorites must share to be the same bookmark (cheap: no disk access)."""
    expanded, _ = expand(path, environ, allowed)
    if expanded is None:
        return "text:" + path
    candidate = expanded if os.path.isabs(expanded) else os.path.join(roots.root, expanded.lstrip("/"))
    return "path:" + os.path.normpath(candidate)
