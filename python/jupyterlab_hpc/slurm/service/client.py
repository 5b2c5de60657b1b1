"""The single-user server's side of the queue service: ask it for the changes since the last answer.

Only the job listing comes from the service; details, actions, submissions and outputs
still run as the user with the user's own Slurm commands. When the service cannot be
reached or refuses this server (wrong scope, not started yet, its own ``squeue`` failing
before it ever read the queue), :class:`ServiceDown` says why and the caller reads the
queue with the user's own ``squeue`` for ``c.Slurm.queue_service_retry`` seconds before
asking the service again.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from ... import errors
from ..config import Slurm
from ..records import Scope
from ..wire import decode

#: Marks the service's own answers (a proxy's 503 page does not have it).
SERVICE_NAME = "jupyterlab-hpc-queue"
# The statuses the service gives its domain errors (base.STATUS): a stale answer carries one.
_ERRORS: dict[int, type[errors.HpcError]] = {502: errors.BackendFailed, 503: errors.Unavailable, 504: errors.TimedOut}


class ServiceDown(Exception):
    """The service cannot serve this server now; the message says why (shown in the panel)."""


@dataclass
class ServiceAnswer:
    version: int
    full: bool
    columns: list[str]
    rows: list[list[Any]]
    removed: list[str]
    updated_at: float
    restricted: str | None
    error: errors.HpcError | None  # Slurm failed at the service: the rows are its last good queue


class QueueServiceClient:
    def __init__(self, config: Slurm):
        self.url = config.queue_service_url.rstrip("/") + "/"
        self.config = config
        self.down_until = 0.0  # monotonic; before it, do not ask
        self.problem: str | None = None  # why the last request failed (None: it worked)

    def usable(self) -> bool:
        return time.monotonic() >= self.down_until

    async def changes(self, scope: Scope, since: int | None, newer_than: float | None) -> ServiceAnswer:
        """``GET jobs`` of the service for this server's user; ServiceDown if it cannot answer."""
        try:
            answer = await self._get(scope, since, newer_than)
        except ServiceDown as down:
            self.problem = str(down)
            self.down_until = time.monotonic() + self.config.queue_service_retry
            raise
        self.problem = None
        self.down_until = 0.0
        return answer

    async def _get(self, scope: Scope, since: int | None, newer_than: float | None) -> ServiceAnswer:
        params: dict[str, Any] = {"scope": scope, "format": "columns"}
        if since is not None:
            params["since"] = since
        if newer_than is not None:
            params["newer_than"] = f"{newer_than:.3f}"
        # The server's own API token: JupyterHub vouches for it, and the hub config grants it the
        # scope of the service. Read at each call: never stored or logged here.
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        request = HTTPRequest(
            self.url + "jobs?" + urlencode(params),
            headers={"Authorization": f"token {token}"},
            connect_timeout=min(5.0, self.config.queue_service_timeout),
            request_timeout=self.config.queue_service_timeout,
            decompress_response=True,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except (HTTPClientError, OSError) as error:  # connection refused, DNS, timeout
            raise ServiceDown(f"The queue service does not answer ({error}).") from None
        if response.code == 599 or response.body is None:
            raise ServiceDown(f"The queue service does not answer ({response.error}).")
        try:
            data = json.loads(response.body)
        except ValueError:
            raise ServiceDown(f"The queue service answered {response.code} without JSON (is it running?).") from None
        if not isinstance(data, dict) or data.get("service") != SERVICE_NAME:
            raise ServiceDown(f"Something else than the queue service answered at {self.url} ({response.code}).")
        if response.code != 200 and "version" not in data:
            # Refused (401/403: the hub config's role for servers), or Slurm failing at the service
            # before it ever read the queue: this server's own squeue may still work.
            raise ServiceDown(f"The queue service answered {response.code}: {data.get('message', '')}")
        error = None
        if response.code != 200:
            error = _ERRORS.get(response.code, errors.BackendFailed)(str(data.get("message", "")))
        try:
            columns, rows = decode(data)
            return ServiceAnswer(
                version=int(data["version"]),
                full=bool(data["full"]),
                columns=columns,
                rows=rows,
                removed=[str(job_id) for job_id in data.get("removed") or []],
                updated_at=float(data["updated_at"]),
                restricted=data.get("restricted"),
                error=error,
            )
        except (KeyError, TypeError, ValueError, IndexError) as bad:
            raise ServiceDown(f"The queue service's answer is not understood ({bad!r:.200}).") from None
