"""The 保存为 row both new-report dialogs share."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog

from desktop.ui.form_rows import new_report_row


def test_browse_names_a_report_file(qtbot, monkeypatch):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    path, browse, _row = new_report_row(dialog)
    answers = iter([("/tmp/学校2026质量报告", ""), ("/tmp/b.qreport", ""), ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    browse.click()
    assert path.text() == "/tmp/学校2026质量报告.qreport"
    browse.click()
    assert path.text() == "/tmp/b.qreport"
    browse.click()  # cancelled: what was there stays
    assert path.text() == "/tmp/b.qreport"
    assert not browse.autoDefault()  # Enter in the dialog means its OK button
