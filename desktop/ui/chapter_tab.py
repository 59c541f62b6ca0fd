"""A chapter of the report: its outline on the left, the selected section's editor on
the right.

The tab owns no data: everything is read from the report file, and every edit is an undo
command (chapter_undo) pushed on the window's shared stack. Like every view it listens to
the window's one change event (undo.Notifier): a command of this chapter re-reads what
the command names (the text of a section, the outline, some tables); values changed
elsewhere (the grid, another chapter's facts, an import) re-read the shown section, or,
while the tab is hidden, when it is next shown; another chapter's text, outline or tables
change nothing here.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QUndoStack
from PySide6.QtWidgets import QMessageBox, QSplitter, QVBoxLayout, QWidget

from db.store import PhotoRow
from desktop import live
from desktop.report import Report, Shown
from desktop.template import Chapter
from desktop.text import case_chars
from desktop.ui import chapter_undo as cmd
from desktop.ui.figure_editor import thumbnail
from desktop.ui.outline import OutlinePane
from desktop.ui.section_editor import REMEMBERED, SectionEditor
from desktop.ui.table_editor import InlineMessage
from desktop.ui.undo import Change, Notifier

NEW_SECTION_TITLE = "新小节"


class ChapterTab(QWidget):
    """One chapter. `notifier` is the window's change event (a tab of its own without)."""

    def __init__(self, report: Report, chapter: Chapter, undo_stack: QUndoStack, parent=None,
                 notifier: Notifier | None = None):
        super().__init__(parent)
        self.report = report
        self.chapter = chapter
        self.undo_stack = undo_stack
        self.notifier = notifier if notifier is not None else Notifier(self)
        self.file = report.file
        self.in_command = False  # True while a command refreshes this tab
        # how often the tab re-read the file for changes made elsewhere: "all" (outline
        # and section), "values" (the shown section); says what a change cost
        self.rereads: Counter[str] = Counter()
        self._pending: str | None = None  # what to re-read when next shown
        self._shut = False
        self._numbers: tuple[dict[int, str], dict[int, str]] | None = None
        self._shown: dict[tuple[str, int], Shown] | None = None
        self._thumbs: dict[int, QPixmap] = {}  # photo id -> thumbnail; photo data never changes

        self.message = InlineMessage(self)
        self.outline = OutlinePane(report.template, chapter, self)
        self.outline.setMinimumWidth(180)
        self.editor = SectionEditor(self)
        self.outline.currentSectionChanged.connect(self.editor.show_section)
        self.outline.addRequested.connect(self._add_section)
        self.outline.renameRequested.connect(self.rename_section)
        self.outline.moveRequested.connect(self._move_section)
        self.outline.deleteRequested.connect(self._delete_section)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self, childrenCollapsible=False)
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.splitterMoved.connect(self._splitter_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(4)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.reload()
        self.notifier.changed.connect(self._on_change)

    # ------------------------------------------------------------ the window's API
    def reload(self) -> None:
        """Re-read everything from the file (after an import, or edits made elsewhere).
        Text typed but not yet stored is kept when its section did not change."""
        self.rereads["all"] += 1
        self._pending = None
        self._numbers = None
        self._shown = None
        sections = self.file.sections(self.chapter.id)
        if not sections:
            self.file.chapter_root(self.chapter.id)  # a chapter always has its root
            sections = self.file.sections(self.chapter.id)
        before = self.editor.section_id
        self.outline.load(sections)
        self._mark_drafts()
        if self.editor.section_id == before:
            self.editor.refresh()  # otherwise showing the new selection has read it all

    def _mark_drafts(self) -> None:
        """Sections carried from last year and not yet edited show 待更新 (an edit of
        their text or title ends it: desktop.drafts compares fingerprints)."""
        from desktop import drafts

        mine = {s.id for s in drafts.pending(self.report) if s.chapter == self.chapter.id}
        self.outline.model.set_drafts(mine)

    def focus_target(self, section_id: int | None = None, table_id: int | None = None,
                     indicator_id: str | None = None) -> bool:
        """Show and focus the most specific of a table, a fact (or a table showing that
        indicator) and a section; False when none of them belongs to this chapter."""
        model = self.outline.model
        if table_id is not None:
            try:
                table = self.file.table(table_id)
            except KeyError:
                table = None
            if table is not None and model.section(table.section) is not None:
                self.outline.select(table.section)
                return self.editor.focus_block("table", table_id)
        if indicator_id is not None:
            if indicator_id in self.chapter.facts and self.editor.facts is not None:
                self.outline.select(self.root_id())
                return self.editor.facts.focus_fact(indicator_id)
            for section_id_, table in self._tables_showing(indicator_id):
                self.outline.select(section_id_)
                frame = self.editor.frame("table", table.id)
                if frame is not None and hasattr(frame.body, "select_indicator"):
                    self.editor.scroll.ensureWidgetVisible(frame)
                    return frame.body.select_indicator(indicator_id)
                return self.editor.focus_block("table", table.id)
        if section_id is not None and model.section(section_id) is not None:
            self.outline.select(section_id)
            self.editor.text.setFocus()
            return True
        return False

    def completeness(self) -> tuple[int, int]:
        """(done, total): sections without subsections that have text, a table or a figure,
        plus the chapter's facts that have a value for the report's year."""
        sections = self.file.sections(self.chapter.id)
        parents = {s.parent for s in sections}
        done = total = 0
        for s in sections:
            if s.id in parents:
                continue  # a heading over subsections is written in them
            total += 1
            if s.text.strip() or self.file.tables(s.id) or self.file.figures(s.id):
                done += 1
        year = self.report.year
        for fact in self.chapter.facts:
            total += 1
            done += self.file.value(fact, year) is not None
        return done, total

    def shutdown(self) -> None:
        """Before the report closes (or the tab goes): it hears no change any more."""
        if self._shut:
            return
        self._shut = True
        self._pending = None
        self.notifier.changed.disconnect(self._on_change)

    def commit_pending(self) -> None:
        """Store text typed in the last moments (before closing, exporting, undoing from a
        toolbar button that does not take the focus)."""
        self.editor.commit_text()

    # ------------------------------------------------------------ commands
    def push(self, command: cmd.ChapterCommand) -> None:
        self.message.clear()
        self.undo_stack.push(command)

    def _on_change(self, change: Change) -> None:
        """The window's one change event: a command of this chapter, or a change elsewhere."""
        if change.chapter == self.chapter.id:
            if change.error is not None:
                self.message.show_message(cmd.failure_sentence(change, self.file.path))
            else:
                self._apply(change)
            return
        if change.error is not None or change.kind not in ("value", "meta", "import"):
            return  # another chapter's text, outline or tables; a note: nothing shown here
        # values (facts, fixed tables, charts, live values), the school's name in fixed
        # tables' titles; after an import everything
        extent = "all" if change.kind == "import" else "values"
        if self.isHidden():  # another tab is shown: re-read once, when this one is
            self._pending = "all" if "all" in (extent, self._pending) else extent
        else:
            self._reread(extent)

    def _reread(self, extent: str) -> None:
        if extent == "all":
            self.reload()
            return
        self.rereads["values"] += 1
        self._pending = None
        self._shown = None
        self.editor.refresh()

    def _apply(self, change: Change) -> None:
        """A command of this chapter changed the file, or was undone or redone: re-read
        what its change names, and show the section it concerns."""
        kind, reveal = change.kind, change.section
        if kind == "value":
            self._shown = None
            if change.replayed and self.editor.facts is not None:
                self.editor.facts.discard_refusal(*change.keys[0])
        if kind in ("outline", "blocks"):
            self._numbers = None
        self.in_command = True
        try:
            before = self.editor.section_id
            if kind == "text" and reveal in (None, before):
                if before is not None and before == change.keys[0]:
                    self.editor.refresh_text()
            else:
                if kind == "outline":
                    self.outline.load(self.file.sections(self.chapter.id), select=reveal)
                elif reveal is not None:
                    self.outline.select(reveal)
                if self.editor.section_id == before:
                    # otherwise showing the new section has read it all
                    self.editor.refresh(change=change)
        finally:
            self.in_command = False
        if self.outline.model.drafts:
            self._mark_drafts()

    def confirm(self, title: str, text: str) -> bool:
        """Ask before destroying something (tests replace this: dialogs block offscreen)."""
        answer = QMessageBox.question(
            self, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------ outline requests
    def _add_section(self, parent_id: int, position: int | None) -> None:
        self.editor.commit_text()
        command = cmd.AddSection(self, parent_id, NEW_SECTION_TITLE, position,
                                 "添加下级小节" if position is None
                                 and self.outline.model.level(parent_id) > 0 else "添加小节")
        self.push(command)
        if command.section_id is not None:
            self.outline.edit_title(command.section_id)  # type the real title right away

    def rename_section(self, section_id: int, title: str) -> None:
        section = self.outline.model.section(section_id)
        if section is not None and title != section.title:
            self.push(cmd.RenameSection(self, section_id, section.title, title))

    def _move_section(self, section_id: int, position: int) -> None:
        siblings = self.outline.model.siblings(section_id)
        self.push(cmd.MoveSection(self, section_id, siblings.index(section_id), position))

    def _delete_section(self, section_id: int) -> None:
        model = self.outline.model
        section = model.section(section_id)
        if section is None or section.parent is None:
            return
        self.editor.commit_text()
        label = model.label(section_id)
        subtree = self._subtree(section_id)
        contents = []
        if len(subtree) > 1:
            contents.append(f"{len(subtree) - 1} 个下级小节")
        tables = sum(len(self.file.tables(s)) for s in subtree)
        photos = sum(len(f.photos) for s in subtree for f in self.file.figures(s))
        if tables:
            contents.append(f"{tables} 个表格")
        if photos:
            contents.append(f"{photos} 张图片")
        text = f"确定删除“{label}”吗？"
        if contents:
            text += f"\n其中的{'、'.join(contents)}也将一并删除。"
        text += "\n删除后可以用“撤销”恢复。"
        if not self.confirm("删除小节", text):
            return
        siblings = model.siblings(section_id)
        i = siblings.index(section_id)
        # afterwards show the section above, else the one below, else the parent
        then = siblings[i - 1] if i > 0 else siblings[1] if len(siblings) > 1 else section.parent
        self.push(cmd.DeleteSection(self, section_id, section.title, then))

    def _subtree(self, section_id: int) -> list[int]:
        ids = [section_id]
        for child in self.outline.model.children_of(section_id):
            ids.extend(self._subtree(child))
        return ids

    # ------------------------------------------------------------ for the editors
    def root_id(self) -> int | None:
        return self.outline.model.root_id

    def has_section(self, section_id: int) -> bool:
        return self.outline.model.section(section_id) is not None

    def outline_level(self, section_id: int) -> int:
        return self.outline.model.level(section_id)

    def outline_siblings(self, section_id: int) -> list[int]:
        return self.outline.model.siblings(section_id)

    def outline_children(self, section_id: int) -> list[int]:
        return self.outline.model.children_of(section_id)

    def numbers(self) -> tuple[dict[int, str], dict[int, str]]:
        """"表 N-M" and "图 N-M" by id; recomputed only after edits that change them."""
        if self._numbers is None:
            self._numbers = (self.report.table_numbers(), self.report.figure_numbers())
        return self._numbers

    def shown(self) -> dict[tuple[str, int], Shown]:
        if self._shown is None:
            self._shown = self.report.shown()
        return self._shown

    def thumbnail(self, photo: PhotoRow) -> QPixmap:
        pixmap = self._thumbs.get(photo.id)
        if pixmap is None:
            pixmap = self._thumbs[photo.id] = thumbnail(self.file, photo)
        return pixmap

    def case_chars(self, section_id: int, text: str) -> int:
        """Characters of the whole case, with `text` standing for that section's text."""
        return case_chars(((s.title, text if s.id == section_id else s.text)
                           for s in self.file.sections(self.chapter.id)),
                          live.resolver(self.report, self.shown()))

    def fixed_tables_present(self) -> set[str]:
        return {t.ref for s in self.file.sections(self.chapter.id)
                for t in self.file.tables(s.id) if t.kind == "fixed"}

    def _tables_showing(self, indicator: str):
        """(section id, table) of this chapter's tables that show an indicator: fixed
        tables with a row for it, free tables whose total restates it."""
        template = self.report.template
        for s in self.file.sections(self.chapter.id):
            for t in self.file.tables(s.id):
                if t.kind == "fixed":
                    spec = template.fixed_tables.get(t.ref)
                    if spec and any(r.indicator == indicator for r in spec.rows):
                        yield s.id, t
                else:
                    spec = template.free_tables.get(t.ref)
                    if spec and any(c.restates == indicator for c in spec.columns):
                        yield s.id, t

    def insert_images(self, paths: list[str], figure_id: int | None = None) -> int:
        return self.editor.insert_images(paths, figure_id)

    def delete_block(self, kind: str, item_id: int) -> None:
        section_id = self.editor.section_id
        if section_id is None:
            return
        if kind == "table":
            table = self.file.table(item_id)
            if table.kind == "free" and table.rows and not self.confirm(
                    "删除表格", f"确定删除这个表格吗？其中的 {len(table.rows)} 行数据将一并删除。"
                    "\n删除后可以用“撤销”恢复。"):
                return
            self.push(cmd.DeleteTable(self, section_id, item_id))
        else:
            figures = {f.id: f for f in self.file.figures(section_id)}
            count = len(figures[item_id].photos) if item_id in figures else 0
            if count and not self.confirm(
                    "删除图片", f"确定删除这幅图吗？其中的 {count} 张照片将一并删除。"
                    "\n删除后可以用“撤销”恢复。"):
                return
            self.push(cmd.DeleteFigure(self, section_id, item_id))

    # ------------------------------------------------------------ Qt
    def showEvent(self, event) -> None:
        if self._pending is not None:  # changed elsewhere while hidden
            self._reread(self._pending)
        super().showEvent(event)
        # the outline's width as the user last left it (in any chapter)
        width = int(REMEMBERED.get("outline", 0)) or max(200, self.width() // 4)
        total = sum(self.splitter.sizes())
        if total > 0 and self.splitter.sizes()[0] != width:
            self.splitter.setSizes([width, max(1, total - width)])

    def _splitter_moved(self, pos: int, _index: int) -> None:
        REMEMBERED["outline"] = pos

    def hideEvent(self, event) -> None:
        # switching to another tab: store what was typed here
        if not self.in_command and not self._shut:
            self.editor.commit_text()
        super().hideEvent(event)
