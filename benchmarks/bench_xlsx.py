"""Excel export and import of the sample report, as whole processes.

Start-up (Python + `import desktop.cli`) is measured separately and subtracted, because
the budget (≤ 0.3 s each) is for the work beyond start-up. Wall and CPU time are both
given: on a busy machine the CPU time says more.

    python benchmarks/bench_xlsx.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, measured, summary, timed


def main(runs: int = 10) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample = tmp / "sample.qreport"
    book = tmp / "sample.xlsx"
    timed([*QREPORT, "sample", str(sample)], 1)
    base = measured([sys.executable, "-c", "import desktop.cli"], runs)
    export = measured([*QREPORT, "export", str(sample), "--xlsx", str(book)], runs)
    target = tmp / "target.qreport"

    def fresh_target():
        for p in tmp.glob("target.qreport*"):
            p.unlink()
        timed([*QREPORT, "new", str(target), "--school", "聊城高级工程职业学校"], 1)

    imp = measured([*QREPORT, "import", str(target), str(book)], runs, setup=fresh_target,
                   env={"QREPORT_HOME": str(tmp / "home")})
    for name, results in (("start-up (import desktop.cli)", base), ("qreport export --xlsx (sample)", export),
                          ("qreport import (sample workbook)", imp)):
        print(summary(name + ", wall", [w for w, _ in results]))
        print(summary(name + ", CPU", [c for _, c in results]))
    for what, i in (("wall", 0), ("CPU", 1)):
        b = statistics.median(r[i] for r in base)
        ex = statistics.median(r[i] for r in export) - b
        im = statistics.median(r[i] for r in imp) - b
        print(f"beyond start-up ({what}): export {1000 * ex:.0f} ms, import {1000 * im:.0f} ms"
              "   (goal ≤ 300 ms each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
