"""The report as a .docx a school can finish in Word or WPS.

The same assembled `Document` the PDF typesets, laid out to match it: A4 with the PDF's
margins, cover, 目录, chapters on new pages, running header, "- N -" page numbers.  What
a school expects of a Word file is real Word structure, not a picture of a page:

- headings in the built-in styles 标题 1–3 ("heading 1".."heading 3"), so the navigation
  pane and Word's own 目录 work; the numbers (一、/（一）/1.) are part of the text, as
  schools type them;
- a real TOC field whose result is already filled in (entries in the built-in "toc N"
  styles, hyperlinks to bookmarks on the headings, PAGEREF page numbers), so it shows
  before anyone presses F9.  The page numbers are where our own PDF puts each heading
  (`pdf.layout`): Word lays out with its own fonts, so "更新域" may move a few by a page;
  the field is not marked dirty, which would make Word ask on every open;
- fonts set in the styles the way Chinese Windows names them: 宋体 body, 黑体 headings
  (w:rFonts/@w:eastAsia), Latin in Times New Roman; body text in "Normal" with a
  two-character first-line indent (w:firstLineChars) and the PDF's exact 18 pt lines;
- tables with header rows that repeat across pages (w:tblHeader), captions above;
  figures with the photos the PDF prints (≤ 300 dpi at their placed size), captions below;
- the 质量数据表 and the submission block at the end; PAGE fields in the footer.
"""

from __future__ import annotations

import io
import os
import pathlib
import re
import unicodedata
from dataclasses import dataclass, field

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
MAX_DPI = 300  # photos are never placed denser than this
TOC_DEPTH = 3  # chapters, （一） and 1. are listed, as in the PDF

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class DocxResult:
    pages: int  # pages of our PDF layout (Word's own count may differ a little)
    warnings: list[str] = field(default_factory=list)


def write_docx(doc: Document, out: pathlib.Path, layout=None) -> DocxResult:
    """Write the report to `out` through a temporary file beside it, moved over `out` at
    the end: a failed export never leaves half a file.  PermissionError (the target open in
    Word/WPS on Windows) propagates unchanged. `layout`: the PDF's layout of this same
    document when the PDF was just written (laid out once, not twice)."""
    from desktop.formats import pdf

    out = pathlib.Path(out)
    placed = layout if layout is not None else pdf.layout(doc)
    writer = _Writer(doc, placed)
    writer.write()
    write_atomically(out, lambda tmp: _save(writer.docx, tmp))
    return DocxResult(pages=placed.pages, warnings=placed.warnings + writer.warnings)


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
    def __init__(self, doc: Document, placed) -> None:
        from docx import Document as Docx

        self.doc = doc
        self.placed = placed
        self.docx = Docx()
        self.body = self.docx.element.body
        self.warnings: list[str] = []
        self._bookmark = 0
        self._placed_at = 0  # next of placed.headings, met in the same order
        self.toc_entries: list[tuple[int, str, int | None, str]] = []  # depth, text, page, bookmark
        _styles(self.docx)

    # -- helpers ------------------------------------------------------------------------
    def style(self, sid: str):
        """A style by its id (ours have Chinese names; python-docx looks names up)."""
        from docx.styles.style import StyleFactory

        return StyleFactory(self.docx.styles.element.get_by_id(sid))

    def para(self, text: str = "", style: str | None = None, **fmt):
        """A paragraph at the end of the body in style id `style` (None: Normal, body text)."""
        from docx.text.paragraph import Paragraph

        # Straight into the body: python-docx's add_paragraph(style=…) looks the style up
        # among the template's hundred-odd styles each time (half the export's time).
        element = self.body.add_p()
        if style:
            element.get_or_add_pPr().style = style
        p = Paragraph(element, self.docx._body)
        if text:
            self._text(p, text)
        if fmt:
            self._format(p, **fmt)
        return p

    @staticmethod
    def _text(p, text: str) -> None:
        """Runs for `text`: a line feed inside a paragraph (a photo caption typed on two
        lines) becomes a line break, not a new paragraph."""
        for i, line in enumerate(clean(text).split("\n")):
            if i:
                p._p.append(_run(None, br=True))
            if line:
                p._p.append(_run(line))

    @staticmethod
    def _format(p, page_break_before=False, keep_next=False, align=None, space_before=None,
                space_after=None):
        pf = p.paragraph_format
        if page_break_before:
            pf.page_break_before = True
        if keep_next:
            pf.keep_with_next = True
        if align is not None:
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            pf.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                            "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        from docx.shared import Pt

        if space_before is not None:
            pf.space_before = Pt(space_before)
        if space_after is not None:
            pf.space_after = Pt(space_after)

    # -- the document -------------------------------------------------------------------
    def write(self) -> None:
        doc = self.doc
        self._prepare_photos()
        self._cover()
        toc_at = self.para("目\u3000录", "qrTocTitle", page_break_before=True)
        front = self.docx.sections[0]
        self._page_setup(front)
        from docx.enum.section import WD_SECTION

        body = self.docx.add_section(WD_SECTION.NEW_PAGE)
        # add_section moved the front section's properties into a paragraph of its own
        # (the last of the 目录 page); the body section follows.
        self._page_setup(body)
        self._running_header(body)
        self._footer(body)
        for i, chapter in enumerate(doc.chapters):
            self.heading(chapter.heading, 0, page_break_before=i > 0)
            self.blocks(chapter.body)
            for section in chapter.sections:
                self.section(section, 1)
        # The indicator tables at the end, each from a new page; the block to sign and
        # stamp under the last one.
        for i, table in enumerate(doc.data_tables):
            self.heading(table.title, 0, page_break_before=bool(doc.chapters) or i > 0, align="center")
            if table.note:  # e.g. 以主管部门下发的表格为准
                self.para(table.note, "qrTableText", keep_next=True)
            self.data_table(table)
        self.submission(doc.submission)
        self._toc(toc_at)
        self._properties()

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
            self.para(line, "qrCoverTitle", space_before=0.22 * frame if first else None)
            first = False
        used = 0.22 * frame + 48 * len(lines)
        self.para(self.doc.school, "qrCoverSchool", space_before=max(0.0, 0.72 * frame - used))
        self.para(self.doc.date_text, "qrCoverDate", space_before=max(0.0, 0.80 * frame - 0.72 * frame - 32))

    def _cover_logo(self) -> None:
        """The school's logo centred above the cover title, at most 3.5 cm (as the PDF)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        try:
            from PIL import Image

            width, height = Image.open(io.BytesIO(self.doc.logo)).size
        except Exception:  # a damaged logo must not cost the whole file
            return
        side = 3.5 / 2.54 * 72  # points
        scale = side / max(width, height)
        p = self.para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(self.doc.logo), width=Pt(width * scale),
                                height=Pt(height * scale))

    def _running_header(self, section) -> None:
        section.header.is_linked_to_previous = False
        p = section.header.paragraphs[0]
        p.style = self.style("Header")
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
        p.style = self.style("Footer")
        p.add_run("- ")
        _field(p, "PAGE", "1")
        p.add_run(" -")
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        # Body pages count from 1, as printed in the PDF.
        section._sectPr.append(parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>'))
        _order_sectpr(section._sectPr)

    # -- headings and 目录 -----------------------------------------------------------------
    def heading(self, text: str, depth: int, page_break_before: bool = False, align=None):
        style = f"Heading{min(depth + 1, 4)}"
        p = self.para(text, style, page_break_before=page_break_before, align=align)
        page = None
        if self._placed_at < len(self.placed.headings):
            _, placed_text, placed_page = self.placed.headings[self._placed_at]
            self._placed_at += 1
            page = placed_page if placed_text == text else None
        if depth < TOC_DEPTH:
            self._bookmark += 1
            name = f"_Toc{self._bookmark:08d}"
            _bookmark(p, name, self._bookmark)
            self.toc_entries.append((depth, text, page, name))
        return p

    def _toc(self, title_paragraph) -> None:
        """The TOC field right after the 目录 title: begin … separate, one entry paragraph
        per heading (hyperlink, tab with dot leader, PAGEREF), end."""
        from docx.oxml.ns import qn

        entries = self.toc_entries
        anchor = title_paragraph._p
        paragraphs = []
        if not entries:
            entries = [(0, "", None, "")]
        for depth, text, page, name in entries:
            p = _new_paragraph(f"TOC{depth + 1}")
            if name:
                link = p.makeelement(qn("w:hyperlink"), {qn("w:anchor"): name, qn("w:history"): "1"})
                p.append(link)
                link.append(_run(clean(text)))
                link.append(_run(None, tab=True))
                for r in _field_runs(f"PAGEREF {name} \\h", "" if page is None else str(page)):
                    link.append(r)
            paragraphs.append(p)
        first, last = paragraphs[0], paragraphs[-1]
        begin = _field_runs('TOC \\o "1-3" \\h \\z \\u', None)
        ppr = first.find(qn("w:pPr"))
        for r in reversed(begin[:3]):  # begin, instruction, separate
            ppr.addnext(r)
        last.append(_fld_char("end"))
        for p in paragraphs:
            anchor.addnext(p)
            anchor = p

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

    def _grid(self, head: list[str], rows, widths: list[int], total=None, indents=None):
        """A ruled table: header row (repeated on every page, shaded), rows, a bold 合计."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        ncols = len(head)
        t = self.docx.add_table(rows=0, cols=ncols)
        t.style = self.style("TableGrid")
        tbl = t._tbl
        tblpr = tbl.tblPr
        for tag in ("w:tblW", "w:jc", "w:tblLayout", "w:tblLook"):
            old = tblpr.find(qn(tag))
            if old is not None:
                tblpr.remove(old)
        tblpr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(widths)}" w:type="dxa"/>'))
        tblpr.append(_el("w:jc", val="center"))
        tblpr.append(parse_xml(
            f'<w:tblBorders {nsdecls("w")}>'
            + "".join(f'<w:{side} w:val="single" w:sz="{4 if side.startswith("inside") else 8}"'
                      ' w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>"))
        tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
        tblpr.append(parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:top w:w="50" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
            '<w:bottom w:w="50" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'))
        _order_children(tblpr, _TBLPR_ORDER)
        grid = tbl.tblGrid
        for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            gc.set(qn("w:w"), str(w))

        def add_row(cells, style, header=False, bold=False, row_indents=None):
            tr = tbl.add_tr()
            trpr = tr.get_or_add_trPr()
            trpr.append(_el("w:cantSplit"))
            if header:
                trpr.append(_el("w:tblHeader"))
            for j, (text, align) in enumerate(cells):
                tc = _new_tc(tr)
                tc.width = _Twips(widths[j])
                tcpr = tc.get_or_add_tcPr()
                tcpr.append(_el("w:vAlign", val="center"))
                if header:
                    tcpr.append(_el("w:shd", val="clear", color="auto", fill="DEDEDE"))
                _order_children(tcpr, _TCPR_ORDER)
                p = _new_paragraph(style)
                ppr = p.find(qn("w:pPr"))
                if align != "left" and not header:
                    ppr.append(_el("w:jc", val=align))
                if row_indents and row_indents[j]:
                    ppr.append(_el("w:ind", left=row_indents[j]))
                _order_children(ppr, _PPR_ORDER)
                for k, line in enumerate(clean(text).split("\n")):
                    if k:
                        p.append(_run(None, br=True))
                    if line:
                        p.append(_run(line, bold=bold))
                tc.append(p)

        add_row([(h, "center") for h in head], "qrTableHead", header=True)
        for i, row in enumerate(rows):
            add_row(row, "qrTableText", row_indents=indents[i] if indents else None)
        if total is not None:
            add_row(total, "qrTableText", bold=True)
        # A table directly followed by another block: Word needs a paragraph between them
        # only when two tables would touch; a small gap like the PDF's spaceAfter.
        self.para("", "qrTableText", space_after=6)
        return t

    # -- figures -------------------------------------------------------------------------
    def _prepare_photos(self) -> None:
        """Every placed photo at ≤ MAX_DPI, resampled in a few threads (Pillow lets go of
        the GIL), keyed by (row, index)."""
        from concurrent.futures import ThreadPoolExecutor

        jobs = [((id(row), i), jpeg, w, h)
                for rows in self.placed.figures.values() for row in rows
                for i, (jpeg, w, h, _) in enumerate(row.photos) if jpeg is not None]
        workers = max(1, min(len(jobs), os.cpu_count() or 1, 4))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = pool.map(lambda job: at_most_dpi(job[1], job[2], job[3], MAX_DPI), jobs)
            self.prints = {job[0]: data for job, data in zip(jobs, done, strict=True)}

    def figure(self, figure: Figure) -> None:
        if figure.chart is not None:  # the PDF's chart, painted as a picture
            from docx.shared import Pt

            from desktop import charts

            width, height = TEXT_W / 20 * 0.92, 38 * 18.0 * 0.3  # as the PDF places it
            p = self.para("", "qrPicture", keep_next=True)
            shape = p.add_run().add_picture(io.BytesIO(charts.png(figure.chart, width, height)),
                                            width=Pt(width), height=Pt(height))
            if figure.chart.spec:  # read back by our Word import as the chart itself
                shape._inline.docPr.set("descr", charts.CHART_MARK + figure.chart.spec)
            self.para(f"{figure.number} {figure.caption}".strip(), "Caption", space_before=2,
                      space_after=10)
            return
        rows = self.placed.figures.get(id(figure), [])
        for row in rows:
            photos = row.photos
            if len(photos) == 1:
                _, w, h, caption = photos[0]
                self._picture(self.para("", "qrPicture"), self.prints.get((id(row), 0)), w, h, figure)
                if caption.strip():
                    self.para(caption, "qrPhotoCaption", keep_next=True)
            else:
                self._photo_row(row, figure)
        if not rows and figure.photos:
            self.warnings.append(f"{figure.number}（{figure.caption}）没有可放置的图片")
        self.para(f"{figure.number} {figure.caption}".strip(), "Caption", space_before=2, space_after=10)

    def _photo_row(self, row, figure: Figure) -> None:
        """Photos side by side in a borderless table, each with its caption under it."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        gap = 12.0
        widths = [_twips(s + (gap if i < len(row.slots) - 1 else 0)) for i, s in enumerate(row.slots)]
        t = self.docx.add_table(rows=1, cols=len(widths))
        tblpr = t._tbl.tblPr
        tblpr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(widths)}" w:type="dxa"/>'))
        tblpr.append(_el("w:jc", val="center"))
        tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
        tblpr.append(parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'))
        _order_children(tblpr, _TBLPR_ORDER)
        for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            gc.set(qn("w:w"), str(w))
        t.rows[0]._tr.get_or_add_trPr().append(_el("w:cantSplit"))
        for i, (cell, width, (_, w, h, caption)) in enumerate(
                zip(t.rows[0].cells, widths, row.photos, strict=True)):
            cell.width = _Twips(width)
            cell._tc.get_or_add_tcPr().append(_el("w:vAlign", val="bottom"))
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style = "qrPicture"
            self._picture(p, self.prints.get((id(row), i)), w, h, figure)
            if caption.strip():
                cp = cell.add_paragraph()
                cp._p.get_or_add_pPr().style = "qrPhotoCaption"
                self._text(cp, caption)
        self._keep_next_before(t)

    def _keep_next_before(self, table) -> None:
        """Keep the photo table with the figure caption after it."""
        for cell in table.rows[0].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True

    def _picture(self, p, jpeg: bytes | None, w: float, h: float, figure: Figure) -> None:
        from docx.shared import Pt

        if jpeg is None:
            p.add_run("（图片无法读取）")
            self.warnings.append(f"{figure.number}（{figure.caption}）中有图片无法读取，以文字代替")
            return
        p.add_run().add_picture(io.BytesIO(jpeg), width=Pt(w), height=Pt(h))

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
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        items = list(sub.lines())
        lines = [items[:1]] + [items[k:k + 2] for k in range(1, len(items), 2)]
        half = TEXT_W // 2
        t = self.docx.add_table(rows=0, cols=4)
        tblpr = t._tbl.tblPr
        tblpr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{TEXT_W}" w:type="dxa"/>'))
        tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
        _order_children(tblpr, _TBLPR_ORDER)
        label_w = [_twips(10 * 12), half - _twips(10 * 12), _twips(6.5 * 12), half - _twips(6.5 * 12)]
        for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), label_w, strict=True):
            gc.set(qn("w:w"), str(w))
        for line in lines:
            tr = t._tbl.add_tr()
            tr.get_or_add_trPr().append(parse_xml(
                f'<w:trHeight {nsdecls("w")} w:val="{_twips(34)}" w:hRule="atLeast"/>'))
            cells = []
            for label, value in line:
                cells.append((f"{label}：", False))
                cells.append((value, True))
            spans = [1, 3] if len(line) == 1 else [1, 1, 1, 1]
            col = 0
            for (text, ruled), span in zip(cells, spans, strict=True):
                tc = _new_tc(tr)
                tc.width = _Twips(sum(label_w[col:col + span]))
                tcpr = tc.get_or_add_tcPr()
                if span > 1:
                    tcpr.append(_el("w:gridSpan", val=span))
                if ruled:
                    tcpr.append(parse_xml(
                        f'<w:tcBorders {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="0"'
                        ' w:color="000000"/></w:tcBorders>'))
                tcpr.append(_el("w:vAlign", val="bottom"))
                _order_children(tcpr, _TCPR_ORDER)
                p = _new_paragraph("qrSign")
                if text:
                    p.append(_run(clean(text)))
                tc.append(p)
                col += span


# ----------------------------------------------------------------------------- raw XML
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
                "tblLayout", "tblCellMar", "tblLook"]
_TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"]
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
              "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
              "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
              "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
              "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
_SECTPR_ORDER = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
                 "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
                 "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
                 "printerSettings", "sectPrChange"]


def _order_children(el, order: list[str]) -> None:
    """Children in the order the schema demands (Word refuses a file otherwise)."""
    rank = {name: i for i, name in enumerate(order)}
    children = list(el)
    children.sort(key=lambda c: rank.get(c.tag.rsplit("}", 1)[-1], len(order)))
    for c in children:
        el.append(c)


def _order_sectpr(sect) -> None:
    _order_children(sect, _SECTPR_ORDER)


def _Twips(n: int):
    from docx.shared import Twips

    return Twips(n)


def _el(tag: str, **attrs: str):
    """A w: element with w: attributes (much quicker than parsing XML text)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return OxmlElement(tag, attrs={qn(f"w:{k}"): str(v) for k, v in attrs.items()})


def _new_tc(tr):
    """A cell without python-docx's empty paragraph (we add our own)."""
    from docx.oxml.ns import qn

    tc = tr.add_tc()
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    return tc


def _new_paragraph(style: str):
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:pStyle", val=style))
    p.append(ppr)
    return p


def _run(text: str | None, *, tab: bool = False, br: bool = False, bold: bool = False):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    if bold:
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:b"))
        rpr.append(OxmlElement("w:bCs"))
        r.append(rpr)
    if tab:
        r.append(OxmlElement("w:tab"))
    if br:
        r.append(OxmlElement("w:br"))
    if text:
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        r.append(t)
    return r


def _fld_char(kind: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), kind)
    r.append(fc)
    return r


def _field_runs(instruction: str, result: str | None) -> list:
    """begin, instrText, separate[, result, end] runs of a complex field; with result None
    the caller places the result and the end itself (the TOC spans paragraphs)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    instr = OxmlElement("w:r")
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instruction} "
    instr.append(it)
    runs = [_fld_char("begin"), instr, _fld_char("separate")]
    if result is not None:
        runs.append(_run(result))
        runs.append(_fld_char("end"))
    return runs


def _field(p, instruction: str, result: str) -> None:
    for r in _field_runs(instruction, result):
        p._p.append(r)


def _bookmark(p, name: str, ident: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    ppr = p._p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p._p.insert(0, start)
    p._p.append(end)


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
    """The photo no denser than `dpi` at its placed size: larger ones are downscaled."""
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
