"""The outline of a chapter: a tree of its sections with automatic numbering.

The model shows what the printed report will show, "（一）立德树人…", but only the title is
stored and edited: the number follows from the position and the chapter's numbering
styles, so moving a section renumbers everything at once. The pane never writes to the
file itself; it asks (signals) and the chapter tab turns each request into an undo command.
"""

from __future__ import annotations

from msgspec import Struct, field
from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.store import SectionRow
from desktop.template import Chapter, Template

SectionIdRole = Qt.ItemDataRole.UserRole + 1
LevelRole = Qt.ItemDataRole.UserRole + 2


def heading_number(chapter: Chapter, level: int, index: int) -> str:
    return chapter.heading_number(level, index)


def chapter_label(template: Template, chapter: Chapter, root_title: str) -> str:
    """"一、学校概况"; the case chapter "案例：<its own title>"."""
    return template.chapter_heading(chapter) + (root_title or chapter.title)


class _Node(Struct):
    row: SectionRow
    level: int  # 0 for the chapter root
    index: int  # position among its siblings
    number: str
    children: list[int] = field(default_factory=list)


class OutlineModel(QAbstractItemModel):
    """Sections of one chapter as a tree; index internal ids are section ids."""

    renameRequested = Signal(int, str)  # section id, new title

    def __init__(self, template: Template, chapter: Chapter, parent=None):
        super().__init__(parent)
        self.template = template
        self.chapter = chapter
        self._nodes: dict[int, _Node] = {}
        self._root: int | None = None
        self._shape: list[tuple[int, int | None]] = []
        self.drafts: set[int] = set()  # sections carried from last year, not yet edited

    # ------------------------------------------------------------ loading
    def load(self, sections: list[SectionRow]) -> bool:
        """Show these sections (outline order, root first); True when the tree's shape
        changed (a reset), False when only titles changed (selection is kept)."""
        nodes: dict[int, _Node] = {}
        numbers = self.template.outline_numbers(self.chapter, sections)  # as the PDF prints
        for s in sections:
            if s.parent is None:
                nodes[s.id] = _Node(s, 0, 0, "")
                continue
            parent = nodes[s.parent]
            index = len(parent.children)
            parent.children.append(s.id)
            level = parent.level + 1
            nodes[s.id] = _Node(s, level, index, numbers.get(s.id, ""))
        shape = [(s.id, s.parent) for s in sections]
        if shape == self._shape:
            self._nodes = nodes
            if self._root is not None:
                self._changed_below(self.index(0, 0))
            return False
        self.beginResetModel()
        self._nodes = nodes
        self._shape = shape
        self._root = sections[0].id if sections else None
        self.endResetModel()
        return True

    def _changed_below(self, index: QModelIndex) -> None:
        self.dataChanged.emit(index, index)
        for row in range(self.rowCount(index)):
            self._changed_below(self.index(row, 0, index))

    # ------------------------------------------------------------ lookups
    @property
    def root_id(self) -> int | None:
        return self._root

    def section(self, section_id: int) -> SectionRow | None:
        node = self._nodes.get(section_id)
        return node.row if node else None

    def level(self, section_id: int) -> int:
        return self._nodes[section_id].level

    def siblings(self, section_id: int) -> list[int]:
        parent = self._nodes[section_id].row.parent
        return [section_id] if parent is None else self._nodes[parent].children

    def children_of(self, section_id: int) -> list[int]:
        return self._nodes[section_id].children

    def index_of(self, section_id: int) -> QModelIndex:
        node = self._nodes.get(section_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.index, 0, section_id)

    def label(self, section_id: int) -> str:
        node = self._nodes[section_id]
        if node.level == 0:
            return chapter_label(self.template, self.chapter, node.row.title)
        return node.number + (node.row.title or "（未命名）")

    def ids(self) -> list[int]:
        return [sid for sid, _ in self._shape]

    # ------------------------------------------------------------ model interface
    def index(self, row: int, column: int = 0, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row == 0 and self._root is not None:
                return self.createIndex(0, 0, self._root)
            return QModelIndex()
        children = self._nodes[parent.internalId()].children
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: QModelIndex | None = None):  # type: ignore[override]
        if index is None:  # QObject.parent()
            return super().parent()
        if not index.isValid():
            return QModelIndex()
        node = self._nodes.get(index.internalId())
        if node is None or node.row.parent is None:
            return QModelIndex()
        parent = self._nodes[node.row.parent]
        return self.createIndex(parent.index, 0, parent.row.id)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return 1 if self._root is not None else 0
        if parent.column() != 0:
            return 0
        node = self._nodes.get(parent.internalId())
        return len(node.children) if node else 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self._nodes[index.internalId()]
        # A numbered chapter's title is the template's; only the case names itself.
        if node.level > 0 or self.chapter.case:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node = self._nodes.get(index.internalId())
        if node is None:
            return None
        draft = node.row.id in self.drafts
        if role == Qt.ItemDataRole.DisplayRole:
            return self.label(node.row.id) + ("（待更新）" if draft else "")
        if role == Qt.ItemDataRole.EditRole:
            return node.row.title  # the number is never edited, it is not stored
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.label(node.row.id) + (
                "\n沿用上一年度的文字，待更新：修改后标记自动消失。" if draft else "")
        if role == Qt.ItemDataRole.ForegroundRole and draft:
            return QColor("#8a5a00")
        if role == Qt.ItemDataRole.FontRole and node.level == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == SectionIdRole:
            return node.row.id
        if role == LevelRole:
            return node.level
        return None

    def set_drafts(self, drafts: set[int]) -> None:
        if drafts != self.drafts:
            self.drafts = drafts
            self._all_changed()

    def _all_changed(self) -> None:
        for node in self._nodes.values():
            index = self.index_of(node.row.id)
            if index.isValid():
                self.dataChanged.emit(index, index)

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        title = str(value).strip()
        node = self._nodes[index.internalId()]
        if not title and node.level > 0:
            return False  # an untitled section would print as a bare number
        if title != node.row.title:
            self.renameRequested.emit(node.row.id, title)
        return True


class _TitleDelegate(QStyledItemDelegate):
    """Inline rename: the editor holds only the title, the number stays in the view."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setPlaceholderText("小节标题")
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor, index):
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()


def line_icon(kind: str) -> QIcon:
    """Small line icons drawn in code: no icon theme is needed on an office PC
    (kinds: up, down, delete, rename, add, add_child)."""
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(Qt.GlobalColor.darkGray if kind != "delete" else Qt.GlobalColor.darkRed)
    pen.setWidthF(3)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if kind == "up":
        p.drawLine(16, 26, 16, 7)
        p.drawPolyline([_pt(8, 15), _pt(16, 7), _pt(24, 15)])
    elif kind == "down":
        p.drawLine(16, 6, 16, 25)
        p.drawPolyline([_pt(8, 17), _pt(16, 25), _pt(24, 17)])
    elif kind == "delete":
        p.drawLine(9, 9, 23, 23)
        p.drawLine(23, 9, 9, 23)
    elif kind == "rename":
        p.drawLine(7, 25, 25, 25)
        p.drawPolyline([_pt(9, 21), _pt(21, 9), _pt(24, 12), _pt(12, 24), _pt(9, 24), _pt(9, 21)])
    elif kind == "add":
        p.drawLine(16, 7, 16, 25)
        p.drawLine(7, 16, 25, 16)
    elif kind == "add_child":
        p.drawLine(8, 6, 8, 20)
        p.drawLine(8, 20, 14, 20)
        p.drawLine(21, 13, 21, 27)
        p.drawLine(14, 20, 28, 20)
    p.end()
    return QIcon(pixmap)


def _pt(x: int, y: int) -> QPointF:
    return QPointF(x, y)


class OutlinePane(QWidget):
    """Toolbar, tree and context menu of a chapter's outline.

    Requests go out as signals with section ids; the chapter tab makes the commands.
    """

    currentSectionChanged = Signal(int)
    addRequested = Signal(int, object)  # parent id, position (None: at the end)
    renameRequested = Signal(int, str)
    moveRequested = Signal(int, int)  # section id, new position among its siblings
    deleteRequested = Signal(int)

    def __init__(self, template: Template, chapter: Chapter, parent=None):
        super().__init__(parent)
        self.model = OutlineModel(template, chapter, self)
        self.model.renameRequested.connect(self.renameRequested)

        self.tree = QTreeView(self, headerHidden=True, uniformRowHeights=True)
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(_TitleDelegate(self.tree))
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setIndentation(16)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        # Shortcuts work while the tree has focus, so they do not collide with text editing.
        def action(text: str, icon: str, slot, shortcut=None, tip: str = "") -> QAction:
            act = QAction(line_icon(icon), text, self)
            act.triggered.connect(slot)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(tip or text)
            self.tree.addAction(act)
            return act

        self.add_action = action("添加小节", "add", self.add_sibling, "Ins",
                                 "在所选小节之后添加同级小节（Insert）")
        self.add_child_action = action("添加下级小节", "add_child", self.add_child,
                                       "Ctrl+Ins", "在所选小节下添加下级小节（Ctrl+Insert）")
        self.rename_action = action("重命名", "rename", self.rename, None, "重命名所选小节（F2）")
        self.up_action = action("上移", "up", lambda: self.move(-1), "Alt+Up",
                                "上移所选小节（Alt+↑）")
        self.down_action = action("下移", "down", lambda: self.move(1), "Alt+Down",
                                  "下移所选小节（Alt+↓）")
        self.delete_action = action("删除", "delete", self.delete, QKeySequence.StandardKey.Delete,
                                    "删除所选小节及其中的表格和图片（Delete）")

        toolbar = QToolBar(self, movable=False, floatable=False)
        toolbar.setIconSize(toolbar.iconSize() * 0.75)
        for act, with_text in ((self.add_action, True), (self.add_child_action, False),
                               (None, False), (self.up_action, False),
                               (self.down_action, False), (self.rename_action, False),
                               (self.delete_action, False)):
            if act is None:
                toolbar.addSeparator()
                continue
            button = QToolButton(toolbar, defaultAction=act, autoRaise=True)
            # no Tab stop: the keys say it from the tree (Insert, F2, Alt+↑ …), and five
            # buttons stood between the outline and the writing box
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if with_text:
                # the main action is labelled; the rest are well known icons with tooltips
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toolbar.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(toolbar)
        layout.addWidget(self.tree)
        self._update_actions()

    # ------------------------------------------------------------ state
    def load(self, sections: list[SectionRow], select: int | None = None) -> None:
        """Show these sections and select `select` (default: keep the selection).
        currentSectionChanged is emitted once, only when the selected section changed."""
        previous = self.current_id()
        target = previous if select is None else select
        self._loading = True
        try:
            if self.model.load(sections):
                self.tree.expandAll()
            if target is None or self.model.section(target) is None:
                target = self.model.root_id
            if target is not None:
                self.select(target)
        finally:
            self._loading = False
        self._update_actions()
        current = self.current_id()
        if current is not None and current != previous:
            self.currentSectionChanged.emit(current)

    _loading = False

    def current_id(self) -> int | None:
        index = self.tree.currentIndex()
        return index.data(SectionIdRole) if index.isValid() else None

    def select(self, section_id: int) -> bool:
        index = self.model.index_of(section_id)
        if not index.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.tree.scrollTo(index)
        return True

    def edit_title(self, section_id: int) -> None:
        """Start inline editing of a section's title (after adding one)."""
        index = self.model.index_of(section_id)
        if index.isValid():
            self.tree.setFocus()
            self.tree.edit(QPersistentModelIndex(index))

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._update_actions()
        if current.isValid() and not self._loading:
            self.currentSectionChanged.emit(current.data(SectionIdRole))

    def _update_actions(self) -> None:
        sid = self.current_id()
        is_section = sid is not None and self.model.level(sid) > 0
        siblings = self.model.siblings(sid) if is_section else []
        self.add_action.setEnabled(sid is not None)
        self.add_child_action.setEnabled(sid is not None)
        self.rename_action.setEnabled(
            sid is not None and bool(self.model.flags(self.model.index_of(sid))
                                     & Qt.ItemFlag.ItemIsEditable)
        )
        self.up_action.setEnabled(is_section and siblings.index(sid) > 0)
        self.down_action.setEnabled(is_section and siblings.index(sid) < len(siblings) - 1)
        self.delete_action.setEnabled(is_section)

    # ------------------------------------------------------------ requests
    def add_sibling(self) -> None:
        sid = self.current_id()
        if sid is None:
            return
        if self.model.level(sid) == 0:  # on the chapter itself: a new last section
            self.addRequested.emit(sid, None)
            return
        parent = self.model.section(sid).parent
        self.addRequested.emit(parent, self.model.siblings(sid).index(sid) + 1)

    def add_child(self) -> None:
        sid = self.current_id()
        if sid is not None:
            self.addRequested.emit(sid, None)

    def rename(self) -> None:
        sid = self.current_id()
        if sid is not None and self.rename_action.isEnabled():
            self.edit_title(sid)

    def move(self, delta: int) -> None:
        sid = self.current_id()
        if sid is None or self.model.level(sid) == 0:
            return
        siblings = self.model.siblings(sid)
        new = siblings.index(sid) + delta
        if 0 <= new < len(siblings):
            self.moveRequested.emit(sid, new)

    def delete(self) -> None:
        sid = self.current_id()
        if sid is not None and self.model.level(sid) > 0:
            self.deleteRequested.emit(sid)

    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.select(index.data(SectionIdRole))
        menu = QMenu(self)
        menu.addAction(self.add_action)
        menu.addAction(self.add_child_action)
        menu.addSeparator()
        menu.addAction(self.rename_action)
        menu.addAction(self.up_action)
        menu.addAction(self.down_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()  # one menu per right click; the actions are the pane's
