"""Parsers on recorded Slurm output (22.05, this cluster) and hand-written 23+/25 variants."""

from pathlib import Path

import pytest

from jupyterlab_hpc import errors
from jupyterlab_hpc.slurm import details, output, parse
from jupyterlab_hpc.slurm.cli import per_id_results, pick_record
from jupyterlab_hpc.slurm.commands import Result
from jupyterlab_hpc.validate import RootPaths

RECORDED = Path(__file__).parent / "slurm_recorded"


def parse_squeue(output: str) -> list[dict]:
    """The reference parser the streaming one is checked against: all of squeue's output at
    once, nothing cached. squeue ends every record with the separator and a newline."""
    records = output.split(parse.SEP + "\n")
    if records[-1].endswith(parse.SEP):
        records[-1] = records[-1][: -len(parse.SEP)]
    width = len(parse.SQUEUE_FIELDS)
    values = (record.lstrip("\n").split(parse.SEP, width - 1) for record in records)
    return [parse.job_from_values(fields) for fields in values if len(fields) == width]


def read(name):
    return (RECORDED / name).read_text(encoding="utf-8")


def by_id(jobs):
    return {job["id"]: job for job in jobs}


def test_squeue_22_05_one_line_per_array_task():
    jobs = by_id(parse_squeue(read("squeue-22.05-array.txt")))
    assert set(jobs) == {"24", "25_1", "25_3", "26", "27"}
    task = jobs["25_1"]
    assert (task["array_job_id"], task["array_task_id"]) == ("25", "1")
    assert task["name"] == "Äpfel – 日本語 job"
    assert task["work_dir"] == "/tmp/rec dir/sub=x"
    assert task["state"] == "PENDING" and task["reason"] == "JobHeldUser"
    assert task["account"] == "" and task["qos"] == ""
    assert task["submit_time"] == 1795785752 and task["start_time"] is None
    assert task["time_limit"] == 3600 and task["time_used"] == 0 and task["nodes"] == 1
    html = jobs["24"]
    assert html["name"] == "x Priority=3 <script>alert(1)</script>"
    assert html["array_job_id"] is None and html["array_task_id"] is None
    running = jobs["26"]
    assert running["state"] == "RUNNING" and running["reason"] == ""
    assert running["time_limit"] == 2 * 86400 and running["time_used"] == 5
    assert running["start_time"] == 1795785753 and running["nodelist"] == "vm"
    assert running["stdout"] == "/tmp/out_%x_%j.log"
    assert jobs["27"]["user"] == "hpctest2"


def test_squeue_22_05_pending_range_without_array_flag():
    jobs = by_id(parse_squeue(read("squeue-22.05-noarray.txt")))
    assert "25_[1,3]" in jobs
    assert jobs["25_[1,3]"]["array_task_id"] == "[1,3]"


def test_squeue_25_variants_name_with_separator_and_limits():
    jobs = by_id(parse_squeue(read("squeue-25.05-constructed.txt")))
    assert jobs["100_7"]["name"] == "train \x1fmodel v2"  # the name is last: it cannot shift columns
    assert jobs["100_7"]["time_used"] == 93784 and jobs["100_7"]["time_limit"] is None
    assert jobs["100_7"]["nodes"] == 2 and jobs["100_7"]["nodelist"] == "gpu[01-02]"
    assert jobs["101"]["time_limit"] is None and jobs["101"]["stderr"] == ""
    assert jobs["101"]["name"] == "<b>x</b>"
    assert jobs["102"]["array_task_id"] is None and jobs["102"]["time_limit"] == 1800
    assert jobs["102"]["time_used"] == 605


def test_squeue_name_with_newline_stays_one_record():
    line = read("squeue-22.05-array.txt").splitlines()[3]  # job 24
    text = line.replace("x Priority=3", "two\nlines") + "\n"
    (job,) = parse_squeue(text)
    assert job["name"].startswith("two\nlines") and job["id"] == "24"


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("5", 300),
        ("5:30", 330),
        ("1:00:00", 3600),
        ("2-00", 172800),
        ("2-01:30", 178200),
        ("1-00:00:01", 86401),
        ("UNLIMITED", None),
        ("INVALID", None),
        ("N/A", None),
    ],
)
def test_durations(text, seconds):
    assert parse.parse_duration(text) == seconds


def test_scontrol_22_05_values_with_spaces_and_equals():
    records = parse.parse_scontrol_records(read("scontrol-show-job-22.05.txt"))
    assert len(records) == 4
    first = records[0]
    assert first["JobName"] == "x Priority=3 <script>alert(1)</script>"
    assert first["Priority"] == "0"
    assert first["Comment"] == "note: a b=c Priority=9"
    assert first["WorkDir"] == "/tmp/rec dir/sub=x"
    assert first["Command"] == "/tmp/rec dir/sub=x/my job.sh"
    assert first["StdOut"] == "/tmp/rec dir/sub=x/slurm-24.out"
    assert first["UserId"] == "root(0)" and first["SubmitTime"] == "1795785752"
    assert first["Power"] == ""
    meta, task = records[1], records[2]
    assert meta["ArrayTaskId"] == "1,3" and task["ArrayTaskId"] == "2" and task["JobState"] == "COMPLETED"
    assert pick_record(records[1:3], "25_2") is task
    assert pick_record(records[1:3], "25") is meta
    assert records[3]["StdOut"] == "/tmp/out_run ning_26.log"  # 22.05's scontrol expands patterns


def test_scontrol_25_variant_keys():
    (record,) = parse.parse_scontrol_records(read("scontrol-show-job-25.05-constructed.txt"))
    assert record["Command"] == "/home/alice/my runs/train job.sh --lr=0.1 Priority=2"
    assert record["Priority"] == "1"
    assert record["Comment"] == "try lr=0.1 and seed=2"
    assert record["AdminComment"] == "checked by admin"
    assert record["Container"] == "" and record["ContainerID"] == ""
    assert record["TresPerTask"] == "cpu=4" and record["ResvPorts"] == "(null)"
    assert record["AllocTRES"] == "cpu=8,mem=16G,node=2,billing=8,gres/gpu=2"


def test_sinfo_partitions():
    # recorded while a job used the only node: allocated, so no idle node
    parts = parse.parse_sinfo_partitions(read("sinfo-22.05.txt"))
    assert parts == [
        {"name": "debug", "state": "up", "default": True, "time_limit": 3600, "nodes": {"idle": 0, "total": 1}},
        {"name": "long", "state": "up", "default": False, "time_limit": 604800, "nodes": {"idle": 0, "total": 1}},
    ]


def test_sinfo_sums_partition_lines():
    sep = parse.SEP
    text = f"gpu*{sep}up{sep}infinite{sep}1/2/0/3\ngpu*{sep}up{sep}infinite{sep}0/1/1/2\n"
    (part,) = parse.parse_sinfo_partitions(text)
    assert part["nodes"] == {"idle": 3, "total": 5} and part["time_limit"] is None


def test_partition_defaults():
    defaults = parse.parse_partition_defaults(read("scontrol-show-partition-22.05.txt"))
    # unset: a job gets the partition's MaxTime and may use all of a node's memory
    assert defaults["debug"] == {"default_time": None, "default_memory": None, "default_memory_per": None}
    assert defaults["long"] == {"default_time": 86400, "default_memory": 1024**3, "default_memory_per": "cpu"}
    line = "PartitionName=big DefaultTime=30:00 MaxTime=UNLIMITED DefMemPerNode=4000 MaxMemPerNode=UNLIMITED"
    assert parse.parse_partition_defaults(line)["big"] == {
        "default_time": 1800,
        "default_memory": 4000 * 1024**2,
        "default_memory_per": "node",
    }


def test_output_patterns():
    record = {"JobId": "42", "JobName": "my job", "UserId": "alice(1000)", "BatchHost": "n1", "ArrayTaskId": ""}
    assert output.expand("/o/%x-%j-%u-%N-%%-%4j.out", record, "42") == "/o/my job-42-alice-n1-%-0042.out"
    task = {"JobId": "45", "ArrayJobId": "43", "ArrayTaskId": "2", "UserId": "a(1)"}
    assert output.expand("/o/%A_%a.out", task, "43_2") == "/o/43_2.out"
    meta = {"JobId": "43", "ArrayJobId": "43", "ArrayTaskId": "1-3", "UserId": "a(1)"}
    assert output.expand("/o/slurm-43_4294967294.out", meta, "43_3") == "/o/slurm-43_3.out"
    assert output.output_path({"WorkDir": "/w", "StdOut": "(null)", "JobId": "9"}, "stdout", "9") == "/w/slurm-9.out"


def test_per_id_results_attribute_messages():
    stderr = (
        "Invalid job id specified for job 999998\nslurm_suspend error: Invalid job id specified\n"
        "Access/permission denied for job 14\n"
    )
    results = per_id_results("hold", ["12", "999998", "14"], Result([], 1, "", stderr))
    # What a single-job request raises for each refusal is decided here, not from the text later.
    assert [r.error for r in results] == [None, errors.NotFound, errors.Forbidden]
    assert [r.to_json() for r in results] == [
        {"id": "12", "ok": True, "message": ""},
        {"id": "999998", "ok": False, "message": "Invalid job id specified for job 999998"},
        {"id": "14", "ok": False, "message": "Access/permission denied for job 14"},
    ]
    gone = per_id_results(
        "cancel", ["5"], Result([], 1, "", "scancel: error: Kill job error on job id 5: Invalid job id specified\n")
    )
    assert [r.to_json() for r in gone] == [{"id": "5", "ok": True, "message": "Job already finished or gone."}]
    unnamed = per_id_results("requeue", ["5", "6"], Result([], 1, "", "Some failure\n"))
    assert [r.ok for r in unnamed] == [False, False] and unnamed[0].message == "Some failure"
    assert unnamed[0].error is errors.InvalidInput
    other = per_id_results(
        "cancel", ["7"], Result([], 1, "", "scancel: error: Kill job error on job id 7: Invalid user id\n")
    )
    assert other[0].error is errors.Forbidden and not other[0].ok


def test_squeue_cache_reuses_unchanged_records_and_matches_the_plain_parser():
    text = read("squeue-22.05-array.txt")
    cache = parse.SqueueCache(lambda job: job.update(extra=job["id"]))
    first = cache.parse(text, 1.5, "root")
    expected = [{**job, "extra": job["id"]} for job in parse_squeue(text)]
    assert first.as_dict() == {"jobs": expected, "updated_at": 1.5, "user": "root"}
    changed = text.replace("0:05", "0:10")  # the running job's time used moved on
    second = cache.parse(changed, 2.5, "root")
    assert [a is b for a, b in zip(first.fragments, second.fragments, strict=True)] == [True, True, True, True, False]
    assert second.as_dict()["jobs"][4]["time_used"] == 10
    assert [job["id"] for job in second.only("hpctest2").as_dict()["jobs"]] == ["27"]


@pytest.mark.parametrize("size", [1, 7, 64, 100000])
def test_squeue_parsed_piece_by_piece_as_it_arrives(size):
    text = read("squeue-22.05-array.txt") + read("squeue-25.05-constructed.txt")
    session = parse.SqueueCache().session()
    for start in range(0, len(text), size):
        session.feed(text[start : start + size])
    pieces = session.finish(1.0, "root").as_dict()["jobs"]
    assert pieces == parse.SqueueCache().parse(text, 1.0, "root").as_dict()["jobs"]
    assert [job["id"] for job in pieces] == ["25_1", "25_3", "27", "24", "26", "100_7", "101", "102"]


def summaries(name, asked=None, root="/tmp/rec dir"):
    relative = RootPaths(root).api_text
    return [
        details.summarize(record, asked or record["JobId"], relative)
        for record in parse.parse_scontrol_records(read(name))
    ]


def test_summary_of_ended_jobs_22_05():
    failed, killed, cancelled_array = summaries("scontrol-show-job-22.05-ended.txt", root="/tmp")
    assert failed["exit_code"] == {"code": 3, "signal": 0} and failed["state"] == "FAILED"
    assert failed["reason"] == "NonZeroExitCode" and failed["start_time"] == failed["end_time"] == 1796236390
    assert failed["stdout"] == "/tmp/slurm-4.out" and failed["stdout_path"] == "slurm-4.out"
    assert failed["work_dir"] == "/tmp" and failed["work_dir_path"] == ""  # the root itself
    assert failed["memory"] == "0" and failed["memory_per"] == "node" and failed["memory_bytes"] == 0
    assert failed["time_limit"] == 60 and failed["cpus"] == 1 and failed["batch_host"] == "vm"
    assert killed["exit_code"] == {"code": 0, "signal": 9}
    # A pending array (with a throttle) cancelled before Slurm split it into tasks.
    assert cancelled_array["id"] == "6_[1-5]" and cancelled_array["array_task_id"] == "[1-5]"
    assert cancelled_array["dependency"] == "afterok:4(unfulfilled)" and cancelled_array["eligible_time"] is None
    assert cancelled_array["stdout"] == "/tmp/slurm-6_%a.out" and cancelled_array["stdout_path"] is None


def test_summary_of_pending_and_running_jobs_22_05():
    pending, array, task, running = summaries("scontrol-show-job-22.05.txt")
    assert pending == {
        "id": "24",
        "array_job_id": None,
        "array_task_id": None,
        "name": "x Priority=3 <script>alert(1)</script>",
        "user": "root",
        "account": "",
        "partition": "debug",
        "qos": "",
        "state": "PENDING",
        "reason": "JobHeldUser",
        "exit_code": None,  # 0:0 means nothing before the job ends
        "submit_time": 1795785752,
        "eligible_time": None,
        "start_time": None,
        "end_time": None,
        "time_limit": 3600,
        "run_time": 0,
        "nodes": 1,
        "nodelist": "",
        "cpus": 1,
        "memory": "0",
        "memory_per": "node",
        "memory_bytes": 0,
        "tres": "cpu=1,mem=22784M,node=1,billing=1",
        "gres": "",
        "work_dir": "/tmp/rec dir/sub=x",
        "work_dir_path": "sub=x",
        "stdout": "/tmp/rec dir/sub=x/slurm-24.out",
        "stdout_path": "sub=x/slurm-24.out",
        "stderr": "/tmp/rec dir/sub=x/slurm-24.out",
        "stderr_path": "sub=x/slurm-24.out",
        "command": "/tmp/rec dir/sub=x/my job.sh",
        "comment": "note: a b=c Priority=9",
        "dependency": "",
        "batch_host": "",
    }
    assert array["id"] == "25_[1,3]" and array["array_task_id"] == "[1,3]"
    assert task["id"] == "25_2" and task["array_job_id"] == "25" and task["array_task_id"] == "2"
    assert task["exit_code"] == {"code": 0, "signal": 0} and task["stdout_path"] == "sub=x/slurm-25_2.out"
    assert running["exit_code"] is None and running["end_time"] == 1795958553 and running["run_time"] == 5
    assert running["stdout"] == "/tmp/out_run ning_26.log" and running["stdout_path"] is None


def test_summary_of_a_task_asked_before_slurm_split_the_array():
    (_, array, _, _) = parse.parse_scontrol_records(read("scontrol-show-job-22.05.txt"))
    summary = details.summarize(array, "25_3", lambda path: path.rpartition("/")[2])
    assert summary["id"] == "25_3" and summary["array_job_id"] == "25" and summary["array_task_id"] == "3"
    assert summary["stdout"] == "/tmp/rec dir/sub=x/slurm-25_3.out" and summary["stdout_path"] == "slurm-25_3.out"


def test_summary_25_variant_and_memory_units():
    (summary,) = summaries("scontrol-show-job-25.05-constructed.txt", asked="100_7")
    assert summary["id"] == "100_7" and summary["account"] == "proj-a" and summary["qos"] == "normal"
    assert summary["memory"] == "8G" and summary["memory_per"] == "node" and summary["memory_bytes"] == 8 * 1024**3
    assert summary["tres"] == "cpu=8,mem=16G,node=2,billing=8,gres/gpu=2" and summary["gres"] == "gres/gpu:1"
    assert summary["time_limit"] is None and summary["run_time"] == 93784 and summary["nodes"] == 2
    assert summary["cpus"] == 8 and summary["nodelist"] == "gpu[01-02]" and summary["batch_host"] == "gpu01"
    per_cpu = details.summarize({"JobId": "1", "MinMemoryCPU": "512M", "MinMemoryNode": "0"}, "1", lambda p: None)
    assert (per_cpu["memory"], per_cpu["memory_per"], per_cpu["memory_bytes"]) == ("512M", "cpu", 512 * 1024**2)
    per_gpu = details.summarize({"JobId": "1", "MemPerTres": "gres/gpu:4G"}, "1", lambda p: None)
    assert (per_gpu["memory"], per_gpu["memory_per"], per_gpu["memory_bytes"]) == ("4G", "gpu", 4 * 1024**3)
    assert details.memory_bytes("1500") == 1500 * 1024**2 and details.memory_bytes("1.5T") == int(1.5 * 1024**4)
    assert details.memory_bytes("lots") is None
