"""A clerk without a mouse: open a chapter, pick a section, type, undo, redo, and go on to
the grid, every step a key event sent to whatever has the focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTreeView

from desktop.ui.data_table import DataTableView
from desktop.ui.section_editor import TextEdit

CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the focus"
    qtbot.keyClick(target, key, modifiers)


def focus_is(kind) -> bool:
    return isinstance(QApplication.focusWidget(), kind)


def tab_until(qtbot, kind, most: int = 40) -> None:
    for _ in range(most):
        if focus_is(kind):
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert focus_is(kind), f"Tab never reached a {kind.__name__}"


def test_open_a_chapter_type_undo_redo_and_go_to_the_grid_by_keys(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    students = window.chapter_tabs["students"]

    # Ctrl+PgDn: the next chapter
    press(qtbot, Qt.Key.Key_PageDown, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is students)
    # into its outline; Down picks the next section
    tab_until(qtbot, QTreeView)
    assert students.isAncestorOf(QApplication.focusWidget())
    first = students.outline.current_id()
    press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: students.editor.section_id not in (None, first))
    section = students.editor.section_id
    stored = window.report.file.section(section).text

    # into the writing box; type at the end; Ctrl+Z takes it back, Ctrl+Y again
    tab_until(qtbot, TextEdit)
    assert QApplication.focusWidget() is students.editor.text
    press(qtbot, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), " ABC")
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: students.editor.text.toPlainText() == stored)
    assert window.report.file.section(section).text == stored
    assert QApplication.focusWidget() is students.editor.text  # the clerk stays in place
    press(qtbot, Qt.Key.Key_Y, CTRL)
    qtbot.waitUntil(lambda: window.report.file.section(section).text == stored + " ABC")
    assert students.editor.text.toPlainText() == stored + " ABC"

    # on to the grid: Ctrl+PgUp from the first chapter wraps round to the last tab
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() in window.data_tabs)
    grid = window.tabs.currentWidget()
    tab_until(qtbot, DataTableView, most=10)
    view = QApplication.focusWidget()
    ind = grid.model.indicator(view.currentIndex().row())
    before = window.report.file.value(ind.id, window.report.year)
    qtbot.keyClicks(view, "7")
    qtbot.waitUntil(lambda: focus_is(QLineEdit))
    qtbot.keyClicks(QApplication.focusWidget(), "77")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.value(ind.id, window.report.year) == "777")
    press(qtbot, Qt.Key.Key_Z, CTRL)  # the grid's edit goes first, the chapter's stays
    qtbot.waitUntil(lambda: window.report.file.value(ind.id, window.report.year) == before)
    assert window.report.file.section(section).text == stored + " ABC"
    assert window.tabs.currentWidget() is grid
