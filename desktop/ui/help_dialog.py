"""帮助 → 使用说明 (F1): the clerk's guide, resources/help/guide.md, in a window beside the
report (not modal: one reads it while doing what it says)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


def guide_text() -> str:
    return (resources.files("resources") / "help" / "guide.md").read_text(encoding="utf-8")


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, windowTitle="使用说明")
        self.text = QTextBrowser(self, openExternalLinks=False)
        self.text.setMarkdown(guide_text())
        buttons = QDialogButtonBox(self)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        # never taller or wider than the screen (a 1366×768 laptop at 150 % leaves 910×512)
        size = QSize(640, 560)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            size = size.boundedTo(screen.size() * 0.9)
        self.resize(size)
