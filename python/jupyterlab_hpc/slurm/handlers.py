"""REST handlers of ``{base_url}hpc/slurm`` (thin: the work is in backend, submit, output, templates)."""

from __future__ import annotations

import re
from pathlib import Path

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers
from ..validate import RootPaths, check_path_text
from .backend import ACTIONS, CliBackend
from .errors import http_error
from .ids import check_job_id, check_job_ids
from .output import read_chunk
from .submit import MAX_SCRIPT_BYTES, check_options, confine_paths, has_chdir_directive, has_job_name_directive
from .templates import Templates, check_script

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SlurmHandler(HpcHandler):
    auth_resource = "hpc_slurm"

    async def slurm(self, awaitable):
        """Await a backend call, turning Slurm's failures into 503 / 504 / 400."""
        try:
            return await awaitable
        except Exception as error:
            raise http_error(error) from None

    @property
    def paths(self) -> RootPaths:
        return RootPaths(self.settings["server_root_dir"])


class StatusHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply(await self.backend.status())


class JobsHandler(SlurmHandler):
    def compute_etag(self):
        # Tornado would hash the whole answer (tens of MB for a big queue) for an ETag nobody uses.
        return None

    @web.authenticated
    @authorized
    async def get(self):
        scope = self.get_query_argument("scope", "mine")
        if scope not in ("mine", "all"):
            raise web.HTTPError(400, f"Unknown scope '{scope[:40]}'; use 'mine' or 'all'.")
        self.set_header("Content-Type", "application/json")
        stream = JobStream(self)
        jobs = await self.slurm(self.backend.list_jobs(scope, stream.send))
        if stream.started:
            self.finish(jobs.tail())
        else:
            self.finish(jobs.to_json())

    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        has_script, has_path = body.get("script") is not None, body.get("path") is not None
        if has_script == has_path:
            raise web.HTTPError(400, "Give exactly one of 'script' (the script's text) or 'path' (a script file).")
        paths = self.paths
        if has_path:
            if not isinstance(body["path"], str):
                raise web.HTTPError(400, "Field 'path' must be a string.")
            script_file = paths.to_disk(check_path_text(body["path"]), "path")
            script = read_script(script_file)
            default_cwd = script_file.parent
        else:
            script = check_script(body["script"])
            default_cwd = paths.root
        if not script.strip():
            raise web.HTTPError(400, "The script is empty.")
        cwd = default_cwd
        if body.get("cwd") not in (None, ""):
            if not isinstance(body["cwd"], str):
                raise web.HTTPError(400, "Field 'cwd' must be a string.")
            cwd = paths.to_disk(body["cwd"], "cwd")
            if not cwd.is_dir():
                raise web.HTTPError(400, f"Working directory '{body['cwd']}' is not an existing directory.")
        options = confine_paths(check_options(body.get("options"), self.backend.config.submit_flags), cwd, paths)
        # The form's working directory beats the script's "#SBATCH --chdir"; without one the
        # job runs where the script file is, unless the script says otherwise.
        if body.get("cwd") not in (None, "") or not has_chdir_directive(script):
            options.append(("chdir", str(cwd)))
        keys = {key for key, _ in options}
        if has_path and "job-name" not in keys and not has_job_name_directive(script):
            # Script on stdin would otherwise be named "sbatch": name it after its file.
            if not _CONTROL.search(script_file.name):
                options.append(("job-name", script_file.name))
        self.reply(await self.slurm(self.backend.submit(script, options, str(cwd))), 201)


class JobStream:
    """Sends the jobs while squeue still prints them, so a big queue's answer is mostly
    on its way when squeue ends. Only once jobs arrive: a squeue that fails at once (no
    output) still gets its 503/504/502."""

    def __init__(self, handler: web.RequestHandler):
        self.handler = handler
        self.started = False
        self.broken = False

    def send(self, fragments: list[bytes]) -> None:
        if self.broken:
            return
        try:
            self.handler.write((b"," if self.started else b'{"jobs":[') + b",".join(fragments))
            self.started = True
            self.handler.flush()
        except Exception:  # the browser went away: other requests may share this squeue
            self.broken = True


def read_script(path: Path) -> str:
    if not path.exists():
        raise web.HTTPError(404, f"Script file '{path.name}' does not exist.")
    if not path.is_file():
        raise web.HTTPError(400, f"'{path.name}' is not a file.")
    if path.stat().st_size > MAX_SCRIPT_BYTES:
        raise web.HTTPError(413, f"Script file '{path.name}' is larger than {MAX_SCRIPT_BYTES // 1024} KB.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise web.HTTPError(400, f"'{path.name}' is not a UTF-8 text file.") from None


class ActionsHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        action = body.get("action")
        if action not in ACTIONS:
            raise web.HTTPError(400, f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
        ids = check_job_ids(body.get("ids"))
        self.reply({"results": await self.slurm(self.backend.act(action, ids))})


class JobHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id):
        job_id = check_job_id(job_id)
        details = await self.slurm(self.backend.job(job_id))
        if details is None:
            raise web.HTTPError(404, f"Slurm does not know job {job_id} (any more).")
        self.reply(details.to_json())

    @web.authenticated
    @authorized
    async def delete(self, job_id):
        job_id = check_job_id(job_id)
        (result,) = await self.slurm(self.backend.act("cancel", [job_id]))
        if not result["ok"]:
            denied = "permission" in result["message"].lower() or "not owner" in result["message"].lower()
            raise web.HTTPError(403 if denied else 400, result["message"])
        self.reply(result)


class OutputHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id):
        job_id = check_job_id(job_id)
        stream = self.get_query_argument("stream", "stdout")
        if stream not in ("stdout", "stderr"):
            raise web.HTTPError(400, "Parameter 'stream' must be 'stdout' or 'stderr'.")
        raw_offset = self.get_query_argument("offset", "0")
        if not raw_offset.isdigit() or len(raw_offset) > 18:
            raise web.HTTPError(400, "Parameter 'offset' must be a non-negative integer.")
        path = self.known_paths.get((job_id, stream))
        if path is None:
            path = await self.lookup(job_id, stream)
        disk = path.resolve()
        api_path = self.paths.to_api(disk)
        if api_path is None:
            raise web.HTTPError(403, f"The output file {path} is outside the Jupyter root directory.")
        chunk = read_chunk(disk, int(raw_offset), self.backend.config.max_output_chunk)
        self.reply({"path": api_path, "disk_path": str(disk), **chunk})

    async def lookup(self, job_id: str, stream: str) -> Path:
        """The job's output file from Slurm, remembered: the follower asks every second, and
        Slurm forgets finished jobs after MinJobAge while their output is still being read."""
        details = await self.slurm(self.backend.job(job_id))
        if details is None:
            raise web.HTTPError(404, f"Slurm does not know job {job_id} (any more).")
        summary = details.summary
        if summary["user"] != self.backend.user:
            raise web.HTTPError(403, f"Job {job_id} belongs to another user; only your own jobs' output can be read.")
        path = Path(summary[stream])
        task = summary["array_task_id"] or ""
        if not task.startswith("["):  # a task of a not yet split array may get its own record later
            self.known_paths[(job_id, stream)] = path
            while len(self.known_paths) > 10000:
                self.known_paths.pop(next(iter(self.known_paths)))
        return path


class PartitionsHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply({"partitions": await self.slurm(self.backend.partitions())})


class TemplatesHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply({"templates": self.templates.all()})

    @web.authenticated
    @authorized
    async def post(self):
        self.reply({"template": self.templates.save(self.json_body())}, 201)


class TemplateHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def delete(self, name):
        self.templates.delete(name)
        self.reply({"deleted": name})


def setup_handlers(serverapp, config):
    backend = CliBackend(config, root_dir=serverapp.root_dir)
    templates = Templates(config.templates, config.user_templates_path, config.submit_flags)
    add_feature_handlers(
        serverapp,
        "slurm",
        [
            ("status", StatusHandler, {"backend": backend}),
            ("jobs", JobsHandler, {"backend": backend}),
            ("jobs/actions", ActionsHandler, {"backend": backend}),
            ("jobs/([^/]+)/output", OutputHandler, {"backend": backend, "known_paths": {}}),
            ("jobs/([^/]+)", JobHandler, {"backend": backend}),
            ("partitions", PartitionsHandler, {"backend": backend}),
            ("templates", TemplatesHandler, {"templates": templates}),
            ("templates/(.+)", TemplateHandler, {"templates": templates}),
        ],
    )
