from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db.store import ReportFileError
from desktop import backups
from desktop.report import Report


def test_daily_backup_once_a_day_outside_the_report_folder(sample_path):
    with Report.open(sample_path) as report:
        first = backups.daily_backup(report.file)
        assert first is not None
        assert backups.daily_backup(report.file) is None
    assert sample_path.parent not in first.path.parents
    assert os.environ["QREPORT_HOME"] in str(first.path)
    with Report.open(first.path) as copy:
        assert copy.file.value("students", 2021) == "9527"


def test_only_the_newest_are_kept(sample_path):
    with Report.open(sample_path) as report:
        made = [backups.make_backup(report.file, "manual", keep=3) for _ in range(5)]
    kept = backups.list_backups(sample_path)
    assert [b.path for b in kept] == [b.path for b in reversed(made[-3:])]


def test_restore_brings_back_the_old_state_and_saves_the_current(sample_path):
    with Report.open(sample_path) as report:
        before = backups.make_backup(report.file, "manual")
        report.set_text("students", 2021, "1")
    saved = backups.restore(sample_path, before.path)
    with Report.open(sample_path) as report:
        assert report.file.value("students", 2021) == "9527"
    with Report.open(saved.path) as report:
        assert report.file.value("students", 2021) == "1"


def test_restore_refuses_a_bad_backup_and_changes_nothing(sample_path, tmp_path):
    junk = tmp_path / "junk.qreport"
    junk.write_bytes(b"not sqlite at all")
    before = sample_path.read_bytes()
    with pytest.raises(ReportFileError):
        backups.restore(sample_path, junk)
    assert sample_path.read_bytes() == before


def test_restore_command_lists_and_restores(sample_path):
    with Report.open(sample_path) as report:
        backups.make_backup(report.file, "manual")
        report.set_text("teachers", 2021, "1")
    env = dict(os.environ)
    listing = subprocess.run([sys.executable, "-m", "desktop", "restore", str(sample_path)],
                             capture_output=True, text=True, env=env, timeout=60)
    assert listing.returncode == 0 and "手动" in listing.stdout
    done = subprocess.run([sys.executable, "-m", "desktop", "restore", str(sample_path), "1"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    with Report.open(sample_path) as report:
        assert report.file.value("teachers", 2021) == "501"


def test_a_migration_is_preceded_by_a_backup(sample_path, monkeypatch):
    from db import schema, schema_shape

    def add_column(db):
        db.execute("ALTER TABLE meta ADD COLUMN extra TEXT")

    extra = schema.migrations._Migration("0099_test_extra_column", add_column)
    monkeypatch.setattr(schema.migrations, "_migrations", [*schema.migrations._migrations, extra])
    # the program that ships it would list it in its generated shape (python -m db.schema)
    monkeypatch.setattr(schema_shape, "MIGRATIONS", (*schema_shape.MIGRATIONS, extra.name))
    with Report.open(sample_path) as report:
        columns = [r[1] for r in report.file.db.execute("PRAGMA table_info(meta)")]
        assert "extra" in columns
    kept = backups.list_backups(sample_path)
    assert [b.reason for b in kept] == ["migrate"]
    monkeypatch.undo()  # the backup is from before: this program version opens it
    with Report.open(kept[0].path) as before:
        assert "extra" not in [r[1] for r in before.file.db.execute("PRAGMA table_info(meta)")]


def test_restoring_the_oldest_backup_keeps_it_until_it_is_restored(sample_path):
    with Report.open(sample_path) as report:
        oldest = backups.make_backup(report.file, "manual", keep=3)
        report.set_text("students", 2021, "1")
        for _ in range(2):
            backups.make_backup(report.file, "manual", keep=3)
    from desktop import settings

    prefs = settings.load()
    prefs.backups_kept = 3
    settings.save(prefs)
    backups.restore(sample_path, oldest.path)  # its own "before" backup would make four
    with Report.open(sample_path) as report:
        assert report.file.value("students", 2021) == "9527"


@pytest.mark.parametrize("damage", ["garbled", "emptied", "deleted"])
def test_a_report_that_no_longer_opens_is_restored_by_the_command(sample_path, damage):
    with Report.open(sample_path) as report:
        backups.make_backup(report.file, "manual")
    if damage == "garbled":
        data = bytearray(sample_path.read_bytes())
        data[4096 * 3: 4096 * 3 + 200] = b"Z" * 200
        sample_path.write_bytes(bytes(data))
    elif damage == "emptied":
        sample_path.write_bytes(b"")
    else:
        sample_path.unlink()
    with pytest.raises(ReportFileError):
        Report.open(sample_path).close()
    done = subprocess.run([sys.executable, "-m", "desktop", "restore", str(sample_path), "1"],
                          capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    with Report.open(sample_path) as report:
        assert report.file.value("students", 2021) == "9527"
    kept = backups.list_backups(sample_path)
    if damage != "deleted":  # what was left of it is kept too
        assert kept[0].reason == "restore"
        assert kept[0].path.read_bytes()[:100] == (b"" if damage == "emptied" else data[:100])


def test_restore_into_a_missing_folder_is_refused(sample_path, tmp_path):
    with pytest.raises(ReportFileError, match="找不到文件"):
        backups.restore(tmp_path / "无此目录" / "r.qreport", sample_path)
    assert not (tmp_path / "无此目录").exists()


def test_restoring_leaves_the_backup_exactly_as_it_was(sample_path):
    with Report.open(sample_path) as report:
        made = backups.make_backup(report.file, "manual")
        report.set_text("students", 2021, "1")
    before = made.path.read_bytes()
    backups.restore(sample_path, made.path)
    assert made.path.read_bytes() == before
    assert not list(made.path.parent.glob("*-wal"))


def test_another_report_given_as_the_backup_is_refused(sample_path, tmp_path):
    """`restore 本校.qreport 别的.qreport`: another year's or school's report, by mistake."""
    with Report.create(tmp_path / "别的.qreport", "别的学校", "2024", 2026):
        pass
    before = sample_path.read_bytes()
    with pytest.raises(ReportFileError, match=r"别的\.qreport 是另一份报告（别的学校，2024 版，数据年度 2026），"
                                              r"不是 sample\.qreport（2022 版，数据年度 2021）的备份，未恢复。"):
        backups.restore(sample_path, tmp_path / "别的.qreport")
    assert sample_path.read_bytes() == before
    assert backups.list_backups(sample_path) == []
