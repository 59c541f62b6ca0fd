"""Word export and import of the sample report, as whole processes.

`qreport export --docx` (budget ≤ 1 s, DESIGN) includes laying the report out as our PDF
does (the 目录 page numbers and the print-sized photos come from there); `qreport import`
reads that .docx back into a new report (outline, text, tables, figures, values).

    python benchmarks/bench_docx.py [RUNS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, summary, timed


def main(runs: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample = tmp / "sample.qreport"
    docx = tmp / "sample.docx"
    timed([*QREPORT, "sample", str(sample)], 1)
    base = timed([sys.executable, "-c", "import desktop.cli"], runs)
    export = timed([*QREPORT, "export", str(sample), "--docx", str(docx)], runs)
    target = tmp / "target.qreport"

    def fresh_target():
        for p in tmp.glob("target.qreport*"):
            p.unlink()
        timed([*QREPORT, "new", str(target), "--school", "聊城高级工程职业学校", "--edition", "2022"], 1)

    imp = timed([*QREPORT, "import", str(target), str(docx)], runs, setup=fresh_target,
                env={"QREPORT_HOME": str(tmp / "home")})
    print(summary("start-up (import desktop.cli)", base))
    print(summary("qreport export --docx (sample)", export))
    print(summary("qreport import (sample .docx)", imp))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
