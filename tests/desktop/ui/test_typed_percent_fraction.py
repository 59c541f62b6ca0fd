"""0.96 typed into a % cell where 96 % was meant is asked about in place (issue 14)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.ui.data_table import COL_CUR


def type_into(qtbot, data_tab, indicator: str, text: str):
    view, model = data_tab.view, data_tab.model
    view.setCurrentIndex(model.index(model.row_of[indicator], COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, text[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    return editor


def test_a_fraction_for_a_satisfaction_is_asked_about_in_place(qtbot, data_tab, on_disk):
    editor = type_into(qtbot, data_tab, "employer_satisfaction_quality", "0.96")
    qtbot.waitUntil(data_tab.refusal.isVisible)
    message = data_tab.refusal.text()
    assert "就业单位对毕业生职业素养的满意度" in message and "请填 96" in message
    assert on_disk.value("employer_satisfaction_quality", 2021) == "98.5"  # the sample's, kept
    editor.setText("96")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on_disk.value("employer_satisfaction_quality", 2021) == "96")


def test_a_small_startup_ratio_is_stored_as_typed(qtbot, data_tab, on_disk):
    type_into(qtbot, data_tab, "startup_ratio", "0.5")
    qtbot.waitUntil(lambda: on_disk.value("startup_ratio", 2021) == "0.5")
    assert not data_tab.refusal.isVisible()


def test_a_small_percentage_confirmed_with_its_sign_survives_being_edited_unchanged(
        qtbot, data_tab, on_disk):
    """0.96% typed with its sign is stored as 0.96; opening that cell's editor (which shows
    the stored 0.96) and pressing Enter must not turn it into a refused, unsaved cell."""
    type_into(qtbot, data_tab, "employer_satisfaction_quality", "0.96%")
    qtbot.waitUntil(lambda: on_disk.value("employer_satisfaction_quality", 2021) == "0.96")
    view, model = data_tab.view, data_tab.model
    index = model.index(model.row_of["employer_satisfaction_quality"], COL_CUR)
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "0.96"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible() or data_tab.refusal.isVisible())
    assert model.pending == {}
    assert not data_tab.refusal.isVisible()
    assert on_disk.value("employer_satisfaction_quality", 2021) == "0.96"
