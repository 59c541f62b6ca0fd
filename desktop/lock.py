"""One running qreport per report file.

The lock is an operating-system lock (flock on Unix, LockFileEx/msvcrt on Windows, through
the `filelock` library) on `<real name>.qreport.lock` beside the report. The system drops
it when the holding process ends, however it ends, so a crash never locks a school out of
its own report, and what a lock file *contains* never matters: an old PID file from an
earlier version, a PID that now belongs to another program, another computer's name — none
of it blocks. Two processes racing for the same lock cannot both get it: the system
decides. The lock is taken on the real path (links resolved), so two names of one file
share one lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from desktop.errors import UserError


class FileLocked(UserError):
    """Another running qreport has the file open; the message is one sentence."""


# real report path -> the ReportLock this process holds on it (the OS lock is per open
# file description, so a second lock in the same process would fail like another
# process's; this tells the two apart for the message, and lets `exclusive` know)
_held: dict[Path, ReportLock] = {}
_held_guard = threading.Lock()

# errors that mean "no lock can be kept here" (a read-only or missing folder, a file
# system without locks): nothing to coordinate with, and opening will say more
_NO_LOCK_HERE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOLCK,
                 errno.ENOSYS, errno.EOPNOTSUPP, errno.ENAMETOOLONG}


def real_path(report_path: Path | str) -> Path:
    """The file itself, links resolved (a link and its target are one report)."""
    return Path(os.path.realpath(report_path))


def lock_path(report_path: Path | str) -> Path:
    real = real_path(report_path)
    return real.with_name(real.name + ".lock")


class ReportLock:
    def __init__(self, report_path: Path | str):
        self.report = Path(report_path)
        self.real = real_path(report_path)
        self.path = lock_path(report_path)
        self.held = False
        self._lock: FileLock | None = None

    def acquire(self) -> None:
        """Take the lock at once or raise FileLocked; never waits."""
        with _held_guard:
            if self.real in _held:
                raise FileLocked(f"{self.report.name} 已在本窗口中打开。")
        # a soft (PID-file) fallback would bring back stale locks: OS locks or none
        lock = FileLock(str(self.path), timeout=0, blocking=False, fallback_to_soft=False,
                        is_singleton=False, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise FileLocked(
                f"{self.report.name} 正在被另一个 qreport 窗口使用，请先关闭那个窗口。"
            ) from None
        except OSError as exc:
            if exc.errno in _NO_LOCK_HERE:
                return
            raise
        with _held_guard:
            _held[self.real] = self
        self._lock = lock
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        with _held_guard:
            _held.pop(self.real, None)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.held = False

    def __enter__(self) -> ReportLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def held_here(report_path: Path | str) -> bool:
    """This process holds the lock on the report."""
    with _held_guard:
        return real_path(report_path) in _held


@contextlib.contextmanager
def exclusive(report_path: Path | str) -> Iterator[bool]:
    """True inside the block when no other qreport process has the report open: this
    process holds its lock, or could take it for the moment. Leftover journals beside the
    file are then leftovers, not a running program's live ones, and may be judged."""
    if held_here(report_path):
        yield True
        return
    lock = ReportLock(report_path)
    try:
        lock.acquire()
    except FileLocked:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
