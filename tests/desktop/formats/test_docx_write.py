"""The Word export, read back with python-docx and laid out by LibreOffice.

The sample report is exported once per module; expected texts come from the assembled
Document and from our own PDF layout, so content changes do not touch the assertions.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from PIL import Image

from desktop import assemble
from desktop.cli import main
from desktop.document import DataTable, Document, Figure, Photo, Submission
from desktop.document import Table as DocTable
from desktop.formats import pdf
from desktop.formats.docx_write import DPI_SLACK, MAX_DPI, write_docx
from desktop.report import Report
from tests.desktop.formats.pdf_sample import build_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def exported(sample_document, tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "sample.docx"
    result = write_docx(sample_document, out)
    return sample_document, out, result


def headings(doc: Document) -> list[tuple[int, str]]:
    out = []

    def walk(sections, depth):
        for s in sections:
            out.append((depth, s.heading))
            walk(s.sections, depth + 1)

    for c in doc.chapters:
        out.append((0, c.heading))
        walk(c.sections, 1)
    out.extend((0, t.title) for t in doc.data_tables)
    return out


def body_paragraphs(path: Path):
    return Docx(str(path)).paragraphs


def test_headings_are_in_word_heading_styles_with_their_numbers(exported):
    doc, path, _ = exported
    found = [(int(p.style.name[-1]) - 1, p.text) for p in body_paragraphs(path)
             if p.style.name.startswith("Heading")]
    assert found == [(min(d, 3), t) for d, t in headings(doc)]
    assert found[0][1].startswith("一、")
    assert any(t.startswith("（一）") for d, t in found if d == 1)
    assert any(re.match(r"1\.", t) for d, t in found if d == 2)


def test_the_toc_field_lists_every_heading_and_leaves_the_page_numbers_to_word(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    entries = [p for p in d.paragraphs if p.style.name.startswith("toc ")]
    listed = [(depth, text) for depth, text in headings(doc) if depth < 3]
    assert len(entries) == len(listed) > 10
    for p, (depth, text) in zip(entries, listed, strict=True):
        assert p.style.name == f"toc {depth + 1}"
        assert p.text == f"{text}\t"  # the number: a PAGEREF field Word/WPS fill in
    # Every entry links to a bookmark on its heading, and the page is a PAGEREF field.
    anchors = re.findall(r'w:anchor="(_Toc\d+)"', xml)
    marks = dict(re.findall(r'w:bookmarkStart w:id="\d+" w:name="(_Toc\d+)"/><w:r><w:t xml:space="preserve">([^<]*)<',
                            xml))
    assert [marks[a] for a in anchors] == [text for _, text in listed]
    assert xml.count("PAGEREF _Toc") == len(entries)
    # The field ends after the last entry, before the body starts.
    begin = xml.index('w:fldCharType="begin"')
    first_heading = xml.index('w:val="Heading1"')
    assert begin < first_heading
    # Word and WPS are asked to update the fields when the file is opened.
    assert '<w:updateFields w:val="true"/><w:compat>' in settings  # where the schema puts it


def test_fonts_are_named_as_chinese_windows_names_them_in_the_styles(exported):
    _, path, _ = exported
    d = Docx(str(path))

    def east(style_name):
        return d.styles[style_name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east("Normal") == "宋体"
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
        assert east(name) == "黑体", name
    for name in ("Normal", "Heading 1"):
        fonts = d.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    # No theme font anywhere: it would win over the named fonts in Word.
    with zipfile.ZipFile(path) as z:
        styles = z.read("word/styles.xml").decode()
    fonts = re.findall(r"<w:rFonts [^>]*>", styles)
    assert fonts and not [f for f in fonts if "heme=" in f]


def test_body_text_has_a_two_character_indent_and_the_pdfs_line_spacing(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    ppr = d.styles["Normal"].element.pPr
    ind = ppr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    spacing = ppr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("360", "exact")  # 18 pt
    first_text = next(b for b in doc.chapters[0].body if isinstance(b, str))
    body = [p for p in d.paragraphs if p.text == first_text]
    assert body and body[0].style.name == "Normal"


def test_tables_repeat_their_header_rows_and_have_captions_above(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    ruled = [t for t in d.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(ruled) == len(doc.tables) + len(doc.data_tables)  # chapter and indicator tables
    for table, spec in zip(ruled, doc.tables, strict=False):
        tr = table.rows[0]._tr
        assert tr.trPr.find(qn("w:tblHeader")) is not None
        assert [c.text for c in table.rows[0].cells] == [c.name for c in spec.columns]
        caption = table._tbl.getprevious()
        assert Paragraph(caption, None).text == f"{spec.number} {spec.caption}"
    for table in ruled:
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])


def test_figures_carry_every_photo_at_print_resolution_and_captions_below(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    figures = [b for b in all_blocks(doc) if isinstance(b, Figure)]
    shapes = d.inline_shapes
    # every photo, and each chart as one picture
    assert len(shapes) == sum(len(f.photos) + (f.chart is not None) for f in figures) > 10
    for shape in shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = d.part.related_parts[blip.embed].image
        placed_inches = shape.width / 914400
        assert image.px_width / placed_inches <= MAX_DPI * DPI_SLACK + 0.5
    # The sample's photos are already about print density: embedded as stored, not
    # resampled into a second, larger JPEG generation.
    stored = {p.data for f in figures for p in f.photos}
    embedded = {d.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
                for s in shapes}
    assert len(stored) > 10 and stored <= embedded
    texts = [p.text for p in d.paragraphs]
    for f in figures:
        assert f"{f.number} {f.caption}".strip() in texts
    xml = d.element.body.xml
    first = figures[0]
    assert xml.index("<pic:pic") < xml.index(f"{first.number} {first.caption}".strip())


def test_running_header_and_page_fields(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    front, body = d.sections
    assert body.header.paragraphs[0].text == f"{doc.school}\t{doc.title}"
    footer = body.footer._element.xml
    assert "PAGE" in re.findall(r"<w:instrText[^>]*>([^<]*)<", footer)[0]
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert not front.header.paragraphs[0].text  # cover and 目录 carry no header
    for s in d.sections:
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
        assert abs(s.left_margin.pt - pdf.LEFT) < 0.1  # to the twip
        assert round(s.top_margin.pt) == round(pdf.TOP)


def test_the_data_table_and_submission_block_end_the_document(exported):
    doc, path, _ = exported
    d = Docx(str(path))
    data = d.tables[-2]
    assert [c.text for c in data.rows[0].cells] == ["序号", "指标", "单位",
                                                   *(f"{y}年" for y in doc.data_table.years)]
    for row, spec in zip(data.rows[1:], doc.data_table.rows, strict=True):
        assert [c.text for c in row.cells] == [spec.seq, spec.label, spec.unit,
                                              *(c.text for c in spec.cells)]
    sign = d.tables[-1]
    labels = [c.text for r in sign.rows for c in r.cells]
    for label, value in doc.submission.lines():
        assert f"{label}：" in labels
        if value:
            assert value in labels


def test_cover_comes_first(exported):
    doc, path, _ = exported
    texts = [p.text for p in Docx(str(path)).paragraphs[:5]]
    assert texts[:4] == ["中等职业教育", doc.title.replace("中等职业教育", ""), doc.school, doc.date_text]
    assert texts[4] == "目\u3000录"


def test_libreoffice_lays_it_out_to_about_our_page_count(exported, tmp_path):
    doc, path, _ = exported
    ours = pdf.write_pdf(doc, tmp_path / "ours.pdf").pages
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=240)
    info = subprocess.run(["pdfinfo", str(tmp_path / "sample.pdf")], check=True,
                          capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert abs(pages - ours) <= 0.2 * ours, (pages, ours)
    text = subprocess.run(["pdftotext", str(tmp_path / "sample.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "目" in text and "一、学校概况" in text
    # Converted as saved, the 目录 lists the headings without numbers: none is wrong.
    toc = _printed_toc(_pdf_pages(tmp_path / "sample.pdf"))
    assert [text for text, _ in toc] == [text.replace(" ", "") for depth, text in headings(doc) if depth < 3]
    assert {number for _, number in toc} == {None}


def test_libreoffice_numbers_the_toc_with_the_pages_its_headings_land_on(exported, tmp_path):
    """What a LibreOffice user sees after 工具 → 更新 → 全部更新 (Word: 更新域): the TOC
    field and the Heading styles make a 目录 whose every number is right."""
    doc, path, _ = exported
    out = tmp_path / "updated.pdf"
    done = subprocess.run([SYSTEM_PYTHON, str(Path(__file__).with_name("lo_update_indexes.py")),
                           str(path), str(out), str(tmp_path / "profile")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "1"  # one index: the 目录
    pages = _pdf_pages(out)
    toc = _printed_toc(pages)
    assert [text for text, _ in toc] == [text.replace(" ", "") for depth, text in headings(doc) if depth < 3]
    start = max(i for i, page in enumerate(pages) if _TOC_LINE.search(page)) + 1
    for text, number in toc:
        at = next(i for i in range(start, len(pages)) if _starts_a_line(pages[i], text))
        assert number == _page_number(pages[at]), (text, number, _page_number(pages[at]))
        start = at  # headings come in order


SYSTEM_PYTHON = "/usr/bin/python3"  # LibreOffice's Python bridge (python3-uno) belongs to it
_TOC_LINE = re.compile(r"^\s*(\S.*?)\s*[.…·]{3,}\s*(\d*)\s*$", re.M)


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def _printed_toc(pages: list[str]) -> list[tuple[str, int | None]]:
    """(heading, page number or None) of each dotted 目录 line, in order."""
    return [(m.group(1).replace(" ", ""), int(m.group(2)) if m.group(2) else None)
            for page in pages[:6] for m in _TOC_LINE.finditer(page)]


def _starts_a_line(page: str, heading: str) -> bool:
    key = heading.replace(" ", "")[:12]
    return any(line.replace(" ", "").startswith(key) for line in page.splitlines())


def _page_number(page: str) -> int | None:
    """The "- N -" printed in the page's footer."""
    found = re.findall(r"-\s*(\d+)\s*-", page)
    return int(found[-1]) if found else None


def test_a_dense_built_document_exports_too(tmp_path):
    doc = build_document()
    out = tmp_path / "built.docx"
    write_docx(doc, out)
    d = Docx(str(out))
    assert next(p.text for p in d.paragraphs if p.style.name == "Heading 1") == doc.chapters[0].heading
    assert len(d.inline_shapes) == sum(len(f.photos) for f in all_blocks(doc) if isinstance(f, Figure))


def test_a_large_photo_is_downscaled_to_300_dpi(tmp_path):
    # A big but tiny-in-bytes JPEG: the PDF embeds it untouched (few bytes per pixel),
    # the .docx still gets it at no more than 300 dpi.
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 140, 200)).save(big, "JPEG", quality=60)
    figure = Figure("图 1-1", "校园", (Photo(big.getvalue(), "一张大照片"),))
    doc = _one_chapter_document([figure])
    out = tmp_path / "big.docx"
    write_docx(doc, out)
    d = Docx(str(out))
    (shape,) = d.inline_shapes
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    image = d.part.related_parts[blip.embed].image
    dpi = image.px_width / (shape.width / 914400)
    assert 150 < dpi <= 300.5


def test_an_unreadable_photo_becomes_a_note_not_a_failure(tmp_path):
    figure = Figure("图 1-1", "坏图", (Photo(b"not an image", ""),))
    out = tmp_path / "bad.docx"
    result = write_docx(_one_chapter_document([figure]), out)
    assert any("无法读取" in w for w in result.warnings)
    assert not any("空框" in w for w in result.warnings)  # the PDF's placeholder, not Word's
    assert "（图片无法读取）" in [p.text for p in Docx(str(out)).paragraphs]


def test_control_characters_do_not_break_the_file(tmp_path):
    doc = _one_chapter_document(["正文\x00含\x0b控制字符\x1f。"])
    out = tmp_path / "ctrl.docx"
    write_docx(doc, out)
    assert "正文含控制字符。" in [p.text for p in Docx(str(out)).paragraphs]


def test_tabs_and_carriage_returns_are_words_own_tab_and_break(tmp_path):
    # as python-docx's Run.text writes them: a tab character inside w:t is no tab to Word
    doc = _one_chapter_document(["项目\t数量\r\n合计\r二行"])
    out = tmp_path / "tabs.docx"
    write_docx(doc, out)
    para = next(p for p in Docx(str(out)).paragraphs if p.text.startswith("项目"))
    assert para.text == "项目\t数量\n合计\n二行"
    assert len(para._p.xpath(".//w:tab")) == 1 and len(para._p.xpath(".//w:br")) == 2
    assert all("\t" not in t.text and "\r" not in t.text for t in para._p.xpath(".//w:t"))


def test_cli_exports_docx_atomically(sample_path, tmp_path, capsys):
    out = tmp_path / "报告.docx"
    assert main(["export", str(sample_path), "--docx", str(out)]) == 0
    assert "已导出" in capsys.readouterr().out
    assert Docx(str(out)).paragraphs[0].text == "中等职业教育"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert main(["export", str(sample_path), "--docx", str(tmp_path / "无此目录" / "a.docx")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_cli_exports_docx_of_an_empty_report(tmp_path, capsys):
    path = tmp_path / "e.qreport"
    Report.create(path, "测试职业学校", "2022", 2021).close()
    out = tmp_path / "e.docx"
    assert main(["export", str(path), "--docx", str(out)]) == 0
    d = Docx(str(out))
    assert d.tables[-2].rows[1].cells[1].text  # the 质量数据表 is there, empty values
    with Report.open(path) as report:
        doc = assemble.build(report)
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"][-1] == doc.data_table.title


# ----------------------------------------------------------------------------- helpers
def all_blocks(doc: Document):
    def walk(sections):
        for s in sections:
            yield from s.body
            yield from walk(s.sections)

    for c in doc.chapters:
        yield from c.body
        yield from walk(c.sections)


def _one_chapter_document(body) -> Document:
    from desktop.document import Chapter

    return Document(
        school="测试职业学校", title="中等职业教育质量年度报告（2022）", edition="2022",
        date_text="二〇二一年十一月", chapters=[Chapter("一、", "学校概况", list(body))],
        data_tables=[DataTable("测试职业学校质量数据表", (2020, 2021), ())],
        submission=Submission(), tables=[b for b in body if isinstance(b, DocTable)])


def test_several_indicator_tables_each_with_its_heading_and_note(tmp_path):
    from desktop.document import Cell, DataRow

    row = DataRow("1", "在校生数", "人", (Cell("900"), Cell("952")))
    doc = _one_chapter_document(["正文。"])
    doc.data_tables = [DataTable("附表1 人才培养", (2023, 2024), (row,), note="以主管部门下发的表格为准"),
                       DataTable("附表2 发展保障", (2023, 2024), (row,))]
    out = tmp_path / "two.docx"
    write_docx(doc, out)
    d = Docx(str(out))
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"][-2:] == [
        "附表1 人才培养", "附表2 发展保障"]
    assert "以主管部门下发的表格为准" in [p.text for p in d.paragraphs]
    assert [c.text for c in d.tables[-2].rows[1].cells] == ["1", "在校生数", "人", "900", "952"]
    assert d.tables[-1].rows[0].cells[0].text == "填报单位（盖章）："


def test_a_dense_photo_cut_short_becomes_a_note_not_a_failure(tmp_path):
    # its header promises 3000×2000 pixels (so it is resampled for Word) but the data stops
    # after 2 kB (a damaged file): the export said "image file is truncated" and gave up
    big = io.BytesIO()
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(big, "JPEG", quality=90)
    figure = Figure("图 1-1", "坏图", (Photo(big.getvalue()[:2000], "截断的照片"),))
    out = tmp_path / "cut.docx"
    result = write_docx(_one_chapter_document([figure]), out)
    assert result.warnings == ["图 1-1（坏图）中有图片无法读取，以文字代替"]
    texts = [p.text for p in Docx(str(out)).paragraphs]
    assert "（图片无法读取）" in texts and "图 1-1 坏图" in texts
