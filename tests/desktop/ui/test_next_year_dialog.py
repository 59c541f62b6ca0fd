"""文件 → 新建下一年度报告 in the window: the edition is chosen in the dialog (the current
one when last year's no longer serves), the core `next` carries, the new report opens with
what the carry could not do said and in the findings."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import template as templates
from desktop.report import Report
from desktop.ui.bureau import SummaryDialog
from desktop.ui.next_year_dialog import OWN
from tests.desktop.ui.driving import open_window


def _dialog(window, qtbot):
    dialog = window.new_next_year()
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.edition)
    return dialog


def test_the_2022_sample_moves_to_the_2024_edition_from_the_window(window, qtbot, report_copy, tmp_path):
    before = report_copy.read_bytes()
    with Report.open(report_copy) as old:
        values = old.file.values()
    senior = int(values[("teachers_senior_full", 2021)]) + int(values[("teachers_senior_deputy", 2021)])
    dialog = _dialog(window, qtbot)
    # the 2022 edition serves no later year: the newest edition is offered, and said why
    assert dialog.edition.currentData() == templates.newest() == "2024"
    assert "2022" in dialog.hint.text() and "2024—2026" in dialog.hint.text()
    # keyboard only: back to last year's edition and forward again, Tab to the path, Enter
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: dialog.edition.currentData() == OWN)
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: dialog.edition.currentData() == "2024")
    for widget in (dialog.year, dialog.figures, dialog.path):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() is w)
    target = tmp_path / "2024年度.qreport"
    dialog.path.setText(str(target))
    year = dialog.year.currentData()
    assert year == templates.load("2024").current_year(date.today().year)
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: window.report.file.path == target)
    with Report.open(target) as new:
        assert new.edition.id == "2024" and new.report_year == year
        assert new.file.values()[("teachers_senior", 2021)] == str(senior)  # 正高级 + 副高级
    assert report_copy.read_bytes() == before  # the old file is untouched
    # the carry's 请核实 are findings of the new report, and a message says what to look at
    assert any(f.kind == "carry_caution" for f in window.findings)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(SummaryDialog)))
    said = next(b for b in window.findChildren(SummaryDialog) if b.isVisible()).text.toPlainText()
    assert "请核实" in said and "未带入" in said and "--year" not in said


def test_a_report_whose_edition_still_serves_keeps_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    path = tmp_path / "2024.qreport"
    Report.new(path, "测试职业学校", "2024", 2024).close()
    window = open_window(qtbot, path)
    dialog = _dialog(window, qtbot)
    assert dialog.edition.currentData() == OWN and "沿用" in dialog.hint.text()
    assert dialog.year.currentData() == 2025  # the year after
    assert dialog.choice().path == tmp_path / "测试职业学校2025质量报告.qreport"
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.path == tmp_path / "测试职业学校2025质量报告.qreport")
    assert window.report.edition.id == "2024" and window.report.report_year == 2025
    window.close()


def test_last_years_edition_that_serves_no_later_year_is_refused_in_the_dialog(window, qtbot, tmp_path):
    dialog = _dialog(window, qtbot)
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Up)  # back to the 2022 edition
    qtbot.waitUntil(lambda: dialog.edition.currentData() == OWN)
    assert dialog.year.currentData() == 2023
    dialog.path.setText(str(tmp_path / "2023.qreport"))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "只适用于 2022 年度" in dialog.error.text())
    assert dialog.error.text().endswith("请改用“中国职业教育质量报告（2024年度版，七个部分 + 6张指标表）”"
                                        "（2024，适用于 2024—2026 年度）。")
    assert dialog.isVisible() and not (tmp_path / "2023.qreport").exists()


def test_cancelling_writes_nothing(window, qtbot, report_copy):
    folder = report_copy.parent
    before = sorted(os.listdir(folder)), report_copy.read_bytes()
    dialog = _dialog(window, qtbot)
    suggested = dialog.choice().path
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.report.file.path == report_copy
    assert not suggested.exists()
    assert (sorted(os.listdir(folder)), report_copy.read_bytes()) == before


def test_an_existing_file_is_refused_in_the_dialog(window, qtbot, tmp_path):
    dialog = _dialog(window, qtbot)
    taken = tmp_path / "已有.qreport"
    taken.write_bytes(b"x")
    dialog.path.setText(str(taken))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已存在" in dialog.error.text())
    assert dialog.isVisible() and taken.read_bytes() == b"x"


def test_the_dialog_fits_1366x768_at_150_percent(window, qtbot):
    dialog = _dialog(window, qtbot)
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 / 1.5 and hint.height() <= 768 / 1.5


def test_a_bare_name_goes_beside_the_report_and_a_missing_folder_is_said(window, qtbot, report_copy, tmp_path):
    dialog = _dialog(window, qtbot)
    dialog.path.setText(str(tmp_path / "没有这个文件夹" / "新.qreport"))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "找不到文件夹" in dialog.error.text())
    assert dialog.isVisible()
    dialog.path.setText("明年")
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.path == report_copy.parent / "明年.qreport")


def test_a_report_in_the_schools_own_edition_file_can_stay_in_it(qtbot, tmp_path, monkeypatch):
    # an edition kept only inside the report (made from the bureau's form): offered as its own
    monkeypatch.setenv("QREPORT_HOME", str(tmp_path / "home"))
    shipped = templates.load("2024")
    text = (Path(templates.__file__).parents[1] / "resources" / "templates" / "2024.toml").read_text("utf-8")
    own = templates.load_text(text.replace('id = "2024"', 'id = "myed"'), "myed")
    path = tmp_path / "r.qreport"
    Report.new(path, "测试职业学校", own, shipped.years[0]).close()
    window = open_window(qtbot, path)
    dialog = _dialog(window, qtbot)
    assert dialog.edition.currentData() == OWN and "上一年度报告所用" in dialog.edition.currentText()
    assert dialog.edition.count() == len(templates.available()) + 1
    qtbot.keyClick(dialog.edition, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.report.file.path != path)
    assert window.report.edition.id == "myed" and window.report.report_year == shipped.years[0] + 1
    window.close()
