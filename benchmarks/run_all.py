"""Run every benchmark in turn (figures go in benchmarks/README.md by hand).

    python benchmarks/run_all.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_xlsx.py", "bench_pdf.py", "bench_gui.py", "bench_large_file.py",
           "crash_loop.py", "fuzz_inputs.py", "bench_bundle.py"]

if __name__ == "__main__":
    failed = 0
    for script in SCRIPTS:
        if not (HERE / script).exists():
            continue
        print(f"\n=== {script}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script)]).returncode != 0
    raise SystemExit(failed)
