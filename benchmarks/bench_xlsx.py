"""Excel export and import of the sample report, as whole processes.

Start-up (Python + `import desktop.cli`) is measured alongside and subtracted, because the
budget (≤ 0.3 s each) is for the work beyond start-up; CPU time (user + system) is what the
README records, wall time is printed too. Runs alternate and use bytecode (`_common`).

    python benchmarks/bench_xlsx.py [RUNS]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_and_import, print_export_and_import


def main(runs: int = 10) -> None:
    print_export_and_import("xlsx", export_and_import("--xlsx", ".xlsx", runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
