"""Queue benchmark (issue 5): GET jobs?scope=all vs the raw squeue it runs, next to jupyterlab-slurm 4.1.0.

    .venv/bin/python benchmarks/bench_slurm.py [--jobs 100000] [--runs 5] [--old-venv /tmp/oldslurm-venv]

Needs the local cluster (scripts/local-slurm start) and, for the side-by-side figures, the previous
extension in its own virtual environment:
    python3 -m venv /tmp/oldslurm-venv && /tmp/oldslurm-venv/bin/pip install jupyterlab-slurm==4.1.0
The queue is built from individual held jobs (the previous extension does not expand arrays) owned by
the user ``hpcbench`` (created if missing) and cancelled at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from slurm_bench_common import Server, cancel_queue, fill_queue, machine, median, our_server, print_table, timed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from jupyterlab_hpc.slurm.parse import SQUEUE_FORMAT  # noqa: E402

NAME = "hpc-bench-queue"
# The command each extension runs (ours: CliBackend._squeue; theirs: SqueueHandler.output_formatting).
OUR_SQUEUE = ["squeue", "--noheader", "--array", "-O", SQUEUE_FORMAT]
OLD_SQUEUE = ["squeue", "-o", "%.18i %.9P %j %.20u %.2t %.15M %.6D %R", "-h"]
OLD_ENDPOINT = "jupyterlab_slurm/squeue"


RETRIES = {"count": 0}  # controller timeouts met (and retried) during the measurements


def retried(fn):
    """With 100,000 jobs slurmctld sometimes misses MessageTimeout (5 s here): retry, and count it."""
    for _ in range(5):
        try:
            return fn()
        except (subprocess.CalledProcessError, RuntimeError):
            RETRIES["count"] += 1
            time.sleep(2)
    return fn()


def raw(argv: list[str]) -> float:
    env = {**os.environ, "SLURM_TIME_FORMAT": "%s"}
    return retried(lambda: timed(lambda: subprocess.run(argv, capture_output=True, env=env, check=True))[0])


def api(server: Server, path: str) -> tuple[float, bytes]:
    return retried(lambda: timed(lambda: server.get(path)))


def settle() -> None:
    """Wait until the controller has digested the submissions: three squeue calls in a row succeed."""
    good = 0
    while good < 3:
        ok = subprocess.run(OUR_SQUEUE, capture_output=True, env={**os.environ, "SLURM_TIME_FORMAT": "%s"}).returncode
        good = good + 1 if ok == 0 else 0
        time.sleep(1)


def counting_squeue(folder: Path) -> tuple[str, Path]:
    counter = folder / "calls"
    wrapper = folder / "squeue"
    wrapper.write_text(f'#!/bin/bash\necho x >> "{counter}"\nexec {subprocess.getoutput("command -v squeue")} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper), counter


def tabs(server: Server, path: str, counter: Path, tabs: int, every: float, duration: float) -> int:
    """``tabs`` browser tabs polling ``path`` every ``every`` s for ``duration`` s; squeue runs counted."""
    stop = time.time() + duration

    def tab() -> None:
        while time.time() < stop:
            server.get(path)
            time.sleep(every)

    threads = [threading.Thread(target=tab) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def ten_tabs(have_old: bool, old_jupyter: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="hpc-bench-"))
    (tmp / "ours").mkdir()
    wrapper, counter = counting_squeue(tmp / "ours")
    server = our_server(f'--Slurm.commands={{"squeue": "{wrapper}"}}', "--Slurm.min_refresh_interval=5")
    try:
        ours_tabs = tabs(server, "hpc/slurm/jobs?scope=all", counter, 10, 5.0, 30.0)
    finally:
        server.stop()
    rows = [("jupyterlab-hpc (min_refresh_interval 5 s)", str(ours_tabs))]
    if have_old:
        (tmp / "old").mkdir()
        wrapper, counter = counting_squeue(tmp / "old")
        old = Server(str(old_jupyter), [f"--SlurmCommandPaths.squeue_path={wrapper}"])
        try:
            rows.append(("jupyterlab-slurm 4.1.0", str(tabs(old, OLD_ENDPOINT, counter, 10, 5.0, 30.0))))
        finally:
            old.stop()
    print_table("10 tabs polling every 5 s for 30 s: squeue runs", rows, ("extension", "squeue runs"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old-venv", default="/tmp/oldslurm-venv")
    parser.add_argument("--keep", action="store_true", help="leave the benchmark jobs queued")
    parser.add_argument("--skip-tabs", action="store_true", help="skip the 10-tab coalescing measurement")
    args = parser.parse_args()
    old_jupyter = Path(args.old_venv) / "bin" / "jupyter"
    have_old = old_jupyter.exists()
    print(machine())

    # 1. Ten tabs polling every 5 s for 30 s (on the queue as it is): how many squeue runs.
    if not args.skip_tabs:
        ten_tabs(have_old, old_jupyter)

    # 2. A queue of --jobs held jobs: the API call against the raw squeue it makes.
    fill_seconds = fill_queue(NAME, args.jobs)
    settle()
    total = int(subprocess.getoutput("squeue -h -r | wc -l"))
    print(f"\nqueue: {total} jobs in all ({args.jobs} benchmark jobs; filling took {fill_seconds:.0f} s)")
    ours = our_server("--Slurm.min_refresh_interval=0")  # no sharing: each request runs squeue
    old = Server(str(old_jupyter), []) if have_old else None
    samples: dict[str, list[float]] = {"raw_ours": [], "api_ours": [], "raw_old": [], "api_old": []}
    sizes = {}
    try:
        # The first answer parses every record; later ones reuse the unchanged records' work.
        cold_raw = raw(OUR_SQUEUE)
        cold_api, _ = api(ours, "hpc/slurm/jobs?scope=all")
        if old:
            api(old, OLD_ENDPOINT)
        for _ in range(args.runs):
            samples["raw_ours"].append(raw(OUR_SQUEUE))
            seconds, body = api(ours, "hpc/slurm/jobs?scope=all")
            samples["api_ours"].append(seconds)
            sizes["ours"] = len(body)
            if old:
                samples["raw_old"].append(raw(OLD_SQUEUE))
                seconds, body = api(old, OLD_ENDPOINT)
                samples["api_old"].append(seconds)
                sizes["old"] = len(body)
    finally:
        ours.stop()
        if old:
            old.stop()
        if not args.keep:
            cancel_queue(NAME)
    rows = []
    for key, label in (
        ("ours", "jupyterlab-hpc GET hpc/slurm/jobs?scope=all"),
        ("old", "jupyterlab-slurm 4.1.0 GET squeue"),
    ):
        if not samples[f"api_{key}"]:
            continue
        raw_s, api_s = median(samples[f"raw_{key}"]), median(samples[f"api_{key}"])
        rows.append((label, f"{raw_s:.3f}", f"{api_s:.3f}", f"{api_s / raw_s:.2f}x", f"{sizes[key] / 1e6:.1f}"))
    rows.append(
        (
            "jupyterlab-hpc, first request after start",
            f"{cold_raw:.3f}",
            f"{cold_api:.3f}",
            f"{cold_api / cold_raw:.2f}x",
            f"{sizes['ours'] / 1e6:.1f}",
        )
    )
    print_table(
        f"{total} queued jobs, median of {args.runs} runs",
        rows,
        ("request", "raw squeue (s)", "API (s)", "API / squeue", "answer (MB)"),
    )
    print(f"controller timeouts met and retried during the measurements: {RETRIES['count']}")


if __name__ == "__main__":
    main()
