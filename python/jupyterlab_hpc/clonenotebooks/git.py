"""Running ``git`` on repositories users may name, and reading their URLs as git does.

git reads a URL its own way: ``https:host/repo`` is an SSH address, ``https::ftp://x``
runs the remote helper ``git-remote-https`` on ``ftp://x``, and a newline ends a
config line. A URL a user gives is therefore accepted only in one strict form,
``scheme://host[:port]/path`` (``file:///path`` for local repositories), and git
runs with the protocols restricted (``GIT_ALLOW_PROTOCOL``), without hooks, LFS
smudge or submodule recursion, never prompting, in its own process group so
that a timeout also stops the helpers it started (``git-remote-https``, ``ssh``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .. import errors
from ..validate import has_control_chars, redact_urls

#: git's names for its transports; the only schemes a user's URL may have.
GIT_PROTOCOLS = ("https", "http", "ssh", "git", "file")
MAX_URL_LENGTH = 2048
MAX_MESSAGE = 500

# scheme://[userinfo@]host[:port]/path  (host: a name or an [IPv6] literal; never starting with '-')
_REMOTE_URL = re.compile(
    r"(?P<scheme>https|http|ssh|git)://(?:[^/@\s]+@)?"
    r"(?:[A-Za-z0-9][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?/\S+"
)
_FILE_URL = re.compile(r"file:///\S*")

# Configuration that must not come from the user's or the system's git config here.
SAFE_CONFIG = (
    "core.hooksPath=/dev/null",  # no hook runs (post-checkout would run on clone)
    "core.fsmonitor=false",
    "filter.lfs.smudge=",  # no LFS download or program at checkout
    "filter.lfs.process=",
    "filter.lfs.required=false",
    "submodule.recurse=false",
)


def check_user_url(url: str, allowed_schemes: Iterable[str]) -> None:
    """A git URL a user gives: InvalidInput unless in the strict form, Forbidden for a scheme not allowed."""
    if len(url) > MAX_URL_LENGTH or has_control_chars(url) or any(c.isspace() for c in url):
        raise errors.InvalidInput("a git URL must be one line without spaces or control characters")
    scheme = url.partition("://")[0] if "://" in url else ""
    if scheme not in GIT_PROTOCOLS or not (_FILE_URL if scheme == "file" else _REMOTE_URL).fullmatch(url):
        raise errors.InvalidInput(
            "a git URL must have the form https://host/path (or file:///path); "
            "'host:path', 'scheme::address' and other forms are not accepted"
        )
    if scheme not in set(allowed_schemes):
        raise errors.Forbidden(f"git URLs with the scheme '{scheme}' are not allowed here")


def check_site_url(url: str) -> None:
    """A URL the site configured (any form git reads, e.g. git@host:path), but one line, not an option."""
    if has_control_chars(url) or url.startswith("-"):
        raise errors.InvalidInput("a git source's 'url' must be one line and must not start with '-'")


def git_environment(protocols: Iterable[str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_ALLOW_PROTOCOL=":".join(p for p in protocols if p in GIT_PROTOCOLS) or "none",
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="/bin/true",
        SSH_ASKPASS="/bin/true",
        GIT_LFS_SKIP_SMUDGE="1",
        LC_ALL="C",
    )
    return env


def run_git(args: list[str], *, cwd: Path | None, timeout: float, protocols: Iterable[str], what: str) -> str:
    """``git <args>``'s output; :class:`~..errors.Unavailable` (``failure``) or TimedOut with ``what``
    (the redacted URL) in the message. Never prompts; stops the whole process group on timeout."""
    argv = ["git"]
    for setting in SAFE_CONFIG:
        argv += ["-c", setting]
    try:
        process = subprocess.Popen(
            [*argv, *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=git_environment(protocols),
            start_new_session=True,
        )
    except FileNotFoundError:
        raise GitFailed("The git command is not installed on this server.") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise GitFailed(f"git {args[0]} of {what} took longer than {timeout:g} s.") from None
    finally:
        if process.poll() is None:
            _kill_group(process)
    if process.returncode != 0:
        lines = (stderr or stdout).strip().splitlines()
        detail = redact_urls(lines[-1] if lines else "")[:MAX_MESSAGE]
        raise GitFailed(f"git {args[0]} of {what} failed: {detail}")
    return stdout


class GitFailed(errors.Unavailable):
    """git could not clone or fetch (the source keeps its previous checkout, if any)."""


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # git and the helpers it started
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a helper left the group and holds the pipes: stop reading them
        for pipe in (process.stdout, process.stderr):
            if pipe:
                pipe.close()
        process.wait()
