"""Reading back how a finished job was submitted: sacct's SubmitLine and the stored script.

Slurm records the command line with its arguments joined by single spaces (no quoting),
so ``--job-name=tail me`` and a script path cannot be told apart in general. The reader
knows which options take a value, continues a value over spaces only where the job's
recorded value (its name, its working directory) says so, and never guesses beyond:
what it cannot read is listed as not carried over.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import TypedDict

from . import output
from .submit import OPTION_NAMES

# sbatch's short options that take a value, by their long name.
_SHORT_VALUE = {
    "A": "account", "a": "array", "b": "begin", "c": "cpus-per-task", "C": "constraint", "d": "dependency",
    "D": "chdir", "e": "error", "F": "nodefile", "G": "gpus", "i": "input", "J": "job-name", "L": "licenses",
    "M": "clusters", "m": "distribution", "N": "nodes", "n": "ntasks", "o": "output", "p": "partition",
    "q": "qos", "S": "core-spec", "t": "time", "w": "nodelist", "x": "exclude", "B": "extra-node-info",
}  # fmt: skip
_SHORT_FLAG = {
    "H": "hold", "I": "immediate", "k": "no-kill", "O": "overcommit", "Q": "quiet", "s": "oversubscribe",
    "v": "verbose", "W": "wait", "h": "help", "V": "version", "u": "usage",
}  # fmt: skip
# sbatch's long options without a value (the rest take one).
_LONG_FLAGS = {
    "contiguous", "exclusive", "get-user-env", "hold", "ignore-pbs", "immediate", "no-kill", "no-requeue",
    "overcommit", "oversubscribe", "parsable", "quiet", "requeue", "reboot", "spread-job", "test-only",
    "use-min-nodes", "verbose", "wait", "help", "usage", "version",
}  # fmt: skip
# Options that take an optional value only with "=" (never the next word).
_OPTIONAL_VALUE = {"exclusive", "get-user-env", "kill-on-invalid-dep", "mem-bind", "cpu-bind", "propagate"}
# What a resubmission drops on purpose, with the reason shown to the user.
_NOT_AGAIN = {
    "dependency": "it named jobs of the first submission",
    "parsable": None,  # how the panel submits: not the user's choice
    "wrap": None,  # the wrapped command is the stored script
    "chdir": None,  # becomes the working directory of the new submission
}
_DIRECTIVE = re.compile(r"^#SBATCH\s+(.*)$")


class Reading(TypedDict):
    options: dict[str, str | bool]  # long option -> value (True: a flag), as typed
    script_path: str | None  # the script file named on the command line (None: stdin or --wrap)
    script_args: list[str]  # words after the script path: its arguments
    wrapped: bool


def read_line(line: str, known: dict[str, str] | None = None) -> Reading:
    """Options of a recorded ``sbatch ...`` command line. ``known`` holds values recorded
    elsewhere (``job-name``, ``chdir``) that may contain spaces."""
    known = known or {}
    words = line.split(" ")[1:]  # the first word is sbatch itself
    return _read(words, known, stop_at_script=True)


def read_directives(script: str) -> dict[str, str | bool]:
    """``#SBATCH`` options of a script, up to its first command (as sbatch reads them)."""
    words: list[str] = []
    for number, raw in enumerate(script.splitlines()):
        text = raw.strip()
        if number == 0 and text.startswith("#!"):
            continue
        if text and not text.startswith("#"):
            break
        match = _DIRECTIVE.match(text)
        if match:
            try:  # sbatch reads a directive's words as a shell would (quotes, a trailing comment)
                words += shlex.split(match.group(1), comments=True)
            except ValueError:
                words += match.group(1).split()
    return _read(words, {}, stop_at_script=False)["options"]


def _read(words: list[str], known: dict[str, str], stop_at_script: bool) -> Reading:
    options: dict[str, str | bool] = {}
    script_path, script_args, wrapped = None, [], False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word:
            continue
        if word.startswith("--"):
            name, has_value, value = word[2:].partition("=")
            if name in _LONG_FLAGS or (name in _OPTIONAL_VALUE and not has_value):
                options[name] = True if not has_value else value
                continue
            if not has_value:
                if index >= len(words):
                    break
                value, index = words[index], index + 1
        elif word.startswith("-") and len(word) > 1:
            letter, attached = word[1], word[2:]
            if letter in _SHORT_FLAG:
                options[_SHORT_FLAG[letter]] = True
                for more in attached:  # "-Hv"
                    if more in _SHORT_FLAG:
                        options[_SHORT_FLAG[more]] = True
                continue
            name = _SHORT_VALUE.get(letter, letter)
            if attached:
                value = attached.removeprefix("=")
            elif index < len(words):
                value, index = words[index], index + 1
            else:
                break
        else:
            if stop_at_script:
                script_path, script_args = word, [w for w in words[index:] if w]
                break
            continue
        if name == "wrap":
            # The wrapped command runs to the next option sbatch knows (or the end).
            while index < len(words) and not _is_option(words[index]):
                index += 1
            wrapped = True
            continue
        # A value with spaces: continue it while the recorded value says it goes on.
        full = known.get(name)
        while full is not None and index < len(words) and full.startswith(value + " "):
            value, index = f"{value} {words[index]}", index + 1
        options[name] = value
    return {"options": options, "script_path": script_path, "script_args": script_args, "wrapped": wrapped}


def _is_option(word: str) -> bool:
    if word.startswith("--"):
        return len(word) > 2
    return len(word) >= 2 and word[0] == "-" and (word[1] in _SHORT_VALUE or word[1] in _SHORT_FLAG)


class Resubmission(TypedDict):
    available: bool
    reason: str | None  # why not, when it is not available
    options: dict[str, str | bool]  # what the submit form gets (only options it accepts)
    not_carried: list[str]  # options of the first submission the form cannot take, and why
    script_args: list[str]


def resubmission(reading: Reading, script: str | None, flags: list[str]) -> Resubmission:
    """What "submit again" may pre-fill: the stored script and the command line's options
    that the submit form accepts (the script's own ``#SBATCH`` lines stay in the script)."""
    options: dict[str, str | bool] = {}
    dropped: list[str] = []
    for name, value in reading["options"].items():
        if name in _NOT_AGAIN:
            if _NOT_AGAIN[name]:
                dropped.append(f"--{name}={value}: {_NOT_AGAIN[name]}")
            continue
        if name in OPTION_NAMES or (name in flags and value is True):
            options[name] = value
        else:
            shown = f"--{name}" if value is True else f"--{name}={value}"
            dropped.append(f"{shown}: the submit form does not offer it")
    if script is None:
        reason = (
            "Slurm did not keep this job's script "
            "(accounting stores scripts only with AccountingStoreFlags=job_script)."
        )
    elif script == "":
        reason = "This job had no batch script (it was started with srun or salloc)."
    elif reading["script_args"]:
        reason = "This job's script was given arguments on the command line, which the submit form cannot pass."
    else:
        reason = None
    return {
        "available": reason is None,
        "reason": reason,
        "options": options,
        "not_carried": dropped,
        "script_args": reading["script_args"],
    }


def stdio_paths(job: dict, line_options: dict[str, str | bool], directives: dict[str, str | bool]) -> dict[str, str]:
    """The job's output and error files as Slurm named them: the command line beats the
    script's ``#SBATCH`` lines, which beat Slurm's default; patterns expanded, relative
    paths taken from the working directory."""
    array = job.get("array_job_id") is not None
    default = "slurm-%A_%a.out" if array else "slurm-%j.out"

    def chosen(name: str) -> str | None:
        for source in (line_options, directives):
            value = source.get(name)
            if isinstance(value, str) and value:
                return value
        return None

    stdout = chosen("output") or default
    stderr = chosen("error") or stdout  # without --error, both streams go to the output file
    record = {
        "JobId": job["raw_id"],
        "ArrayJobId": job.get("array_job_id") or "",
        "ArrayTaskId": job.get("array_task_id") or "",
        "JobName": job["name"],
        "UserId": job["user"],
        "NodeList": job.get("nodelist", ""),
        "WorkDir": job["work_dir"],
    }
    paths = {}
    for stream, pattern in (("stdout", stdout), ("stderr", stderr)):
        path = output.expand(pattern, record, job["id"])
        if not path.startswith("/"):
            path = str(Path(job["work_dir"] or "/") / path)
        paths[stream] = path
    return paths
