"""The sample report's content as a .docx (python-docx), for the LibreOffice comparison.

Same document as the PDF export gets (desktop.assemble.build): cover lines, headings,
paragraphs with a two-character first-line indent, tables with their captions, figures
with their photos and captions, and the 质量数据表. LibreOffice then does what a school
does today: lay it out and print it to PDF.

    python benchmarks/docx_of_sample.py REPORT.qreport OUT.docx
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop import assemble
from desktop.document import Figure, Table
from desktop.report import Report


def build_docx(report_path: Path, out: Path) -> None:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    with Report.open(report_path) as report:
        doc = assemble.build(report)
    d = Docx()
    style = d.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.font.size = Pt(12)
    style.paragraph_format.line_spacing = 1.5
    for text, size in ((doc.school, 26), (doc.title, 22), (doc.date_text, 16)):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).font.size = Pt(size)
    d.add_page_break()
    d.add_paragraph("目录")  # Word fills a TOC field on open; LibreOffice conversion does not

    def blocks(items):
        for block in items:
            if isinstance(block, str):
                p = d.add_paragraph(block)
                p.paragraph_format.first_line_indent = Pt(24)
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            elif isinstance(block, Table):
                cap = d.add_paragraph(f"{block.number} {block.caption}")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                rows = [tuple(c.name for c in block.columns)] + [
                    tuple(c.text for c in row) for row in block.rows]
                if block.total:
                    rows.append(tuple(c.text for c in block.total))
                t = d.add_table(rows=len(rows), cols=len(block.columns))
                t.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, text in enumerate(row):
                        t.cell(r, c).text = text
            elif isinstance(block, Figure):
                for photo in block.photos:
                    d.add_picture(io.BytesIO(photo.data), width=Cm(7))
                    if photo.caption:
                        d.add_paragraph(photo.caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
                d.add_paragraph(f"{block.number} {block.caption}").alignment = WD_ALIGN_PARAGRAPH.CENTER

    def sections(items, level):
        for s in items:
            d.add_heading(s.heading, level=level)
            blocks(s.body)
            sections(s.sections, level + 1)

    for chapter in doc.chapters:
        d.add_page_break()
        d.add_heading(chapter.heading, level=1)
        blocks(chapter.body)
        sections(chapter.sections, 2)
    d.add_page_break()
    d.add_heading(doc.data_table.title, level=1)
    years = [f"{y}年" for y in doc.data_table.years]
    rows = [("序号", "指标", "单位", *years)] + [
        (r.seq, r.label, r.unit, *(c.text for c in r.cells)) for r in doc.data_table.rows]
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    for label, value in doc.submission.lines():
        d.add_paragraph(f"{label}：{value or '__________'}")
    d.save(out)


if __name__ == "__main__":
    build_docx(Path(sys.argv[1]), Path(sys.argv[2]))
