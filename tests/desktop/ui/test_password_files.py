"""The window's import dialogs and the bureau's-form actions refuse a file with an open
password in a box with the one sentence (tests/desktop/formats/test_passwords.py has the files)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop.ui import bureau
from tests.desktop.formats.bureau_books import province_a
from tests.desktop.formats.test_passwords import EXCEL, WORD, locked
from tests.desktop.word_docs import unstyled


def _box_text(window) -> str:
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    return box.text()


def test_import_from_excel(window, tmp_path):
    blank = locked(province_a(tmp_path / "b.xlsx"), tmp_path / "数据.xlsx")
    assert window.import_excel(blank) is None
    assert _box_text(window) == "数据.xlsx " + EXCEL


def test_import_a_word_report(window, tmp_path):
    path = locked(unstyled(tmp_path / "u.docx"), tmp_path / "去年的报告.docx")
    assert window.import_word(path) is None
    assert _box_text(window) == "去年的报告.docx " + WORD


def test_fill_the_bureaus_form_and_make_an_edition_of_it(qtbot, window, tmp_path):
    blank = locked(province_a(tmp_path / "b.xlsx"), tmp_path / "表格.xlsx")
    box = bureau.fill_form(window, blank, tmp_path / "out.xlsx")
    qtbot.waitUntil(box.isVisible)
    assert box.text() == "表格.xlsx " + EXCEL and not (tmp_path / "out.xlsx").exists()
    box.close()
    box = bureau.edition_from_form(window, blank, tmp_path / "e.toml")
    qtbot.waitUntil(box.isVisible)
    assert box.text() == "表格.xlsx " + EXCEL and not (tmp_path / "e.toml").exists()
