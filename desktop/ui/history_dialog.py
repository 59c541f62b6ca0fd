"""修改记录: who changed what, when, from what to what, and how (typed or imported)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop import history
from desktop.report import Report

COLUMNS = ("时间", "用户", "内容", "原值", "新值", "方式")
LIMIT = 1000


class HistoryDialog(QDialog):
    def __init__(self, report: Report, parent=None):
        super().__init__(parent, windowTitle="修改记录")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1000, 560)
        self.entries = history.entries(report, LIMIT)
        self.filter = QLineEdit(self, placeholderText="筛选：指标、小节、用户或文件名…",
                                textChanged=self._apply_filter)
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(len(self.entries), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        for row, e in enumerate(self.entries):
            for col, text in enumerate((e.at, e.user, e.what, e.old, e.new, e.source)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        # time, user and how fit their contents; what changed gets the room; the values
        # are cut (the whole text is in the tooltip)
        for col in (0, 1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col in (3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, 200)
        note = QLabel(f"最近 {min(len(self.entries), LIMIT)} 条，最新的在最上面。每次修改都已写入报告文件。",
                      self)
        note.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row, e in enumerate(self.entries):
            haystack = " ".join((e.what, e.user, e.source, e.old, e.new)).lower()
            self.table.setRowHidden(row, bool(needle) and needle not in haystack)

    def visible_rows(self) -> int:
        return sum(not self.table.isRowHidden(r) for r in range(self.table.rowCount()))
