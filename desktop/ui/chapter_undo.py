"""Undo commands of a chapter tab: outline, section text, facts, tables and figures.

Every edit a chapter tab makes is one of these commands pushed on the window's shared
QUndoStack. redo()/undo() change the report file through its named operations, inside one
transaction, and then tell the window's Notifier, like every other command: the Change
names the chapter, the section to show and what changed (its kind), so that chapter's tab
re-reads just that, the grids re-read only when a value changed, and the other chapters
stay as they are.

Deletions (`_Deletes`) keep the snapshot the file returns and put it back with the same
ids, so a later command in the stack that names a restored row still finds it. Additions
(`_Creates`) do the same the other way round: the first redo creates the row, undo deletes
it keeping a snapshot, and a second redo restores that snapshot instead of creating a new
row with a new id.

The tab is held weakly: the stack can outlive a tab (the window rebuilds tabs when a file
is reopened). A command whose tab is gone still changes the file; nobody is told.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Sequence
from typing import Protocol

from PySide6.QtGui import QUndoCommand
from shiboken6 import isValid

from db.store import ReportFileError
from desktop.report import Report
from desktop.template import Chapter
from desktop.ui.undo import Change, EditCommand, Notifier

# ids for mergeWith: commands with the same id may merge into one undo step
TEXT_ID = 1
PLACEMENT_ID = 2

# Typing in one section is one undo step as long as the pauses between commits are shorter
# than this; a longer pause (thinking, reading) starts a new step, so one Ctrl+Z never
# takes away more than a stretch of continuous writing.
BURST_PAUSE = 4.0


class Host(Protocol):
    """What a command needs from its chapter tab."""

    report: Report
    chapter: Chapter
    notifier: Notifier


def failure_sentence(change: Change, path) -> str:
    """What a chapter tab says when a command of it failed: what and why, in Chinese."""
    what = change.text
    if change.replayed:
        what = ("撤销" if change.undone else "重做") + f"“{what}”"
    return f"未能{what}：{_reason(change.error, path)}"


def _reason(exc: BaseException | None, path) -> str:
    """Why a chapter edit failed, in one Chinese sentence (never SQLite's or Python's words)."""
    from db import file_errors

    if isinstance(exc, ReportFileError):
        return str(exc)
    if isinstance(exc, sqlite3.Error | OSError):
        return file_errors.sentence(exc, path)
    # KeyError/ValueError: what the command acts on is gone (changed by another edit)
    return "要修改的内容已不存在，请重新打开本章再试。"


class ChapterCommand(EditCommand):
    # `kind` says what the tab re-reads (see undo.Change): "text" (the section's text
    # only: typing must stay well inside the 20 ms budget of an edit, so it does not
    # re-read tables and figures), "outline", "blocks" (numbering of tables and figures),
    # "block" (the tables and figures `_keys` names), "value" (a fact).
    kind = "blocks"
    failures = (sqlite3.Error, ReportFileError, KeyError, ValueError)
    drop_on_failed_replay = True
    section_id: int | None = None

    def __init__(self, host: Host, text: str):
        super().__init__(text, host.notifier)
        self._host = weakref.ref(host)
        self.chapter = host.chapter.id
        self.file = host.report.file

    # subclasses implement these two; both run inside one transaction
    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def reveal(self, undone: bool) -> int | None:
        """The section to show after redo (undone False) or undo (undone True)."""
        return self.section_id

    def _write(self, forward: bool) -> None:
        # on an error the transaction rolls back: the file is unchanged
        with self.file.transaction():
            (self.apply if forward else self.revert)()

    def _change(self, error: Exception | None, undone: bool, replayed: bool) -> Change:
        return Change(self.kind, self._keys(), error, undone, replayed, self.text(),
                      self.chapter, None if error is not None else self.reveal(undone))

    def _report(self, change: Change) -> None:
        if self.host() is not None:  # a tab of a file no longer open: nobody to tell
            super()._report(change)

    def host(self) -> Host | None:
        host = self._host()
        if host is None or not isValid(host):
            return None
        return host


class _Creates(ChapterCommand):
    """Creates a row: the first redo makes it, undo deletes it keeping the snapshot the file
    returns, a later redo restores that snapshot (same ids)."""

    _snapshot: dict | None = None

    def _create(self) -> None:
        raise NotImplementedError

    def _delete(self) -> dict:
        raise NotImplementedError

    def _restore(self, snapshot: dict) -> None:
        self.file.restore_rows(snapshot)

    def apply(self) -> None:
        if self._snapshot is None:
            self._create()
        else:
            self._restore(self._snapshot)

    def revert(self) -> None:
        self._snapshot = self._delete()


class _Deletes(ChapterCommand):
    """Deletes a row with all that hangs on it; undo restores the snapshot (same ids)."""

    _snapshot: dict | None = None

    def _delete(self) -> dict:
        raise NotImplementedError

    def _restore(self, snapshot: dict) -> None:
        self.file.restore_rows(snapshot)

    def apply(self) -> None:
        self._snapshot = self._delete()

    def revert(self) -> None:
        assert self._snapshot is not None
        self._restore(self._snapshot)


# ---------------------------------------------------------------- outline


class AddSection(_Creates):
    kind = "outline"

    def __init__(self, host: Host, parent_id: int, title: str, position: int | None,
                 text: str = "添加小节"):
        super().__init__(host, text)
        self.parent_id = parent_id
        self.title = title
        self.position = position
        self.section_id: int | None = None

    def _create(self) -> None:
        self.section_id = self.file.add_section(self.parent_id, self.title,
                                                position=self.position)

    def _delete(self) -> dict:
        assert self.section_id is not None
        return self.file.delete_section(self.section_id)

    def _restore(self, snapshot: dict) -> None:
        self.file.restore_section(snapshot)

    def reveal(self, undone: bool) -> int | None:
        return self.parent_id if undone else self.section_id


class RenameSection(ChapterCommand):
    kind = "outline"

    def __init__(self, host: Host, section_id: int, old: str, new: str):
        super().__init__(host, "重命名小节")
        self.section_id, self.old, self.new = section_id, old, new

    def apply(self) -> None:
        self.file.rename_section(self.section_id, self.new)

    def revert(self) -> None:
        self.file.rename_section(self.section_id, self.old)


class MoveSection(ChapterCommand):
    kind = "outline"  # tables and figures are numbered in outline order: they follow

    def __init__(self, host: Host, section_id: int, old: int, new: int):
        super().__init__(host, "上移小节" if new < old else "下移小节")
        self.section_id, self.old, self.new = section_id, old, new

    def apply(self) -> None:
        self.file.move_section(self.section_id, self.new)

    def revert(self) -> None:
        self.file.move_section(self.section_id, self.old)


class DeleteSection(_Deletes):
    kind = "outline"

    def __init__(self, host: Host, section_id: int, title: str, then_show: int):
        super().__init__(host, f"删除小节“{title}”" if title else "删除小节")
        self.section_id = section_id
        self.then_show = then_show  # the neighbour shown once the section is gone

    def _delete(self) -> dict:
        return self.file.delete_section(self.section_id)

    def _restore(self, snapshot: dict) -> None:
        self.file.restore_section(snapshot)

    def reveal(self, undone: bool) -> int | None:
        return self.section_id if undone else self.then_show


# ---------------------------------------------------------------- text and facts


class SetSectionText(ChapterCommand):
    """The text of a section; consecutive commits of one typing burst merge."""

    kind = "text"

    def __init__(self, host: Host, section_id: int, old: str, new: str, burst: int):
        super().__init__(host, "编辑正文")
        self.section_id, self.old, self.new, self.burst = section_id, old, new, burst
        self.last = time.monotonic()

    def _keys(self) -> tuple:
        return (self.section_id,)

    def id(self) -> int:
        return TEXT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetSectionText) and other.section_id == self.section_id
                and other.burst == self.burst and other.last - self.last < BURST_PAUSE):
            return False
        self.new = other.new
        self.last = other.last
        # typed and then deleted again: nothing to undo, the stack drops the command
        self.setObsolete(self.new == self.old)
        return True

    def apply(self) -> None:
        self.file.set_section_text(self.section_id, self.new)

    def revert(self) -> None:
        self.file.set_section_text(self.section_id, self.old)

    def reveal(self, undone: bool) -> int | None:
        # When pushed the text is where the user left it (the commit may come just after
        # the selection moved on): showing it again would pull the user back.
        return self.section_id if self.pushed else None


class SetValue(ChapterCommand):
    """A base fact of the chapter (stored as a value of the report's data year)."""

    kind = "value"

    def __init__(self, host: Host, label: str, indicator: str, year: int,
                 old: str | None, new: str | None, section_id: int):
        super().__init__(host, f"修改{label}")
        self.indicator, self.year, self.old, self.new = indicator, year, old, new
        self.section_id = section_id

    def _keys(self) -> tuple:
        return ((self.indicator, self.year),)

    def apply(self) -> None:
        self.file.set_value(self.indicator, self.year, self.new)

    def revert(self) -> None:
        self.file.set_value(self.indicator, self.year, self.old)


# ---------------------------------------------------------------- tables and figures

# A field change of a table or a figure: (kind "table"|"figure", id, column, old, new)
FieldChange = tuple[str, int, str, object, object]


class SetFields(ChapterCommand):
    """Captions and placement (after, position) of a section's tables and figures.

    Placement changes renumber the positions of the whole section so that reading order,
    the printed order and the 表/图 numbering always agree; that is why one user action
    can change several rows.
    """

    def __init__(self, host: Host, text: str, section_id: int, changes: Sequence[FieldChange],
                 merge_key: object = None):
        super().__init__(host, text)
        self.section_id = section_id
        self.changes = {(k, i, c): [old, new] for k, i, c, old, new in changes}
        self.merge_key = merge_key  # spin box steps on one block merge into one step

    @property
    def kind(self) -> str:  # captions only: those blocks; placement: the numbering
        return "blocks" if self._placement() else "block"

    def _placement(self) -> bool:
        return any(c in ("after", "position") for _, _, c in self.changes)

    def _keys(self) -> tuple:
        return () if self._placement() else tuple(dict.fromkeys((k, i) for k, i, _ in self.changes))

    def id(self) -> int:
        return PLACEMENT_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetFields) and other.merge_key == self.merge_key):
            return False
        for key, (old, new) in other.changes.items():
            if key in self.changes:
                self.changes[key][1] = new
            else:
                self.changes[key] = [old, new]
        self.setObsolete(all(old == new for old, new in self.changes.values()))
        return True

    def _set(self, index: int) -> None:
        for (kind, item_id, column), values in self.changes.items():
            if kind == "table":
                self.file.set_table_field(item_id, column, values[index])
            else:
                self.file.set_figure_field(item_id, column, values[index])

    def apply(self) -> None:
        self._set(1)

    def revert(self) -> None:
        self._set(0)


class AddTable(_Creates):
    def __init__(self, host: Host, section_id: int, kind: str, ref: str, after: int):
        super().__init__(host, "插入表格")
        self.section_id, self.table_kind, self.ref, self.after = section_id, kind, ref, after
        self.table_id: int | None = None

    def _create(self) -> None:
        self.table_id = self.file.add_table(self.section_id, self.table_kind, self.ref,
                                            after=self.after)

    def _delete(self) -> dict:
        assert self.table_id is not None
        return self.file.delete_table(self.table_id)


class DeleteTable(_Deletes):
    def __init__(self, host: Host, section_id: int, table_id: int):
        super().__init__(host, "删除表格")
        self.section_id, self.table_id = section_id, table_id

    def _delete(self) -> dict:
        return self.file.delete_table(self.table_id)


class SetTableRows(ChapterCommand):
    """The rows of a free table. A total published with the table (kept from the imported
    report) no longer applies once the rows are edited: it is cleared in the same step and
    the table prints the computed total."""

    kind = "block"  # the section editor re-reads this table only

    def __init__(self, host: Host, section_id: int, table_id: int, old: list[list[str]],
                 new: list[list[str]], stated_total: str | None, text: str = "编辑表格"):
        super().__init__(host, text)
        self.section_id, self.table_id = section_id, table_id
        self.old, self.new, self.stated_total = old, new, stated_total

    def _keys(self) -> tuple:
        return (("table", self.table_id),)

    def apply(self) -> None:
        self.file.set_table_rows(self.table_id, self.new)
        if self.stated_total is not None:
            self.file.set_table_field(self.table_id, "stated_total", None)

    def revert(self) -> None:
        self.file.set_table_rows(self.table_id, self.old)
        if self.stated_total is not None:
            self.file.set_table_field(self.table_id, "stated_total", self.stated_total)


# A photo ready to store: (encoded image, caption, width, height)
NewPhoto = tuple[bytes, str, int, int]


class AddFigure(_Creates):
    """A figure of photos, or a chart (`chart`: its ChartSpec as JSON, no photos)."""

    def __init__(self, host: Host, section_id: int, photos: Sequence[NewPhoto], after: int,
                 caption: str = "", chart: str | None = None, text: str = "插入图片"):
        super().__init__(host, text)
        self.section_id, self.after, self.caption, self.chart = section_id, after, caption, chart
        self.photos: Sequence[NewPhoto] | None = photos
        self.figure_id: int | None = None

    def _create(self) -> None:
        assert self.photos is not None
        self.figure_id = self.file.add_figure(self.section_id, self.caption, self.photos,
                                              after=self.after)
        if self.chart is not None:
            self.file.set_figure_field(self.figure_id, "chart", self.chart)
        self.photos = None  # the snapshot holds them from now on

    def _delete(self) -> dict:
        assert self.figure_id is not None
        return self.file.delete_figure(self.figure_id)


class _PhotoCommand(ChapterCommand):
    """A change of the photos of one figure: the section editor re-reads that figure only."""

    kind = "block"
    figure_id: int

    def _keys(self) -> tuple:
        return (("figure", self.figure_id),)


class AddPhotos(_PhotoCommand):
    def __init__(self, host: Host, section_id: int, figure_id: int, photos: Sequence[NewPhoto]):
        super().__init__(host, "添加照片")
        self.section_id, self.figure_id = section_id, figure_id
        self.photos: Sequence[NewPhoto] | None = photos
        self.photo_ids: list[int] = []
        self._snapshots: list[dict] = []

    def apply(self) -> None:
        if not self._snapshots:
            assert self.photos is not None
            self.photo_ids = [self.file.add_photo(self.figure_id, *p) for p in self.photos]
            self.photos = None
        else:
            for snap in self._snapshots:
                self.file.restore_rows(snap)

    def revert(self) -> None:
        self._snapshots = [self.file.delete_photo(pid) for pid in self.photo_ids]


class DeleteFigure(_Deletes):
    def __init__(self, host: Host, section_id: int, figure_id: int):
        super().__init__(host, "删除图片")
        self.section_id, self.figure_id = section_id, figure_id

    def _delete(self) -> dict:
        return self.file.delete_figure(self.figure_id)


class DeletePhoto(_PhotoCommand, _Deletes):
    def __init__(self, host: Host, section_id: int, figure_id: int, photo_id: int):
        super().__init__(host, "删除照片")
        self.section_id, self.figure_id, self.photo_id = section_id, figure_id, photo_id

    def _delete(self) -> dict:
        return self.file.delete_photo(self.photo_id)


class SetPhotoCaption(_PhotoCommand):
    def __init__(self, host: Host, section_id: int, figure_id: int, photo_id: int, old: str,
                 new: str):
        super().__init__(host, "修改照片说明")
        self.section_id, self.figure_id, self.photo_id = section_id, figure_id, photo_id
        self.old, self.new = old, new

    def apply(self) -> None:
        self.file.set_photo_caption(self.photo_id, self.new)

    def revert(self) -> None:
        self.file.set_photo_caption(self.photo_id, self.old)


class MovePhoto(_PhotoCommand):
    def __init__(self, host: Host, section_id: int, figure_id: int, photo_id: int, old: int,
                 new: int):
        super().__init__(host, "调整照片顺序")
        self.section_id, self.figure_id, self.photo_id = section_id, figure_id, photo_id
        self.old, self.new = old, new

    def apply(self) -> None:
        self.file.move_photo(self.photo_id, self.new)

    def revert(self) -> None:
        self.file.move_photo(self.photo_id, self.old)
