"""A 2024年度 report in the window: a grid tab per 附表 with its provisional note, a value
typed into one shown in both tables that restate it, the 年度 title in the window title."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.report import Report
from desktop.ui.data_table import COL_CUR


@pytest.fixture
def window_2024(qtbot, tmp_path):
    from tests.desktop.ui.driving import open_window

    path = tmp_path / "n.qreport"
    Report.new(path, "测试职业学校", "2024", 2025).close()
    win = open_window(qtbot, path)
    yield win, path
    win.close()


def test_every_table_has_its_tab_and_takes_a_value(qtbot, window_2024):
    window, path = window_2024
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs[-6:] == ["附表1 人才培养质量计分卡", "附表2 满意度调查表", "附表3 教学资源表",
                         "附表4 服务贡献表", "附表5 国际影响表", "附表6 落实政策表"]
    assert "中国职业教育质量报告（2025年度）" in window.windowTitle()
    scorecard, service = window.data_tabs[0], window.data_tabs[3]
    window.tabs.setCurrentWidget(scorecard)
    assert "以主管部门下发的表格为准" in scorecard.note.text()
    qtbot.waitUntil(scorecard.note.isVisible)
    view, model = scorecard.view, scorecard.model
    row = model.row_of["graduates"]
    view.setCurrentIndex(model.index(row, COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, "7")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "95")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.index(row, COL_CUR).data() == "795")
    with Report.open(path) as report:
        assert report.file.value("graduates", 2025) == "795"
    window.tabs.setCurrentWidget(service)
    # the 附表4 row restating 毕业生数 shows the same stored value
    qtbot.waitUntil(lambda: service.model.index(service.model.row_of["graduates"], COL_CUR)
                    .data() == "795")


def test_no_graduates_switch_and_its_undo(qtbot, window_2024):
    window, path = window_2024
    scorecard = window.data_tabs[0]
    window.tabs.setCurrentWidget(scorecard)
    model = scorecard.model
    row = model.row_of["graduates"]
    model.setData(model.index(row, COL_CUR), "795", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: model.index(row, COL_CUR).data() == "795")
    box = scorecard.no_graduates
    assert box.isVisibleTo(scorecard) and not window.data_tabs[2].no_graduates.isVisibleTo(window)
    box.click()
    qtbot.waitUntil(lambda: model.index(row, COL_CUR).data() == "-")
    with Report.open(path) as report:
        assert report.no_graduates and report.file.value("employed", 2025) == "-"
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: model.index(row, COL_CUR).data() == "795")
    qtbot.waitUntil(lambda: not box.isChecked())
    with Report.open(path) as report:
        assert not report.no_graduates and report.file.value("employed", 2025) is None


def test_labels_name_the_editions_own_tables(qtbot, window_2024):
    from desktop.ui.export_jobs import KINDS
    from desktop.ui.table_editor import FixedTableView

    window, _ = window_2024
    template = window.report.template
    texts = [a.text().replace("(&T)", "") for m in window.menuBar().actions() if m.menu()
             for a in m.menu().actions()]
    assert "仅指标表 PDF…" in texts and not any("质量数据表" in t for t in texts)
    assert KINDS["xlsx"].what(template) == "Excel 指标表"
    host = window.chapter_tabs["basics"]
    view = FixedTableView(host, template.fixed_tables["t_conditions"])
    qtbot.addWidget(view)
    (note,) = [w for w in view.findChildren(type(window.file_label)) if "数值来自" in w.text()]
    assert note.text() == "数值来自“附表3 教学资源表”，如需修改请到那里填写。"
    empty = view.model.index(0, 3)  # a new report: nothing filled in yet
    assert view.model.data(empty, Qt.ItemDataRole.ToolTipRole) == "附表3 教学资源表中尚未填写"
