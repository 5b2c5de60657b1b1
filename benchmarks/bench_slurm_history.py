"""History benchmark (issue 13): GET history for 10,000 finished jobs vs the raw sacct it runs.

    .venv/bin/python benchmarks/bench_slurm_history.py [--jobs 10000] [--runs 5] [--keep]

Needs the local cluster with accounting (scripts/local-slurm start). Running 10,000 real jobs on
two CPUs would take hours, so one real job of the user ``hpcbench`` is run and its accounting
records (job and batch step) are copied 10,000 times in slurmdbd's database, with other ids,
names, states, exit codes, times and memory use; slurmdbd and sacct then serve them as any
other jobs. The copies are deleted at the end unless --keep.

The server is a real Jupyter server (a child process) with ``c.Slurm.history_all_users`` on, so
that ``GET history?scope=all`` runs ``sacct --allusers``: the same command as the raw figure.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

from slurm_bench_common import (
    BENCH_USER,
    REPO,
    VENV_BIN,
    Server,
    ensure_bench_user,
    machine,
    median,
    print_table,
    timed,
)

sys.path.insert(0, str(REPO / "python"))
from jupyterlab_hpc.slurm import sacct  # noqa: E402

FIRST_ID = 50_000_000  # far above the ids the local cluster gives
NAME = "hpc-bench-history"
# (sacct state number, exit status as waitpid encodes it): COMPLETED, FAILED exit 3, CANCELLED, TIMEOUT
STATES = [(3, 0), (3, 0), (3, 0), (5, 3 << 8), (4, 15), (6, 15)]


def slurm_dir() -> Path:
    return Path(os.environ.get("LOCAL_SLURM_DIR", REPO / ".slurm"))


def sql(statement: str) -> str:
    socket = slurm_dir() / "run" / "mysqld" / "mysqld.sock"
    argv = ["mariadb", "--no-defaults", f"--socket={socket}", "-u", "root", "-N", "-B", "slurm_acct_db", "-e"]
    return subprocess.run([*argv, statement], capture_output=True, text=True, check=True).stdout


def table(kind: str) -> str:
    cluster = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True).stdout
    name = next(line.split("=", 1)[1].strip() for line in cluster.splitlines() if line.startswith("ClusterName"))
    return f"{name}_{kind}_table"


def template_job() -> str:
    """A finished job of hpcbench with its batch step in accounting (run once, reused)."""
    uid = pwd.getpwnam(BENCH_USER).pw_uid
    found = sql(
        f"select j.job_db_inx from {table('job')} j join {table('step')} s on s.job_db_inx = j.job_db_inx "
        f"where j.id_user = {uid} and j.id_job < {FIRST_ID} and j.state = 3 and s.id_step = -5 "
        "order by j.job_db_inx desc limit 1"
    ).strip()
    if found:
        return found
    job = subprocess.run(
        ["runuser", "-u", BENCH_USER, "--", "sbatch", "--parsable", "-J", NAME, "-t", "1", "-o", "/dev/null"],
        input="#!/bin/sh\nsleep 6\n",
        capture_output=True,
        text=True,
        cwd="/tmp",
        check=True,
    ).stdout.strip()
    for _ in range(120):
        time.sleep(2)
        state = subprocess.run(["sacct", "-n", "-X", "-P", "-o", "State", "-j", job], capture_output=True, text=True)
        if state.stdout.strip() == "COMPLETED":
            return template_job()
    raise RuntimeError(f"template job {job} did not complete")


def fill(count: int) -> None:
    """Copy the template job and its batch step ``count`` times (ids FIRST_ID...), spread over 6 days."""
    clear()
    inx = template_job()
    jobs, steps = table("job"), table("step")
    now = int(time.time())
    span = 6 * 86400
    states = " ".join(f"when {i} then {s}" for i, (s, _) in enumerate(STATES))
    codes = " ".join(f"when {i} then {c}" for i, (_, c) in enumerate(STATES))
    sql(
        f"""insert into {jobs} (mod_time, account, cpus_req, exit_code, job_name, id_assoc, id_job, id_qos,
        id_resv, id_wckey, id_user, id_group, het_job_id, het_job_offset, state_reason_prev, mem_req,
        nodelist, nodes_alloc, node_inx, `partition`, priority, state, timelimit, time_submit,
        time_eligible, time_start, time_end, work_dir, submit_line, tres_alloc, tres_req)
        select {now}, account, cpus_req, case seq % {len(STATES)} {codes} end,
        concat('{NAME}-', seq % 97), id_assoc, {FIRST_ID} + seq, id_qos, id_resv, id_wckey, id_user,
        id_group, het_job_id, het_job_offset, state_reason_prev, mem_req, nodelist, nodes_alloc, node_inx,
        `partition`, priority, case seq % {len(STATES)} {states} end, timelimit,
        {now} - {span} + seq * {span} div {count} - 60, {now} - {span} + seq * {span} div {count} - 60,
        {now} - {span} + seq * {span} div {count} - 50 - seq % 40, {now} - {span} + seq * {span} div {count},
        work_dir, submit_line, tres_alloc, tres_req
        from {jobs} cross join seq_1_to_{count} where job_db_inx = {inx}"""
    )
    sql(
        f"""insert into {steps} (job_db_inx, exit_code, id_step, step_het_comp, nodelist, nodes_alloc,
        node_inx, state, step_name, task_cnt, task_dist, time_start, time_end, user_sec, user_usec,
        sys_sec, sys_usec, tres_alloc, tres_usage_in_ave, tres_usage_in_max, tres_usage_in_max_taskid,
        tres_usage_in_max_nodeid, tres_usage_in_min, tres_usage_in_min_taskid, tres_usage_in_min_nodeid,
        tres_usage_in_tot, tres_usage_out_ave, tres_usage_out_max, tres_usage_out_max_taskid,
        tres_usage_out_max_nodeid, tres_usage_out_min, tres_usage_out_min_taskid,
        tres_usage_out_min_nodeid, tres_usage_out_tot)
        select j.job_db_inx, j.exit_code, s.id_step, s.step_het_comp, s.nodelist, s.nodes_alloc, s.node_inx,
        j.state, s.step_name, s.task_cnt, s.task_dist, j.time_start, j.time_end, (j.id_job % 40), 0, 0, 0,
        s.tres_alloc, s.tres_usage_in_ave, s.tres_usage_in_max, s.tres_usage_in_max_taskid,
        s.tres_usage_in_max_nodeid, s.tres_usage_in_min, s.tres_usage_in_min_taskid,
        s.tres_usage_in_min_nodeid, concat('1=', (j.id_job % 40) * 1000, ',2=', (j.id_job % 1000) * 1048576),
        s.tres_usage_out_ave, s.tres_usage_out_max, s.tres_usage_out_max_taskid, s.tres_usage_out_max_nodeid,
        s.tres_usage_out_min, s.tres_usage_out_min_taskid, s.tres_usage_out_min_nodeid, s.tres_usage_out_tot
        from {jobs} j join {steps} s on s.job_db_inx = {inx} and s.id_step = -5
        where j.id_job > {FIRST_ID} and j.id_user = (select id_user from {jobs} where job_db_inx = {inx})"""
    )


def clear() -> None:
    jobs, steps = table("job"), table("step")
    sql(f"delete s from {steps} s join {jobs} j on j.job_db_inx = s.job_db_inx where j.id_job > {FIRST_ID}")
    sql(f"delete from {jobs} where id_job > {FIRST_ID}")


def raw_sacct(days: int) -> tuple[float, int]:
    argv = ["sacct", *sacct.argv(f"now-{days}days", None)]
    env = {**os.environ, "SLURM_TIME_FORMAT": "%s"}
    seconds, done = timed(lambda: subprocess.run(argv, capture_output=True, env=env, check=True))
    return seconds, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="leave the copied jobs in accounting")
    args = parser.parse_args()
    days = 7
    ensure_bench_user()
    fill(args.jobs)
    server = Server(
        str(VENV_BIN / "jupyter"),
        ["--Slurm.history_all_users=True", "--Slurm.min_refresh_interval=0"],
    )
    path = f"hpc/slurm/history?scope=all&days={days}"
    raw, size, warm, cold = [], [], [], []
    try:
        listed = json.loads(server.get(path))["jobs"]
        bench = sum(1 for job in listed if job["name"].startswith(NAME))
        # Interleaved, so that a busy moment of the shared machine hits both sides alike.
        for run in range(args.runs):
            seconds, length = raw_sacct(days)
            raw.append(seconds)
            size.append(length)
            warm.append(timed(lambda: server.get(path)))
            if run < 3:  # a fresh server: its first answer parses every job
                fresh = Server(str(VENV_BIN / "jupyter"), ["--Slurm.history_all_users=True"])
                try:
                    cold.append(timed(lambda: fresh.get(path))[0])  # noqa: B023 (called at once)
                finally:
                    fresh.stop()
        answer = len(warm[-1][1])
    finally:
        server.stop()
        if not args.keep:
            clear()
    cold_ms = median(cold) * 1000
    raw_ms, warm_ms = median(raw) * 1000, median([t for t, _ in warm]) * 1000
    print(f"{machine()}; load {os.getloadavg()[0]:.1f}")
    print(f"{len(listed)} finished jobs listed, {bench} of them {BENCH_USER}'s (one real job and its copies)")
    print_table(
        f"GET history?scope=all&days={days} vs the raw sacct it runs (medians; {args.runs} runs, 3 fresh servers)",
        [
            (
                "raw sacct (--allusers, steps, explicit format)",
                f"{raw_ms:.0f} ms",
                f"{median(size) / 1e6:.1f} MB",
            ),
            ("GET history, first answer (every job parsed)", f"{cold_ms:.0f} ms", f"{cold_ms / raw_ms:.2f}x"),
            ("GET history, next answers (unchanged jobs reused)", f"{warm_ms:.0f} ms", f"{warm_ms / raw_ms:.2f}x"),
            ("answer size", f"{answer / 1e6:.1f} MB", ""),
        ],
        ("", "time", "vs raw / size"),
    )


if __name__ == "__main__":
    main()
