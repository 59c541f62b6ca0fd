"""`qreport new` and `qreport next` as whole processes (issue 10): a new report in each
edition, and next year's report from the sample, in its own edition and into 2024年度.
Start-up (Python + `import desktop.cli`) is given for reference.

    python benchmarks/bench_editions.py [RUNS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, measured, summary, timed


def main(runs: int = 10) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    env = {"QREPORT_HOME": str(tmp / "home")}
    sample = tmp / "sample.qreport"
    timed([*QREPORT, "sample", str(sample)], 1, env=env)
    out = tmp / "out.qreport"

    def fresh():
        for p in tmp.glob("out.qreport*"):
            p.unlink()

    rows = [
        ("start-up (import desktop.cli)", measured([sys.executable, "-c", "import desktop.cli"], runs)),
        ("qreport new (2024年度, default)", measured(
            [*QREPORT, "new", str(out), "--school", "测试职业学校"], runs, setup=fresh, env=env)),
        ("qreport new --edition 2022", measured(
            [*QREPORT, "new", str(out), "--school", "测试职业学校", "--edition", "2022"], runs,
            setup=fresh, env=env)),
        ("qreport next (sample, 2022)", measured(
            [*QREPORT, "next", str(sample), str(out)], runs, setup=fresh, env=env)),
        ("qreport next --edition 2024 (sample)", measured(
            [*QREPORT, "next", str(sample), str(out), "--edition", "2024"], runs, setup=fresh,
            env=env)),
        ("qreport next --with-figures (sample)", measured(
            [*QREPORT, "next", str(sample), str(out), "--with-figures"], runs, setup=fresh, env=env)),
    ]
    for name, results in rows:
        print(summary(name + ", wall", [w for w, _ in results]))
        print(summary(name + ", CPU", [c for _, c in results]))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
