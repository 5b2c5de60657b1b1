"""Run every benchmark in this folder, one after the other (``make bench``).

Each ``bench_*.py`` is standalone and prints its own table (machine, median of
several runs); the figures are recorded in the feature's guide under docs/.
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
