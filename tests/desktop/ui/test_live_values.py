"""Live values in the real window: inserted, following an edit of the data and its undo,
in the editor and in the PDF; copied and pasted; made from a citation finding."""

from __future__ import annotations

import subprocess

from PySide6.QtGui import QTextCursor

from desktop import assemble, live, rules
from desktop.formats.pdf import write_pdf
from desktop.report import Report
from desktop.ui import live_values
from desktop.ui.data_table import COL_CUR

SENTENCE = "在校生规模达 9527 人"


def overview(window):
    tab = window.chapter_tabs["overview"]
    window.show_tab(tab)
    return tab.editor


def select(editor, text: str, start_at: int = 0) -> None:
    shown = editor.text.toPlainText()
    start = shown.index(text, start_at)
    cursor = editor.text.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(text), QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)


def pdf_text(report_path, tmp_path) -> str:
    out = tmp_path / "report.pdf"
    with Report.open(report_path) as report:
        write_pdf(assemble.build(report), out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    return "".join(text.split())


def stored(report_path, chapter="overview") -> str:
    with Report.open(report_path) as report:
        return report.file.section(report.file.chapter_root(chapter)).text


def set_students(window, text: str) -> None:
    tab = window.data_tab
    window.show_tab(tab)
    index = tab.model.index(tab.model.row_of["students"], COL_CUR)
    assert tab.model.setData(index, text)


def test_a_live_value_follows_an_edit_and_its_undo_in_the_editor_and_the_pdf(
        qtbot, window, report_copy, tmp_path):
    editor = overview(window)
    editor.text.setFocus()
    select(editor, "9527", editor.text.toPlainText().index(SENTENCE))
    assert live_values.insert_value(editor, ask=lambda: ("students", 2021))
    assert editor.text.live_values() == [("students", 2021, "9527")]
    assert "在校生规模达 ⟦students@2021⟧ 人" in stored(report_copy)
    assert editor.text.toPlainText().count(SENTENCE) == 1  # shown as the value

    set_students(window, "9600")
    overview(window)
    qtbot.waitUntil(lambda: editor.text.live_values() == [("students", 2021, "9600")])
    assert "在校生规模达 9600 人" in editor.text.toPlainText()
    assert "在校生规模达9600人" in pdf_text(report_copy, tmp_path)
    # the data changed, the stored text did not: it holds the reference
    assert "⟦students@2021⟧" in stored(report_copy)

    window.undo_stack.undo()  # the edit of the value
    overview(window)
    qtbot.waitUntil(lambda: editor.text.live_values() == [("students", 2021, "9527")])
    assert "在校生规模达9527人" in pdf_text(report_copy, tmp_path)
    assert "⟦" not in pdf_text(report_copy, tmp_path)

    window.undo_stack.undo()  # the insertion itself: the number is plain text again
    qtbot.waitUntil(lambda: editor.text.live_values() == [])
    assert SENTENCE in stored(report_copy) and "⟦" not in stored(report_copy)


def test_typing_next_to_a_live_value_stays_plain_text(qtbot, window, report_copy):
    editor = overview(window)
    editor.text.setFocus()
    select(editor, "9527", editor.text.toPlainText().index(SENTENCE))
    live_values.insert_value(editor, ask=lambda: ("students", 2021))
    qtbot.keyClicks(editor.text, "0")  # right after the value
    editor.commit_text()
    assert "在校生规模达 ⟦students@2021⟧0 人" in stored(report_copy)
    # typing inside it makes it the writer's own number
    select(editor, "95270")
    qtbot.keyClicks(editor.text, "12")
    editor.commit_text()
    assert "在校生规模达 12 人" in stored(report_copy)


def test_copy_and_paste_keeps_the_reference(qtbot, window, report_copy):
    editor = overview(window)
    editor.text.setFocus()
    select(editor, "9527", editor.text.toPlainText().index(SENTENCE))
    live_values.insert_value(editor, ask=lambda: ("students", 2021))
    select(editor, SENTENCE)
    editor.text.copy()
    cursor = editor.text.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.text.setTextCursor(cursor)
    editor.text.paste()
    editor.commit_text()
    assert stored(report_copy).count("⟦students@2021⟧") == 2
    assert [v[2] for v in editor.text.live_values()] == ["9527", "9527"]
    # pasted into another section it is still live there
    teachers = window.chapter_tabs["teachers"]
    window.show_tab(teachers)
    teachers.editor.text.setFocus()
    teachers.editor.text.moveCursor(QTextCursor.MoveOperation.End)
    teachers.editor.text.paste()
    teachers.editor.commit_text()
    assert "⟦students@2021⟧" in stored(report_copy, "teachers")


def test_a_cited_number_becomes_live_in_one_action_from_its_finding(qtbot, window, report_copy):
    window.run_check()
    item = window.dock.item_for(lambda f: f.kind == "citation")
    assert item is not None
    finding = item.data(live_values.Qt.ItemDataRole.UserRole + 1)
    # clicking it selects the number in the text
    window.dock.list.itemClicked.emit(item)
    editor = window.tabs.currentWidget().editor
    assert editor.text.textCursor().selectedText() == "21.3%"

    # the panel's context menu offers it, and the action is the one-step conversion
    actions = dict(live_values.finding_actions(window, finding))
    assert set(actions) == {"转到", "改为实时数值（随数据更新）"}
    actions["改为实时数值（随数据更新）"]()
    with Report.open(report_copy) as report:
        text = report.file.section(finding.section).text
        assert "占比 ⟦master_ratio@2021⟧%" in text
        assert not [f for f in rules.check(report) if f.kind == "citation"]
    assert "占比 21.56%" in editor.text.toPlainText()
    assert window.dock.item_for(lambda f: f.kind == "citation") is None


def test_markers_render_as_values_or_a_visible_gap(empty_report):
    value_of = live.resolver(empty_report)
    text = f"在校生{live.marker('students', 2021)}人。"
    assert live.render(text, value_of)[0] == "在校生〔全日制在校生数（2021年）未填〕人。"
    empty_report.set_text("students", 2021, "1200")
    assert live.render(text, live.resolver(empty_report))[0] == "在校生1200人。"


EXIT_AFTER_COPY = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from desktop.ui import live_values
from desktop.ui.app import application
from desktop.ui.main_window import MainWindow, open_locked

app = application()
report, lock = open_locked(sys.argv[1])
window = MainWindow(report, lock=lock, interactive=False)
window.show()
tab = window.chapter_tabs["overview"]
window.show_tab(tab)
editor = tab.editor
shown = editor.text.toPlainText()
start = shown.index("9527", shown.index("在校生规模达 9527 人"))
cursor = editor.text.textCursor()
cursor.setPosition(start)
cursor.setPosition(start + 4, QTextCursor.MoveMode.KeepAnchor)
editor.text.setTextCursor(cursor)
assert live_values.insert_value(editor, ask=lambda: ("students", 2021))
editor.text.selectAll()
editor.text.copy()
assert app.clipboard().mimeData().hasFormat(live_values.MIME)
QTimer.singleShot(0, app.quit)
app.exec()
window.close()
print("left on the clipboard:", "9527" in app.clipboard().text(),
      app.clipboard().mimeData().hasFormat(live_values.MIME))
"""


def test_the_application_exits_cleanly_after_a_live_value_was_copied(report_copy):
    # mime data made in Python and left on Qt's clipboard crashed the process on exit
    import os
    import sys

    done = subprocess.run([sys.executable, "-c", EXIT_AFTER_COPY, str(report_copy)],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-2000:]
    # the copied text stays pasteable after qreport is gone; only our own format is dropped
    assert "left on the clipboard: True False" in done.stdout
