"""The 确定/取消 row of every dialog, in Chinese whatever the system's language (Qt's own
words follow the system locale, often English on a school's laptop)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox

OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel


def ok_cancel(dialog: QDialog, ok_text: str = "确定",
              on_ok: Callable[[], None] | None = None) -> QDialogButtonBox:
    """The buttons: `ok_text` accepts (through `on_ok` when given, which may refuse and
    keep the dialog open), 取消 rejects."""
    buttons = QDialogButtonBox(OK | CANCEL, dialog)
    buttons.button(OK).setText(ok_text)
    buttons.button(CANCEL).setText("取消")
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
