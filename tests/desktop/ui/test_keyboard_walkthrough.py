"""From start to an exported PDF with the keyboard alone: every step is a key event sent to
whatever has the focus, as a user without a mouse would press it."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from desktop.report import Report
from desktop.ui.data_table import DataTableView
from desktop.ui.report_info_dialog import ReportInfoDialog
from desktop.ui.section_editor import TextEdit

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the focus"
    qtbot.keyClick(target, key, modifiers)


def type_(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def focus_is(kind) -> bool:
    return isinstance(QApplication.focusWidget(), kind)


def test_from_start_to_an_exported_pdf_with_keys_only(window, qtbot, report_copy, tmp_path):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    year = window.report.year

    # 1. 报告信息: the cover's date, by keys, then OK (Enter)
    press(qtbot, Qt.Key.Key_I, CTRL | SHIFT)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ReportInfoDialog)))
    dialog = next(d for d in window.findChildren(ReportInfoDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    while QApplication.focusWidget() is not dialog.date:  # Tab to the date field
        press(qtbot, Qt.Key.Key_Tab)
    shown_year = dialog.date.date().year()
    press(qtbot, Qt.Key.Key_Home)  # the year section
    press(qtbot, Qt.Key.Key_Up)  # one year on
    press(qtbot, Qt.Key.Key_Return)
    cover_year = shown_year + 1
    qtbot.waitUntil(lambda: window.report.cover().date.startswith(f"{cover_year}-"))

    # 2. a chapter's text: Tab from the outline into the writing box, type, leave
    # (a window manager gives the window back its activation when its dialog closes; the
    # offscreen platform has none, so the test does that one thing for it)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()))
    for _ in range(40):
        if focus_is(TextEdit):
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focus_is(TextEdit)
    editor = QApplication.focusWidget()
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_(qtbot, " ABC 2022.")
    press(qtbot, Qt.Key.Key_Tab)  # leaving commits

    # 3. the 质量数据表: Ctrl+PgUp wraps round to the last tab
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() in window.data_tabs)
    data_tab = window.tabs.currentWidget()
    for _ in range(10):
        if focus_is(DataTableView):
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focus_is(DataTableView)
    view = QApplication.focusWidget()
    row = view.currentIndex().row()
    ind = data_tab.model.indicator(row)
    type_(qtbot, "9")  # typing onto the cell opens its editor
    qtbot.waitUntil(lambda: focus_is(QLineEdit))
    type_(qtbot, "600")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.value(ind.id, year) == "9600")
    # Esc leaves the grid for the fields under it: 填报单位, then 填报人
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is data_tab.meta_edits["school"])
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is data_tab.meta_edits["filler"]
    type_(qtbot, "Li Ming")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.report.file.get_meta("filler") == "Li Ming")

    # 4. 导出 → PDF (Ctrl+Shift+P); the file dialog offers a name: Enter takes it
    def accept_file_dialog() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QFileDialog) and modal.focusWidget() is not None:
            qtbot.keyClick(modal.focusWidget(), Qt.Key.Key_Return)  # the offered name
        elif tries.pop():
            QTimer.singleShot(50, accept_file_dialog)

    tries = [False] + [True] * 200  # ten seconds at most: a test never hangs

    QTimer.singleShot(50, accept_file_dialog)
    done = []
    window.exports.done.connect(done.append)
    press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(done), timeout=60000)
    pdf = done[0]
    # the 导出完成 box has the focus; Esc closes it
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox)
                    or any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    qtbot.waitUntil(lambda: box.isAncestorOf(QApplication.focusWidget())
                    or QApplication.focusWidget() is box)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())

    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "ABC 2022." in text and "9600" in text and "Li Ming" in text
    digits = "〇一二三四五六七八九"
    assert "".join(digits[int(c)] for c in str(cover_year)) + "年" in text  # the cover
    with Report.open(report_copy) as stored:
        assert stored.file.value(ind.id, year) == "9600"
    assert editor is not None
