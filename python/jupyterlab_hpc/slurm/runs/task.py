"""One task of a notebook run, inside the Slurm job: pick this task's parameter set and run papermill.

The job script feeds this file's text to the site's notebook Python (``c.Slurm.notebook_python``)
on standard input, so it needs nothing but the standard library and papermill (which brings
nbformat): the site's Python need not have jupyterlab-hpc installed. The server imports it too,
for :func:`output_name`, so both agree on where a task's notebook goes.

No parameter value ever passes through a shell: they are read here from the run's JSON file and
handed to papermill's Python API, which writes them into the notebook as Python literals.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

SPEC_NAME = "run.json"
SNAPSHOT_NAME = "notebook.ipynb"


def output_name(stem: str, job_id: str, task: int | None) -> str:
    """The output notebook's file name: ``<stem>-<job>.ipynb``, or ``<stem>-<job>_<task>.ipynb`` in an array."""
    return f"{stem}-{job_id}.ipynb" if task is None else f"{stem}-{job_id}_{task}.ipynb"


def _literal_path(path: str) -> str:
    # papermill formats paths with the parameters (str.format): braces in a folder name stay braces.
    return path.replace("{", "{{").replace("}", "}}")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    log = logging.getLogger("jupyterlab_hpc.run")
    spec_path = os.path.abspath(argv[0] if argv else SPEC_NAME)
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    in_array = bool(spec["array"])
    index = int(os.environ.get("SLURM_ARRAY_TASK_ID", "0")) if in_array else 0
    tasks = spec["tasks"]
    if not 0 <= index < len(tasks):
        log.error("Task %d does not exist in this run (it has %d tasks).", index, len(tasks))
        return 2
    job_id = os.environ.get("SLURM_ARRAY_JOB_ID") if in_array else None
    job_id = job_id or os.environ.get("SLURM_JOB_ID", "local")
    output = os.path.join(spec["output_dir"], output_name(spec["stem"], job_id, index if in_array else None))
    snapshot = os.path.join(os.path.dirname(spec_path), SNAPSHOT_NAME)
    record = {
        "run_id": spec["run_id"],
        "job_id": job_id,
        "task_id": index if in_array else None,
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "notebook": spec["notebook"],
        "host": os.uname().nodename,
        "started": time.time(),
    }

    # Imported here: a site Python without papermill fails with the reason in the job's log.
    import papermill
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillExecutionError

    class RunEngine(NBClientEngine):
        """papermill's own engine, plus the job and task ids in the output notebook's metadata
        from its first save on (so a running task's notebook already says where it comes from)."""

        @classmethod
        def execute_notebook(cls, nb, kernel_name, **kwargs):
            own = nb.metadata.get("jupyterlab_hpc")
            nb.metadata["jupyterlab_hpc"] = {**(own if isinstance(own, dict) else {}), "run": record}
            return super().execute_notebook(nb, kernel_name, **kwargs)

    papermill_engines.register("jupyterlab_hpc", RunEngine)
    log.info("Notebook run %s, task %d of %d: %s", spec["run_id"], index, len(tasks), output)
    try:
        papermill.execute_notebook(
            _literal_path(snapshot),
            _literal_path(output),
            parameters=tasks[index],
            engine_name="jupyterlab_hpc",
            kernel_name=spec["kernel"],
            cwd=spec["cwd"],
            log_output=True,  # each cell's output in the job's log as it comes
            progress_bar=False,
            request_save_on_cell_execute=True,  # the output notebook shows progress cell by cell
        )
    except PapermillExecutionError as error:
        log.error("The notebook failed in cell %s: %s: %s", error.exec_count, error.ename, error.evalue)
        return 1
    log.info("Done: %s", output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
