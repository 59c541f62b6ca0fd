"""Tables in a section: free tables edited in a grid, fixed tables shown read-only.

A free table has the template's columns. 序号 and the 合计 row are computed by
desktop.assemble.free_table, the same function the exporters use, so the grid shows what
will print. Numeric cells are parsed with their column's value type; text that is not a
value is refused in place with a message and the cell keeps its old value.

A fixed table is a view over indicators of the 质量数据表: it is edited there, and shown
here with the current year's values so the writer can refer to them.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from db.store import TableRow
from desktop import assemble
from desktop.free_tables import read_rows
from desktop.template import FixedTable, FreeTable
from desktop.ui import chapter_undo as cmd
from desktop.ui.clipboard import parse_tsv
from desktop.ui.grid_keys import GridKeys
from desktop.values import ParseError

_REFUSED = QColor("#b3261e")  # the red of refusal messages, readable on white
_MUTED = QColor("#6b6b6b")


class InlineMessage(QWidget):
    """An icon and a sentence shown in place (under a grid, a field, a section) instead of
    a modal dialog: the user reads it while fixing the input, and tests can see it.
    Shared by the chapter tab's editors."""

    _LEVELS: ClassVar[dict[str, tuple[QStyle.StandardPixmap, str]]] = {
        "error": (QStyle.StandardPixmap.SP_MessageBoxCritical, _REFUSED.name()),
        "warning": (QStyle.StandardPixmap.SP_MessageBoxWarning, "#8a5a00"),
        "info": (QStyle.StandardPixmap.SP_MessageBoxInformation, _MUTED.name()),
    }

    def __init__(self, parent=None):
        super().__init__(parent)
        self.icon = QLabel(self)
        self.label = QLabel(self, wordWrap=True, textInteractionFlags=(
            Qt.TextInteractionFlag.TextSelectableByMouse))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(6)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        pixmap, color = self._LEVELS[level]
        size = self.label.fontMetrics().height()
        self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        self.label.setStyleSheet(f"color: {color};")
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self.hide()


class FreeTableModel(QAbstractTableModel):
    """Rows of one free table plus its computed 合计 row.

    Edits are not stored here: `edited` carries the whole new row list and the owner
    pushes it as one undo command; the command's refresh calls `load` again.
    """

    edited = Signal(object)  # list[list[str]]
    refused = Signal(str, QModelIndex)

    def __init__(self, spec: FreeTable, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.rows: list[list[str]] = []
        self.stated_total: str | None = None
        self._shown = assemble.free_table(spec, [], "")
        self._bad: set[tuple[int, int]] = set()  # stored numeric cells that do not parse

    # ------------------------------------------------------------ loading
    def load(self, rows, stated_total: str | None) -> None:
        width = len(self.spec.columns)
        rows = [[*r[:width], *[""] * (width - len(r))] for r in rows]
        same_shape = len(rows) == len(self.rows)
        if not same_shape:
            self.beginResetModel()
        self.rows = rows
        self.stated_total = stated_total
        # The published total is left out here: the grid shows the computed sum and marks
        # a stated total that differs from it.
        self._shown = assemble.free_table(self.spec, rows, "")
        self._bad = {(r, c + 1) for r, c in read_rows(self.spec, rows).refused}
        if same_shape:
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(self.rowCount() - 1, self.columnCount() - 1))
        else:
            self.endResetModel()

    @property
    def has_total_row(self) -> bool:
        return self.spec.has_total

    def is_total_row(self, row: int) -> bool:
        return self.has_total_row and row == len(self.rows)

    def total_mismatch(self) -> list[tuple[str, str, str]]:
        """(column, stated, computed) for every total column the published total misses."""
        if self.stated_total is None or self._shown.total is None:
            return []
        result = []
        for i, column in enumerate(self.spec.columns):
            if not column.total:
                continue
            computed = self._shown.total[i + 1].text
            try:
                stated = column.type.number(column.type.parse(self.stated_total))
                same = stated == column.type.number(column.type.parse(computed) or "0")
            except (ParseError, ArithmeticError):
                same = False
            if not same:
                result.append((column.name, self.stated_total, computed))
        return result

    # ------------------------------------------------------------ model interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.rows) + (1 if self.has_total_row else 0)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self.spec.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "序号" if section == 0 else self.spec.columns[section - 1].name
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            column = self.spec.columns[section - 1]
            hints = {"count": "整数", "decimal": "数字", "percent": "百分数", "money": "金额",
                     "ratio": "比值，如 19:1"}
            if column.numeric:
                tip = f"{column.name}：{hints.get(column.type.kind, '数字')}"
                return tip + ("，合计自动计算" if column.total else "")
            return column.name
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() > 0 and not self.is_total_row(index.row()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        column = self.spec.columns[c - 1] if c > 0 else None
        total = self.is_total_row(r)
        if role == Qt.ItemDataRole.DisplayRole:
            if total:
                cells = self._shown.total
                text = cells[c].text if cells else ""
                if column is not None and column.total and self.total_mismatch():
                    text += f"（原发布 {self.stated_total}）"
                return text
            # Word's manual line break (\v) would show as a box
            return self._shown.rows[r][c].text.replace("\x0b", "\n")
        if role == Qt.ItemDataRole.EditRole:
            return self.rows[r][c - 1] if column is not None and not total else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c == 0:
                return Qt.AlignmentFlag.AlignCenter
            if column is not None and column.numeric:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            if (r, c) in self._bad:
                return QBrush(_REFUSED)
            if c == 0:
                return QBrush(_MUTED)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and total:
            return QBrush(QColor("#f3f1ec"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if (r, c) in self._bad:
                return "这一格不是有效的数字，未计入合计；请重新填写。"
            if total and column is not None and column.total:
                mismatch = self.total_mismatch()
                if mismatch:
                    _, stated, computed = mismatch[0]
                    return (f"原报告发布的合计为 {stated}，与各行之和 {computed} 不一致。"
                            "修改表格后将改用各行之和。")
                return "合计由各行自动计算"
            if c == 0:
                return "序号自动编排"
        if role == Qt.ItemDataRole.DecorationRole and total and column is not None \
                and column.total and self.total_mismatch():
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index)
                                                    & Qt.ItemFlag.ItemIsEditable):
            return False
        r, c = index.row(), index.column()
        try:
            text = self.cell_text(c, str(value), r)
        except ValueError as exc:
            self.refused.emit(str(exc), index)
            return False
        if text == self.rows[r][c - 1]:
            return True
        rows = [list(row) for row in self.rows]
        rows[r][c - 1] = text
        self.edited.emit(rows)
        return True

    def cell_text(self, c: int, text: str, r: int) -> str:
        """What to store for typed text in column c: canonical for numbers; ValueError with
        the message for the user when the text is not a value of the column."""
        column = self.spec.columns[c - 1]
        if not column.numeric:
            return text.strip()
        try:
            return column.type.parse(text) or ""
        except ParseError as exc:
            raise ValueError(f"第 {r + 1} 行{exc.describe(column.name)}，已保留原值。") from None

    # ------------------------------------------------------------ whole-row edits
    def with_row_inserted(self, at: int) -> list[list[str]]:
        rows = [list(row) for row in self.rows]
        rows.insert(at, [""] * len(self.spec.columns))
        return rows

    def without_rows(self, rows_to_remove: set[int]) -> list[list[str]]:
        return [list(row) for r, row in enumerate(self.rows) if r not in rows_to_remove]

    def pasted(self, top: int, left: int, text: str) -> tuple[list[list[str]], int]:
        """Rows after pasting tab-separated text (from Excel or WPS) at (top, left), and
        how many columns of it the table has no room for; rows are added as needed. A
        quoted cell keeps its line breaks. ValueError names the first cell refused."""
        grid = parse_tsv(text)
        rows = [list(row) for row in self.rows]
        left = max(left, 1)
        room = len(self.spec.columns) - left + 1
        surplus = max((len(line) for line in grid), default=0) - room
        for i, line in enumerate(grid):
            r = top + i
            while r >= len(rows):
                rows.append([""] * len(self.spec.columns))
            for j, value in enumerate(line[:room]):
                rows[r][left + j - 1] = self.cell_text(left + j, value, r)
        return rows, max(0, surplus)


class CellDelegate(QStyledItemDelegate):
    """Line editor for a cell: numbers right-aligned, Chinese typed as usual."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent, frame=False)
        model = index.model()
        column = model.spec.columns[index.column() - 1]
        if column.numeric:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def setEditorData(self, editor, index):
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):
        # A refusal leaves the model unchanged; the model's `refused` signal shows why.
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class GridView(GridKeys):
    """A table view as tall as its rows (the section editor scrolls, not the grid), with
    pasting of tab-separated text; Tab never traps (see grid_keys)."""

    pasteRequested = Signal(int, int, str)
    deleteRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setHighlightSections(False)
        # the last column takes what rounding of the relative widths leaves over
        self.horizontalHeader().setStretchLastSection(True)
        self._widths: tuple[float, ...] = ()
        self._applied_width = -1

    def set_widths(self, widths: tuple[float, ...]) -> None:
        """Relative column widths from the template (the same as the printed table)."""
        self._widths = widths
        self._apply_widths()

    def _apply_widths(self) -> None:
        if not self._widths or not self.model():
            return
        available = self.viewport().width()
        if available == self._applied_width:
            return  # a height change (our own fit_height) needs no new widths
        self._applied_width = available
        total = sum(self._widths)
        for c, w in enumerate(self._widths[:-1]):
            self.setColumnWidth(c, max(40, int(available * w / total)))
        self.fit_height()

    def fit_height(self, rows: list[int] | None = None) -> None:
        """Fit row heights to wrapped text (all rows, or only those given) and the view's
        height to its rows."""
        count = self.model().rowCount() if self.model() else 0
        if rows is None:
            self.resizeRowsToContents()
        else:
            for r in rows:
                if r < count:
                    self.resizeRowToContents(r)
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        for r in range(self.model().rowCount() if self.model() else 0):
            height += self.rowHeight(r)
        self.setFixedHeight(height + 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_widths()

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            index = self.currentIndex()
            if text:
                # a new, empty table has no current cell: its first row, first column
                row, column = (index.row(), index.column()) if index.isValid() else (0, 1)
                self.pasteRequested.emit(row, column, text)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                and self.state() != QAbstractItemView.State.EditingState:
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class FreeTableEditor(QWidget):
    """Grid, row buttons and messages for one free table in a section."""

    def __init__(self, host, table: TableRow, spec: FreeTable, parent=None):
        super().__init__(parent)
        self.host = host
        self.spec = spec
        self.table_id = table.id
        self.section_id = table.section
        self.model = FreeTableModel(spec, self)
        self.model.edited.connect(self._push_rows)
        self.model.refused.connect(self._refused)

        self.view = GridView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(CellDelegate(self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.set_widths((0.6, *(c.width for c in spec.columns)))
        self.view.pasteRequested.connect(self._paste)
        self.view.deleteRequested.connect(self._clear_cells)

        from desktop import drafts

        self.last_year = drafts.last_year_rows(host.report, table.id)
        self.last_year_button = QPushButton(f"沿用上一年度的 {len(self.last_year)} 行", self,
                                            clicked=self.use_last_year)
        self.last_year_button.setToolTip("把上一年度报告中这张表的各行填入本表，再按本年度修改")
        self.add_button = QPushButton("添加行", self, clicked=self.add_row)
        self.add_button.setToolTip("在当前行之后添加一行")
        self.remove_button = QPushButton("删除行", self, clicked=self.remove_rows)
        self.remove_button.setToolTip("删除所选单元格所在的行")
        self.message = InlineMessage(self)
        self.total_note = InlineMessage(self)
        hint = QLabel("可直接从 Excel 或 WPS 复制单元格后按 Ctrl+V 粘贴", self)
        hint.setStyleSheet(f"color: {_MUTED.name()};")

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.last_year_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addSpacing(8)
        buttons.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.view)
        layout.addWidget(self.total_note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.load(table)

    def load(self, table: TableRow) -> None:
        self.table = table
        # last year's rows one click away while this year's table is still empty
        self.last_year_button.setVisible(bool(self.last_year) and not table.rows)
        old_rows = self.model.rows
        width = len(self.spec.columns)
        new_rows = [[*r[:width], *[""] * (width - len(r))] for r in table.rows]
        if new_rows == old_rows and table.stated_total == self.model.stated_total \
                and old_rows:
            return  # nothing changed in this table (another block or the text was edited)
        self.model.load(table.rows, table.stated_total)
        if len(new_rows) == len(old_rows):
            # wrapping is measured for the changed rows only: measuring a 40-row table
            # costs more than the whole rest of an edit
            changed = [r for r in range(len(new_rows)) if new_rows[r] != old_rows[r]]
            self.view.fit_height([*changed, len(new_rows)])
        else:
            self.view.fit_height()
        mismatch = self.model.total_mismatch()
        if mismatch:
            name, stated, computed = mismatch[0]
            self.total_note.show_message(
                f"原报告发布的{name}合计为 {stated}，与各行之和 {computed} 不一致；"
                "修改任一行后，合计将改用各行之和。", "warning")
        else:
            self.total_note.clear()

    # ------------------------------------------------------------ edits
    def _push(self, rows: list[list[str]], text: str = "编辑表格") -> None:
        self.message.clear()
        self.host.push(cmd.SetTableRows(self.host, self.section_id, self.table_id,
                                        [list(r) for r in self.model.rows], rows,
                                        self.model.stated_total, text))

    def _push_rows(self, rows) -> None:
        self._push(rows)

    def _refused(self, message: str, index: QModelIndex) -> None:
        self.message.show_message(message)
        rect = self.view.visualRect(index)
        QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), message, self.view)

    def _selected_rows(self) -> set[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedIndexes()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return {r for r in rows if r < len(self.model.rows)}

    def use_last_year(self) -> None:
        if self.last_year:
            self._push([list(r) for r in self.last_year], "沿用上一年度的表格行")

    def add_row(self) -> None:
        current = self.view.currentIndex()
        at = current.row() + 1 if current.isValid() and current.row() < len(self.model.rows) \
            else len(self.model.rows)
        self._push(self.model.with_row_inserted(at), "添加表格行")
        index = self.model.index(at, 1)
        self.view.setCurrentIndex(index)
        self.view.setFocus()

    def remove_rows(self) -> None:
        rows = self._selected_rows()
        if rows:
            self._push(self.model.without_rows(rows), "删除表格行")

    def _paste(self, row: int, column: int, text: str) -> None:
        if self.model.is_total_row(row):
            row = len(self.model.rows)
        try:
            rows, surplus = self.model.pasted(row, column, text)
        except ValueError as exc:
            self._refused(f"未粘贴：{exc}", self.view.currentIndex())
            return
        if rows != self.model.rows:
            self._push(rows, "粘贴表格")
        if surplus:
            # said, never dropped in silence
            self.message.show_message(
                f"粘贴的内容多出 {surplus} 列：本表从所选列起只有 "
                f"{len(self.spec.columns) - max(column, 1) + 1} 列，多出的列未粘贴。", "warning")

    def _clear_cells(self) -> None:
        rows = [list(r) for r in self.model.rows]
        for index in self.view.selectionModel().selectedIndexes():
            if index.column() > 0 and index.row() < len(rows):
                rows[index.row()][index.column() - 1] = ""
        if rows != self.model.rows:
            self._push(rows, "清除单元格")


class FixedTableView(QWidget):
    """A fixed table: label, unit and this year's value of its indicators, read-only."""

    def __init__(self, host, spec: FixedTable, parent=None):
        super().__init__(parent)
        self.host = host
        self.spec = spec
        self.view = GridView(self)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.model = _FixedModel(host, spec, self)
        self.view.setModel(self.model)
        self.view.set_widths((0.6, 5, 0.9, 1.4))
        template = host.report.template
        homes = "、".join(f"“{name}”" for name in template.home_tables(r.indicator for r in spec.rows))
        note = QLabel(f"数值来自{homes or template.tables_name}，如需修改请到那里填写。", self)
        note.setStyleSheet(f"color: {_MUTED.name()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.view)
        layout.addWidget(note)

    def load(self, shown) -> None:
        if self.model.load(shown):
            self.view.fit_height()

    def select_indicator(self, indicator: str) -> bool:
        for r, row in enumerate(self.spec.rows):
            if row.indicator == indicator:
                self.view.setCurrentIndex(self.model.index(r, 1))
                self.view.setFocus()
                return True
        return False


class PlainTableView(QWidget):
    """A table of no kind the edition knows (kept from an imported Word report): shown as
    it was imported, read-only; its first row is its header."""

    def __init__(self, row: TableRow, parent=None):
        super().__init__(parent)
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        self.view = GridView(self)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.model = QStandardItemModel(self)
        self.view.setModel(self.model)
        self._item = QStandardItem
        note = QLabel("从 Word 导入的表格，按原样打印；本版报告没有对应的表格类型，不能在此编辑。", self)
        note.setStyleSheet(f"color: {_MUTED.name()};")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.view)
        layout.addWidget(note)
        self.load(row)

    def load(self, row: TableRow) -> None:
        rows = [list(r) for r in row.rows]
        width = max((len(r) for r in rows), default=0)
        self.model.clear()
        if rows:
            self.model.setHorizontalHeaderLabels(rows[0] + [""] * (width - len(rows[0])))
        for cells in rows[1:]:
            self.model.appendRow([self._item(c) for c in cells + [""] * (width - len(cells))])
        self.view.set_widths(tuple(1.0 for _ in range(width)))
        self.view.fit_height()


class _FixedModel(QAbstractTableModel):
    def __init__(self, host, spec: FixedTable, parent=None):
        super().__init__(parent)
        self.template = host.report.template
        self.year = host.report.year
        self.spec = spec
        self.values: list[tuple[str, bool]] = [("", False)] * len(spec.rows)
        self._loaded = False

    def load(self, shown) -> bool:
        """Take this year's values from report.shown(); True when any changed."""
        values = []
        for row in self.spec.rows:
            ind = self.template.indicators[row.indicator]
            s = shown.get((ind.id, self.year))
            text = assemble.cell(ind.type, s.value).text if s is not None else ""
            values.append((text, bool(s and s.derived)))
        if values == self.values and self._loaded:
            return False
        self.values = values
        self._loaded = True
        if self.spec.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(values) - 1, 3))
        return True

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("序号", "指标", "单位", f"{self.year}年")[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = self.spec.rows[r]
        ind = self.template.indicators[row.indicator]
        value, derived = self.values[r]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(r + 1), row.label, ind.unit or "/", value or "")[c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c in (0, 2):
                return Qt.AlignmentFlag.AlignCenter
            if c == 3:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == 0 or (c == 3 and derived):
                return QBrush(_MUTED)
            if c == 3 and not value:
                return QBrush(_REFUSED)
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == 3 and derived:
                return "由公式自动计算"
            if c == 3 and not value:
                home = self.template.home_tables([ind.id]) or [self.template.tables_name]
                return f"{home[0]}中尚未填写"
            return ind.help or None
        if role == Qt.ItemDataRole.FontRole and c == 3 and derived:
            font = QFont()
            font.setItalic(True)
            return font
        return None

