"""Live values in the section editor: 插入数值, their display, copy and paste, and the way
from a citation finding to the number in the text (and to a live value in one action).

The file stores a live value as a marker ⟦id@year⟧ (desktop.live). The editor shows the
formatted value instead, as a run of characters whose format carries the reference
(LIVE) and the text it was drawn with (LIVE_TEXT), tinted so it reads as live. The stored
text is rebuilt from those runs on every commit; a run the user has typed into keeps its
reference for the part that is still the value, and one edited inside becomes plain text
(the person changed the number: it is theirs now).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QToolTip,
)

from desktop import live
from desktop.ui.dialog_buttons import ok_cancel
from desktop.ui.form_rows import muted_label

LIVE = QTextFormat.Property.UserProperty + 31  # "indicator@year"
LIVE_TEXT = QTextFormat.Property.UserProperty + 32  # the value as drawn
MIME = "application/x-qreport-section-text"  # copy and paste within the report
TINT = QColor("#e2f0e5")


def live_format(indicator: str, year: int, text: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(TINT)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    fmt.setUnderlineColor(QColor("#2e7d4f"))
    fmt.setProperty(LIVE, f"{indicator}@{year}")
    fmt.setProperty(LIVE_TEXT, text)
    return fmt


def _u16(text: str, index: int) -> int:
    """A Python index into `text` as a Qt (UTF-16) position."""
    return len(text[:index].encode("utf-16-le")) // 2


def _py(text: str, u16: int) -> int:
    """A Qt (UTF-16) position in `text` as a Python index."""
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return u16
    count = 0
    for i, c in enumerate(text):
        if count >= u16:
            return i
        count += 2 if ord(c) >= 0x10000 else 1
    return len(text)


def _serialize(run: str, ref: str, drawn: str) -> str:
    indicator, _, year = ref.partition("@")
    mark = live.marker(indicator, int(year))
    if run == drawn:
        return mark
    if drawn and run.startswith(drawn):  # typed right after it
        return mark + run[len(drawn):]
    if drawn and run.endswith(drawn):  # typed right before it
        return run[: -len(drawn)] + mark
    return run  # edited inside: plain text now


class LiveText:
    """Mixed into the section's QPlainTextEdit (before it in the bases)."""

    live_value_of = None  # value_of(indicator, year) -> text, set by the section editor

    def init_live(self) -> None:
        self.cursorPositionChanged.connect(self._plain_typing)

    # ------------------------------------------------------------ stored <-> shown
    def set_stored_text(self, text: str, value_of) -> None:
        self.live_value_of = value_of
        shown, spans = live.render(text, value_of)
        # setPlainText writes in the cursor's current format: never a live value's
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(shown)
        if spans:
            cursor = QTextCursor(self.document())
            for span in spans:
                cursor.setPosition(_u16(shown, span.start))
                cursor.setPosition(_u16(shown, span.end), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(live_format(span.indicator, span.year,
                                                 shown[span.start:span.end]))
        self._plain_typing()

    def _runs(self, block):
        """(start, end, ref, drawn) of the live runs of a block, as Python indices."""
        text = block.text()
        runs = []
        for r in block.textFormats():
            ref = r.format.property(LIVE)
            if ref:
                runs.append((_py(text, r.start), _py(text, r.start + r.length), ref,
                             r.format.property(LIVE_TEXT) or ""))
        return text, runs

    def stored_text(self, start: int | None = None, end: int | None = None) -> str:
        """The text as the file keeps it (markers for live values); with start/end (Qt
        positions), only that part, a live value cut in two becoming plain text."""
        doc = self.document()
        whole = start is None
        if whole and not self.has_live():
            return self.toPlainText()
        lines = []
        block = doc.begin()
        while block.isValid():
            base = block.position()
            text, runs = self._runs(block)
            lo = 0 if whole else _py(text, max(0, start - base))
            hi = len(text) if whole else _py(text, max(0, end - base))
            if whole or (base + block.length() > start and base < end):
                line, pos = [], lo
                for r_start, r_end, ref, drawn in runs:
                    if r_end <= lo or r_start >= hi:
                        continue
                    if r_start >= lo and r_end <= hi:
                        line.append(text[pos:r_start])
                        line.append(_serialize(text[r_start:r_end], ref, drawn))
                        pos = r_end
                line.append(text[pos:hi])
                lines.append("".join(line))
            block = block.next()
        return "\n".join(lines).replace("\xa0", " ")

    def has_live(self) -> bool:
        block = self.document().begin()
        while block.isValid():
            if any(r.format.property(LIVE) for r in block.textFormats()):
                return True
            block = block.next()
        return False

    def refresh_live(self, value_of) -> bool:
        """Redraw live values whose value changed (an edit of the data, or its undo).
        The stored text does not change: it holds the references, not the numbers."""
        self.live_value_of = value_of
        changed = False
        block = self.document().begin()
        was = self.blockSignals(True)  # no commit: the text the file holds is unchanged
        try:
            while block.isValid():
                base = block.position()
                text, runs = self._runs(block)
                for r_start, r_end, ref, drawn in reversed(runs):
                    if text[r_start:r_end] != drawn:
                        continue  # being edited: left to the next commit
                    indicator, _, year = ref.partition("@")
                    new = value_of(indicator, int(year))
                    if new == drawn:
                        continue
                    cursor = QTextCursor(self.document())
                    cursor.setPosition(base + _u16(text, r_start))
                    cursor.setPosition(base + _u16(text, r_end), QTextCursor.MoveMode.KeepAnchor)
                    cursor.insertText(new, live_format(indicator, int(year), new))
                    changed = True
                block = block.next()
        finally:
            self.blockSignals(was)
        if changed:
            self.viewport().update()
        return changed

    def live_values(self) -> list[tuple[str, int, str]]:
        """(indicator, year, text shown) of every live value, in order (tests, tooltips)."""
        found = []
        block = self.document().begin()
        while block.isValid():
            text, runs = self._runs(block)
            for r_start, r_end, ref, _drawn in runs:
                indicator, _, year = ref.partition("@")
                found.append((indicator, int(year), text[r_start:r_end]))
            block = block.next()
        return found

    def insert_live(self, indicator: str, year: int) -> None:
        """Put a live value at the cursor (replacing the selection)."""
        text = self.live_value_of(indicator, year) if self.live_value_of else ""
        cursor = self.textCursor()
        cursor.insertText(text, live_format(indicator, year, text))
        self.setTextCursor(cursor)
        self._plain_typing()

    def _plain_typing(self) -> None:
        # what is typed next to a live value is the writer's own text, not part of it
        if self.currentCharFormat().property(LIVE):
            self.setCurrentCharFormat(QTextCharFormat())

    # ------------------------------------------------------------ copy and paste
    def createMimeDataFromSelection(self) -> QMimeData:
        data = super().createMimeDataFromSelection()
        cursor = self.textCursor()
        if cursor.hasSelection():
            stored = self.stored_text(cursor.selectionStart(), cursor.selectionEnd())
            if live.has_markers(stored):
                # Qt's own mime data lists a fixed set of formats: a plain one carries ours
                plain = QMimeData()
                plain.setText(data.text())
                plain.setData(MIME, stored.encode("utf-8"))
                return plain
        return data

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasFormat(MIME) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not source.hasFormat(MIME) or self.live_value_of is None:
            super().insertFromMimeData(source)
            return
        stored = bytes(source.data(MIME)).decode("utf-8", "replace")
        cursor = self.textCursor()
        cursor.beginEditBlock()
        pos = 0
        for m in live.MARKER.finditer(stored):
            cursor.insertText(stored[pos:m.start()], QTextCharFormat())
            indicator, year = m.group(1), int(m.group(2))
            text = self.live_value_of(indicator, year)
            cursor.insertText(text, live_format(indicator, year, text))
            pos = m.end()
        cursor.insertText(stored[pos:], QTextCharFormat())
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ------------------------------------------------------------ what it is
    live_template = None  # for the tooltip that names the indicator

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.live_template is not None:
            ref = self.live_tooltip(event.pos())
            if ref:
                QToolTip.showText(event.globalPos(), describe(self.live_template, ref), self)
                return True
        return super().viewportEvent(event)

    def live_tooltip(self, pos) -> str:
        cursor = self.cursorForPosition(pos)
        for probe in (cursor.position(), cursor.position() + 1):
            c = QTextCursor(self.document())
            c.setPosition(min(probe, self.document().characterCount() - 1))
            ref = c.charFormat().property(LIVE)
            if ref:
                return ref
        return ""


def describe(template, ref: str) -> str:
    indicator, _, year = ref.partition("@")
    ind = template.indicators.get(indicator)
    name = ind.name if ind else indicator
    return f"实时数值：{name}（{year}年），随数据自动更新；打印为普通文字。"


# ---------------------------------------------------------------- 插入数值


class InsertValueDialog(QDialog):
    """Pick an indicator (or fact) and a year; shows the value it will insert."""

    def __init__(self, report, value_of, parent=None, indicator: str | None = None,
                 year: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("插入数值")
        self.report = report
        self.value_of = value_of
        self.indicator = QComboBox(self)
        self.indicator.setEditable(True)  # type to find among ~60 names
        self.indicator.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for ind in report.template.indicators.values():
            if ind.type.kind == "text":
                continue
            label = ind.name if not ind.parent else (
                f"{report.template.indicators[ind.parent].name} · 其中：{ind.name}")
            if ind.unit and ind.unit != "/":
                label += f"（{ind.unit}）"
            self.indicator.addItem(label, ind.id)
        self.indicator.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.year = QComboBox(self)
        years = sorted({y for _, y in report.file.values()} | set(report.years), reverse=True)
        for y in years:
            self.year.addItem(f"{y}年", y)
        self.preview = QLabel(self)
        buttons = ok_cancel(self, "插入")
        form = QFormLayout(self)
        form.addRow("指标", self.indicator)
        form.addRow("年度", self.year)
        form.addRow("当前数值", self.preview)
        note = muted_label(self, "插入后显示为带底色的数值，数据修改后自动更新，打印为普通文字。")
        form.addRow(note)
        form.addRow(buttons)
        self.indicator.currentIndexChanged.connect(self._preview)
        self.year.currentIndexChanged.connect(self._preview)
        if indicator is not None:
            self.indicator.setCurrentIndex(max(0, self.indicator.findData(indicator)))
        if year is not None:
            self.year.setCurrentIndex(max(0, self.year.findData(year)))
        else:
            self.year.setCurrentIndex(max(0, self.year.findData(report.year)))
        self._preview()

    def choice(self) -> tuple[str, int]:
        return self.indicator.currentData(), self.year.currentData()

    def _preview(self) -> None:
        indicator, year = self.choice()
        if indicator is None or year is None:
            self.preview.setText("")
            return
        self.preview.setText(self.value_of(indicator, year))


def insert_value(editor, indicator: str | None = None, year: int | None = None,
                 ask=None) -> bool:
    """插入数值 in a SectionEditor: ask (a dialog; tests pass a function) and insert at the
    cursor. True when a value was inserted."""
    if editor.section is None:
        return False
    value_of = editor.live_value_of()
    if ask is None:
        dialog = InsertValueDialog(editor.report, value_of, editor, indicator, year)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        indicator, year = dialog.choice()
    else:
        indicator, year = ask()
    if indicator is None or year is None:
        return False
    editor.text.live_value_of = value_of
    editor.text.setFocus()
    editor.text.insert_live(indicator, year)
    editor.commit_text()
    return True


# ---------------------------------------------------------------- from a finding


def select_citation(editor, finding) -> bool:
    """Select the cited number of a citation finding in the section's text."""
    length = getattr(finding, "length", 0)
    if not length:
        return False
    text = editor.text.toPlainText()
    start, end = finding.offset, finding.offset + length
    if end > len(text) or text[start:end] != getattr(finding, "stated", text[start:end]):
        return False  # the text changed since the check ran: the next check finds it anew
    cursor = editor.text.textCursor()
    cursor.setPosition(_u16(text, start))
    cursor.setPosition(_u16(text, end), QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)
    editor.text.setFocus()
    editor.text.ensureCursorVisible()
    return True


def make_live(editor, finding) -> bool:
    """Replace the cited number (with its unit and qualifier) by a live value of the
    indicator and year it cites, followed by the indicator's own unit."""
    if not select_citation(editor, finding):
        return False
    indicator, year = finding.ids[0], finding.year
    ind = editor.report.template.indicators[indicator]
    unit = ind.unit if ind.unit not in ("", "/") else ""
    gap = " " if " " in finding.stated and unit != "%" else ""
    editor.text.live_value_of = value_of = editor.live_value_of()
    value = value_of(indicator, year)
    cursor = editor.text.textCursor()
    cursor.beginEditBlock()
    cursor.insertText(value, live_format(indicator, year, value))
    if unit:
        cursor.insertText(gap + unit, QTextCharFormat())
    cursor.endEditBlock()
    editor.text.setTextCursor(cursor)
    editor.commit_text()
    return True


def install_finding_actions(window) -> None:
    """The findings panel's context menu: 改为实时数值 on a citation finding."""
    from PySide6.QtWidgets import QMenu

    from desktop.ui.findings import FINDING_ROLE

    listing = window.dock.list
    listing.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu_at(pos) -> None:
        item = listing.itemAt(pos)
        finding = item.data(FINDING_ROLE) if item else None
        if finding is None:
            return
        menu = QMenu(listing)
        for text, action in finding_actions(window, finding):
            menu.addAction(text, action)
        menu.exec(listing.viewport().mapToGlobal(pos))
        menu.deleteLater()

    listing.customContextMenuRequested.connect(menu_at)


def finding_actions(window, finding) -> list[tuple[str, object]]:
    """What the findings panel's context menu offers for a finding."""
    actions = [("转到", lambda: window.go_to_finding(finding))]
    if getattr(finding, "kind", "") == "citation":
        actions.append(("改为实时数值（随数据更新）", lambda: finding_to_live(window, finding)))
    return actions


def finding_to_live(window, finding) -> bool:
    """One action from a citation finding: go to the number and make it a live value."""
    if not window.go_to_finding(finding):
        return False
    tab = window.tabs.currentWidget()
    editor = getattr(tab, "editor", None)
    if editor is None or not make_live(editor, finding):
        window.statusBar().showMessage("正文已改动，请重新检查后再试。", 5000)
        return False
    window.run_check()
    return True
