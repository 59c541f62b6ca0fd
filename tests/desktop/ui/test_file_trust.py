"""The report file as the window leaves it on disk: a copy taken while the window is open
holds every edit; damaged, altered and foreign-journal files are said, not crashed on."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from db.store import ReportFile
from desktop.ui.data_table import COL_CUR, COL_NOTE

ROOT = Path(__file__).resolve().parents[3]


def _boxes(window) -> list[str]:
    return [b.text() for b in window.findChildren(QMessageBox) if b.isVisible()]


def _copy_holds(source: Path, folder: Path, expected: dict[str, str], note: str) -> bool:
    """Copy the .qreport alone (as Explorer or a USB stick does) and read the copy."""
    copy = folder / "usb-copy.qreport"
    shutil.copyfile(source, copy)
    conn = sqlite3.connect(f"file:{copy}?immutable=1", uri=True)  # the copied bytes only
    try:
        values = dict(conn.execute("SELECT indicator, value FROM value WHERE year = 2021"))
        notes = [r[0] for r in conn.execute("SELECT text FROM note WHERE year = 2021")]
    finally:
        conn.close()
    return all(values.get(k) == v for k, v in expected.items()) and note in notes


def test_a_copy_taken_while_the_window_is_open_holds_every_edit(qtbot, window, report_copy,
                                                                  tmp_path):
    window.tabs.setCurrentWidget(window.data_tab)
    model = window.data_tab.model
    rows = [n for n, ind in enumerate(model.rows) if ind.type.kind == "count" and not ind.derived][:3]
    expected = {}
    for n, row in enumerate(rows):
        assert model.setData(model.index(row, COL_CUR), str(4321 + n))
        expected[model.rows[row].id] = str(4321 + n)
    assert model.setData(model.index(rows[0], COL_NOTE), "复制前的备注")
    usb = tmp_path / "usb"
    usb.mkdir()
    qtbot.waitUntil(lambda: _copy_holds(report_copy, usb, expected, "复制前的备注"), timeout=5000)
    window.undo_stack.undo()  # the note's removal is an edit too
    qtbot.waitUntil(lambda: not _copy_holds(report_copy, usb, expected, "复制前的备注"),
                    timeout=5000)
    assert window.isVisible()


def test_a_file_whose_schema_was_altered_is_said_and_the_window_stays(qtbot, window, tmp_path):
    altered = tmp_path / "altered.qreport"
    window.report.file.backup_to(altered)
    conn = sqlite3.connect(altered)
    conn.execute("ALTER TABLE value ADD COLUMN comment TEXT")
    conn.commit()
    conn.close()
    before = altered.read_bytes()
    assert not window.open_file(altered)
    qtbot.waitUntil(lambda: any("结构被其他程序改动过" in t for t in _boxes(window)))
    assert not any("内部错误" in t for t in _boxes(window))
    assert "聊城" in window.windowTitle()
    assert altered.read_bytes() == before


def test_a_foreign_journal_set_aside_is_said(qtbot, window, tmp_path):
    other = tmp_path / "other.qreport"
    with ReportFile.create(other, {"school": "乙校", "edition": "2022", "year": "2021"}) as f:
        f.set_value("students", 2021, "100")
    code = ("import os, sys\n"
            "from db import store\n"
            "store._Database.checkpoint = lambda self: None  # dies before its checkpoint\n"
            "f = store.ReportFile.open(sys.argv[1], exclusive=True)\n"
            "f.set_value('students', 2021, '200')\n"
            "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(other)], cwd=ROOT, check=True)
    window.report.file.backup_to(tmp_path / "colleague.qreport")
    shutil.copyfile(tmp_path / "colleague.qreport", other)  # replaced after the crash
    assert window.open_file(other)
    qtbot.waitUntil(lambda: any("不属于这个文件" in t for t in _boxes(window)))
    assert window.report.file.value("students", 2021) == "9527"  # the colleague's, unmixed


def test_a_school_name_over_its_limit_is_refused_in_place(qtbot, window, report_copy):
    from PySide6.QtCore import Qt

    data_tab = window.data_tab
    window.tabs.setCurrentWidget(data_tab)
    edit = data_tab.meta_edits["school"]
    edit.setFocus()
    edit.setText("聊城高级工程职业学校" * 7)  # 70 characters
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "最多 60 个字" in data_tab.refusal.text())
    assert window.report.file.get_meta("school") == "聊城高级工程职业学校"


def test_an_import_that_does_not_fit_on_the_disk_is_said(qtbot, small_disk, sample_path, tmp_path):
    from desktop import assemble
    from desktop.formats.xlsx import write_xlsx
    from desktop.report import Report
    from tests.desktop.ui.driving import open_window
    from tests.disks import fill

    book = tmp_path / "book.xlsx"
    with Report.open(sample_path) as sample:
        write_xlsx(assemble.build(sample), book)
    path = small_disk / "empty.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    window = open_window(qtbot, path)
    dialog = window.import_excel(book)
    fill(small_disk, leave=0)  # the disk fills while the preview is read
    dialog.accept()
    qtbot.waitUntil(lambda: any("磁盘空间不足" in t for t in _boxes(window)))
    assert not any("Error" in t or "内部错误" in t for t in _boxes(window))
    assert window.report.file.value("students", 2021) is None  # nothing half-imported
    window.close()
