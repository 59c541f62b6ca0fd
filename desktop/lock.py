"""One running qreport per report file.

A lock file beside the report (`<name>.qreport.lock`) holds the owner's host and pid. It is
created atomically (O_EXCL); a lock left by a process that no longer runs on this host, or
one that was never written (empty or garbled for more than a few seconds), is stale and
taken over, so a crash never locks a school out of its own report.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import time
from pathlib import Path

from desktop.errors import UserError

# A holder writes its name into the lock file at once; a lock file still empty or garbled
# after this many seconds was left by a process that died in between.
_UNREADABLE_GRACE = 10.0


class FileLocked(UserError):
    """Another running qreport has the file open; the message is one sentence."""


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ReportLock:
    def __init__(self, report_path: Path | str):
        self.report = Path(report_path)
        self.path = self.report.with_name(self.report.name + ".lock")
        self.held = False

    def acquire(self) -> None:
        me = {"host": socket.gethostname(), "pid": os.getpid()}
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is None:  # never written (a crash, a power cut) or being written now
                    stale = self._age() > _UNREADABLE_GRACE
                else:  # its process is gone
                    stale = owner.get("host") == me["host"] and not _alive(owner["pid"])
                if stale:
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()
                    continue
                if owner and owner.get("pid") == me["pid"] and owner.get("host") == me["host"]:
                    raise FileLocked(f"{self.report.name} 已在本窗口中打开。") from None
                who = f"（{owner.get('host')}，进程 {owner.get('pid')}）" if owner else ""
                raise FileLocked(
                    f"{self.report.name} 正在被另一个 qreport 使用{who}，请先关闭那个窗口。"
                ) from None
            except OSError as exc:
                # a read-only or missing folder: nothing to coordinate with, opening will say more
                if exc.errno in (errno.EACCES, errno.EROFS, errno.ENOENT):
                    return
                raise
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            self.held = True
            return
        raise FileLocked(f"{self.report.name} 正在被另一个 qreport 使用。")

    def _owner(self) -> dict | None:
        """{"host", "pid"} of the holder; None while it is being written, or if it never was."""
        try:
            owner = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(owner, dict) or not isinstance(owner.get("pid"), int):
            return None
        return owner

    def _age(self) -> float:
        try:
            return time.time() - self.path.stat().st_mtime
        except OSError:
            return 0.0

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.held = False

    def __enter__(self) -> ReportLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
