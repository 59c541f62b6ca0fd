"""The main window: tabs from the template, files, find, exports, and the GUI commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPlainTextEdit, QPushButton

from desktop import settings as settings_mod
from desktop import template as templates
from desktop.lock import ReportLock
from desktop.report import Report
from desktop.ui.data_table import COL_CUR, DataTableTab
from desktop.ui.export_jobs import KINDS, LOCKED
from desktop.ui.main_window import MainWindow, open_locked, search, tab_title
from tests.desktop.ui.driving import type_at_end

TEMPLATE = templates.load("2022")
TAB_COUNT = len(TEMPLATE.chapters) + 1


def _action(window: MainWindow, menu_title: str, text: str):
    for menu_action in window.menuBar().actions():
        if menu_action.text().startswith(menu_title):
            for action in menu_action.menu().actions():
                if re.sub(r"\(&\w\)", "", action.text()) == text:  # without its mnemonic
                    return action
    raise AssertionError(f"no {menu_title} › {text}")


def _message_boxes(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_title_names_school_edition_and_file(window, report_copy):
    assert window.windowTitle() == (
        f"聊城高级工程职业学校 — 中等职业教育质量年度报告（2022） — {report_copy.name}"
    )


@pytest.mark.parametrize("index", range(TAB_COUNT))
def test_every_tab_builds(qtbot, window, index):
    window.tabs.setCurrentIndex(index)
    widget = window.tabs.currentWidget()
    qtbot.waitUntil(widget.isVisible)
    assert widget.isVisible()
    if index < len(TEMPLATE.chapters):
        chapter = TEMPLATE.chapters[index]
        assert window.tabs.tabText(index) == tab_title(TEMPLATE, chapter)
        assert window.chapter_tabs[chapter.id] is widget
        widget.reload()
    else:
        assert isinstance(widget, DataTableTab)
        assert window.tabs.tabText(index) == "质量数据表"
    filled, total = widget.completeness()
    assert 0 <= filled <= total
    assert window.completeness_label.text().endswith(f"{filled}/{total}") or total == 0


def test_tab_headings_follow_the_template():
    titles = [tab_title(TEMPLATE, c) for c in TEMPLATE.chapters]
    assert titles[0] == "一、学校概况"
    assert titles[-1] == "典型案例"


def test_status_bar_counts_findings(qtbot, window):
    window.run_check()
    errors = sum(f.severity == "error" for f in window.findings)
    warnings = len(window.findings) - errors
    assert window.counts_button.text() == f"错误 {errors} · 提示 {warnings}"
    assert errors > 0 and warnings > 0  # the sample keeps the seed's inconsistencies


def test_a_fact_typed_in_a_chapter_refreshes_the_grid_and_checks(qtbot, window):
    data = window.data_tab.model
    window.report.file.set_value("campus_area_per_student", 2021, None)  # derived from now on
    data.reload()
    derived = data.index(data.row_of["campus_area_per_student"], COL_CUR)
    before = derived.data()
    tab = window.chapter_tabs["overview"]
    window.show_tab(tab)
    tab.outline.select(tab.root_id())
    field = tab.editor.facts.fields["campus_area"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "900000")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # a fact, typed in the chapter
    qtbot.waitUntil(lambda: derived.data() != before)  # the grid heard of it
    assert window.report.file.value("campus_area", 2021) == "900000"
    assert derived.data() == window.report.shown()[("campus_area_per_student", 2021)].value
    assert window.check_timer.isActive()
    assert window.saved_label.text().startswith("已保存")


# ---------------------------------------------------------------- find
def test_find_covers_sections_and_indicators(window):
    hits = search(window.report, "党建")
    assert any(h.section is not None for h in hits)
    hits = search(window.report, "生师比")
    assert any(h.indicator == "student_teacher_ratio" for h in hits)
    assert search(window.report, "  ") == []
    # full-width and half-width match each other
    assert search(window.report, "1+X") == search(window.report, "１＋Ｘ")


def test_find_dialog_goes_to_the_hit(qtbot, window):
    dialog = window.show_find()
    dialog.edit.setText("生师比")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=2000)
    item = next(dialog.results.item(n) for n in range(dialog.results.count())
                if dialog.results.item(n).data(Qt.ItemDataRole.UserRole).indicator
                == "student_teacher_ratio")
    dialog.results.itemActivated.emit(item)
    assert window.tabs.currentWidget() is window.data_tab
    current = window.data_tab.view.currentIndex()
    assert window.data_tab.model.indicator(current.row()).id == "student_teacher_ratio"


def test_find_a_section_switches_to_its_chapter(qtbot, window):
    hit = next(h for h in search(window.report, "党建") if h.section is not None)
    assert window.go_to_hit(hit)
    assert window.tabs.currentWidget() is window.chapter_tabs[hit.chapter]


# ---------------------------------------------------------------- files
def test_interactive_window_remembers_file_and_geometry(qtbot, report_copy):
    report, lock = open_locked(report_copy)
    win = MainWindow(report, lock=lock, interactive=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert lock.held
    win.close()
    assert not lock.held
    with ReportLock(report_copy) as again:  # closing the window let the file go
        assert again.held
    saved = settings_mod.load()
    assert saved.recent_files[0] == str(report_copy.resolve())
    assert saved.window_geometry and saved.window_state


def test_open_another_file_switches_and_unlocks(qtbot, window, report_copy, tmp_path):
    other = tmp_path / "other.qreport"
    Report.create(other, "测试职业学校", "2022", 2021).close()
    old_lock = window.lock
    window.data_tab.model.setData(window.data_tab.model.index(0, COL_CUR), "60")
    assert window.undo_stack.count() == 1
    assert window.open_file(other)
    assert window.windowTitle().startswith("测试职业学校 — ")
    assert window.undo_stack.count() == 0
    assert not old_lock.held and window.lock.held
    with ReportLock(report_copy) as again:  # the old file's OS lock was let go
        assert again.held
    assert window.data_tab.model.index(0, COL_CUR).data() == ""


def test_open_refusals_are_said(qtbot, window, tmp_path):
    missing = tmp_path / "missing.qreport"
    assert not window.open_file(missing)
    assert any("找不到文件" in b.text() for b in _message_boxes(window))

    busy = tmp_path / "busy.qreport"
    Report.create(busy, "测试职业学校", "2022", 2021).close()
    with ReportLock(busy):
        assert not window.open_file(busy)
    assert any("已在本窗口中打开" in b.text() or "正在被" in b.text()
               for b in _message_boxes(window))
    assert "聊城" in window.windowTitle()


def test_save_copy(window, tmp_path):
    target = tmp_path / "副本.qreport"
    assert window.save_copy(target)
    with Report.open(target) as copy:
        assert copy.file.value("students", 2021) == "9527"
    assert not window.save_copy(window.report.file.path)


def test_new_report_dialog_creates_and_opens(qtbot, window, tmp_path):
    dialog = window.new_report()
    dialog.school.setText("新建测试学校")
    # the newest edition at its current year, and the title that year prints
    from datetime import date

    newest = templates.load(templates.newest())
    assert dialog.edition.currentData() == newest.id
    assert dialog.year.value() == newest.current_year(date.today().year)
    assert newest.at_year(dialog.year.value()).title in dialog.title.text()
    _school, _edition, data_year, _path = dialog.values()
    assert data_year == newest.data_year(dialog.year.value())
    target = tmp_path / "新建.qreport"
    dialog.path.setText(str(target))
    dialog._accept()
    assert target.exists()
    assert window.windowTitle().startswith("新建测试学校 — ")
    assert window.report.file.path == target


def test_new_report_path_follows_the_year_until_the_user_picks_one(qtbot, window):
    dialog = window.new_report()
    dialog.school.setFocus()
    dialog.school.setText("某某职业学校")
    qtbot.keyClick(dialog.school, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: dialog.edition.hasFocus())
    qtbot.keyClick(dialog.edition, Qt.Key.Key_End)  # the newest edition: 2024年度
    qtbot.waitUntil(lambda: dialog.edition.currentData() == "2024")
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: dialog.year.hasFocus())
    dialog.year.setValue(2026)
    qtbot.waitUntil(lambda: Path(dialog.path.text()).name == "某某职业学校2026质量报告.qreport")
    qtbot.keyClick(dialog.year, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "2025质量报告" in dialog.path.text())
    # a place the user chose is theirs: the year no longer renames it
    dialog.path.setText("/tmp/我的报告.qreport")
    dialog.year.setValue(2026)
    assert dialog.path.text() == "/tmp/我的报告.qreport"
    dialog.reject()


def test_new_report_needs_a_school(qtbot, window):
    dialog = window.new_report()
    dialog.school.setText("  ")
    dialog._accept()
    assert dialog.isVisible() and dialog.error.text()
    dialog.reject()


def test_restore_from_backup(qtbot, window, on_disk):
    from desktop import backups

    backups.make_backup(window.report.file, "manual")
    model = window.data_tab.model
    assert model.setData(model.index(model.row_of["students"], COL_CUR), "1")
    assert on_disk.value("students", 2021) == "1"
    dialog = window.restore_backup()
    assert dialog is not None
    dialog.accept()
    assert on_disk.value("students", 2021) == "9527"
    model = window.data_tab.model  # rebuilt on the restored file
    assert model.index(model.row_of["students"], COL_CUR).data() == "9527"
    assert window.undo_stack.count() == 0


def test_restore_without_backups_says_so(qtbot, window):
    assert window.restore_backup() is None
    assert any("还没有备份" in b.text() for b in _message_boxes(window))


def test_import_from_excel_is_previewed_and_undoable(qtbot, window, on_disk, tmp_path):
    from openpyxl import load_workbook

    from desktop import assemble
    from desktop.formats.xlsx import write_xlsx

    book = tmp_path / "数据.xlsx"
    write_xlsx(assemble.build(window.report), book)
    wb = load_workbook(book)
    ws = wb["质量数据表"]
    row = next(r for r in ws.iter_rows() if r[1].value == "毕业生总数")
    row[4].value = 2300
    wb.save(book)

    dialog = window.import_excel(book)
    assert dialog is not None
    assert "毕业生总数（2021年）：2245 → 2300" in dialog.findChild(QPlainTextEdit).toPlainText()
    dialog.accept()
    assert on_disk.value("graduates", 2021) == "2300"
    assert window.report.file.changes(1)[0].source == f"imported from {book.name}"
    window.undo_stack.undo()
    assert on_disk.value("graduates", 2021) == "2245"


def test_a_collection_workbooks_table_is_imported_and_undone(window, report_copy, tmp_path):
    """The GUI applies what `qreport import` applies: values and the department's tables."""
    from openpyxl import load_workbook

    from desktop import collect
    from desktop.report import Report

    book = collect.write_collection(window.report, "继续教育处", tmp_path / "继续教育处.xlsx")
    wb = load_workbook(book)
    sheet = wb["本年度学校完成社会培训汇总表"]
    sheet["B10"], sheet["C10"] = "新培训", 5
    wb.save(book)

    def training_rows():
        with Report.open(report_copy) as r:
            return next(t for t in r.file.tables() if t.ref == "training").rows

    before = training_rows()
    dialog = window.import_excel(book)
    assert "《本年度学校完成社会培训汇总表》：6 行 → 7 行" in dialog.findChild(QPlainTextEdit).toPlainText()
    dialog.accept()
    assert training_rows()[-1] == ("新培训", "5")
    window.undo_stack.undo()
    assert training_rows() == before
    window.undo_stack.redo()
    assert training_rows()[-1] == ("新培训", "5")


def test_a_changed_note_is_previewed_imported_and_undone(window, report_copy, tmp_path):
    from openpyxl import load_workbook

    from desktop import assemble
    from desktop.formats.xlsx import write_xlsx
    from desktop.report import Report

    book = tmp_path / "备注.xlsx"
    write_xlsx(assemble.build(window.report), book)  # the sample's one note: a 备注 column
    wb = load_workbook(book)
    ws = wb["质量数据表"]
    assert ws["F2"].value == "备注"
    row = next(r for r in ws.iter_rows() if r[1].value == "毕业生总数")
    row[5].value = "含五年制后两年"
    wb.save(book)

    def note():
        with Report.open(report_copy) as r:
            return r.file.notes().get(("graduates", 2021))

    dialog = window.import_excel(book)
    assert "毕业生总数（2021年）备注：空 → 含五年制后两年" in dialog.findChild(QPlainTextEdit).toPlainText()
    assert any(b.text() == "导入 0 个数值和 1 条备注" and b.isEnabled() for b in dialog.findChildren(QPushButton))
    dialog.accept()
    assert note() == "含五年制后两年"
    window.undo_stack.undo()
    assert note() is None


# ---------------------------------------------------------------- export
def _save_as(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


def test_excel_export_from_the_menu(qtbot, window, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "导出.xlsx"
    _save_as(monkeypatch, out)
    with qtbot.waitSignal(window.exports.done, timeout=60000) as signal:
        _action(window, "导出", "Excel…").trigger()
        assert window.exports.progress is not None and window.exports.progress.isVisible()
    assert signal.args == [str(out)]
    assert load_workbook(out).sheetnames[0] == "质量数据表"
    dialog = window.exports.last_dialog
    assert dialog.isVisible()
    assert {"打开文件", "打开所在文件夹"} <= {b.text() for b in dialog.buttons()}
    assert window.exports.progress is None


def test_pdf_export_from_the_menu(qtbot, window, monkeypatch, tmp_path):
    out = tmp_path / "报告.pdf"
    _save_as(monkeypatch, out)
    with qtbot.waitSignal(window.exports.done, timeout=60000):
        _action(window, "导出", "仅质量数据表 PDF…").trigger()
    assert out.read_bytes().startswith(b"%PDF")
    assert "页" in window.exports.last_dialog.text()


def test_word_export_from_the_menu(qtbot, window, monkeypatch, tmp_path):
    from docx import Document as Docx

    out = tmp_path / "报告.docx"
    _save_as(monkeypatch, out)
    with qtbot.waitSignal(window.exports.done, timeout=60000) as signal:
        _action(window, "导出", "Word 文档…").trigger()
    assert signal.args == [str(out)]
    headings = [p.text for p in Docx(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、学校概况"
    assert "目录的页码由 Word/WPS 排版后填入" in window.exports.last_dialog.text()


def test_collection_workbook_for_a_department(qtbot, window, tmp_path):
    out = tmp_path / "教务处.xlsx"
    with qtbot.waitSignal(window.exports.done, timeout=60000):
        assert window.export("collect", out, department="教务处")
    assert out.exists()


def test_locked_target_is_explained(qtbot, window, monkeypatch, tmp_path):
    import desktop.formats.xlsx as xlsx

    def locked(doc, out):
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(xlsx, "write_xlsx", locked)
    with qtbot.waitSignal(window.exports.failed, timeout=60000) as signal:
        window.export("xlsx", tmp_path / "x.xlsx")
    assert signal.args == [LOCKED]
    assert window.exports.last_dialog.text() == LOCKED


def test_core_refusal_is_said_in_its_own_words(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.exports.failed, timeout=60000) as signal:
        window.export("collect", tmp_path / "x.xlsx", department="食堂")
    assert signal.args[0].startswith("没有“食堂”这个部门")
    assert window.exports.last_dialog.text() == signal.args[0]
    assert not (tmp_path / "x.xlsx").exists()


def test_export_kinds_suggest_chinese_names(window):
    assert KINDS["xlsx"].default_name(window.report) == "聊城高级工程职业学校2021年质量数据表.xlsx"
    assert KINDS["pdf"].default_name(window.report).endswith("中等职业教育质量年度报告（2022）.pdf")


def test_exports_do_not_load_at_start():
    """Cold start stays light: the GUI modules do not pull in openpyxl or reportlab."""
    code = (
        "import sys, desktop.ui.app, desktop.ui.main_window, desktop.ui.data_table;"
        "print(sorted(m for m in ('openpyxl', 'reportlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- commands
def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QREPORT_HOME"] = str(tmp_path / "home")
    return env


def _qreport(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_gui_smoke_prints_startup_ms(report_copy, tmp_path):
    done = _qreport("gui", report_copy, "--smoke", env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+", done.stdout.strip())
    assert 0 < int(done.stdout.strip()) < 60000
    with ReportLock(report_copy) as lock:  # the process ended: its OS lock went with it
        assert lock.held


def test_gui_smoke_without_a_file_opens_the_sample(tmp_path):
    env = _env(tmp_path)
    done = _qreport("gui", "--smoke", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "home" / "data" / "示例报告.qreport").exists()


def test_gui_smoke_refuses_a_non_report(tmp_path):
    bogus = tmp_path / "bogus.qreport"
    bogus.write_text("not a report", encoding="utf-8")
    done = _qreport("gui", bogus, "--smoke", env=_env(tmp_path))
    assert done.returncode == 2
    assert "不是 qreport 报告文件" in done.stderr
    assert "Traceback" not in done.stderr


def test_screenshots_command_writes_pngs(report_copy, tmp_path):
    out = tmp_path / "shots"
    done = _qreport("screenshots", report_copy, out, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    pngs = {p.name for p in out.glob("*.png")}
    assert pngs == {f"tab-{n:02}.png" for n in range(1, TAB_COUNT + 1)} | {"findings.png", "facts-hint.png"}
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "tab-01.png" in done.stdout


def test_daily_backup_after_opening(qtbot, report_copy):
    from desktop import backups

    report, lock = open_locked(report_copy)
    win = MainWindow(report, lock=lock, interactive=True)
    qtbot.addWidget(win)
    assert win.backup_timer.isActive()  # later, never on the start-up path
    win.backup_timer.timeout.emit()
    assert len(backups.list_backups(report_copy)) == 1
    win.close()


# ---------------------------------------------------------------- found driving the window
def _type_in_section(window, chapter: str, section_id: int, text: str) -> None:
    """Type at the end of a section's text as an input method commits it, then store it."""
    tab = window.chapter_tabs[chapter]
    window.show_tab(tab)
    type_at_end(tab, section_id, text)


def test_find_snippet_shows_the_match_after_characters_that_fold_longer(qtbot, window,
                                                                        report_copy):
    section = next(s for s in window.report.file.sections("students") if s.parent is not None)
    # NFKC makes "㎡" "m2" and "…" "...": the match lies further on in the folded text
    _type_in_section(window, "students", section.id,
                     "占地4万㎡㎡㎡㎡㎡㎡，" + "……" * 8 + "新建智慧农场实训中心。")
    with Report.open(report_copy) as stored:
        assert stored.file.section(section.id).text.endswith("新建智慧农场实训中心。")
    dialog = window.show_find()
    dialog.edit.setText("智慧农场")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=2000)
    labels = [dialog.results.item(n).text() for n in range(dialog.results.count())]
    assert len(labels) == 1
    assert "新建智慧农场实训中心。" in labels[0]
    assert labels[0].endswith("中心。")  # the text ends there: no "…" after it


def test_a_search_typed_just_before_closing_does_not_read_the_closed_file(qtbot, window):
    dialog = window.show_find()
    dialog.edit.setText("学生")  # searched 200 ms later
    window.close()
    # the search timer fires or was stopped; an exception in the search fails the test
    qtbot.waitUntil(lambda: not dialog.timer.isActive(), timeout=2000)
    assert not dialog.isVisible()


def test_find_results_follow_the_file_opened(qtbot, window, tmp_path):
    dialog = window.show_find()
    dialog.edit.setText("党建")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=2000)
    other = tmp_path / "other.qreport"
    Report.create(other, "测试职业学校", "2022", 2021).close()
    assert window.open_file(other)
    # section ids are small numbers in every file: an old hit would open a stranger section
    labels = [dialog.results.item(n).text() for n in range(dialog.results.count())]
    assert labels == [hit.label for hit in search(window.report, "党建")]


def test_a_failed_restore_leaves_a_working_window(qtbot, window, on_disk, monkeypatch, small_disk):
    from desktop import backups
    from tests.disks import fill

    monkeypatch.setenv("QREPORT_HOME", str(small_disk / "home"))  # backups on a small disk
    backups.make_backup(window.report.file, "manual")
    fill(small_disk, leave=0)  # no room for the backup taken before restoring
    dialog = window.restore_backup()
    dialog.accept()  # an exception escaping the slot fails the test
    (box,) = _message_boxes(window)
    assert box.text().startswith("磁盘空间不足，无法写入") and "No space" not in box.text()
    model = window.data_tab.model
    assert model.setData(model.index(model.row_of["students"], COL_CUR), "9600")
    assert on_disk.value("students", 2021) == "9600"


def test_new_report_onto_an_existing_file_is_refused_in_the_dialog(qtbot, window, report_copy,
                                                                    on_disk):
    dialog = window.new_report()
    dialog.school.setText("另一所学校")
    dialog.path.setText(str(report_copy.with_suffix("")))  # ".qreport" is added
    dialog._accept()
    assert dialog.isVisible() and "已存在" in dialog.error.text()
    assert dialog.school.text() == "另一所学校"  # nothing typed is lost
    dialog.reject()
    assert window.report.file.path == report_copy
    assert on_disk.meta("school") == "聊城高级工程职业学校"


def test_closed_message_boxes_do_not_pile_up(qtbot, window):
    for _ in range(3):
        window._about()
        (box,) = _message_boxes(window)
        box.accept()
    qtbot.waitUntil(lambda: window.findChildren(QMessageBox) == [])  # deleted, not hidden


def test_undoing_a_chapter_edit_from_another_tab_goes_there_and_says_so(qtbot, window,
                                                                     report_copy):
    section = next(s for s in window.report.file.sections("students") if s.parent is not None)
    _type_in_section(window, "students", section.id, "新增一句。")
    window.show_tab(window.data_tab)
    view = window.data_tab.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Report.open(report_copy) as stored:
        assert stored.file.section(section.id).text == section.text
    # the undo goes where it happened, and says so
    assert window.tabs.currentWidget() is window.chapter_tabs["students"]
    assert window.statusBar().currentMessage() == "已撤销：编辑正文（二、学生发展）"
    window.show_tab(window.data_tab)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    with Report.open(report_copy) as stored:
        assert stored.file.section(section.id).text == section.text + "新增一句。"
    assert window.statusBar().currentMessage() == "已重做：编辑正文（二、学生发展）"


def test_change_history_lists_what_was_typed(window, qtbot):
    from desktop.ui.data_table import COL_CUR

    model = window.data_tab.model
    row = next(r for r, ind in enumerate(model.rows) if ind.id == "teachers")
    assert model.setData(model.index(row, COL_CUR), "502")
    dialog = window.show_history()
    qtbot.addWidget(dialog)
    first = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert first[2:] == ["专任教师（2021年）", "501", "502", "录入"]
    dialog.filter.setText("专任教师")
    assert dialog.visible_rows() >= 1
    dialog.filter.setText("没有这种内容")
    assert dialog.visible_rows() == 0
    dialog.close()


def test_qt_texts_are_chinese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.ui.app import application

    assert application() is qapp  # what `qreport gui` sets up on the running application

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text() for b in box.buttons()}
    assert texts == {"关闭", "取消"}


def test_a_word_report_is_previewed_imported_and_undone(qtbot, window, report_copy, tmp_path):
    """文件 → 导入 Word 报告…: the outline found, then the chapters replaced in one undo step."""
    from desktop.report import Report
    from tests.desktop import word_docs

    path = word_docs.unstyled(tmp_path / "学校报告.docx")

    def overview():
        with Report.open(report_copy) as r:
            return [(s.title, s.text) for s in r.file.sections("overview")]

    before = overview()
    window.tabs.setCurrentWidget(window.chapter_tabs["overview"])  # the tab in view follows
    assert _action(window, "文件", "导入 Word 报告…") is not None
    dialog = window.import_word(path)
    preview = dialog.findChild(QPlainTextEdit).toPlainText()
    assert "一、学校概况 → 学校概况：3 段，0 张表，0 幅图" in preview
    assert "  办学条件：1 段，0 张表，0 幅图" in preview
    dialog.accept()
    assert overview() == [("", "学校始建于1958年，位于聊城市高新区。\n现有在校生9527人。"),
                          ("办学条件", "学校占地709.5亩。")]
    model = window.chapter_tabs["overview"].outline.model  # the tab shows the new outline
    assert [model.label(i) for i in model.ids()][1:] == ["（一）办学条件"]
    window.undo_stack.undo()
    assert overview() == before
    window.tabs.setCurrentWidget(window.chapter_tabs["overview"])  # as the user looks again
    qtbot.waitUntil(lambda: len(model.ids()) == len(before))
    window.undo_stack.redo()
    assert overview()[1] == ("办学条件", "学校占地709.5亩。")


def test_a_damaged_word_file_is_said_in_a_sentence(window, tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert window.import_word(bad) is None
    (box,) = _message_boxes(window)
    assert "不是有效的 Word 文档" in box.text()


def test_an_imported_plain_table_is_shown_as_imported(qtbot, window, tmp_path):
    from desktop.ui.table_editor import PlainTableView
    from tests.desktop import word_docs

    window.import_word(word_docs.unstyled(tmp_path / "u.docx")).accept()
    (table,) = [t for t in window.report.file.tables() if t.kind == "plain"]
    window.tabs.setCurrentWidget(window.chapter_tabs["students"])
    tab = window.chapter_tabs["students"]
    tab.outline.select(table.section)
    qtbot.waitUntil(lambda: tab.editor.frame("table", table.id) is not None)
    body = tab.editor.frame("table", table.id).body
    assert isinstance(body, PlainTableView)
    model = body.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["社团名称", "成立时间", "人数"]
    assert model.item(0, 0).text() == "书法社"


def test_a_failed_backup_before_a_word_import_is_said_in_chinese(window, tmp_path):
    from desktop import backups
    from tests.desktop import word_docs

    before = [(s.title, s.text) for s in window.report.file.sections("students")]
    folder = backups.folder_for(window.report.file.path)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the backup folder belongs")  # mkdir fails: File exists
    window.import_word(word_docs.unstyled(tmp_path / "u.docx")).accept()
    (box,) = _message_boxes(window)
    assert box.text().startswith("导入前的备份失败，没有导入：")
    assert "Errno" not in box.text() and "File exists" not in box.text()
    assert [(s.title, s.text) for s in window.report.file.sections("students")] == before


def test_a_failed_daily_backup_is_said_in_chinese(qtbot, report_copy):
    from desktop import backups

    report, lock = open_locked(report_copy)
    win = MainWindow(report, lock=lock, interactive=True)
    qtbot.addWidget(win)
    folder = backups.folder_for(report_copy)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the backup folder belongs")  # mkdir fails: File exists
    win.backup_timer.timeout.emit()
    said = win.statusBar().currentMessage()
    assert said.startswith("自动备份失败：") and said.endswith("。")
    assert "Errno" not in said and "File exists" not in said
    win.close()


def test_an_export_onto_a_full_disk_is_said_in_chinese(qtbot, window, small_disk):
    from tests.disks import fill

    fill(small_disk, leave=0)
    out = small_disk / "报告.pdf"
    with qtbot.waitSignal(window.exports.failed, timeout=60000) as signal:
        assert window.export("pdf", out)
    said = signal.args[0]
    assert said.startswith("磁盘空间不足，无法写入") and "报告.pdf" in said
    assert "No space" not in said
    assert not out.exists()
