"""One plain Chinese sentence for a file that could not be written or read.

The system's own words ("No space left on device", "database or disk is full") are English
and say little to a school office; each common cause gets its own sentence and what to do.
Used for the report file, backups and every export, by the command line and the window.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_WIN_SHARING = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
_WIN_TOO_LONG = {206}  # ERROR_FILENAME_EXCED_RANGE


def _named(path: Path) -> str:
    return f" {path.name}" if path.name else "文件"


def full(path: Path) -> str:
    return f"磁盘空间不足，无法写入{_named(path)}。请清理磁盘或换一个位置后再试。"


def read_only(path: Path) -> str:
    if not path.name:
        return "文件夹是只读的，无法写入。请换一个可以写入的文件夹。"
    return f"文件夹 {path.parent} 是只读的，无法写入 {path.name}。请换一个可以写入的文件夹。"


def too_long(path: Path) -> str:
    short = path.name if len(path.name) <= 24 else path.name[:20] + "…"
    return (f"文件名过长（{short}，连同文件夹共 {len(str(path))} 个字符），无法写入。"
            "请用短一些的文件名或文件夹。")


def _disk_nearly_full(path: Path) -> bool:
    """SQLite reports some writes that did not fit as a plain I/O error (the WAL index, a
    grown journal): the free space tells what it was."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return shutil.disk_usage(folder).free < 4 * 1024 * 1024
    except OSError:
        return False


def _folder_writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK)


def _name_too_long(path: Path) -> bool:
    try:
        limit = os.pathconf(path.parent if path.parent.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = 255
    return len(os.fsencode(path.name)) > limit


def sentence(exc: BaseException, path: Path | str | None = None) -> str:
    """What went wrong writing or reading `path` (or the file the error names)."""
    if path is None:
        path = getattr(exc, "filename", None) or ""
    path = Path(path)
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_FULL") or "disk is full" in str(exc):
            return full(path)
        if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN"):
            if _name_too_long(path):
                return too_long(path)
            if not _folder_writable(path) or name.startswith("SQLITE_READONLY"):
                return read_only(path)
            return f"无法打开 {path.name}，请确认文件夹存在并且可以写入。"
        if name.startswith("SQLITE_IOERR"):
            if _disk_nearly_full(path):
                return full(path)
            return f"读写 {path.name} 时出错（磁盘、U 盘或网络故障），请稍后再试或换一个位置。"
        if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
            return f"{path.name} 正被另一个程序使用，请稍后再试。"
        return f"{path.name} 已损坏或不是报告文件，请从备份恢复。"
    if isinstance(exc, OSError):
        code = exc.errno
        if code in _FULL:
            return full(path)
        if code == errno.ENAMETOOLONG or getattr(exc, "winerror", None) in _WIN_TOO_LONG:
            return too_long(path)
        if getattr(exc, "winerror", None) in _WIN_SHARING:
            return f"{path.name} 正被其他程序（如 Excel/WPS）打开，请关闭后重试。"
        if code in _READ_ONLY:
            if code == errno.EROFS or not _folder_writable(path):
                return read_only(path)
            return f"无法写入 {path.name}：文件是只读的，或正被其他程序（如 Excel/WPS）打开，请关闭后重试。"
        if code == errno.ENOENT:
            return f"文件夹 {path.parent} 不存在。"
        if code == errno.EISDIR:
            return f"{path} 是文件夹，请给出文件名。"
        return f"读写 {path.name} 时出错（系统错误 {code}），请换一个位置再试。"
    return f"读写 {path.name} 时出错。"
