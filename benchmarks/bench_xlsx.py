"""Excel export and import of the sample report, as whole processes.

Start-up (Python + `import desktop.cli`) is measured alongside and subtracted, because the
budget (≤ 0.3 s each) is for the work beyond start-up; CPU time (user + system) is what the
README records, wall time is printed too. Filling a bureau's blank workbook (`--into`) is
measured as well. Runs alternate and use bytecode (`_common`).

    python benchmarks/bench_xlsx.py [RUNS] [--before TREE]

--before TREE runs another checkout (`git archive <commit> | tar -x -C TREE`) in the same
loop, alternating.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_and_import_main

if __name__ == "__main__":
    export_and_import_main(".xlsx", 10, fill=True)
