"""REST handlers of ``{base_url}hpc/slurm`` (thin: the work is in the backend, submit, output, templates).

Domain errors raised below or by the backend get their status in ``base.STATUS``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import ensure_async
from tornado import web

from .. import errors
from ..base import HpcHandler, add_feature_handlers
from ..offload import blocking
from ..validate import RootPaths
from . import submit
from .errors import NoAccounting
from .feed import QueueFeed
from .ids import check_job_id, check_job_ids
from .interface import SlurmBackend
from .output import read_output
from .records import ACTIONS, SCOPES
from .runs.handlers import run_routes
from .sacct import ENDED_STATES, STATE_GROUPS
from .templates import Templates
from .wire import FORMATS, accepts_gzip, compress, parse_limit, parse_since


class SlurmHandler(HpcHandler):
    auth_resource = "hpc_slurm"
    backend: SlurmBackend
    #: made once at start: resolving the root touches the file system, never per request on the loop
    paths: RootPaths


class StatusHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply(await self.backend.status())


class JobsHandler(SlurmHandler):
    feed: QueueFeed

    def compute_etag(self):
        # Tornado would hash the whole answer (tens of MB for a big queue) for an ETag nobody uses.
        return None

    @web.authenticated
    @authorized
    async def get(self):
        scope = self.get_query_argument("scope", "mine")
        if scope not in SCOPES:
            raise errors.InvalidInput(f"Unknown scope '{scope[:40]}'; use 'mine' or 'all'.")
        try:
            since = parse_since(self.get_query_argument("since", None))
            limit = parse_limit(self.get_query_argument("limit", None))
        except ValueError as error:
            raise errors.InvalidInput(str(error)) from None
        fmt = self.get_query_argument("format", "objects")
        if fmt not in FORMATS:
            raise errors.InvalidInput(f"Unknown format '{fmt[:40]}'; use 'objects' or 'columns'.")
        if since is None and fmt == "objects" and limit is None:
            await self.full_list(scope)
        else:
            await self.changes(scope, since, fmt, limit)

    async def full_list(self, scope):
        """The first contract: every job as an object, streamed while squeue prints."""
        self.set_header("Content-Type", "application/json")
        stream = JobStream(self)
        jobs = await self.feed.job_list(scope, stream.send)
        if stream.started:
            self.finish(jobs.tail())
        else:
            self.finish(jobs.to_json())

    async def changes(self, scope, since, fmt, limit=None):
        """Versions: what changed since ``since`` (docs/slurm-api.md); the last good table with
        the error's status and message when the queue cannot be read now. ``limit``: a full
        answer holds only the newest ``limit`` jobs (the panel's first screen)."""
        status, body = await self.feed.answer(scope, since, fmt, limit)
        config = self.backend.config
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if config.compress_min_bytes and len(body) >= config.compress_min_bytes:
            self.set_header("Vary", "Accept-Encoding")
            if accepts_gzip(self.request.headers.get("Accept-Encoding", "")):
                body = await blocking(compress, body, config.compress_level)
                self.set_header("Content-Encoding", "gzip")
        self.finish(body)

    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        submission = await blocking(submit.plan, body, self.paths, self.backend.config.submit_flags)
        self.reply({**await self.backend.submit(submission), "at": time.time()}, 201)


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


class ActionsHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        action = body.get("action")
        if action not in ACTIONS:
            raise errors.InvalidInput(f"Unknown action {action!r:.40}; use one of {', '.join(ACTIONS)}.")
        ids = check_job_ids(body.get("ids"))
        results = await self.backend.act(action, ids)
        # the server's clock: the browser waits for a queue read after this, whatever its own clock says
        self.reply({"results": [result.to_json() for result in results], "at": time.time()})


class JobHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id):
        job_id = check_job_id(job_id)
        details = await self.backend.job(job_id)
        if details is None:
            raise errors.NotFound(f"Slurm does not know job {job_id} (any more).")
        self.reply(details.to_json())

    @web.authenticated
    @authorized
    async def delete(self, job_id):
        job_id = check_job_id(job_id)
        (result,) = await self.backend.act("cancel", [job_id])
        if not result.ok:
            raise (result.error or errors.BackendFailed)(result.message)
        self.reply(result.to_json())


class OutputHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id):
        job_id = check_job_id(job_id)
        stream = self.get_query_argument("stream", "stdout")
        if stream not in ("stdout", "stderr"):
            raise errors.InvalidInput("Parameter 'stream' must be 'stdout' or 'stderr'.")
        raw_offset = self.get_query_argument("offset", "0")
        if not raw_offset.isdigit() or len(raw_offset) > 18:
            raise errors.InvalidInput("Parameter 'offset' must be a non-negative integer.")
        path = self.known_paths.get((job_id, stream))
        if path is None:
            path = await self.lookup(job_id, stream)
        limit = self.backend.config.max_output_chunk
        self.reply(await blocking(read_output, path, self.paths, int(raw_offset), limit))

    async def lookup(self, job_id: str, stream: str) -> Path:
        """The job's output file from Slurm, remembered: the follower asks every second, and
        Slurm forgets finished jobs after MinJobAge while their output is still being read."""
        details = await self.backend.job(job_id)
        if details is None:
            raise errors.NotFound(f"Slurm does not know job {job_id} (any more).")
        summary = details.summary
        if summary["user"] != self.backend.user:
            raise errors.Forbidden(f"Job {job_id} belongs to another user; only your own jobs' output can be read.")
        path = Path(summary[stream])  # type: ignore[literal-required]
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
        self.reply({"partitions": await self.backend.partitions()})


class TemplatesHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply({"templates": await blocking(self.templates.all)})

    @web.authenticated
    @authorized
    async def post(self):
        self.reply({"template": await blocking(self.templates.save, self.json_body())}, 201)


class TemplateHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def delete(self, name):
        await blocking(self.templates.delete, name)
        self.reply({"deleted": name})


# ---------------------------------------------------------------------- history and cluster status
# (the backend runs sacct and sinfo: .history, .cluster)

_DAYS = re.compile(r"^[0-9]{1,6}$")
ALL_USERS_RESOURCE = "hpc_slurm_history_all"


def check_days(text: str, cap: int) -> int:
    """``days`` of ``GET history``: a whole number from 1 to ``cap`` (400 otherwise)."""
    if not _DAYS.match(text):
        raise errors.InvalidInput(f"Parameter 'days' must be a whole number of days from 1 to {cap} ('{text[:20]}').")
    days = int(text)
    if not 1 <= days <= cap:
        raise errors.InvalidInput(f"Parameter 'days' must be from 1 to {cap} (this site's limit); {days} asked.")
    return days


def check_states(text: str) -> frozenset[str] | None:
    """``state`` of ``GET history``: ended states (``FAILED,TIMEOUT``) or groups (``failed``,
    ``cancelled``, ``completed``), comma-separated; empty: every state."""
    if not text:
        return None
    states: set[str] = set()
    for word in text.split(",")[:20]:
        word = word.strip()
        if word.lower() in STATE_GROUPS:
            states.update(STATE_GROUPS[word.lower()])
        elif word.upper() in ENDED_STATES:
            states.add(word.upper())
        else:
            known = ", ".join([*STATE_GROUPS, *sorted(ENDED_STATES)])
            raise errors.InvalidInput(f"Unknown job state '{word[:40]}' in 'state'; use any of {known}.")
    return frozenset(states)


class HistoryBase(SlurmHandler):
    def compute_etag(self):
        return None  # the history of 10,000 jobs is megabytes: no hashing for an ETag nobody uses

    async def scope(self) -> str:
        """``mine`` (default) or ``all``: every user's jobs, only where the site turned it on
        (``c.Slurm.history_all_users``) and its authorizer grants ``read`` on
        ``hpc_slurm_history_all`` to this user (staff)."""
        scope = self.get_query_argument("scope", "mine")
        if scope not in ("mine", "all"):
            raise errors.InvalidInput(f"Unknown scope '{scope[:40]}'; use 'mine' or 'all'.")
        if scope == "all":
            if not self.backend.config.history_all_users:
                raise errors.Forbidden("This site shows each user only their own job history.")
            allowed = await ensure_async(
                self.authorizer.is_authorized(self, self.current_user, "read", ALL_USERS_RESOURCE)
            )
            if not allowed:
                raise errors.Forbidden("Only the site's staff may see every user's job history.")
        return scope


class HistoryHandler(HistoryBase):
    @web.authenticated
    @authorized
    async def get(self):
        config = self.backend.config
        days = check_days(self.get_query_argument("days", str(config.history_days)), config.history_max_days)
        states = check_states(self.get_query_argument("state", ""))
        scope = await self.scope()
        try:
            body = await self.backend.history(scope, days, states)
        except NoAccounting as error:
            self.reply({"accounting": False, "message": str(error), "jobs": [], "updated_at": time.time()})
            return
        self.set_header("Content-Type", "application/json")
        self.finish(body)


class HistoryJobHandler(HistoryBase):
    @web.authenticated
    @authorized
    async def get(self, job_id):
        job_id = check_job_id(job_id)
        job = await self.backend.history_job(job_id, await self.scope())
        if job is None:
            raise errors.NotFound(f"Slurm's accounting has no job {job_id} of yours.")
        self.reply(job)


class ClusterHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply({"partitions": await self.backend.cluster_status(), "updated_at": time.time()})


def setup_handlers(serverapp, config):
    backend = config.backend_class(config, root_dir=serverapp.root_dir)
    feed = QueueFeed(backend, config)
    paths = RootPaths(serverapp.root_dir)
    if feed.uses_service:
        serverapp.log.info("jupyterlab-hpc: the job list comes from the queue service at %s", config.queue_service_url)
    templates = Templates(config.templates, config.user_templates_path, config.submit_flags, config.max_user_templates)
    add_feature_handlers(
        serverapp,
        "slurm",
        [
            ("status", StatusHandler, {"backend": backend}),
            ("jobs", JobsHandler, {"backend": backend, "feed": feed, "paths": paths}),
            ("jobs/actions", ActionsHandler, {"backend": backend}),
            ("jobs/([^/]+)/output", OutputHandler, {"backend": backend, "known_paths": {}, "paths": paths}),
            ("jobs/([^/]+)", JobHandler, {"backend": backend}),
            ("partitions", PartitionsHandler, {"backend": backend}),
            ("templates", TemplatesHandler, {"templates": templates}),
            ("templates/(.+)", TemplateHandler, {"templates": templates}),
            *run_routes(serverapp, config, backend),  # notebook runs and sweeps (runs/handlers.py)
            ("history", HistoryHandler, {"backend": backend}),
            ("history/([^/]+)", HistoryJobHandler, {"backend": backend}),
            ("cluster", ClusterHandler, {"backend": backend}),
        ],
        max_body_size=config.max_body_size,
    )
