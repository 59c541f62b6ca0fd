"""PDF export of the sample report, as whole processes (budget: ≤ 1 s).

Reports the whole `qreport export --pdf` process, start-up (Python + `import desktop.cli`)
for reference, and the table-only PDF.  The comparison with LibreOffice converting the
same content from .docx (DESIGN: ≥ 10× faster) is not part of this script yet.

    python benchmarks/bench_pdf.py [RUNS]
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
    env = {"QREPORT_HOME": str(tmp / "home")}
    timed([*QREPORT, "sample", str(sample)], 1, env=env)
    base = timed([sys.executable, "-c", "import desktop.cli"], runs)
    full = timed([*QREPORT, "export", str(sample), "--pdf", str(tmp / "r.pdf")], runs, env=env)
    table = timed(
        [*QREPORT, "export", str(sample), "--pdf", str(tmp / "t.pdf"), "--table-only"],
        runs,
        env=env,
    )
    print(summary("start-up (import desktop.cli)", base))
    print(summary("qreport export --pdf (sample)", full))
    print(summary("qreport export --pdf --table-only", table))
    print(f"whole process: {1000 * statistics.median(full):.0f} ms   (goal ≤ 1000 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
