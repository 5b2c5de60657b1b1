"""The submission policy: what ``POST jobs`` submits, decided and checked before Slurm runs.

Script or script file, working directory, the script's own ``#SBATCH`` lines, the job
name, and sbatch options from the browser turned into safe argv elements.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from .. import errors
from ..safefile import NotRegularFile, read_regular
from ..validate import RootPaths, check_path_text, has_control_chars
from .records import Submission

MAX_SCRIPT_BYTES = 1024 * 1024
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


def bad(field: str, why: str) -> errors.InvalidInput:
    return errors.InvalidInput(f"Option '{field}': {why}")


def check_value(key: str, value: object) -> str:
    """One option value as text, or a 400 naming the option."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise bad(key, "must be a string or a number.")
    text = str(value).strip()
    if len(text) > 1024:
        raise bad(key, "is too long.")
    if has_control_chars(text):
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
        raise errors.InvalidInput("Field 'options' must be an object of sbatch long option names.")
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
            raise errors.InvalidInput(f"Unknown sbatch option '{key[:60]}'; allowed: {allowed}.")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        checked.append((key, check_value(key, value)))
    return checked


def confine_paths(
    options: list[tuple[str, str | bool]], cwd: Path, paths: RootPaths, job_name: str
) -> list[tuple[str, str | bool]]:
    """Output/error paths resolved against the job's directory and checked as Slurm will
    expand them: ``%x`` is the job name (free text, ``job_name``), so ``../`` in the name
    can move the file. The expanded path must stay inside the root (403) and its directory
    must exist (Slurm does not create it: the job would fail without a word)."""
    confined = []
    for key, value in options:
        if key in PATH_OPTIONS and isinstance(value, str):
            target = Path(value) if Path(value).is_absolute() else cwd / value
            expanded = _NAME_PATTERN.sub(lambda match: match.group(1) or job_name, str(target))
            if Path(expanded).name in ("", ".", ".."):
                raise bad(key, f"'{value}' names a directory, not a file, once the job name is put in.")
            paths.to_disk(expanded, key)  # Forbidden when the expanded path leaves the root
            parent = Path(expanded).resolve().parent
            if "%" not in str(parent) and not parent.is_dir():
                shown = paths.to_api(parent) or str(parent)
                raise bad(key, f"the directory '{shown}' does not exist; create it first.")
            value = str(paths.to_disk(str(target), key))
        confined.append((key, value))
    return confined


# "%x" (also "%10x") but not "%%x", which is a literal "%x".
_NAME_PATTERN = re.compile(r"(%%)|%(\d*)x")


def directives(script: str) -> dict[str, str]:
    """The options of the script's ``#SBATCH`` lines that the policy needs (``job-name``,
    ``chdir``), as sbatch reads them: only in the comment block before the first command."""
    found: dict[str, str] = {}
    for line in script.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # sbatch stops reading directives at the first command
        if not stripped.startswith("#SBATCH"):
            continue
        try:
            words = shlex.split(stripped[len("#SBATCH") :], comments=True)
        except ValueError:
            words = stripped[len("#SBATCH") :].split()
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            for name, short, longs in _DIRECTIVES:
                if word == short or word in longs:
                    found[name] = following
                elif word.startswith(short) and len(word) > 2 and not word.startswith("--"):
                    found[name] = word[2:]
                elif word.startswith(tuple(f"{long}=" for long in longs)):
                    found[name] = word.partition("=")[2]
    return found


_DIRECTIVES = (("job-name", "-J", ("--job-name",)), ("chdir", "-D", ("--chdir", "--workdir")))


def check_script(script: object) -> str:
    if not isinstance(script, str):
        raise errors.InvalidInput("Field 'script' must be a string.")
    if "\x00" in script:
        raise errors.InvalidInput("Field 'script' must not contain NUL bytes.")
    if len(script.encode("utf-8")) > MAX_SCRIPT_BYTES:
        raise errors.TooLarge(f"The script is larger than {MAX_SCRIPT_BYTES // 1024} KB.")
    return script


def read_script(path: Path) -> str:
    """A script file (resolved inside the root): a regular file of at most MAX_SCRIPT_BYTES, read
    without blocking on a named pipe or following a link made after the path was resolved."""
    try:
        raw = read_regular(path, MAX_SCRIPT_BYTES, nofollow=True, what=f"Script file '{path.name}'")
    except FileNotFoundError:
        raise errors.NotFound(f"Script file '{path.name}' does not exist.") from None
    except NotRegularFile as error:
        raise errors.InvalidInput(f"'{path.name}' {error.strerror}.") from None
    except OSError as error:
        raise errors.Forbidden(f"Script file '{path.name}' cannot be read: {error.strerror}.") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.InvalidInput(f"'{path.name}' is not a UTF-8 text file.") from None


def plan(body: dict[str, Any], paths: RootPaths, flags: list[str]) -> Submission:
    """The submission ``POST jobs`` asks for (docs/slurm-api.md), checked; blocking (it reads the disk)."""
    has_script, has_path = body.get("script") is not None, body.get("path") is not None
    if has_script == has_path:
        raise errors.InvalidInput("Give exactly one of 'script' (the script's text) or 'path' (a script file).")
    script_file: Path | None = None
    if has_path:
        if not isinstance(body["path"], str):
            raise errors.InvalidInput("Field 'path' must be a string.")
        script_file = paths.to_disk(check_path_text(body["path"]), "path")
        script = read_script(script_file)
        default_cwd = script_file.parent
    else:
        script = check_script(body["script"])
        default_cwd = paths.root
    if not script.strip():
        raise errors.InvalidInput("The script is empty.")
    given_cwd = body.get("cwd") not in (None, "")
    cwd = default_cwd
    if given_cwd:
        if not isinstance(body["cwd"], str):
            raise errors.InvalidInput("Field 'cwd' must be a string.")
        cwd = paths.to_disk(body["cwd"], "cwd")
        if not cwd.is_dir():
            raise errors.InvalidInput(f"Working directory '{body['cwd']}' is not an existing directory.")
    options = check_options(body.get("options"), flags)
    in_script = directives(script)
    name = dict(options).get("job-name") or in_script.get("job-name")
    if not name and script_file is not None and not has_control_chars(script_file.name):
        # A script on stdin would otherwise be named "sbatch": name it after its file.
        name = script_file.name
        options.append(("job-name", name))
    options = confine_paths(options, cwd, paths, str(name or "sbatch"))
    # The form's working directory beats the script's "#SBATCH --chdir"; without one the
    # job runs where the script file is, unless the script says otherwise.
    if given_cwd or "chdir" not in in_script:
        options.append(("chdir", str(cwd)))
    return Submission(script, options, str(cwd))
