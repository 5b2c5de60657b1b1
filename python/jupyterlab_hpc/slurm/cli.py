"""The command-line Slurm backend: squeue, scontrol, sinfo, scancel and sbatch, which every Slurm version has."""

from __future__ import annotations

import asyncio
import os
import pwd
import re
import time

from .. import errors
from ..offload import blocking
from ..validate import RootPaths
from . import accounting, cluster, parse
from .cache import Coalescer
from .cluster import PartitionStatus
from .commands import Result, Runner
from .config import Slurm
from .details import summarize
from .errors import (
    CommandMissing,
    SlurmFailed,
    SlurmRefused,
    SlurmUnavailable,
    controller_unreachable,
    first_lines,
    refusal_error,
)
from .history import History
from .interface import FragmentSink, SlurmBackend, Status
from .records import SCOPES, Accounted, Action, ActionResult, JobDetails, Partition, Scope, Submission, Submitted

GONE_MESSAGE = "Job already finished or gone."
_INVALID_ID = "Invalid job id specified"
# "... for job 123_4", "... on job id 123:", "JobId=123 ..." in scancel / scontrol messages
_MESSAGE_ID = re.compile(r"(?:job id|job|JobId=)\s*(\d+(?:_(?:\d+|\[[0-9,\-]+\]))?)", re.IGNORECASE)
_COMMANDS = ("squeue", "sinfo", "scontrol", "scancel", "sbatch")


def current_user() -> str:
    """The Unix user this server (and so every Slurm command) runs as."""
    return pwd.getpwuid(os.geteuid()).pw_name


class CliBackend(SlurmBackend):
    """Slurm through its command-line tools, which every Slurm version has."""

    def __init__(self, config: Slurm, root_dir: str | None = None):
        super().__init__(config, root_dir)
        self.runner = Runner(config)
        # Working directories and output files are also given relative to the Jupyter root.
        self._relative = RootPaths(root_dir).api_text if root_dir else _outside
        self.user = current_user()
        self.job_lists = Coalescer(lambda: self.config.min_refresh_interval)
        self.parsed = {scope: parse.SqueueCache(self._add_paths) for scope in SCOPES}
        self._max_array: tuple[float, int | None] | None = None
        self.node_lists = Coalescer(lambda: self.config.min_refresh_interval)
        self._config = Coalescer(lambda: 300.0)
        self._history: History | None = None

    # ------------------------------------------------------------------ status
    async def version(self) -> str:
        result = await self.runner.run("sinfo", ["--version"])
        match = re.search(r"(\d+\.\d+\.\d+\S*)", result.stdout)
        return match.group(1) if match else result.stdout.strip()

    async def cluster(self) -> str | None:
        result = await self.runner.run("scontrol", ["show", "config"])
        if not result.ok:
            raise SlurmUnavailable(first_lines(result.stderr, 3) or "scontrol show config failed")
        match = re.search(r"^ClusterName\s*=\s*(\S+)", result.stdout, re.MULTILINE)
        return match.group(1) if match else None

    async def status(self) -> Status:
        common: Status = {
            "min_refresh_interval": self.config.min_refresh_interval,
            "submit_flags": self.config.submit_flags,
            "history": {
                "days": self.config.history_days,
                "max_days": self.config.history_max_days,
                "all_users": self.config.history_all_users,
            },
        }
        try:
            version = await self.version()
            cluster = await self.cluster()
        except (CommandMissing, SlurmUnavailable) as error:
            commands = {name: self.config.command(name) for name in _COMMANDS}
            return {"available": False, "reason": str(error), "commands": commands, **common}
        return {"available": True, "version": version, "cluster": cluster, "user": self.user, **common}

    # ------------------------------------------------------------------ helpers
    async def _run(self, name: str, args: list[str], **kwargs) -> Result:
        """Run a command; SlurmUnavailable if the controller did not answer (even on exit 0)."""
        result = await self.runner.run(name, args, **kwargs)
        if controller_unreachable(result.stderr):
            raise SlurmUnavailable(first_lines(result.stderr, 3))
        return result

    @staticmethod
    def _failed(result: Result, name: str) -> SlurmFailed:
        return SlurmFailed(first_lines(result.stderr) or f"{name} failed (exit {result.returncode})")

    # ------------------------------------------------------------------ jobs
    async def list_jobs(self, scope: Scope, on_fragments: FragmentSink | None = None) -> parse.JobList:
        """The queue; if this call is the one that runs squeue, ``on_fragments`` receives
        the jobs' JSON while squeue still prints (the handler streams them to the browser)."""
        # A fresh cluster-wide list already holds the user's jobs: no second squeue.
        if scope == "mine":
            everything = self.job_lists.fresh("all")
            if everything is not None:
                return everything.only(self.user)
        return await self.job_lists.get(scope, lambda: self._squeue(scope, on_fragments))

    async def _squeue(self, scope: Scope, on_fragments: FragmentSink | None) -> parse.JobList:
        args = ["--noheader", "--array", "-O", parse.SQUEUE_FORMAT]
        if scope == "mine":
            args += ["-u", self.user]
        started = time.time()
        session = self.parsed[scope].session(on_fragments)
        result = await self._run("squeue", args, on_stdout=session.feed)
        jobs = session.finish(started, self.user)
        # squeue may exit 0 and still have failed: an error and no jobs is a failure.
        if not result.ok or (not jobs.fragments and "error" in result.stderr.lower()):
            raise self._failed(result, "squeue")
        return jobs

    def _add_paths(self, job: dict) -> None:
        job["work_dir_path"] = self._relative(job["work_dir"])

    async def job(self, job_id: str) -> JobDetails | None:
        result = await self._run("scontrol", ["show", "job", "-o", job_id])
        if not result.ok:
            if _INVALID_ID in result.stderr:
                return None
            raise self._failed(result, "scontrol")
        record = pick_record(parse.parse_scontrol_records(result.stdout), job_id)
        if record is None:
            return None
        return JobDetails(record, summarize(record, job_id, self._relative))

    async def act(self, action: Action, ids: list[str]) -> list[ActionResult]:
        if action == "cancel":
            result = await self._run("scancel", ids)
        else:
            result = await self._run("scontrol", [action, *ids])
        self.job_lists.invalidate()
        self.queue_changed()
        return per_id_results(action, ids, result)

    async def partitions(self) -> list[Partition]:
        sep = parse.SEP
        result, shown = await asyncio.gather(
            self._run("sinfo", ["--noheader", "-o", f"%P{sep}%a{sep}%l{sep}%F"]),
            self._run("scontrol", ["show", "partition", "-o"]),
        )
        if not result.ok:
            raise self._failed(result, "sinfo")
        # the defaults only inform the form's hints: without them the list still serves
        defaults = parse.parse_partition_defaults(shown.stdout) if shown.ok else {}
        unknown = {"default_time": None, "default_memory": None, "default_memory_per": None}
        return [{**part, **defaults.get(part["name"], unknown)} for part in parse.parse_sinfo_partitions(result.stdout)]

    # ------------------------------------------------------------------ accounting, cluster status
    @property
    def _history_service(self) -> History:
        if self._history is None:
            self._history = History(self.runner.run, self.config, self.user, self._relative, self.config_value)
        return self._history

    async def history(self, scope: Scope, days: int, states: frozenset[str] | None) -> bytes:
        return await self._history_service.list(scope, days, states)

    async def history_job(self, job_id: str, scope: Scope) -> dict | None:
        return await self._history_service.job(job_id, scope)

    async def cluster_status(self) -> list[PartitionStatus]:
        """One ``sinfo -N`` per refresh window (shared like squeue) and the user's queue."""
        rows, mine = await asyncio.gather(self.node_lists.get("nodes", self._sinfo_nodes), self.list_jobs("mine"))
        return await blocking(_cluster_summary, rows, mine)

    async def _sinfo_nodes(self) -> list[dict[str, str]]:
        result = await self._run("sinfo", cluster.ARGV)
        if not result.ok:
            raise self._failed(result, "sinfo")
        return cluster.parse(result.stdout)

    async def config_value(self, key: str) -> str | None:
        """One value of ``scontrol show config``, read at most every 5 minutes."""
        config = await self._config.get("config", self._show_config)
        return config.get(key)

    async def _show_config(self) -> dict[str, str]:
        result = await self._run("scontrol", ["show", "config"])
        if not result.ok:
            raise self._failed(result, "scontrol")
        pairs = (line.partition("=") for line in result.stdout.splitlines() if "=" in line)
        return {key.strip(): value.strip() for key, _, value in pairs}

    async def submit(self, submission: Submission) -> Submitted:
        # sbatch runs in the submission's directory, Slurm's default working directory, so a
        # script's own "#SBATCH --chdir" still applies unless the options hold a chdir.
        argv = ["--parsable"]
        argv += [f"--{key}" if value is True else f"--{key}={value}" for key, value in submission.options]
        result = await self._run(
            "sbatch", argv, stdin=submission.script.encode("utf-8"), cwd=submission.cwd, epoch_times=False
        )
        self.job_lists.invalidate()
        self.queue_changed()
        match = re.search(r"^(\d+)(?:;(\S+))?\s*$", result.stdout, re.MULTILINE)
        if not result.ok or not match:
            raise SlurmRefused(first_lines(result.stderr) or first_lines(result.stdout) or "sbatch failed")
        return {"id": match.group(1), "cluster": match.group(2)}

    # ------------------------------------------------------------------ runs and accounting
    async def max_array_size(self) -> int | None:
        # A site changes it rarely: asked at most every 10 minutes.
        if self._max_array and time.monotonic() - self._max_array[0] < 600:
            return self._max_array[1]
        result = await self._run("scontrol", ["show", "config"])
        if not result.ok:
            raise self._failed(result, "scontrol")
        match = re.search(r"^MaxArraySize\s*=\s*(\d+)", result.stdout, re.MULTILINE)
        value = int(match.group(1)) if match else None
        self._max_array = (time.monotonic(), value)
        return value

    async def accounting(self, job_ids: list[str]) -> dict[tuple[str, int | None], Accounted] | None:
        found: dict[tuple[str, int | None], Accounted] = {}
        for start in range(0, len(job_ids), 200):  # a bounded command line
            chunk = ",".join(job_ids[start : start + 200])
            result = await self.runner.run("sacct", [*accounting.SACCT_ARGS, "-j", chunk])
            if accounting.NO_ACCOUNTING.search(result.stderr):
                return None
            if controller_unreachable(result.stderr):  # slurmdbd, not the controller
                raise errors.Unavailable(f"Job accounting (slurmdbd) does not answer: {first_lines(result.stderr, 1)}")
            if not result.ok:
                raise self._failed(result, "sacct")
            found.update(accounting.parse_states(result.stdout))
        return found


def _outside(path: str) -> None:
    return None


def _cluster_summary(rows: list[dict[str, str]], mine: parse.JobList) -> list[PartitionStatus]:
    return cluster.summarize(rows, mine.as_dict()["jobs"])


def pick_record(records: list[dict[str, str]], job_id: str) -> dict[str, str] | None:
    """The record of ``job_id`` among scontrol's (an array job prints one per task)."""
    if not records:
        return None
    base, _, task = job_id.partition("_")
    for record in records:
        if not task and record.get("JobId") == base:
            return record
        if task and record.get("ArrayJobId") == base and record.get("ArrayTaskId") == task:
            return record
    return records[0]


def per_id_results(action: str, ids: list[str], result: Result) -> list[ActionResult]:
    """Attribute scancel/scontrol messages to the ids they name; Slurm's words kept verbatim."""
    messages: dict[str, list[str]] = {}
    unattributed = []
    for line in result.stderr.splitlines() + result.stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _MESSAGE_ID.search(line)
        target = match and _matching_id(match.group(1), ids)
        if target:
            messages.setdefault(target, []).append(line)
        elif not line.startswith(("slurm_suspend error", "scancel: Terminating")):
            unattributed.append(line)
    results = []
    for job_id in ids:
        lines = messages.get(job_id, [])
        if not lines and not result.ok and not messages:
            # Slurm failed without naming ids: every id shares its message.
            lines = unattributed or [f"{action} failed (exit {result.returncode})"]
        message = "\n".join(lines)
        if not lines:
            results.append(ActionResult(job_id, True))
        elif action == "cancel" and all(_INVALID_ID in line for line in lines):
            results.append(ActionResult(job_id, True, GONE_MESSAGE))
        else:
            results.append(ActionResult(job_id, False, message, refusal_error(message)))
    return results


def _matching_id(named: str, ids: list[str]) -> str | None:
    if named in ids:
        return named
    base = named.partition("_")[0]
    return next((job_id for job_id in ids if job_id.partition("_")[0] == base), None)
