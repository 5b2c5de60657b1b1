"""History, efficiency, why-it-ended and cluster parsers on recorded sacct/sinfo output
(22.05, this cluster) and hand-written lines of other versions (see slurm_recorded/README.md)."""

from pathlib import Path

import pytest

from jupyterlab_hpc.slurm import cluster, efficiency, ended, history, sacct, submitline, units
from jupyterlab_hpc.slurm.commands import Result

RECORDED = Path(__file__).parent / "slurm_recorded"
GIB = 1024**3
MIB = 1024**2


def read(name):
    return (RECORDED / name).read_text(encoding="utf-8")


def jobs_of(name):
    return {job["id"]: job for job in sacct.parse(read(name))}


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(
    "text, default, expected",
    [
        ("318508K", "", 318508 * 1024),
        ("22784M", "", 22784 * MIB),
        ("1.50G", "", round(1.5 * GIB)),
        ("2T", "", 2 * 1024**4),
        ("0", "K", 0),
        ("1024", "K", 1024 * 1024),
        ("4096", "M", 4096 * MIB),
        ("", "K", None),
        ("abc", "K", None),
        ("4GB", "", 4 * GIB),
    ],
)
def test_size_bytes(text, default, expected):
    assert units.size_bytes(text, default) == expected


@pytest.mark.parametrize(
    "text, cpus, nodes, expected",
    [
        ("22784M", 1, 1, (22784 * MIB, "job")),  # 21.08+: the whole job's
        ("128G", 16, 2, (128 * GIB, "job")),
        ("4Gn", 4, 2, (8 * GIB, "node")),  # before 21.08: per node
        ("500Mc", 4, 1, (2000 * MIB, "cpu")),  # before 21.08: per CPU
        ("4Gc", None, 1, (None, "cpu")),
        ("0", 1, 1, (None, None)),  # no request recorded
        ("0n", 1, 1, (None, None)),
        ("", 1, 1, (None, None)),
    ],
)
def test_req_mem(text, cpus, nodes, expected):
    assert units.req_mem(text, cpus, nodes) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("00:05.957", 5.957),
        ("00:00:00", 0),
        ("01:02:03", 3723),
        ("1-02:03:04", 93784),
        ("12:00:00", 43200),
        ("00:06:01.250", 361.25),
        ("UNLIMITED", None),
        ("Partition_Limit", None),
        ("INVALID", None),
        ("", None),
    ],
)
def test_duration_seconds(text, expected):
    if expected is None:
        assert units.duration_seconds(text) is None
    else:
        assert units.duration_seconds(text) == pytest.approx(expected)


def test_limits_epochs_tres():
    assert units.limit_minutes("60") == 3600
    assert units.limit_minutes("UNLIMITED") is None and units.limit_minutes("Partition_Limit") is None
    assert units.epoch("1796237456") == 1796237456
    assert units.epoch("Unknown") is None and units.epoch("None") is None and units.epoch("0") is None
    assert units.tres("billing=16,cpu=16,gres/gpu=8,mem=128G,node=2")["gres/gpu"] == "8"
    assert units.tres("") == {}


# ---------------------------------------------------------------- sacct (22.05, recorded)


def test_sacct_argv_is_explicit_and_bounded():
    args = sacct.argv("now-7days", "alice")
    assert "--parsable2" in args and "--noheader" in args and "-X" not in args  # steps carry MaxRSS
    assert args[args.index("-u") + 1] == "alice" and "--starttime=now-7days" in args
    assert any(a.startswith("--format=JobID,JobIDRaw,State") for a in args)
    assert sacct.argv("", None, "12")[-2:] == ["-j", "12"] and "--allusers" in sacct.argv("", None, "12")


def test_sacct_22_05_jobs_and_steps():
    jobs = jobs_of("sacct-22.05.txt")
    assert set(jobs) == {"137", "138", "139", "170", "283", "344", "345_1", "345_2", "346", "347", "348"} | {
        "341",
        "342",
        "343",
    }
    failed = jobs["341"]
    assert failed["state"] == "FAILED" and failed["exit_code"] == {"code": 3, "signal": 0}
    assert failed["derived_exit_code"] == {"code": 2, "signal": 0}
    assert [s["id"] for s in failed["steps"]] == ["341.batch", "341.0", "341.1"]
    assert failed["steps"][2]["name"] == "bash" and failed["steps"][2]["exit_code"]["code"] == 2
    assert failed["work_dir"] == "/tmp/histrec" and failed["time_limit"] == 120
    assert failed["submit_line"].endswith('--wrap=srun -n1 true; srun -n1 bash -c "exit 2"; echo oops >&2; exit 3')
    burn = jobs["342"]
    assert burn["total_cpu"] == pytest.approx(5.603) and burn["elapsed"] == 8 and burn["cpus"] == 1
    assert burn["mem_requested"] == GIB and burn["mem_requested_per"] == "job"
    assert burn["steps"][0]["max_rss"] == 318208 * 1024
    assert jobs["343"]["state"] == "TIMEOUT" and jobs["343"]["time_limit"] == 60
    array = jobs["345_2"]
    assert (array["array_job_id"], array["array_task_id"], array["raw_id"]) == ("345", "2", array["raw_id"])
    assert array["exit_code"]["code"] == 2
    # A name holding the old delimiter and non-ASCII text, and a submit line with a newline (--wrap).
    odd = jobs["346"]
    assert odd["name"] == "tail | me Äpfel" and odd["submit_line"].endswith("--wrap=echo a\necho b")
    assert jobs["347"]["exit_code"] == {"code": 0, "signal": 9}
    never = jobs["137"]
    assert never["state"] == "CANCELLED" and never["start"] is None and never["nodelist"] == ""
    interactive = jobs["283"]
    assert interactive["submit_line"].startswith("srun ") and interactive["steps"][0]["id"] == "283.0"


def test_sacct_fields_changed_is_an_error_not_garbage():
    with pytest.raises(ValueError):
        sacct.records("1\x1f2\x1f3\n")


def test_sacct_23_11_constructed():
    jobs = jobs_of("sacct-23.11-constructed.txt")
    assert set(jobs) == {"9001", "9002", "9003+0", "9003+1", "9005", "9006"}
    het = jobs["9003+0"]
    assert het["state"] == "CANCELLED" and het["cancelled_by"] in ("1000", sacct.user_name("1000"))
    assert [s["id"] for s in het["steps"]] == ["9003+0.batch"]
    assert jobs["9005"]["time_limit"] is None and jobs["9006"]["time_limit"] is None
    assert jobs["9002"]["gpus"] == 8 and jobs["9002"]["mem_requested"] == 128 * GIB
    assert [s["name"] for s in jobs["9006"]["steps"]] == ["interactive", "extern"]


# ---------------------------------------------------------------- efficiency


def test_efficiency_of_a_job_with_known_use():
    use = efficiency.compute(jobs_of("sacct-22.05.txt")["342"])  # 300 MiB held, one CPU burnt for 8 s
    assert use["cpu"]["ratio"] == pytest.approx(5.603 / 8, abs=1e-3)
    assert use["memory"]["used"] == 318208 * 1024 and use["memory"]["requested"] == GIB
    assert use["memory"]["ratio"] == pytest.approx(318208 / 1024 / 1024, abs=1e-3)
    assert use["time"] == {"ratio": pytest.approx(8 / 120, abs=1e-3), "used": 8, "limit": 120}


def test_efficiency_multi_node_counts_per_node_and_all_tasks():
    use = efficiency.compute(jobs_of("sacct-23.11-constructed.txt")["9002"])
    assert use["cpu"]["ratio"] == pytest.approx(43200 / (3600 * 16), abs=1e-4)
    # The srun step's 8 tasks used 100,000,000 KiB on 2 nodes; 64 GiB were asked per node.
    assert use["memory"]["used"] == 100000000 * 1024 // 2 and use["memory"]["requested"] == 64 * GIB
    assert use["memory"]["per_node"] is True
    assert use["time"]["ratio"] == pytest.approx(3600 / 86400, abs=1e-4)


def test_efficiency_before_21_08_per_node_and_per_cpu():
    jobs = jobs_of("sacct-20.11-constructed.txt")
    per_node, per_cpu = efficiency.compute(jobs["8001"]), efficiency.compute(jobs["8002"])
    assert per_node["memory"]["requested"] == 4 * GIB and per_node["memory"]["ratio"] == pytest.approx(0.25)
    assert per_cpu["memory"]["requested"] == 2000 * MIB and per_cpu["memory"]["ratio"] == pytest.approx(0.25)


def test_efficiency_unknowns_are_none():
    jobs = jobs_of("sacct-22.05.txt")
    never = efficiency.compute(jobs["137"])  # cancelled before it started
    assert never["cpu"]["ratio"] is None and never["time"]["ratio"] is None and never["memory"]["used"] is None
    unlimited = efficiency.compute(jobs_of("sacct-23.11-constructed.txt")["9006"])
    assert unlimited["time"] == {"ratio": None, "used": 30, "limit": None}


# ---------------------------------------------------------------- why it ended


def why(name, job_id, you="root"):
    job = jobs_of(name)[job_id]
    return ended.why(job, efficiency.compute(job), you)


def test_why_it_ended_22_05():
    assert why("sacct-22.05.txt", "341") == {"cause": "exit_code", "code": 3, "step": "batch"}
    assert why("sacct-22.05.txt", "343") == {"cause": "time_limit", "limit": 60}
    assert why("sacct-22.05.txt", "347") == {"cause": "signal", "signal": 9, "step": "batch"}
    assert why("sacct-22.05.txt", "342") == {"cause": "completed"}
    cancelled = why("sacct-22.05.txt", "137")
    assert cancelled["cause"] == "cancelled" and cancelled["started"] is False and cancelled["by"] is None
    assert why("sacct-22.05.txt", "344")["started"] is True
    assert why("sacct-22.05.txt", "345_1") == {"cause": "exit_code", "code": 1, "step": "batch"}
    # Slurm could not open the output file: the batch step "died" of signal 53 in no time.
    assert why("sacct-22.05.txt", "348") == {"cause": "launch_failed", "signal": 53, "step": "batch"}


def test_why_it_ended_other_versions():
    oom = why("sacct-23.11-constructed.txt", "9001")
    assert oom == {"cause": "out_of_memory", "step": "batch", "used": 4 * GIB, "requested": 4 * GIB}
    het = why("sacct-23.11-constructed.txt", "9003+0", you=sacct.user_name("1000"))
    assert het["cause"] == "cancelled" and het["by_you"] is True
    assert why("sacct-23.11-constructed.txt", "9006") == {"cause": "completed"}


def test_completed_with_a_failed_step_says_so():
    job = jobs_of("sacct-22.05.txt")["341"]
    batch = {**job["steps"][0], "state": "COMPLETED", "exit_code": {"code": 0, "signal": 0}}
    job = {**job, "state": "COMPLETED", "exit_code": {"code": 0, "signal": 0}, "steps": [batch, *job["steps"][1:]]}
    assert ended.why(job, efficiency.compute(job), "root") == {
        "cause": "completed",
        "failed_step": "1",
        "code": 2,
        "signal": 0,
    }


# ---------------------------------------------------------------- submit line and script


def test_submit_line_options_with_spaces_and_short_options():
    reading = submitline.read_line(
        "/usr/bin/sbatch --parsable --job-name=tail me --output=out/%x-%j.log -e err.txt -t 2 -c4 "
        "--chdir=/tmp/my dir --exclusive job.sh",
        {"job-name": "tail me", "chdir": "/tmp/my dir"},
    )
    assert reading["options"] == {
        "parsable": True,
        "job-name": "tail me",
        "output": "out/%x-%j.log",
        "error": "err.txt",
        "time": "2",
        "cpus-per-task": "4",
        "chdir": "/tmp/my dir",
        "exclusive": True,
    }
    assert reading["script_path"] == "job.sh" and reading["script_args"] == []


def test_submit_line_wrap_and_script_arguments():
    wrapped = submitline.read_line("sbatch --time=1 --wrap=exit 3 --mem=1G")
    assert wrapped["wrapped"] and wrapped["options"] == {"time": "1", "mem": "1G"} and wrapped["script_path"] is None
    spaced = submitline.read_line("sbatch --wrap sleep 1 -J x")
    assert spaced["options"] == {"job-name": "x"}
    args = submitline.read_line("sbatch -p debug run.sh input.dat 3")
    assert args["script_path"] == "run.sh" and args["script_args"] == ["input.dat", "3"]


def test_directives_stop_at_the_first_command():
    script = (
        "#!/bin/bash\n#SBATCH --output=logs/%j.out  # where\n#SBATCH -e logs/%j.err\n"
        '#SBATCH --job-name="my job"\n\n#SBATCH --mem=2G\necho hi\n#SBATCH --time=5\n'
    )
    assert submitline.read_directives(script) == {
        "output": "logs/%j.out",
        "error": "logs/%j.err",
        "job-name": "my job",
        "mem": "2G",
    }


def test_resubmission_keeps_what_the_form_takes_and_says_what_not():
    reading = submitline.read_line(
        "sbatch --parsable -J a --time=5 --dependency=afterok:12 --licenses=matlab --hold --wrap=true"
    )
    again = submitline.resubmission(reading, "#!/bin/sh\ntrue\n", ["hold"])
    assert again["available"] and again["options"] == {"job-name": "a", "time": "5", "hold": True}
    assert any(line.startswith("--dependency=afterok:12") for line in again["not_carried"])
    assert any(line.startswith("--licenses=matlab") for line in again["not_carried"])
    assert not submitline.resubmission(reading, None, [])["available"]
    assert "srun or salloc" in submitline.resubmission(reading, "", [])["reason"]
    with_args = submitline.read_line("sbatch run.sh 1 2")
    assert "arguments" in submitline.resubmission(with_args, "#!/bin/sh\n", [])["reason"]


def test_stdio_paths_from_line_directives_and_default():
    job = jobs_of("sacct-22.05.txt")["341"]
    line = submitline.read_line(job["submit_line"], {"job-name": job["name"]})["options"]
    assert submitline.stdio_paths(job, line, {}) == {
        "stdout": "/tmp/histrec/exit3-341.out",
        "stderr": "/tmp/histrec/exit3-341.err",
    }
    task = jobs_of("sacct-22.05.txt")["345_2"]
    line = submitline.read_line(task["submit_line"])["options"]
    assert submitline.stdio_paths(task, line, {})["stdout"] == "/tmp/histrec/arr-345_2.out"
    burn = jobs_of("sacct-22.05.txt")["342"]
    default = "/tmp/histrec/slurm-342.out"
    assert submitline.stdio_paths(burn, {}, {}) == {"stdout": default, "stderr": default}
    assert submitline.stdio_paths(burn, {}, {"error": "/abs/e-%x.txt"})["stderr"] == "/abs/e-burn.txt"


def test_batch_script_output():
    assert history._script_text(read("sacct-batch-script-22.05-script.txt")).startswith("#!/bin/sh\n# This script")
    assert history._script_text(read("sacct-batch-script-22.05-none.txt")) == ""
    assert history._script_text("") is None


# ---------------------------------------------------------------- errors and the list


def result(stderr, code=1, stdout=""):
    return Result(["sacct"], code, stdout, stderr)


def test_sacct_failures_become_domain_errors():
    with pytest.raises(history.NoAccounting):
        history.check_sacct(result("Slurm accounting storage is disabled\n"))
    down = (
        "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to "
        "host:127.0.0.1:6819: Connection refused\nsacct: error: Sending PersistInit msg: Connection refused\n"
        "sacct: error: Problem talking to the database: Connection refused\n"
    )
    with pytest.raises(history.AccountingUnavailable, match="accounting is unavailable"):
        history.check_sacct(result(down, code=0))  # sacct may exit 0 after saying so
    with pytest.raises(history.errors.BackendFailed):
        history.check_sacct(result("sacct: fatal: Bad job/step specified: x\n"))
    history.check_sacct(result("", code=0))


def test_history_list_keeps_ended_jobs_newest_first_and_reuses_parsed_jobs():
    parser = history.HistoryParser(lambda path: "rel" if path.startswith("/tmp/histrec") else None, "root")
    output = read("sacct-22.05.txt")
    first = parser.parse(output, 1.0, "root")
    assert first.ends == sorted(first.ends, reverse=True)
    import json

    answer = json.loads(first.to_json(0, None))
    ids = [job["id"] for job in answer["jobs"]]
    assert "341" in ids and "170" in ids and len(ids) == 14
    job = next(job for job in answer["jobs"] if job["id"] == "341")
    assert job["work_dir_path"] == "rel" and job["ended"]["cause"] == "exit_code" and "steps" not in job
    assert job["efficiency"]["cpu"]["ratio"] is None or job["efficiency"]["cpu"]["ratio"] >= 0
    failed = json.loads(first.to_json(0, frozenset(sacct.STATE_GROUPS["failed"])))["jobs"]
    assert {job["state"] for job in failed} == {"FAILED", "TIMEOUT"}
    recent = json.loads(first.to_json(1796237456, None))["jobs"]
    assert all(job["end"] >= 1796237456 for job in recent) and len(recent) < 14
    cached = parser._known
    second = parser.parse(output, 2.0, "root")
    assert second.fragments == first.fragments and parser._known.keys() == cached.keys()


# ---------------------------------------------------------------- cluster (sinfo -N)


def test_cluster_22_05_recorded():
    rows = cluster.parse(read("sinfo-nodes-22.05.txt"))
    queue = [
        {"partition": "debug", "state": "RUNNING"},
        {"partition": "debug,long", "state": "PENDING"},
        {"partition": "long", "state": "COMPLETING"},
    ]
    parts = {p["name"]: p for p in cluster.summarize(rows, queue)}
    assert set(parts) == {"debug", "long"}
    debug = parts["debug"]
    assert debug["default"] and not parts["long"]["default"] and debug["available"] == "up"
    assert debug["time_limit"] == 3600 and parts["long"]["time_limit"] == 7 * 86400
    assert debug["nodes"]["total"] == 1 and debug["cpus"]["total"] == 2 and debug["memory"]["total"] == 22784 * MIB
    assert debug["my_jobs"] == {"running": 1, "pending": 1} and parts["long"]["my_jobs"] == {"running": 0, "pending": 1}


def test_cluster_states_gpus_and_drained_nodes():
    sep = "\x1f"
    # node | partition | state | CPUs A/I/O/T | Gres | GresUsed | memory | allocated | limit | up | reason
    lines = [
        "g01|gpu|mixed|8/24/0/32|gpu:a100:4(S:0-1)|gpu:a100:3(IDX:0-2)|256000|128000|2-00:00:00|up|none",
        "g02|gpu|drained|0/0/32/32|gpu:a100:4(S:0-1)|gpu:a100:0(IDX:N/A)|256000|0|2-00:00:00|up|bad gpu",
        "g03|gpu|idle~|0/32/0/32|gpu:a100:4(S:0-1)|gpu:a100:0(IDX:N/A)|256000|0|2-00:00:00|up|none",
        "g04|gpu|down*|0/0/32/32|gpu:a100:4,gpu:v100:2|gpu:0|256000|0|2-00:00:00|up|Not responding",
        "g05|gpu|allocated|32/0/0/32|gpu:a100:4(S:0-1)|gpu:a100:4(IDX:0-3)|256000|256000|2-00:00:00|up|none",
        "g06|gpu|draining|16/0/16/32|(null)|(null)|256000|0|2-00:00:00|up|reboot",
    ]
    output = "".join(line.replace("|", sep) + sep + "\n" for line in lines)
    (part,) = cluster.summarize(cluster.parse(output), [])
    assert part["nodes"] == {"idle": 1, "mixed": 1, "allocated": 1, "unavailable": 3, "total": 6}
    assert part["cpus"] == {"free": 24 + 32, "total": 6 * 32}
    assert part["gpus"] == {"free": 1 + 4, "total": 4 * 4 + 6}
    assert [n["name"] for n in part["unavailable_nodes"]] == ["g02", "g04", "g06"]
    assert part["unavailable_nodes"][0]["reason"] == "bad gpu" and part["time_limit"] == 2 * 86400
    assert not part["default"]


@pytest.mark.parametrize(
    "state, bucket",
    [
        ("idle", "idle"), ("idle~", "idle"), ("idle#", "idle"), ("mixed", "mixed"), ("mixed-", "mixed"),
        ("allocated", "allocated"), ("allocated+", "allocated"), ("completing", "allocated"),
        ("reserved", "allocated"), ("planned", "allocated"), ("down", "unavailable"), ("down*", "unavailable"),
        ("idle*", "unavailable"), ("drained", "unavailable"), ("draining", "unavailable"), ("fail", "unavailable"),
        ("maint", "unavailable"), ("unknown", "unavailable"), ("inval", "unavailable"), ("future", "unavailable"),
    ],
)  # fmt: skip
def test_node_buckets(state, bucket):
    assert cluster.node_bucket(state) == bucket
