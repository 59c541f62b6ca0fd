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


def test_a_deleted_mark_before_a_table_keeps_the_paragraph_before_the_table(tmp_path):
    # Word cannot run a paragraph on into a table: accepting the deletion keeps the text
    # where it stands (it used to be carried past the table into the next paragraph)
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    body = doc.element.body
    sect = body[-1]
    deleted_mark = f'<w:pPr><w:rPr><w:del w:id="6" {word_docs.REVISION}/></w:rPr></w:pPr>'
    sect.addprevious(parse_xml(word_docs._paragraph(word_docs._r("表前的一段。"), deleted_mark)))
    table = doc.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "单元格"
    sect.addprevious(table._tbl)
    sect.addprevious(parse_xml(word_docs._paragraph(word_docs._r("表后的一段。"))))
    path = tmp_path / "表前.docx"
    doc.save(path)
    blocks = [b.text if isinstance(b, Para) else b.texts() for b in read_docx(path).blocks
              if not isinstance(b, Para) or b.text]
    assert blocks == ["表前的一段。", [["单元格"]], "表后的一段。"]
