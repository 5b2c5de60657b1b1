"""The Slurm backend interface: everything the handlers ask of a Slurm installation.

A backend is chosen with ``c.Slurm.backend_class`` and constructed as
``backend_class(config, root_dir=...)``. The command-line backend (:mod:`.cli`) is
the default; slurmrestd or a shared queue service is one more module implementing
this class. Backends raise the domain errors of :mod:`jupyterlab_hpc.errors`
(:mod:`.errors` has the Slurm-specific ones); they never choose HTTP statuses.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TypedDict

from .cluster import PartitionStatus
from .config import Slurm
from .parse import JobList
from .records import Accounted, Action, ActionResult, JobDetails, Partition, Scope, Submission, Submitted

# Receives each batch of jobs (their JSON, one ``bytes`` per job) while a listing is still
# being read, so the handler can stream a big queue to the browser before it is complete.
FragmentSink = Callable[[list[bytes]], None]


class Status(TypedDict, total=False):
    """``GET status``: always ``available``, ``min_refresh_interval``, ``submit_flags``, ``history``; then
    ``version``, ``cluster``, ``user`` when available, ``reason`` and ``commands`` when not."""

    available: bool
    version: str
    cluster: str | None
    user: str
    reason: str
    commands: dict[str, str]
    min_refresh_interval: float
    submit_flags: list[str]
    history: dict  # {"days", "max_days", "all_users"}: the History tab's defaults and limits


class SlurmBackend(abc.ABC):
    """What the handlers need from Slurm. Every method may raise ``errors.Unavailable``
    (Slurm cannot be reached), ``errors.TimedOut`` or ``errors.BackendFailed``."""

    #: The Unix user this server acts as (its own jobs are "mine").
    user: str

    def __init__(self, config: Slurm, root_dir: str | None = None):
        self.config = config
        self.root_dir = root_dir
        #: Called after each submission or action (the job list's reader then asks for a queue
        #: read after it: a fresh squeue, or the queue service's next one).
        self.queue_listeners: list[Callable[[], None]] = []

    def queue_changed(self) -> None:
        """A backend calls this after it submitted or acted on jobs."""
        for listener in self.queue_listeners:
            listener()

    @abc.abstractmethod
    async def status(self) -> Status:
        """Whether Slurm answers, and what the panel needs to know up front (never raises for Slurm being down)."""

    @abc.abstractmethod
    async def list_jobs(self, scope: Scope, on_fragments: FragmentSink | None = None) -> JobList:
        """The queue: ``mine`` (the user's jobs, filtered by Slurm) or ``all``. Jobs are
        :class:`.records.QueueJob`. Requests within ``config.min_refresh_interval`` may share
        one answer. If this call reads the queue itself and ``on_fragments`` is given, the
        jobs' JSON is handed to it while still being read (it may also never be called)."""

    @abc.abstractmethod
    async def job(self, job_id: str) -> JobDetails | None:
        """One job's fields as Slurm gives them and their typed summary; None if Slurm does not know it."""

    @abc.abstractmethod
    async def act(self, action: Action, ids: list[str]) -> list[ActionResult]:
        """Run ``action`` on ``ids`` (validated job ids); one result per id, in order.
        A job that is already gone counts as cancelled."""

    @abc.abstractmethod
    async def partitions(self) -> list[Partition]: ...

    @abc.abstractmethod
    async def submit(self, submission: Submission) -> Submitted:
        """Submit a job decided by the submission policy (:func:`.submit.plan`);
        ``errors.InvalidInput`` with Slurm's message when Slurm refuses it."""

    # Optional: a backend without them reports "unknown" (notebook runs then use the site's cap
    # and read states from the output notebooks).
    async def max_array_size(self) -> int | None:
        """The cluster's MaxArraySize (array task ids stay below it), or None when unknown."""
        return None

    async def accounting(self, job_ids: list[str]) -> dict[tuple[str, int | None], Accounted] | None:
        """How these jobs and their array tasks ended (or stand), from accounting, by
        ``(job id, array task index or None)``; None when the cluster keeps no accounting.
        ``errors.Unavailable`` when accounting is configured but does not answer."""
        return None

    # ---------------------------------------------------------------- job history and cluster status

    @abc.abstractmethod
    async def history(self, scope: Scope, days: int, states: frozenset[str] | None) -> bytes:
        """The JSON of ``GET history``: the jobs of ``scope`` that ended in the last ``days``
        days (states among ``states`` when given), newest first, each a :class:`.sacct.Job`
        row with its ``efficiency`` and why it ``ended`` (docs/slurm-api.md). Raises
        :class:`.errors.NoAccounting` when the cluster keeps no accounting and
        ``errors.Unavailable`` when accounting (slurmdbd) does not answer."""

    @abc.abstractmethod
    async def history_job(self, job_id: str, scope: Scope) -> dict | None:
        """One job from accounting with its steps, files and what "submit again" can reuse;
        None if accounting has no such job (of this user, for ``mine``)."""

    @abc.abstractmethod
    async def cluster_status(self) -> list[PartitionStatus]:
        """Each partition's nodes by state, free and total CPUs, GPUs and memory, its limits,
        and the user's running and pending jobs in it."""
