"""Driving the real window in tests: open it on a file as the program does, and type in a
chapter as an input method delivers Chinese."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication


def open_window(qtbot, path: Path, *, show: bool = True):
    """The main window on the report at `path`, the file locked as in real use."""
    from desktop.ui.main_window import MainWindow, open_locked

    report, lock = open_locked(path)
    window = MainWindow(report, lock=lock, interactive=False)
    qtbot.addWidget(window)
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


def type_at_end(tab, section_id: int, text: str) -> None:
    """Select the section of a chapter tab, type at the end of its text as an input method
    commits it, then store it (what the idle timer does)."""
    tab.outline.select(section_id)
    editor = tab.editor.text
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(editor, commit)
    tab.editor.commit_text()
