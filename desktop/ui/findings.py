"""The findings panel: `rules.check` results, live, each one a way to the field concerned.

The window re-runs the check on a short timer after every committed edit (a check of the
sample takes a few milliseconds); the panel only shows the list and says which finding
the user picked.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.rules import Finding

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
COLOURS = {"error": QColor("#D93025"), "warning": QColor("#E8A200")}


def severity_icon(severity: str, size: int = 16) -> QIcon:
    """A filled dot with a mark, drawn so it needs no icon theme (offscreen, Windows alike)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(COLOURS.get(severity, QColor("#888888")))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.75))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter,
                     "×" if severity == "error" else "!")
    painter.end()
    return QIcon(pixmap)


def counts(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(f.severity == "error" for f in findings)
    return errors, len(findings) - errors


def counts_text(findings: list[Finding]) -> str:
    errors, warnings = counts(findings)
    return f"错误 {errors} · 提示 {warnings}"


class FindingsDock(QDockWidget):
    activated = Signal(object)  # Finding

    def __init__(self, parent=None):
        super().__init__("检查结果", parent)
        self.setObjectName("findings")  # saveState/restoreState find the dock by this name
        self.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.findings: list[Finding] = []
        self._icons = {s: severity_icon(s) for s in COLOURS}
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 2, 6, 6)
        layout.setSpacing(4)
        self.summary = QLabel(self)
        self.list = QListWidget(
            self, wordWrap=True, uniformItemSizes=False, iconSize=QSize(16, 16),
            alternatingRowColors=True,
        )
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        # a line at least: a small screen gives the chapters the height
        self.list.setMinimumHeight(self.list.fontMetrics().height() + 10)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(self._picked)
        self.list.itemActivated.connect(self._picked)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        self.set_findings([])

    def set_findings(self, findings: list[Finding], unfinished: str = "") -> None:
        """Replace the list, keeping the picked finding selected when it is still there.
        `unfinished` says what is still empty: then no finding is not 检查通过."""
        current = self.list.currentItem()
        keep = current.data(FINDING_ROLE).message if current and current.data(FINDING_ROLE) else None
        scroll = self.list.verticalScrollBar().value()
        self.findings = list(findings)
        self.list.clear()
        for finding in self.findings:
            item = QListWidgetItem(self._icons.get(finding.severity, QIcon()), finding.message)
            item.setData(FINDING_ROLE, finding)
            item.setToolTip(self._tooltip(finding))
            self.list.addItem(item)
            if finding.message == keep:
                self.list.setCurrentItem(item)
        if not self.findings:
            item = QListWidgetItem(f"没有发现矛盾，但报告还没有写完：{unfinished}。" if unfinished
                                   else "没有发现问题。")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.list.verticalScrollBar().setValue(scroll)
        self.summary.setText(
            "单击一条，转到需要核对的位置。错误须改正；提示请核实。"
            if self.findings else ("尚未写完，暂不能判断。" if unfinished else "检查通过。")
        )
        self.setWindowTitle(f"检查结果（{counts_text(self.findings)}）")

    def _tooltip(self, finding: Finding) -> str:
        kind = "错误" if finding.severity == "error" else "提示"
        names = "、".join(finding.indicators)
        return f"{kind}：{finding.message}" + (f"\n涉及：{names}" if names else "")

    def _picked(self, item: QListWidgetItem) -> None:
        finding = item.data(FINDING_ROLE)
        if finding is not None:
            self.activated.emit(finding)

    def item_for(self, predicate) -> QListWidgetItem | None:
        """The first item whose finding satisfies predicate (tests and 'next error')."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            finding = item.data(FINDING_ROLE)
            if finding is not None and predicate(finding):
                return item
        return None
