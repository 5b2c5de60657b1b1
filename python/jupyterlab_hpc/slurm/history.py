"""The job history: the user's finished jobs from Slurm's accounting (sacct -> slurmdbd).

One sacct per refresh window and per (scope, days), shared by every request that
arrives meanwhile (like the queue's squeue); its jobs are parsed on a worker thread
and kept encoded, each job's text the key of its JSON, so a refresh of 10,000
unchanged jobs costs a split and a lookup per job.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors
from ..offload import blocking
from . import efficiency, ended, sacct, submitline
from .cache import Coalescer
from .errors import AccountingUnavailable, NoAccounting
from .submit import MAX_SCRIPT_BYTES

# What sacct prints when there is no accounting, or when slurmdbd does not answer (22.05 .. 25.x).
_DISABLED = re.compile(r"accounting storage is disabled|accounting_storage/none", re.IGNORECASE)
_DBD_DOWN = re.compile(
    r"Problem talking to the database|persistent connection|slurmdbd|Connection refused|Unable to connect"
    r"|Socket timed out|Zero Bytes were transmitted",
    re.IGNORECASE,
)
_SCRIPT_HEADER = re.compile(r"\ABatch Script for \S+\n-+\n")
_MEMORY_OPTIONS = ("mem", "mem-per-cpu", "mem-per-gpu")
DAY = 86400

# sacct is given the run function of the backend (argv list, timeout, environment).
Run = Callable[..., Awaitable[Any]]


def _first(text: str, limit: int = 3) -> str:
    return "\n".join(text.strip().splitlines()[:limit])


def check_sacct(result: Any) -> None:
    """Raise the domain error for a failed sacct (no accounting, slurmdbd down, other)."""
    stderr = result.stderr
    if _DISABLED.search(stderr):
        raise NoAccounting()
    if _DBD_DOWN.search(stderr):
        raise AccountingUnavailable(_first(stderr.replace("sacct: error: ", "")))
    if not result.ok:
        raise errors.BackendFailed(_first(stderr) or f"sacct failed (exit {result.returncode})")


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def row(job: sacct.Job, relative: Callable[[str], str | None], you: str) -> dict[str, Any]:
    """One job of the history list (its steps and submit line are for the details)."""
    use = efficiency.compute(job)
    shown = {key: value for key, value in job.items() if key not in ("steps", "submit_line", "raw_id")}
    return {
        **shown,
        "work_dir_path": relative(job["work_dir"]) if job["work_dir"] else None,
        "efficiency": use,
        "ended": ended.why(job, use, you),
    }


@dataclass
class HistoryList:
    """The finished jobs of one sacct run, newest end first, each kept as its JSON."""

    ends: list[int]
    states: list[str]
    fragments: list[bytes]
    updated_at: float
    user: str

    def to_json(self, since: int, states: frozenset[str] | None) -> bytes:
        keep = [
            fragment
            for end, state, fragment in zip(self.ends, self.states, self.fragments, strict=True)
            if end >= since and (states is None or state in states)
        ]
        tail = _encode({"accounting": True, "updated_at": self.updated_at, "user": self.user, "since": since})[1:]
        return b'{"jobs":[' + b",".join(keep) + b"]," + tail.encode("utf-8")


class HistoryParser:
    """Parses sacct output into a HistoryList, reusing the previous run's work per job:
    between two refreshes almost every job's text is the same, and its JSON is kept."""

    def __init__(self, relative: Callable[[str], str | None], you: str):
        self._known: dict[str, tuple[int, str, bytes] | None] = {}
        self._relative = relative
        self._you = you

    def parse(self, output: str, updated_at: float, user: str) -> HistoryList:
        session = self.session()
        session.feed(output)
        return session.finish(updated_at, user)

    def session(self) -> HistorySession:
        return HistorySession(self)

    def entry(self, text: str) -> tuple[int, str, bytes] | None:
        """(end, state, JSON) of one job's text; None for a job still in the queue."""
        jobs = sacct.parse(text)
        if not jobs:
            return None
        job = jobs[0]
        if job["state"] not in sacct.ENDED_STATES or job["end"] is None:
            return None  # still in the queue: not history yet
        return job["end"], job["state"], _encode(row(job, self._relative, self._you)).encode("utf-8")


class HistorySession:
    """One sacct run, parsed piece by piece while sacct prints (``feed``), on a worker thread."""

    def __init__(self, parser: HistoryParser):
        self._parser = parser
        self._rest = ""
        self._open: list[str] = []
        self._fresh: dict[str, tuple[int, str, bytes] | None] = {}
        self._entries: list[tuple[int, str, bytes]] = []

    def feed(self, text: str) -> None:
        lines = (self._rest + text).split("\n")
        self._rest = lines.pop()
        self._add(lines)

    def finish(self, updated_at: float, user: str) -> HistoryList:
        if self._rest:
            self._add([self._rest])
            self._rest = ""
        if self._open:
            self._job("\n".join(self._open))
            self._open = []
        self._parser._known = self._fresh  # forget jobs that left the window
        entries = sorted(self._entries, key=lambda entry: -entry[0])
        return HistoryList([e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries], updated_at, user)

    def _add(self, lines: list[str]) -> None:
        texts, self._open = sacct.job_texts(self._open + lines)
        for text in texts:
            self._job(text)

    def _job(self, text: str) -> None:
        known = self._parser._known
        entry = known[text] if text in known else self._parser.entry(text)
        self._fresh[text] = entry
        if entry is not None:
            self._entries.append(entry)


def consume(chunks: queue.SimpleQueue, session: HistorySession) -> HistorySession:
    """Feed ``session`` with what sacct prints until None arrives (runs on a worker thread,
    so the parsing overlaps sacct's own printing)."""
    while (chunk := chunks.get()) is not None:
        session.feed(chunk)
    return session


class History:
    """The history service of one Jupyter server (one user): list, details, script."""

    def __init__(self, run: Run, config: Any, user: str, relative: Callable[[str], str | None], config_value=None):
        self._run = run
        self.config = config
        self.user = user
        self._relative = relative
        self._config_value = config_value  # async (key) -> value of "scontrol show config", or None
        self.lists = Coalescer(lambda: self.config.min_refresh_interval)
        self._parsers = {scope: HistoryParser(relative, user) for scope in ("mine", "all")}

    async def _sacct(self, args: list[str]) -> Any:
        result = await self._run("sacct", args)
        check_sacct(result)
        return result

    async def list(self, scope: str, days: int, states: frozenset[str] | None = None) -> bytes:
        """The finished jobs of the last ``days`` days as the JSON answer of ``GET history``."""
        since = int(time.time()) - days * DAY
        history = await self.lists.get((scope, days), lambda: self._fetch(scope, days))
        return await blocking(history.to_json, since, states)

    async def _fetch(self, scope: str, days: int) -> HistoryList:
        started = time.time()
        user = self.user if scope == "mine" else None
        chunks: queue.SimpleQueue = queue.SimpleQueue()
        parsing = asyncio.ensure_future(blocking(consume, chunks, self._parsers[scope].session()))
        try:
            result = await self._run("sacct", sacct.argv(f"now-{days}days", user), on_stdout=chunks.put)
        finally:
            chunks.put(None)
        session = await parsing
        check_sacct(result)
        return await blocking(session.finish, started, self.user)

    async def job(self, job_id: str, scope: str = "mine") -> dict[str, Any] | None:
        """One finished (or still running) job with its steps, why it ended, its efficiency,
        its files and whether it can be submitted again; None if accounting has no such job."""
        user = self.user if scope == "mine" else None
        found, script = await asyncio.gather(
            self._sacct(sacct.argv("", user, job_id)),
            self._run("sacct", ["--batch-script", "-j", job_id]),
        )
        jobs = [job for job in sacct.parse(found.stdout) if job_id in (job["id"], job["raw_id"])]
        if not jobs:
            return None
        job = jobs[-1]  # a requeued job: its last run
        text = _script_text(script.stdout) if script.ok and job["user"] == self.user else None
        return await blocking(self._details, job, text, await self._memory_schedules())

    def _details(self, job: sacct.Job, script: str | None, memory_schedules: bool | None) -> dict[str, Any]:
        answer = row(job, self._relative, self.user)
        known = {"job-name": job["name"], "chdir": job["work_dir"]}
        reading = submitline.read_line(job["submit_line"], known) if job["submit_line"] else None
        line_options = reading["options"] if reading else {}
        directives = submitline.read_directives(script) if script else {}
        paths = submitline.stdio_paths(job, line_options, directives)
        files = {}
        for stream, path in paths.items():
            relative = self._relative(path)
            files[stream] = path
            files[f"{stream}_path"] = relative
            files[f"{stream}_exists"] = _is_file(path) if relative is not None else None
        if script is not None and len(script.encode("utf-8")) > MAX_SCRIPT_BYTES:
            script = None
        if reading is None:
            reading = {"options": {}, "script_path": None, "script_args": [], "wrapped": False}
        again = submitline.resubmission(reading, script, list(self.config.submit_flags))
        if job["user"] != self.user:
            again = {**again, "available": False, "reason": "Only your own jobs can be submitted again from here."}
        if answer["ended"]["cause"] == "launch_failed":
            # Slurm could not start the script; the usual cause is a missing folder for its output.
            missing = [str(Path(p).parent) for p in paths.values() if not Path(p).parent.is_dir()]
            if missing:
                answer["ended"]["missing_folder"] = self._relative(missing[0]) or missing[0]
        explicit = any(name in line_options or name in directives for name in _MEMORY_OPTIONS)
        return {
            **answer,
            "steps": job["steps"],
            "submit_line": job["submit_line"],
            **files,
            "memory_request_explicit": explicit if (reading["options"] or script) else None,
            "memory_schedules": memory_schedules,
            "resubmit": {**again, "script": script if again["available"] else None, "cwd": answer["work_dir_path"]},
        }

    async def _memory_schedules(self) -> bool | None:
        """Whether memory is a resource Slurm schedules (SelectTypeParameters ..._Memory):
        only then does a smaller request make a job start sooner."""
        if self._config_value is None:
            return None
        try:
            value = await self._config_value("SelectTypeParameters")
        except errors.HpcError:
            return None
        return None if value is None else "MEMORY" in value.upper()


def _script_text(output: str) -> str | None:
    """The script from ``sacct --batch-script`` ("" for a job without one, None if unknown)."""
    if not output.strip():
        return None
    text = _SCRIPT_HEADER.sub("", output, count=1)
    if text.strip() == "NONE":
        return ""
    return text.removesuffix("\n") if text.strip() else None  # sacct adds a newline after the script


def _is_file(path: str) -> bool:
    try:
        return Path(path).is_file()
    except OSError:
        return False
