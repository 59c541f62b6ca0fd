"""Real full disks and real read-only folders for tests, also when the suite runs as root.

- `small_disk`: a tmpfs of a given size mounted on a folder of the test (root can mount one;
  CI runs as root). Unmounted afterwards.
- `read_only`: remounts such a disk read-only (EROFS, as a write-protected USB stick).
- `as_nobody`: runs a function in a forked child that has given up root (permissions are
  then enforced, as for an office user); the interpreter and the modules it needs are loaded
  before the fork, because the child may not read root's Python installation.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

NOBODY = 65534


def _can_mount() -> str | None:
    if sys.platform != "linux":
        return "tmpfs disks need Linux"
    if os.geteuid() != 0:
        return "mounting a small tmpfs needs root (CI runs as root)"
    return None


def mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs",
                           str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB disk: room for a report, not for much more."""
    reason = _can_mount()
    if reason:
        pytest.skip(reason)
    where = tmp_path / "disk"
    mount_tmpfs(where, "3m")
    try:
        yield where
    finally:
        unmount(where)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk, leaving about `leave` bytes free."""
    filler = disk / "filler.bin"
    with filler.open("wb") as fh:
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        chunk = b"\0" * 65536
        remaining = max(0, free - leave)
        try:
            while remaining > 0:
                n = fh.write(chunk[:min(len(chunk), remaining)])
                remaining -= n
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            pass
    return filler


def as_nobody(fn, *args):
    """fn(*args) in a child process without root's rights; returns its result, or raises
    RuntimeError with the child's exception text. Without root: simply fn(*args)."""
    if os.name != "posix" or os.geteuid() != 0:
        return fn(*args)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = ("ok", fn(*args))
        except BaseException as exc:
            result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        with os.fdopen(write, "wb") as fh:
            pickle.dump(result, fh)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        raise RuntimeError(value)
    return value


@pytest.fixture
def public_dir():
    """A folder an unprivileged user can reach (pytest's own are root's, mode 0700)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="qreport-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
