"""The user's notebook runs, kept in a JSON file under the Jupyter data dir (survives restarts).

A record holds what is needed to show and re-run a run without Slurm's help: the notebook,
kernel, output folder, the parameters and the sweep (the task parameter sets are re-expanded
from it), the sbatch options, and each submission (job id and the task indices it ran). Task
states are not stored: they come from Slurm (queue, accounting) and the output notebooks.
"""

from __future__ import annotations

from typing import Any

from ... import errors
from ...jsonstore import JsonStore


def _is_valid(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("runs"), list)


class RunStore:
    def __init__(self, path: str, max_runs: int):
        self.store = JsonStore(path, lambda: {"runs": []}, _is_valid)
        self.max_runs = max_runs

    def all(self) -> list[dict[str, Any]]:
        """The runs, newest first."""
        runs = [run for run in self.store.read()["runs"] if isinstance(run, dict) and isinstance(run.get("id"), str)]
        return sorted(runs, key=lambda run: run.get("created", 0), reverse=True)

    def get(self, run_id: str) -> dict[str, Any]:
        for run in self.all():
            if run["id"] == run_id:
                return run
        raise errors.NotFound(f"There is no notebook run '{run_id[:80]}' (it may have been removed).")

    def add(self, run: dict[str, Any]) -> None:
        def put(data: dict[str, Any]) -> None:
            runs = [r for r in data["runs"] if isinstance(r, dict)] + [run]
            # The oldest records go first; their files stay where they are.
            runs.sort(key=lambda r: r.get("created", 0))
            data["runs"] = runs[-self.max_runs :]

        self.store.update(put)

    def add_job(self, run_id: str, job: dict[str, Any]) -> dict[str, Any]:
        """Record another submission (a re-run) of a run; returns the updated run."""

        def put(data: dict[str, Any]) -> dict[str, Any]:
            for run in data["runs"]:
                if isinstance(run, dict) and run.get("id") == run_id:
                    run.setdefault("jobs", []).append(job)
                    return run
            raise errors.NotFound(f"There is no notebook run '{run_id[:80]}' (it may have been removed).")

        return self.store.update(put)

    def remove(self, run_id: str) -> None:
        def drop(data: dict[str, Any]) -> bool:
            before = len(data["runs"])
            data["runs"] = [r for r in data["runs"] if not (isinstance(r, dict) and r.get("id") == run_id)]
            return len(data["runs"]) != before

        if not self.store.update(drop):
            raise errors.NotFound(f"There is no notebook run '{run_id[:80]}'.")
