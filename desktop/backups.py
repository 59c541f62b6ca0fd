"""Automatic backups of report files, and restoring one.

Backups are consistent copies made with SQLite's backup API (never a file copy: the
-wal file holds recent commits), kept in the user data folder, outside the report's own
folder: at most one a day when a file is opened, and always before a migration, an import
and a restore. The newest `keep` per report are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from db.store import ReportFile
from desktop import settings

_NAME = re.compile(r"^(\d{8}-\d{6})-(\w+)\.qreport$")
REASONS = {"daily": "每日自动备份", "import": "导入前", "migrate": "升级前", "restore": "恢复前",
           "manual": "手动"}


@dataclass(frozen=True)
class Backup:
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


def make_backup(file: ReportFile, reason: str, keep: int | None = None) -> Backup:
    folder = folder_for(file.path)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now().replace(microsecond=0)
    existing = list_backups(file.path)
    if existing and existing[0].at >= now:
        # two backups in one second (an import right after opening): names stay in order
        now = existing[0].at + dt.timedelta(seconds=1)
    target = folder / f"{now:%Y%m%d-%H%M%S}-{reason}.qreport"
    file.backup_to(target)
    _prune(file.path, keep if keep is not None else settings.load().backups_kept)
    return Backup(target, now, reason)


def daily_backup(file: ReportFile) -> Backup | None:
    """A backup when the file is opened, unless one was made today already."""
    today = dt.date.today()
    if any(b.at.date() == today for b in list_backups(file.path)):
        return None
    return make_backup(file, "daily")


def _prune(report_path: Path, keep: int) -> None:
    for old in list_backups(report_path)[max(keep, 1):]:
        with contextlib.suppress(OSError):
            old.path.unlink()


def restore(report_path: Path | str, backup: Path | str) -> Backup:
    """Replace the report's content with a backup's, after backing up the current state.

    The backup is validated first (it must open as a report); the copy goes through
    SQLite's backup API into the live file, so the file is never half-written.
    """
    report_path, backup = Path(report_path), Path(backup)
    with ReportFile.open(backup) as source_check:
        source_check.integrity()
    with ReportFile.open(report_path) as current:
        saved = make_backup(current, "restore")
        current.replace_with(backup)
    return saved


def run_cli(args) -> int:
    """`qreport restore FILE [BACKUP]`: list the backups, or restore one."""
    from desktop.cli import CommandError

    backups = list_backups(args.file)
    if args.backup is None:
        if not backups:
            print(f"{args.file} 还没有备份。")
            return 0
        for n, b in enumerate(backups, start=1):
            print(f"{n:3}  {b.label}  {b.path}")
        return 0
    chosen = args.backup
    if str(chosen).isdigit() and not chosen.exists():
        index = int(str(chosen)) - 1
        if not 0 <= index < len(backups):
            raise CommandError(f"没有第 {index + 1} 个备份（共 {len(backups)} 个）。")
        chosen = backups[index].path
    from desktop.lock import ReportLock

    with ReportLock(args.file):
        saved = restore(args.file, chosen)
    print(f"已从 {chosen} 恢复 {args.file}；恢复前的内容已备份到 {saved.path}")
    return 0
