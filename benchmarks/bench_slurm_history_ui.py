"""History tab of the Slurm panel in Chromium with 10,000 finished jobs: rows shown after the
response, filter keystroke (the queue's benchmark, bench_slurm_ui.py, with bench_slurm_history_ui.js,
which serves a mocked ``GET hpc/slurm/history`` with ``page.route``: the browser side alone; the
server side is bench_slurm_history.py).

    .venv/bin/python benchmarks/bench_slurm_history_ui.py [rows] [runs]
"""

from bench_slurm_ui import main

if __name__ == "__main__":
    main("bench_slurm_history_ui.js", 10_000, "finished jobs")
