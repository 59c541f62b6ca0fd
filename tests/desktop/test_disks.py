"""Full disks, read-only folders and names too long: each said in its own plain sentence,
never "已损坏" for an intact file, never English, never a traceback; nothing half-made left.

The disks are real: a 3 MB tmpfs mounted for the test (root; CI runs as root), filled
up with a filler file, or remounted read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from db.store import ReportFile, ReportFileError
from desktop import backups
from desktop.report import Report
from tests.disks import fill, remount_read_only

ROOT = Path(__file__).resolve().parents[2]


def qreport(*args, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QREPORT_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def plain(stderr: str) -> bool:
    """One Chinese sentence: no traceback, no English system message, no 内部错误."""
    return ("Traceback" not in stderr and "Exception ignored" not in stderr
            and "No space" not in stderr and "内部错误" not in stderr and "Errno" not in stderr)


# ---------------------------------------------------------------- full disks
@pytest.mark.parametrize("leave", [0, 60_000, 400_000])
def test_sample_on_a_full_disk_leaves_no_report(small_disk, tmp_path, leave):
    fill(small_disk, leave=leave)
    done = qreport("sample", small_disk / "示例.qreport", home=tmp_path / "home")
    assert done.returncode == 2
    assert "磁盘空间不足" in done.stderr and "示例.qreport" in done.stderr
    assert plain(done.stderr)
    assert names(small_disk) == ["filler.bin"]  # no empty or half-written report


@pytest.mark.parametrize("leave", [0, 30_000])
def test_new_on_a_full_disk_leaves_no_report(small_disk, tmp_path, leave):
    fill(small_disk, leave=leave)
    done = qreport("new", small_disk / "新.qreport", "--school", "测试学校", home=tmp_path / "home")
    assert done.returncode == 2
    assert "磁盘空间不足" in done.stderr and plain(done.stderr)
    assert names(small_disk) == ["filler.bin"]


@pytest.mark.parametrize(("option", "name"), [("--xlsx", "表.xlsx"), ("--pdf", "报告.pdf"),
                                              ("--docx", "报告.docx")])
def test_exports_on_a_full_disk(small_disk, sample_path, tmp_path, option, name):
    fill(small_disk, leave=8_000)
    done = qreport("export", sample_path, option, small_disk / name, home=tmp_path / "home")
    assert done.returncode == 2
    assert "磁盘空间不足" in done.stderr and name in done.stderr
    assert plain(done.stderr), done.stderr  # the zip writer's cleanup included
    assert names(small_disk) == ["filler.bin"]  # no temporary file left


def test_editing_when_the_disk_fills_is_refused_and_the_file_stays_intact(small_disk):
    path = small_disk / "r.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    with Report.open(path) as report:
        filler = fill(small_disk, leave=0)  # the disk fills while the report is open
        with pytest.raises(ReportFileError, match="磁盘空间不足"):
            for n in range(400):  # the change log grows until nothing fits
                report.file.set_section_text(report.file.chapter_root(
                    report.template.chapters[0].id), "正文" * 200 + str(n))
        done_before = report.file.changes(1)[0].id
    filler.unlink()
    with Report.open(path) as report:
        assert report.file.integrity() == "ok"
        assert report.file.changes(1)[0].id == done_before  # the refused edit left nothing


def test_opening_an_intact_report_on_a_full_disk_is_never_called_damaged(small_disk):
    path = small_disk / "r.qreport"
    with ReportFile.create(path, {"school": "甲", "edition": "2022", "year": "2021"}) as f:
        f.set_value("students", 2021, "1")
    fill(small_disk, leave=0)
    try:
        with ReportFile.open(path, exclusive=True) as f:
            assert f.value("students", 2021) == "1"
    except ReportFileError as exc:
        assert "磁盘空间不足" in str(exc) and "损坏" not in str(exc)


def test_a_backup_on_a_full_disk_is_said_and_leaves_no_partial(small_disk, sample_path,
                                                                monkeypatch):
    monkeypatch.setenv("QREPORT_HOME", str(small_disk / "home"))
    with Report.open(sample_path) as report:
        folder = backups.folder_for(sample_path)
        folder.mkdir(parents=True)
        fill(small_disk, leave=100_000)  # less than the sample
        with pytest.raises(ReportFileError, match="磁盘空间不足"):
            backups.make_backup(report.file, "manual")
    assert names(folder) == []


def test_partial_backups_are_removed_and_never_outlive_the_quota(sample_path, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    folder = backups.folder_for(sample_path)
    folder.mkdir(parents=True)
    for n in range(3):  # earlier backups killed half-way
        (folder / f"2025010{n + 1}-080000-daily.qreport.partial").write_bytes(b"x" * 1000)
    (folder / "20250101-080000-daily.qreport.partial-journal").write_bytes(b"x")
    (folder / "notes.txt").write_text("mine")  # not ours to remove
    with Report.open(sample_path) as report:
        for _ in range(3):
            backups.make_backup(report.file, "manual", keep=2)
    left = names(folder)
    assert "notes.txt" in left and not [n for n in left if "partial" in n]
    assert len([n for n in left if n.endswith(".qreport")]) == 2


def test_check_on_a_full_disk_reads_and_leaves_nothing_beside(small_disk, sample_path, tmp_path):
    path = small_disk / "r.qreport"
    shutil.copyfile(sample_path, path)
    fill(small_disk, leave=0)
    here, there = qreport("check", sample_path, home=tmp_path / "home"), \
        qreport("check", path, home=tmp_path / "home")
    assert there.returncode == here.returncode == 1 and there.stdout == here.stdout
    assert names(small_disk) == ["filler.bin", "r.qreport"]  # no empty -wal or -shm


def test_next_leaves_nothing_beside_last_years_report(sample_path, tmp_path):
    old = tmp_path / "去年" / "去年.qreport"
    old.parent.mkdir()
    shutil.copyfile(sample_path, old)
    before = old.read_bytes()
    done = qreport("next", old, tmp_path / "今年.qreport", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert names(old.parent) == ["去年.qreport"] and old.read_bytes() == before


# ---------------------------------------------------------------- read-only folders
def test_a_read_only_folder_is_said_as_such(small_disk, sample_path, tmp_path):
    path = small_disk / "r.qreport"
    shutil.copyfile(sample_path, path)
    remount_read_only(small_disk)
    home = tmp_path / "home"
    for args in (("new", small_disk / "新.qreport", "--school", "甲"),
                 ("export", sample_path, "--xlsx", small_disk / "表.xlsx"),
                 ("import", path, tmp_path / "missing.xlsx")):
        done = qreport(*args, home=home)
        assert done.returncode == 2, done
        assert "只读" in done.stderr and plain(done.stderr), done.stderr
        assert "损坏" not in done.stderr
    assert names(small_disk) == ["r.qreport"]


def test_a_report_on_read_only_media_is_checked_and_exported(small_disk, sample_path, tmp_path):
    """Reading needs no write: a report on a write-protected stick or CD is checked and
    exported as the same report in a writable folder is, and nothing appears beside it."""
    path = small_disk / "r.qreport"
    shutil.copyfile(sample_path, path)
    remount_read_only(small_disk)
    home = tmp_path / "home"
    here, there = qreport("check", sample_path, home=home), qreport("check", path, home=home)
    assert there.returncode == here.returncode == 1  # the sample has findings
    assert there.stdout == here.stdout and there.stderr == ""
    done = qreport("export", path, "--xlsx", tmp_path / "表.xlsx", home=home)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "表.xlsx").stat().st_size > 0
    assert names(small_disk) == ["r.qreport"]


def test_next_reads_last_years_report_from_a_read_only_folder(small_disk, sample_path, tmp_path):
    """Last year's report on a write-protected stick or an archive share: only read, never
    written, so a folder where SQLite cannot make its -shm does not stop `next`."""
    path = small_disk / "去年.qreport"
    shutil.copyfile(sample_path, path)
    remount_read_only(small_disk)
    done = qreport("next", path, tmp_path / "今年.qreport", "--year", "2024", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    with Report.open(tmp_path / "今年.qreport") as report:
        assert report.school == "聊城高级工程职业学校" and report.year == 2024
    assert names(small_disk) == ["去年.qreport"]


# ---------------------------------------------------------------- long names
def test_a_name_too_long_is_said(sample_path, tmp_path):
    long = "聊城高级工程职业学校质量年度报告" * 6  # 96 characters, 288 bytes: over 255
    home = tmp_path / "home"
    for args in (("new", tmp_path / f"{long}.qreport", "--school", "甲"),
                 ("export", sample_path, "--xlsx", tmp_path / f"{long}.xlsx"),
                 ("sample", tmp_path / f"{long}.qreport")):
        done = qreport(*args, home=home)
        assert done.returncode == 2
        assert "文件名过长" in done.stderr and plain(done.stderr), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["sample.qreport"]


def test_the_gui_never_opens_an_empty_sample_written_to_a_full_disk(small_disk):
    home = small_disk / "home"
    home.mkdir()
    fill(small_disk, leave=300_000)  # room to begin the sample, not to finish it
    for _ in range(2):  # and the second start finds no half-made sample to open either
        done = qreport("gui", "--smoke", home=home)
        assert done.returncode == 2
        assert "磁盘空间不足" in done.stderr and plain(done.stderr), done.stderr
        assert not [p for p in home.rglob("*") if ".qreport" in p.name]
