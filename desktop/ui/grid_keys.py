"""Keyboard conventions shared by the grids in forms (the 质量数据表, chapter tables).

A grid inside a form must never trap the keyboard (Qt's own QTableView wraps Tab from
the last cell to the first and eats Ctrl+Tab): Tab walks the editable cells and, at the
last one, leaves the grid for the next field; Shift+Tab at the first leaves backwards;
Esc (when no cell is being edited) leaves forwards; Ctrl+Tab, Ctrl+Shift+Tab,
Ctrl+PgUp and Ctrl+PgDn go to the window's tabs, as everywhere else in Qt.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QTableView, QWidget

_TAB_SWITCH = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class GridKeys(QTableView):
    """A QTableView whose subclasses say which cells Tab visits (`tab_cells`)."""

    def tab_cells(self) -> list[tuple[int, int]]:
        """The cells Tab visits, in order (row by row, editable columns)."""
        model = self.model()
        if model is None:
            return []
        return [(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if model.index(r, c).flags() & Qt.ItemFlag.ItemIsEditable]

    def editing(self) -> bool:
        return self.state() == QAbstractItemView.State.EditingState

    def leave(self, forward: bool) -> bool:
        """Give the focus to the next (or previous) widget of the window."""
        return QWidget.focusNextPrevChild(self, forward)

    def step(self, forward: bool) -> bool:
        """Move the current cell one Tab step; False at the grid's edge."""
        cells = self.tab_cells()
        if not cells:
            return False
        current = self.currentIndex()
        here = (current.row(), current.column()) if current.isValid() else None
        if here in cells:
            pos = cells.index(here) + (1 if forward else -1)
        else:  # on a fixed column or nowhere: the next editable cell in reading order
            after = [n for n, cell in enumerate(cells) if here is None or cell > here]
            pos = (after[0] if after else len(cells)) if forward else \
                (after[0] - 1 if after else len(cells) - 1)
        if not 0 <= pos < len(cells):
            return False
        index = self.model().index(*cells[pos])
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)
        return True

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self.editing():
            return super().focusNextPrevChild(forward)
        return self.step(forward) or self.leave(forward)

    def keyPressEvent(self, event) -> None:
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if control and event.key() in _TAB_SWITCH:
            event.ignore()  # the tab widget's (Qt's convention for leaving a grid)
            return
        if event.key() == Qt.Key.Key_Escape and not self.editing():
            self.leave(True)
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:
        # Qt's default delegate moves on after Tab in an editor, wrapping at the end
        if hint in (QStyledItemDelegate.EndEditHint.EditNextItem,
                    QStyledItemDelegate.EndEditHint.EditPreviousItem):
            forward = hint == QStyledItemDelegate.EndEditHint.EditNextItem
            super().closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            if not self.step(forward):
                self.leave(forward)
            return
        super().closeEditor(editor, hint)

    def first_cell(self) -> QModelIndex:
        cells = self.tab_cells()
        return self.model().index(*cells[0]) if cells else QModelIndex()
