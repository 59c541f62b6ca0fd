"""Killing qreport at random moments never leaves a damaged file or a half-applied change.

A worker process commits batches of edits (each batch one transaction) and is killed with
SIGKILL at a random moment; afterwards the file must open, pass `PRAGMA integrity_check`
and hold whole batches only. The same for `qreport import` of a workbook. The loop count
comes from QREPORT_CRASH_LOOPS (CI runs a smaller count; benchmarks/crash_loop.py the full).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop.report import Report

LOOPS = int(os.environ.get("QREPORT_CRASH_LOOPS", "8"))
ROOT = Path(__file__).resolve().parents[2]

BULK_EDITS = """
import sys
from desktop.report import Report
report = Report.open(sys.argv[1])
ids = [i.id for i in report.template.table_rows if i.type.kind == "count"]
generation = int(report.file.value(ids[0], 2021) or 0)
while True:
    generation += 1
    with report.file.transaction("bulk"):
        report.file.set_values((i, 2021, str(generation)) for i in ids)
    print(generation, flush=True)
"""


def bulk_state(path: Path) -> set[str]:
    with Report.open(path) as report:
        assert report.file.integrity() == "ok"
        ids = [i.id for i in report.template.table_rows if i.type.kind == "count"]
        values = report.file.values()
        return {values.get((i, 2021)) for i in ids}


def kill_during_bulk_edits(path: Path, rng: random.Random) -> tuple[int, int]:
    """One kill; returns (last generation reported committed, generation found)."""
    before = bulk_state(path).pop()
    worker = subprocess.Popen([sys.executable, "-c", BULK_EDITS, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    # edits are running once the first batch is reported: kill a random number of batches in,
    # at a random moment within one (every moment of the loop is inside some transaction)
    seen = [worker.stdout.readline() for _ in range(rng.randint(1, 20))]
    delay = time.perf_counter() + rng.uniform(0, 0.01)
    while time.perf_counter() < delay:
        pass
    worker.send_signal(signal.SIGKILL)
    out, _ = worker.communicate()
    reported = [int(x) for x in "".join(seen).split() + out.split()]
    assert reported, "killed before the first batch: the kill proves nothing"
    state = bulk_state(path)
    assert len(state) == 1, f"a mixed state: {sorted(state, key=str)[:5]}"
    found = int(state.pop())
    # what was reported committed is on disk (durability); at most one more batch may have
    # committed between its COMMIT and the print
    last = reported[-1] if reported else int(before or 0)
    assert found in (last, last + 1), (last, found)
    return last, found


def kill_during_import(path: Path, book: Path, rng: random.Random) -> tuple[str, bool]:
    """One kill of `qreport import`, shortly after it reported its write transaction begun.

    Returns the outcome ("before"/"after") and whether the kill landed inside the write
    (the importer said "write-begin" and had not yet said "write-end").
    """
    markers = path.with_suffix(".markers")
    env = dict(os.environ, QREPORT_TEST_MARKERS=str(markers))
    worker = subprocess.Popen([sys.executable, "-m", "desktop", "import", str(path), str(book)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while worker.poll() is None and not (markers.exists() and markers.stat().st_size):
        pass  # a busy wait: the transaction lasts a few milliseconds
    delay = time.perf_counter() + rng.uniform(0, 0.002)
    while time.perf_counter() < delay:
        pass
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    said = markers.read_text().split() if markers.exists() else []
    with Report.open(path) as report:
        assert report.file.integrity() == "ok"
        values = report.file.values()
    imported = {k: v for k, v in values.items() if k[1] in (2020, 2021)}
    n = len([k for k in imported if k[0] != "campus_area"])
    assert n in (0, 112), f"a partial import: {n} values"
    return ("after" if n else "before"), said == ["write-begin"]


def make_import_book(tmp_path: Path) -> Path:
    from desktop import assemble
    from desktop.formats import xlsx
    from desktop.sample import write_sample

    with write_sample(tmp_path / "source.qreport") as sample:
        book = tmp_path / "book.xlsx"
        xlsx.write_xlsx(assemble.build(sample), book)
    return book


def test_kill_during_bulk_edits_never_mixes(tmp_path):
    path = tmp_path / "bulk.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    rng = random.Random(2021)
    for _ in range(LOOPS):
        kill_during_bulk_edits(path, rng)
    assert bulk_state(path) != {None}  # the loop really committed edits


def test_kill_during_import_is_all_or_nothing(tmp_path):
    book = make_import_book(tmp_path)
    rng = random.Random(7)
    inside = 0
    for n in range(LOOPS):
        path = tmp_path / f"import-{n}.qreport"
        Report.create(path, "聊城高级工程职业学校", "2022", 2021).close()
        _outcome, in_write = kill_during_import(path, book, rng)  # asserts old-or-new
        inside += in_write
    print(f"{inside} of {LOOPS} kills landed inside the import's write transaction")
    # the old-or-new assertion above means something only for kills inside the write
    assert inside > LOOPS // 2, f"only {inside} of {LOOPS} kills landed inside the write"
