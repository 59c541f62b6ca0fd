"""Two numbers typed (or pasted) into one cell of the grid are refused in place (issue 14)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.ui.data_table import COL_CUR


def test_two_numbers_in_one_cell_are_refused_in_place(qtbot, data_tab, on_disk):
    view, model = data_tab.view, data_tab.model
    row = model.row_of["employed"]
    view.setCurrentIndex(model.index(row, COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, "2")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "364 2212")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(data_tab.refusal.isVisible)
    message = data_tab.refusal.text()
    assert "就业（含升学）人数" in message and "2364 2212" in message and "两个数字" in message
    assert on_disk.value("employed", 2021) == "2212"  # the sample's value, not 23642212
    editor.setText("2 213")  # a thousands grouping is one number
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    assert on_disk.value("employed", 2021) == "2213"
