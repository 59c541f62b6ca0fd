"""One change event: every view (grids, chapter tabs) hears each edit through the
window's Notifier and re-reads only what the edit concerns.

Re-reads are counted by what the views really do: the Qt models' own dataChanged and
modelReset signals, and the chapter tab's `rereads` count of its re-reads of the file.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.ui.chapter_tab import ChapterTab
from desktop.ui.data_table import COL_CUR
from tests.desktop.ui.driving import open_window, type_at_end


def _signals(model) -> list[str]:
    """Grows each time the model tells its views that data changed or was reset."""
    seen: list[str] = []
    model.dataChanged.connect(lambda *_: seen.append("dataChanged"))
    model.modelReset.connect(lambda: seen.append("modelReset"))
    return seen


def _type_in_grid(qtbot, window, indicator: str, digits: str) -> None:
    tab = window.data_tab_of(indicator)
    window.show_tab(tab)
    view, model = tab.view, tab.model
    view.setCurrentIndex(model.index(model.row_of[indicator], COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, digits[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, digits[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _fixed_cell(tab: ChapterTab, ref: str, indicator: str):
    """The shown cell of the report year for an indicator's row in a fixed table."""
    file = tab.report.file
    section, table = next((s, t) for s in file.sections(tab.chapter.id)
                          for t in file.tables(s.id) if t.ref == ref)
    tab.outline.select(section.id)
    model = tab.editor.frame("table", table.id).body.model
    rows = [r.indicator for r in tab.report.template.fixed_tables[ref].rows]
    return model.index(rows.index(indicator), 3)


def test_text_outline_and_table_edits_in_one_chapter_reread_no_other_chapter_nor_the_grid(
        qtbot, window):
    mine, other = window.chapter_tabs["students"], window.chapter_tabs["teaching"]
    grid = _signals(window.data_tab.model)
    other_outline = _signals(other.outline.model)
    other_rereads = Counter(other.rereads)
    window.show_tab(mine)
    section = window.report.file.sections("students")[1]
    type_at_end(mine, section.id, "新写的一句。")
    qtbot.waitUntil(lambda: window.report.file.section(section.id).text.endswith("新写的一句。"))
    mine.rename_section(section.id, "在校体验（修订）")  # what the outline's editor asks
    qtbot.waitUntil(lambda: mine.outline.model.section(section.id).title == "在校体验（修订）")
    file = window.report.file
    table = next(t for s in file.sections("students") for t in file.tables(s.id)
                 if t.kind == "free" and t.rows)
    mine.outline.select(table.section)
    cells = mine.editor.frame("table", table.id).body.model
    assert cells.setData(cells.index(0, 1), "新的赛项")  # a table cell, as its editor commits
    qtbot.waitUntil(lambda: file.table(table.id).rows[0][0] == "新的赛项")
    window.show_tab(other)  # shown afterwards: nothing of it was stale
    qtbot.waitUntil(other.isVisible)
    assert grid == []
    assert other_outline == []
    assert other.rereads == other_rereads
    assert window.undo_stack.count() == 3


def test_a_value_typed_in_the_grid_rereads_a_hidden_chapter_once_when_it_is_shown(
        qtbot, window, on_disk):
    overview, teaching = window.chapter_tabs["overview"], window.chapter_tabs["teaching"]
    window.show_tab(overview)
    cell = _fixed_cell(overview, "t1_1", "students")  # 在校生 in 学校概况's fixed table
    assert cell.data() == "9527"
    before = Counter(overview.rereads)
    untouched = Counter(teaching.rereads)

    _type_in_grid(qtbot, window, "students", "9600")
    _type_in_grid(qtbot, window, "graduates", "2300")
    qtbot.waitUntil(lambda: on_disk.value("graduates", 2021) == "2300")
    assert overview.rereads == before  # hidden: nothing read yet

    window.show_tab(overview)
    cell = _fixed_cell(overview, "t1_1", "students")
    qtbot.waitUntil(lambda: cell.data() == "9600")
    assert overview.rereads - before == Counter(values=1)  # two edits, one re-read
    assert teaching.rereads == untouched  # never shown again: never read


def test_undo_and_redo_of_a_chapter_edit_reach_every_view_of_it_through_the_event(
        qtbot, window):
    chapter = window.report.template.chapter("students")
    tab = window.chapter_tabs["students"]
    # a second view of the same chapter, on the window's change event only: the command
    # knows nothing of it, so whatever it shows came through the event
    second = ChapterTab(window.report, chapter, window.undo_stack, notifier=window.notifier)
    qtbot.addWidget(second)
    heard = []
    window.notifier.changed.connect(heard.append)
    section = window.report.file.sections("students")[1]
    original = section.text
    second.outline.select(section.id)

    window.show_tab(tab)
    type_at_end(tab, section.id, "又一句。")
    qtbot.waitUntil(lambda: second.editor.text.toPlainText() == original + "又一句。")

    window.show_tab(window.data_tab)  # the user goes elsewhere, then presses 撤销
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is tab)  # where it happened
    qtbot.waitUntil(lambda: tab.editor.text.toPlainText() == original)
    qtbot.waitUntil(lambda: second.editor.text.toPlainText() == original)
    assert (heard[-1].kind, heard[-1].chapter, heard[-1].undone) == ("text", "students", True)
    assert window.statusBar().currentMessage().startswith("已撤销：编辑正文")

    window.redo_action.trigger()
    qtbot.waitUntil(lambda: tab.editor.text.toPlainText() == original + "又一句。")
    qtbot.waitUntil(lambda: second.editor.text.toPlainText() == original + "又一句。")
    assert (heard[-1].chapter, heard[-1].undone, heard[-1].replayed) == ("students", False, True)
    second.shutdown()


def test_a_workbook_import_updates_every_view(qtbot, window, report_copy, tmp_path):
    from openpyxl import load_workbook

    from desktop import collect

    book = collect.write_collection(window.report, "继续教育处", tmp_path / "继续教育处.xlsx")
    wb = load_workbook(book)
    wb["本年度学校完成社会培训汇总表"]["B10"] = "新培训"
    wb["本年度学校完成社会培训汇总表"]["C10"] = 5
    wb.save(book)
    training = next(t for t in window.report.file.tables() if t.ref == "training")
    home = window.report.file.section(training.section).chapter
    before = {cid: Counter(tab.rereads) for cid, tab in window.chapter_tabs.items()}
    grid = _signals(window.data_tab.model)

    window.show_tab(window.chapter_tabs["overview"])
    window.import_excel(book).accept()
    assert grid  # the grid re-read at once
    shown = window.chapter_tabs["overview"]
    assert shown.rereads - before["overview"] == Counter(all=1)  # the tab in view: at once
    for chapter_id, tab in window.chapter_tabs.items():
        window.show_tab(tab)
        qtbot.waitUntil(lambda tab=tab, chapter_id=chapter_id:
                        tab.rereads - before[chapter_id] == Counter(all=1))
    tab = window.chapter_tabs[home]
    window.show_tab(tab)
    tab.outline.select(training.section)
    model = tab.editor.frame("table", training.id).body.model
    qtbot.waitUntil(lambda: [list(r) for r in model.rows] == [
        *[list(r) for r in training.rows], ["新培训", "5"]])


def test_an_undo_of_a_chapter_edit_that_fails_is_said_where_the_user_looks(
        qtbot, small_disk, monkeypatch, tmp_path):
    from desktop.report import Report
    from tests.disks import fill

    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    path = small_disk / "报告.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    window = open_window(qtbot, path)
    report = window.report
    tab = window.chapter_tabs["teaching"]
    section = report.file.sections("teaching")[-1]
    for n in range(60):
        tab.rename_section(section.id, f"第{n}次：" + "专业建设与课程改革" * 20)
    assert window.undo_stack.count() == 60
    filler = fill(small_disk, leave=0)  # the disk fills while the report is open
    for _ in range(60):  # every undo writes (and logs): one of them finds no room
        window.show_tab(window.data_tab)  # the user is elsewhere
        window.undo_action.trigger()
        if "磁盘空间不足" in tab.message.label.text():
            break
    assert tab.message.label.text().startswith("未能撤销“重命名小节”：磁盘空间不足")
    assert window.tabs.currentWidget() is tab  # shown where it failed
    assert window.saved_label.text() == "未保存"
    assert "磁盘空间不足" in window.statusBar().currentMessage()
    window.close()
    filler.unlink()
