"""Rows that several dialogs share: 保存为 (a path and 浏览…) and the red line a refusal is said in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton

REPORT_FILTER = "质量报告文件 (*.qreport)"


def save_as_row(dialog: QDialog, on_browse: Callable[[], None]) -> tuple[QLineEdit, QPushButton, QHBoxLayout]:
    """The path field, its 浏览… button and the row holding both. The button is not an auto
    default: Enter in the dialog means its OK button, not 浏览."""
    path = QLineEdit(dialog)
    browse = QPushButton("浏览…", dialog)
    browse.setAutoDefault(False)
    browse.clicked.connect(on_browse)
    row = QHBoxLayout()
    row.addWidget(path, 1)
    row.addWidget(browse)
    return path, browse, row


def new_report_row(dialog: QDialog) -> tuple[QLineEdit, QPushButton, QHBoxLayout]:
    """保存为 for a report file still to be made: 浏览… asks where, and the name ends in
    .qreport whatever was typed in the file dialog."""
    def browse() -> None:
        chosen, _ = QFileDialog.getSaveFileName(dialog, "保存新报告", path.text(), REPORT_FILTER)
        if chosen:
            path.setText(chosen if chosen.endswith(".qreport") else chosen + ".qreport")

    path, button, row = save_as_row(dialog, browse)
    return path, button, row


def muted_label(parent, text: str = "", wrap: bool = True) -> QLabel:
    """A hint or a note beside what it explains, in the grey the views use for such text."""
    label = QLabel(text, parent, wordWrap=wrap)
    label.setStyleSheet("color: #6b6b6b;")
    return label


def error_label(dialog: QDialog) -> QLabel:
    """Where the dialog says why it cannot go on, in red, wrapped."""
    label = QLabel(dialog, wordWrap=True)
    label.setStyleSheet("color: #B3261E;")
    return label
