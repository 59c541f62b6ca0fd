"""What a school clerk meets the first time, with the keyboard alone on a small laptop
(the new-user pass): each test presses the keys a clerk would and waits for the result."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.findings import FINDING_ROLE


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the focus"
    qtbot.keyClick(target, key, modifiers)


def test_first_start_on_a_small_screen_is_maximised(qtbot, report_copy):
    """No size remembered and a screen smaller than the window's default (the test screen
    is 800×600): maximised, so the status bar is on the screen, not under the taskbar."""
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, report_copy, show=False)
    window.show_first()
    qtbot.waitUntil(lambda: window.isMaximized() and window.isVisible())
    screen = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: screen.contains(window.frameGeometry()))
    bar = window.statusBar()
    bottom = bar.mapTo(window, bar.rect().bottomLeft()).y()
    assert bar.isVisible() and bottom < window.height()
    window.close()


def test_a_remembered_size_is_shown_as_it_was(qtbot, report_copy):
    from desktop import settings as settings_mod
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, report_copy, show=False)
    window.show_first()
    qtbot.waitUntil(window.isMaximized)
    window.showNormal()
    window.resize(700, 500)
    qtbot.waitUntil(lambda: not window.isMaximized() and window.width() == 700)
    window.interactive = True  # closing saves the settings as in real use
    window.close()
    assert settings_mod.load().window_geometry
    again = open_window(qtbot, report_copy, show=False)
    again.show_first()
    qtbot.waitUntil(again.isVisible)
    assert not again.isMaximized() and again.width() == 700
    again.close()


def test_f5_puts_the_keyboard_on_the_first_finding_and_enter_goes_there(window, qtbot):
    window.activateWindow()
    window.tabs.setCurrentIndex(0)
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    press(qtbot, Qt.Key.Key_F5)
    listing = window.dock.list
    qtbot.waitUntil(lambda: QApplication.focusWidget() is listing)
    first = listing.currentItem()
    assert first is not None and first.data(FINDING_ROLE) is not None
    assert first is window.dock.item_for(lambda _f: True)  # the first finding, not a heading
    assert window.statusBar().currentMessage().startswith("检查完成：错误 ")
    # the finding leads to a cell of the 质量数据表 or into a chapter: Enter takes the keyboard there
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.dock.isAncestorOf(QApplication.focusWidget()))
    page = window.tabs.currentWidget()
    assert page.isAncestorOf(QApplication.focusWidget())
    assert window.tabs.currentIndex() != 0  # it went to the finding's place, off 一、学校概况


def test_the_offered_folder_is_made_when_it_does_not_exist_yet(qtbot, tmp_path):
    """A fresh account may have no 文档 folder yet: 创建 makes it instead of closing the
    dialog on a refusal that throws away what was typed."""
    from PySide6.QtWidgets import QDialog

    from desktop.ui.new_report_dialog import NewReportDialog

    documents = tmp_path / "文档"
    dialog = NewReportDialog(None, documents)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.school.setFocus()
    dialog.school.setText("阳光职业中专")
    qtbot.keyClick(dialog.school, Qt.Key.Key_Return)  # Enter is 创建
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert documents.is_dir()
    assert dialog.values()[3].parent == documents


def test_a_typed_folder_that_does_not_exist_is_said_in_the_dialog(qtbot, tmp_path):
    from desktop.ui.new_report_dialog import NewReportDialog

    dialog = NewReportDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.school.setText("阳光职业中专")
    elsewhere = tmp_path / "没有这个文件夹" / "报告.qreport"
    dialog.path.setFocus()
    dialog.path.setText(str(elsewhere))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "找不到文件夹" in dialog.error.text())
    assert dialog.isVisible() and dialog.school.text() == "阳光职业中专"
    assert not elsewhere.parent.exists()


def test_the_sample_says_it_is_the_sample_and_f1_opens_the_guide(qtbot, report_copy):
    """A first start opens the sample: the window says so, and how to begin; F1 is help."""
    from desktop.ui.app import _sample
    from desktop.ui.help_dialog import HelpDialog
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, _sample())  # the sample a first start writes and opens
    qtbot.waitUntil(window.sample_banner.isVisible)
    assert "Ctrl+N" in window.sample_banner.text() and "F1" in window.sample_banner.text()
    window.activateWindow()
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    press(qtbot, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(HelpDialog)))
    guide = next(d for d in window.findChildren(HelpDialog) if d.isVisible())
    text = guide.text.toPlainText()
    for what in ("Ctrl+N", "F5", "Ctrl+I", "Ctrl+E", "新建下一年度报告"):
        assert what in text
    screen = guide.screen().availableGeometry()
    assert guide.width() <= screen.width() and guide.height() <= screen.height()
    guide.activateWindow()
    qtbot.waitUntil(lambda: guide.isAncestorOf(QApplication.focusWidget()))
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not guide.isVisible())
    window.close()


def test_a_school_report_has_no_sample_banner(window, qtbot):
    qtbot.waitUntil(window.isVisible)
    assert not window.sample_banner.isVisible()


def test_tab_goes_from_the_outline_to_the_writing_box(window, qtbot):
    """From the outline, Tab reaches the section's title and then its text: the outline's
    buttons are no Tab stops (their keys work in the tree)."""
    from desktop.ui.section_editor import TextEdit

    tab = next(t for t in window.chapter_tabs.values()
               if len(t.report.file.sections(t.chapter.id)) > 1)
    window.show_tab(tab)
    child = next(s for s in tab.report.file.sections(tab.chapter.id) if s.id != tab.root_id())
    tab.outline.select(child.id)
    window.activateWindow()
    tab.outline.tree.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.outline.tree)
    stops = []
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
        if isinstance(stops[-1], TextEdit):
            break
    assert isinstance(stops[-1], TextEdit) and len(stops) <= 2, [type(w).__name__ for w in stops]
    # the keys of the buttons still work from the tree: Insert adds a section
    count = len(tab.report.file.sections(tab.chapter.id))
    tab.outline.tree.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.outline.tree)
    press(qtbot, Qt.Key.Key_Insert)
    qtbot.waitUntil(lambda: len(tab.report.file.sections(tab.chapter.id)) == count + 1)


def _keyboard_on_the_tabs(window, qtbot) -> None:
    window.activateWindow()
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())


def _f5_from_the_tab_bar(window, qtbot) -> None:
    """F5 with the keyboard on the tab bar, until the findings list has the keyboard."""
    _keyboard_on_the_tabs(window, qtbot)
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.dock.list.hasFocus())


def _next_year_by_keys(window, qtbot):
    """Alt+F, then Y, from the tab bar: the 新建下一年度报告 dialog, once it is shown."""
    from desktop.ui.next_year_dialog import NextYearDialog

    _keyboard_on_the_tabs(window, qtbot)
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(NextYearDialog)))
    return next(d for d in window.findChildren(NextYearDialog) if d.isVisible())


def test_menu_items_have_their_letters(window, qtbot):
    """Alt+F, then Y: 新建下一年度报告, as an office program's menus are used without a mouse."""
    letters = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        taken = [a.text().split("(&")[1][0] for a in menu.actions()
                 if not a.isSeparator() and "(&" in a.text()]
        assert len(taken) == len(set(taken)), f"{menu_action.text()}: {taken}"
        letters[menu_action.text()] = len(taken) == len([a for a in menu.actions() if not a.isSeparator()])
    assert all(letters.values()), letters

    dialog = _next_year_by_keys(window, qtbot)
    dialog.reject()


def test_the_keyboard_is_in_the_new_report_after_next_year(window, qtbot, tmp_path):
    """新建下一年度报告 by keys: the window's pages are rebuilt for the new file while the
    dialogs are open; when they close the keyboard is on the new report's tabs, not on
    the bare window (where Tab and the arrows did nothing visible)."""
    from desktop.ui.bureau import SummaryDialog

    target = tmp_path / "下一年.qreport"
    dialog = _next_year_by_keys(window, qtbot)
    dialog.path.setFocus()
    dialog.path.setText(str(target))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.path == target)
    for box in window.findChildren(SummaryDialog):  # what the carry said, if anything
        if box.isVisible():
            qtbot.keyClick(box, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda b=box: not b.isVisible())
    # a window manager gives the window back its activation; offscreen has none
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert QApplication.focusWidget() is window.tabs.tabBar()


def test_an_export_bug_is_said_with_what_to_do():
    """What the clerk saw for the PDF bug: 出现意外错误（AttributeError） and nothing to do."""
    from desktop.ui.export_jobs import describe_error

    said = describe_error(AttributeError("'PageBreak' object has no attribute 'wrap'"))
    assert "报告文件没有受影响" in said and "发给软件维护人员" in said
    assert "错误代码 AttributeError" in said and "PageBreak" not in said


def test_ctrl_e_offers_a_name_with_the_year(window, qtbot, report_copy):
    """Ctrl+E, Enter: the offered name carries the data year, so next year's export does not
    offer to overwrite this year's submission."""
    import openpyxl
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    seen = []

    def accept_file_dialog() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QFileDialog) and modal.focusWidget() is not None:
            seen.append(modal.windowTitle())
            qtbot.keyClick(modal.focusWidget(), Qt.Key.Key_Return)  # the offered name
        elif tries.pop():
            QTimer.singleShot(50, accept_file_dialog)

    tries = [False] + [True] * 200  # ten seconds at most
    QTimer.singleShot(50, accept_file_dialog)
    done = []
    window.exports.done.connect(done.append)
    window.activateWindow()
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(done), timeout=60000)
    year = window.report.year
    assert done[0] == str(report_copy.parent / f"聊城高级工程职业学校{year}年质量数据表.xlsx")
    assert seen == ["导出 Excel 质量数据表"]
    book = openpyxl.load_workbook(done[0], read_only=True)
    assert book.sheetnames and book.worksheets[0].max_row > 10


def test_tab_from_the_tab_bar_goes_into_the_page(window, qtbot):
    """The tab bar's scroll arrows (shown when the tabs do not fit) are no Tab stop:
    Tab from the tab bar goes into the page shown."""
    from PySide6.QtWidgets import QToolButton

    bar = window.tabs.tabBar()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in bar.findChildren(QToolButton)))
    window.activateWindow()
    bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not bar)
    assert window.tabs.currentWidget().isAncestorOf(QApplication.focusWidget())


def test_an_image_library_error_is_said_as_a_bug_not_as_a_disk_error(tmp_path):
    """Pillow's errors are OSErrors without an errno: they were said as 读写  时出错（系统错误
    None）, naming no file and blaming the disk; a real disk error is still said as one."""
    import errno

    from PIL import Image, UnidentifiedImageError

    from desktop.ui.export_jobs import describe_error

    bad = tmp_path / "坏.jpg"
    bad.write_bytes(b"not a picture")
    try:
        Image.open(bad)
    except UnidentifiedImageError as exc:
        said = describe_error(exc)
    assert "错误代码 UnidentifiedImageError" in said and "None" not in said
    full = describe_error(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "报告.pdf")))
    assert "报告.pdf" in full and "错误代码" not in full


def _report_whose_check_fails(path):
    """A real edition whose formula breaks at run time: 1e999 is infinity, so the computed
    生师比 cannot be compared with the stated one (decimal.InvalidOperation inside the rules)."""
    from importlib import resources

    from desktop import template as templates
    from desktop.report import Report

    text = (resources.files("resources") / "templates" / "2022.toml").read_text(encoding="utf-8")
    assert 'formula = "students / teachers"' in text
    text = text.replace('formula = "students / teachers"', 'formula = "students * 1e999 / teachers"')
    with Report.create(path, "测试职业学校", templates.load_text(text), 2021) as report:
        for year in (2020, 2021):
            report.file.set_values((i, year, report.parse(i, year, v)) for i, v in
                                   {"students": "1000", "teachers": "50", "student_teacher_ratio": "20"}.items())
    return path


def test_a_failed_check_is_not_reported_as_done_by_f5(qtbot, tmp_path):
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, _report_whose_check_fails(tmp_path / "坏.qreport"))
    window.activateWindow()
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    for _ in range(2):  # the second F5 neither: 检查完成 with the old counts would be untrue
        press(qtbot, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.dock.list.hasFocus())
        assert window.statusBar().currentMessage().startswith("检查未能完成"), \
            window.statusBar().currentMessage()
        assert window.counts_button.text() == "检查未能完成"
        assert window.dock.summary.text() == "检查未能完成。"
        assert window.dock.item_for(lambda _f: True) is None  # no stale findings listed
        window.tabs.tabBar().setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    # no 专任教师, no computed 生师比 to break on: the next check succeeds and says so
    window.report.file.set_values([("teachers", y, None) for y in (2020, 2021)])
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.dock.list.hasFocus())
    assert window.statusBar().currentMessage().startswith("检查完成"), window.statusBar().currentMessage()
    assert window.counts_button.text().startswith("错误 ")
    window.close()


def test_undo_and_redo_read_with_their_letter_after_the_verb(window, qtbot):
    """撤销(U) 编辑正文, as 打印(P)… reads: the letter right after the verb, the command after."""
    from desktop.ui.section_editor import TextEdit

    tab = next(iter(window.chapter_tabs.values()))
    window.show_tab(tab)
    editor = tab.findChildren(TextEdit)[0]
    window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "abc")
    window.commit_pending_edits()
    qtbot.waitUntil(window.undo_action.isEnabled)
    assert window.undo_action.text() == f"撤销(&U) {window.undo_stack.undoText()}"
    assert window.undo_stack.undoText() and "&" not in window.undo_stack.undoText()
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.redo_action.isEnabled)
    assert window.redo_action.text() == f"重做(&R) {window.undo_stack.redoText()}"
    assert window.undo_action.text() == "撤销(&U)"  # nothing left to undo: the bare verb


def _findings_rows_seen(window) -> float:
    listing = window.dock.list
    return listing.viewport().height() / listing.fontMetrics().lineSpacing()


def test_f5_gives_the_findings_panel_room_for_a_few_lines(qtbot, report_copy):
    """On a small screen (1366×768 at 150 % leaves about 440 pixels of height) the panel
    starts at a fifth of the height (the chapters need it); F5 asks to read the findings, so
    it grows: several lines, not two and a half."""
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, report_copy, show=False)
    window.show()
    window.resize(900, 440)
    qtbot.waitUntil(lambda: window.isVisible() and window.height() == 440)
    qtbot.waitUntil(lambda: window.dock.height() <= 440 // 4)
    assert _findings_rows_seen(window) < 3
    before = window.dock.height()
    _f5_from_the_tab_bar(window, qtbot)
    qtbot.waitUntil(lambda: window.dock.height() > before)
    # six lines asked for; the chapter pages' minimum height (about 240 px) may leave fewer
    assert _findings_rows_seen(window) >= 4
    assert window.dock.height() <= window.height() // 2  # the chapter keeps half
    window.close()


def test_f5_keeps_the_height_the_user_dragged_the_panel_to(qtbot, report_copy):
    from tests.desktop.ui.driving import open_window

    window = open_window(qtbot, report_copy, show=False)
    window.show_first()
    qtbot.waitUntil(lambda: window.isMaximized() and window.isVisible())
    # drag the panel's top edge (the main window's separator, just above the dock) down
    top = window.dock.mapTo(window, window.dock.rect().topLeft()).y()
    edge = QPoint(window.dock.mapTo(window, window.dock.rect().center()).x(), top - 3)
    assert window.childAt(edge) is None  # the separator: the main window itself
    before = window.dock.height()
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(window, edge + QPoint(0, 20))
    qtbot.waitUntil(lambda: window.dock.height() < before)  # the layout moves it on a timer
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=edge + QPoint(0, 20))
    dragged = window.dock.height()
    _f5_from_the_tab_bar(window, qtbot)
    QApplication.sendPostedEvents()  # the layout applies a dock resize in a posted event
    QApplication.processEvents()
    assert window.dock.height() == dragged
    window.close()


def test_a_facts_field_says_its_whole_hint_under_the_form(window, qtbot):
    """The placeholder holds the hint's first words only; while the field has the keyboard
    the whole hint is written, wrapped, under the form (a tooltip needs the mouse)."""
    tab = window.chapter_tabs["overview"]
    window.show_tab(tab)
    tab.outline.select(tab.root_id())
    facts = tab.editor.facts
    ind = window.report.template.indicators["campus_area"]
    assert ind.help and facts.fields["campus_area"].placeholderText() != ind.help
    window.activateWindow()
    facts.previous["campus_area"].setFocus()
    qtbot.waitUntil(facts.previous["campus_area"].hasFocus)
    press(qtbot, Qt.Key.Key_Tab)  # to this year's field, as a clerk goes
    qtbot.waitUntil(facts.fields["campus_area"].hasFocus)
    qtbot.waitUntil(facts.hint.isVisible)
    assert ind.help in facts.hint.text() and facts.hint.wordWrap()
    assert facts.hint.width() >= facts.hint.sizeHint().width() or facts.hint.height() > \
        facts.hint.fontMetrics().lineSpacing()  # all of it shown: fits, or wraps to lines
    tab.outline.tree.setFocus()  # the keyboard elsewhere: the line goes, the text gets the room
    qtbot.waitUntil(lambda: not facts.hint.isVisible())
