"""Run every benchmark in this folder, one after the other (``make bench``).

Each ``bench_*.py`` is standalone and prints its own table (machine, median of
several runs); the figures are recorded in the feature's guide under docs/.
The Slurm ones need the local cluster (LOCAL_SLURM_DIR); bench_hub.py and
bench_queue_service.py (the queue service, docs/queue-service.md) run as root,
since they start servers as the test users. Browser parts are the matching
``bench_*_ui.js``, run by their ``.py``.
"""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = []
for script in sorted(here.glob("bench_*.py")):
    print(f"=== {script.name}", flush=True)
    if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
        failed.append(script.name)
if failed:
    sys.exit(f"benchmarks failed: {', '.join(failed)}")
