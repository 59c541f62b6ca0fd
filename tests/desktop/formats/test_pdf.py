"""The PDF export, checked on the real file with poppler (pdffonts, pdftotext, pdfimages).

Every test runs on two documents: one built in code (`pdf_sample.build_document`, dense
with punctuation, a table across pages, generated photos) and the bundled sample report
(`sample_document` from tests/conftest.py).  Expected texts are taken from the Document,
so either can change without touching the assertions.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from msgspec import Struct

from desktop.document import Chapter, Document, Figure, Section, Submission, Table
from desktop.formats.linebreak import break_lines, line_break_violations
from desktop.formats.pdf import PdfResult, write_pdf
from tests.desktop.formats.pdf_sample import build_document

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdfimages"))
# Tests that read the PDF back need poppler (CI installs it); the others run everywhere.
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdftotext(path: Path) -> list[str]:
    """Text of each page (pdftotext separates pages with a form feed)."""
    pages = run("pdftotext", str(path), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Without whitespace: pdftotext may add spaces and headings may wrap."""
    return re.sub(r"\s+", "", text)


class Built(Struct):
    kind: str  # "built" (pdf_sample) or "sample" (the bundled sample report)
    doc: Document
    path: Path
    result: PdfResult
    pages: list[str]  # pdftotext per page


@pytest.fixture(scope="module", params=["built", "sample"])
def document(request) -> tuple[str, Document]:
    if request.param == "built":
        return request.param, build_document()
    return request.param, request.getfixturevalue("sample_document")


@pytest.fixture(scope="module")
def report(document, tmp_path_factory) -> Built:
    kind, doc = document
    path = tmp_path_factory.mktemp("pdf") / "报告.pdf"
    result = write_pdf(doc, path)
    return Built(kind, doc, path, result, pdftotext(path))


@pytest.fixture(scope="module")
def table_only(document, tmp_path_factory) -> Built:
    kind, doc = document
    path = tmp_path_factory.mktemp("pdf") / "数据表.pdf"
    result = write_pdf(doc, path, table_only=True)
    return Built(kind, doc, path, result, pdftotext(path))


# -- walking the Document --------------------------------------------------------------


def headings(doc: Document, depth: int = 3) -> list[tuple[int, str]]:
    """(depth, heading) in reading order, as the 目录 lists them."""
    out: list[tuple[int, str]] = []

    def section(s: Section, d: int) -> None:
        if d < depth:
            out.append((d, s.heading))
        for sub in s.sections:
            section(sub, d + 1)

    for chapter in doc.chapters:
        out.append((0, chapter.heading))
        for s in chapter.sections:
            section(s, 1)
    out.append((0, doc.data_table.title))
    return out


def blocks(doc: Document):
    def walk(node: Chapter | Section):
        yield from node.body
        for s in node.sections:
            yield from walk(s)

    for chapter in doc.chapters:
        yield from walk(chapter)


def running_text(built: Built) -> str:
    """All pages' text without running headers and footers, whitespace removed, so that a
    paragraph continued on the next page reads as one."""
    furniture = {squash(built.doc.school), squash(built.doc.title)}
    keep = []
    for page in built.pages:
        for line in page.splitlines():
            flat = squash(line)
            if flat in furniture or re.fullmatch(r"-\d+-", flat):
                continue
            keep.append(flat)
    return "".join(keep)


def body_page_numbers(pages: list[str]) -> dict[int, int]:
    """Printed page number ("- N -" footer) -> index into pages."""
    found = {}
    for i, text in enumerate(pages):
        for line in text.splitlines():
            m = re.fullmatch(r"\s*-\s*(\d+)\s*-\s*", line)
            if m:
                found[int(m.group(1))] = i
    return found


def toc_entries(pages: list[str]) -> list[tuple[str, int]]:
    """(entry text, page number) from the 目录 pages: lines ending in leader dots and a
    number; an entry that wrapped is joined with the lines before it."""
    entries = []
    pending = ""
    first_body = min(body_page_numbers(pages).values())
    for text in pages[1:first_body]:
        for line in text.splitlines():
            m = re.fullmatch(r"(.*?)\s*\.{4,}\s*(\d+)\s*", line)
            if m:
                entries.append((squash(pending + m.group(1)), int(m.group(2))))
                pending = ""
            elif line.strip() and squash(line) not in ("目", "录", "目录"):
                pending += line
    return entries


# -- fonts and text ---------------------------------------------------------------------


@needs_poppler
def test_fonts_are_embedded_subsets_with_unicode_maps(report):
    rows = run("pdffonts", str(report.path)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert re.fullmatch(r"[A-Z]{6}\+Noto(Serif|Sans)SC-(Regular|Bold)", name), row


@needs_poppler
def test_text_is_extractable(report):
    text = squash("".join(report.pages))
    for _, heading in headings(report.doc):
        assert squash(heading) in text
    captions = [b for b in blocks(report.doc) if isinstance(b, Table | Figure)]
    assert captions
    for block in captions:
        assert squash(f"{block.number} {block.caption}") in text
    assert squash(report.doc.title) in text
    assert report.doc.date_text in text


@needs_poppler
def test_data_table_values_appear(report):
    text = "\n".join(report.pages)
    table = report.doc.data_table
    assert "".join(f"{y}年" for y in table.years) in squash(text)
    for row in table.rows:
        assert squash(row.label) in squash(text)
        for cell in row.cells:
            if cell.text:
                assert cell.text in text, (row.name, cell.text)


@needs_poppler
def test_paragraphs_are_complete(report):
    """No character lost or duplicated by line breaking (checked on the text stream)."""
    text = running_text(report)
    paragraphs = [b for b in blocks(report.doc) if isinstance(b, str) and b.strip()]
    assert len(paragraphs) > 10
    for p in paragraphs:
        assert squash(p) in text


@needs_poppler
def test_no_line_breaks_against_the_rules(report):
    lines = [line for page in report.pages for line in page.splitlines()]
    assert line_break_violations(lines) == []


@needs_poppler
def test_table_only_has_no_line_break_violations(table_only):
    lines = [line for page in table_only.pages for line in page.splitlines()]
    assert line_break_violations(lines) == []


# -- structure -------------------------------------------------------------------------


@needs_poppler
def test_toc_numbers_are_the_pages_where_headings_land(report):
    numbers = body_page_numbers(report.pages)
    first = min(numbers)
    assert first == 1
    assert sorted(numbers) == list(range(1, len(numbers) + 1))  # consecutive, from 1
    entries = toc_entries(report.pages)
    expected = [squash(h) for _, h in headings(report.doc)]
    assert [e for e, _ in entries] == expected
    for heading, number in entries:
        page = report.pages[numbers[number]]
        assert heading in squash(page), (heading, number)
        if expected.count(heading) == 1:
            # ... and not on an earlier page: the number is not merely "late enough".
            earlier = [squash(report.pages[numbers[n]]) for n in range(1, number)]
            assert not any(heading in t for t in earlier), (heading, number)


@needs_poppler
def test_chapters_start_on_a_new_page(report):
    numbers = body_page_numbers(report.pages)
    for heading, number in toc_entries(report.pages):
        if heading in [squash(c.heading) for c in report.doc.chapters]:
            page = report.pages[numbers[number]]
            body_lines = [squash(x) for x in page.splitlines() if x.strip()]
            # After the running header (school, title) the chapter heading comes first.
            start = body_lines.index(squash(report.doc.title)) + 1
            assert "".join(body_lines[start:]).startswith(heading)


@needs_poppler
def test_table_header_repeats_on_every_page_of_a_long_table(report):
    tables = [b for b in blocks(report.doc) if isinstance(b, Table)]
    longest = max(tables, key=lambda t: len(t.rows))
    # From the page with its caption to the page with its last row (its longest cell).
    caption = squash(f"{longest.number} {longest.caption}")
    last = max((squash(c.text) for c in longest.rows[-1]), key=len)
    flat = [squash(p) for p in report.pages]
    start = next(i for i, p in enumerate(flat) if caption in p)
    end = next(i for i in range(start, len(flat)) if last in flat[i])
    pages = report.pages[start : end + 1]
    assert pages
    for page in pages:
        # pdftotext orders table cells freely: look for each header cell on its own line.
        lines = {squash(x) for x in page.splitlines()}
        assert all(squash(c.name) in lines for c in longest.columns), page[:200]
    if report.kind == "built":
        assert len(pages) >= 2  # its 48-row table does cross pages


@needs_poppler
def test_totals_row_printed(report):
    totals = [b.total for b in blocks(report.doc) if isinstance(b, Table) and b.total]
    text = "\n".join(report.pages)
    for total in totals:
        for cell in total:
            if cell.text:
                assert cell.text in text


@needs_poppler
def test_page_count_and_size(report):
    info = run("pdfinfo", str(report.path))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == report.result.pages == len(report.pages)
    assert "A4" in info
    assert len(report.doc.chapters) + 3 <= pages <= 120
    size = report.path.stat().st_size
    photos = sum(len(b.photos) for b in blocks(report.doc) if isinstance(b, Figure))
    assert 30_000 < size < 1_500_000 + 150_000 * photos


@needs_poppler
def test_photos_are_downsampled_jpegs(report):
    rows = run("pdfimages", "-list", str(report.path)).splitlines()[2:]
    photos = sum(len(b.photos) for b in blocks(report.doc) if isinstance(b, Figure))
    assert 1 <= len(rows) <= photos  # the same photo twice is stored once
    for row in rows:
        cols = row.split()
        enc, x_ppi, y_ppi = cols[8], int(cols[12]), int(cols[13])
        assert enc == "jpeg"
        # Resampled to ~200 dpi, or embedded untouched when the JPEG was already small.
        assert x_ppi <= 400 and y_ppi <= 400, row


@needs_poppler
def test_cover_and_toc_have_no_running_header(report):
    school = squash(report.doc.school)
    cover = squash(report.pages[0])
    assert cover.count(school) == 1  # the name on the cover, no header line
    numbers = body_page_numbers(report.pages)
    for page in report.pages[: min(numbers.values())]:
        assert not re.search(r"^\s*-\s*\d+\s*-\s*$", page, re.M)


# -- table only ------------------------------------------------------------------------


@needs_poppler
def test_table_only_holds_the_data_table_and_submission_block(table_only):
    text = "\n".join(table_only.pages)
    flat = squash(text)
    assert squash(table_only.doc.data_table.title) in flat
    for label, value in table_only.doc.submission.lines():
        assert squash(label) in flat
        if value:
            assert squash(value) in flat
    for chapter in table_only.doc.chapters:
        assert squash(chapter.heading) not in flat
    n = table_only.result.pages
    assert n == len(table_only.pages)
    for i, page in enumerate(table_only.pages, start=1):
        assert f"第{i}页共{n}页" in squash(page)
    # The submission block is never alone: data rows share its page.
    last = squash(table_only.pages[-1])
    assert squash(table_only.doc.data_table.rows[-1].label) in last


@needs_poppler
def test_table_only_fonts(table_only):
    for row in run("pdffonts", str(table_only.path)).splitlines()[2:]:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row


# -- characters, files -----------------------------------------------------------------


@needs_poppler
def test_missing_characters_are_reported_and_marked(tmp_path):
    doc = build_document()
    rare_in_font = "\U00020087"  # an Ext-B character the font has
    doc.chapters[0].body.insert(0, f"测试：\U00020000与\ue000无字形，{rare_in_font}有字形。")
    path = tmp_path / "missing.pdf"
    result = write_pdf(doc, path)
    assert result.missing_chars == sorted(["\U00020000", "\ue000"])
    text = "".join(pdftotext(path))
    assert "测试：□与□无字形，" in text
    assert rare_in_font in text  # outside the BMP, still extracted correctly


@needs_poppler
def test_overwrites_atomically_and_leaves_no_temporary_file(tmp_path, report):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    write_pdf(report.doc, target, table_only=True)
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_failed_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "a-directory.pdf"
    target.mkdir()  # os.replace onto a directory fails like a locked file would
    with pytest.raises(OSError):
        write_pdf(build_document(), target, table_only=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a-directory.pdf"]
    assert not any(target.iterdir())


def test_export_does_not_import_qt(tmp_path):
    code = (
        "import sys, pathlib\n"
        "from tests.desktop.formats.pdf_sample import build_document\n"
        "from desktop.formats.pdf import write_pdf\n"
        f"write_pdf(build_document(), pathlib.Path({str(tmp_path / 'x.pdf')!r}))\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_exporting_the_sample_pdf_imports_no_platypus(tmp_path):
    """The export lays pages out itself (pageflow, grid) and draws charts on the canvas:
    importing reportlab.platypus or reportlab.graphics would cost it ~50 ms for nothing."""
    sample, out = tmp_path / "s.qreport", tmp_path / "s.pdf"
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"assert main(['sample', {str(sample)!r}]) == 0\n"
        f"assert main(['export', {str(sample)!r}, '--pdf', {str(out)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('reportlab.platypus', "
        "'reportlab.graphics'))))\n"
        "print('reportlab.pdfgen.canvas' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", code], check=True, cwd=root, capture_output=True,
                          text=True)
    *_, imported, canvas = done.stdout.splitlines()
    assert out.read_bytes().startswith(b"%PDF")
    assert canvas == "True"  # the export did run in this process
    assert imported == "[]"


_PHOTOS_AND_LOGO = """
import pathlib, sys
if sys.argv[1] == "pillow-first":
    import PIL.Image  # reportlab then imports Pillow at its import, as it always did
from desktop.document import Chapter, Document, Figure, Photo, Submission
from desktop.formats.pdf import write_pdf
import desktop.formats.reportlab_pillow_on_demand  # as write_pdf does, before reportlab
from reportlab import rl_config
rl_config.invariant = 1  # no dates or random ids: two runs give the same bytes
before = "PIL.Image" in sys.modules
png, jpeg, logo = (pathlib.Path(p).read_bytes() for p in sys.argv[3:6])
figure = Figure("图 1-1", "校园", (Photo(png, "一张 PNG"), Photo(jpeg, "一张要缩小的大照片")))
doc = Document("测试职业学校", "中等职业教育质量年度报告（2022）", "2022", "二〇二一年十一月",
               [Chapter("一、", "学校概况", body=["正文。", figure])], [], Submission(),
               logo=logo)
write_pdf(doc, pathlib.Path(sys.argv[2]))
print(before, "PIL.Image" in sys.modules)
"""


def test_photos_and_logo_with_pillow_loaded_on_first_use(tmp_path):
    """reportlab's Pillow is loaded when a picture needs it, not at import
    (desktop/formats/reportlab_pillow_on_demand.py); pictures that need it come out byte
    for byte as when reportlab imported Pillow itself. Whole processes: pytest has Pillow."""
    from tests.desktop.formats.pdf_sample import photo

    pictures = []
    for name, data in (("p.png", photo(900, 1200, (200, 120, 90), "PNG")),
                       ("big.jpg", photo(1600, 1200, (90, 140, 200))),  # resampled for print
                       ("logo.png", photo(300, 300, (200, 0, 0), "PNG"))):
        (tmp_path / name).write_bytes(data)
        pictures.append(str(tmp_path / name))
    root = Path(__file__).resolve().parents[3]
    outs = {}
    for mode in ("on-demand", "pillow-first"):
        out = tmp_path / f"{mode}.pdf"
        done = subprocess.run([sys.executable, "-c", _PHOTOS_AND_LOGO, mode, str(out), *pictures],
                              cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outs[mode] = (done.stdout.split(), out.read_bytes())
    assert outs["on-demand"][0] == ["False", "True"]  # not at import; loaded for the pictures
    assert outs["pillow-first"][0] == ["True", "True"]
    pdf = outs["on-demand"][1]
    assert pdf.count(b"/Subtype /Image") == 3  # two photos and the logo
    assert pdf == outs["pillow-first"][1]


# -- line breaking ---------------------------------------------------------------------


@needs_poppler
def test_checker_finds_what_reportlab_cjk_wrapping_gets_wrong(tmp_path):
    """Control: reportlab's own wordWrap='CJK' lets "“" end a line, and pdftotext gives
    one text line per typeset line, so the checker does see such a break."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from desktop.formats import fonts

    fonts.ensure(fonts.SONG)
    style = ParagraphStyle("p", fontName=fonts.SONG, fontSize=10, leading=14, wordWrap="CJK")
    text = "".join("中" * k + "“" for k in range(1, 30))  # quotes at every position
    path = tmp_path / "cjk.pdf"
    doc = SimpleDocTemplate(
        str(path), pagesize=(200, 2000), leftMargin=0, rightMargin=0, initialFontName=fonts.SONG
    )
    doc.build([Paragraph(text, style)])
    lines = pdftotext(path)[0].splitlines()
    assert squash("".join(lines)) == text
    assert line_break_violations(lines)


def test_a_text_broken_again_gives_the_same_lines_in_a_list_of_its_own():
    """Typesetter.lines remembers what it broke (the running header on every page, a
    cell measured and then laid out): the same lines again, in a new list each time, so
    a caller that cuts its list (a photo caption cut with …) changes nobody else's."""
    from desktop.formats import fonts
    from desktop.formats.typeset import TextStyle, Typesetter

    ts = Typesetter()
    style = TextStyle(fonts.SONG, 12, 18, first_indent=24)
    text = "学校坚持立德树人，推进“三全育人”综合改革，" * 4
    first = ts.lines(text, style, 200)
    first[-1:] = []
    again = ts.lines(text, style, 200)
    assert len(again) == len(first) + 1
    assert again == break_lines(text, ts.advance(fonts.SONG, 12), [176, 200])
    assert ts.lines(text, style, 150) != again  # another width is broken anew


def test_break_lines_keeps_the_rules():
    def adv(ch: str) -> float:
        return 1.0 if ord(ch) > 0x2000 else 0.5

    text = "一二三四五六七八九，十一二三四五六七八（九十）一二三四五六七八“九”。" * 4
    for width in range(6, 20):
        lines = break_lines(text, adv, [width])
        assert "".join(x.text for x in lines) == text
        assert line_break_violations([x.text for x in lines]) == []
        assert all(x.width <= width + 1e-6 for x in lines)
        assert lines[-1].last and not any(x.last for x in lines[:-1])


def test_break_points_without_spaces_are_the_general_rules_break_points():
    """break_points finds breaks in a text without spaces by its pairs of characters
    (linebreak._PAIR): the same places as the general expression, on every arrangement
    of the character classes up to five long and on random longer ones."""
    import random

    from desktop.formats.linebreak import _BREAK, _PAIR

    classes = "wnAaZz"
    texts = ["".join(p) for n in range(1, 6) for p in itertools.product(classes, repeat=n)]
    rng = random.Random(16)
    texts += ["".join(rng.choice(classes) for _ in range(rng.randint(6, 80))) for _ in range(2000)]
    for k in texts:
        assert [m.end() for m in _PAIR.finditer(k)] == [m.start() for m in _BREAK.finditer(k)], k


def test_break_lines_never_splits_numbers_or_words():
    def adv(ch: str) -> float:
        return 1.0 if ord(ch) > 0x2000 else 0.5

    text = "教学仪器设备总值10671.47万元，双师型教师达73.04%，开展1+X试点，PLC编程。" * 3
    for width in range(8, 16):
        lines = break_lines(text, adv, [width])
        for a, b in itertools.pairwise(lines):
            assert not (
                a.text[-1:].isascii()
                and a.text[-1:].isalnum()
                and b.text[:1].isascii()
                and b.text[:1].isalnum()
            ), (a, b)


def test_checker_reports_both_kinds():
    found = line_break_violations(["，开头", "正常一行", "结尾（", "  ”引号开头  ", ""])
    assert [(v.line, v.kind) for v in found] == [(0, "start"), (2, "end"), (3, "start")]


# -- awkward input ---------------------------------------------------------------------


def awkward_document() -> Document:
    from desktop.document import Cell, Column, Photo
    from tests.desktop.formats.pdf_sample import photo

    doc = build_document()
    tall = Table(
        "表 9-1",
        "一个单元格比一页还高",
        (Column("序号", width=0.5), Column("内容", width=3), Column("数量", numeric=True)),
        rows=((Cell("1"), Cell("超长单元格内容，" * 260), Cell("3")), (Cell("2"), Cell("短"))),
    )
    figures = [
        Figure("图 9-1", "没有照片", ()),
        Figure("图 9-2", "一张坏照片", (Photo(b"not an image", "坏的"), Photo(photo(400, 300, (0, 0, 0))))),
        Figure("图 9-3", "三张竖图", tuple(Photo(photo(600, 900, (90, 90, 90))) for _ in range(3))),
        Figure("图 9-4", "五张照片", tuple(Photo(photo(800, 600, (40 * i, 0, 0))) for i in range(5))),
    ]
    texts = [
        "",
        "   ",
        "\u3000\u3000首行有全角空格的段落。",
        "https://www.example.com/" + "a" * 300 + "/index.html",
        "含制表符\t和换行\n第二行，以及零宽\u200b字符和控制\x07字符。",
        "English only paragraph with words, numbers 1,234.5 and (brackets). " * 12,
    ]
    deep = Section("1.", "更深", 2, sections=[Section("（1）", "最深", 3, body=["最深一段。"])])
    doc.chapters.append(
        Chapter(
            "五、",
            "各种特殊情况",
            body=[*texts, tall, Table("表 9-2", "空表", (Column("序号"), Column("名称")), ()), *figures],
            sections=[Section("（一）", "深层", 1, sections=[deep])],
        )
    )
    doc.chapters.append(Chapter("六、", "空章"))
    return doc


@needs_poppler
def test_awkward_content_still_lays_out(tmp_path):
    path = tmp_path / "awkward.pdf"
    result = write_pdf(awkward_document(), path)
    assert result.pages > 10
    assert result.missing_chars == []
    assert any("图 9-2" in w for w in result.warnings)
    pages = pdftotext(path)
    lines = [line for page in pages for line in page.splitlines()]
    assert line_break_violations(lines) == []
    text = squash("".join(pages))
    assert "（图片无法读取）" in text
    assert "index.html" in text
    assert "最深一段。" in text
    assert "\u200b" not in text and "\x07" not in text


def test_an_empty_report_still_exports(tmp_path):
    from desktop.document import DataTable

    empty = Document(
        "某学校",
        "中等职业教育质量年度报告（2022）",
        "2022",
        "",
        [],
        [DataTable("某学校质量数据表", (2021,), ())],
        Submission(),
    )
    assert write_pdf(empty, tmp_path / "a.pdf").pages == 3  # cover, 目录, data table
    assert write_pdf(empty, tmp_path / "b.pdf", table_only=True).pages == 1


# -- long names, long values, awkward photos ---------------------------------------------

LONG_SCHOOL = "新疆维吾尔自治区巴音郭楞蒙古自治州和静县职业技术学校（和静县职业技能培训中心）"


def bbox_words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of each word pdftotext finds on `page` (from 1, y down)."""
    out = run("pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    )
    return [(t, float(a), float(b), float(c), float(d)) for a, b, c, d, t in words]


@needs_poppler
def test_long_school_name_fits_cover_and_running_header(tmp_path):
    doc = build_document()
    doc.school = LONG_SCHOOL
    path = tmp_path / "long.pdf"
    write_pdf(doc, path)
    # Cover: the name wraps; the date comes below its last line, not over it.
    cover = bbox_words(path, 1)
    date = next(w for w in cover if w[0] == doc.date_text)
    name_lines = [w for w in cover if w[0] and w[0] in LONG_SCHOOL and len(w[0]) > 2]
    assert squash("".join(w[0] for w in name_lines)) == LONG_SCHOOL
    assert date[2] >= max(w[4] for w in name_lines)
    # Running header: school and title on one line, the school ending before the title.
    header = [w for w in bbox_words(path, 3) if w[2] < 80]
    texts = [w[0] for w in header]
    assert texts == [LONG_SCHOOL, doc.title]
    assert header[0][3] < header[1][1]


@needs_poppler
def test_long_submission_values_are_printed_whole(tmp_path):
    doc = build_document()
    doc.submission = Submission(
        unit=LONG_SCHOOL, filler="张三", reviewer="欧阳某某某某某某某某某某某某某某",
        phone="0635-8888888转12345678", date="2022年11月30日",
    )
    path = tmp_path / "table.pdf"
    write_pdf(doc, path, table_only=True)
    text = squash("".join(pdftotext(path)))
    for _, value in doc.submission.lines():
        assert squash(value) in text


def test_long_url_starts_on_the_line_of_the_text_before_it():
    def adv(ch: str) -> float:
        return 1.0 if ord(ch) > 0x2000 else 0.5

    url = "https://www.example.edu.cn/" + "x" * 60
    lines = break_lines("请访问" + url + "了解详情。", adv, [20])
    assert lines[0].text.startswith("请访问https://")
    assert lines[0].width > 19  # filled, not "请访问" alone before a gap
    assert "".join(x.text for x in lines) == "请访问" + url + "了解详情。"


@needs_poppler
def test_long_captions_under_narrow_photos(tmp_path):
    from desktop.document import Photo
    from tests.desktop.formats.pdf_sample import photo

    doc = build_document()
    caption = "学生在实训基地参加职业技能等级证书考核的现场照片" * 3
    too_long = "很长的照片说明" * 60
    doc.chapters[0].body += [
        Figure("图 1-8", "窄图", (Photo(photo(300, 900, (9, 9, 9)), caption), Photo(photo(1600, 400, (0, 90, 0))))),
        Figure("图 1-9", "超长说明", (Photo(photo(200, 1200, (9, 9, 9)), too_long), Photo(photo(1600, 400, (0, 9, 0))))),
    ]
    path = tmp_path / "photos.pdf"
    result = write_pdf(doc, path)  # a caption taller than a page used to be a LayoutError
    assert any("图 1-9" in w for w in result.warnings)
    assert not any("图 1-8" in w for w in result.warnings)
    text = squash("".join(pdftotext(path)))
    assert caption in text
    assert "图1-9超长说明" in text
    # The 1:3 photo's caption is set at least eight characters wide, not three.
    lines = [squash(x) for page in pdftotext(path) for x in page.splitlines()]
    assert "学生在实训基地参加" in "".join(lines)
    assert max(len(x) for x in lines if x and x in caption) >= 8


@needs_poppler
def test_a_section_opening_with_a_figure(tmp_path):
    """A section of photos only: its heading is kept with a figure (used to fail with
    "'KeepTogether' object has no attribute 'canv'")."""
    from desktop.document import Photo
    from tests.desktop.formats.pdf_sample import photo

    doc = build_document()
    figure = Figure("图 2-9", "校园风采", (Photo(photo(800, 600, (20, 90, 160)), "操场"),))
    doc.chapters[1].sections[0].sections.append(Section("3.", "校园风采一览", 2, body=[figure]))
    path = tmp_path / "figure-first.pdf"
    write_pdf(doc, path)
    pages = [squash(p) for p in pdftotext(path)]
    page = next(p for p in pages[2:] if "3.校园风采一览" in p)
    assert "图2-9校园风采" in page


@needs_poppler
def test_table_rows_taller_than_a_page(tmp_path):
    """Several cells longer than a page are cut across pages, every character kept (the
    re-centred remainder used to grow until no page held it: LayoutError)."""
    from desktop.document import Cell, Column

    long_texts = [f"第{i}项成效：" + "学校深化产教融合，推进校企合作，" * 120 + "。" for i in (1, 2, 3)]
    table = Table(
        "表 1-9",
        "主要成效",
        (Column("序号", width=0.5), Column("项目", width=1), Column("主要成效", width=4)),
        tuple((Cell(str(i)), Cell(f"项目{i}"), Cell(t)) for i, t in enumerate(long_texts, start=1)),
    )
    doc = build_document()
    doc.chapters[0].body.append(table)
    path = tmp_path / "tall.pdf"
    write_pdf(doc, path)
    built = Built("built", doc, path, PdfResult(0), pdftotext(path))
    text = running_text(built).replace("序号项目主要成效", "")  # repeated header rows
    for t in long_texts:
        assert squash(t) in text


@needs_poppler
def test_a_note_in_a_numeric_column_does_not_squeeze_the_table(tmp_path):
    """Text that is not a number (kept as typed) wraps in its column; the other columns keep
    room for their text (a long note used to shrink them below their padding: ValueError)."""
    from decimal import Decimal

    from desktop.document import Cell, Column

    note = "其中外聘教师十二人，兼职教师八人，另有企业兼职导师若干人，具体以人事处统计为准" * 2
    table = Table(
        "表 1-8",
        "师资",
        (Column("序号", width=0.5), Column("类别", width=2), Column("人数", numeric=True), Column("占比", numeric=True)),
        ((Cell("1"), Cell("专任教师"), Cell("501", Decimal(501)), Cell(note)),
         (Cell("2"), Cell("兼职教师"), Cell(note), Cell("12.5", Decimal("12.5"), 1))),
    )
    doc = build_document()
    doc.chapters[0].body.append(table)
    path = tmp_path / "note.pdf"
    write_pdf(doc, path)
    lines = [squash(x) for page in pdftotext(path) for x in page.splitlines()]
    assert "专任教师" in lines and "兼职教师" in lines  # not cut into single characters
    assert squash(note) in "".join(lines).replace("专任教师", "").replace("501", "")


@needs_poppler
def test_empty_section_headings_before_the_next_chapter(tmp_path):
    """A chapter written in its first section only ends with the headings of the empty
    ones, then the page break of the next chapter: the PDF is made, headings and all."""
    doc = build_document()
    doc.chapters[:] = [
        Chapter("一、", "人才培养", sections=[
            Section("（一）", "党建引领", 1, body=["学校坚持立德树人。"]),
            Section("（二）", "立德树人", 1),
            Section("（三）", "就业质量", 1),
        ]),
        Chapter("二、", "服务贡献"),
    ]
    path = tmp_path / "empty_sections.pdf"
    write_pdf(doc, path)
    text = squash("".join(pdftotext(path)))
    assert "学校坚持立德树人。" in text
    assert "（三）就业质量" in text
    assert "二、服务贡献" in text
