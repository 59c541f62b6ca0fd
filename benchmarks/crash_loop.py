"""The crash loop with full counts: SIGKILL during bulk edits and during imports.

Reports kills tried, files intact, mixed states found (goal 0).

    python benchmarks/crash_loop.py [KILLS]
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.report import Report  # noqa: E402
from tests.db import test_durability as harness  # noqa: E402


def main(kills: int = 100) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-crash-"))
    rng = random.Random(1)
    tried = intact = mixed = lost = 0
    path = tmp / "bulk.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    for _ in range(kills):
        tried += 1
        try:
            harness.kill_during_bulk_edits(path, rng)
            intact += 1
        except AssertionError as exc:
            if "mixed" in str(exc):
                mixed += 1
            else:
                lost += 1
    book = harness.make_import_book(tmp)
    outcomes = {"before": 0, "after": 0}
    inside = 0
    for n in range(kills):
        tried += 1
        target = tmp / f"import-{n}.qreport"
        Report.create(target, "聊城高级工程职业学校", "2022", 2021).close()
        try:
            outcome, in_write = harness.kill_during_import(target, book, rng)
            outcomes[outcome] += 1
            inside += in_write
            intact += 1
        except AssertionError:
            mixed += 1
    print(f"kills tried: {tried}")
    print(f"files intact (open + integrity_check ok): {intact}")
    print(f"mixed or partial states found: {mixed}   (goal 0)")
    print(f"committed edits lost: {lost}   (goal 0)")
    print(f"imports killed: before {outcomes['before']}, after {outcomes['after']}; "
          f"inside the write transaction: {inside} of {kills}")
    return 0 if mixed == lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
