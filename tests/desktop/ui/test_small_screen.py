"""The window on a school laptop: 1366×768 at 100/125/150 % and 1280×720."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.ui.app import TASKBAR_AND_TITLE

# logical pixels a maximised window gets (screen / scaling − taskbar and title bar)
SCREENS = {
    "1366x768@100%": (1366, 768 - TASKBAR_AND_TITLE),
    "1366x768@125%": (int(1366 / 1.25), int(768 / 1.25) - TASKBAR_AND_TITLE),
    "1366x768@150%": (int(1366 / 1.5), int(768 / 1.5) - TASKBAR_AND_TITLE),
    "1280x720@100%": (1280, 720 - TASKBAR_AND_TITLE),
}


def test_minimum_size_fits_a_1366x768_screen_at_150_percent(window, qtbot):
    for index in range(window.tabs.count()):  # every tab, with its widest content shown
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda i=index: window.tabs.currentWidget().isVisible())
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= 1366 / 1.5 and hint.height() <= 768 / 1.5
    # and the window really goes that small
    window.resize(int(1366 / 1.5), int(768 / 1.5))
    qtbot.waitUntil(lambda: window.width() <= 1366 / 1.5 and window.height() <= 768 / 1.5)


@pytest.mark.parametrize("screen", SCREENS)
def test_every_chapter_leaves_half_its_height_to_writing(window, qtbot, screen):
    width, height = SCREENS[screen]
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    for tab in window.chapter_tabs.values():
        window.show_tab(tab)
        # the chapter itself (with 基础数据 where the chapter has facts) and every section
        for section in tab.report.file.sections(tab.chapter.id):
            tab.outline.select(section.id)
            editor = tab.editor
            qtbot.waitUntil(lambda e=editor, s=section: e.section_id == s.id)
            qtbot.waitUntil(lambda e=editor, t=tab: e.text.height() >= t.height() / 2,
                            timeout=2000)
            # nothing of the editor hangs out of the window
            corner = editor.mapTo(window, editor.rect().bottomRight())
            assert corner.x() <= window.width() and corner.y() <= window.height()


def test_facts_reflow_into_one_column_and_fold(window, qtbot):
    tab = window.chapter_tabs["teachers"]
    window.show_tab(tab)
    tab.outline.select(tab.root_id())
    facts = tab.editor.facts
    window.resize(1366, 768 - TASKBAR_AND_TITLE)
    qtbot.waitUntil(lambda: facts.columns == 2)
    window.resize(int(1366 / 1.5), int(768 / 1.5) - TASKBAR_AND_TITLE)
    qtbot.waitUntil(lambda: facts.columns == 1)
    # too short for the fields and half the height for the text: folded under its heading
    qtbot.waitUntil(lambda: not facts.expanded())
    assert facts.toggle.isVisible() and not facts.scroll.isVisible()
    qtbot.mouseClick(facts.toggle, Qt.MouseButton.LeftButton)  # the user opens it
    qtbot.waitUntil(lambda: facts.scroll.isVisible() and facts.scroll.height() > 20)
    field = facts.fields[facts.facts[0]]
    qtbot.waitUntil(field.isVisible)


def test_splitters_remember_their_place(window, qtbot):
    from desktop import settings as settings_mod
    from desktop.ui.section_editor import REMEMBERED

    window.interactive = True  # closing saves the settings as in real use
    tab = window.chapter_tabs["students"]
    window.show_tab(tab)
    qtbot.waitUntil(tab.isVisible)
    tab.splitter.moveSplitter(260, 1)
    qtbot.waitUntil(lambda: tab.splitter.sizes()[0] == 260)
    assert REMEMBERED["outline"] == 260
    other = window.chapter_tabs["teachers"]
    window.show_tab(other)
    qtbot.waitUntil(lambda: other.splitter.sizes()[0] == 260)
    window.close()
    assert settings_mod.load().splitters["outline"] == 260


def test_a_refused_fact_waits_for_its_correction(window, qtbot, on_disk):
    tab = window.chapter_tabs["overview"]
    window.show_tab(tab)
    tab.outline.select(tab.root_id())
    facts = tab.editor.facts
    facts.set_expanded(True)
    year = window.report.year
    money = next(f for f in facts.facts if window.report.template.indicators[f].unit == "万元")
    field = facts.fields[money]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "32000000")
    field.insert("美元")  # 元 on a 万元 field converts (issue 14); a currency it cannot is refused
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "未保存" in facts.message.text())
    # another fact is edited: the refused text and its message stay
    other = facts.fields[next(f for f in facts.facts if f != money)]
    other.setFocus()
    other.selectAll()
    qtbot.keyClicks(other, "12345")
    qtbot.keyClick(other, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on_disk.value(other_id(facts, other), year) == "12345")
    assert field.text() == "32000000美元" and "未保存" in facts.message.text()
    # corrected: stored, message gone
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "3200")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on_disk.value(money, year) == "3200")
    assert not facts.message.text()


def other_id(facts, field) -> str:
    return next(f for f, w in facts.fields.items() if w is field)
