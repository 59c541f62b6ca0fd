"""Keyboard and clipboard on real widgets: no traps, Excel's cells pasted as Excel meant."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.report import Report
from desktop.ui.data_table import COL_CUR, COL_NOTE, COL_PREV

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _focus() -> object:
    return QApplication.focusWidget()


def test_tab_at_the_grids_last_cell_reaches_the_fields_under_it(window, data_tab, qtbot):
    view = data_tab.view
    last = data_tab.model.rowCount() - 1
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(last, COL_NOTE))
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: _focus() is data_tab.meta_edits["school"])
    # and Shift+Tab from the first field goes back into the grid
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab)
    qtbot.waitUntil(view.hasFocus)


def test_shift_tab_at_the_grids_first_cell_leaves_backwards(window, data_tab, qtbot):
    view = data_tab.view
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(0, COL_PREV))
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    qtbot.waitUntil(lambda: not view.hasFocus())
    # Tab inside the grid still walks the cells
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(0, COL_PREV))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: view.currentIndex().column() == COL_CUR and view.hasFocus())


def test_ctrl_tab_ctrl_pgup_and_esc_leave_the_grid(window, data_tab, qtbot):
    view = data_tab.view
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(3, COL_CUR))
    qtbot.waitUntil(view.hasFocus)
    index = window.tabs.currentIndex()
    qtbot.keyClick(view, Qt.Key.Key_Tab, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == (index + 1) % window.tabs.count())
    window.tabs.setCurrentWidget(data_tab)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_PageUp, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == index - 1)
    window.tabs.setCurrentWidget(data_tab)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.hasFocus() and data_tab.isAncestorOf(_focus()))
    # while typing in a cell Ctrl+Tab leaves too, and what was typed is kept
    view.setFocus()
    view.setCurrentIndex(data_tab.model.index(3, COL_NOTE))
    qtbot.keyClick(view, "a")  # typing onto a cell opens its editor
    qtbot.waitUntil(lambda: view.editing())
    qtbot.keyClicks(_focus(), "bc")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab, CTRL)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is not data_tab)
    ind = data_tab.model.indicator(3)
    qtbot.waitUntil(lambda: window.report.file.notes().get((ind.id, window.report.year)) == "abc")


def _free_table(window, qtbot, chapter: str, ref: str):
    """A new, empty table of the chapter in its first section, as 插入表格 makes it."""
    tab = window.chapter_tabs[chapter]
    window.show_tab(tab)
    section = tab.report.file.sections(chapter)[1]
    tab.outline.select(section.id)
    qtbot.waitUntil(lambda: tab.editor.section_id == section.id)
    tab.editor.add_table("free", ref)
    table = next(t for t in tab.report.file.tables(section.id) if t.ref == ref and not t.rows)
    qtbot.waitUntil(lambda: tab.editor.frame("table", table.id) is not None)
    return tab, table, tab.editor.frame("table", table.id).body


def test_ctrl_v_into_a_new_empty_table_with_an_excel_line_break(window, qtbot, report_copy):
    tab, table, editor = _free_table(window, qtbot, "teaching", "majors")
    assert editor.model.rows == []
    # Excel quotes a cell holding Alt+Enter; one column too many
    QGuiApplication.clipboard().setText(
        '机电系\t"数控技术\n应用"\t389人\t备用\r\n信息系\t计算机应用\t1,200\t\r\n')
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus)
    qtbot.keyClick(editor.view, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: len(tab.report.file.table(table.id).rows) == 2)
    with Report.open(report_copy) as report:
        assert report.file.table(table.id).rows == (
            ("机电系", "数控技术\n应用", "389"), ("信息系", "计算机应用", "1200"))
    assert "多出 1 列" in editor.message.text()


def test_tab_leaves_a_chapter_table_instead_of_wrapping(window, qtbot):
    _tab, _table, editor = _free_table(window, qtbot, "service", "training")
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus)
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)  # 添加行
    qtbot.waitUntil(lambda: editor.model.rows == [["", ""]])
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.model.index(0, 2))
    qtbot.waitUntil(editor.view.hasFocus)
    qtbot.keyClick(editor.view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not editor.view.hasFocus())
    assert editor.view.currentIndex().row() == 0  # not wrapped to the first cell


def test_tab_from_the_tab_bar_enters_the_page_before_the_findings(window, qtbot, tmp_path):
    # the pages are made after the findings panel; Tab must still reach them first, also
    # after opening another file rebuilds them
    other = tmp_path / "另一所.qreport"
    Report.create(other, "另一所学校", "2022", 2021).close()
    for path in (other, None):
        tab = window.chapter_tabs["students"]
        window.show_tab(tab)
        window.tabs.tabBar().setFocus()
        qtbot.waitUntil(window.tabs.tabBar().hasFocus)
        seen = []
        for _ in range(30):
            qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
            seen.append(_focus())
            if tab.outline.isAncestorOf(_focus()) or window.dock.isAncestorOf(_focus()):
                break
        assert tab.outline.isAncestorOf(_focus()), [type(w).__name__ for w in seen]
        if path:
            assert window.open_file(path)
            qtbot.waitUntil(lambda t=tab: window.chapter_tabs["students"] is not t)
