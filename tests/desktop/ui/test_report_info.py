"""报告信息: the cover's fields set in the GUI, stored as report meta, printed by PDF and Word."""

from __future__ import annotations

import subprocess

import docx
from PIL import Image
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop import assemble
from desktop.formats.docx_write import write_docx
from desktop.formats.pdf import write_pdf
from desktop.report import Report
from desktop.ui.report_info_dialog import ReportInfoDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _dialog(window) -> ReportInfoDialog:
    found = [d for d in window.findChildren(ReportInfoDialog) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def test_cover_fields_reach_the_pdf_and_word(window, qtbot, tmp_path, report_copy):
    logo = tmp_path / "校徽.png"
    Image.new("RGB", (800, 800), (180, 30, 40)).save(logo)
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool([d for d in window.findChildren(ReportInfoDialog)
                                  if d.isVisible()]))
    dialog = _dialog(window)
    dialog.school.setText("聊城市高级工程职业学校")
    dialog.title_lines.setPlainText("聊城市中等职业教育\n质量年度报告\n（2022年度）")
    dialog.date.setDate(QDate(2022, 1, 1))
    assert dialog.choose_logo(logo)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.report.school == "聊城市高级工程职业学校")
    with Report.open(report_copy) as stored:
        cover = stored.cover()
        doc = assemble.build(stored)
    assert cover.title_lines == ("聊城市中等职业教育", "质量年度报告", "（2022年度）")
    assert cover.date == "2022-01" and cover.logo[:2] in (b"\xff\xd8", b"\x89P")
    assert doc.date_text == "二〇二二年一月" and doc.logo == cover.logo
    # the one place: the grid's 填报单位 and the window follow
    assert window.data_tab.meta_edits["school"].text() == "聊城市高级工程职业学校"
    assert window.windowTitle().startswith("聊城市高级工程职业学校")

    pdf = tmp_path / "报告.pdf"
    write_pdf(doc, pdf)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    for line in (*cover.title_lines, "聊城市高级工程职业学校", "二〇二二年一月"):
        assert line in first
    images = subprocess.run(["pdfimages", "-f", "1", "-l", "1", "-list", str(pdf)],
                            capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, the logo

    word = tmp_path / "报告.docx"
    write_docx(doc, word)
    opened = docx.Document(str(word))
    texts = [p.text for p in opened.paragraphs[:12]]
    for line in cover.title_lines:
        assert line in texts
    assert opened.inline_shapes[0].width > 0  # the logo, first thing on the cover

    window.undo_stack.undo()  # one step puts everything back
    assert window.statusBar().currentMessage() == "已撤销：修改报告信息"
    with Report.open(report_copy) as stored:
        assert stored.school == "聊城高级工程职业学校" and stored.cover().logo == b""


def test_a_file_that_is_no_image_is_refused_in_the_dialog(window, qtbot, tmp_path):
    bad = tmp_path / "校徽.png"
    bad.write_bytes(b"not an image")
    dialog = window.show_report_info()
    assert not dialog.choose_logo(bad)
    assert "校徽.png" in dialog.error.text()
    dialog.school.clear()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "学校名称" in dialog.error.text()
    dialog.reject()


def test_a_note_typed_in_the_grid_is_exported(window, data_tab, qtbot, tmp_path, report_copy):
    from desktop.ui.data_table import COL_NOTE

    row = 2
    ind = data_tab.model.indicator(row)
    view = data_tab.view
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(row, COL_NOTE))
    qtbot.keyClick(view, "n")
    qtbot.waitUntil(view.editing)
    editor = view.indexWidget(view.currentIndex())
    editor.setText("含技工学校学生")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.notes().get((ind.id, window.report.year))
                    == "含技工学校学生")
    with Report.open(report_copy) as stored:
        doc = assemble.build(stored)
    pdf = tmp_path / "报告.pdf"
    write_pdf(doc, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    assert f"备注：{ind.name}：含技工学校学生" in text


def test_every_access_key_in_the_dialog_reaches_its_field(window, qtbot):
    from PySide6.QtWidgets import QLabel

    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool([d for d in window.findChildren(ReportInfoDialog)
                                  if d.isVisible()]))
    dialog = _dialog(window)
    # a label with "&" and no buddy prints the "&" and its key does nothing
    keyed = [label for label in dialog.findChildren(QLabel) if "(&" in label.text()]
    assert len(keyed) == 4
    assert all(label.buddy() is not None for label in keyed), [
        label.text() for label in keyed if label.buddy() is None]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.school, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.choose.hasFocus)
    dialog.reject()
