"""The job script of a notebook run, and the files it reads.

The script holds no value from the request: the parameter sets, the kernel and the paths are in
the run's JSON file (``run.json`` in the run's folder, the job's working directory). The only
words the script contains are the site's (``c.Slurm.notebook_python``, ``c.Slurm.notebook_prelude``)
and the task runner's code, fed to Python on standard input by a quoted here-document (nothing in
it is expanded by the shell).
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import tempfile
from pathlib import Path
from typing import Any

from . import task

_DELIMITER = "JUPYTERLAB_HPC_TASK"


@functools.cache
def task_code() -> str:
    """The runner's source, read once (submissions build the script on the event loop)."""
    return Path(task.__file__).read_text(encoding="utf-8")


def job_script(python: str, prelude: str, run_id: str) -> str:
    """The batch script: the site's prelude, then the task runner on the site's notebook Python."""
    code = task_code()
    if f"\n{_DELIMITER}\n" in f"\n{code}\n":
        raise RuntimeError("the task runner's code contains the here-document delimiter")
    lines = [
        "#!/bin/bash",
        f"# jupyterlab-hpc notebook run {run_id}: runs the notebook with papermill; parameters in run.json.",
    ]
    if prelude.strip():
        lines.append(prelude.rstrip("\n"))
    lines += [
        f"exec {shlex.quote(python)} - {task.SPEC_NAME} <<'{_DELIMITER}'",
        code.rstrip("\n"),
        _DELIMITER,
        "",
    ]
    return "\n".join(lines)


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet (never follows a link planted there)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_run_files(run_dir: Path, spec: dict[str, Any], notebook_text: str) -> None:
    """Create the run's folder with its JSON file and the notebook snapshot the tasks execute.

    The snapshot is what was submitted: edits to the notebook while the job waits in the
    queue do not change this run (nor its re-runs).
    """
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    # Made under a temporary name and renamed: a task never sees a half-written folder.
    staging = Path(tempfile.mkdtemp(prefix=f".{run_dir.name}.", dir=run_dir.parent))
    try:
        write_new(staging / task.SNAPSHOT_NAME, notebook_text)
        write_new(staging / task.SPEC_NAME, json.dumps(spec, indent=1, ensure_ascii=False))
        staging.chmod(0o755)
        os.rename(staging, run_dir)
    except BaseException:
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()
        raise
