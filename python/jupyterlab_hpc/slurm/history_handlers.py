"""REST handlers of the job history and the cluster status (``hpc/slurm/history``, ``hpc/slurm/cluster``).

Thin like the others: the backend runs sacct and sinfo (:mod:`.history`, :mod:`.cluster`).
"""

from __future__ import annotations

import re
import time

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import ensure_async
from tornado import web

from .. import errors
from .handlers import SlurmHandler
from .history import NoAccounting
from .ids import check_job_id
from .sacct import ENDED_STATES, STATE_GROUPS

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


def history_routes(backend) -> list[tuple[str, type, dict]]:
    return [
        ("history", HistoryHandler, {"backend": backend}),
        ("history/([^/]+)", HistoryJobHandler, {"backend": backend}),
        ("cluster", ClusterHandler, {"backend": backend}),
    ]
