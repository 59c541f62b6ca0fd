"""The findings panel: `rules.check` results, live, each one a way to the field concerned.

The window re-runs the check on a short timer after every committed edit (a check of the
sample takes a few milliseconds); the panel shows the list grouped as rules.check orders it
(错误, 提示, 请核实, 未完成), says which finding the user picked, and offers "写说明…" on a 提示
a note can explain: the note the user writes is handed to the window as `note_written`.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.findings import CATEGORIES
from desktop.rules import Finding, category_of

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
# by category; "error" and "warning" are also the severities
COLOURS = {"error": QColor("#D93025"), "warning": QColor("#E8A200"),
           "plausibility": QColor("#1A73E8"), "completeness": QColor("#80868B")}
MARKS = {"error": "×", "warning": "!", "plausibility": "?", "completeness": "…"}


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
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, MARKS.get(severity, "!"))
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
    note_written = Signal(str, int, str)  # indicator id, year, note

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
        self.note_button = QPushButton("写说明…", self, enabled=False)
        self.note_button.setToolTip("数值属实时写一条说明（印在备注栏），这条提示即不再出现。")
        self.note_button.clicked.connect(self.ask_note)
        self.list.currentItemChanged.connect(self._current_changed)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.note_button)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        # until the first check has run: never 检查通过 before anything was checked
        self.summary.setText("正在检查…")

    def set_findings(self, findings: list[Finding], unfinished: str = "") -> None:
        """Replace the list, keeping the picked finding selected when it is still there.
        `unfinished` says what is still empty: then no finding is not 检查通过."""
        current = self.list.currentItem()
        keep = current.data(FINDING_ROLE).message if current and current.data(FINDING_ROLE) else None
        scroll = self.list.verticalScrollBar().value()
        self.findings = list(findings)
        self.list.clear()
        groups: dict[str, int] = {}
        for finding in self.findings:
            groups[category_of(finding)] = groups.get(category_of(finding), 0) + 1
        shown_group = None
        for finding in self.findings:
            group = category_of(finding)
            if group != shown_group and len(groups) > 1:
                header = QListWidgetItem(f"{CATEGORIES[group]}（{groups[group]}）")
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)  # readable, not selectable
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
            shown_group = group
            item = QListWidgetItem(self._icons.get(group, QIcon()), finding.message)
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
            "单击一条，转到需要核对的位置。错误须改正；提示请核实，属实时可写说明。"
            if self.findings else ("尚未写完，暂不能判断。" if unfinished else "检查通过。")
        )
        self.setWindowTitle(f"检查结果（{counts_text(self.findings)}）")

    def failed(self, sentence: str) -> None:
        """The check itself failed: no list of old findings that would read as current."""
        self.findings = []
        self.list.clear()
        item = QListWidgetItem(sentence)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.list.addItem(item)
        self.summary.setText("检查未能完成。")
        self.setWindowTitle("检查结果（检查未能完成）")

    def focus_first(self) -> None:
        """The keyboard on the list, at the first finding (the picked one when still there)."""
        current = self.list.currentItem()
        if current is None or current.data(FINDING_ROLE) is None:
            current = self.item_for(lambda _finding: True) or self.list.item(0)
            self.list.setCurrentItem(current)
        if current is not None:
            self.list.scrollToItem(current)
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _current_changed(self, item, _previous=None) -> None:
        finding = item.data(FINDING_ROLE) if item is not None else None
        self.note_button.setEnabled(bool(finding is not None and getattr(finding, "explainable", False)))

    def ask_note(self) -> QInputDialog | None:
        """"写说明…": the note for the picked 提示's first indicator and year, in a dialog
        that does not block (returned, so tests can fill it in)."""
        item = self.list.currentItem()
        finding = item.data(FINDING_ROLE) if item is not None else None
        if finding is None or not getattr(finding, "explainable", False):
            return None
        indicator, year, name = finding.ids[0], finding.year, finding.indicators[0]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("写说明")
        dialog.setLabelText(f"“{name}”{year}年的说明（印在备注栏）：")
        dialog.setOkButtonText("保存")
        dialog.setCancelButtonText("取消")
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.note_written.emit(indicator, year, text.strip()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _tooltip(self, finding: Finding) -> str:
        kind = CATEGORIES[category_of(finding)]
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
