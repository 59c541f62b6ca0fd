"""The 质量数据表 grid: typing, refusing, notes, undo, copy and paste — checked on disk."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from desktop.ui.data_table import (
    COL_CUR,
    COL_NAME,
    COL_NOTE,
    COL_PREV,
    RAW_ROLE,
    formula_text,
    indented_name,
    parse_tsv,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def start_typing(qtbot, view, row: int, column: int, first: str) -> QLineEdit:
    """Select a cell and type its first character, as a user does: the editor opens."""
    view.setCurrentIndex(view.model().index(row, column))
    view.setFocus()
    qtbot.keyClick(view, first)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    return editor


def open_editor(view, row: int, column: int) -> QLineEdit:
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.setFocus()
    view.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    return editor


def test_typed_value_is_stored_and_enter_moves_down(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = start_typing(qtbot, view, row, COL_CUR, "2")
    qtbot.keyClicks(editor, "300")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.value("graduates", 2021) == "2300"
    assert model.index(row, COL_CUR).data() == "2300"
    assert (view.currentIndex().row(), view.currentIndex().column()) == (row + 1, COL_CUR)
    assert view.state() != view.State.EditingState


def test_tab_moves_right_across_editable_columns(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = start_typing(qtbot, view, row, COL_PREV, "2")
    qtbot.keyClicks(editor, "401")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert on_disk.value("graduates", 2020) == "2401"
    assert view.currentIndex().column() == COL_CUR
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().column() == COL_NOTE
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # wraps to the next row's first year
    assert (view.currentIndex().row(), view.currentIndex().column()) == (row + 1, COL_PREV)


def test_bad_input_is_refused_in_place(qtbot, data_tab, on_disk, window):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = start_typing(qtbot, view, row, COL_CUR, "a")
    qtbot.keyClicks(editor, "bc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the editor stays open with what was typed, and the message says what and where
    assert view.state() == view.State.EditingState
    assert editor.text() == "abc"
    assert data_tab.refusal.isVisible()
    message = data_tab.refusal.text()
    assert "毕业生总数" in message and "2021年" in message and "abc" in message
    assert "毕业生总数" in window.statusBar().currentMessage()
    assert on_disk.value("graduates", 2021) == "2245"
    assert window.undo_stack.count() == 0
    # Escape gives up: the old value stays, in the file and on screen
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert model.index(row, COL_CUR).data() == "2245"
    # and the refusal of the text no longer there goes with it
    qtbot.waitUntil(lambda: not data_tab.refusal.isVisible())


def test_refused_on_leaving_the_cell_keeps_the_old_value(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["students"]
    editor = start_typing(qtbot, view, row, COL_CUR, "x")
    data_tab.meta_edits["filler"].setFocus()  # focus leaves the editor: commit is tried
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    assert data_tab.refusal.isVisible()
    assert on_disk.value("students", 2021) == "9527"
    del editor


def test_full_width_digits_are_normalised(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = open_editor(view, row, COL_CUR)
    editor.setText("１２３")  # what a Chinese IME in full-width mode produces
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.value("graduates", 2021) == "123"


def test_dash_marks_not_applicable_and_menu_clears(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["dual_teachers"]
    editor = start_typing(qtbot, view, row, COL_PREV, "-")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.value("dual_teachers", 2020) == "-"
    view.setCurrentIndex(model.index(row, COL_CUR))
    assert view.clear_selection("-")  # 设为不适用
    assert on_disk.value("dual_teachers", 2021) == "-"
    assert view.clear_selection("")  # 清空
    assert on_disk.value("dual_teachers", 2021) is None


def test_chinese_note_through_input_method(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = open_editor(view, row, COL_NOTE)
    event = QInputMethodEvent("", [])
    event.setCommitString("含技工班毕业生")
    QApplication.sendEvent(editor, event)
    assert editor.text() == "含技工班毕业生"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.note("graduates", 2021) == "含技工班毕业生"
    assert model.index(row, COL_NOTE).data() == "含技工班毕业生"


def test_input_method_commit_opens_the_editor(qtbot, data_tab, on_disk):
    """Typing Chinese with an IME straight onto a selected cell starts editing it."""
    view, model = data_tab.view, data_tab.model
    row = model.row_of["students"]
    view.setCurrentIndex(model.index(row, COL_NOTE))
    view.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString("学年初")
    QApplication.sendEvent(view, event)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "学年初"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.note("students", 2021) == "学年初"


def test_undo_and_redo_with_keys(qtbot, data_tab, on_disk, window):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = start_typing(qtbot, view, row, COL_CUR, "2")
    qtbot.keyClicks(editor, "300")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert on_disk.value("graduates", 2021) == "2300"
    assert view.currentIndex().row() == row + 1
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert on_disk.value("graduates", 2021) == "2245"
    assert model.index(row, COL_CUR).data() == "2245"
    # the undone cell is shown, and the status bar says what was undone
    assert (view.currentIndex().row(), view.currentIndex().column()) == (row, COL_CUR)
    assert window.statusBar().currentMessage() == "已撤销：修改“毕业生总数”（2021年）（质量数据表）"
    qtbot.keyClick(view, Qt.Key.Key_Y, CTRL)
    assert on_disk.value("graduates", 2021) == "2300"
    assert model.index(row, COL_CUR).data() == "2300"
    assert window.saved_label.text().startswith("已保存")


def test_unchanged_value_makes_no_undo_step(qtbot, data_tab, window):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    editor = start_typing(qtbot, view, row, COL_CUR, "2")
    qtbot.keyClicks(editor, "245")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.undo_stack.count() == 0


def _select(view, top: int, left: int) -> None:
    view.selectionModel().setCurrentIndex(
        view.model().index(top, left), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def test_paste_range_is_one_transaction_and_one_undo_step(qtbot, data_tab, on_disk, window):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    assert model.row_of["employed"] == row + 1
    begins: list[str] = []
    window.report.file.db.conn.set_trace_callback(
        lambda sql: begins.append(sql) if sql.strip().upper().startswith("BEGIN") else None
    )
    _select(view, row, COL_PREV)
    QGuiApplication.clipboard().setText("2401\t2301\r\n2365\t2213\r\n")  # as Excel copies
    qtbot.keyClick(view, Qt.Key.Key_V, CTRL)
    window.report.file.db.conn.set_trace_callback(None)
    assert len(begins) == 1
    assert window.undo_stack.count() == 1
    assert [on_disk.value(i, y) for i in ("graduates", "employed") for y in (2020, 2021)] == [
        "2401", "2301", "2365", "2213"
    ]
    window.undo_stack.undo()
    assert [on_disk.value(i, y) for i in ("graduates", "employed") for y in (2020, 2021)] == [
        "2400", "2245", "2364", "2212"
    ]


def test_paste_with_a_bad_cell_changes_nothing(qtbot, data_tab, on_disk, window):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    _select(view, row, COL_PREV)
    assert not view.paste("2401\t两千\r\n2365\tabc\r\n")
    assert window.undo_stack.count() == 0
    assert on_disk.value("graduates", 2020) == "2400"
    text = data_tab.refusal.text()
    assert data_tab.refusal.isVisible()
    assert "两千" in text and "abc" in text and "就业（含升学）人数" in text


def test_paste_outside_the_value_columns_is_refused(qtbot, data_tab, window):
    view = data_tab.view
    _select(view, 0, COL_NAME)
    assert not view.paste("1\t2\n")
    assert window.undo_stack.count() == 0
    assert "只能粘贴到" in data_tab.refusal.text()


def test_paste_into_notes_and_values_together(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    _select(view, row, COL_CUR)
    assert view.paste("2300\t含技工\n")
    assert on_disk.value("graduates", 2021) == "2300"
    assert on_disk.note("graduates", 2021) == "含技工"


def test_copy_selection_as_tsv(qtbot, data_tab):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["graduates"]
    view.selectionModel().select(
        _rect(model, row, COL_PREV, row + 1, COL_CUR),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == "2400\t2245\r\n2364\t2212\r\n"
    assert parse_tsv(QGuiApplication.clipboard().text()) == [["2400", "2245"], ["2364", "2212"]]


def _rect(model, top, left, bottom, right):
    from PySide6.QtCore import QItemSelection

    return QItemSelection(model.index(top, left), model.index(bottom, right))


def test_parse_tsv_handles_quoted_cells():
    assert parse_tsv('a\t"two\nlines"\r\nb\tc\r\n') == [["a", "two\nlines"], ["b", "c"]]
    assert parse_tsv("") == []


def test_children_are_indented_and_derived_values_explained(data_tab):
    model = data_tab.model
    template = model.template
    first = template.indicators["headteacher_studios_national"]
    second = template.indicators["headteacher_studios_provincial"]
    assert indented_name(template, first).strip() == "其中：国家级"
    assert indented_name(template, second).endswith("省级")
    assert model.index(model.row_of[first.id], COL_NAME).data().lstrip().startswith("其中：")
    assert model.index(model.row_of[first.id], COL_NAME).data(RAW_ROLE) == "国家级"

    ratio = template.indicators["student_teacher_ratio"]
    assert formula_text(template, ratio) == "全日制在校生数 ÷ 专任教师"
    tip = model.index(model.row_of[ratio.id], COL_CUR).data(Qt.ItemDataRole.ToolTipRole)
    assert "全日制在校生数 ÷ 专任教师" in tip and "9527" in tip and "501" in tip
    name_tip = model.index(model.row_of["graduates"], COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "招生就业处" in name_tip and "单位：人" in name_tip and "整数" in name_tip


def test_empty_derived_value_is_shown_computed_and_marked(qtbot, data_tab, window):
    model = data_tab.model
    row = model.row_of["student_teacher_ratio"]
    window.report.file.set_value("student_teacher_ratio", 2021, None)
    data_tab.reload()
    index = model.index(row, COL_CUR)
    assert index.data() == "19:1"  # 9527 ÷ 501, a ratio to whole numbers
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert index.data(Qt.ItemDataRole.EditRole) == ""  # nothing stored: the editor starts empty
    assert "显示的是计算值" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, COL_NAME).data(Qt.ItemDataRole.DecorationRole) is not None


def test_submission_fields_are_stored_and_undoable(qtbot, data_tab, on_disk, window):
    edit = data_tab.meta_edits["filler"]
    edit.setFocus()
    edit.setText("张老师")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert on_disk.meta("filler") == "张老师"
    window.undo_stack.undo()
    assert on_disk.meta("filler") == ""
    assert edit.text() == ""


def test_renaming_the_school_retitles_the_window(qtbot, data_tab, on_disk, window):
    edit = data_tab.meta_edits["school"]
    edit.setFocus()
    edit.setText("测试职业学校")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert on_disk.meta("school") == "测试职业学校"
    assert window.windowTitle().startswith("测试职业学校 — ")


@pytest.mark.parametrize("text", ["", "   "])
def test_school_name_cannot_be_emptied(qtbot, data_tab, on_disk, text):
    edit = data_tab.meta_edits["school"]
    edit.setFocus()
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert on_disk.meta("school") == "聊城高级工程职业学校"
    assert edit.text() == "聊城高级工程职业学校"


def test_completeness_counts_the_current_year(data_tab, window):
    filled, total = data_tab.completeness()
    assert total == len(window.report.template.table_rows)
    assert filled == total  # the sample is complete
    window.report.file.set_value("graduates", 2021, None)
    data_tab.reload()
    assert data_tab.completeness() == (total - 1, total)


def test_failed_write_is_not_an_undo_step(qtbot, small_disk, monkeypatch, tmp_path):
    from desktop.report import Report
    from tests.desktop.ui.driving import open_window
    from tests.disks import fill

    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    path = small_disk / "报告.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    window = open_window(qtbot, path)
    model = window.data_tab.model
    index = model.index(model.row_of["graduates"], COL_NOTE)
    filler = fill(small_disk, leave=0)  # the disk fills while the report is open
    stored = [""]
    for n in range(400):  # the change log grows until nothing fits
        note = f"第{n}次：" + "含五年制高职后两年学生" * 20
        if not model.setData(index, note):
            break
        stored.append(note)
    assert window.undo_stack.count() == len(stored) - 1  # the refused note is not a step
    assert window.saved_label.text() == "未保存"
    qtbot.waitUntil(lambda: any("磁盘空间不足" in b.text() for b in window.findChildren(QMessageBox)))
    assert model.index(index.row(), COL_NOTE).data() == stored[-1]
    window.close()
    filler.unlink()
    with Report.open(path) as again:
        assert again.file.notes().get(("graduates", 2021), "") == stored[-1]


def test_context_menu_acts_and_goes_away(qtbot, data_tab, on_disk):
    from PySide6.QtWidgets import QMenu

    view, model = data_tab.view, data_tab.model
    row = model.row_of["dual_teachers"]
    for _ in range(3):
        view.setCurrentIndex(model.index(row, COL_CUR))
        view.customContextMenuRequested.emit(view.visualRect(view.currentIndex()).center())
        (menu,) = [m for m in view.findChildren(QMenu) if m.isVisible()]
        next(a for a in menu.actions() if a.text().startswith("设为不适用")).trigger()
        menu.close()
    assert on_disk.value("dual_teachers", 2021) == "-"
    qtbot.waitUntil(lambda: view.findChildren(QMenu) == [])  # one menu per right click, not kept for ever


def test_the_grid_is_headed_as_the_table_prints(data_tab, sample_document):
    model = data_tab.model
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert heads == [*sample_document.data_tables[0].header, "备注"]
    assert heads[:5] == ["序号", "指标", "单位", "2020年", "2021年"]
