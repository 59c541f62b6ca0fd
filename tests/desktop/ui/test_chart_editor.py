"""Charts in the real window: previewed, following the data, inserted and undone."""

from __future__ import annotations

from decimal import Decimal

from desktop.charts import ChartSpec
from desktop.report import Report
from desktop.ui import chart_editor
from desktop.ui.chart_editor import ChartDialog, ChartEditor
from desktop.ui.data_table import COL_CUR


def show_section(window, chapter: str, title_start: str):
    tab = window.chapter_tabs[chapter]
    window.show_tab(tab)
    section = next(s for s in window.report.file.sections(chapter)
                   if s.title.startswith(title_start))
    tab.outline.select(section.id)
    return tab.editor, section


def chart_bodies(editor) -> list[ChartEditor]:
    return [f.body for f in editor._frames.values() if isinstance(f.body, ChartEditor)]


def test_a_chart_is_previewed_and_follows_the_data(qtbot, window):
    editor, _ = show_section(window, "students", "招生人数")
    qtbot.waitUntil(lambda: len(chart_bodies(editor)) == 1)
    body = chart_bodies(editor)[0]
    assert not body.preview.pixmap().isNull()
    assert body.data.series[0] == ("全日制在校生数", (Decimal(7948), Decimal(9527)))
    # an edit in the data table is drawn when the chapter is shown again
    data = window.data_tab
    window.show_tab(data)
    assert data.model.setData(data.model.index(data.model.row_of["students"], COL_CUR), "9900")
    show_section(window, "students", "招生人数")
    qtbot.waitUntil(lambda: chart_bodies(editor)[0].data.series[0][1][1] == Decimal(9900))
    window.undo_stack.undo()
    show_section(window, "students", "招生人数")
    qtbot.waitUntil(lambda: chart_bodies(editor)[0].data.series[0][1][1] == Decimal(9527))


def test_insert_a_chart_of_a_table_column_change_it_and_undo(qtbot, window, report_copy):
    editor, section = show_section(window, "service", "创新思路")
    before = len(chart_bodies(editor))
    table = next(t for t in window.report.file.tables(section.id) if t.ref == "training")
    dialog = ChartDialog(window.report, section.id, editor)
    assert dialog.column.count() == 1  # the one numeric column of this section's tables
    dialog.by_table.setChecked(True)
    dialog.kind.setCurrentIndex(dialog.kind.findData("line"))
    spec = dialog.spec()
    assert spec == ChartSpec("line", table=table.id, column=1)
    assert chart_editor.insert_chart(editor, ask=lambda: (spec, "培训人数走势"))
    qtbot.waitUntil(lambda: len(chart_bodies(editor)) == before + 1)
    with Report.open(report_copy) as report:
        added = [f for f in report.file.figures(section.id) if f.caption == "培训人数走势"]
        assert len(added) == 1 and ChartSpec.from_json(added[0].chart) == spec

    body = next(b for b in chart_bodies(editor) if b.row.caption == "培训人数走势")
    body.set_kind("bar")
    with Report.open(report_copy) as report:
        assert ChartSpec.from_json(report.file.figures(section.id)[-1].chart).kind == "bar"
    window.undo_stack.undo()  # the kind
    window.undo_stack.undo()  # the chart
    qtbot.waitUntil(lambda: len(chart_bodies(editor)) == before)
    with Report.open(report_copy) as report:
        assert not [f for f in report.file.figures(section.id) if f.caption == "培训人数走势"]
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: len(chart_bodies(editor)) == before + 1)


def test_the_dialog_refuses_a_chart_of_nothing(qtbot, window):
    editor, section = show_section(window, "students", "招生人数")
    dialog = ChartDialog(window.report, section.id, editor)
    assert not dialog.by_table.isEnabled()  # no table in this section
    dialog._accept()
    assert dialog.result() == 0 and "至少勾选" in dialog.message.text()


def test_a_chart_of_a_table_follows_an_edit_of_that_table(qtbot, window):
    """A table edit re-reads only the frames its change names: the chart drawn from that
    table is one of them (its preview kept the old numbers)."""
    editor, section = show_section(window, "service", "创新思路")
    table = next(t for t in window.report.file.tables(section.id) if t.ref == "training")
    spec = ChartSpec("bar", table=table.id, column=1)
    assert chart_editor.insert_chart(editor, ask=lambda: (spec, "培训人数"))
    qtbot.waitUntil(lambda: any(b.row.caption == "培训人数" for b in chart_bodies(editor)))
    body = next(b for b in chart_bodies(editor) if b.row.caption == "培训人数")
    model = editor.frame("table", table.id).body.model
    assert model.setData(model.index(0, 2), "4321")  # column 0 is 序号
    qtbot.waitUntil(lambda: window.report.file.table(table.id).rows[0][1] == "4321")
    qtbot.waitUntil(lambda: Decimal(4321) in body.data.series[0][1])
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: Decimal(4321) not in body.data.series[0][1])
