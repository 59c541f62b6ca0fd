"""The 查找 dialog: hits of desktop.search as the user types; Enter goes to the first."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from desktop.search import search


class FindDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("查找")
        self.resize(640, 440)
        self.edit = QLineEdit(self, placeholderText="输入要查找的文字：章节标题、正文或指标名称",
                              clearButtonEnabled=True)
        self.results = QListWidget(self)
        self.count = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        self.timer = QTimer(self, singleShot=True, interval=200)
        self.timer.timeout.connect(self.run)
        self.edit.textChanged.connect(lambda _=None: self.timer.start())
        self.edit.returnPressed.connect(self._go_first)
        self.results.itemActivated.connect(self._go)
        self.results.itemClicked.connect(self._go)

    def run(self) -> None:
        self.results.clear()
        hits = search(self.window_.report, self.edit.text())
        for hit in hits:
            item = QListWidgetItem(hit.label)
            item.setToolTip(hit.label)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        text = self.edit.text().strip()
        self.count.setText(f"找到 {len(hits)} 处。" if text else "")

    def _go_first(self) -> None:
        self.timer.stop()
        self.run()
        if self.results.count():
            self._go(self.results.item(0))

    def _go(self, item: QListWidgetItem) -> None:
        self.window_.go_to_hit(item.data(Qt.ItemDataRole.UserRole))


