"""Charts in the chapter editor: 插入图表, the chart's preview (the picture Word gets) and its
settings. The chart is a figure: caption, number and placement are the BlockFrame's, like
any figure's; its data is read from the report every time it is shown, so it follows the
data without being stored twice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop import charts
from desktop.charts import ChartError, ChartSpec
from desktop.text import paragraphs
from desktop.ui import chapter_undo as cmd
from desktop.ui.dialog_buttons import ok_cancel
from desktop.ui.form_rows import muted_label

PREVIEW_W, PREVIEW_H = 420.0, 200.0  # points, as printed (about the PDF's size)


class ChartDialog(QDialog):
    """What to draw: indicators over the years, or a numeric column of a table of this
    section; bars or a line; the caption."""

    def __init__(self, report, section_id: int, parent=None, spec: ChartSpec | None = None,
                 caption: str = "", numbers: dict[int, str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("图表")
        self.report = report
        self.kind = QComboBox(self)
        for kind, name in charts.KINDS.items():
            self.kind.addItem(name, kind)
        self.by_indicator = QRadioButton("指标（历年）", self)
        self.by_table = QRadioButton("本节表格的一列", self)
        group = QButtonGroup(self)
        group.addButton(self.by_indicator)
        group.addButton(self.by_table)
        self.indicators = QListWidget(self)
        for ind in report.template.indicators.values():
            if ind.type.kind in ("text", "ratio"):
                continue
            item = QListWidgetItem(ind.name + (f"（{ind.unit}）" if ind.unit else ""))
            item.setData(Qt.ItemDataRole.UserRole, ind.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.indicators.addItem(item)
        self.column = QComboBox(self)
        numbers = numbers or {}
        for table in report.file.tables(section_id):
            spec_t = report.template.free_tables.get(table.ref) if table.kind == "free" else None
            if spec_t is None:
                continue
            for index, col in enumerate(spec_t.columns):
                if col.numeric:
                    title = table.caption or spec_t.caption
                    self.column.addItem(f"{numbers.get(table.id, '表')} {title} · {col.name}",
                                        (table.id, index))
        self.by_table.setEnabled(self.column.count() > 0)
        self.caption = QLineEdit(caption, self, placeholderText="图题，如：近两年在校生人数")
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        buttons = ok_cancel(self, on_ok=self._accept)
        form = QFormLayout(self)
        form.addRow("图形", self.kind)
        form.addRow("数据", self.by_indicator)
        form.addRow("", self.indicators)
        form.addRow("", self.by_table)
        form.addRow("", self.column)
        form.addRow("图题", self.caption)
        form.addRow(self.message)
        form.addRow(buttons)
        self.by_indicator.toggled.connect(self._enable)
        self.set_spec(spec or ChartSpec())
        self._enable()

    def set_spec(self, spec: ChartSpec) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(spec.kind)))
        if spec.table is not None and self.column.findData((spec.table, spec.column)) >= 0:
            self.by_table.setChecked(True)
            self.column.setCurrentIndex(self.column.findData((spec.table, spec.column)))
        else:
            self.by_indicator.setChecked(True)
        for row in range(self.indicators.count()):
            item = self.indicators.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in spec.indicators
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def spec(self) -> ChartSpec | None:
        kind = self.kind.currentData()
        if self.by_table.isChecked():
            data = self.column.currentData()
            return ChartSpec(kind, table=data[0], column=data[1]) if data else None
        chosen = tuple(self.indicators.item(r).data(Qt.ItemDataRole.UserRole)
                       for r in range(self.indicators.count())
                       if self.indicators.item(r).checkState() == Qt.CheckState.Checked)
        return ChartSpec(kind, chosen) if chosen else None

    def _enable(self) -> None:
        self.indicators.setEnabled(self.by_indicator.isChecked())
        self.column.setEnabled(self.by_table.isChecked())

    def _accept(self) -> None:
        if self.spec() is None:
            self.message.setText("请至少勾选一个指标，或选择表格的一列。")
            return
        self.accept()


def insert_chart(editor, ask=None) -> bool:
    """插入图表 in a SectionEditor: ask what to draw (a dialog; tests pass a function
    returning (spec, caption)) and add it as a figure after the text."""
    if editor.section is None:
        return False
    editor.commit_text()
    section_id = editor.section.id
    if ask is None:
        dialog = ChartDialog(editor.report, section_id, editor,
                             numbers=editor.host.numbers()[0])
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        spec, caption = dialog.spec(), dialog.caption.text().strip()
    else:
        spec, caption = ask()
    if spec is None:
        return False
    after = len(paragraphs(editor.text.toPlainText()))
    editor.host.push(cmd.AddFigure(editor.host, section_id, (), after, caption=caption,
                                   chart=spec.to_json(), text="插入图表"))
    return True


class ChartEditor(QWidget):
    """The body of a chart's BlockFrame: the preview and the way to change what it draws."""

    def __init__(self, host, row, parent=None):
        super().__init__(parent)
        self.host = host
        self.row = row
        self.data = None  # the charts.Chart drawn last (tests, and to skip redrawing)
        self.preview = QLabel(self, alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(120)
        self.kind = QComboBox(self)
        for kind, name in charts.KINDS.items():
            self.kind.addItem(name, kind)
        self.kind.activated.connect(self._kind_chosen)
        self.choose = QPushButton("选择数据…", self, clicked=self.edit)
        self.note = muted_label(self, "图表的数值取自报告数据，修改数据后自动更新。", wrap=False)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.kind)
        bar.addWidget(self.choose)
        bar.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.preview)
        self.load(row)

    def spec(self) -> ChartSpec | None:
        try:
            return ChartSpec.from_json(self.row.chart or "")
        except ChartError:
            return None

    def load(self, row) -> None:
        self.row = row
        spec = self.spec()
        if spec is None:
            self.data = None
            self.preview.setPixmap(QPixmap())
            self.preview.setText("图表的设置已损坏，请点“选择数据…”重新选择。")
            return
        self.kind.setCurrentIndex(max(0, self.kind.findData(spec.kind)))
        data = charts.data(self.host.report, spec, self.host.shown())
        if data == self.data:
            return  # nothing it draws changed: no repaint (refreshes follow every edit)
        self.data = data
        if not data.series or not data.categories:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("没有可画的数值：所选指标或表格列还没有数据。")
            return
        ratio = self.devicePixelRatioF() or 1.0
        pixmap = QPixmap()
        pixmap.loadFromData(charts.png(data, PREVIEW_W, PREVIEW_H, scale=1.4 * ratio), "PNG")
        pixmap.setDevicePixelRatio(ratio)
        self.preview.setText("")
        self.preview.setPixmap(pixmap)

    def _push(self, spec: ChartSpec, caption: str | None = None) -> None:
        changes = []
        new = spec.to_json()
        if new != self.row.chart:
            changes.append(("figure", self.row.id, "chart", self.row.chart, new))
        if caption is not None and caption != self.row.caption:
            changes.append(("figure", self.row.id, "caption", self.row.caption, caption))
        if changes:
            self.host.push(cmd.SetFields(self.host, "修改图表", self.row.section, changes))

    def set_kind(self, kind: str) -> None:
        spec = self.spec() or ChartSpec()
        self._push(ChartSpec(kind, spec.indicators, spec.years, spec.table, spec.column))

    def _kind_chosen(self, _index: int) -> None:
        self.set_kind(self.kind.currentData())

    def edit(self) -> None:
        dialog = ChartDialog(self.host.report, self.row.section, self, self.spec(),
                             self.row.caption, numbers=self.host.numbers()[0])
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.spec() is not None:
            self._push(dialog.spec(), dialog.caption.text().strip())
