"""The one ``squeue`` of the whole cluster: when it runs, what it keeps, what it says when it fails.

A refresh runs ``squeue`` for every job (the command-line backend's own listing, so the
same command line, parser and error rules as the single-user servers), turns the jobs into
rows and hands them to a :class:`..queue_state.QueueState`. Refreshes follow each other
every ``interval`` seconds, but never sooner than ``duration_factor`` times the last
``squeue``'s own duration, and only while somebody asks (``idle_after``): an idle service
costs the controller nothing. A client that just changed something (a submission) may ask
for data newer than a moment: that refresh comes early, but never sooner than
``min_interval`` after the previous one.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from ... import errors
from ...offload import blocking
from ..cli import CliBackend
from ..config import Slurm
from ..queue_state import QueueState
from ..wire import ELAPSED, SERVICE_COLUMNS, FragmentRows

log = logging.getLogger("jupyterlab_hpc.queue_service")

_PRIVATE_DATA = re.compile(r"^PrivateData\s*=\s*(.*)$", re.MULTILINE)


def private_jobs(config_text: str) -> bool | None:
    """Whether ``scontrol show config`` says that Slurm hides other users' jobs (``PrivateData``
    holds ``jobs``); None when the line is missing."""
    match = _PRIVATE_DATA.search(config_text)
    if match is None:
        return None
    values = {value.strip().lower() for value in match.group(1).split(",")}
    return "jobs" in values


@dataclass
class Timing:
    """How often the service reads the queue (``c.QueueService.*``)."""

    interval: float = 10.0
    min_interval: float = 2.0
    duration_factor: float = 5.0
    idle_after: float = 120.0
    private_data_interval: float = 60.0


class QueuePoller:
    def __init__(self, slurm: Slurm, timing: Timing, history: float):
        # Our own listing with no sharing window: the service decides when squeue runs.
        slurm.min_refresh_interval = 0
        self.backend = CliBackend(slurm)
        self.timing = timing
        self.state = QueueState(history=history, elapsed=ELAPSED)
        self._rows = FragmentRows(SERVICE_COLUMNS)
        self.error: errors.HpcError | None = None  # the last refresh's failure, until one succeeds
        self.failed_at: float | None = None
        self.duration = 0.0  # seconds the last squeue took (parsing included)
        self.squeue_runs = 0
        self.private: bool = False
        self._private_checked: float | None = None
        self._last_start: float | None = None  # monotonic
        self._last_start_wall: float = 0.0
        self._last_request = time.monotonic()
        self._wake = asyncio.Event()
        self._cycle: asyncio.Future = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task | None = None

    # ------------------------------------------------------------------ timing
    def gap(self) -> float:
        """Seconds between two scheduled refreshes now (adaptive)."""
        return max(self.timing.interval, self.timing.duration_factor * self.duration)

    def early_gap(self) -> float:
        """Seconds that must pass between two refreshes even when a client asks for fresh data."""
        return max(self.timing.min_interval, self.timing.duration_factor * self.duration)

    def _active(self) -> bool:
        return time.monotonic() - self._last_request < self.timing.idle_after

    def _current(self) -> bool:
        """Whether the table is as fresh as a running schedule keeps it (not left over from idle time)."""
        if self.state.empty or self._last_start is None:
            return False
        return time.monotonic() - self._last_start <= self.gap() + self.duration + 1.0

    # ------------------------------------------------------------------ clients
    async def ready(self, newer_than: float | None = None) -> None:
        """Return once the table may be answered from: right away when it is current (or when
        the last refresh failed: the stale table is answered with the error), else after the
        next refresh. ``newer_than`` (epoch seconds): wait for a refresh that started after it."""
        self._last_request = time.monotonic()
        if newer_than is not None:
            newer_than = min(newer_than, time.time())
        waited = 0
        while True:
            fresh = newer_than is None or (self.state.updated_at or 0) >= newer_than
            if fresh and (self._current() or (self.error is not None and not self.state.empty)):
                return
            if waited and (newer_than is None or self._last_start_wall >= newer_than):
                return  # a refresh ran for this request: answer with what it gave (its error, if any)
            if waited >= 2:
                return
            self._wake.set()
            await asyncio.shield(self._cycle)
            waited += 1

    # ------------------------------------------------------------------ the loop
    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.backend.job_lists.cancel()  # a squeue still running is killed, not left behind
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            timeout = None
            if self._active() and self._last_start is not None:
                timeout = max(0.0, self._last_start + self.gap() - time.monotonic())
            elif self._active():
                timeout = 0.0
            if timeout != 0.0:
                await self._woken_or(timeout)
            self._wake.clear()
            if self._last_start is not None:
                early = self._last_start + self.early_gap() - time.monotonic()
                if early > 0:
                    await asyncio.sleep(early)
            try:
                await self.refresh()
            except Exception:  # never let the loop die: the next cycle tries again
                log.exception("queue refresh failed unexpectedly")
            cycle, self._cycle = self._cycle, asyncio.get_running_loop().create_future()
            cycle.set_result(None)

    async def _woken_or(self, timeout: float | None) -> None:
        """Return when a client wakes the loop or after ``timeout`` seconds. Not ``asyncio.wait_for``:
        before Python 3.12 it drops a cancellation that comes as the event is set (a request in the
        moment of SIGTERM), and the loop, and so the service, would never stop."""
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({woken}, timeout=timeout)
        finally:
            woken.cancel()

    async def refresh(self) -> None:
        """One squeue for the whole cluster into the table; a failure keeps the last good table."""
        self._last_start = time.monotonic()
        self._last_start_wall = time.time()
        self.squeue_runs += 1
        try:
            jobs = await self.backend.list_jobs("all")
            rows = await blocking(self._rows.rows, jobs.fragments)
            self.state.replace(rows, jobs.updated_at)
            if self.error is not None:
                log.info("squeue answers again")
            self.error = None
            self.failed_at = None
        except errors.HpcError as error:
            if self.error is None:
                log.warning("squeue failed; serving the last good queue as stale: %s", error)
            self.error = error
            self.failed_at = self.failed_at or time.time()
        finally:
            self.duration = time.monotonic() - self._last_start
        await self._check_private_data()

    async def _check_private_data(self) -> None:
        now = time.monotonic()
        if self._private_checked is not None and now - self._private_checked < self.timing.private_data_interval:
            return
        self._private_checked = now
        try:
            result = await self.backend.runner.run("scontrol", ["show", "config"])
        except errors.HpcError as error:
            log.warning("could not read PrivateData (scontrol show config): %s", error)
            return
        private = private_jobs(result.stdout) if result.ok else None
        if private is not None and private != self.private:
            log.info("Slurm's PrivateData %s other users' jobs", "hides" if private else "shows")
            self.private = private
            self.state.forget_changes()  # "all" means other jobs now: clients start again from a full list
