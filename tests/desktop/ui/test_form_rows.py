"""The rows and labels the dialogs share: 保存为, the grey hint."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog

from desktop.ui.form_rows import muted_label, new_report_row


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


def test_a_hint_is_grey_and_wraps_unless_told(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    hint = muted_label(dialog, "数据修改后自动更新。")
    assert hint.text() == "数据修改后自动更新。" and hint.wordWrap()
    assert "#6b6b6b" in hint.styleSheet()
    assert not muted_label(dialog, wrap=False).wordWrap()
