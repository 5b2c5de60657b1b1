"""What ``GET jobs?since=`` reads: per scope, a versioned table of the jobs this server shows.

The table is filled from the queue service when one is configured and answers (its
deltas are applied as they come), else from this server's own ``squeue`` through the
backend (its coalescing included; each listing is compared with the table). Either way
the browser gets versions of this table, so a switch between the two sources is just
one more delta. After a submission or an action the next refresh asks for a queue read
after it (``newer_than`` for the service, a fresh ``squeue`` for the backend).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import errors
from ..base import status_for
from ..offload import blocking
from ..validate import RootPaths
from .cache import Coalescer
from .config import Slurm
from .interface import FragmentSink, SlurmBackend
from .parse import JobList
from .queue_state import Changes, QueueState, Row
from .records import SCOPES, Scope
from .service.client import QueueServiceClient, ServiceAnswer, ServiceDown
from .wire import ELAPSED, JOB_COLUMNS, FragmentRows, encode, newest

WORK_DIR = JOB_COLUMNS.index("work_dir")


@dataclass
class Snapshot:
    """One answer's worth: the changes, where they came from, and what went wrong if anything."""

    changes: Changes
    source: str  # "service" | "squeue"
    error: errors.HpcError | None  # the queue could not be read now: the rows are the last good ones
    restricted: str | None  # why "all" holds only the user's jobs (the service says so)
    service_problem: str | None  # why the service was not used (configured but down)


class QueueFeed:
    def __init__(self, backend: SlurmBackend, config: Slurm):
        self.backend = backend
        self.config = config
        self.client = QueueServiceClient(config) if config.queue_service_url else None
        self._states: dict[Scope, QueueState] = {}
        self._fragments = {scope: FragmentRows(JOB_COLUMNS) for scope in SCOPES}
        self._fed: dict[Scope, JobList | None] = dict.fromkeys(SCOPES)
        self._remote: dict[Scope, int | None] = dict.fromkeys(SCOPES)  # the service version mirrored
        self._source: dict[Scope, str] = dict.fromkeys(SCOPES, "squeue")
        self._error: dict[Scope, errors.HpcError | None] = dict.fromkeys(SCOPES)
        self._restricted: dict[Scope, str | None] = dict.fromkeys(SCOPES)
        self._lists: dict[Scope, tuple[int, JobList]] = {}
        self._refresh = Coalescer(lambda: config.min_refresh_interval)
        self._acted_at: float | None = None
        relative = RootPaths(backend.root_dir).api_text if backend.root_dir else (lambda path: None)
        self._relative = _memo(relative)
        backend.queue_listeners.append(self.touched)

    @property
    def uses_service(self) -> bool:
        return self.client is not None

    def state(self, scope: Scope) -> QueueState:
        if scope not in self._states:
            self._states[scope] = QueueState(history=self.config.queue_history, elapsed=ELAPSED)
        return self._states[scope]

    def touched(self) -> None:
        """A submission or an action just happened: the next answers must read the queue after it."""
        self._acted_at = time.time()
        self._refresh.invalidate()

    # ------------------------------------------------------------------ the browser's delta protocol
    async def snapshot(self, scope: Scope, since: int | None) -> Snapshot:
        """The changes since ``since`` (a full table when None or unknown). Raises the domain
        error when the queue cannot be read and nothing was ever read."""
        state = self.state(scope)
        try:
            await self._refresh.get(scope, lambda: self._update(scope))
            error = self._error[scope]
        except errors.HpcError as failure:
            if state.empty:
                raise
            error = failure
        changes = state.changes(since)
        problem = self.client.problem if self.client is not None and self._source[scope] == "squeue" else None
        return Snapshot(changes, self._source[scope], error, self._restricted[scope], problem)

    async def answer(self, scope: Scope, since: int | None, fmt: str, limit: int | None = None) -> tuple[int, bytes]:
        """The HTTP status and JSON body of ``GET jobs?since=``: 200, or the error's status
        with the last good table marked ``stale`` (with its ``age``) and the error's message.
        With ``limit``, a full answer longer than that holds only the newest ``limit`` jobs,
        with ``partial`` and the ``total`` count (a delta is sent whole: it is small)."""
        snapshot = await self.snapshot(scope, since)
        changes = snapshot.changes
        extra: dict[str, Any] = {"user": self.backend.user, "scope": scope, "source": snapshot.source}
        if snapshot.service_problem:
            extra["service_problem"] = snapshot.service_problem
        if snapshot.restricted:
            extra["restricted"] = snapshot.restricted
        if limit is not None and changes.full:
            extra["total"] = len(changes.rows)
            if len(changes.rows) > limit:
                extra["partial"] = True
            # in the panel's order also when nothing is left out (at most `limit` rows to sort)
            rows = await blocking(newest, changes.rows, limit)
            changes = Changes(changes.version, True, rows, [], changes.updated_at)
        status = 200
        if snapshot.error is not None:
            status = status_for(snapshot.error)
            extra["message"] = str(snapshot.error)
            extra["stale"] = True
            extra["age"] = round(time.time() - (changes.updated_at or 0), 1)
        if len(changes.rows) > 1000:  # a full table: encoding 100,000 jobs takes a while
            return status, await blocking(encode, changes, JOB_COLUMNS, fmt, extra)
        return status, encode(changes, JOB_COLUMNS, fmt, extra)

    async def _update(self, scope: Scope) -> None:
        if self.client is not None and self.client.usable():
            acted_at = self._acted_at
            try:
                answer = await self.client.changes(scope, self._remote[scope], acted_at)
            except ServiceDown:
                pass  # the user's own squeue below; the client remembers why
            else:
                await self._apply(scope, answer)
                if acted_at is not None and answer.updated_at >= acted_at and self._acted_at == acted_at:
                    self._acted_at = None
                return
        self._remote[scope] = None  # back at the service: start from a full answer
        self._source[scope] = "squeue"
        self._restricted[scope] = None
        self._error[scope] = None
        jobs = await self.backend.list_jobs(scope)
        if jobs is not self._fed[scope]:
            rows = await blocking(self._fragments[scope].rows, jobs.fragments)
            self.state(scope).replace(rows, jobs.updated_at)
            self._fed[scope] = jobs

    async def _apply(self, scope: Scope, answer: ServiceAnswer) -> None:
        rows = await blocking(self._rows_of, answer)
        state = self.state(scope)
        if answer.full:
            state.replace(rows, answer.updated_at)
        else:
            state.apply(rows, answer.removed, answer.updated_at)
        self._remote[scope] = answer.version
        self._source[scope] = "service"
        self._fed[scope] = None
        self._error[scope] = answer.error
        self._restricted[scope] = answer.restricted

    def _rows_of(self, answer: ServiceAnswer) -> list[Row]:
        """The service's rows in this server's columns, with ``work_dir_path`` added."""
        position = {name: i for i, name in enumerate(answer.columns)}
        missing = len(answer.columns)
        picks = [position.get(name, missing) for name in JOB_COLUMNS]
        work_dir_path = JOB_COLUMNS.index("work_dir_path")
        relative = self._relative
        rows = []
        for values in answer.rows:
            values = [*values, None]
            row = [values[i] for i in picks]
            row[work_dir_path] = relative(row[WORK_DIR] or "")
            rows.append(tuple(row))
        return rows

    # ------------------------------------------------------------------ the full answer without since
    async def job_list(self, scope: Scope, on_fragments: FragmentSink | None) -> JobList:
        """``GET jobs`` without ``since`` (the first contract): the backend's own listing
        (streamed) without a service; from the service's table when it answers."""
        if self.client is None or not self.client.usable():
            if self.client is not None:
                self._remote[scope] = None
            return await self.backend.list_jobs(scope, on_fragments)
        await self._refresh.get(scope, lambda: self._update(scope))
        if self._source[scope] == "squeue" and self._fed[scope] is not None:
            return self._fed[scope]  # the service failed just now: this server's own squeue answered
        if self._error[scope] is not None:
            raise self._error[scope]
        state = self.state(scope)
        cached = self._lists.get(scope)
        if cached is None or cached[0] != state.revision:  # not version: elapsed times change without one
            jobs = [dict(zip(JOB_COLUMNS, row, strict=True)) for row in state.rows()]
            listing = await blocking(JobList.from_jobs, jobs, state.updated_at or 0.0, self.backend.user)
            cached = self._lists[scope] = (state.revision, listing)
        return cached[1]


def _memo(fn: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """``fn`` remembered for the few distinct working directories of a queue."""
    known: dict[str, str | None] = {}

    def relative(path: str) -> str | None:
        try:
            return known[path]
        except KeyError:
            if len(known) > 100000:
                known.clear()
            result = known[path] = fn(path) if path else None
            return result

    return relative
