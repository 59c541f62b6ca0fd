"""The 质量数据表 tab: a spreadsheet-like grid of every indicator, two years and a note.

Typed text goes through `Report.parse` (the same parser as import and the command line);
what it refuses is refused in place, with the message, and nothing is written. What it
accepts is written at once through an undo command: one edit, one transaction.
"""

from __future__ import annotations

import html
import re

from msgspec import Struct
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.document import data_header
from desktop.report import NA, Report, Shown, ValueRefused, field_problem, not_applicable, numbers
from desktop.template import Indicator, IndicatorTable, Template
from desktop.ui.clipboard import parse_tsv, tsv_cell
from desktop.ui.grid_keys import GridKeys
from desktop.ui.undo import (
    META_LABELS,
    NoGraduatesCommand,
    Notifier,
    SetMetaCommand,
    SetNoteCommand,
    SetValueCommand,
    SetValuesCommand,
)

COL_SEQ, COL_NAME, COL_UNIT, COL_PREV, COL_CUR, COL_NOTE = range(6)
VALUE_COLUMNS = (COL_PREV, COL_CUR)
EDITABLE_COLUMNS = (COL_PREV, COL_CUR, COL_NOTE)
RAW_ROLE = Qt.ItemDataRole.UserRole + 1  # the value as text, without marks (copy uses it)

TYPE_NAMES = {
    "count": "整数",
    "decimal": "小数",
    "percent": "百分数（填数值，如 98.5）",
    "money": "金额",
    "ratio": "比值（如 19:1）",
    "text": "文字",
}
DERIVED_BACKGROUND = QColor("#EAF2FB")  # light blue: this row follows from a formula
COMPUTED_FOREGROUND = QColor("#2B5C8A")
CHILD_INDENT = "\u3000"  # a full-width space: indentation that lines up with CJK text
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def formula_text(template: Template, ind: Indicator) -> str:
    """The formula in Chinese names: "全日制在校生数 ÷ 专任教师"."""
    if ind.formula is None:
        return ""

    def name(match: re.Match) -> str:
        other = template.indicators.get(match.group(0))
        return other.name if other else match.group(0)

    text = _NAME.sub(name, ind.formula.source)
    return text.replace("*", "×").replace("/", "÷")


def indented_name(template: Template, ind: Indicator) -> str:
    """其中 rows: the first prefixed "其中：", the others aligned under its name."""
    if not ind.parent:
        return ind.name
    first = template.indicators[ind.parent].children[0] == ind.id
    return CHILD_INDENT + ("其中：" if first else CHILD_INDENT * 3) + ind.name


def _formula_icon() -> QIcon:
    """A small italic ƒ, drawn rather than shipped: it follows the palette and the DPI."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    font = QFont("serif")
    font.setItalic(True)
    font.setBold(True)
    font.setPixelSize(14)
    painter.setFont(font)
    painter.setPen(COMPUTED_FOREGROUND)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "ƒ")
    painter.end()
    return QIcon(pixmap)


class CellText(Struct, frozen=True):
    """A cell and the text to put into it (typed, pasted or cleared)."""

    row: int
    column: int
    text: str


class DataTableModel(QAbstractTableModel):
    """Rows are the template's table rows; the file is the only store (reload re-reads it)."""

    refused = Signal(QModelIndex, str)  # the cell and the whole Chinese message
    committed = Signal()  # a change is on disk

    def __init__(self, report: Report, undo_stack: QUndoStack, notifier: Notifier, parent=None,
                 table: IndicatorTable | None = None):
        super().__init__(parent)
        self.report = report
        self.template = report.template
        self.undo_stack = undo_stack
        self.notifier = notifier
        # one grid per indicator table of the edition (default: the first)
        self.table = table or self.template.indicator_tables[0]
        self.rows: list[Indicator] = list(self.table.rows)
        self.row_of = {ind.id: n for n, ind in enumerate(self.rows)}
        self.years = report.years
        self._icon: QIcon | None = None
        self._write_error: Exception | None = None
        self._values: dict[tuple[str, int], str] = {}
        self._notes: dict[tuple[str, int], str] = {}
        self._shown: dict[tuple[str, int], Shown] = {}
        self.pending: dict[tuple[int, int], tuple[str, str]] = {}  # refused: text, message
        self._read()
        # The one change event of the views: a value or note written (here, by another
        # table's grid, by a chapter's facts, by an import) re-reads the grid; a chapter's
        # text, outline or tables do not. Re-reading ~200 values takes well under a
        # millisecond.
        notifier.changed.connect(self._on_change)

    # ------------------------------------------------------------ reading
    def _read(self) -> None:
        self._values = self.report.file.values()
        self._notes = self.report.file.notes()
        self._shown = self.report.shown(self._values)

    def reload(self) -> None:
        self._read()
        if self.rows:
            self.dataChanged.emit(self.index(0, COL_PREV), self.index(len(self.rows) - 1, COL_NOTE))

    def _on_change(self, change) -> None:
        if change.error is not None:
            self._write_error = change.error
        elif change.kind in ("value", "note", "import"):
            self.reload()

    def year_of(self, column: int) -> int:
        return self.years[0] if column == COL_PREV else self.years[1]

    def column_of(self, year: int) -> int:
        return COL_PREV if year == self.years[0] else COL_CUR

    def indicator(self, row: int) -> Indicator:
        return self.rows[row]

    def completeness(self) -> tuple[int, int]:
        """Rows with a value (stored or computed) for the report's year."""
        year = self.years[1]
        filled = sum(
            1 for ind in self.rows if (s := self._shown.get((ind.id, year))) and s.value is not None
        )
        return filled, len(self.rows)

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            prev, cur = self.years
            return [*data_header((prev, cur)), "备注"][section]  # the print's heads, and the note
        if role == Qt.ItemDataRole.ToolTipRole and section in VALUE_COLUMNS:
            return "数据年度；输入数值，“-”表示不适用，留空表示未填。"
        if role == Qt.ItemDataRole.FontRole and section == COL_CUR:
            font = QFont()
            font.setBold(True)  # the year being reported stands out from the previous one
            return font
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in EDITABLE_COLUMNS:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ind = self.rows[index.row()]
        col = index.column()
        pending = self.pending.get((index.row(), col))
        if pending is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return pending[0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#B3261E"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return pending[1] + "，未保存"
        if role in (Qt.ItemDataRole.DisplayRole, RAW_ROLE):
            return self._display(ind, col, raw=role == RAW_ROLE)
        if role == Qt.ItemDataRole.EditRole:
            if col in VALUE_COLUMNS:
                return self._values.get((ind.id, self.year_of(col)), "")
            if col == COL_NOTE:
                return self._notes.get((ind.id, self.years[1]), "")
            return self._display(ind, col, raw=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(ind, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in VALUE_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col in (COL_SEQ, COL_UNIT):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if ind.derived and col in VALUE_COLUMNS:
            shown = self._shown.get((ind.id, self.year_of(col)))
            computed = bool(shown and shown.derived)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(DERIVED_BACKGROUND)
            if role == Qt.ItemDataRole.FontRole and computed:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and computed:
                return QBrush(COMPUTED_FOREGROUND)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_NAME and ind.derived:
            if self._icon is None:
                self._icon = _formula_icon()
            return self._icon
        return None

    def _display(self, ind: Indicator, col: int, raw: bool) -> str:
        if col == COL_SEQ:
            return ind.seq
        if col == COL_NAME:
            return ind.name if raw else indented_name(self.template, ind)
        if col == COL_UNIT:
            return ind.unit
        if col == COL_NOTE:
            return self._notes.get((ind.id, self.years[1]), "")
        shown = self._shown.get((ind.id, self.year_of(col)))
        return "" if shown is None or shown.value is None else shown.value

    def _tooltip(self, ind: Indicator, col: int) -> str | None:
        if col in (COL_NAME, COL_SEQ, COL_UNIT):
            parts = [f"<b>{html.escape(ind.name)}</b>"]
            if ind.help:
                parts.append(html.escape(ind.help))
            facts = [
                f"单位：{html.escape(ind.unit or '无')}",
                f"类型：{TYPE_NAMES.get(ind.type.kind, ind.type.kind)}",
                f"填报部门：{html.escape(ind.department)}",
            ]
            parts.append("　".join(facts))
            if ind.derived:
                parts.append(f"计算公式：{html.escape(formula_text(self.template, ind))}")
            return "<p style='white-space:pre-wrap'>" + "<br>".join(parts) + "</p>"
        if col in VALUE_COLUMNS and ind.derived:
            return self._formula_tooltip(ind, self.year_of(col))
        if col == COL_NOTE:
            note = self._notes.get((ind.id, self.years[1]), "")
            return html.escape(note) if note else None
        return None

    def _formula_tooltip(self, ind: Indicator, year: int) -> str:
        inputs = []
        for name in ind.formula.names:
            other = self.template.indicators[name]
            value = self._values.get((name, year))
            inputs.append(f"{other.name} {value if value is not None else '（未填）'}")
        nums = numbers(self.template, self._values, year)
        computed = ind.formula.evaluate(nums, not_applicable(self._values, year))
        stored = self._values.get((ind.id, year))
        lines = [
            f"<b>{html.escape(ind.name)}</b> = {html.escape(formula_text(self.template, ind))}",
            f"{year}年：" + html.escape("，".join(inputs)),
        ]
        if computed is None:
            lines.append("输入不全，无法计算。")
        else:
            lines.append(f"按公式计算：{html.escape(ind.type.from_number(computed))}")
        if stored is None:
            if computed is not None:
                lines.append("本格未填写，显示的是计算值（斜体）。")
        elif stored == NA:
            lines.append("填报为不适用（-）。")
        else:
            agrees = computed is None or ind.type.agrees(stored, computed)
            lines.append(f"填报值：{html.escape(stored)}" + ("" if agrees else "（与计算值不符）"))
        return "<br>".join(lines)

    # ------------------------------------------------------------ writing
    def parse(self, row: int, column: int, text: str) -> str | None:
        """Canonical value or note for text typed into a cell; ValueRefused for bad input."""
        if column == COL_NOTE:
            return text.strip()
        stored = self.stored(row, column)
        if stored is not None and text == stored:
            # the stored value, unchanged in its editor: as it is (a small percentage was
            # confirmed with its sign, "0.7%", and is stored as 0.7: not asked about again)
            return stored
        return self.report.parse(self.rows[row].id, self.year_of(column), text)

    def stored(self, row: int, column: int) -> str | None:
        ind = self.rows[row]
        if column == COL_NOTE:
            return self._notes.get((ind.id, self.years[1]), "")
        return self._values.get((ind.id, self.year_of(column)))

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, col = index.row(), index.column()
        if col not in EDITABLE_COLUMNS:
            return False
        text = "" if value is None else str(value)
        try:
            canonical = self.parse(row, col, text)
        except ValueRefused as exc:
            # the refused text stays in its cell, red, until corrected (or given up when
            # the window closes, after asking)
            self.pending[(row, col)] = (text, str(exc))
            self.dataChanged.emit(index, index)
            self.refused.emit(index, str(exc))
            return False
        if self.pending.pop((row, col), None) is not None:
            self.dataChanged.emit(index, index)
        if canonical == self.stored(row, col):
            return True  # nothing changed: no write, no undo step
        ind = self.rows[row]
        if col == COL_NOTE:
            command = SetNoteCommand(self.report, ind.id, self.years[1], canonical, self.notifier)
        else:
            command = SetValueCommand(
                self.report, ind.id, self.year_of(col), canonical, self.notifier
            )
        return self._push(command)

    def apply_texts(self, cells: list[CellText], what: str = "粘贴") -> list[str]:
        """Parse every cell first; all accepted → one transaction and one undo step.

        Returns the refusal messages; when there are any nothing is written.
        """
        refusals: list[str] = []
        values: list[tuple[str, int, str | None]] = []
        notes: list[tuple[str, int, str]] = []
        for cell in cells:
            ind = self.rows[cell.row]
            try:
                canonical = self.parse(cell.row, cell.column, cell.text)
            except ValueRefused as exc:
                refusals.append(str(exc))
                continue
            if canonical == self.stored(cell.row, cell.column):
                continue
            if cell.column == COL_NOTE:
                notes.append((ind.id, self.years[1], canonical or ""))
            else:
                values.append((ind.id, self.year_of(cell.column), canonical))
        if refusals:
            return refusals
        for cell in cells:  # typed over, pasted over or cleared: no longer waiting
            if self.pending.pop((cell.row, cell.column), None) is not None:
                index = self.index(cell.row, cell.column)
                self.dataChanged.emit(index, index)
        if not (values or notes):
            return refusals
        count = len(values) + len(notes)
        command = SetValuesCommand(
            self.report, values, self.notifier, text=f"{what} {count} 个单元格", notes=notes
        )
        self._push(command)
        return []

    def _push(self, command) -> bool:
        self._write_error = None
        self.undo_stack.push(command)  # redo() writes; a failed write drops the command
        if self._write_error is not None:
            return False
        self.committed.emit()
        return True


class ValueDelegate(QStyledItemDelegate):
    """A QLineEdit editor that moves like a spreadsheet and refuses bad input in place."""

    move = Signal(int, int)  # rows, columns to move the current cell after a commit

    def __init__(self, model: DataTableModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._index: dict[int, QPersistentModelIndex] = {}

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() in VALUE_COLUMNS:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            ind = self.model.indicator(index.row())
            editor.setPlaceholderText(ind.unit if ind.unit not in ("", "/") else "")
        key = id(editor)
        self._index[key] = QPersistentModelIndex(index)
        editor.destroyed.connect(lambda *_: self._index.pop(key, None))
        return editor

    def setEditorData(self, editor, index):
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        if index.column() == COL_NAME:
            # the ƒ mark sits at the end of the name, so names stay aligned
            option.decorationPosition = QStyleOptionViewItem.Position.Right

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QLineEdit):
            key = event.key()
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier and key in (
                    Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                # leaving for another tab: keep what was typed (or its refusal), then let
                # the tab widget have the key
                if self._acceptable(editor):
                    self.commitData.emit(editor)
                    self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                    view = self.parent()
                    copy = QKeyEvent(event.type(), key, event.modifiers())
                    QApplication.sendEvent(view, copy)
                return True
            moves = {
                Qt.Key.Key_Return: (1, 0),
                Qt.Key.Key_Enter: (1, 0),
                Qt.Key.Key_Tab: (0, 1),
                Qt.Key.Key_Backtab: (0, -1),
            }
            if key in moves:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                ):
                    moves[key] = (-1, 0)
                if not self._acceptable(editor):
                    return True  # refused: the editor stays open with what was typed
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                self.move.emit(*moves[key])
                return True
        return super().eventFilter(editor, event)

    def _acceptable(self, editor: QLineEdit) -> bool:
        index = self._index.get(id(editor))
        if index is None or not index.isValid():
            return True
        try:
            self.model.parse(index.row(), index.column(), editor.text())
        except ValueRefused as exc:
            editor.setStyleSheet("QLineEdit { border: 1px solid #D93025; }")
            self.model.refused.emit(QModelIndex(index), str(exc))
            return False
        editor.setStyleSheet("")
        return True


class DataTableView(GridKeys):
    """Enter moves down, Tab right; Delete clears; Ctrl+C/Ctrl+V copy and paste TSV."""

    refusals = Signal(str, list)  # a heading and the messages (paste, clear)

    def __init__(self, model: DataTableModel, parent=None):
        super().__init__(parent)
        self.data_model = model
        self.setModel(model)
        self.delegate = ValueDelegate(model, self)
        self.delegate.move.connect(self.move_current)
        self.setItemDelegate(self.delegate)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        em = self.fontMetrics().horizontalAdvance("中")
        for col, width in ((COL_SEQ, 3.5), (COL_NAME, 22), (COL_UNIT, 4), (COL_PREV, 7),
                           (COL_CUR, 7)):
            self.setColumnWidth(col, int(width * em))
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        if model.rowCount():
            self.setCurrentIndex(model.index(0, COL_CUR))

    # ------------------------------------------------------------ movement
    def move_current(self, rows: int, columns: int) -> None:
        """After a commit: Enter moves down (up with Shift), Tab walks the editable cells
        and wraps to the next row, as in Excel; past the last cell it leaves the grid."""
        current = self.currentIndex()
        if not current.isValid():
            return
        if columns:
            if not self.step(columns > 0):
                self.leave(columns > 0)
            return
        row = max(0, min(current.row() + rows, self.data_model.rowCount() - 1))
        index = self.data_model.index(row, current.column())
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.scrollTo(index)

    def focus_cell(self, row: int, column: int) -> None:
        index = self.data_model.index(row, column)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event):
        if self.state() != QAbstractItemView.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self.move_current(-1 if shift else 1, 0)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selection()
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event):
        # A Chinese IME commits a word while the cell is only selected: open the editor and
        # hand it the word. Qt opens the editor but drops the committed text (6.12), so the
        # first word typed into a cell would be lost.
        index = self.currentIndex()
        if (
            self.state() != QAbstractItemView.State.EditingState
            and event.commitString()
            and not event.preeditString()
            and index.isValid()
            and index.flags() & Qt.ItemFlag.ItemIsEditable
        ):
            self.edit(index)
            editor = self.indexWidget(index)
            if isinstance(editor, QLineEdit):
                editor.selectAll()  # typing onto a cell replaces it, as with keys
                QApplication.sendEvent(editor, event)
                event.accept()
                return
        super().inputMethodEvent(event)

    # ------------------------------------------------------------ clipboard
    def selected_cells(self) -> list[QModelIndex]:
        cells = self.selectedIndexes()
        if not cells and self.currentIndex().isValid():
            cells = [self.currentIndex()]
        return sorted(cells, key=lambda i: (i.row(), i.column()))

    def copy(self) -> str:
        cells = self.selected_cells()
        if not cells:
            return ""
        rows = range(min(i.row() for i in cells), max(i.row() for i in cells) + 1)
        cols = range(min(i.column() for i in cells), max(i.column() for i in cells) + 1)
        chosen = {(i.row(), i.column()) for i in cells}
        lines = []
        for r in rows:
            lines.append("\t".join(
                tsv_cell(self.data_model.index(r, c).data(RAW_ROLE) or "")
                if (r, c) in chosen else ""
                for c in cols
            ))
        text = "\r\n".join(lines) + "\r\n"  # what Excel and WPS put on the clipboard
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> bool:
        if text is None:
            text = QGuiApplication.clipboard().text()
        grid = parse_tsv(text)
        cells = self.selected_cells()
        if not grid or not cells:
            return False
        targets: list[CellText] = []
        if len(grid) == 1 and len(grid[0]) == 1 and len(cells) > 1:
            # one copied value into a selection fills it, as in Excel
            targets = [CellText(i.row(), i.column(), grid[0][0]) for i in cells]
        else:
            top = min(i.row() for i in cells)
            left = min(i.column() for i in cells)
            for dr, line in enumerate(grid):
                for dc, text_ in enumerate(line):
                    targets.append(CellText(top + dr, left + dc, text_))
        prev, cur = self.data_model.years
        outside = [t for t in targets if t.row >= self.data_model.rowCount()]
        fixed = [t for t in targets if t.column not in EDITABLE_COLUMNS]
        if outside:
            self.refusals.emit("未粘贴：", [f"粘贴的区域超出了表格末行（多出 {len(outside)} 个单元格）。"])
            return False
        if fixed:
            self.refusals.emit("未粘贴：", [
                f"只能粘贴到“{prev}年”“{cur}年”和“备注”列；序号、指标和单位由报告模板确定。"
            ])
            return False
        refusals = self.data_model.apply_texts(targets, "粘贴")
        if refusals:
            self.refusals.emit("未粘贴，以下单元格无法识别（表格没有任何改动）：", refusals)
            return False
        rows = sorted({t.row for t in targets})
        cols = sorted({t.column for t in targets})
        self.selectionModel().select(
            _rect_selection(self.data_model, rows[0], cols[0], rows[-1], cols[-1]),
            QItemSelectionModel.SelectionFlag.ClearAndSelect,
        )
        return True

    def clear_selection(self, text: str = "") -> bool:
        """Clear (or, with "-", mark not applicable) the selected editable cells at once."""
        cells = [i for i in self.selected_cells() if i.column() in EDITABLE_COLUMNS]
        if text == NA:
            cells = [i for i in cells if i.column() in VALUE_COLUMNS]
        if not cells:
            return False
        what = "设为不适用" if text == NA else "清空"
        refusals = self.data_model.apply_texts(
            [CellText(i.row(), i.column(), text) for i in cells], what
        )
        if refusals:
            self.refusals.emit(f"未能{what}：", refusals)
        return not refusals

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        na = menu.addAction("设为不适用（-）")
        na.triggered.connect(lambda: self.clear_selection(NA))
        clear = menu.addAction("清空")
        clear.triggered.connect(lambda: self.clear_selection(""))
        menu.addSeparator()
        copy = QAction("复制", menu, shortcut=QKeySequence.StandardKey.Copy)
        copy.triggered.connect(self.copy)
        paste = QAction("粘贴", menu, shortcut=QKeySequence.StandardKey.Paste)
        paste.triggered.connect(lambda: self.paste())
        menu.addAction(copy)
        menu.addAction(paste)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one menu per right click
        menu.popup(self.viewport().mapToGlobal(pos))


def _rect_selection(model, top: int, left: int, bottom: int, right: int):
    from PySide6.QtCore import QItemSelection

    return QItemSelection(model.index(top, left), model.index(bottom, right))


class DataTableTab(QWidget):
    """The grid, a line for refusals, and the submission fields printed under the table."""

    message = Signal(str)  # for the status bar

    def __init__(self, report: Report, undo_stack: QUndoStack, notifier: Notifier, parent=None,
                 table: IndicatorTable | None = None):
        super().__init__(parent)
        self.report = report
        self.undo_stack = undo_stack
        self.notifier = notifier
        self.model = DataTableModel(report, undo_stack, notifier, self, table=table)
        self.table = self.model.table
        self.view = DataTableView(self.model, self)
        # the edition's line above the table (以主管部门下发的表格为准), wherever it is met
        self.note = QLabel(self.table.note, self, wordWrap=True, visible=bool(self.table.note))
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        # 本年度无毕业生, on the tab of a table holding graduate rows (a report setting)
        self.no_graduates = QCheckBox("本年度无毕业生（毕业生相关数据填“-”）", self)
        self.no_graduates.setVisible(any(i.graduate for i in self.table.rows))
        self.no_graduates.setChecked(report.no_graduates)
        self.no_graduates.toggled.connect(self._toggle_no_graduates)
        self.refusal = QLabel(self, wordWrap=True, visible=False)
        self.refusal.setTextFormat(Qt.TextFormat.PlainText)
        self.refusal.setStyleSheet(
            "QLabel { color: #B3261E; background: #FDECEA; border: 1px solid #F5C2BE;"
            " border-radius: 3px; padding: 4px 8px; }"
        )
        self.meta_edits: dict[str, QLineEdit] = {}
        self._shut = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.note)
        layout.addWidget(self.no_graduates)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.refusal)
        layout.addLayout(self._submission_fields())
        self.model.refused.connect(self._show_refusal)
        self.model.committed.connect(self._hide_refusal)
        self.view.refusals.connect(self._show_refusals)
        # Esc drops what was typed: its refusal goes with it
        self.view.delegate.closeEditor.connect(
            lambda _editor, hint: hint == QStyledItemDelegate.EndEditHint.RevertModelCache
            and self._hide_refusal())
        undo_stack.indexChanged.connect(self._read_meta)

    def _submission_fields(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        hints = {"school": "", "filler": "", "reviewer": "", "phone": "", "fill_date": "年　月　日"}
        for key, hint in hints.items():
            label = QLabel(("填报单位" if key == "school" else META_LABELS[key]) + "：", self)
            edit = QLineEdit(self, placeholderText=hint)
            edit.setText(self.report.file.get_meta(key))
            edit.editingFinished.connect(lambda key=key: self._commit_meta(key))
            row.addWidget(label)
            row.addWidget(edit, 3 if key == "school" else 1)
            self.meta_edits[key] = edit
        return row

    def _commit_meta(self, key: str) -> None:
        if self._shut:
            return  # the window is closing: focus moving away is not an edit
        edit = self.meta_edits[key]
        text = edit.text().strip()
        if key == "school" and not text:
            edit.setText(self.report.file.get_meta(key))
            self._show_refusals("", ["学校名称不能为空。"])
            return
        problem = field_problem(key, text)
        if problem:  # refused in place, with its limit; the stored value stays
            self._show_refusals("", [problem])
            return
        edit.setModified(False)
        if text == self.report.file.get_meta(key):
            return
        self.undo_stack.push(SetMetaCommand(self.report, key, text, self.notifier))

    def _toggle_no_graduates(self, on: bool) -> None:
        if self._shut or on == self.report.no_graduates:
            return  # the box following an undo, not a click
        self.undo_stack.push(NoGraduatesCommand(self.report, on, self.notifier))

    def _read_meta(self) -> None:
        for key, edit in self.meta_edits.items():
            value = self.report.file.get_meta(key)
            if edit.text() != value and not edit.isModified():  # never under the user's typing
                edit.setText(value)
        if self.no_graduates.isChecked() != self.report.no_graduates:
            self.no_graduates.setChecked(self.report.no_graduates)

    # ------------------------------------------------------------ messages
    def _show_refusal(self, index: QModelIndex, message: str) -> None:
        self.refusal.setText("✕ " + message)
        self.refusal.setVisible(True)
        self.message.emit(message)
        if index.isValid():
            rect = self.view.visualRect(index)
            QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), message,
                              self.view)

    def _show_refusals(self, heading: str, messages: list[str]) -> None:
        shown = messages[:12]
        more = len(messages) - len(shown)
        text = heading + "\n" if heading else ""
        text += "\n".join("✕ " + m for m in shown)
        if more:
            text += f"\n…另有 {more} 处。"
        self.refusal.setText(text)
        self.refusal.setVisible(True)
        self.message.emit((heading + messages[0]) if messages else heading)

    def _hide_refusal(self) -> None:
        self.refusal.setVisible(False)

    def pending_refusal(self) -> tuple[QWidget, str] | None:
        """Text the file refused that is still shown, in an open cell editor or kept in its
        cell, and the message."""
        view = self.view
        if self.model.pending and not view.editing():
            (_row, _col), (_text, message) = next(iter(self.model.pending.items()))
            return view, message
        if not view.editing():
            return None
        index = view.currentIndex()
        editor = view.indexWidget(index)
        if not isinstance(editor, QLineEdit) or not index.isValid():
            return None
        try:
            self.model.parse(index.row(), index.column(), editor.text())
        except ValueRefused as exc:
            return editor, str(exc)
        return None

    def focus_refusal(self) -> None:
        """Back to the first refused cell, to correct it."""
        if self.model.pending:
            self.view.focus_cell(*next(iter(self.model.pending)))

    def shutdown(self) -> None:
        """Before the report closes: nothing may touch the file any more."""
        if self._shut:
            return  # a failed restore closes the window after the tab was shut down
        self._shut = True
        self.model.notifier.changed.disconnect(self.model._on_change)
        self.undo_stack.indexChanged.disconnect(self._read_meta)

    # ------------------------------------------------------------ the tab contract
    def reload(self) -> None:
        self.model.reload()
        self._read_meta()

    def completeness(self) -> tuple[int, int]:
        return self.model.completeness()

    def reveal(self, keys) -> None:
        """Select the cells an undo or redo changed, so the user sees what happened."""
        cells = []
        for key in keys:  # (indicator, year) or (indicator, year, "note")
            row = self.model.row_of.get(key[0])
            if row is not None:
                cells.append((row, COL_NOTE if len(key) > 2 else self.model.column_of(key[1])))
        if not cells:
            return
        view = self.view
        view.focus_cell(*cells[0])
        for row, column in cells[1:]:
            view.selectionModel().select(
                self.model.index(row, column), QItemSelectionModel.SelectionFlag.Select
            )

    def focus_indicator(self, indicator: str, year: int | None = None) -> bool:
        row = self.model.row_of.get(indicator)
        if row is None:
            return False
        if year is not None and year not in self.model.years:
            # The file keeps older years, and the checks cover them; the grid shows two.
            # Selecting this year's cell would point at a value that is not in question.
            prev, cur = self.model.years
            self.view.focus_cell(row, COL_NAME)
            self.message.emit(f"这条检查结果涉及 {year} 年的数据；“{self.table.heading('').strip()}”"
                              f"只列出 {prev} 年和 {cur} 年。")
            return True
        column = self.model.column_of(year) if year is not None else COL_CUR
        self.view.focus_cell(row, column)
        return True
