"""`qreport check` of the sample as a whole process, with the citation check and without.

The GUI re-runs the check after every edit, so the citation check (every sentence of every
section against the indicators it cites) must stay a small part of it. "Without" runs the
same command with the citation check replaced by one returning nothing (an env switch read
only here, in a wrapper process), so both runs pay the same start-up.

    python benchmarks/bench_check.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import QREPORT, summary, timed

from desktop.sample import write_sample

WITHOUT = [sys.executable, "-c",
           "import sys; import desktop.citations as c; c.check = lambda *a, **k: [];"
           " from desktop.cli import main; sys.exit(main(sys.argv[1:]))"]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.qreport"
        write_sample(path).close()
        ok = (0, 1)  # exit 1: the sample has errors, as published
        with_c, without = [], []
        for _ in range(runs):  # alternating, so load on the machine hits both alike
            with_c += timed([*QREPORT, "check", str(path)], 1, ok_codes=ok)
            without += timed([*WITHOUT, "check", str(path)], 1, ok_codes=ok)
        print(summary("check (with citations)", with_c))
        print(summary("check (citations off)", without))
        from desktop import citations
        from desktop.report import Report

        with Report.open(path) as report:
            shown = report.shown()
            times = []
            for _ in range(runs * 5):
                start = time.perf_counter()
                citations.check(report, shown)
                times.append(time.perf_counter() - start)
        print(f"citations.check in process: median {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
