"""The findings panel: live after edits, and each finding leads to its field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.rules import Finding
from desktop.ui.data_table import COL_CUR, COL_NAME, COL_PREV
from desktop.ui.findings import FindingsDock, counts_text


def _employed_finding(finding: Finding) -> bool:
    return finding.year == 2021 and finding.ids[:2] == ("employed", "graduates")


def test_breaking_a_rule_shows_a_finding_that_leads_to_the_cell(qtbot, window, data_tab):
    window.run_check()
    assert window.dock.item_for(_employed_finding) is None
    view, model = data_tab.view, data_tab.model
    row = model.row_of["employed"]
    view.setCurrentIndex(model.index(row, COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, "9")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "999")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # refreshed by the debounce timer, without anyone asking
    qtbot.waitUntil(lambda: window.dock.item_for(_employed_finding) is not None, timeout=3000)
    item = window.dock.item_for(_employed_finding)
    assert "9999" in item.text() and "毕业生总数" in item.text()
    assert window.counts_button.text() == counts_text(window.findings)

    view.setCurrentIndex(model.index(0, COL_PREV))  # somewhere else
    listing = window.dock.list
    listing.scrollToItem(item)
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton,
                     pos=listing.visualItemRect(item).center())
    assert window.tabs.currentWidget() is data_tab
    current = view.currentIndex()
    assert (current.row(), current.column()) == (row, COL_CUR)


def test_previous_year_finding_selects_the_previous_year(qtbot, window, data_tab):
    window.run_check()
    item = window.dock.item_for(lambda f: f.kind == "derived" and f.year == 2020)
    assert item is not None  # the sample's 生师比 16:1 in 2020
    window.dock.list.itemClicked.emit(item)
    current = data_tab.view.currentIndex()
    assert data_tab.model.indicator(current.row()).id == "student_teacher_ratio"
    assert current.column() == COL_PREV


def test_table_finding_switches_to_the_chapter(qtbot, window):
    window.run_check()
    item = window.dock.item_for(lambda f: f.table is not None and f.kind == "total")
    assert item is not None
    finding = item.data(Qt.ItemDataRole.UserRole + 1)
    chapter = window.report.file.section(finding.section).chapter
    window.dock.list.itemClicked.emit(item)
    assert window.tabs.currentWidget() is window.chapter_tabs[chapter]


def test_fact_finding_goes_to_its_chapter(qtbot, window):
    fact = next(i for i in window.report.template.facts if i.chapter)
    finding = Finding("error", "测试", (fact.name,), 2021, (fact.id,))
    assert window.go_to_finding(finding)
    assert window.tabs.currentWidget() is window.chapter_tabs[fact.chapter]


def test_counts_and_severity_icons(qtbot):
    dock = FindingsDock()
    qtbot.addWidget(dock)
    findings = [
        Finding("error", "一个错误", (), 2021),
        Finding("warning", "一个提示", (), 2021),
        Finding("warning", "另一个提示", (), None),
    ]
    dock.set_findings(findings)
    # grouped: a heading per group, not selectable, then its findings with their icon
    assert [dock.list.item(r).text() for r in range(dock.list.count())] == [
        "错误（1）", "一个错误", "提示（2）", "一个提示", "另一个提示"]
    assert not dock.list.item(0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert "错误 1 · 提示 2" in dock.windowTitle()
    assert not dock.list.item(1).icon().isNull()
    dock.set_findings([])
    assert dock.list.item(0).text() == "没有发现问题。"


def test_selection_survives_a_refresh(qtbot):
    dock = FindingsDock()
    qtbot.addWidget(dock)
    findings = [Finding("error", f"第 {n} 条", (), 2021) for n in range(5)]
    dock.set_findings(findings)
    dock.list.setCurrentRow(3)
    dock.set_findings(findings[1:])
    assert dock.list.currentItem().text() == "第 3 条"


def test_check_is_debounced(qtbot, window, data_tab):
    calls = []
    original = window.run_check

    def counting():
        calls.append(1)
        original()

    window.check_timer.timeout.disconnect()
    window.check_timer.timeout.connect(counting)
    model = data_tab.model
    for n, value in enumerate(("2300", "2301", "2302")):
        assert model.setData(model.index(model.row_of["graduates"], COL_CUR), value)
        assert n == 0 or window.check_timer.isActive()
    qtbot.waitUntil(lambda: bool(calls), timeout=2000)
    assert not window.check_timer.isActive()  # nothing left pending: no second check comes
    assert len(calls) == 1


def test_finding_of_a_year_the_grid_does_not_show_selects_the_row(qtbot, window, data_tab):
    """The file keeps every year (last year's report's previous year too) and the checks
    cover them; the grid shows two: the cell of this year is not the one in question."""
    parent = next(i for i in window.report.template.table_rows if i.children)
    window.report.file.set_value(parent.id, 2019, "1")
    window.report.file.set_value(parent.children[0], 2019, "5")
    window.run_check()
    item = window.dock.item_for(lambda f: f.year == 2019)
    assert item is not None
    finding = item.data(Qt.ItemDataRole.UserRole + 1)
    window.dock.list.itemClicked.emit(item)
    current = data_tab.view.currentIndex()
    assert data_tab.model.indicator(current.row()).id == finding.ids[0]
    assert current.column() == COL_NAME
    assert "2019 年" in window.statusBar().currentMessage()


def _certificates(finding) -> bool:
    return finding.kind == "change" and finding.ids == ("certificates",)


def test_a_note_written_from_the_panel_silences_its_finding(qtbot, window, on_disk):
    from PySide6.QtWidgets import QInputDialog

    window.run_check()
    dock = window.dock
    groups = [dock.list.item(r).text() for r in range(dock.list.count())
              if not dock.list.item(r).flags() & Qt.ItemFlag.ItemIsSelectable]
    assert [g.split("（")[0] for g in groups] == ["错误", "提示", "请核实"]
    item = dock.item_for(_certificates)
    assert "191" in item.text() and "1151" in item.text()
    dock.list.setCurrentItem(dock.item_for(lambda f: f.severity == "error"))
    assert not dock.note_button.isEnabled()  # an error is corrected, not explained
    dock.list.setCurrentItem(item)
    assert dock.note_button.isEnabled()
    qtbot.mouseClick(dock.note_button, Qt.MouseButton.LeftButton)
    dialog = dock.findChild(QInputDialog)
    qtbot.waitUntil(lambda: dialog.isVisible())
    assert "职业技能等级证书" in dialog.labelText() and "2021年" in dialog.labelText()
    dialog.setTextValue("2021年起全面推行“1+X”证书制度。")
    dialog.accept()
    qtbot.waitUntil(lambda: dock.item_for(_certificates) is None, timeout=3000)
    assert on_disk.note("certificates", 2021) == "2021年起全面推行“1+X”证书制度。"
    window.undo_stack.undo()  # the note is one undoable edit; its finding comes back
    qtbot.waitUntil(lambda: dock.item_for(_certificates) is not None, timeout=3000)
    assert on_disk.note("certificates", 2021) == ""
