"""Automatic backups of report files, and restoring one.

Backups are consistent copies made with SQLite's backup API (never a file copy: the
-wal file holds recent commits), kept in the user data folder, outside the report's own
folder: at most one a day when a file is opened, and always before a migration, an import
and a restore. The newest `keep` per report are kept. A backup cut short (a full disk, the
program killed while copying) leaves a `*.partial` file: those are removed before the next
backup and never outlive a pruning, so they cannot fill the disk behind the quota's back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
from pathlib import Path

from msgspec import Struct

from db.store import ReportFile, ReportFileError, copy_report
from desktop import settings

_NAME = re.compile(r"^(\d{8}-\d{6})-(\w+)\.qreport$")
REASONS = {"daily": "每日自动备份", "import": "导入前", "migrate": "升级前", "restore": "恢复前",
           "manual": "手动"}


class Backup(Struct, frozen=True):
    path: Path
    at: dt.datetime
    reason: str

    @property
    def label(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}  {REASONS.get(self.reason, self.reason)}"


def folder_for(report_path: Path | str) -> Path:
    """One folder per report file, named after it and its full path (two schools' 报告.qreport
    in different folders do not mix)."""
    resolved = Path(report_path).resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"[^\w\-]+", "_", resolved.stem)[:40] or "report"
    return settings.backup_dir() / f"{stem}-{digest}"


def list_backups(report_path: Path | str) -> list[Backup]:
    """Newest first."""
    folder = folder_for(report_path)
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME.match(p.name)
            if m:
                found.append(Backup(p, dt.datetime.strptime(m[1], "%Y%m%d-%H%M%S"), m[2]))
    return sorted(found, key=lambda b: (b.at, b.path.name), reverse=True)


def make_backup(file: ReportFile, reason: str, keep: int | None = None,
                spare: Path | None = None) -> Backup:
    """A backup of the open file; `spare`: a backup that pruning must leave (the one being
    restored from)."""
    backup = _next_backup(file.path, reason)
    _remove_partials(backup.path.parent)  # room first: an earlier backup cut short
    file.backup_to(backup.path)  # on failure, its own .partial is removed too
    _prune(file.path, keep if keep is not None else settings.load().backups_kept, spare)
    return backup


def _remove_partials(folder: Path) -> int:
    """Remove what interrupted backups left in a report's backup folder; returns how many."""
    removed = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if ".partial" in p.name and _NAME.match(p.name.split(".partial")[0]):
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed += 1
    return removed


def _next_backup(report_path: Path, reason: str) -> Backup:
    folder = folder_for(report_path)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now().replace(microsecond=0)
    existing = list_backups(report_path)
    if existing and existing[0].at >= now:
        # two backups in one second (an import right after opening): names stay in order
        now = existing[0].at + dt.timedelta(seconds=1)
    return Backup(folder / f"{now:%Y%m%d-%H%M%S}-{reason}.qreport", now, reason)


def daily_backup(file: ReportFile) -> Backup | None:
    """A backup when the file is opened, unless one was made today already."""
    today = dt.date.today()
    if any(b.at.date() == today for b in list_backups(file.path)):
        return None
    return make_backup(file, "daily")


def _prune(report_path: Path, keep: int, spare: Path | None = None) -> None:
    _remove_partials(folder_for(report_path))  # never kept, whatever the quota
    for old in list_backups(report_path)[max(keep, 1):]:
        if spare is not None and old.path.resolve() == spare.resolve():
            continue
        with contextlib.suppress(OSError):
            old.path.unlink()


def restore(report_path: Path | str, backup: Path | str) -> Backup | None:
    """Replace the report's content with a backup's, after backing up the current state.

    The backup is validated first (it must open as a report); the copy goes through
    SQLite's backup API into the live file, so the file is never half-written. A report
    that cannot be opened any more (damaged, emptied, deleted) is what backups are for: its
    remains are kept as they are and the backup takes its place. Returns the backup of
    the state before, None when there was no file.
    """
    report_path, backup = Path(report_path), Path(backup)
    meta = ReportFile.validate(backup, writable=False)  # read only: a backup stays as it was made
    try:
        current = ReportFile.open(report_path)
    except ReportFileError:
        if report_path.is_dir() or not report_path.parent.is_dir() or (
                report_path.exists() and not os.access(report_path, os.W_OK)):
            raise
        return _replace_unreadable(report_path, backup)
    with current:
        # another report given by mistake (another year's, another school's): a backup
        # has the report's data year and edition (a school may have been renamed since)
        year, edition = current.get_meta("year"), current.get_meta("edition")
        if (meta.get("year"), meta.get("edition")) != (year, edition):
            raise ReportFileError(
                f"{backup.name} 是另一份报告（{meta.get('school', '')}，{meta.get('edition', '')} 版，"
                f"数据年度 {meta.get('year', '')}），不是 {report_path.name}（{edition} 版，数据年度 {year}）"
                "的备份，未恢复。")
        saved = make_backup(current, "restore", spare=backup)
        current.replace_with(backup)
    return saved


def _replace_unreadable(report_path: Path, backup: Path) -> Backup | None:
    saved = None
    wal, shm = Path(f"{report_path}-wal"), Path(f"{report_path}-shm")
    if report_path.exists():
        saved = _next_backup(report_path, "restore")
        shutil.copyfile(report_path, saved.path)
        if wal.exists():  # kept beside it, where SQLite looks for it
            shutil.copyfile(wal, f"{saved.path}-wal")
    # a stale -wal would be replayed into the restored file: it belongs to the remains
    for leftover in (wal, shm):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    copy_report(backup, report_path)  # written beside it, then renamed over it
    return saved
