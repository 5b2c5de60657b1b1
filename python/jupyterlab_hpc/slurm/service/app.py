"""The queue service's web application: ``GET {prefix}jobs`` and ``GET {prefix}status``.

Every request carries a JupyterHub token (a single-user server's own ``JUPYTERHUB_API_TOKEN``)
that the hub vouches for (``HubAuth``) and that holds the scope
``access:services!service=<this service>``; the token's user is the only user whose
"mine" it may read. "all" is every job unless Slurm hides other users' jobs
(``PrivateData=jobs``) or the site switched it off (``c.QueueService.allow_all``): then
it is the user's own jobs, and the answer says why (``restricted``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import signal
import time
from typing import Any
from urllib.parse import urlparse

from tornado import web
from traitlets import Bool, Float, Int, Unicode, default
from traitlets.config import Application

from ... import errors
from ...base import status_for
from ...offload import blocking
from ..config import Slurm
from ..queue_state import Changes
from ..records import SCOPES
from ..wire import FORMATS, SERVICE_COLUMNS, USER, accepts_gzip, compress, encode, parse_since
from .poller import QueuePoller, Timing

try:  # the service runs where JupyterHub is installed (pip install jupyterlab-hpc[service])
    from jupyterhub.services.auth import HubAuth
except ImportError:  # pragma: no cover
    HubAuth = None

NAME = "jupyterlab-hpc-queue"
log = logging.getLogger("jupyterlab_hpc.queue_service")


class QueueService(Application):
    """A JupyterHub service that reads the Slurm queue once per interval for every user's server."""

    name = "jupyterlab-hpc-queue-service"
    description = __doc__

    interval = Float(10.0, help="Seconds between two reads of the queue while servers ask.").tag(config=True)
    min_interval = Float(
        2.0,
        help="Fewest seconds between two reads when a server asks for fresh data after a submission or an action.",
    ).tag(config=True)
    duration_factor = Float(
        5.0, help="Never read the queue more often than this many times the last squeue's own duration."
    ).tag(config=True)
    idle_after = Float(
        120.0, help="Stop reading the queue when no server has asked for this many seconds (0: never read unasked)."
    ).tag(config=True)
    history = Float(
        900.0, help="Seconds of changes kept for deltas; a client further behind gets the whole queue."
    ).tag(config=True)
    allow_all = Bool(
        True, help="Serve 'all' (every user's jobs). False: 'all' is the user's own jobs, as under PrivateData=jobs."
    ).tag(config=True)
    private_data_interval = Float(
        60.0, help="Seconds between two reads of Slurm's PrivateData setting (scontrol show config)."
    ).tag(config=True)
    compress_min_bytes = Int(65536, help="Answers at least this big are gzipped for clients that accept it.").tag(
        config=True
    )
    compress_level = Int(1, help="gzip level (1 fastest .. 9 smallest).").tag(config=True)
    url = Unicode(help="Where to listen (default: $JUPYTERHUB_SERVICE_URL, as JupyterHub sets it).").tag(config=True)
    prefix = Unicode(help="URL prefix (default: $JUPYTERHUB_SERVICE_PREFIX).").tag(config=True)
    config_file = Unicode("", help="A Python configuration file (c.QueueService.*, c.Slurm.*, c.HubAuth.*).").tag(
        config=True
    )

    aliases = {
        "config": "QueueService.config_file",
        "interval": "QueueService.interval",
        "url": "QueueService.url",
        "log-level": "Application.log_level",
    }

    @default("log_level")
    def _default_log_level(self):
        return logging.INFO

    @default("url")
    def _default_url(self):
        return os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8790")

    @default("prefix")
    def _default_prefix(self):
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/hpc-queue/")

    classes = [Slurm] + ([HubAuth] if HubAuth is not None else [])

    def initialize(self, argv=None):
        super().initialize(argv)
        if self.config_file:
            path = os.path.abspath(self.config_file)
            self.load_config_file(os.path.basename(path), os.path.dirname(path))
        logging.getLogger("jupyterlab_hpc").setLevel(self.log_level)
        if not logging.getLogger().handlers:
            logging.basicConfig(format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")

    # ------------------------------------------------------------------ running
    def start(self):
        asyncio.run(self.serve())

    async def serve(self, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
        """Listen until SIGTERM/SIGINT (or ``stop``); ``ready`` is set once requests are accepted."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        if ready is None:  # the command line: signals end it
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        self.setup()
        address = urlparse(self.url)
        server = self.web_app.listen(address.port or 80, address=address.hostname or "")
        log.info("queue service at %s%s (every %g s)", self.url.rstrip("/"), self.prefix, self.interval)
        if ready is not None:
            ready.set()
        try:
            await stop.wait()
        finally:
            server.stop()
            await self.poller.stop()

    def setup(self) -> None:
        if HubAuth is None:
            raise SystemExit("The queue service needs JupyterHub: pip install 'jupyterlab-hpc[service]'.")
        self.hub_auth = HubAuth(parent=self)
        timing = Timing(
            interval=self.interval,
            min_interval=self.min_interval,
            duration_factor=self.duration_factor,
            idle_after=self.idle_after,
            private_data_interval=self.private_data_interval,
        )
        self.poller = QueuePoller(Slurm(parent=self), timing, self.history)
        self.poller.start()
        self._cache: dict[tuple, tuple[tuple, bytes]] = {}
        prefix = "/" + self.prefix.strip("/") + "/"
        self.web_app = web.Application(
            [
                (prefix + "jobs", JobsHandler, {"service": self}),
                (prefix + "status", StatusHandler, {"service": self}),
            ],
            compute_etag=None,
        )

    # ------------------------------------------------------------------ answers
    async def authenticate(self, handler: web.RequestHandler) -> str:
        """The hub user of the request's token; 401 without a token, 403 when refused."""
        header = handler.request.headers.get("Authorization", "")
        kind, _, token = header.partition(" ")
        token = token.strip()
        if kind.lower() not in ("token", "bearer") or not token:
            raise web.HTTPError(401, "A JupyterHub token is required (Authorization: token ...).")
        try:
            model = await self.hub_auth.user_for_token(token, sync=False)
        except web.HTTPError as error:
            message = f"The queue service cannot check tokens with JupyterHub: {error.log_message}"
            raise errors.Unavailable(message) from None
        if not model:
            raise errors.Forbidden("JupyterHub does not know this token.")
        if model.get("kind", "user") != "user":
            raise errors.Forbidden("The queue lists users' jobs: this token is not a user's.")
        required = self.hub_auth.access_scopes
        if required and not self.hub_auth.check_scopes(required, model):
            raise errors.Forbidden(
                f"This token lacks the scope {' or '.join(sorted(required))} (granted to users' servers with "
                "c.JupyterHub.load_roles; see docs/queue-service.md)."
            )
        return model["name"]

    def restriction(self, scope: str) -> str | None:
        if scope != "all":
            return None
        if not self.allow_all:
            return "This site lists only your own jobs here (the queue service does not list other users' jobs)."
        if self.poller.private:
            return "Slurm hides other users' jobs on this cluster (PrivateData=jobs): only your own are listed."
        return None

    def answer(self, user: str, scope: str, since: int | None, fmt: str) -> tuple[int, bytes]:
        """The HTTP status and JSON body for ``user``'s request."""
        poller = self.poller
        state = poller.state
        if state.empty:
            raise poller.error or errors.Unavailable("The queue service has not read the queue yet.")
        restricted = self.restriction(scope)
        everyone = scope == "all" and restricted is None
        error = poller.error
        key = ("" if everyone else user, since, fmt, restricted, str(error) if error else None)
        cached = self._cache.get(key)
        stamp = (state.revision, state.updated_at)  # elapsed times and updated_at change without a version
        if cached is not None and cached[0] == stamp:
            body = cached[1]
        else:
            changes: Changes = state.changes(since, None if everyone else (lambda row: row[USER] == user))
            extra: dict[str, Any] = {"scope": scope, "service": NAME, "interval": poller.gap()}
            if restricted:
                extra["restricted"] = restricted
            if error is not None:
                extra["message"] = str(error)
                extra["stale"] = True
            body = encode(changes, SERVICE_COLUMNS, fmt, extra)
            if len(self._cache) > 64 or any(held != stamp for held, _ in self._cache.values()):
                self._cache.clear()
            self._cache[key] = (stamp, body)
        return (status_for(error) if error is not None else 200), body


class ServiceHandler(web.RequestHandler):
    service: QueueService

    def initialize(self, service: QueueService) -> None:
        self.service = service

    async def prepare(self) -> None:
        self.user = await self.service.authenticate(self)

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, errors.HpcError):
            status_code = status_for(error)
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, (errors.HpcError, web.HTTPError)):
            log.warning("%s %s: %s", self.request.method, self.request.uri, value)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, errors.HpcError):
            message = str(error)
        elif isinstance(error, web.HTTPError) and error.log_message:
            message = error.log_message
        else:
            message = self._reason
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "service": NAME}))

    async def send(self, status: int, body: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        service = self.service
        if service.compress_min_bytes and len(body) >= service.compress_min_bytes:
            self.set_header("Vary", "Accept-Encoding")
            if accepts_gzip(self.request.headers.get("Accept-Encoding", "")):
                body = await blocking(compress, body, service.compress_level)
                self.set_header("Content-Encoding", "gzip")
        self.finish(body)


class JobsHandler(ServiceHandler):
    async def get(self) -> None:
        scope = self.get_argument("scope", "mine")
        if scope not in SCOPES:
            raise errors.InvalidInput(f"Unknown scope '{scope[:40]}'; use 'mine' or 'all'.")
        fmt = self.get_argument("format", "objects")
        if fmt not in FORMATS:
            raise errors.InvalidInput(f"Unknown format '{fmt[:40]}'; use 'objects' or 'columns'.")
        asked_for = self.get_argument("user", None)
        if asked_for is not None and asked_for != self.user:
            raise errors.Forbidden(f"A token of {self.user} cannot read the jobs of {asked_for[:64]}.")
        try:
            since = parse_since(self.get_argument("since", None))
        except ValueError as error:
            raise errors.InvalidInput(str(error)) from None
        newer_than = self.get_argument("newer_than", None)
        if newer_than is not None:
            try:
                newer = float(newer_than)
            except ValueError:
                newer = math.nan
            if not math.isfinite(newer) or newer < 0:
                raise errors.InvalidInput("Parameter 'newer_than' must be a time in epoch seconds.")
        await self.service.poller.ready(newer if newer_than is not None else None)
        await self.send(*self.service.answer(self.user, scope, since, fmt))


class StatusHandler(ServiceHandler):
    async def get(self) -> None:
        poller = self.service.poller
        state = poller.state
        body = {
            "service": NAME,
            "version": state.version,
            "jobs": len(state),
            "updated_at": state.updated_at,
            "interval": poller.gap(),
            "duration": poller.duration,
            "squeue_runs": poller.squeue_runs,
            "private_data": poller.private,
            "allow_all": self.service.allow_all,
            "stale": poller.error is not None,
            "time": time.time(),
        }
        if poller.error is not None:
            body["message"] = str(poller.error)
        await self.send(200, json.dumps(body).encode())


def main(argv: list[str] | None = None) -> None:
    app = QueueService()
    app.initialize(argv)
    app.start()
