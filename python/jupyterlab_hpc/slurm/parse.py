"""Parsers for the output of squeue, scontrol and sinfo (Slurm 22.05 to 25.x).

Every function takes text exactly as the command printed it, so the unit tests
feed them recorded output of real clusters.
"""

from __future__ import annotations

import re

SEP = "\x1f"  # unprintable: cannot appear in names typed by users

# squeue -O fields, in output order. The name comes last so that, whatever it
# holds, it cannot shift the other columns (see parse_squeue).
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

_NULLS = {"", "(null)", "N/A", "n/a", "None", "NONE", "Unknown", "(None)"}
_UNLIMITED = {"UNLIMITED", "INFINITE", "infinite", "unlimited", "Partition_Limit", "NOT_SET", "INVALID"}


def text_or_empty(value: str) -> str:
    return "" if value in _NULLS else value


def parse_duration(value: str) -> int | None:
    """Slurm durations (``M:SS``, ``H:MM:SS``, ``D-HH:MM:SS``, ``MM``) in seconds; None if unlimited/unknown."""
    value = value.strip()
    if value in _UNLIMITED or value in _NULLS:
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


def parse_squeue(output: str) -> list[dict]:
    """Jobs of ``squeue --noheader -O SQUEUE_FORMAT``.

    squeue ends every record with the separator and a newline; splitting on that
    pair keeps a name with a newline or a stray separator in one record.
    """
    jobs = []
    width = len(SQUEUE_FIELDS)
    for record in output.split(SEP + "\n"):
        if not record.strip("\n"):
            continue
        record = record.lstrip("\n")
        values = record.split(SEP, width - 1)
        if len(values) < width:
            continue  # not a job line (e.g. a warning squeue printed on stdout)
        jobs.append(_job_from_values(dict(zip((key for key, _ in SQUEUE_FIELDS), values, strict=True))))
    return jobs


def _job_from_values(raw: dict[str, str]) -> dict:
    task = text_or_empty(raw["array_task_id"].strip())
    array_job = text_or_empty(raw["array_job_id"].strip()) if task else ""
    job_id = raw["id"].strip()
    if task and ("-" in task or "," in task) and not task.startswith("["):
        task = f"[{task}]"  # a pending range Slurm has not split into tasks yet
    return {
        "id": job_id,
        "array_job_id": array_job or None,
        "array_task_id": task or None,
        "name": raw["name"],
        "user": raw["user"].strip(),
        "account": text_or_empty(raw["account"].strip()),
        "partition": text_or_empty(raw["partition"].strip()),
        "qos": text_or_empty(raw["qos"].strip()),
        "state": raw["state"].strip(),
        "reason": text_or_empty(raw["reason"].strip()),
        "time_used": parse_duration(raw["time_used"]) or 0,
        "time_limit": parse_duration(raw["time_limit"]),
        "nodes": parse_count(raw["nodes"]),
        "nodelist": text_or_empty(raw["nodelist"].strip()),
        "submit_time": parse_epoch(raw["submit_time"]),
        "start_time": parse_epoch(raw["start_time"]),
        "work_dir": text_or_empty(raw["work_dir"]),
        "stdout": text_or_empty(raw["stdout"]),
        "stderr": text_or_empty(raw["stderr"]),
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


def parse_sinfo_partitions(output: str) -> list[dict]:
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


def parse_user(user_id: str) -> str:
    """``alice(1000)`` -> ``alice`` (scontrol's UserId)."""
    return user_id.split("(", 1)[0]
