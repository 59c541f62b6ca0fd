"""What an office clerk expects: Ctrl+S, Ctrl+P, 查找 of numbers, the change log's words,
files offered where people keep them, and an empty report that never looks finished."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import settings as settings_mod
from desktop.report import Report
from desktop.search import search
from desktop.ui.data_table import COL_CUR
from tests.desktop.ui.driving import open_window

CTRL = Qt.KeyboardModifier.ControlModifier


def _boxes(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_ctrl_s_says_every_edit_is_saved_and_offers_a_copy(window, qtbot):
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(_boxes(window)) == 1)
    (box,) = _boxes(window)
    assert "每次修改都已自动保存" in box.text() and str(window.report.file.path) in box.text()
    assert "另存副本…" in [b.text() for b in box.buttons()]
    box.accept()


class _Viewer(QObject):
    """The system's PDF viewer, as far as the test can see it: what it was asked to open."""

    def __init__(self):
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


def test_ctrl_p_opens_the_report_as_pdf_in_the_viewer(window, qtbot):
    viewer = _Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "open")
    try:
        qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_P, CTRL)
        qtbot.waitUntil(lambda: bool(viewer.opened), timeout=60000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    (pdf,) = viewer.opened
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert window.report.school in text
    assert not _boxes(window)  # no 导出完成 dialog in between: printing is one step


def test_find_3215_finds_3_215(window, qtbot):
    section = window.report.file.sections("students")[1]
    window.report.file.set_section_text(section.id, "本年度共有毕业生 3,215 人。")
    assert any(hit.section == section.id for hit in search(window.report, "3215"))
    dialog = window.show_find()
    qtbot.keyClicks(dialog.edit, "3215")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chapter_tabs["students"].editor.section_id == section.id)
    assert "3,215" in dialog.results.item(0).text()
    dialog.close()


def test_the_change_log_names_a_part_with_its_whole(window, data_tab, qtbot):
    model = data_tab.model
    row = next(r for r, ind in enumerate(model.rows) if ind.parent)
    child = model.rows[row]
    parent = window.report.template.indicators[child.parent]
    model.setData(model.index(row, COL_CUR), "7")
    dialog = window.show_history()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.table.item(0, 2).text() == f"{parent.name}·{child.name}（{window.report.year}年）"
    dialog.close()


def test_files_are_offered_in_documents_not_in_the_programs_folder(qtbot, tmp_path,
                                                                     monkeypatch):
    from desktop.sample import write_sample

    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    sample = settings_mod.sample_path()
    sample.parent.mkdir(parents=True)
    write_sample(sample).close()
    window = open_window(qtbot, sample, show=False)
    assert settings_mod.data_dir() not in window.work_folder().parents
    assert window.work_folder() != settings_mod.data_dir()
    dialog = window.new_report()
    assert Path(dialog.path.text()).parent == window.work_folder()
    dialog.reject()
    # a report kept elsewhere: its own folder
    elsewhere = tmp_path / "报告" / "学校.qreport"
    elsewhere.parent.mkdir()
    Report.create(elsewhere, "某职业学校", "2022", 2021).close()
    assert window.open_file(elsewhere)
    assert window.work_folder() == elsewhere.parent.resolve()
    # the full path where the title cannot show it
    assert window.file_label.text() == "学校.qreport"
    assert window.file_label.toolTip() == str(elsewhere.resolve())
    window.close()


def test_an_empty_report_never_says_checked(qtbot, tmp_path):
    path = tmp_path / "新报告.qreport"
    Report.create(path, "某职业学校", "2022", 2021).close()
    window = open_window(qtbot, path, show=False)
    window.run_check()
    assert "检查通过" not in window.dock.summary.text()
    texts = [window.dock.list.item(i).text() for i in range(window.dock.list.count())]
    assert texts and not any("检查通过" in t for t in texts)
    if not window.findings:  # the rules may list what is empty; else the panel says it
        assert "还没有写完" in texts[0]
    window.close()


def test_the_panel_says_checking_until_the_first_check_has_run(qtbot, report_copy):
    window = open_window(qtbot, report_copy, show=False)  # the check waits for its timer
    assert window.dock.summary.text() == "正在检查…"
    assert window.dock.list.count() == 0
    qtbot.waitUntil(lambda: window.dock.summary.text() != "正在检查…")
    assert window.findings and "检查通过" not in window.dock.summary.text()  # the seed's errors
    window.close()


def test_a_soft_line_break_shows_as_a_break_and_is_not_rewritten(window, qtbot, report_copy):
    tab = window.chapter_tabs["students"]
    section = window.report.file.sections("students")[1]
    window.report.file.set_section_text(section.id, "第一行\x0b第二行")
    window.show_tab(tab)
    tab.reload()
    tab.outline.select(section.id)
    qtbot.waitUntil(lambda: tab.editor.section_id == section.id)
    shown = tab.editor.text.document().toRawText()
    assert "\x0b" not in shown and "\u2028" in shown  # a line break, not ☒
    tab.editor.text.setFocus()
    window.tabs.tabBar().setFocus()  # leaving the text commits it if it changed
    QApplication.processEvents()
    with Report.open(report_copy) as stored:
        assert stored.file.section(section.id).text == "第一行\x0b第二行"


def test_a_chapters_text_does_not_reload_the_grid_a_fact_does(window, qtbot, on_disk):
    from PySide6.QtGui import QInputMethodEvent

    model = window.data_tab.model
    reloads = []
    model.dataChanged.connect(lambda *_: reloads.append(True))
    tab = window.chapter_tabs["overview"]
    window.show_tab(tab)
    tab.outline.select(tab.root_id())
    editor = tab.editor.text
    editor.setFocus()
    commit = QInputMethodEvent()
    commit.setCommitString("又一句。")
    QApplication.sendEvent(editor, commit)
    tab.editor.commit_text()
    qtbot.waitUntil(lambda: "又一句。" in window.report.file.section(tab.root_id()).text)
    assert reloads == []  # one change event: text is not a value
    facts = tab.editor.facts
    facts.set_expanded(True)
    field = facts.fields["majors_count"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "38")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on_disk.value("majors_count", window.report.year) == "38")
    assert reloads  # a fact feeds derived rows: the grid re-read
