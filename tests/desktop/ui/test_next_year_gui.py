"""文件 → 新建下一年度报告: the core `next` from the window; 待更新 on carried sections until
edited; last year's rows of a yearly list one click away."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop import drafts
from desktop.next_year import make_next
from desktop.report import Report
from tests.desktop.ui.driving import open_window


@pytest.fixture
def report_2024(sample_path, tmp_path) -> Path:
    """The sample carried into the 2024年度 edition, its yearly lists taken again: a report
    whose edition serves the year after (the 2022 edition serves none)."""
    path = tmp_path / "2024.qreport"
    make_next(sample_path, path, edition="2024", report_year=2024)
    with Report.open(path) as report:
        for table in report.file.tables():
            if table.kind == "free" and drafts.last_year_rows(report, table.id):
                report.file.set_table_rows(table.id, drafts.last_year_rows(report, table.id))
    return path


@pytest.fixture
def window(qtbot, report_2024, tmp_path, monkeypatch):
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    win = open_window(qtbot, report_2024)
    yield win
    win.close()


def test_next_years_report_from_the_window(window, qtbot, tmp_path, report_2024):
    target = tmp_path / "下一年.qreport"
    old_year = window.report.year
    assert window.make_next_year(target)
    assert window.report.file.path == target and window.report.year == old_year + 1
    assert window.report.edition.id == "2024"
    with Report.open(report_2024) as old:  # the old file is untouched
        assert old.year == old_year

    # carried sections say 待更新 in the outline
    tab = window.chapter_tabs["talent"]
    window.show_tab(tab)
    pending = [s for s in drafts.pending(window.report) if s.chapter == "talent"]
    assert pending
    section = pending[0]
    index = tab.outline.model.index_of(section.id)
    assert index.data().endswith("（待更新）")
    # editing the text ends it
    tab.outline.select(section.id)
    qtbot.waitUntil(lambda: tab.editor.section_id == section.id)
    tab.editor.text.setFocus()
    commit = QInputMethodEvent()
    commit.setCommitString("本年度新写。")
    QApplication.sendEvent(tab.editor.text, commit)
    tab.editor.commit_text()
    qtbot.waitUntil(lambda: not tab.outline.model.index_of(section.id).data().endswith("（待更新）"))

    # a yearly list starts empty, last year's rows one click away
    editors = []
    for chapter_tab in window.chapter_tabs.values():
        for s in window.report.file.sections(chapter_tab.chapter.id):
            for t in window.report.file.tables(s.id):
                if t.kind == "free" and drafts.last_year_rows(window.report, t.id):
                    editors.append((chapter_tab, s, t))
    assert editors
    chapter_tab, s, t = editors[0]
    window.show_tab(chapter_tab)
    chapter_tab.outline.select(s.id)
    qtbot.waitUntil(lambda: chapter_tab.editor.frame("table", t.id) is not None)
    editor = chapter_tab.editor.frame("table", t.id).body
    assert editor.last_year_button.isVisible() and not t.rows
    editor.last_year_button.click()
    last = drafts.last_year_rows(window.report, t.id)
    qtbot.waitUntil(lambda: [list(r) for r in window.report.file.table(t.id).rows] == last)
    qtbot.waitUntil(lambda: not editor.last_year_button.isVisible())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.report.file.table(t.id).rows == ())
