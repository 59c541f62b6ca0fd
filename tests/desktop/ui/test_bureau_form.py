"""The bureau's workbook from the window: filled back, and an edition previewed then saved."""

from __future__ import annotations

import openpyxl

from desktop import template
from desktop.ui import bureau
from tests.desktop.formats.bureau_books import A_FIRST_ROW, province_a, province_b


def test_fill_the_bureaus_form_from_the_window(qtbot, window, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")
    out = tmp_path / "filled.xlsx"
    dialog = bureau.fill_form(window, blank, out)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.head.text() == f"已保存到 {out}"
    assert dialog.text.toPlainText().startswith("已填入 20 个数值。")
    ws = openpyxl.load_workbook(out)["表1"]
    assert ws[f"E{A_FIRST_ROW + 7}"].value == 501  # 专任教师 of the sample


def test_a_broken_form_is_said_in_a_box(qtbot, window, tmp_path):
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(b"not a workbook")
    box = bureau.fill_form(window, blank, tmp_path / "out.xlsx")
    qtbot.waitUntil(box.isVisible)
    assert "不是 Excel 工作簿" in box.text() and not (tmp_path / "out.xlsx").exists()


def test_edition_preview_then_saved(qtbot, window, tmp_path):
    blank = province_b(tmp_path / "b.xlsx")
    out = tmp_path / "b.toml"
    dialog = bureau.edition_from_form(window, blank, out)
    qtbot.waitUntil(dialog.isVisible)
    assert "识别出 2 张附表" in dialog.head.text()
    assert "附表：“计分卡” → 《附表1 学校发展计分卡》，4 行" in dialog.text.toPlainText()
    assert not out.exists()  # nothing saved before the preview is accepted
    dialog.accept_button.click()
    qtbot.waitUntil(out.exists)
    t = template.load_text(out.read_text(encoding="utf-8"), "b")
    assert [x.sheet for x in t.indicator_tables] == ["计分卡", "教学资源表"]


def test_a_filled_form_that_does_not_fit_on_the_disk_is_said(qtbot, window, tmp_path, small_disk):
    from tests.disks import fill

    blank = province_a(tmp_path / "blank.xlsx")
    fill(small_disk, leave=0)
    box = bureau.fill_form(window, blank, small_disk / "filled.xlsx")
    qtbot.waitUntil(box.isVisible)
    assert box.text().startswith("磁盘空间不足，无法写入") and "filled.xlsx" in box.text()
    assert not (small_disk / "filled.xlsx").exists()


def test_an_edition_that_does_not_fit_on_the_disk_is_said(qtbot, window, tmp_path, small_disk):
    from PySide6.QtWidgets import QMessageBox

    from tests.disks import fill

    blank = province_b(tmp_path / "b.xlsx")
    out = small_disk / "b.toml"
    dialog = bureau.edition_from_form(window, blank, out)
    qtbot.waitUntil(dialog.isVisible)
    fill(small_disk, leave=0)
    dialog.accept_button.click()  # an exception escaping the slot fails the test
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert box.text().startswith("磁盘空间不足，无法写入") and "b.toml" in box.text()
    assert not out.exists()


def test_a_report_is_made_in_the_edition_just_saved_from_the_form(qtbot, window, tmp_path):
    from desktop.ui.new_report_dialog import NewReportDialog

    blank = province_b(tmp_path / "b.xlsx")
    out = tmp_path / "b.toml"
    dialog = bureau.edition_from_form(window, blank, out)
    qtbot.waitUntil(dialog.isVisible)
    dialog.accept_button.click()
    # saving the edition offers 新建报告 with that edition chosen (this window's dialog:
    # earlier tests' windows may still hold theirs)
    def offered():
        return [d for d in window.findChildren(NewReportDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(offered()) == 1)
    (new,) = offered()
    assert "来自版本文件" in new.edition.currentText()
    new.school.setText("省里的学校")
    new.path.setText(str(tmp_path / "省里的学校.qreport"))
    new._accept()
    # a new file and a window rebuilt for it: generous on a loaded machine
    qtbot.waitUntil(lambda: window.report.file.path.name == "省里的学校.qreport", timeout=30000)
    tables = [t.sheet for t in window.report.template.indicator_tables]
    assert tables == ["计分卡", "教学资源表"]
    assert window.report.school == "省里的学校"
