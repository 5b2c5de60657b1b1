"""Submission and output benchmark (issue 6).

    .venv/bin/python benchmarks/bench_slurm_submit.py [--runs 10] [--megabytes 100]

1. Round trip: POST hpc/slurm/jobs (a held job) until GET hpc/slurm/jobs?scope=mine lists it.
2. Following a growing log: a job writes --megabytes MiB to its output while a client follows it
   with GET hpc/slurm/jobs/{id}/output?offset=N the way the panel does (again at once while the
   answer is not at the end, else every 0.5 s); bytes sent are compared with the file's size and
   with re-reading the whole file at every poll.
Needs the local cluster (scripts/local-slurm start). Every job it creates is cancelled.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from slurm_bench_common import machine, median, our_server, print_table

NAME = "hpc-bench-submit"


def round_trips(server, runs: int) -> list[float]:
    times, ids = [], []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            status, body = server.request(
                "hpc/slurm/jobs",
                "POST",
                {"script": "#!/bin/bash\ntrue\n", "options": {"job-name": NAME, "hold": True, "time": "1"}},
            )
            assert status == 201, body
            job_id = json.loads(body)["id"]
            ids.append(job_id)
            while True:
                listing = json.loads(server.get("hpc/slurm/jobs?scope=mine"))
                if any(job["id"] == job_id for job in listing["jobs"]):
                    break
                time.sleep(0.05)
            times.append(time.perf_counter() - started)
    finally:
        subprocess.run(["scancel", *ids], check=False)
    return times


def follow(server, megabytes: int) -> dict:
    script = (
        "#!/bin/bash\n"
        f'for i in $(seq 1 {megabytes}); do yes "log line $i: the quick brown fox jumps over the lazy dog"'
        " | head -c 1048576; sleep 0.05; done\n"
    )
    options = {"job-name": NAME, "output": "tail-%j.log", "time": "10"}
    status, body = server.request("hpc/slurm/jobs", "POST", {"script": script, "options": options})
    assert status == 201, body
    job_id = json.loads(body)["id"]
    sent = polls = naive = 0
    offset = 0
    started = time.perf_counter()
    try:
        while True:
            status, body = server.request(f"hpc/slurm/jobs/{job_id}/output?stream=stdout&offset={offset}")
            assert status == 200, body
            chunk = json.loads(body)
            polls += 1
            sent += len(body)
            naive += chunk["size"]  # what re-reading the whole file each time would send
            offset = chunk["offset"]
            state = subprocess.run(
                ["squeue", "-h", "-j", job_id, "-o", "%T"], capture_output=True, text=True
            ).stdout.strip()
            if chunk["eof"] and not state and chunk["exists"]:
                break
            if chunk["eof"]:
                time.sleep(0.5)
    finally:
        subprocess.run(["scancel", job_id], check=False)
    size = (Path(server.root) / f"tail-{job_id}.log").stat().st_size
    assert offset == size, (offset, size)
    return {"size": size, "sent": sent, "polls": polls, "naive": naive, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    print(machine())
    server = our_server()
    try:
        trips = round_trips(server, args.runs)
        print_table(
            f"Submission round trip (POST until listed), {args.runs} runs",
            [(f"{median(trips) * 1000:.0f}", f"{min(trips) * 1000:.0f}", f"{max(trips) * 1000:.0f}")],
            ("median (ms)", "min (ms)", "max (ms)"),
        )
        result = follow(server, args.megabytes)
    finally:
        server.stop()
    mib = 1024 * 1024
    print_table(
        f"Following a {args.megabytes} MiB log while the job writes it",
        [
            (
                f"{result['size'] / mib:.1f}",
                str(result["polls"]),
                f"{result['sent'] / mib:.1f}",
                f"{result['sent'] / result['size']:.3f}",
                f"{result['naive'] / mib:.0f}",
                f"{result['seconds']:.1f}",
            )
        ],
        ("log (MiB)", "requests", "sent (MiB)", "sent / log", "re-reading whole file (MiB)", "seconds"),
    )


if __name__ == "__main__":
    main()
