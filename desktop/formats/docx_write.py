"""The report as a .docx a school can finish in Word or WPS.

The same assembled `Document` the PDF typesets, in the PDF's page geometry: A4 with the
PDF's margins, cover, 目录, chapters on new pages, running header, "- N -" page numbers.
What a school expects of a Word file is real Word structure, not a picture of a page:

- headings in the built-in styles 标题 1–3 ("heading 1".."heading 3", outline levels
  1–3), so the navigation pane and Word's own 目录 work; the numbers (一、/（一）/1.) are
  part of the text, as schools type them;
- a real TOC field (`TOC \\o "1-3" \\h \\z \\u`) whose entries are already filled in (in
  the built-in "toc N" styles, hyperlinks to bookmarks on the headings, a PAGEREF field
  for each page number), and `w:updateFields` in settings.xml, so Word (and WPS) offer to
  update the fields when the file is opened.  The page numbers are left for the word
  processor to fill: only the program that lays the pages out knows them.  Our own PDF's
  numbers were written here before; LibreOffice, laying out the sample with its own
  fonts, put 46 of the 47 headings 1–4 pages later than those numbers said (a 目录
  printed wrong without anyone noticing), and after its 更新目录 all 47 matched.  A 目录
  without numbers is visibly unfinished; one with wrong numbers is not.
- fonts set in the styles the way Chinese Windows names them: 宋体 body, 黑体 headings
  (w:rFonts/@w:eastAsia), Latin in Times New Roman; body text in "Normal" with a
  two-character first-line indent (w:firstLineChars) and the PDF's exact 18 pt lines;
- tables with header rows that repeat across pages (w:tblHeader), captions above;
  figures with the photos the PDF prints, at the sizes it prints them, captions below;
- the 质量数据表 and the submission block at the end; PAGE fields in the footer.

The body is written as WordprocessingML text and parsed once (python-docx's element API
took ~2/3 of the export's time, ~25 µs per element); python-docx still provides the
package, its default parts, styles, headers, footers, images and saving.
"""

from __future__ import annotations

import io
import os
import pathlib
import re
import unicodedata

from msgspec import Struct, field

from desktop.atomic import write_atomically
from desktop.document import Cell, Column, DataTable, Document, Figure, Section, Submission
from desktop.document import Table as DocTable

SONG = "宋体"
HEI = "黑体"
LATIN = "Times New Roman"

# The PDF's geometry (desktop.formats.pdf), in twentieths of a point.
PAGE_W, PAGE_H = 11906, 16838  # A4
TEXT_W = 8640  # 36 characters of 12 pt
MARGIN_LR = (PAGE_W - TEXT_W) // 2
MARGIN_TOP = 1700  # 85 pt
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - 38 * 360  # 38 lines of 18 pt
HEADER_DIST = FOOTER_DIST = 850  # 1.5 cm
# Photos are never placed denser than this: one denser by more than a quarter is
# resampled to MAX_DPI.  Resampling the sample's 960-px photos to the 875 px of exactly
# 300 dpi made each file 65 % larger (a second JPEG generation at q85) and cost 0.36 s.
MAX_DPI = 300
DPI_SLACK = 1.25
TOC_DEPTH = 3  # chapters, （一） and 1. are listed, as in the PDF
# said with every Word export: the 目录 is complete only once Word or WPS has numbered it
TOC_NOTE = "目录的页码由 Word/WPS 排版后填入：打开文档时提示更新域请选“是”，或右键目录选“更新域”。"

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class DocxResult(Struct):
    warnings: list[str] = field(default_factory=list)


def write_docx(doc: Document, out: pathlib.Path) -> DocxResult:
    """Write the report to `out` through a temporary file beside it, moved over `out` at
    the end: a failed export never leaves half a file.  PermissionError (the target open in
    Word/WPS on Windows) propagates unchanged."""
    out = pathlib.Path(out)
    writer = _Writer(doc)
    writer.write()
    write_atomically(out, lambda tmp: _save(writer.docx, tmp))
    return DocxResult(warnings=writer.warnings)


def _save(docx, tmp: pathlib.Path) -> None:
    # in memory first: a zip file that fails half-way on a full disk raises again from its
    # own cleanup (an "Exception ignored" traceback on stderr)
    buffer = io.BytesIO()
    docx.save(buffer)
    tmp.write_bytes(buffer.getvalue())


def clean(text: str) -> str:
    """Text as XML can hold it: control characters (other than tab and line feed) dropped."""
    return _XML_BAD.sub("", text)


def _twips(points: float) -> int:
    return round(points * 20)


# ----------------------------------------------------------------------------- styles
def _rpr(east: str, size: float | None = None, bold: bool = False, color: str | None = None) -> str:
    out = f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east}" w:cs="{LATIN}"/>'
    if bold:
        out += "<w:b/><w:bCs/>"
    if color:
        out += f'<w:color w:val="{color}"/>'
    if size is not None:
        half = round(size * 2)
        out += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    return f"<w:rPr>{out}</w:rPr>"


def _spacing(line: float | None = None, before: float = 0, after: float = 0, exact: bool = True) -> str:
    attrs = f'w:before="{_twips(before)}" w:after="{_twips(after)}"'
    if line is not None:
        attrs += f' w:line="{_twips(line)}" w:lineRule="{"exact" if exact else "auto"}"'
    return f"<w:spacing {attrs}/>"


NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def _indent_chars(chars: int, size: float) -> str:
    return f'<w:ind w:firstLineChars="{chars * 100}" w:firstLine="{_twips(chars * size)}"/>'


def _style_xml(sid: str, name: str, ppr: str, rpr: str, based: str | None = "Normal",
               next_: str | None = None, priority: int | None = None, kind: str = "paragraph") -> str:
    parts = [f'<w:name w:val="{name}"/>']
    if based:
        parts.append(f'<w:basedOn w:val="{based}"/>')
    if next_:
        parts.append(f'<w:next w:val="{next_}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    parts.append(rpr)
    from docx.oxml.ns import nsdecls

    return f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{sid}">{"".join(parts)}</w:style>'


def _styles(docx) -> None:
    """Defaults and every style the export uses, replacing the template's (whose fonts are
    theme fonts, which win over w:eastAsia and would show Calibri/等线)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    root = docx.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        root.remove(defaults)
    root.insert(0, parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>"
        f"{_rpr(SONG, 12)[:-8]}<w:kern w:val='2'/>"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{_spacing()}</w:pPr></w:pPrDefault></w:docDefaults>"))
    tab_right = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
    styles = [
        # Body text: what a school types into Word gets the same look.
        ("Normal", "Normal", '<w:jc w:val="both"/>' + _spacing(18) + _indent_chars(2, 12),
         _rpr(SONG, 12), None, None, 0),
        ("Heading1", "heading 1",
         '<w:keepNext/><w:keepLines/>' + _spacing(24, 0, 12) + NO_INDENT
         + '<w:jc w:val="left"/><w:outlineLvl w:val="0"/>', _rpr(HEI, 16, bold=True, color="000000"),
         "Normal", "Normal", 9),
        ("Heading2", "heading 2",
         '<w:keepNext/><w:keepLines/>' + _spacing(22, 8, 4) + NO_INDENT
         + '<w:jc w:val="left"/><w:outlineLvl w:val="1"/>', _rpr(HEI, 14, color="000000"),
         "Normal", "Normal", 9),
        ("Heading3", "heading 3",
         '<w:keepNext/><w:keepLines/>' + _spacing(20, 4, 2) + _indent_chars(2, 12)
         + '<w:jc w:val="left"/><w:outlineLvl w:val="2"/>', _rpr(HEI, 12, color="000000"),
         "Normal", "Normal", 9),
        ("Heading4", "heading 4",
         '<w:keepNext/><w:keepLines/>' + _spacing(20, 4, 2) + _indent_chars(2, 12)
         + '<w:jc w:val="left"/><w:outlineLvl w:val="3"/>', _rpr(HEI, 12, color="000000"),
         "Normal", "Normal", 9),
        ("Caption", "caption", '<w:jc w:val="center"/>' + _spacing(16, 6, 4) + NO_INDENT,
         _rpr(HEI, 10.5, color="000000"), "Normal", "Normal", 35),
        ("TOC1", "toc 1", tab_right + _spacing(26) + NO_INDENT + '<w:jc w:val="left"/>',
         _rpr(HEI, 12), "Normal", "Normal", 39),
        ("TOC2", "toc 2", tab_right + _spacing(24)
         + '<w:ind w:leftChars="200" w:left="480" w:firstLineChars="0" w:firstLine="0"/>'
         + '<w:jc w:val="left"/>', _rpr(SONG, 12), "Normal", "Normal", 39),
        ("TOC3", "toc 3", tab_right + _spacing(24)
         + '<w:ind w:leftChars="400" w:left="960" w:firstLineChars="0" w:firstLine="0"/>'
         + '<w:jc w:val="left"/>', _rpr(SONG, 12), "Normal", "Normal", 39),
        ("Header", "header",
         f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="404040"/></w:pBdr>'
         f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>' + _spacing(12) + NO_INDENT
         + '<w:jc w:val="left"/>', _rpr(HEI, 9, color="404040"), "Normal", None, 99),
        ("Footer", "footer", _spacing(14) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(SONG, 10.5), "Normal", None, 99),
        # Our own styles, named in Chinese as a school would see them in the styles pane.
        ("qrTableText", "表格文字", _spacing(14) + NO_INDENT + '<w:jc w:val="left"/>',
         _rpr(SONG, 10.5), "Normal", None, 40),
        ("qrTableHead", "表格标题行", '<w:keepNext/>' + _spacing(14) + NO_INDENT
         + '<w:jc w:val="center"/>', _rpr(HEI, 10.5), "qrTableText", None, 40),
        ("qrPicture", "图片", '<w:keepNext/>' + _spacing(None) + NO_INDENT + '<w:jc w:val="center"/>',
         "", "Normal", None, 40),
        ("qrPhotoCaption", "图片说明", _spacing(12, 0, 3) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(SONG, 9), "Normal", None, 40),
        ("qrTocTitle", "目录标题", _spacing(28, 0, 18) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(HEI, 18, bold=True), "Normal", "TOC1", 40),
        ("qrCoverTitle", "封面标题", _spacing(48) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(HEI, 30, bold=True), "Normal", None, 40),
        ("qrCoverSchool", "封面学校", _spacing(32) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(HEI, 22, bold=True), "Normal", None, 40),
        ("qrCoverDate", "封面日期", _spacing(24) + NO_INDENT + '<w:jc w:val="center"/>',
         _rpr(SONG, 16), "Normal", None, 40),
        ("qrSign", "填报信息", _spacing(18) + NO_INDENT + '<w:jc w:val="left"/>',
         _rpr(SONG, 12), "Normal", None, 40),
    ]
    # The template's other styles (标题, 列表 …) name theme fonts too: without them they
    # inherit 宋体/Times New Roman like the rest.
    for fonts in root.iter(qn("w:rFonts")):
        for attr in [a for a in fonts.attrib if a.lower().endswith("theme")]:
            del fonts.attrib[attr]
    existing = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    for sid, name, ppr, rpr, based, next_, priority in styles:
        old = existing.get(sid)
        new = parse_xml(_style_xml(sid, name, ppr, rpr, based, next_, priority))
        if sid == "Normal":
            new.set(qn("w:default"), "1")
        if old is not None:
            old.addprevious(new)
            root.remove(old)
        else:
            root.append(new)


# ----------------------------------------------------------------------------- writer
class _Writer:
    def __init__(self, doc: Document) -> None:
        from docx import Document as Docx

        self.doc = doc
        self.docx = Docx()
        self.warnings: list[str] = []
        self.out: list[str] = []  # the body's WordprocessingML, block by block
        self._bookmark = 0
        self._pictures = 0
        self.toc_entries: list[tuple[int, str, str]] = []  # depth, text, bookmark
        _styles(self.docx)

    def para(self, text: str = "", style: str | None = None, **fmt) -> None:
        """A paragraph at the end of the body in style id `style` (None: Normal, body text)."""
        self.out.append(_para(_runs(text) if text else "", style, **fmt))

    # -- the document -------------------------------------------------------------------
    def write(self) -> None:
        doc = self.doc
        # The template's one section becomes the body's (header, page numbers from 1);
        # cover and 目录 get a section of their own, ended by the paragraph after the 目录.
        body = self.docx.sections[0]
        self._page_setup(body)
        self._running_header(body)
        self._footer(body)
        self.rows = self._placed_photos()
        self._cover()
        self.para("目\u3000录", "qrTocTitle", page_break=True)
        toc_at = len(self.out)
        self.out.append(f"<w:p><w:pPr>{_FRONT_SECTION}</w:pPr></w:p>")
        for i, chapter in enumerate(doc.chapters):
            self.heading(chapter.heading, 0, page_break=i > 0)
            self.blocks(chapter.body)
            for section in chapter.sections:
                self.section(section, 1)
        # The indicator tables at the end, each from a new page; the block to sign and
        # stamp under the last one.
        for i, table in enumerate(doc.data_tables):
            self.heading(table.title, 0, page_break=bool(doc.chapters) or i > 0, jc="center")
            if table.note:  # e.g. 以主管部门下发的表格为准
                self.para(table.note, "qrTableText", keep_next=True)
            self.data_table(table)
        self.submission(doc.submission)
        self.out.insert(toc_at, self._toc())
        end = self.docx.element.body[-1]  # the body's sectPr stays last
        for element in _fragment("".join(self.out)):
            end.addprevious(element)
        self._properties()
        _update_fields_on_open(self.docx)

    def _properties(self) -> None:
        props = self.docx.core_properties
        props.title = clean(f"{self.doc.school}{self.doc.title}")[:250]
        props.author = clean(self.doc.school)[:250]
        props.subject = clean(self.doc.title)[:250]
        props.comments = "qreport"
        props.last_modified_by = "qreport"

    def _page_setup(self, section) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn
        from docx.shared import Twips

        section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
        section.left_margin = section.right_margin = Twips(MARGIN_LR)
        section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
        section.header_distance, section.footer_distance = Twips(HEADER_DIST), Twips(FOOTER_DIST)
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is not None:
            sect.remove(grid)
        sect.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="360"/>'))

    def _cover(self) -> None:
        # The PDF's cover: title a fifth of the way down, school and date near the bottom
        # (frame fractions 0.22, 0.72, 0.80 of 38 lines of 18 pt); the logo above the title.
        frame = 38 * 18
        lines = self.doc.cover_title  # as set in 报告信息, else the title in two lines
        if self.doc.logo:
            self._cover_logo()
        first = True
        for line in lines:
            self.para(line, "qrCoverTitle", before=0.22 * frame if first else None)
            first = False
        used = 0.22 * frame + 48 * len(lines)
        self.para(self.doc.school, "qrCoverSchool", before=max(0.0, 0.72 * frame - used))
        self.para(self.doc.date_text, "qrCoverDate", before=max(0.0, 0.80 * frame - 0.72 * frame - 32))

    def _cover_logo(self) -> None:
        """The school's logo centred above the cover title, at most 3.5 cm (as the PDF)."""
        try:
            from PIL import Image

            width, height = Image.open(io.BytesIO(self.doc.logo)).size
        except Exception:  # a damaged logo must not cost the whole file
            return
        side = 3.5 / 2.54 * 72  # points
        scale = side / max(width, height)
        self.out.append(_para(self._picture(self.doc.logo, width * scale, height * scale), jc="center"))

    def _running_header(self, section) -> None:
        section.header.is_linked_to_previous = False
        p = section.header.paragraphs[0]
        p.style = self._style("Header")
        school, title = clean(self.doc.school), clean(self.doc.title)
        p.add_run(school)
        p.add_run("\t" + title)
        # Both on one line, like the PDF: a long pair gets a smaller size (down to 7 pt).
        ems = _ems(school) + _ems(title) + 2
        if ems * 9 > TEXT_W / 20:
            from docx.shared import Pt

            size = max(7.0, TEXT_W / 20 / ems)
            for run in p.runs:
                run.font.size = Pt(round(size * 2) / 2)

    def _footer(self, section) -> None:
        section.footer.is_linked_to_previous = False
        p = section.footer.paragraphs[0]
        p.style = self._style("Footer")
        for element in _fragment(_runs("- ") + _field("PAGE", "1") + _runs(" -")):
            p._p.append(element)
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        # Body pages count from 1, as printed in the PDF.
        section._sectPr.append(parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>'))
        _order_children(section._sectPr, _SECTPR_ORDER)

    def _style(self, sid: str):
        """A style by its id (ours have Chinese names; python-docx looks names up)."""
        from docx.styles.style import StyleFactory

        return StyleFactory(self.docx.styles.element.get_by_id(sid))

    # -- headings and 目录 -----------------------------------------------------------------
    def heading(self, text: str, depth: int, page_break: bool = False, jc: str | None = None) -> None:
        mark = None
        if depth < TOC_DEPTH:
            self._bookmark += 1
            mark = (self._bookmark, f"_Toc{self._bookmark:08d}")
            self.toc_entries.append((depth, text, mark[1]))
        self.out.append(_para(_runs(text), f"Heading{min(depth + 1, 4)}", page_break=page_break,
                              jc=jc, mark=mark))

    def _toc(self) -> str:
        """The TOC field right after the 目录 title: begin … separate, one entry paragraph
        per heading (hyperlink, tab with dot leader, a PAGEREF field whose number Word or
        WPS fills in), end."""
        entries = self.toc_entries or [(0, "", "")]
        out = []
        last = len(entries) - 1
        for k, (depth, text, name) in enumerate(entries):
            inner = _field_start('TOC \\o "1-3" \\h \\z \\u') if k == 0 else ""
            if name:
                page = _field_start(f"PAGEREF {name} \\h") + _FIELD_END
                inner += (f'<w:hyperlink w:anchor="{name}" w:history="1"><w:r><w:t xml:space="preserve">'
                          f"{_text(text)}</w:t></w:r><w:r><w:tab/></w:r>{page}</w:hyperlink>")
            if k == last:
                inner += _FIELD_END
            out.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{depth + 1}"/></w:pPr>{inner}</w:p>')
        return "".join(out)

    # -- sections and blocks ----------------------------------------------------------------
    def section(self, section: Section, depth: int) -> None:
        self.heading(section.heading, depth)
        self.blocks(section.body)
        for sub in section.sections:
            self.section(sub, depth + 1)

    def blocks(self, blocks) -> None:
        for block in blocks:
            if isinstance(block, str):
                text = block.strip(" \t\r\n\u3000")
                if text:
                    self.para(text)
            elif isinstance(block, DocTable):
                self.table(block)
            elif isinstance(block, Figure):
                self.figure(block)

    # -- tables --------------------------------------------------------------------------
    def table(self, table: DocTable) -> None:
        ncols = len(table.columns)
        if ncols == 0:
            return
        self.para(f"{table.number} {table.caption}".strip(), "Caption", keep_next=True)
        aligns = [_align(c, i) for i, c in enumerate(table.columns)]
        rows = [[(c.text, a) for c, a in zip(_pad(r, ncols), aligns, strict=True)] for r in table.rows]
        total = None
        if table.total is not None:
            total = [(c.text, a) for c, a in zip(_pad(table.total, ncols), aligns, strict=True)]
        widths = _column_widths(table.columns, [[t for t, _ in r] for r in rows + ([total] if total else [])])
        self._grid([c.name for c in table.columns], rows, widths, total=total)

    def _grid(self, head: list[str], rows, widths: list[int], total=None, indents=None) -> None:
        """A ruled table: header row (repeated on every page, shaded), rows, a bold 合计."""
        out = self.out
        out.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
                   f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>{_GRID_LOOK}'
                   f"</w:tblPr>{_grid_cols(widths)}")

        def add_row(cells, style, header=False, bold=False, row_indents=None):
            out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header
                       else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for j, (text, align) in enumerate(cells):
                shade = '<w:shd w:val="clear" w:color="auto" w:fill="DEDEDE"/>' if header else ""
                left = row_indents[j] if row_indents else 0
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{widths[j]}"/>{shade}'
                           '<w:vAlign w:val="center"/></w:tcPr>')
                out.append(_para(_runs(text, bold=bold), style, left=left or None,
                                 jc=align if align != "left" and not header else None))
                out.append("</w:tc>")
            out.append("</w:tr>")

        add_row([(h, "center") for h in head], "qrTableHead", header=True)
        for i, row in enumerate(rows):
            add_row(row, "qrTableText", row_indents=indents[i] if indents else None)
        if total is not None:
            add_row(total, "qrTableText", bold=True)
        out.append("</w:tbl>")
        # A table directly followed by another block: Word needs a paragraph between them
        # only when two tables would touch; a small gap like the PDF's spaceAfter.
        self.para("", "qrTableText", after=6)

    # -- figures -------------------------------------------------------------------------
    def _placed_photos(self) -> dict[int, list]:
        """id(Figure) -> its photo rows as the PDF places them (`pdf.figure_photos`: the
        photos it prints, their sizes, their slots); a photo denser than MAX_DPI by more
        than DPI_SLACK at its placed size is resampled, in a few threads (Pillow lets go of
        the GIL)."""
        from desktop.formats.pdf import figure_photos

        placed = {}
        for figure in _figures(self.doc):
            if figure.chart is None:
                # the PDF's own notes ("以空框代替") are not what Word shows
                placed[id(figure)] = figure_photos(figure, [])
        jobs = [(photos, i) for rows in placed.values() for photos, _ in rows
                for i, (jpeg, w, h, _) in enumerate(photos) if jpeg is not None and _too_dense(jpeg, w, h)]
        if jobs:
            from concurrent.futures import ThreadPoolExecutor

            def resample(job):
                photos, i = job
                try:
                    return at_most_dpi(*photos[i][:3], MAX_DPI)
                except Exception:  # a damaged photo (cut short) is said, not the export's end
                    return None

            workers = max(1, min(len(jobs), os.cpu_count() or 1, 4))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for (photos, i), data in zip(jobs, pool.map(resample, jobs), strict=True):
                    _, w, h, caption = photos[i]
                    photos[i] = (data, w, h, caption)
        return placed

    def figure(self, figure: Figure) -> None:
        caption = f"{figure.number} {figure.caption}".strip()
        if figure.chart is not None:  # the PDF's chart, painted as a picture
            from desktop import charts

            width, height = TEXT_W / 20 * 0.92, 38 * 18.0 * 0.3  # as the PDF places it
            # the spec in the alternative text: read back by our Word import as the chart
            descr = charts.CHART_MARK + figure.chart.spec if figure.chart.spec else None
            picture = self._picture(charts.png(figure.chart, width, height), width, height, descr)
            self.out.append(_para(picture, "qrPicture", keep_next=True))
            self.para(caption, "Caption", before=2, after=10)
            return
        rows = self.rows.get(id(figure), [])
        for photos, slots in rows:
            if len(photos) == 1:
                jpeg, w, h, text = photos[0]
                self.out.append(_para(self._photo(jpeg, w, h, figure), "qrPicture"))
                if text.strip():
                    self.para(text, "qrPhotoCaption", keep_next=True)
            else:
                self._photo_row(photos, slots, figure)
        if not rows and figure.photos:
            self.warnings.append(f"{figure.number}（{figure.caption}）没有可放置的图片")
        self.para(caption, "Caption", before=2, after=10)

    def _photo_row(self, photos, slots: list[float], figure: Figure) -> None:
        """Photos side by side in a borderless table, each with its caption under it, all
        kept with the figure caption after them."""
        gap = 12.0
        widths = [_twips(s + (gap if i < len(slots) - 1 else 0)) for i, s in enumerate(slots)]
        out = self.out
        out.append(f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
                   '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
                   f'<w:right w:w="0" w:type="dxa"/></w:tblCellMar>{_TABLE_LOOK}</w:tblPr>'
                   f"{_grid_cols(widths)}<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for width, (jpeg, w, h, caption) in zip(widths, photos, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                       '<w:vAlign w:val="bottom"/></w:tcPr>')
            out.append(_para(self._photo(jpeg, w, h, figure), "qrPicture", keep_next=True))
            if caption.strip():
                out.append(_para(_runs(caption), "qrPhotoCaption", keep_next=True))
            out.append("</w:tc>")
        out.append("</w:tr></w:tbl>")

    def _photo(self, jpeg: bytes | None, w: float, h: float, figure: Figure) -> str:
        if jpeg is None:
            self.warnings.append(f"{figure.number}（{figure.caption}）中有图片无法读取，以文字代替")
            return _runs("（图片无法读取）")
        return self._picture(jpeg, w, h)

    def _picture(self, data: bytes, width_pt: float, height_pt: float, descr: str | None = None) -> str:
        """A run holding the picture inline at its size (the image part stored once however
        often it is shown)."""
        rid, image = self.docx.part.get_or_add_image(io.BytesIO(data))
        self._pictures += 1
        n = self._pictures
        cx, cy = int(width_pt * 12700), int(height_pt * 12700)  # EMU, as python-docx's Pt
        alt = f' descr="{_attr(descr)}"' if descr else ""
        return (f'<w:r><w:drawing><wp:inline><wp:extent cx="{cx}" cy="{cy}"/>'
                f'<wp:docPr id="{n}" name="Picture {n}"{alt}/><wp:cNvGraphicFramePr>'
                '<a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic>'
                '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
                f'<pic:nvPicPr><pic:cNvPr id="0" name="{_attr(image.filename)}"/><pic:cNvPicPr/>'
                "</pic:nvPicPr>"
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>'
                "</w:drawing></w:r>")

    # -- the 质量数据表 -----------------------------------------------------------------------
    def data_table(self, table: DataTable) -> None:
        nyears = len(table.years)
        head = table.header
        rows, indents = [], []
        em = _twips(10.5)
        marker = 3 * em  # "其中："
        for r in table.rows:
            values = list(r.cells[:nyears]) + [Cell()] * (nyears - len(r.cells))
            rows.append([(r.seq, "center"), (r.label, "left"), (r.unit, "center"),
                         *((r.shown(v), "right") for v in values),
                         *([(r.note, "left")] if table.notes else [])])
            indent = 0
            if r.level >= 1:
                indent = em + (0 if r.first_child else marker)
            indents.append([0, indent, 0] + [0] * nyears + ([0] if table.notes else []))
        widths = _column_widths(table.columns, [[t for t, _ in r] for r in rows])
        self._grid(head, rows, widths, indents=indents)

    def submission(self, sub: Submission) -> None:
        """填报单位（盖章） on its own line, the rest two per line, values on rules."""
        items = list(sub.lines())
        lines = [items[:1]] + [items[k:k + 2] for k in range(1, len(items), 2)]
        half = TEXT_W // 2
        label_w = [_twips(10 * 12), half - _twips(10 * 12), _twips(6.5 * 12), half - _twips(6.5 * 12)]
        out = self.out
        out.append(f'<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
                   f"{_TABLE_LOOK}</w:tblPr>{_grid_cols(label_w)}")
        rule = '<w:tcBorders><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tcBorders>'
        for line in lines:
            out.append(f'<w:tr><w:trPr><w:trHeight w:val="{_twips(34)}" w:hRule="atLeast"/></w:trPr>')
            cells = []
            for label, value in line:
                cells.append((f"{label}：", False))
                cells.append((value, True))
            spans = [1, 3] if len(line) == 1 else [1, 1, 1, 1]
            col = 0
            for (text, ruled), span in zip(cells, spans, strict=True):
                width = sum(label_w[col:col + span])
                grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{grid_span}'
                           f'{rule if ruled else ""}<w:vAlign w:val="bottom"/></w:tcPr>'
                           f'<w:p><w:pPr><w:pStyle w:val="qrSign"/></w:pPr>{_runs(text) if text else ""}'
                           "</w:p></w:tc>")
                col += span
            out.append("</w:tr>")
        out.append("</w:tbl>")


def _figures(doc: Document):
    """Every figure of the chapters, in order."""
    def walk(blocks, sections):
        for block in blocks:
            if isinstance(block, Figure):
                yield block
        for s in sections:
            yield from walk(s.body, s.sections)

    for chapter in doc.chapters:
        yield from walk(chapter.body, chapter.sections)


def _too_dense(jpeg: bytes, width_pt: float, height_pt: float) -> bool:
    from desktop.formats.photos import probe

    px = probe(jpeg)
    limit = width_pt / 72 * MAX_DPI * DPI_SLACK, height_pt / 72 * MAX_DPI * DPI_SLACK
    return px is not None and width_pt > 0 and (px[0] > limit[0] or px[1] > limit[1])


# ----------------------------------------------------------------------------- raw XML
# The body is written as text: one paragraph, run or cell at a time, parsed once at the end.
_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
_FRONT_SECTION = (  # cover and 目录: the body's page geometry, no header, no page number
    f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/><w:pgMar w:top="{MARGIN_TOP}" '
    f'w:right="{MARGIN_LR}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LR}" w:header="{HEADER_DIST}" '
    f'w:footer="{FOOTER_DIST}" w:gutter="0"/><w:cols w:space="720"/>'
    '<w:docGrid w:type="lines" w:linePitch="360"/></w:sectPr>')
_GRID_LOOK = (  # ruled tables: outer rules heavier than the inner ones, a little cell padding
    "<w:tblBorders>"
    + "".join(f'<w:{side} w:val="single" w:sz="{4 if side.startswith("inside") else 8}" w:space="0"'
              ' w:color="000000"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="50" w:type="dxa"/>'
    '<w:left w:w="80" w:type="dxa"/><w:bottom w:w="50" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
    "</w:tblCellMar>")
_TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
               'w:noVBand="1" w:val="04A0"/>')
_FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
_SECTPR_ORDER = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
                 "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
                 "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
                 "printerSettings", "sectPrChange"]
# settings.xml children that come after w:updateFields (the schema fixes their order)
_AFTER_UPDATE_FIELDS = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                        "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                        "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}


def _fragment(xml: str) -> list:
    """Elements of WordprocessingML text (our namespace prefixes declared)."""
    from lxml import etree

    decls = " ".join(f'xmlns:{k}="{v}"' for k, v in _NAMESPACES.items())
    return list(etree.fromstring(f"<w:body {decls}>{xml}</w:body>"))


def escape(text: str) -> str:
    """& < > as entities (xml.sax.saxutils.escape's work, without its import of urllib,
    http and email: ~20 ms of an export)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(text: str) -> str:
    """Text as element content: control characters dropped, & < > escaped."""
    return escape(clean(text))


def _attr(text: str) -> str:
    return escape(clean(text)).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _runs(text: str, bold: bool = False) -> str:
    """Runs for `text`: a line feed inside a paragraph (a photo caption typed on two
    lines) becomes a line break, not a new paragraph, and a tab Word's tab element (a tab
    character inside w:t is not one to Word), as python-docx's Run.text writes them."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    out = []
    lines = clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            out.append("<w:r><w:br/></w:r>")
        for j, part in enumerate(line.split("\t")):
            if j:
                out.append(f"<w:r>{rpr}<w:tab/></w:r>")
            if part:
                out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(out)


def _pt_twips(points: float) -> int:
    """Twips as python-docx's Pt(points) gives them (EMU truncated, then rounded)."""
    return round(int(points * 12700) / 635)


def _para(runs: str = "", style: str | None = None, *, keep_next: bool = False,
          page_break: bool = False, before: float | None = None, after: float | None = None,
          left: int | None = None, jc: str | None = None, mark: tuple[int, str] | None = None) -> str:
    """A paragraph: properties in the schema's order (Word refuses a file otherwise), a
    bookmark `mark` (id, name) around its runs."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break:
        ppr += "<w:pageBreakBefore/>"
    if before is not None or after is not None:
        ppr += "<w:spacing"
        if before is not None:
            ppr += f' w:before="{_pt_twips(before)}"'
        if after is not None:
            ppr += f' w:after="{_pt_twips(after)}"'
        ppr += "/>"
    if left:
        ppr += f'<w:ind w:left="{left}"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    if mark:
        ident, name = mark
        runs = f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{ident}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>" if ppr else f"<w:p>{runs}</w:p>"


def _grid_cols(widths: list[int]) -> str:
    return "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"


def _field_start(instruction: str) -> str:
    """begin, instruction and separate runs of a complex field (its result and end follow)."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
            f'{escape(instruction)} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')


def _field(instruction: str, result: str) -> str:
    return _field_start(instruction) + _runs(result) + _FIELD_END


def _order_children(el, order: list[str]) -> None:
    """Children in the order the schema demands (Word refuses a file otherwise)."""
    rank = {name: i for i, name in enumerate(order)}
    children = list(el)
    children.sort(key=lambda c: rank.get(c.tag.rsplit("}", 1)[-1], len(order)))
    for c in children:
        el.append(c)


def _update_fields_on_open(docx) -> None:
    """w:updateFields in settings.xml: Word (and WPS) offer to update the fields on
    opening, which fills the 目录's page numbers from their own layout."""
    settings = docx.settings.element
    flag = settings.makeelement(f"{{{_NAMESPACES['w']}}}updateFields", {f"{{{_NAMESPACES['w']}}}val": "true"})
    for child in settings:
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] in _AFTER_UPDATE_FIELDS:
            child.addprevious(flag)
            break
    else:
        settings.append(flag)


# ----------------------------------------------------------------------------- measures
def _ems(text: str) -> float:
    """Width in ems: wide (CJK) characters 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _pad(row: tuple[Cell, ...], n: int) -> list[Cell]:
    return list(row[:n]) + [Cell()] * (n - len(row))


def _align(col: Column, index: int) -> str:
    if col.is_seq(index):
        return "center"
    return "right" if col.numeric else "left"


def _column_widths(columns, rows: list[list[str]]) -> list[int]:
    """The PDF's rule (`pdf._column_widths`) with widths estimated from character counts:
    relative hints, 序号 just wide enough, numbers never wrapped, two characters of header."""
    from desktop.formats.pdf import _distribute

    size, pad = 10.5, 8.0
    floors = []
    for i, col in enumerate(columns):
        floor = 2 * size + pad + 4  # Word needs a little more than the PDF's metrics
        texts = [r[i] for r in rows if i < len(r)]
        if col.is_seq(i) or col.numeric:
            widest = max((max((_ems(x) for x in t.split()), default=0) for t in texts), default=0)
            floor = max(floor, min(widest * size + pad + 2, TEXT_W / 40))
        floors.append(floor)
    hints = [max(c.width, 0.01) for c in columns]
    fixed = {0} if columns and columns[0].is_seq(0) else set()
    widths = _distribute(TEXT_W / 20, hints, floors, fixed)
    return [_twips(w) for w in widths]


def at_most_dpi(jpeg: bytes, width_pt: float, height_pt: float, dpi: int) -> bytes:
    """The photo no denser than `dpi` at its placed size: denser ones are downscaled."""
    from PIL import Image

    from desktop.formats.photos import probe

    px = probe(jpeg)
    if px is None or width_pt <= 0:
        return jpeg
    limit = (round(width_pt / 72 * dpi), round(height_pt / 72 * dpi))
    if px[0] <= limit[0] and px[1] <= limit[1]:
        return jpeg
    with Image.open(io.BytesIO(jpeg)) as im:
        im.draft("RGB", limit)
        im = im.convert("RGB").resize(limit, Image.Resampling.BICUBIC, reducing_gap=2.0)
        out = io.BytesIO()
        im.save(out, "JPEG", quality=85, dpi=(dpi, dpi))
        return out.getvalue()
