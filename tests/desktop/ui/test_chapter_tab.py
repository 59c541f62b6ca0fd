"""The chapter tab with real widgets on a real report file.

Every test edits through the widgets (or the very handler a dialog would call, since
dialogs cannot be driven offscreen) and then re-opens the file from disk to prove what
was stored. Chinese is typed as input-method commits: keyClicks with CJK aborts Qt.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QInputMethodEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop import assemble
from desktop.report import Report
from desktop.template import load
from desktop.text import paragraphs
from desktop.ui.chapter_tab import ChapterTab

TEMPLATE = load("2022")


@pytest.fixture
def report_path(sample_path, tmp_path, monkeypatch) -> Path:
    """The suite's fresh sample copy, under a Chinese file name."""
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    return sample_path.rename(tmp_path / "报告.qreport")


@pytest.fixture
def open_tab(qtbot, report_path):
    """open_tab(chapter_id) -> (tab, report, stack); everything is closed afterwards."""
    opened = []

    def make(chapter_id: str):
        report = Report.open(report_path)
        stack = QUndoStack()
        tab = ChapterTab(report, report.template.chapter(chapter_id), stack)
        qtbot.addWidget(tab)
        tab.resize(1280, 800)
        # focus events (commit on focus-out) need an active window
        with qtbot.waitActive(tab):
            tab.show()
            tab.activateWindow()
        opened.append((report, stack))
        return tab, report, stack

    yield make
    for report, stack in opened:
        stack.clear()
        report.close()


def fresh(path: Path) -> Report:
    """The file as a new process would see it."""
    return Report.open(path)


def section_by_title(report: Report, chapter: str, start: str):
    return next(s for s in report.file.sections(chapter) if s.title.startswith(start))


def children_titles(report: Report, section_id: int) -> list[str]:
    return [s.title for s in report.file.children(section_id)]


def commit_text(editor, text: str) -> None:
    """Type Chinese the way an input method delivers it: a composition, then a commit,
    at the end of the text."""
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    preedit = QInputMethodEvent("xuesheng", [])
    QApplication.sendEvent(editor, preedit)
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(editor, commit)


def press_enter(qtbot, editor) -> None:
    """Enter in an item editor: the view commits it from a queued call."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def dump(path: Path) -> dict:
    """Everything a chapter tab can change, for before/after comparisons."""
    with fresh(path) as report:
        f = report.file
        return {
            "sections": [(s.id, s.parent, s.position, s.title, s.text) for s in f.sections()],
            "tables": [(t.id, t.section, t.ref, t.caption, t.after, t.position, t.stated_total,
                        t.rows) for t in f.tables()],
            "figures": [(g.id, g.section, g.caption, g.after, g.position,
                         [(p.id, p.position, p.caption) for p in g.photos]) for g in f.figures()],
            "values": f.values(),
        }


def block_frame(tab: ChapterTab, kind: str, item_id: int):
    frame = tab.editor.frame(kind, item_id)
    assert frame is not None, f"no {kind} {item_id} shown"
    return frame


def exif_jpeg(path: Path, size=(200, 100), orientation: int = 6) -> Path:
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


# ---------------------------------------------------------------- outline


def test_outline_add_rename_move_delete_and_undo_delete(open_tab, report_path, qtbot,
                                                        monkeypatch):
    tab, report, stack = open_tab("students")
    first = section_by_title(report, "students", "立德树人")
    team = section_by_title(report, "students", "队伍建设")
    pane = tab.outline

    # add after 队伍建设 and rename inline, as after pressing Insert then typing
    pane.select(team.id)
    pane.add_action.trigger()
    new_id = pane.current_id()
    assert new_id not in (team.id, None)
    editor = pane.tree.indexWidget(pane.model.index_of(new_id))
    assert isinstance(editor, QLineEdit) and editor.text() == "新小节"
    editor.setText("思政课程，铸魂育人")
    press_enter(qtbot, editor)
    with fresh(report_path) as r:
        assert children_titles(r, first.id)[-2:] == ["队伍建设，努力夯实育人基础", "思政课程，铸魂育人"]
    assert pane.model.label(new_id) == "4.思政课程，铸魂育人"  # numbered, not stored

    # move up: it passes 队伍建设 and both renumber
    pane.up_action.trigger()
    with fresh(report_path) as r:
        assert children_titles(r, first.id)[-2:] == ["思政课程，铸魂育人", "队伍建设，努力夯实育人基础"]
    assert pane.model.label(new_id).startswith("3.")
    pane.down_action.trigger()
    with fresh(report_path) as r:
        assert children_titles(r, first.id)[-1] == "思政课程，铸魂育人"

    # delete a section holding tables and a figure, after confirming; undo restores all
    contest = section_by_title(report, "students", "融入教学")
    before = dump(report_path)
    asked = []
    monkeypatch.setattr(tab, "confirm", lambda title, text: asked.append(text) or True)
    pane.select(contest.id)
    pane.delete_action.trigger()
    assert "3 个表格" in asked[0] and "1 张图片" in asked[0]
    with fresh(report_path) as r:
        assert all(s.id != contest.id for s in r.file.sections("students"))
        assert r.file.tables(contest.id) == [] and r.file.figures(contest.id) == []
    assert pane.model.section(contest.id) is None
    stack.undo()
    after_undo = dump(report_path)
    assert after_undo["sections"] == before["sections"]
    assert after_undo["tables"] == before["tables"]
    assert after_undo["figures"] == before["figures"]
    assert pane.current_id() == contest.id
    with fresh(report_path) as r:
        photo = r.file.figures(contest.id)[0].photos[0]
        assert r.file.photo_data(photo.id)[:2] == b"\xff\xd8"


def test_refused_confirmation_deletes_nothing(open_tab, report_path, monkeypatch):
    tab, report, stack = open_tab("teaching")
    before = dump(report_path)
    monkeypatch.setattr(tab, "confirm", lambda title, text: False)
    tab.outline.select(section_by_title(report, "teaching", "对接产业").id)
    tab.outline.delete_action.trigger()
    assert dump(report_path) == before and stack.count() == 0


def test_root_cannot_be_deleted_and_numbered_chapter_cannot_be_renamed(open_tab):
    tab, _, _ = open_tab("overview")
    pane = tab.outline
    pane.select(pane.model.root_id)
    assert not pane.delete_action.isEnabled()
    assert not pane.rename_action.isEnabled()
    assert pane.model.label(pane.model.root_id) == "一、学校概况"


def test_case_root_is_labelled_and_renamable(open_tab, report_path, qtbot):
    tab, _, _ = open_tab("case")
    pane = tab.outline
    root = pane.model.root_id
    assert pane.model.label(root).startswith("案例：产教深度融合")
    assert [pane.model.label(c)[:2] for c in pane.model.children_of(root)][:2] == ["一、", "二、"]
    pane.select(root)
    pane.tree.setFocus()
    qtbot.keyClick(pane.tree, Qt.Key.Key_F2)  # rename in place, as in Explorer
    editor = pane.tree.indexWidget(pane.model.index_of(root))
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "产教深度融合 引企入校助推人才培养服务地方经济发展"  # no "案例："
    qtbot.keyClick(editor, Qt.Key.Key_Delete)  # a key of the editor, not 删除小节
    assert pane.model.section(root) is not None
    editor.setText("校企共建 产教融合育人")
    press_enter(qtbot, editor)
    with fresh(report_path) as r:
        assert r.file.section(root).title == "校企共建 产教融合育人"


def test_outline_numbers_are_the_printed_numbers(open_tab, report_path):
    tab, _, _ = open_tab("students")
    with fresh(report_path) as r:
        chapter = next(c for c in assemble.build(r).chapters if c.title == "学生发展")

    printed = []

    def walk(sections):
        for s in sections:
            printed.append(s.number + s.title)
            walk(s.sections)

    walk(chapter.sections)
    model = tab.outline.model
    shown = [model.label(sid) for sid in model.ids()[1:]]
    assert shown == printed


# ---------------------------------------------------------------- text


def test_chinese_typed_with_an_input_method_is_stored(open_tab, report_path, qtbot):
    tab, report, stack = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    tab.outline.select(team.id)
    text = tab.editor.text
    text.setFocus()
    cursor = text.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    text.setTextCursor(cursor)

    # while the input method composes, nothing is stored
    QApplication.sendEvent(text, QInputMethodEvent("jiaoshi", []))
    tab.editor.commit_text()  # what the idle timer does after typing
    with fresh(report_path) as r:
        assert r.file.section(team.id).text == team.text

    commit = QInputMethodEvent()
    commit.setCommitString("教师队伍结构持续优化。")
    with qtbot.waitSignal(tab.notifier.changed, timeout=3000):
        QApplication.sendEvent(text, commit)
    with fresh(report_path) as r:
        assert r.file.section(team.id).text == team.text + "教师队伍结构持续优化。"
    assert "本节" in tab.editor.count.text()
    assert stack.count() == 1 and stack.undoText() == "编辑正文"


def test_one_burst_of_typing_is_one_undo_step(open_tab, report_path):
    tab, report, stack = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    tab.outline.select(team.id)
    editor = tab.editor
    editor.text.setFocus()
    commit_text(editor.text, "第一句。")
    editor.commit_text()  # as the idle timer would
    commit_text(editor.text, "第二句。")
    editor.commit_text()
    assert stack.count() == 1
    with fresh(report_path) as r:
        assert r.file.section(team.id).text.endswith("第一句。第二句。")
    stack.undo()
    with fresh(report_path) as r:
        assert r.file.section(team.id).text == team.text
    assert editor.text.toPlainText() == team.text


def test_leaving_the_section_commits_at_once(open_tab, report_path):
    tab, report, _ = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    other = section_by_title(report, "students", "党建引领")
    tab.outline.select(team.id)
    tab.editor.text.setFocus()
    commit_text(tab.editor.text, "补充一句。")
    tab.outline.select(other.id)  # before the idle timer fires
    with fresh(report_path) as r:
        assert r.file.section(team.id).text.endswith("补充一句。")
    assert tab.editor.text.toPlainText() == other.text

    # focus moving from the text to the title commits as well
    tab.editor.text.setFocus()
    commit_text(tab.editor.text, "再补一句。")
    tab.editor.title.setFocus()
    with fresh(report_path) as r:
        assert r.file.section(other.id).text.endswith("再补一句。")


def test_title_edit_renames(open_tab, report_path, qtbot):
    tab, report, _ = open_tab("teaching")
    section = section_by_title(report, "teaching", "构建体系")
    tab.outline.select(section.id)
    title = tab.editor.title
    title.setFocus()
    title.setText("构建体系，深化课程思政建设")
    title.setModified(True)
    qtbot.keyClick(title, Qt.Key.Key_Return)
    with fresh(report_path) as r:
        assert r.file.section(section.id).title == "构建体系，深化课程思政建设"
    assert tab.outline.model.label(section.id) == "（五）构建体系，深化课程思政建设"


# ---------------------------------------------------------------- tables


def test_free_table_cell_edit_and_refusal(open_tab, report_path, qtbot):
    tab, report, stack = open_tab("teaching")
    section = section_by_title(report, "teaching", "对接产业")
    table = report.file.tables(section.id)[0]
    assert table.ref == "majors" and table.stated_total == "9527"
    tab.outline.select(section.id)
    editor = block_frame(tab, "table", table.id).body
    view, model = editor.view, editor.model
    assert editor.total_note.isVisible()  # the published 9527 is not the rows' sum

    def type_into(row: int, column: int, text: str) -> None:
        index = model.index(row, column)
        view.setCurrentIndex(index)
        view.edit(index)
        cell = view.indexWidget(index)
        assert isinstance(cell, QLineEdit)
        if text.isascii():
            cell.selectAll()
            qtbot.keyClicks(cell, text)
        else:
            cell.setText(text)  # keyClicks cannot type non-ASCII
        press_enter(qtbot, cell)

    type_into(0, 3, "400")
    with fresh(report_path) as r:
        stored = r.file.table(table.id)
        assert stored.rows[0][2] == "400"
        assert stored.stated_total is None  # the total is computed from now on
    assert model.data(model.index(0, 0)) == "1"
    total_row = model.rowCount() - 1
    assert model.data(model.index(total_row, 0)) == "合计"
    assert model.data(model.index(total_row, 3)) == str(
        sum(int(r[2] or 0) for r in model.rows))
    assert not editor.total_note.isVisible()

    type_into(1, 3, "5x1")
    assert editor.message.isVisible()
    assert "在校生数" in editor.message.label.text() and "不是有效的整数" in editor.message.label.text()
    with fresh(report_path) as r:
        assert r.file.table(table.id).rows[1] == table.rows[1]
    assert model.data(model.index(1, 3)) == table.rows[1][2]  # old value kept

    type_into(1, 3, "６０２")  # full-width digits, as an input method may type them
    with fresh(report_path) as r:
        assert r.file.table(table.id).rows[1][2] == "602"

    stack.undo()
    stack.undo()
    with fresh(report_path) as r:
        restored = r.file.table(table.id)
        assert restored.rows == table.rows and restored.stated_total == "9527"


def test_free_table_rows_added_removed_and_pasted(open_tab, report_path):
    tab, report, stack = open_tab("service")
    section = next(s for s in report.file.sections("service")
                   if any(t.ref == "training" for t in report.file.tables(s.id)))
    table = next(t for t in report.file.tables(section.id) if t.ref == "training")
    tab.outline.select(section.id)
    editor = block_frame(tab, "table", table.id).body
    n = len(table.rows)
    editor.view.setCurrentIndex(editor.model.index(n - 1, 1))
    editor.add_row()
    with fresh(report_path) as r:
        assert len(r.file.table(table.id).rows) == n + 1
    editor._paste(n, 1, "聊城市某公司\t1,200\n另一家单位\t30")
    with fresh(report_path) as r:
        rows = r.file.table(table.id).rows
        assert rows[n:] == (("聊城市某公司", "1200"), ("另一家单位", "30"))
    before = dump(report_path)
    editor._paste(n, 1, "坏数据\t很多")
    assert "培训人数" in editor.message.label.text()
    assert dump(report_path) == before
    editor.view.setCurrentIndex(editor.model.index(n, 1))
    editor.remove_rows()
    with fresh(report_path) as r:
        assert len(r.file.table(table.id).rows) == n + 1
    for _ in range(stack.count()):
        stack.undo()
    with fresh(report_path) as r:
        assert r.file.table(table.id).rows == table.rows


def test_insert_tables_from_the_menu_and_fixed_table_is_read_only(open_tab, report_path):
    tab, report, _ = open_tab("students")
    section = section_by_title(report, "students", "多措并举")
    tab.outline.select(section.id)
    editor = tab.editor
    editor._fill_table_menu()
    texts = [a.text() for a in editor.table_menu.actions() if not a.isSeparator()]
    assert "学生参加技能大赛部分省级及以上获奖情况统计表" in texts
    assert any("学生发展（已插入）" in t for t in texts)  # t2_3 is already in the chapter
    editor.add_table("free", "hosted_contests")
    with fresh(report_path) as r:
        [added] = r.file.tables(section.id)
        # a new table goes after the last paragraph
        assert (added.kind, added.ref, added.after) == (
            "free", "hosted_contests", len(paragraphs(section.text)))
    assert block_frame(tab, "table", added.id).number.text() == tab.numbers()[0][added.id]
    # the fixed table shows the data table's values of the report year
    contest = section_by_title(report, "students", "融入教学")
    tab.outline.select(contest.id)
    fixed = next(t for t in report.file.tables(contest.id) if t.kind == "fixed")
    body = block_frame(tab, "table", fixed.id).body
    model = body.model
    graduates = next(r for r in range(model.rowCount())
                     if model.data(model.index(r, 1)) == "毕业生总数")
    assert model.data(model.index(graduates, 3)) == report.file.value("graduates", 2021)
    assert not model.flags(model.index(graduates, 3)) & Qt.ItemFlag.ItemIsEditable


def test_blocks_move_and_place(open_tab, report_path):
    tab, report, stack = open_tab("students")
    contest = section_by_title(report, "students", "融入教学")
    tab.outline.select(contest.id)
    editor = tab.editor
    order = [b.key for b in editor._blocks]
    first_table = next(k for k in order if k[0] == "table")
    number_before = tab.numbers()[0][first_table[1]]
    editor.move_block(*first_table, 1)  # down past its neighbour
    new_order = [b.key for b in editor._blocks]
    i = order.index(first_table)
    assert new_order[i + 1] == first_table
    with fresh(report_path) as r:
        numbers = r.table_numbers()
        doc_order = [("table", t.id) for t in sorted(r.file.tables(contest.id),
                                                       key=lambda t: (t.after, t.position))]
        assert [k for k in new_order if k[0] == "table"] == doc_order
        assert numbers[first_table[1]] != number_before  # numbering follows reading order
    frame = block_frame(tab, "table", first_table[1])
    frame.after.setValue(0)
    frame.after.setValue(1)
    frame.after.setValue(0)
    with fresh(report_path) as r:
        assert r.file.table(first_table[1]).after == 0
    assert editor._blocks[0].key == first_table
    # three spin box steps; 0 then back to 1 cancelled out and left no undo step
    assert stack.count() == 2 and stack.undoText() == "调整位置"
    stack.undo()
    with fresh(report_path) as r:
        assert r.file.table(first_table[1]).after != 0


# ---------------------------------------------------------------- figures


def test_add_figure_from_a_file_is_upright(open_tab, report_path, tmp_path):
    tab, report, stack = open_tab("policy")
    section = report.file.sections("policy")[1]
    tab.outline.select(section.id)
    photo_file = exif_jpeg(tmp_path / "现场照片.jpg")
    before = len(report.file.figures(section.id))
    assert tab.insert_images([str(photo_file)]) == 1
    with fresh(report_path) as r:
        figures = r.file.figures(section.id)
        assert len(figures) == before + 1
        photo = figures[-1].photos[0]
        assert (photo.width, photo.height) == (100, 200)  # turned by EXIF orientation 6
        stored = Image.open(io.BytesIO(r.file.photo_data(photo.id)))
        assert stored.size == (100, 200)
        figure_id = figures[-1].id
    assert tab.numbers()[1][figure_id].startswith("图 ")
    assert block_frame(tab, "figure", figure_id).number.text() == tab.numbers()[1][figure_id]

    # a second file goes into the same figure
    second = exif_jpeg(tmp_path / "second.jpg", orientation=1)
    assert tab.insert_images([str(second)], figure_id=figure_id) == 1
    with fresh(report_path) as r:
        photos = next(f for f in r.file.figures(section.id) if f.id == figure_id).photos
        assert [(p.width, p.height) for p in photos] == [(100, 200), (200, 100)]
    stack.undo()
    stack.undo()
    with fresh(report_path) as r:
        assert len(r.file.figures(section.id)) == before
    stack.redo()
    with fresh(report_path) as r:
        assert r.file.figures(section.id)[-1].id == figure_id  # restored with its id


def test_non_image_file_is_refused_and_nothing_stored(open_tab, report_path, tmp_path):
    tab, report, stack = open_tab("policy")
    section = report.file.sections("policy")[1]
    tab.outline.select(section.id)
    text_file = tmp_path / "会议纪要.jpg"
    text_file.write_text("这不是图片", encoding="utf-8")
    before = dump(report_path)
    assert tab.insert_images([str(text_file), str(tmp_path / "不存在.png")]) == 0
    message = tab.editor.message
    assert message.isVisible()
    assert "会议纪要.jpg 不是可识别的图片文件" in message.label.text()
    assert "不存在.png" in message.label.text()
    assert dump(report_path) == before and stack.count() == 0


def test_image_files_dropped_on_the_text_become_a_figure(open_tab, report_path, tmp_path):
    tab, report, _ = open_tab("policy")
    section = report.file.sections("policy")[2]
    tab.outline.select(section.id)
    before = len(report.file.figures(section.id))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(exif_jpeg(tmp_path / f"拖入{i}.jpg")))
                  for i in range(2)])
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt delivers a drop only during a real drag: call the handler as Qt would
    tab.editor.text.dragEnterEvent(drop)
    assert drop.isAccepted()
    tab.editor.text.dropEvent(drop)
    assert drop.isAccepted()
    assert tab.editor.text.toPlainText() == section.text  # no file names typed into the text
    with fresh(report_path) as r:
        figures = r.file.figures(section.id)
        assert len(figures) == before + 1 and len(figures[-1].photos) == 2


def test_photo_caption_order_and_delete(open_tab, report_path, tmp_path):
    tab, report, stack = open_tab("policy")
    section = report.file.sections("policy")[1]
    tab.outline.select(section.id)
    files = [str(exif_jpeg(tmp_path / f"p{i}.jpg", orientation=1)) for i in range(3)]
    tab.insert_images(files)
    figure = report.file.figures(section.id)[-1]
    frame = block_frame(tab, "figure", figure.id)
    body = frame.body
    assert body.strip.count() == 3

    frame.caption.setText("学校召开疫情防控工作会议")
    frame.caption.editingFinished.emit()
    body.strip.setCurrentRow(2)
    body.caption.setText("会议现场")
    body.caption.editingFinished.emit()
    body.move_photo(-1)
    with fresh(report_path) as r:
        stored = next(f for f in r.file.figures(section.id) if f.id == figure.id)
        assert stored.caption == "学校召开疫情防控工作会议"
        assert [p.id for p in stored.photos] == [figure.photos[0].id, figure.photos[2].id,
                                                 figure.photos[1].id]
        assert stored.photos[1].caption == "会议现场"
    assert body.current_photo().id == figure.photos[2].id  # the moved photo stays selected
    body.delete_photo()
    with fresh(report_path) as r:
        stored = next(f for f in r.file.figures(section.id) if f.id == figure.id)
        assert figure.photos[2].id not in [p.id for p in stored.photos]
    stack.undo()
    with fresh(report_path) as r:
        stored = next(f for f in r.file.figures(section.id) if f.id == figure.id)
        assert len(stored.photos) == 3


# ---------------------------------------------------------------- facts


def test_fact_edit_and_refusal(open_tab, report_path, qtbot):
    tab, report, stack = open_tab("overview")
    tab.outline.select(tab.root_id())
    facts = tab.editor.facts
    assert facts.isVisible() and facts.title() == "基础数据"  # two year columns, headed
    field = facts.fields["campus_area"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "800")
    field.insert("亩")  # the unit typed in Chinese
    qtbot.keyClick(field, Qt.Key.Key_Return)
    expected = report.parse("campus_area", 2021, "800亩")
    with fresh(report_path) as r:
        assert r.file.value("campus_area", 2021) == expected == "533333.33"
    assert field.text() == expected

    field.setText("很大")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert facts.message.isVisible()
    assert "校园占地面积（2021年）" in facts.message.label.text()
    assert field.text() == "很大"  # kept in place to be corrected
    with fresh(report_path) as r:
        assert r.file.value("campus_area", 2021) == expected
    stack.undo()
    original = report.parse("campus_area", 2021, "709.5亩")
    with fresh(report_path) as r:
        assert r.file.value("campus_area", 2021) == original
    assert field.text() == original and not facts.message.isVisible()


# ---------------------------------------------------------------- undo, API


def test_undo_and_redo_everything_through_the_stack(open_tab, report_path, qtbot, tmp_path):
    tab, report, stack = open_tab("teaching")
    original = dump(report_path)
    section = section_by_title(report, "teaching", "对接产业")
    table = report.file.tables(section.id)[0]
    changes = []
    tab.notifier.changed.connect(changes.append)

    tab.outline.select(section.id)
    tab.outline.add_child_action.trigger()
    title = tab.outline.tree.indexWidget(tab.outline.model.index_of(tab.outline.current_id()))
    title.setText("专业群建设")
    press_enter(qtbot, title)
    tab.outline.select(section.id)
    tab.editor.text.setFocus()
    commit_text(tab.editor.text, "新增专业三个。")
    tab.editor.commit_text()
    block_frame(tab, "table", table.id).body.model.setData(
        block_frame(tab, "table", table.id).body.model.index(2, 2), "电气自动化")
    tab.insert_images([str(exif_jpeg(tmp_path / "a.jpg"))])
    edited = dump(report_path)
    assert edited != original and len(changes) == stack.count() == 5

    while stack.canUndo():
        stack.undo()
    assert dump(report_path) == original
    while stack.canRedo():
        stack.redo()
    assert dump(report_path) == edited
    assert len(changes) == 15
    assert {c.chapter for c in changes} == {"teaching"}  # each named its chapter


def test_ctrl_z_in_the_text_commits_then_undoes(open_tab, report_path, qtbot):
    tab, report, stack = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    tab.outline.select(team.id)
    text = tab.editor.text
    text.setFocus()
    commit_text(text, "还没有存。")
    assert stack.count() == 0  # within the idle delay
    qtbot.keyClick(text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stack.count() == 1 and stack.canRedo() and not stack.canUndo()
    assert text.toPlainText() == team.text
    qtbot.keyClick(text, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    with fresh(report_path) as r:
        assert r.file.section(team.id).text.endswith("还没有存。")


def test_a_failed_write_is_reported_and_not_in_the_history(qtbot, small_disk):
    from tests.disks import fill

    path = small_disk / "报告.qreport"
    Report.create(path, "测试学校", "2022", 2021).close()
    report = Report.open(path)
    stack = QUndoStack()
    tab = ChapterTab(report, report.template.chapter("teaching"), stack)
    qtbot.addWidget(tab)
    tab.show()
    section = report.file.sections("teaching")[-1]
    tab.outline.select(section.id)
    filler = fill(small_disk, leave=0)  # the disk fills while the report is open
    stored = [section.title]
    for n in range(400):  # the change log grows until nothing fits
        title = f"第{n}次：" + "专业建设与课程改革" * 20
        tab.rename_section(section.id, title)
        if tab.message.isVisible():
            break
        stored.append(title)
    text = tab.message.label.text()
    assert "未能重命名小节" in text and "磁盘空间不足" in text and "disk" not in text
    assert stack.count() == len(stored) - 1  # the refused rename is not in the history
    assert tab.outline.model.section(section.id).title == stored[-1]
    stack.clear()
    report.close()
    filler.unlink()
    with Report.open(path) as again:
        assert again.file.integrity() == "ok"
        assert again.file.section(section.id).title == stored[-1]  # nothing half-written


def test_focus_target_and_completeness(open_tab, report_path):
    tab, report, _ = open_tab("teaching")
    section = section_by_title(report, "teaching", "对接产业")
    table = report.file.tables(section.id)[0]
    assert tab.focus_target(None, table.id, None)
    assert tab.outline.current_id() == section.id
    assert tab.focus_target(None, None, "students")  # restated by the majors table
    assert tab.outline.current_id() == section.id
    other = section_by_title(report, "teaching", "多点发力")
    assert tab.focus_target(other.id, None, None)
    assert tab.outline.current_id() == other.id
    assert not tab.focus_target(None, None, "campus_area")  # a fact of another chapter
    done, total = tab.completeness()
    assert (done, total) == (7, 7)

    overview, _, _ = open_tab("overview")
    assert overview.focus_target(None, None, "campus_area")
    assert overview.outline.current_id() == overview.root_id()


def test_reload_keeps_untouched_typing(open_tab, report_path):
    tab, report, _ = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    tab.outline.select(team.id)
    tab.editor.text.setFocus()
    commit_text(tab.editor.text, "尚未保存的文字")
    report.file.set_value("enrolment", 2021, "4000")  # an edit made elsewhere
    tab.reload()
    assert tab.editor.text.toPlainText().endswith("尚未保存的文字")
    tab.commit_pending()
    with fresh(report_path) as r:
        assert r.file.section(team.id).text.endswith("尚未保存的文字")


@pytest.mark.parametrize("chapter", [c.id for c in TEMPLATE.chapters])
def test_every_chapter_builds_and_shows_every_section(open_tab, chapter):
    tab, report, _ = open_tab(chapter)
    model = tab.outline.model
    ids = model.ids()
    assert ids and ids[0] == tab.root_id()
    for sid in ids:
        assert tab.outline.select(sid)
        assert tab.editor.section_id == sid
        section = report.file.section(sid)
        assert tab.editor.text.toPlainText() == section.text
        shown = {b.key for b in tab.editor._blocks}
        expected = {("table", t.id) for t in report.file.tables(sid)} | {
            ("figure", f.id) for f in report.file.figures(sid)}
        assert shown == expected
    done, total = tab.completeness()
    assert 0 <= done <= total
    assert not tab.grab().isNull()


def test_photo_thumbnails_are_cached(open_tab, report_path):
    tab, report, _ = open_tab("teaching")
    figure = next(f for s in report.file.sections("teaching") for f in report.file.figures(s.id))
    photo = figure.photos[0]
    first = tab.thumbnail(photo)
    assert tab.thumbnail(photo) is first and not first.isNull()


def test_thumbnails_are_decoded_once_the_figure_is_shown(open_tab, report_path, qtbot):
    """Start-up never waits for photos: tiles start blank and fill in after the first frame."""
    from desktop.ui.figure_editor import THUMB, _blank_tile

    tab, report, _ = open_tab("teaching")
    section = next(s for s in report.file.sections("teaching") if report.file.figures(s.id))
    figure = report.file.figures(section.id)[0]
    assert tab.focus_target(section.id, None, None)
    body = block_frame(tab, "figure", figure.id).body

    def filled() -> bool:
        icons = [body.strip.item(i).icon() for i in range(body.strip.count())]
        return bool(icons) and all(i.pixmap(THUMB).toImage() != _blank_tile().toImage() for i in icons)

    qtbot.waitUntil(filled, timeout=3000)


def test_a_section_deleted_before_its_thumbnails_are_drawn(open_tab, report_path, qtbot,
                                                           monkeypatch):
    """Shown and deleted in one go (Down and Delete typed fast): the thumbnails queued when
    the figure was shown must not read photos that are gone."""
    tab, report, stack = open_tab("students")
    contest = section_by_title(report, "students", "融入教学")
    figure = report.file.figures(contest.id)[0]
    monkeypatch.setattr(tab, "confirm", lambda title, text: True)
    tab.outline.select(contest.id)
    tab.outline.delete_action.trigger()
    QApplication.processEvents()  # the queued work runs: an exception in it fails the test
    with fresh(report_path) as r:
        assert r.file.figures(contest.id) == []
    stack.undo()
    from desktop.ui.figure_editor import THUMB, _blank_tile

    body = block_frame(tab, "figure", figure.id).body
    qtbot.waitUntil(lambda: body.strip.item(0).icon().pixmap(THUMB).toImage()
                    != _blank_tile().toImage(), timeout=3000)


def test_a_long_title_shows_its_beginning(open_tab, report_path):
    tab, report, _ = open_tab("students")
    team = section_by_title(report, "students", "队伍建设")
    other = section_by_title(report, "students", "党建引领")
    title = "队伍建设" + "，持续推进师资队伍建设" * 30
    tab.outline.select(team.id)
    tab.rename_section(team.id, title)
    with fresh(report_path) as r:
        assert r.file.section(team.id).title == title
    tab.outline.select(other.id)
    tab.outline.select(team.id)
    assert tab.editor.title.text() == title
    assert tab.editor.title.cursorPosition() == 0


def test_an_album_is_read_with_progress_and_can_be_cancelled(open_tab, report_path, tmp_path,
                                                              qtbot, monkeypatch):
    """Each camera photo takes ~0.3 s: 200 of them must not freeze the window for a minute
    without a word, and the user can give up."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    import desktop.ui.section_editor as section_editor

    monkeypatch.setattr(section_editor, "PROGRESS_AFTER_MS", 0)  # as if the photos were slow
    tab, report, stack = open_tab("policy")
    section = report.file.sections("policy")[2]
    tab.outline.select(section.id)
    files = [str(exif_jpeg(tmp_path / f"相册{i}.jpg")) for i in range(6)]
    before = dump(report_path)

    def cancel() -> None:  # runs while the files are read: the window is not frozen
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QProgressDialog) and w.isVisible())
        assert "共 6 张" in dialog.labelText()
        dialog.cancel()

    QTimer.singleShot(0, cancel)
    assert tab.insert_images(files) == 0
    assert dump(report_path) == before and stack.count() == 0
    assert "取消" in tab.editor.message.text()

    assert tab.insert_images(files) == 6
    with fresh(report_path) as r:
        assert len(r.file.figures(section.id)[-1].photos) == 6
    assert stack.count() == 1
    assert not any(isinstance(w, QProgressDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())


def test_last_years_fact_makes_last_years_derived_value(open_tab, report_path, qtbot):
    """The seed states 校园占地面积 for 2021 only; typing 2020's fills 2020's 生均."""
    tab, _, _ = open_tab("overview")
    assert tab.focus_target(None, None, "campus_area")
    field = tab.editor.facts.previous["campus_area"]
    field.setText("473000")
    field.setModified(True)
    field.editingFinished.emit()
    with fresh(report_path) as again:
        assert again.file.value("campus_area", 2020) == "473000"
        shown = again.shown()
        assert shown[("campus_area", 2021)].value == "473000.00"
        # 2020's 生均 was typed (59.50): now it is checked against 473000 / 7948 = 59.51
        from desktop import rules
        found = [f for f in rules.check(again) if f.year == 2020 and f.kind == "derived"
                 and f.indicators[0] == "生均校园占地面积"]
        assert len(found) == 1 and "59.51" in found[0].message


def test_a_table_edit_re_reads_only_that_table(open_tab, report_path, monkeypatch):
    """The table editor is told which table changed (the Change names it): editing one
    free table, and undoing it, re-reads that table's frame and no other block's."""
    from desktop.ui import section_editor

    tab, report, stack = open_tab("students")
    section = section_by_title(report, "students", "融入教学")
    tab.outline.select(section.id)
    tables = report.file.tables(section.id)
    free = [t for t in tables if t.kind == "free"]
    assert len(tables) + len(report.file.figures(section.id)) >= 3 and len(free) >= 2
    edited, other = free[0], free[1]
    other_rows = block_frame(tab, "table", other.id).body.model.rows
    loaded: list[tuple[str, int]] = []
    real_load = section_editor.BlockFrame.load

    def counting_load(frame, block, *args):
        loaded.append(block.key)
        return real_load(frame, block, *args)

    monkeypatch.setattr(section_editor.BlockFrame, "load", counting_load)
    editor = block_frame(tab, "table", edited.id).body
    editor.model.setData(editor.model.index(0, 1), "新的赛项")
    assert loaded == [("table", edited.id)]
    with fresh(report_path) as r:
        assert r.file.table(edited.id).rows[0][0] == "新的赛项"
    assert editor.model.data(editor.model.index(0, 1)) == "新的赛项"
    assert block_frame(tab, "table", other.id).body.model.rows == other_rows

    loaded.clear()
    stack.undo()
    assert loaded == [("table", edited.id)]
    assert editor.model.data(editor.model.index(0, 1)) == edited.rows[0][0]

    # a caption typed for the other table re-reads that one only
    loaded.clear()
    caption = block_frame(tab, "table", other.id).caption
    caption.setText("另一个表题")
    caption.editingFinished.emit()
    assert loaded == [("table", other.id)]
    with fresh(report_path) as r:
        assert r.file.table(other.id).caption == "另一个表题"

    # a photo's caption re-reads its figure only
    figure = next(f for f in report.file.figures(section.id) if f.photos and not f.chart)
    body = block_frame(tab, "figure", figure.id).body
    body.strip.setCurrentRow(0)
    loaded.clear()
    body.caption.setText("颁奖现场")
    body.caption.editingFinished.emit()
    assert loaded == [("figure", figure.id)]
    with fresh(report_path) as r:
        stored = next(f for f in r.file.figures(section.id) if f.id == figure.id)
        assert stored.photos[0].caption == "颁奖现场"

    # adding a table changes the numbering: every block is re-read
    loaded.clear()
    tab.editor.add_table("free", "teacher_honours")
    assert len(loaded) == len(tables) + 1 + len(report.file.figures(section.id))
