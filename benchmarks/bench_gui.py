"""GUI budgets (DESIGN.md): cold start to the sample shown ≤ 1 s, an edit committed ≤ 20 ms
(p99), memory with the sample open ≤ 250 MB.

- cold start: `qreport gui FILE --smoke` as whole processes; reports the wall time of the
  process (spawn to exit, including shutdown) and the time it prints itself (process
  creation to the first frame of the window shown);
- edit latency: in-process, the data-table model's setData for 500 edits on the full main
  window, timed until it returned (parse, undo command, one committed transaction, the
  window's synchronous refresh);
- chapter text latency: in-process, 500 commits of typed text in a chapter (an input
  method's commit, then what the idle timer does), CPU time until every view that listens
  to the change event has done its part;
- memory: the peak resident set (ru_maxrss) of one smoke process (Unix only).

    python benchmarks/bench_gui.py [RUNS] [--display]

QT_QPA_PLATFORM=offscreen is set unless --display is given (then a real window shows).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, ROOT, summary, timed

EDITS = 500


def cold_start(sample: Path, runs: int, env: dict) -> tuple[list[float], list[float]]:
    wall, reported = [], []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*QREPORT, "gui", str(sample), "--smoke"], capture_output=True,
                              text=True, cwd=ROOT, env=env, check=True)
        wall.append(time.perf_counter() - start)
        reported.append(float(done.stdout.strip().splitlines()[-1]) / 1000)
    return wall, reported


def peak_memory_mb(sample: Path, env: dict) -> float | None:
    if not hasattr(os, "wait4"):
        return None  # Windows: no rusage for a child
    proc = subprocess.Popen([*QREPORT, "gui", str(sample), "--smoke"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped here, not by Popen
    kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # macOS: bytes
    return kib / 1024


def edit_latency(sample: Path) -> tuple[list[float], list[float]]:
    """Seconds per committed edit, and per findings refresh, in this process."""
    from desktop import rules
    from desktop.ui.app import application
    from desktop.ui.data_table import COL_CUR, COL_PREV
    from desktop.ui.main_window import MainWindow, open_locked

    app = application()
    report, lock = open_locked(sample)
    window = MainWindow(report, lock=lock, interactive=False)
    window.show()
    app.processEvents()
    model = window.data_tab.model
    rows = [n for n, ind in enumerate(model.rows) if ind.type.kind == "count" and not ind.derived]
    times = []
    for n in range(EDITS):
        row = rows[n % len(rows)]
        index = model.index(row, COL_CUR if n % 2 else COL_PREV)
        value = str(1000 + n)
        start = time.perf_counter()
        ok = model.setData(index, value)
        times.append(time.perf_counter() - start)
        assert ok, f"edit {n} refused"
        if n % 50 == 0:
            app.processEvents()  # let the debounced check run now and then, as in real use
    checks = []
    for _ in range(50):
        start = time.perf_counter()
        rules.check(report)
        checks.append(time.perf_counter() - start)
    window.close()
    return times, checks


def chapter_text_latency(sample: Path) -> tuple[list[float], list[float]]:
    """CPU seconds per committed stretch of typing in a chapter, on the full main window,
    and per switch to another chapter and back after typing."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import application
    from desktop.ui.main_window import MainWindow, open_locked

    app = application()
    report, lock = open_locked(sample)
    window = MainWindow(report, lock=lock, interactive=False)
    window.show()
    tab = window.chapter_tabs[report.template.chapters[1].id]
    window.show_tab(tab)
    tab.outline.select(report.file.sections(tab.chapter.id)[1].id)
    app.processEvents()
    text = tab.editor.text
    text.setFocus()
    times = []
    for n in range(EDITS):
        commit = QInputMethodEvent()
        commit.setCommitString(f"第{n}句。")
        QApplication.sendEvent(text, commit)
        start = time.process_time()
        tab.editor.commit_text()
        times.append(time.process_time() - start)
        if n % 50 == 0:
            app.processEvents()
    # going to another chapter and back after typing: nothing of it needs re-reading
    other = window.chapter_tabs[report.template.chapters[2].id]
    switches = []
    for n in range(50):
        commit = QInputMethodEvent()
        commit.setCommitString(f"又{n}句。")
        QApplication.sendEvent(text, commit)
        tab.editor.commit_text()
        start = time.process_time()
        window.show_tab(other)
        window.show_tab(tab)
        switches.append(time.process_time() - start)
    window.close()
    return times, switches


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(runs: int = 10, display: bool = False) -> None:
    if not display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-gui-"))
    env = dict(os.environ, QREPORT_HOME=str(tmp / "home"))
    sample = tmp / "sample.qreport"
    timed([*QREPORT, "sample", str(sample)], 1, env={"QREPORT_HOME": str(tmp / "home")})

    wall, reported = cold_start(sample, runs, env)
    memory = peak_memory_mb(sample, env)
    edit_copy = tmp / "edits.qreport"
    shutil.copyfile(sample, edit_copy)
    os.environ["QREPORT_HOME"] = str(tmp / "home")
    edits, checks = edit_latency(edit_copy)
    shutil.copyfile(sample, edit_copy)
    texts, switches = chapter_text_latency(edit_copy)

    print(summary("gui --smoke, whole process", wall))
    print(summary("gui --smoke, start to window shown", reported))
    print(f"{'edit committed (setData, ' + str(EDITS) + ' edits)':<38} "
          f"p50 {percentile(edits, 0.5) * 1000:6.2f} ms   p99 {percentile(edits, 0.99) * 1000:6.2f} ms"
          f"   max {max(edits) * 1000:6.2f} ms")
    print(f"{'chapter text committed (CPU, ' + str(EDITS) + ')':<38} "
          f"p50 {percentile(texts, 0.5) * 1000:6.2f} ms   p99 {percentile(texts, 0.99) * 1000:6.2f} ms"
          f"   max {max(texts) * 1000:6.2f} ms")
    print(f"{'to another chapter and back (CPU, 50)':<38} "
          f"median {statistics.median(switches) * 1000:6.2f} ms")
    print(f"{'findings check (rules.check)':<38} median {statistics.median(checks) * 1000:6.2f} ms")
    if memory is not None:
        print(f"{'peak memory, smoke process':<38} {memory:7.0f} MB")
    print(f"cold start {statistics.median(reported) * 1000:.0f} ms (goal ≤ 1000 ms); "
          f"edit p99 {percentile(edits, 0.99) * 1000:.1f} ms (goal ≤ 20 ms)"
          + (f"; memory {memory:.0f} MB (goal ≤ 250 MB)" if memory is not None else ""))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 10, display="--display" in sys.argv)
