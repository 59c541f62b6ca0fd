from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.lock import FileLocked, ReportLock


def test_second_holder_is_refused_with_a_sentence(sample_path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from desktop.lock import ReportLock\n"
         f"l = ReportLock({str(sample_path)!r}); l.acquire(); print('ok', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(FileLocked, match="正在被另一个 qreport 使用"):
            ReportLock(sample_path).acquire()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # the holder died without releasing: its lock is stale and taken over
    with ReportLock(sample_path) as lock:
        assert lock.held
    assert not lock.path.exists()


def test_same_process_twice(sample_path):
    with ReportLock(sample_path), pytest.raises(FileLocked, match="已在本窗口中打开"):
        ReportLock(sample_path).acquire()


def test_import_while_another_qreport_has_the_file(sample_path, tmp_path):
    import os

    with ReportLock(sample_path):
        before = sample_path.read_bytes()
        done = subprocess.run([sys.executable, "-m", "desktop", "import", str(sample_path),
                               str(tmp_path / "any.xlsx")], capture_output=True, text=True,
                              env=dict(os.environ), timeout=60)
    assert done.returncode == 2
    assert "正在被另一个 qreport 使用" in done.stderr or "已在本窗口中打开" in done.stderr
    assert "Traceback" not in done.stderr
    assert sample_path.read_bytes() == before


def test_a_lock_file_never_written_is_taken_over_once_old(sample_path):
    """A crash or power cut between creating the lock file and writing into it."""
    import os
    import time

    lock_file = sample_path.with_name(sample_path.name + ".lock")
    lock_file.write_text("")
    with pytest.raises(FileLocked, match="正在被另一个 qreport 使用"):
        ReportLock(sample_path).acquire()  # it may be being written right now
    lock_file.write_text("[1, 2]")  # garbled: a sentence, not a crash
    with pytest.raises(FileLocked, match="正在被另一个 qreport 使用"):
        ReportLock(sample_path).acquire()
    old = time.time() - 60
    os.utime(lock_file, (old, old))
    with ReportLock(sample_path) as lock:
        assert lock.held
