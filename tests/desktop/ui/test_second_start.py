"""A second start on an open file brings its window forward; closing never loses a refused
value without asking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from desktop.ui.data_table import COL_CUR

ROOT = Path(__file__).resolve().parents[3]


def test_a_second_start_on_the_open_file_brings_its_window_forward(window, qtbot, report_copy):
    came = []
    window.listener.activated.connect(lambda: came.append(True))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    second = subprocess.Popen([sys.executable, "-m", "desktop", "gui", str(report_copy)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        qtbot.waitUntil(lambda: bool(came) and second.poll() is not None, timeout=60000)
    finally:
        if second.poll() is None:
            second.kill()
    _out, err = second.communicate()
    assert second.returncode == 0
    assert "使用" not in err and "无法打开" not in err  # no lock message
    assert window.statusBar().currentMessage() == "这个报告已经在本窗口中打开。"


def test_another_file_is_not_handed_over(window, tmp_path):
    from desktop.report import Report
    from desktop.ui.single_instance import hand_over

    other = tmp_path / "另一个.qreport"
    Report.create(other, "某职业学校", "2022", 2021).close()
    assert not hand_over(other)


def _refused_cell(window, data_tab, qtbot) -> QLineEdit:
    view = data_tab.view
    view.setCurrentIndex(data_tab.model.index(0, COL_CUR))
    view.setFocus()
    qtbot.keyClick(view, "x")  # opens the editor with what is typed
    qtbot.waitUntil(view.editing)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "yz")
    assert data_tab.pending_refusal() is not None
    return editor


def test_closing_with_a_refused_cell_asks_first(window, data_tab, qtbot, on_disk):
    ind = data_tab.model.indicator(0)
    year = window.report.year
    before = on_disk.value(ind.id, year)
    _refused_cell(window, data_tab, qtbot)
    window.show_tab(window.chapter_tabs["overview"])  # elsewhere when closing
    window.close()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert window.isVisible() and len(boxes) == 1
    assert "xyz" in boxes[0].text() and ind.name in boxes[0].text()
    back = next(b for b in boxes[0].buttons() if b.text() == "返回修改")
    back.click()
    # back in its cell, which still shows what was typed
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is data_tab and data_tab.view.hasFocus())
    assert data_tab.view.currentIndex().row() == 0
    assert data_tab.model.index(0, COL_CUR).data() == "xyz"
    # asked again, the user gives it up
    window.close()
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    next(b for b in box.buttons() if b.text() == "放弃并关闭").click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert on_disk.value(ind.id, year) == before
