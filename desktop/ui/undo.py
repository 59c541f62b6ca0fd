"""Undo commands for values, notes and report metadata, shared by every tab's QUndoStack.

Each command writes through `ReportFile` (one transaction per redo or undo, so what the
user sees undone is undone on disk) and then tells a `Notifier`, which views listen to
so they refresh. The old values are read from the file when the command is built, not
taken from the view, so undo restores exactly what was stored.

A write that fails (disk full, file locked by another program) marks the command
obsolete: QUndoStack.push() then drops it, so the stack never claims an edit that is
not on disk.
"""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from desktop.report import Report


class Change(Struct, frozen=True):
    """What a command changed: the one change event every view listens to, each
    re-reading only what concerns it.

    Kinds of the whole report (`chapter` None):
      "value", "note", "meta": keys name the fields ((indicator, year[, "note"]) or meta
        keys); the grids re-read values and notes, the chapter tabs what shows values.
      "import": values, notes, tables and chapters may all have changed: every view
        re-reads everything.
    Kinds of a chapter command (`chapter` names the chapter, `section` the section to
    show afterwards); only that chapter's tab re-reads, except what follows from values:
      "text": the text of section keys[0] only;
      "outline": sections added, removed, renamed or moved (numbering follows);
      "blocks": tables or figures added, removed or placed (numbering follows);
      "block": the content or caption of some tables and figures, keys their (kind, id);
      "value": a fact of the chapter (keys as above): the grids and the other chapters'
        values follow too."""

    kind: str
    keys: tuple
    error: Exception | None = None
    undone: bool = False
    replayed: bool = False  # an undo or a redo, not the edit itself: views show where
    text: str = ""
    chapter: str | None = None
    section: int | None = None


class Notifier(QObject):
    """Tells the views that the file changed (or that a write failed)."""

    changed = Signal(object)  # Change


class EditCommand(QUndoCommand):
    """The one base of every undo command (grids, dialogs, imports, chapter tabs).

    redo()/undo() write through `_write(forward)`; a write that fails marks the command
    obsolete (QUndoStack.push() drops it, so the stack never claims an edit that is not on
    disk) and the window's Notifier carries a Change with the error; otherwise the Change
    names what was written, which tells each view what to re-read."""

    kind = ""
    failures: tuple[type[BaseException], ...] = (Exception,)  # shown, never a crash
    # a failed undo or redo also drops the command (chapter commands: the rows it names
    # may be gone); otherwise it stays in the history and can be tried again
    drop_on_failed_replay = False

    def __init__(self, text: str, notifier: Notifier):
        super().__init__(text)
        self.notifier = notifier
        self.pushed = False  # True once the first redo (the push itself) has run
        self.undone = False  # the last run that succeeded was an undo

    def _write(self, forward: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _keys(self) -> tuple:
        return ()

    def _change(self, error: Exception | None, undone: bool, replayed: bool) -> Change:
        return Change(self.kind, self._keys(), error, undone, replayed, self.text())

    def _report(self, change: Change) -> None:
        self.notifier.changed.emit(change)

    def _run(self, forward: bool) -> None:
        replayed = self.pushed or not forward
        try:
            self._write(forward)
        except self.failures as exc:
            if not replayed or self.drop_on_failed_replay:
                self.setObsolete(True)
            self._report(self._change(exc, not forward, replayed))
            return
        self.undone = not forward
        self._report(self._change(None, not forward, replayed))
        self.pushed = True

    def redo(self) -> None:
        self._run(True)

    def undo(self) -> None:
        self._run(False)


class SetValuesCommand(EditCommand):
    """Several values and notes in one transaction and one undo step (a paste, 清空 …)."""

    kind = "value"

    def __init__(
        self,
        report: Report,
        values: Iterable[tuple[str, int, str | None]],
        notifier: Notifier,
        text: str = "修改数据",
        notes: Iterable[tuple[str, int, str]] = (),
        source: str | None = None,
    ):
        super().__init__(text, notifier)
        self.report = report
        self.source = source  # the change log's source, e.g. "imported from 数据.xlsx"
        file = report.file
        stored_notes = file.notes()
        # (indicator, year, new, old)
        self.values = [(i, y, new, file.value(i, y)) for i, y, new in values]
        self.notes = [(i, y, new, stored_notes.get((i, y), "")) for i, y, new in notes]

    def _keys(self) -> tuple:
        return tuple((i, y) for i, y, _, _ in self.values) + tuple(
            (i, y, "note") for i, y, _, _ in self.notes
        )

    def _write(self, forward: bool) -> None:
        file = self.report.file
        pick = 2 if forward else 3
        with file.transaction(self.source):
            if self.values:
                file.set_values([(v[0], v[1], v[pick]) for v in self.values])
            for note in self.notes:
                file.set_note(note[0], note[1], note[pick])


class ImportCommand(EditCommand):
    """A whole workbook import, values and table rows, as one undo step."""

    kind = "import"  # table rows of the chapters too

    def __init__(self, report: Report, plan, notifier: Notifier):
        super().__init__(f"从 {plan.book.name} 导入", notifier)
        self.report = report
        self.plan = plan
        self.source = f"imported from {plan.book.name}"
        self.written = None

    def _keys(self) -> tuple:
        return tuple((c.indicator, c.year) for c in [*self.plan.changes, *self.plan.note_changes])

    def _write(self, forward: bool) -> None:
        from desktop import importer

        if forward:
            self.written = importer.write(self.report, self.plan)
        else:
            importer.unwrite(self.report, self.written, self.source)


class WordImportCommand(EditCommand):
    """A whole Word report import (chapters, tables, figures, values) as one undo step."""

    kind = "import"  # every view re-reads: values and the chapters' outlines changed

    def __init__(self, report: Report, plan, notifier: Notifier):
        super().__init__(f"从 {plan.source.name} 导入", notifier)
        self.report = report
        self.plan = plan
        self.source = f"imported from {plan.source.name}"
        self.written = None

    def _keys(self) -> tuple:
        values = self.plan.values
        return tuple((c.indicator, c.year) for c in values.changes) if values is not None else ()

    def _write(self, forward: bool) -> None:
        from desktop import word_import

        if forward:
            self.written = word_import.write(self.report, self.plan)
        else:
            word_import.unwrite(self.report, self.written, self.source)


class SetValueCommand(EditCommand):
    """One value of one indicator and year."""

    kind = "value"

    def __init__(
        self, report: Report, indicator: str, year: int, value: str | None, notifier: Notifier
    ):
        ind = report.template.indicators[indicator]
        super().__init__(f"修改“{ind.name}”（{year}年）", notifier)
        self.report = report
        self.indicator = indicator
        self.year = year
        self.new = value
        self.old = report.file.value(indicator, year)

    def _keys(self) -> tuple:
        return ((self.indicator, self.year),)

    def _write(self, forward: bool) -> None:
        self.report.file.set_value(self.indicator, self.year, self.new if forward else self.old)


class SetNoteCommand(EditCommand):
    kind = "note"

    def __init__(self, report: Report, indicator: str, year: int, text: str, notifier: Notifier):
        ind = report.template.indicators[indicator]
        super().__init__(f"修改“{ind.name}”的备注", notifier)
        self.report = report
        self.indicator = indicator
        self.year = year
        self.new = text
        self.old = report.file.notes().get((indicator, year), "")

    def _keys(self) -> tuple:
        return ((self.indicator, self.year, "note"),)

    def _write(self, forward: bool) -> None:
        self.report.file.set_note(self.indicator, self.year, self.new if forward else self.old)


META_LABELS = {
    "school": "学校名称",
    "filler": "填报人",
    "reviewer": "审核人",
    "phone": "联系电话",
    "fill_date": "填报日期",
}


class SetMetaCommand(EditCommand):
    kind = "meta"

    def __init__(self, report: Report, key: str, value: str, notifier: Notifier):
        super().__init__(f"修改{META_LABELS.get(key, key)}", notifier)
        self.report = report
        self.key = key
        self.new = value
        self.old = report.file.get_meta(key)

    def _keys(self) -> tuple:
        return (self.key,)

    def _write(self, forward: bool) -> None:
        self.report.file.set_meta(self.key, self.new if forward else self.old)


class NoGraduatesCommand(EditCommand):
    """本年度无毕业生 on or off: the graduate rows of the data year become "-" (or empty
    again); undo puts back exactly what was stored."""

    kind = "value"

    def __init__(self, report: Report, on: bool, notifier: Notifier):
        super().__init__("本年度无毕业生" if on else "本年度有毕业生", notifier)
        self.report = report
        self.on = on
        self.year = report.year
        self.ids = [i.id for i in report.template.indicators.values() if i.graduate]
        self.before = [(i, self.year, report.file.value(i, self.year)) for i in self.ids]
        self.old_meta = report.file.get_meta("no_graduates")

    def _keys(self) -> tuple:
        return tuple((i, self.year) for i in self.ids)

    def _write(self, forward: bool) -> None:
        if forward:
            self.report.set_no_graduates(self.on)
            return
        with self.report.file.transaction():
            self.report.file.set_values(self.before)
            self.report.file.set_meta("no_graduates", self.old_meta)


class SetCoverCommand(EditCommand):
    """The 报告信息 dialog's fields (cover title lines, school, date, logo) as one step."""

    kind = "meta"

    def __init__(self, report: Report, cover, notifier: Notifier):
        super().__init__("修改报告信息", notifier)
        self.report = report
        self.new = cover
        self.old = report.cover()

    def _keys(self) -> tuple:
        return ("school", "cover_title", "report_date", "cover_logo")

    def _write(self, forward: bool) -> None:
        self.report.set_cover(self.new if forward else self.old)
