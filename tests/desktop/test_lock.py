from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from desktop.lock import FileLocked, ReportLock, exclusive

HOLD = ("import sys, time; from desktop.lock import ReportLock\n"
        "l = ReportLock(sys.argv[1]); l.acquire(); print('ok', flush=True); time.sleep(60)")


def hold_in_another_process(path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "ok"
    return holder


def end(holder):
    holder.kill()
    holder.wait()
    holder.stdout.close()


def test_second_holder_is_refused_and_the_lock_dies_with_its_process(sample_path):
    holder = hold_in_another_process(sample_path)
    try:
        with pytest.raises(FileLocked, match="正在被另一个 qreport 窗口使用"):
            ReportLock(sample_path).acquire()
        with exclusive(sample_path) as alone:
            assert alone is False
    finally:
        end(holder)  # SIGKILL: no chance to release anything
    with ReportLock(sample_path) as lock:
        assert lock.held


def test_same_process_twice(sample_path):
    with ReportLock(sample_path), pytest.raises(FileLocked, match="已在本窗口中打开"):
        ReportLock(sample_path).acquire()
    with ReportLock(sample_path) as again:  # released: free again
        assert again.held


@pytest.mark.parametrize("content", [
    {"host": "another-pc", "pid": 4242},
    {"host": os.uname().nodename if hasattr(os, "uname") else "", "pid": 1},  # pid 1: init
    {"host": "", "pid": os.getppid()},  # a running program that is not qreport
    "garbled [1, 2",
    "",
])
def test_whatever_an_old_lock_file_says_never_blocks(sample_path, content):
    lock_file = sample_path.with_name(sample_path.name + ".lock")
    lock_file.write_text(content if isinstance(content, str) else json.dumps(content))
    with ReportLock(sample_path) as lock:
        assert lock.held


def test_a_link_and_its_target_share_one_lock(sample_path, tmp_path):
    link = tmp_path / "link.qreport"
    link.symlink_to(sample_path)
    holder = hold_in_another_process(link)
    try:
        with pytest.raises(FileLocked):
            ReportLock(sample_path).acquire()
    finally:
        end(holder)
    assert ReportLock(link).path == ReportLock(sample_path).path


def test_import_while_another_qreport_has_the_file(sample_path, tmp_path):
    holder = hold_in_another_process(sample_path)
    try:
        before = sample_path.read_bytes()
        done = subprocess.run([sys.executable, "-m", "desktop", "import", str(sample_path),
                               str(tmp_path / "any.xlsx")], capture_output=True, text=True,
                              env=dict(os.environ), timeout=60)
    finally:
        end(holder)
    assert done.returncode == 2
    assert "正在被另一个 qreport 窗口使用" in done.stderr
    assert "Traceback" not in done.stderr
    assert sample_path.read_bytes() == before


# ---------------------------------------------------------------- the race
RACERS, TRIALS = 8, 50


def _racer(paths, start, done, results):
    for path in paths:
        start.wait()  # all eight try at the same moment
        lock = ReportLock(path)
        try:
            lock.acquire()
            won = lock.held
        except FileLocked:
            won = False
        results.put((str(path), won))
        done.wait()  # nobody lets go before everyone has tried
        lock.release()


def test_eight_processes_racing_over_a_stale_lock_file_exactly_one_wins(tmp_path):
    paths = []
    for n in range(TRIALS):
        report = tmp_path / f"r{n}.qreport"
        report.write_bytes(b"")
        # a stale lock file from the PID-file era, naming a process long gone
        report.with_name(report.name + ".lock").write_text('{"host": "x", "pid": 999999}')
        paths.append(report)
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    start, done, results = ctx.Barrier(RACERS), ctx.Barrier(RACERS), ctx.Queue()
    racers = [ctx.Process(target=_racer, args=(paths, start, done, results))
              for _ in range(RACERS)]
    for r in racers:
        r.start()
    winners: dict[str, int] = {str(p): 0 for p in paths}
    for _ in range(RACERS * TRIALS):
        path, won = results.get(timeout=60)
        winners[path] += won
    for r in racers:
        r.join(timeout=60)
        assert r.exitcode == 0
    assert sorted(set(winners.values())) == [1], {p: n for p, n in winners.items() if n != 1}
