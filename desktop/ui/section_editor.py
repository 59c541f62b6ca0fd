"""The editor of one section: its title, its text, its tables and figures, and on the
chapter itself the chapter's base facts.

Text is committed on a short idle timer and when the editor loses focus, never while an
input method is composing (the timer only reads committed text, and a refresh never
touches an editor whose text is what the file holds). Commits of one stretch of typing
merge into one undo step (see chapter_undo.SetSectionText).

Tables and figures sit between paragraphs: a block placed "after paragraph N" prints after
the N-th non-empty line of the text, exactly as desktop.assemble places it.
"""

from __future__ import annotations

import itertools
from functools import partial

from msgspec import Struct
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.store import FigureRow, SectionRow, TableRow
from desktop import live
from desktop.charts import ChartError, ChartSpec
from desktop.report import ValueRefused, reading_order
from desktop.text import char_count, paragraphs
from desktop.ui import chapter_undo as cmd
from desktop.ui import chart_editor, live_values
from desktop.ui.chart_editor import ChartEditor
from desktop.ui.figure_editor import (
    AcceptsImageFiles,
    FigureEditor,
    choose_image_files,
    local_files,
    read_images,
)
from desktop.ui.live_values import LiveText
from desktop.ui.outline import chapter_label, line_icon
from desktop.ui.table_editor import FixedTableView, FreeTableEditor, InlineMessage, PlainTableView
from desktop.ui.undo import Change

COMMIT_IDLE_MS = 600
# Splitter places the user chose, shared by every chapter tab and kept in the settings by
# the window: the writing box's share of the editor's height (never below half).
REMEMBERED: dict[str, float] = {"text_share": 0.62, "outline": 0}
PROGRESS_AFTER_MS = 500  # reading images: the progress dialog appears when it takes longer
TEXT_PLACEHOLDER = "在此撰写本节正文。每段一行，按 Enter 另起一段；左侧数字为段落编号。"
_MUTED = "#6b6b6b"


# ---------------------------------------------------------------- the text


class _Gutter(QWidget):
    def __init__(self, editor: TextEdit):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(event)


class TextEdit(LiveText, QPlainTextEdit):
    """Plain text whose paragraphs are numbered in the margin, the numbers that a table's
    or a figure's "位于第 N 段之后" refers to.

    Undo and Redo go to the window's shared stack (the document keeps no history of its
    own), and image files dropped on the text are inserted as a figure, not as file names.
    """

    undoRequested = Signal()
    redoRequested = Signal()
    focusLost = Signal()
    filesDropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.undo_stack = None  # the shared stack, for the context menu's 撤销/重做
        self._gutter = _Gutter(self)
        self.init_live()
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._update_gutter)
        self._update_margins()

    # ------------------------------------------------------------ margin numbers
    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return self.fontMetrics().horizontalAdvance("9" * max(2, digits)) + 14

    def _update_margins(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def paint_gutter(self, event) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), QColor("#f4f2ee"))
        painter.setPen(QColor("#9a958c"))
        block = self.firstVisibleBlock()
        # paragraph number of the first visible line: non-empty lines above it
        number = 0
        b = self.document().firstBlock()
        while b.isValid() and b != block:
            number += bool(b.text().strip())
            b = b.next()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.text().strip():
                number += 1
                if block.isVisible() and bottom >= event.rect().top():
                    painter.drawText(0, top, self._gutter.width() - 6, height,
                                     Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom
        painter.end()

    # ------------------------------------------------------------ undo, focus, drops
    def event(self, event) -> bool:
        # Claim Undo/Redo before the window's shortcuts see them, so that pending text is
        # committed first and then undone as one step with what came before.
        if event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo)
            or event.matches(QKeySequence.StandardKey.Redo)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undoRequested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self.redoRequested.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()

    def dragEnterEvent(self, event) -> None:
        if local_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if local_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        paths = local_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.filesDropped.emit(paths)
        else:
            super().dropEvent(event)

    def contextMenuEvent(self, event) -> None:
        # The standard menu's 撤销/重做 are off (no local history); offer the shared ones.
        menu = self.createStandardContextMenu(event.pos())
        undo = QAction("撤销", menu, shortcut=QKeySequence.StandardKey.Undo)
        undo.triggered.connect(self.undoRequested)
        redo = QAction("重做", menu, shortcut=QKeySequence.StandardKey.Redo)
        redo.triggered.connect(self.redoRequested)
        if self.undo_stack is not None:
            # typed but not yet stored text is committed first, so undo is possible then too
            undo.setEnabled(self.undo_stack.canUndo() or self.document().isModified())
            redo.setEnabled(self.undo_stack.canRedo())
        first = menu.actions()[0] if menu.actions() else None
        for act in menu.actions()[:2]:
            if act.text().replace("&", "").lower().startswith(("undo", "redo", "撤销", "重做")):
                menu.removeAction(act)
                first = menu.actions()[0] if menu.actions() else None
        menu.insertActions(first, [undo, redo])
        menu.insertSeparator(first)
        menu.exec(event.globalPos())
        menu.deleteLater()


# ---------------------------------------------------------------- facts


class FactsForm(QWidget):
    """The chapter's base facts, last year and this year, generated from the template.

    Last year's facts are what make last year's derived values (生均…) computable; a first
    report types them once, later reports find them in the file.

    The form reflows: two groups of facts side by side when the editor is wide, one under
    the other when it is narrow (a 1366×768 laptop at 150 %), and it folds away under its
    heading, so the text below keeps most of the height. A value it refuses stays in its
    field, marked, with its message, until it is corrected: edits of other facts (which
    re-read the form) do not wipe it."""

    WIDE_GAP = 16

    def __init__(self, host, parent=None):
        super().__init__(parent)
        self.host = host
        template = host.report.template
        previous, current = host.report.years
        self.fields: dict[str, QLineEdit] = {}  # this year's, by fact id
        self.previous: dict[str, QLineEdit] = {}  # last year's
        self.refused: dict[QLineEdit, str] = {}  # field -> its message, until corrected
        self.labels: dict[str, QLabel] = {}
        self.year_labels: list[QLabel] = []
        self.hints: dict[QLineEdit, str] = {}  # field -> its help in full
        self.facts = list(host.chapter.facts)
        self.toggle = QToolButton(self, text="基础数据", checkable=True, checked=True,
                                  autoRaise=True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        font = QFont(self.toggle.font())
        font.setBold(True)
        self.toggle.setFont(font)
        self.toggle.setToolTip("展开或收起本章的基础数据")
        self.toggle.toggled.connect(self._toggled)
        self.toggle.clicked.connect(self._clicked)
        self._opened_by_user = False
        self._auto = False
        self.body = QWidget(self)
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(4, 0, 4, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(6)
        for year in (previous, current) * 2:
            self.year_labels.append(QLabel(f"{year}年", self.body,
                                           alignment=Qt.AlignmentFlag.AlignCenter))
        for fact_id in self.facts:
            ind = template.indicators[fact_id]
            label = f"{ind.name}（{ind.unit}）" if ind.unit else ind.name
            self.labels[fact_id] = QLabel(label, self.body, alignment=Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
            for year, fields in ((previous, self.previous), (current, self.fields)):
                field = QLineEdit(self.body, placeholderText=_placeholder(ind.help)
                                  if year == current else "")
                field.setToolTip(f"{ind.name}（{year}年）：{ind.help or ind.name}")
                if ind.help:  # said in full under the form while the field has the keyboard
                    self.hints[field] = f"{ind.name}（{year}年）：{ind.help}"
                    field.installEventFilter(self)
                field.setClearButtonEnabled(True)
                field.setMinimumWidth(90 if year == previous else 120)
                field.setMaximumWidth(260)  # a number needs no full-width field
                if ind.type.kind != "text":
                    field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                field.editingFinished.connect(partial(self._commit, fact_id, year))
                fields[fact_id] = field
        # tab order as read: a fact's two years, then the next fact
        chain = [f for fact_id in self.facts for f in (self.previous[fact_id], self.fields[fact_id])]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.columns = 0
        self._place(2 if len(self.facts) >= 3 else 1)
        self.message = InlineMessage(self)
        # the fields scroll inside when the editor is short (the text keeps its half)
        self.scroll = QScrollArea(self, widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        self.scroll.setMinimumHeight(1)  # 0 would mean "its own minimum", 68 px
        self.scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.scroll)
        # the placeholder holds the help's first words only: the whole of it, wrapped, here
        self.hint = QLabel(self, wordWrap=True, visible=False)
        self.hint.setContentsMargins(4, 0, 4, 0)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        # as tall as its rows: the text below gets the rest
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def title(self) -> str:
        return self.toggle.text()

    # ------------------------------------------------------------ layout
    def _place(self, columns: int) -> None:
        """Lay the facts out in one group or two side by side."""
        if columns == self.columns:
            return
        self.columns = columns
        grid = self.grid
        while grid.count():
            grid.takeAt(0)
        for c in range(grid.columnCount()):
            grid.setColumnStretch(c, 0)
            grid.setColumnMinimumWidth(c, 0)
        half = len(self.facts) if columns == 1 else (len(self.facts) + 1) // 2
        for n, label in enumerate(self.year_labels):
            group = n // 2
            label.setVisible(group < columns)
            if group < columns:
                grid.addWidget(label, 0, group * 4 + 1 + n % 2)
        for n, fact_id in enumerate(self.facts):
            row, column = 1 + n % half, (n // half) * 4
            grid.addWidget(self.labels[fact_id], row, column)
            grid.addWidget(self.previous[fact_id], row, column + 1)
            grid.addWidget(self.fields[fact_id], row, column + 2)
        if columns == 2:
            grid.setColumnMinimumWidth(3, self.WIDE_GAP)
        grid.setColumnStretch(4 * columns, 1)

    def _group_width(self) -> int:
        label = max((lbl.sizeHint().width() for lbl in self.labels.values()), default=0)
        fields = max((f.minimumSizeHint().width() for f in self.previous.values()), default=0) \
            + max((f.minimumSizeHint().width() for f in self.fields.values()), default=0)
        return label + max(fields, 210) + 2 * self.grid.horizontalSpacing()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._group_width() + 16), hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if len(self.facts) >= 3:
            wide = event.size().width() >= 2 * self._group_width() + self.WIDE_GAP + 16
            self._place(2 if wide else 1)

    def _clicked(self, shown: bool) -> None:
        self._opened_by_user = shown  # folding again gives the decision back
        self._auto = False

    def eventFilter(self, watched, event) -> bool:
        if watched in self.hints and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            focused = event.type() == QEvent.Type.FocusIn and self.scroll.isVisible()
            self.hint.setText(self.hints[watched] if focused else "")
            self.hint.setVisible(focused)
        return super().eventFilter(watched, event)

    def _toggled(self, shown: bool) -> None:
        if not shown and self.refused:
            self.toggle.setChecked(True)  # a refused value is never hidden away
            return
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.scroll.setVisible(shown)

    def cap_height(self, height: int) -> None:
        """At most this many pixels for the fields (they scroll within). With less than
        two rows' room the form folds away by itself (the user may open it again; it then
        takes two rows)."""
        wanted = self.body.sizeHint().height()
        two_rows = 2 * self.fields_row_height()
        if height < min(wanted, two_rows):
            if not self._opened_by_user and not self.refused:
                self._auto = True
                self.toggle.setChecked(False)
            height = min(wanted, two_rows)
        elif self._auto:
            self._auto = False
            self.toggle.setChecked(True)
        self.scroll.setMaximumHeight(max(1, min(wanted, height)))

    def fields_row_height(self) -> int:
        field = next(iter(self.fields.values()), None)
        return (field.sizeHint().height() if field else 24) + self.grid.verticalSpacing()

    def set_expanded(self, shown: bool) -> None:
        self.toggle.setChecked(shown)

    def expanded(self) -> bool:
        return self.toggle.isChecked()

    # ------------------------------------------------------------ values
    def _all_fields(self):
        previous, current = self.host.report.years
        for fact_id, field in self.previous.items():
            yield fact_id, previous, field
        for fact_id, field in self.fields.items():
            yield fact_id, current, field

    def load(self) -> None:
        for _fact_id, _year, field in list(self._all_fields()):
            if field in self.refused:
                continue  # refused text waits to be corrected; the file did not take it
            if field.isModified() and field.hasFocus():
                continue  # being typed: the refresh of another edit must not undo it
            value = self.host.report.file.value(_fact_id, _year)
            field.setText(value or "")
            field.setModified(False)
            _mark(field, False)
        self._show_refusals()

    def _show_refusals(self) -> None:
        if self.refused:
            self.message.show_message("；".join(self.refused.values()))
        else:
            self.message.clear()

    def _commit(self, fact_id: str, year: int) -> None:
        field = (self.fields if year == self.host.report.year else self.previous)[fact_id]
        report = self.host.report
        old = report.file.value(fact_id, year)
        try:
            new = report.parse(fact_id, year, field.text())
        except ValueRefused as exc:
            # The typed text stays in the field, marked, so it can be corrected in place.
            self.refused[field] = f"{exc}，未保存"
            _mark(field, True)
            self.set_expanded(True)
            self._show_refusals()
            return
        self.refused.pop(field, None)
        _mark(field, False)
        self._show_refusals()
        field.setModified(False)
        if new == old:
            field.setText(new or "")
            return
        name = report.template.indicators[fact_id].name
        self.host.push(cmd.SetValue(self.host, name, fact_id, year, old, new,
                                    self.host.root_id()))

    def discard_refusal(self, fact_id: str, year: int) -> None:
        """An undo or redo of this fact shows the file: what was refused there goes."""
        field = (self.fields if year == self.host.report.year else self.previous).get(fact_id)
        if field is not None and self.refused.pop(field, None) is not None:
            field.setModified(False)

    def focus_fact(self, fact_id: str) -> bool:
        field = self.fields.get(fact_id)
        if field is None:
            return False
        self.set_expanded(True)
        field.setFocus()
        field.selectAll()
        return True


def _placeholder(help_text: str) -> str:
    """The first clause of the help, short enough for a field."""
    for stop in ("，", "。", "；"):
        head, sep, _ = help_text.partition(stop)
        if sep and len(head) <= 16:
            return head
    return help_text[:16]


def _as_typed(text: str) -> str:
    """Stored text as the editor gives it back: soft line breaks come back as line ends
    (so editing a section from Word makes its soft breaks paragraph breaks)."""
    return text.replace("\x0b", "\n").replace("\u2028", "\n")


def _mark(field: QLineEdit, refused: bool) -> None:
    field.setStyleSheet("QLineEdit { border: 1px solid #b3261e; }" if refused else "")


# ---------------------------------------------------------------- blocks


class Block(Struct, frozen=True):
    kind: str  # "table" or "figure"
    row: TableRow | FigureRow

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.row.id)


def _charts(row: FigureRow, tables: set[int]) -> bool:
    """Whether the figure is a chart drawn from one of `tables`."""
    if not tables or not row.chart:
        return False
    try:
        return ChartSpec.from_json(row.chart).table in tables
    except ChartError:
        return False


def ordered_blocks(tables: list[TableRow], figures: list[FigureRow]) -> list[Block]:
    """Tables and figures in reading order, the order the print places them in."""
    return [Block(kind, row) for kind, row in reading_order(tables, figures)]


def placement_changes(blocks: list[Block], order: list[Block],
                      afters: dict[tuple[str, int], int]) -> list[cmd.FieldChange]:
    """Field changes that give `order` positions 0..n-1 and the given afters."""
    changes: list[cmd.FieldChange] = []
    for position, block in enumerate(order):
        after = afters.get(block.key, block.row.after)
        if after != block.row.after:
            changes.append((block.kind, block.row.id, "after", block.row.after, after))
        if position != block.row.position:
            changes.append((block.kind, block.row.id, "position", block.row.position, position))
    return changes


class BlockFrame(QFrame):
    """One table or figure of the section: number, caption, placement and its editor."""

    def __init__(self, host, editor: SectionEditor, block: Block, parent=None):
        super().__init__(parent)
        self.host = host
        self.editor = editor
        self.kind = block.kind
        self.item_id = block.row.id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("block")
        self.setStyleSheet("QFrame#block { background: #fbfaf7; border: 1px solid #d9d4ca;"
                           " border-radius: 4px; }")

        self.number = QLabel(self)
        font = QFont(self.number.font())
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLineEdit(self)
        self.caption.setClearButtonEnabled(True)
        self.caption.editingFinished.connect(self._commit_caption)
        self.after = QSpinBox(self, prefix="位于第 ", suffix=" 段之后", keyboardTracking=False)
        self.after.setSpecialValueText("位于正文之前")
        self.after.setToolTip("表格或图片印在正文第几段之后（段落编号见正文左侧）")
        self.after.valueChanged.connect(self._after_changed)
        self.up = QToolButton(self, icon=line_icon("up"), autoRaise=True, toolTip="上移")
        self.up.clicked.connect(lambda: editor.move_block(self.kind, self.item_id, -1))
        self.down = QToolButton(self, icon=line_icon("down"), autoRaise=True, toolTip="下移")
        self.down.clicked.connect(lambda: editor.move_block(self.kind, self.item_id, 1))
        self.delete = QToolButton(self, icon=line_icon("delete"), autoRaise=True,
                                  toolTip="删除此表格" if self.kind == "table" else "删除此图")
        self.delete.clicked.connect(lambda: host.delete_block(self.kind, self.item_id))

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(6)
        header.addWidget(self.number)
        header.addWidget(self.caption, 1)
        header.addWidget(self.after)
        header.addWidget(self.up)
        header.addWidget(self.down)
        header.addWidget(self.delete)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 6, 8, 8)
        self.layout_.setSpacing(6)
        self.layout_.addLayout(header)
        self.body: QWidget | None = None
        self.row = block.row

    def load(self, block: Block, number: str, paragraph_count: int, first: bool,
             last: bool) -> None:
        self.row = row = block.row
        template = self.host.report.template
        if self.kind == "table":
            assert isinstance(row, TableRow)
            if row.kind == "plain":
                spec, default = row, "表题"
                if self.body is None:
                    self.body = PlainTableView(row, self)
                else:
                    self.body.load(row)
            elif row.kind == "free":
                spec = template.free_tables.get(row.ref)
                default = spec.caption if spec else row.ref
                if self.body is None and spec is not None:
                    self.body = FreeTableEditor(self.host, row, spec, self)
                elif self.body is not None:
                    self.body.load(row)
            else:
                spec = template.fixed_tables.get(row.ref)
                default = spec.title(self.host.report.school) if spec else row.ref
                if self.body is None and spec is not None:
                    self.body = FixedTableView(self.host, spec, self)
                if self.body is not None:
                    self.body.load(self.host.shown())
            if spec is None:
                default = f"（模板中没有表格 {row.ref}）"
        else:
            assert isinstance(row, FigureRow)
            default = "图题，如：学生参加技能大赛"
            if self.body is None:  # a chart draws the report's numbers instead of photos
                self.body = (ChartEditor if row.chart else FigureEditor)(self.host, row, self)
            else:
                self.body.load(row)
        if self.body is not None and self.layout_.indexOf(self.body) < 0:
            self.layout_.addWidget(self.body)
            self.body.show()
        self.number.setText(number or ("表" if self.kind == "table" else "图"))
        self.caption.setPlaceholderText(default)
        if not self.caption.hasFocus() and self.caption.text() != row.caption:
            self.caption.setText(row.caption)
        self.caption.setToolTip("留空则使用模板中的表题" if self.kind == "table"
                                else "图题印在图片下方")
        self.set_paragraphs(paragraph_count)
        self.up.setEnabled(not first)
        self.down.setEnabled(not last)

    def set_paragraphs(self, count: int) -> None:
        """The range of "位于第 N 段之后": the text's paragraphs (or more, if the text
        shrank under a block: it then prints at the end and keeps its number)."""
        self.after.blockSignals(True)
        self.after.setMaximum(max(count, self.row.after))
        self.after.setValue(self.row.after)
        self.after.blockSignals(False)

    def _commit_caption(self) -> None:
        text = self.caption.text().strip()
        if text != self.row.caption:
            self.host.push(cmd.SetFields(
                self.host, "修改表题" if self.kind == "table" else "修改图题",
                self.row.section, [(self.kind, self.item_id, "caption", self.row.caption, text)]))

    def _after_changed(self, value: int) -> None:
        self.editor.place_block(self.kind, self.item_id, value)


# ---------------------------------------------------------------- the editor


class SectionEditor(AcceptsImageFiles, QWidget):
    """Everything of the selected section; reused (not rebuilt) when the selection moves,
    so focus and scroll positions survive refreshes after each edit."""

    def __init__(self, host, parent=None):
        super().__init__(parent)
        self.host = host
        self.report = host.report
        self.chapter = host.chapter
        self.section: SectionRow | None = None
        self.level = 0
        self._target: int | None = None  # the section to show (set before it is read)
        self._loaded_text = ""  # the text as last read from or stored to the file
        self._loading = False  # setPlainText in progress: not typing
        self._case_others: int | None = None  # characters of the case outside this text
        self._burst = 0
        self._pushing = False
        self._frames: dict[tuple[str, int], BlockFrame] = {}
        self._blocks: list[Block] = []

        # --- top: facts, title, text
        self.facts = FactsForm(host, self) if self.chapter.facts else None
        self.number = QLabel(self)
        heading_font = QFont(self.number.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        self.number.setFont(heading_font)
        self.title = QLineEdit(self, placeholderText="小节标题")
        self.title.setFont(heading_font)
        self.title.editingFinished.connect(self._commit_title)
        self.text = TextEdit(self)
        self.text.live_template = self.report.template
        self.text.setPlaceholderText(TEXT_PLACEHOLDER)
        text_font = QFont(self.text.font())
        text_font.setPointSizeF(text_font.pointSizeF() * 1.1)
        self.text.setFont(text_font)
        self.text.setMinimumHeight(3 * self.text.fontMetrics().height() + 12)
        self.text.textChanged.connect(self._text_changed)
        self.text.focusLost.connect(self._text_focus_lost)
        self.text.undoRequested.connect(lambda: self._stack_step(undo=True))
        self.text.redoRequested.connect(lambda: self._stack_step(undo=False))
        self.text.filesDropped.connect(self.insert_images)
        self.text.undo_stack = host.undo_stack
        self.count = QLabel(self)
        self.count.setStyleSheet(f"color: {_MUTED};")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._timer = QTimer(self, singleShot=True, interval=COMMIT_IDLE_MS)
        self._timer.timeout.connect(self.commit_text)
        host.undo_stack.indexChanged.connect(self._stack_changed)

        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.number)
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.count)  # beside the title: a line less above the text
        top = self.top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(6)
        if self.facts is not None:
            top_layout.addWidget(self.facts)
        top_layout.addLayout(title_row)
        top_layout.addWidget(self.text, 1)

        # --- bottom: tables and figures
        self.insert_table = QPushButton("插入表格", self)
        self.insert_table.setToolTip("插入本章模板提供的表格")
        self.table_menu = QMenu(self.insert_table)
        self.table_menu.aboutToShow.connect(self._fill_table_menu)
        self.insert_table.setMenu(self.table_menu)
        self.insert_figure = QPushButton("插入图片…", self, clicked=self.choose_images)
        self.insert_figure.setToolTip("选择一张或多张图片，作为一幅图插入本节")
        self.insert_chart = QPushButton("插入图表…", self,
                                        clicked=lambda: chart_editor.insert_chart(self))
        self.insert_chart.setToolTip("用柱状图或折线图展示指标的历年数值或表格的一列")
        self.insert_value = QPushButton("插入数值…", self,
                                        clicked=lambda: live_values.insert_value(self))
        self.insert_value.setToolTip("在光标处插入指标的数值：随数据自动更新，打印为普通文字")
        hint = QLabel("也可以把图片文件拖放到正文或此处", self)
        hint.setWordWrap(True)  # wraps rather than widening the editor past a small screen
        hint.setStyleSheet(f"color: {_MUTED};")
        self.message = InlineMessage(self)
        self.empty = QLabel("本节还没有表格或图片。", self)
        self.empty.setStyleSheet(f"color: {_MUTED};")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.insert_table)
        bar.addWidget(self.insert_figure)
        bar.addWidget(self.insert_chart)
        bar.addWidget(self.insert_value)
        bar.addSpacing(8)
        bar.addWidget(hint, 1)
        # files dropped anywhere here that no child takes reach this editor's dropEvent
        self.blocks_widget = QWidget(self)
        self.blocks_layout = QVBoxLayout(self.blocks_widget)
        self.blocks_layout.setContentsMargins(0, 0, 6, 0)
        self.blocks_layout.setSpacing(10)
        self.blocks_layout.addWidget(self.empty)
        self.blocks_layout.addStretch(1)
        scroll = QScrollArea(self, widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(self.blocks_widget)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll = scroll
        scroll.setMinimumHeight(self.fontMetrics().height() + 4)
        bottom = self.bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        bottom_layout.setSpacing(6)
        bottom_layout.addLayout(bar)
        bottom_layout.addWidget(self.message)
        bottom_layout.addWidget(scroll, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self, childrenCollapsible=False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self._balancing = False
        self._has_blocks = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setAcceptDrops(True)

    # ------------------------------------------------------------ sizes
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._balance()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._balance()

    def _balance(self) -> None:
        """Share the height: the writing box gets at least half of it, 基础数据 what is left
        above it (scrolling within), tables and figures the rest, at the share the user
        last chose with the splitter; a section without any gets only its buttons."""
        height = self.splitter.height()
        if height <= 0 or self._balancing:
            return
        self._balancing = True
        try:
            # half of the whole chapter tab, not only of this editor
            text_min = max(height, self.host.height()) // 2 + 8  # + the layouts' spacing
            bottom_min = self.bottom.minimumSizeHint().height()
            # the top's parts other than the text and the facts' fields: title, count,
            # 基础数据's heading
            top_rest = self.top.minimumSizeHint().height() - self.text.minimumHeight()
            if self.facts is not None and self.facts.isVisibleTo(self):
                if self.facts.expanded():
                    top_rest -= self.facts.scroll.minimumHeight()
                room = height - text_min - top_rest - bottom_min - self.splitter.handleWidth()
                self.facts.cap_height(room)
                if self.facts.expanded():
                    top_rest += self.facts.scroll.maximumHeight()
            bottom = int(height * (1 - REMEMBERED["text_share"])) if self._has_blocks else bottom_min
            bottom = max(bottom_min, min(bottom, height - text_min - top_rest))
            self.splitter.setSizes([height - bottom, bottom])
        finally:
            self._balancing = False

    def _splitter_moved(self, pos: int, _index: int) -> None:
        height = self.splitter.height()
        if height > 0 and self._has_blocks:
            REMEMBERED["text_share"] = min(0.9, max(0.5, pos / height))

    # ------------------------------------------------------------ loading
    @property
    def section_id(self) -> int | None:
        return self.section.id if self.section else None

    def show_section(self, section_id: int) -> None:
        if self.section is not None and section_id == self.section.id:
            self.refresh()
            return
        self.commit_text()
        self._burst += 1
        self.message.clear()
        for frame in self._frames.values():
            self.blocks_layout.removeWidget(frame)
            frame.hide()  # now: its queued work (thumbnails) must see it is gone
            frame.deleteLater()
        self._frames.clear()
        self.section = None
        self._target = section_id
        self.refresh(new=True)
        self.scroll.verticalScrollBar().setValue(0)

    def refresh(self, new: bool = False, change: Change | None = None) -> None:
        """Re-read the shown section from the file. Widgets change only where the file
        differs from what they show, so a refresh after an edit keeps cursor and focus.
        A `change` of kind "block" names the tables and figures that changed: only their
        frames re-read (the other blocks and their numbering did not change)."""
        if self._target is None:
            return
        try:
            section = self.report.file.section(self._target)
        except KeyError:
            return  # deleted: the tab selects another section
        self.section = section
        self.level = self.host.outline_level(section.id)
        self._case_others = None
        root = self.level == 0
        if self.facts is not None:
            if self.facts.isVisibleTo(self) != root:
                self.facts.setVisible(root)
                self._balance()
            if root:
                self.facts.load()
        self._load_title(section, root)
        if root and self.host.outline_children(section.id):
            self.text.setPlaceholderText("本章引言，可不填。各小节的正文请在左侧大纲中选择小节后撰写。")
        else:
            self.text.setPlaceholderText(TEXT_PLACEHOLDER)
        # The file holds what the editor last stored: keep the editor as it is (it may
        # hold newer typing, or an input method's composition). Otherwise the file
        # changed underneath (undo, redo, another section): show the file.
        if new or section.text != self._loaded_text:
            self._set_text(section.text)
        else:
            self.text.refresh_live(self.live_value_of())  # values may have changed
        self._update_count()
        only = set(change.keys) if change is not None and change.kind == "block" else None
        self._load_blocks(only)

    def refresh_text(self) -> None:
        """After a text edit (or its undo): the text, the count and the paragraph range of
        the blocks; the tables and figures themselves did not change."""
        if self.section is None:
            return
        self.section = section = self.report.file.section(self.section.id)
        if section.text != self._loaded_text:
            self._set_text(section.text)
        self._update_count()
        count = len(paragraphs(self.text.toPlainText()))
        for frame in self._frames.values():
            frame.set_paragraphs(count)

    def _load_title(self, section: SectionRow, root: bool) -> None:
        if root:
            heading = self.report.template.chapter_heading(self.chapter)
            if self.chapter.case:
                self.number.setText(heading)
                self.title.setVisible(True)
                self.title.setPlaceholderText(f"案例标题（如：{self.chapter.title}）")
            else:
                self.number.setText(chapter_label(self.report.template, self.chapter, ""))
                self.title.setVisible(False)
        else:
            numbers = self.report.template.outline_numbers(
                self.chapter, self.report.file.sections(self.chapter.id))
            self.number.setText(numbers.get(section.id, "").strip())
            self.title.setVisible(True)
            self.title.setPlaceholderText("小节标题")
        if not (self.title.hasFocus() and self.title.isModified()):
            if self.title.text() != section.title:
                self.title.setText(section.title)
                if not self.title.hasFocus():
                    self.title.setCursorPosition(0)  # a long title shows its beginning
            self.title.setModified(False)

    def _set_text(self, text: str) -> None:
        self._timer.stop()
        cursor = self.text.textCursor()
        position = cursor.position()
        scroll = self.text.verticalScrollBar().value()
        self._loading = True
        try:
            # Word's manual line break (\v) would show as a box: shown as a line break
            self.text.set_stored_text(text.replace("\x0b", "\u2028"), self.live_value_of())
        finally:
            self._loading = False
        self._loaded_text = text
        if self.text.hasFocus():
            cursor = self.text.textCursor()
            cursor.setPosition(min(position, len(text)))
            self.text.setTextCursor(cursor)
            self.text.verticalScrollBar().setValue(scroll)

    def _update_count(self) -> None:
        text = self.text.toPlainText()
        parts = [f"本节 {char_count(text)} 字", f"{len(paragraphs(text))} 段"]
        style = f"color: {_MUTED};"
        if self.chapter.case and self.chapter.max_chars and self.section is not None:
            if self._case_others is None:
                # the rest of the case, read once per section, not on every keystroke
                self._case_others = self.host.case_chars(self.section.id, "")
            total = self._case_others + char_count(text)
            parts.append(f"案例共 {total} 字（建议不超过 {self.chapter.max_chars} 字）")
            if total > self.chapter.max_chars:
                style = "color: #8a5a00;"
        self.count.setText(" · ".join(parts))
        self.count.setStyleSheet(style)

    def _load_blocks(self, only: set[tuple[str, int]] | None = None) -> None:
        assert self.section is not None
        file = self.report.file
        blocks = ordered_blocks(file.tables(self.section.id), file.figures(self.section.id))
        if only is not None and [b.key for b in blocks] == [b.key for b in self._blocks] \
                and all(b.key in self._frames for b in blocks):
            # the same blocks in the same order: numbers and placement stand; a chart
            # drawn from a changed table changed with it
            tables = {row_id for kind, row_id in only if kind == "table"}
            only = only | {b.key for b in blocks if b.kind == "figure" and _charts(b.row, tables)}
            for n, block in enumerate(blocks):
                if block.key in only:
                    self._blocks[n] = block
            blocks = self._blocks
        else:
            only = None
        self._blocks = blocks
        table_numbers, figure_numbers = self.host.numbers()
        count = len(paragraphs(self.text.toPlainText()))
        keys = {b.key for b in blocks}
        for key in list(self._frames):
            if key not in keys:
                frame = self._frames.pop(key)
                self.blocks_layout.removeWidget(frame)
                frame.hide()
                frame.deleteLater()
        for n, block in enumerate(blocks):
            frame = self._frames.get(block.key)
            if only is not None and block.key not in only:
                continue
            if frame is None:
                frame = BlockFrame(self.host, self, block, self.blocks_widget)
                self._frames[block.key] = frame
            numbers = table_numbers if block.kind == "table" else figure_numbers
            frame.load(block, numbers.get(block.row.id, ""), count, n == 0, n == len(blocks) - 1)
            # keep the layout in reading order: the empty note first, the stretch last
            if self.blocks_layout.indexOf(frame) != n + 1:
                self.blocks_layout.removeWidget(frame)
                self.blocks_layout.insertWidget(n + 1, frame)
                frame.show()  # now, not when the layout gets round to it
        self.empty.setVisible(not blocks)
        if bool(blocks) != self._has_blocks:
            self._has_blocks = bool(blocks)
            self._balance()

    # ------------------------------------------------------------ text
    def _text_changed(self) -> None:
        if self._loading:
            return
        self._update_count()
        self._timer.start()

    def _text_focus_lost(self) -> None:
        self.commit_text()
        self._burst += 1  # coming back to the text starts a new undo step

    def live_value_of(self):
        """value_of(indicator, year) for live values: the values as the report shows them."""
        return live.resolver(self.report, self.host.shown())

    def commit_text(self) -> None:
        """Store the typed text now (the idle timer calls this; so do focus changes)."""
        self._timer.stop()
        if self.section is None:
            return
        text = self.text.stored_text().replace("\u2028", "\n")
        if text == _as_typed(self._loaded_text):
            return  # unchanged (a soft line break reads back as a line end)
        section_id, old = self.section.id, self._loaded_text
        self._loaded_text = text
        command = cmd.SetSectionText(self.host, section_id, old, text, self._burst)
        if self.host.in_command:
            # Never push from inside another command's redo/undo: push right after it.
            QTimer.singleShot(0, partial(self._push_later, command))
            return
        self._push(command)

    def _push_later(self, command: cmd.SetSectionText) -> None:
        if self.host.has_section(command.section_id):
            self._push(command)

    def _push(self, command) -> None:
        self._pushing = True
        try:
            self.host.push(command)
        finally:
            self._pushing = False

    def _stack_changed(self, _index: int) -> None:
        if not self._pushing:
            self._burst += 1  # an undo, a redo or another edit: typing on is a new step

    def _stack_step(self, undo: bool) -> None:
        self.commit_text()
        stack = self.host.undo_stack
        stack.undo() if undo else stack.redo()

    def _commit_title(self) -> None:
        if self.section is None or not self.title.isModified():
            return
        self.title.setModified(False)
        title = self.title.text().strip()
        if not title and self.level > 0:
            self.title.setText(self.section.title)  # a section needs a title to print
            return
        if title != self.section.title:
            self.host.rename_section(self.section.id, title)

    # ------------------------------------------------------------ blocks
    def _fill_table_menu(self) -> None:
        menu = self.table_menu
        menu.clear()
        template = self.report.template
        if self.chapter.free_tables:
            menu.addSection("本章表格")
            for ref in self.chapter.free_tables:
                act = menu.addAction(template.free_tables[ref].caption)
                act.triggered.connect(partial(self.add_table, "free", ref))
        if self.chapter.tables:
            menu.addSection(f"数据表摘录（数值来自{template.tables_name}）")
            present = self.host.fixed_tables_present()
            for ref in self.chapter.tables:
                title = template.fixed_tables[ref].title(self.report.school)
                act = menu.addAction(title + ("（已插入）" if ref in present else ""))
                act.setEnabled(ref not in present)
                act.triggered.connect(partial(self.add_table, "fixed", ref))
        if menu.isEmpty():
            act = menu.addAction("本章模板没有可插入的表格")
            act.setEnabled(False)

    def add_table(self, kind: str, ref: str) -> None:
        if self.section is None:
            return
        self.commit_text()
        self.host.push(cmd.AddTable(self.host, self.section.id, kind, ref,
                                    len(paragraphs(self.text.toPlainText()))))

    def choose_images(self) -> None:
        paths = choose_image_files(self)
        if paths:
            self.insert_images(paths)

    def insert_images(self, paths: list[str], figure_id: int | None = None) -> int:
        """Read image files and insert them: as one new figure at the end of the text, or
        into an existing figure. Refused files are named in a message and not stored.
        Returns the number of photos added (the file dialog and drops call this)."""
        if self.section is None:
            return 0
        self.commit_text()
        section_id = self.section.id
        if len(paths) > 1:
            # A camera photo takes about 0.3 s to turn upright and scale: an album of 200
            # would freeze the window for a minute. The dialog keeps it painted (and input
            # blocked) and lets the user give up.
            progress = QProgressDialog("正在读取图片…", "取消", 0, len(paths), self)
            progress.setWindowTitle("插入图片")
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(PROGRESS_AFTER_MS)

            def step(n: int) -> bool:
                progress.setLabelText(f"正在读取图片：第 {n + 1} 张，共 {len(paths)} 张…")
                progress.setValue(n)
                return not progress.wasCanceled()

            try:
                photos, refusals = read_images(paths, step)
                cancelled = progress.wasCanceled()
            finally:
                progress.close()
                progress.deleteLater()
            if cancelled:
                self.message.show_message("已取消，没有插入图片。", "info")
                return 0
        else:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                photos, refusals = read_images(paths)
            finally:
                QApplication.restoreOverrideCursor()
        if photos:
            if figure_id is None:
                command = cmd.AddFigure(self.host, section_id, photos,
                                        len(paragraphs(self.text.toPlainText())))
            else:
                command = cmd.AddPhotos(self.host, section_id, figure_id, photos)
            self.host.push(command)
        if refusals and photos:
            self.message.show_message(
                f"已插入 {len(photos)} 张图片；以下文件未插入：" + " ".join(refusals), "warning")
        elif refusals:
            self.message.show_message(" ".join(refusals))
        else:
            self.message.clear()
        return len(photos)

    def move_block(self, kind: str, item_id: int, delta: int) -> None:
        order = list(self._blocks)
        keys = [b.key for b in order]
        i = keys.index((kind, item_id))
        j = i + delta
        if not 0 <= j < len(order):
            return
        moving, other = order[i], order[j]
        order[i], order[j] = other, moving
        # the moved block takes its neighbour's paragraph, so it really passes it
        changes = placement_changes(self._blocks, order, {moving.key: other.row.after})
        if changes and self.section is not None:
            self.host.push(cmd.SetFields(self.host, "上移" if delta < 0 else "下移",
                                         self.section.id, changes))

    def place_block(self, kind: str, item_id: int, after: int) -> None:
        key = (kind, item_id)
        rank = {b.key: n for n, b in enumerate(self._blocks)}
        afters = {key: after}
        # stable by the old order: a block moved down lands before the blocks already
        # after that paragraph, one moved up after them, i.e. it passes nothing it
        # was not asked to pass
        order = sorted(self._blocks, key=lambda b: (afters.get(b.key, b.row.after), rank[b.key]))
        changes = placement_changes(self._blocks, order, afters)
        if changes and self.section is not None:
            self.host.push(cmd.SetFields(self.host, "调整位置", self.section.id, changes,
                                         merge_key=("after", kind, item_id)))

    def frame(self, kind: str, item_id: int) -> BlockFrame | None:
        return self._frames.get((kind, item_id))

    def focus_block(self, kind: str, item_id: int) -> bool:
        frame = self.frame(kind, item_id)
        if frame is None:
            return False
        self.scroll.ensureWidgetVisible(frame)
        target = getattr(frame.body, "view", None) or frame.caption
        target.setFocus()
        return True

    # ------------------------------------------------------------ drops on the editor
    def files_dropped(self, paths: list[str]) -> None:
        self.insert_images(paths)
