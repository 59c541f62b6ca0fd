"""Edit latency under each way of keeping the .qreport complete on disk (issue 14).

An edit must be committed in ≤ 20 ms (p99), and the main file must hold every committed
edit (a copy taken while the window is open). Each configuration runs as its own process
(the window's data-table model, 500 edits, as bench_gui.py measures it); the
configurations alternate over the rounds so that the machine's load falls on all alike.

- wal: WAL + synchronous=FULL, no checkpoint after a commit (before issue 14; the main file
  lacks recent edits)
- wal+checkpoint: WAL + FULL, a page-1 token and a PASSIVE checkpoint after every commit, on
  a thread and connection of its own (what ships): the edit waits for its commit only
- delete / truncate: rollback journal (journal_mode DELETE / TRUNCATE) + FULL

    python benchmarks/bench_durability.py [ROUNDS]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, ROOT, timed

MODES = ("wal", "wal+checkpoint", "delete", "truncate")


def worker(mode: str, path: Path) -> None:
    from db import store

    if mode != "wal+checkpoint":
        store._Database.checkpoint = lambda self: None
        store._Database.stamp = lambda self: None
    if mode in ("delete", "truncate"):
        connect = store._connect

        def rollback_connect(p):
            db = connect(p)
            db.execute(f"PRAGMA journal_mode = {mode.upper()}")
            return db

        store._connect = rollback_connect
    from bench_gui import edit_latency

    edits, _checks = edit_latency(path)
    print(json.dumps(edits))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-durability-"))
    env = dict(os.environ, QREPORT_HOME=str(tmp / "home"), QT_QPA_PLATFORM="offscreen")
    sample = tmp / "sample.qreport"
    timed([*QREPORT, "sample", str(sample)], 1, env={"QREPORT_HOME": str(tmp / "home")})
    results: dict[str, list[float]] = {m: [] for m in MODES}
    for n in range(rounds):
        for mode in MODES:
            copy = tmp / f"{n}-{mode.replace('+', '-')}.qreport"
            shutil.copyfile(sample, copy)
            done = subprocess.run([sys.executable, __file__, "--worker", mode, str(copy)],
                                  capture_output=True, text=True, cwd=ROOT, env=env, check=True)
            results[mode] += json.loads(done.stdout.strip().splitlines()[-1])
    for mode, times in results.items():
        print(f"{mode:<16} {len(times)} edits   p50 {percentile(times, 0.5) * 1000:6.2f} ms   "
              f"p99 {percentile(times, 0.99) * 1000:6.2f} ms   max {max(times) * 1000:6.2f} ms")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], Path(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
