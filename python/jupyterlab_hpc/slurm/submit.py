"""Validation of a submission: sbatch options from the browser become safe argv elements."""

from __future__ import annotations

import re
from pathlib import Path

from tornado import web

from ..validate import RootPaths

MAX_SCRIPT_BYTES = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TIME = re.compile(r"^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2})$")
_NAME_LIST = re.compile(r"^[A-Za-z0-9_.+\-]+(?:,[A-Za-z0-9_.+\-]+)*$")
_POSITIVE = re.compile(r"^[1-9][0-9]{0,8}$")
_TASKS = r"[0-9]{1,7}(?:-[0-9]{1,7}(?::[1-9][0-9]*)?)?"
_DEPENDENCY = r"(?:singleton|[a-z]+(?::[0-9_+]+)+)"
_MEMORY = re.compile(r"^[0-9]{1,12}(?:\.[0-9]+)?[KMGTkmgt]?[Bb]?$")
_NODELIST = re.compile(r"^[A-Za-z0-9_.\-\[\],]+$")
_CHECKS: dict[str, tuple[re.Pattern[str] | None, str]] = {
    # option: (pattern or None for free text, what the user should type)
    "job-name": (None, "a name"),
    "comment": (None, "a comment"),
    "partition": (_NAME_LIST, "a partition name (or a comma-separated list)"),
    "account": (_NAME_LIST, "an account name"),
    "qos": (_NAME_LIST, "a QOS name"),
    "reservation": (_NAME_LIST, "a reservation name"),
    "time": (_TIME, "a time limit like 30, 1:00:00 or 2-00:00:00"),
    "nodes": (re.compile(r"^[1-9][0-9]{0,6}(?:-[1-9][0-9]{0,6})?$"), "a positive number of nodes (or a range N-M)"),
    "ntasks": (_POSITIVE, "a positive integer"),
    "ntasks-per-node": (_POSITIVE, "a positive integer"),
    "cpus-per-task": (_POSITIVE, "a positive integer"),
    "nice": (re.compile(r"^[0-9]{1,7}$"), "a non-negative integer"),
    "mem": (_MEMORY, "a memory size like 4G or 500M"),
    "mem-per-cpu": (_MEMORY, "a memory size like 4G or 500M"),
    "gpus": (re.compile(r"^(?:[A-Za-z0-9_.\-]+:)?[1-9][0-9]{0,4}$"), "a GPU count like 2 or a100:2"),
    "gres": (re.compile(r"^[A-Za-z0-9_.:\-]+(?:,[A-Za-z0-9_.:\-]+)*$"), "a GRES list like gpu:2"),
    "constraint": (re.compile(r"^[A-Za-z0-9_.\-&|\[\]*:!,()]+$"), "node features like intel&ib"),
    "nodelist": (_NODELIST, "a node list like node[1-4]"),
    "exclude": (_NODELIST, "a node list like node[1-4]"),
    "array": (re.compile(rf"^{_TASKS}(?:,{_TASKS})*(?:%[1-9][0-9]*)?$"), "task ids like 1-10, 1,3,5 or 1-100%10"),
    "dependency": (re.compile(rf"^{_DEPENDENCY}(?:[,?]{_DEPENDENCY})*$"), "a dependency like afterok:123"),
    "begin": (re.compile(r"^[A-Za-z0-9:+\-T]+$"), "a time like now+1hour or 2026-12-01T08:00"),
    "mail-type": (re.compile(r"^[A-Za-z_0-9]+(?:,[A-Za-z_0-9]+)*$"), "mail types like END,FAIL"),
    "mail-user": (re.compile(r"^[A-Za-z0-9_.+\-]+(?:@[A-Za-z0-9_.\-]+)?$"), "a user name or e-mail address"),
    "output": (None, "a file path"),
    "error": (None, "a file path"),
}
OPTION_NAMES = tuple(_CHECKS)
PATH_OPTIONS = ("output", "error")


def bad(field: str, why: str) -> web.HTTPError:
    return web.HTTPError(400, f"Option '{field}': {why}")


def check_value(key: str, value: object) -> str:
    """One option value as text, or a 400 naming the option."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise bad(key, "must be a string or a number.")
    text = str(value).strip()
    if len(text) > 1024:
        raise bad(key, "is too long.")
    if _CONTROL.search(text):
        raise bad(key, "must not contain newlines or control characters.")
    if ";" in text or "$(" in text or "`" in text:
        raise bad(key, "must not contain ';', '$(' or backticks.")
    if text.startswith("-"):
        raise bad(key, "must not start with '-'.")
    pattern, expected = _CHECKS[key]
    if pattern is not None and not pattern.match(text):
        raise bad(key, f"'{text}' is not valid; expected {expected}.")
    return text


def check_options(options: object, flags: list[str]) -> list[tuple[str, str | bool]]:
    """Validated ``(long option, value)`` pairs; ``True`` for a flag without value."""
    if options is None:
        return []
    if not isinstance(options, dict):
        raise web.HTTPError(400, "Field 'options' must be an object of sbatch long option names.")
    checked: list[tuple[str, str | bool]] = []
    for key, value in options.items():
        if key in flags:
            if not isinstance(value, bool) and value is not None:
                raise bad(key, "is a flag: true or false.")
            if value:
                checked.append((key, True))
            continue
        if key not in _CHECKS:
            allowed = ", ".join(OPTION_NAMES + tuple(flags))
            raise web.HTTPError(400, f"Unknown sbatch option '{key[:60]}'; allowed: {allowed}.")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        checked.append((key, check_value(key, value)))
    return checked


def confine_paths(options: list[tuple[str, str | bool]], cwd: Path, paths: RootPaths) -> list[tuple[str, str | bool]]:
    """Output/error paths resolved against the job's directory and kept inside the root (403)."""
    confined = []
    for key, value in options:
        if key in PATH_OPTIONS and isinstance(value, str):
            target = Path(value) if Path(value).is_absolute() else cwd / value
            resolved = paths.to_disk(str(target), key)
            # Slurm does not create the directory: the job would fail without a word.
            if "%" not in str(resolved.parent) and not resolved.parent.is_dir():
                shown = paths.to_api(resolved.parent) or str(resolved.parent)
                raise bad(key, f"the directory '{shown}' does not exist; create it first.")
            value = str(resolved)
        confined.append((key, value))
    return confined


def has_job_name_directive(script: str) -> bool:
    return re.search(r"^#SBATCH\s+(?:-J|--job-name)\b", script, re.MULTILINE) is not None


def has_chdir_directive(script: str) -> bool:
    return re.search(r"^#SBATCH\s+(?:-D|--chdir|--workdir)\b", script, re.MULTILINE) is not None
