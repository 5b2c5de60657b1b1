"""Runs tab of the Slurm panel in Chromium with a sweep of 1,000 tasks: task rows shown after the
response, state filter, scrolling (the queue's benchmark runner, bench_slurm_ui.py, with
bench_slurm_runs_ui.js, which serves mocked ``GET hpc/slurm/notebook-runs[/{id}]`` with
``page.route``: the browser side alone; the server side is bench_slurm_runs.py).

    .venv/bin/python benchmarks/bench_slurm_runs_ui.py [tasks] [runs]
"""

from bench_slurm_ui import main

if __name__ == "__main__":
    main("bench_slurm_runs_ui.js", 1000, "tasks", "state filter to rendered")
