"""Excel export and import of the sample report, as whole processes.

Start-up (Python + `import desktop.cli`) is measured separately and subtracted, because
the budget (≤ 0.3 s each) is for the work beyond start-up.

    python benchmarks/bench_xlsx.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, summary, timed


def main(runs: int = 10) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample = tmp / "sample.qreport"
    book = tmp / "sample.xlsx"
    timed([*QREPORT, "sample", str(sample)], 1)
    base = timed([sys.executable, "-c", "import desktop.cli"], runs)
    export = timed([*QREPORT, "export", str(sample), "--xlsx", str(book)], runs)
    target = tmp / "target.qreport"

    def fresh_target():
        for p in tmp.glob("target.qreport*"):
            p.unlink()
        timed([*QREPORT, "new", str(target), "--school", "聊城高级工程职业学校"], 1)

    imp = timed([*QREPORT, "import", str(target), str(book)], runs, setup=fresh_target,
                env={"QREPORT_HOME": str(tmp / "home")})
    print(summary("start-up (import desktop.cli)", base))
    print(summary("qreport export --xlsx (sample)", export))
    print(summary("qreport import (sample workbook)", imp))
    b = statistics.median(base)
    print(f"beyond start-up: export {1000 * (statistics.median(export) - b):.0f} ms, "
          f"import {1000 * (statistics.median(imp) - b):.0f} ms   (goal ≤ 300 ms each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
