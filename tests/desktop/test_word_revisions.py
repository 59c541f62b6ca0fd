"""A chapter as it comes back from review in Word: what the tracked changes took out is not
imported, what they put in or moved there is; text in hyperlinks, content controls, fields
and text boxes is kept, a content control's placeholder and a comment are not; a table's
deleted row is left out and a row inside a repeating-section control kept
(tests/desktop/word_docs.revised builds the file)."""

from __future__ import annotations

from desktop.formats.docx_read import Para, Table, read_docx
from desktop.report import Report
from desktop.word_import import apply_word_import, plan_word_import
from tests.desktop import word_docs
from tests.desktop.test_word_import import outline

GONE = ("1960", "曾经是一所普通中学", "这一段已经删除", "已停招专业", "单击或点击此处输入文字", "请核实",
        "DOCPROPERTY", "SEQ")


def test_the_reader_takes_what_the_revised_document_says(tmp_path):
    blocks = read_docx(word_docs.revised(tmp_path / "修订.docx")).blocks
    paras = [b.text for b in blocks if isinstance(b, Para) and b.text]
    assert paras == [*word_docs.REVISED_TEXT, "（完）"]
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert table.texts() == word_docs.REVISED_TABLE
    every = "".join(paras) + str(table.texts())
    assert not [word for word in GONE if word in every]


def test_a_revised_chapter_imports_as_accepted(tmp_path):
    path = tmp_path / "r.qreport"
    with Report.new(path, "测试职业学校", "2022", 2022) as report:
        plan = plan_word_import(report, word_docs.revised(tmp_path / "修订.docx"))
        assert plan.ok, plan.problems()
        assert plan.preview()[0] == "一、学校概况 → 学校概况：12 段，1 张表，0 幅图"
        apply_word_import(report, plan)
    with Report.open(path) as report:
        ((_, text),) = outline(report, "overview")
        assert text.split("\n") == [*word_docs.REVISED_TEXT[1:], "（完）"]
        (table,) = [t for t in report.file.tables() if t.kind != "fixed"]
        assert [list(r) for r in table.rows] == word_docs.REVISED_TABLE  # a plain table keeps its header
