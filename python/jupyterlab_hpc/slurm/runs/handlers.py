"""REST handlers of notebook runs under ``{base_url}hpc/slurm/`` (docs/slurm-api.md, "Notebook runs").

Thin: the checks and the work are in :mod:`.service`; domain errors get their status in ``base.STATUS``.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ... import errors
from ...base import HpcHandler
from .service import NotebookRuns
from .store import RunStore


class RunsBase(HpcHandler):
    auth_resource = "hpc_slurm"  # the Slurm feature's resource: runs are Slurm jobs
    runs: NotebookRuns


class ParametersHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self):
        path = self.get_query_argument("path", None)
        if not path:
            raise errors.InvalidInput("Missing query parameter 'path' (the notebook).")
        self.reply(await self.runs.form(path))


class RunsHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply(await self.runs.list())

    @web.authenticated
    @authorized
    async def post(self):
        self.reply(await self.runs.submit(self.json_body()), 201)


class RunHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self, run_id):
        self.reply(await self.runs.get(run_id))


class RerunHandler(RunsBase):
    @web.authenticated
    @authorized
    async def post(self, run_id):
        self.reply(await self.runs.rerun(run_id, self.json_body()), 201)


def run_routes(serverapp: Any, config: Any, backend: Any) -> list[tuple[str, type, dict[str, Any]]]:
    """The routes to add to the Slurm feature's (``add_feature_handlers``)."""
    store = RunStore(config.runs_store_path, config.max_stored_runs)
    runs = NotebookRuns(config, backend, serverapp.root_dir, getattr(serverapp, "kernel_spec_manager", None), store)
    return [
        ("notebook-parameters", ParametersHandler, {"runs": runs}),
        ("notebook-runs", RunsHandler, {"runs": runs}),
        ("notebook-runs/([^/]+)", RunHandler, {"runs": runs}),
        ("notebook-runs/([^/]+)/rerun", RerunHandler, {"runs": runs}),
    ]
