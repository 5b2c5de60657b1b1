"""Parsers for the output of squeue, scontrol and sinfo (Slurm 22.05 to 25.x).

Every function takes text exactly as the command printed it, so the unit tests
feed them recorded output of real clusters.
"""

from __future__ import annotations

import json
import re

from .records import Partition, QueueJob

SEP = "\x1f"  # unprintable: cannot appear in names typed by users

# squeue -O fields, in output order. The name comes last so that, whatever it
# holds, it cannot shift the other columns (see SqueueSession).
SQUEUE_FIELDS = [
    ("id", "JobArrayID"),
    ("array_job_id", "ArrayJobID"),
    ("array_task_id", "ArrayTaskID"),
    ("user", "UserName"),
    ("account", "Account"),
    ("partition", "Partition"),
    ("qos", "QOS"),
    ("state", "State"),
    ("reason", "Reason"),
    ("time_used", "TimeUsed"),
    ("time_limit", "TimeLimit"),
    ("nodes", "NumNodes"),
    ("nodelist", "NodeList"),
    ("submit_time", "SubmitTime"),
    ("start_time", "StartTime"),
    ("work_dir", "WorkDir"),
    ("stdout", "STDOUT"),
    ("stderr", "STDERR"),
    ("name", "Name"),
]
# A ':' followed by no width means "no truncation"; the separator is the suffix.
SQUEUE_FORMAT = ",".join(f"{field}:{SEP}" for _, field in SQUEUE_FIELDS)

NULLS = {"", "(null)", "N/A", "n/a", "None", "NONE", "Unknown", "(None)"}
_UNLIMITED = {"UNLIMITED", "INFINITE", "infinite", "unlimited", "Partition_Limit", "NOT_SET", "INVALID"}


def parse_duration(value: str) -> int | None:
    """Slurm durations (``M:SS``, ``H:MM:SS``, ``D-HH:MM:SS``, ``MM``) in seconds; None if unlimited/unknown."""
    value = value.strip()
    if value in _UNLIMITED or value in NULLS:
        return None
    match = re.fullmatch(r"(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?", value)
    if not match:
        return None
    days, a, b, c = match.groups()
    days = int(days or 0)
    if c is not None:  # H:MM:SS
        hours, minutes, seconds = int(a), int(b), int(c)
    elif b is not None:  # M:SS, or D-HH:MM
        hours, minutes, seconds = (int(a), int(b), 0) if days else (0, int(a), int(b))
    elif days:  # D-HH
        hours, minutes, seconds = int(a), 0, 0
    else:  # MM
        hours, minutes, seconds = 0, int(a), 0
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def parse_epoch(value: str) -> int | None:
    """An epoch timestamp (``SLURM_TIME_FORMAT=%s``); None for N/A, Unknown, 0."""
    value = value.strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return None


def parse_count(value: str) -> int | None:
    match = re.match(r"\d+", value.strip())
    return int(match.group()) if match else None


_durations: dict[str, int | None] = {}


def _duration(value: str) -> int | None:
    # The same few values repeat over a whole queue: parse each once.
    try:
        return _durations[value]
    except KeyError:
        if len(_durations) > 10000:
            _durations.clear()
        result = _durations[value] = parse_duration(value)
        return result


def _epoch(value: str) -> int | None:
    return int(value) if value.isdigit() and value != "0" else None


def job_from_values(values: list[str]) -> dict:
    """One job from the values of a squeue record, in SQUEUE_FIELDS order (the hot loop: kept plain)."""
    (
        job_id,
        array_job,
        task,
        user,
        account,
        partition,
        qos,
        state,
        reason,
        used,
        limit,
        nodes,
        nodelist,
        submit,
        start,
        work_dir,
        stdout,
        stderr,
        name,
    ) = values
    nulls = NULLS
    if task in nulls:
        task = array_job = None
    elif ("-" in task or "," in task) and not task.startswith("["):
        task = f"[{task}]"  # a pending range Slurm has not split into tasks yet
    return {
        "id": job_id.strip(),
        "array_job_id": array_job,
        "array_task_id": task,
        "name": name,
        "user": user,
        "account": "" if account in nulls else account,
        "partition": "" if partition in nulls else partition,
        "qos": "" if qos in nulls else qos,
        "state": state,
        "reason": "" if reason in nulls else reason,
        "time_used": _duration(used) or 0,
        "time_limit": _duration(limit),
        "nodes": int(nodes) if nodes.isdigit() else parse_count(nodes),
        "nodelist": "" if nodelist in nulls else nodelist,
        "submit_time": _epoch(submit),
        "start_time": _epoch(start),
        "work_dir": "" if work_dir in nulls else work_dir,
        "stdout": "" if stdout in nulls else stdout,
        "stderr": "" if stderr in nulls else stderr,
    }


# Keys whose values are free text and may contain spaces or "Key=value"-looking words.
FREE_TEXT_KEYS = {
    "JobName",
    "Comment",
    "AdminComment",
    "SystemComment",
    "Command",
    "WorkDir",
    "StdOut",
    "StdErr",
    "StdIn",
    "Reason",
    "Features",
    "Prefer",
    "Container",
    "Dependency",
    "Licenses",
    "Reservation",
    "MailUser",
}
# Keys scontrol prints for a job (22.05 through 25.x). A "Key=" word inside a
# free-text value is treated as a new field only if it is one of these.
KNOWN_JOB_KEYS = set(
    """JobId ArrayJobId ArrayTaskId ArrayTaskThrottle HetJobId HetJobOffset HetJobIdSet JobName UserId GroupId
    MCS_label Priority Nice Account QOS JobState Reason Dependency Requeue Restarts BatchFlag Reboot ExitCode
    DerivedExitCode RunTime TimeLimit TimeMin SubmitTime EligibleTime AccrueTime StartTime EndTime Deadline
    PreemptEligibleTime PreemptTime SuspendTime SecsPreSuspend LastSchedEval Scheduler Partition AllocNode:Sid
    ReqNodeList ExcNodeList NodeList BatchHost SchedNodeList NumNodes NumCPUs NumTasks CPUs/Task ReqB:S:C:T TRES
    ReqTRES AllocTRES Socks/Node NtasksPerN:B:S:C CoreSpec ThreadSpec MinCPUsNode MinMemoryNode MinMemoryCPU
    MinTmpDiskNode Features Prefer ClusterFeatures DelayBoot OverSubscribe Contiguous Licenses LicensesAlloc
    Network Command WorkDir AdminComment SystemComment Comment StdErr StdIn StdOut Power MemPerTres TresPerNode
    TresPerTask TresPerJob TresPerSocket TresBind TresFreq CpusPerTres NtasksPerTRES MailUser MailType
    Reservation Container ContainerID OOMKillStep Switches Wait4Switch BurstBuffer BurstBufferState CpuFreqMin
    CpuFreqMax CpuFreqGov KillOInInvalidDependent SegmentSize ResvPorts Partition CronJob CrontabSpec
    CrontabWhen StepMgrEnabled Fed LicensesAlloc MCS_label""".split()
)
_KEY = re.compile(r"(?:^|(?<= ))([A-Za-z][A-Za-z0-9_/:.]*)=")


def parse_scontrol_records(output: str) -> list[dict[str, str]]:
    """Records of ``scontrol show job|partition -o``: one line each, ``Key=value`` words.

    Values may hold spaces and '=' (Command=, Comment=, WorkDir= with spaces): a word
    that looks like ``Key=`` starts a new field unless it follows a free-text field and
    is not a key scontrol prints (then it belongs to that value). ``JobName`` always runs
    up to `` UserId=``, the key scontrol prints after it in every version.
    """
    records = []
    for line in output.splitlines():
        line = line.rstrip()
        if "=" not in line:
            continue
        records.append(parse_scontrol_line(line))
    return records


def parse_scontrol_line(line: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    starts = [(m.start(1), m.end(), m.group(1)) for m in _KEY.finditer(line)]
    name_end = line.find(" UserId=")
    merged: list[tuple[int, int, str]] = []
    for start, value_start, key in starts:
        if merged:
            previous_key = merged[-1][2]
            inside_name = previous_key == "JobName" and start < name_end
            inside_text = previous_key in FREE_TEXT_KEYS and (key not in KNOWN_JOB_KEYS or key in fields_seen(merged))
            if inside_name or inside_text:
                continue
        merged.append((start, value_start, key))
    for index, (_start, value_start, key) in enumerate(merged):
        end = merged[index + 1][0] - 1 if index + 1 < len(merged) else len(line)
        fields[key] = line[value_start:end].rstrip(" ")  # scontrol pads some values (Comment)
    return fields


def fields_seen(merged: list[tuple[int, int, str]]) -> set[str]:
    return {key for _, _, key in merged}


def parse_sinfo_partitions(output: str) -> list[Partition]:
    """Partitions of ``sinfo --noheader -o '%P<sep>%a<sep>%l<sep>%F'`` (several lines per partition are summed)."""
    partitions: dict[str, dict] = {}
    for line in output.splitlines():
        values = line.split(SEP)
        if len(values) < 4:
            continue
        raw_name, state, limit, counts = (value.strip() for value in values[:4])
        name = raw_name.rstrip("*")
        numbers = [int(n) if n.isdigit() else 0 for n in counts.split("/")] + [0, 0, 0, 0]
        entry = partitions.setdefault(
            name,
            {
                "name": name,
                "state": state,
                "default": raw_name.endswith("*"),
                "time_limit": parse_duration(limit),
                "nodes": {"idle": 0, "total": 0},
            },
        )
        entry["nodes"]["idle"] += numbers[1]
        entry["nodes"]["total"] += numbers[3]
    return list(partitions.values())


def parse_partition_defaults(output: str) -> dict[str, dict]:
    """What a job that does not ask gets, per partition, from ``scontrol show partition -o``:
    ``default_time`` (DefaultTime, seconds; None when unset: Slurm then gives MaxTime) and
    ``default_memory`` in bytes with ``default_memory_per`` (DefMemPerCPU or DefMemPerNode,
    megabytes in Slurm; None when unlimited: a job may use all of a node's memory)."""
    defaults = {}
    for record in parse_scontrol_records(output):
        name = record.get("PartitionName")
        if not name:
            continue
        memory, per = None, None
        for key, unit in (("DefMemPerCPU", "cpu"), ("DefMemPerNode", "node")):
            value = record.get(key, "")
            if value.isdigit() and int(value) > 0:
                memory, per = int(value) * 1024**2, unit
                break
        defaults[name] = {
            "default_time": parse_duration(record.get("DefaultTime", "NONE")),
            "default_memory": memory,
            "default_memory_per": per,
        }
    return defaults


def parse_user(user_id: str) -> str:
    """``alice(1000)`` -> ``alice`` (scontrol's UserId)."""
    return user_id.split("(", 1)[0]


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class JobList:
    """One squeue's jobs, kept as JSON text per job so answers are assembled, not re-encoded."""

    def __init__(self, users: list[str], fragments: list[bytes], updated_at: float, user: str):
        self.users = users
        self.fragments = fragments
        self.updated_at = updated_at
        self.user = user
        self._json: bytes | None = None

    @classmethod
    def from_jobs(cls, jobs: list[QueueJob], updated_at: float, user: str) -> JobList:
        """A list of jobs got some other way than by parsing squeue (another backend)."""
        return cls([job["user"] for job in jobs], [_encode(job).encode("utf-8") for job in jobs], updated_at, user)

    def only(self, user: str) -> JobList:
        keep = [i for i, owner in enumerate(self.users) if owner == user]
        return JobList([self.users[i] for i in keep], [self.fragments[i] for i in keep], self.updated_at, self.user)

    def tail(self) -> bytes:
        """The end of the answer after the jobs were streamed."""
        return b"]," + _encode({"updated_at": self.updated_at, "user": self.user})[1:].encode("utf-8")

    def to_json(self) -> bytes:
        if self._json is None:  # requests sharing this list share its encoding too
            head = b'{"jobs":['
            tail = b"]," + _encode({"updated_at": self.updated_at, "user": self.user})[1:].encode("utf-8")
            parts = self.fragments
            if parts:  # glue head and tail to the ends: one copy of a body that may weigh 40 MB
                parts = [head + parts[0], *parts[1:]]
                parts[-1] = parts[-1] + tail
                self._json = b",".join(parts)
            else:
                self._json = head + tail
        return self._json

    def as_dict(self) -> dict:
        return json.loads(self.to_json())


class SqueueCache:
    """Parses squeue output into a JobList, reusing the previous refresh's work.

    Between two refreshes most records are byte-for-byte the same (pending jobs do
    not change), so each record's text is the key of its parsed, encoded job: with
    100,000 queued jobs a refresh costs a split and a dictionary lookup per job.
    """

    def __init__(self, decorate=None):
        self._known: dict[str, tuple[str, bytes]] = {}
        self._decorate = decorate  # adds fields to a freshly parsed job (e.g. work_dir_path)

    def parse(self, output: str, updated_at: float, user: str) -> JobList:
        session = self.session()
        session.feed(output)
        return session.finish(updated_at, user)

    def session(self, on_fragments=None) -> SqueueSession:
        """Parse one squeue run piece by piece (``feed``) while its output arrives;
        ``on_fragments`` gets each batch of new jobs' JSON (to send them at once)."""
        return SqueueSession(self, on_fragments)


class SqueueSession:
    def __init__(self, cache: SqueueCache, on_fragments=None):
        self._cache = cache
        self._on_fragments = on_fragments
        self._fresh: dict[str, tuple[str, bytes]] = {}
        self._rest = ""
        self.users: list[str] = []
        self.fragments: list[bytes] = []

    def feed(self, text: str) -> None:
        records = (self._rest + text).split(SEP + "\n")
        self._rest = records.pop()
        self._add(records)

    def finish(self, updated_at: float, user: str) -> JobList:
        last, self._rest = self._rest, ""
        if last.strip("\n"):
            self._add([last[: -len(SEP)] if last.endswith(SEP) else last])
        self._cache._known = self._fresh  # forget jobs that left the queue
        return JobList(self.users, self.fragments, updated_at, user)

    def _add(self, records: list[str]) -> None:
        known, fresh, decorate = self._cache._known, self._fresh, self._cache._decorate
        users, fragments = self.users, self.fragments
        before = len(fragments)
        width = len(SQUEUE_FIELDS)
        for record in records:
            entry = known.get(record)
            if entry is None:
                values = record.lstrip("\n").split(SEP, width - 1)
                if len(values) != width:
                    continue  # not a job line (a warning on stdout)
                job = job_from_values(values)
                if decorate:
                    decorate(job)
                entry = (job["user"], _encode(job).encode("utf-8"))
            fresh[record] = entry
            users.append(entry[0])
            fragments.append(entry[1])
        if self._on_fragments and len(fragments) > before:
            self._on_fragments(fragments[before:])
