"""The report as a print-ready A4 PDF (and the 质量数据表 alone, for signing and stamping).

Layout follows a formal Chinese report: cover, 目录, chapters on new pages with headings
一、/（一）/1., Song body text 12 pt with 1.5 line spacing and a two-character first-line
indent, tables with captions above and repeated header rows, figures with captions below,
running header and page numbers, the data table and submission block at the end.

Fonts are the bundled Noto Serif SC (宋) and Noto Sans SC (黑), embedded as subsets.  Text
is broken by `linebreak` (避头尾 rules) and drawn by the flowables in `typeset`; pages are
filled by `pageflow` and tables by `grid` (reportlab's platypus is not imported: ~50 ms).
The whole document is laid out in one pass instead of a multi-pass build (a 目录 whose
numbers are typeset needs at least two): the 目录 takes the same room whatever its numbers
are, so the numbers are drawn into form XObjects filled in at save time
(`typeset.DeferredCanvas`).

Characters the fonts lack are printed as □ and listed in `PdfResult.missing_chars`, so the
caller can name them; the export does not fail over a rare character.
"""

from __future__ import annotations

import itertools
import pathlib
import threading

from msgspec import Struct, field

from desktop.atomic import write_atomically
from desktop.document import (
    Cell,
    Chapter,
    Column,
    DataTable,
    Document,
    Figure,
    Section,
    Submission,
)
from desktop.document import Table as DocTable
from desktop.formats.pageflow import Flowable

# Geometry, in points.  The text block is exactly 36 characters of 12 pt wide and 38
# lines of 18 pt high, so full lines need no extra spacing and pages end on a line.
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4
TEXT_W = 36 * 12.0
TEXT_H = 38 * 18.0
LEFT = (PAGE_W - TEXT_W) / 2  # 2.88 cm
TOP = 85.0  # 3.0 cm, room for the running header
BOTTOM = PAGE_H - TOP - TEXT_H  # 2.57 cm, room for the page number
HEADER_MIN_SIZE = 7.0  # a running header never gets smaller than this
TOC_DEPTH = 3  # chapters, （一） sections and 1. subsections are listed in the 目录
PHOTO_MAX_H = TEXT_H * 0.34  # a row of photos takes at most a third of a page
PHOTO_CAPTION = 9.0  # size of the line under each photo

_build_lock = threading.Lock()


class PdfResult(Struct):
    pages: int
    missing_chars: list[str] = field(default_factory=list)  # sorted; printed as □
    warnings: list[str] = field(default_factory=list)  # e.g. a photo that could not be read


def write_pdf(doc: Document, out: pathlib.Path, *, table_only: bool = False) -> PdfResult:
    """Write the report (or, with `table_only`, the 质量数据表 alone) to `out`.

    The file is written next to `out` and moved over it, so a failed export never leaves a
    half-written PDF; PermissionError (the target open in a PDF viewer on Windows)
    propagates unchanged.
    """
    import desktop.formats.reportlab_pillow_on_demand  # noqa: F401  before reportlab

    # isort: split
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    # One PDF at a time: reportlab keeps global state (rl_config, registered fonts), and
    # the GUI may start the table-only export while the full one is still running.
    with _build_lock:
        saved_a85 = rl_config.useA85
        rl_config.useA85 = 0  # binary streams: ASCII85 would make photos 25% larger
        # zlib's fastest level: the sample's streams compress in 12 ms instead of 22 ms,
        # and its PDF grows by 4.5 % (856 → 895 KB; its photos are JPEG, not deflated)
        pdfdoc.PDFZCompress.encode = _deflate_fast
        original_format, pdfdoc.format = pdfdoc.format, _fast_format(pdfdoc.format)
        try:
            builder = _Builder(doc)

            def build(tmp: pathlib.Path) -> int:
                # our own handle: reportlab leaves the file it opens unclosed when a write
                # fails (a full disk), and Windows would not let the temporary file go
                with open(tmp, "wb") as fh:
                    return builder.build(fh, table_only=table_only)

            pages = write_atomically(out, build)
        finally:
            rl_config.useA85 = saved_a85
            del pdfdoc.PDFZCompress.encode
            pdfdoc.format = original_format
    ts = builder.ts
    return PdfResult(pages=pages, missing_chars=sorted(ts.missing), warnings=list(ts.warnings))


def figure_photos(figure: Figure, warnings: list[str]) -> list:
    """The rows of photos the PDF prints for `figure`, without laying out pages: each row's
    photos (print JPEG or None, width, height, caption) and slots, in points.  The Word
    export places the same photos at the same sizes."""
    from desktop.formats import photos

    return photos.placed_rows([(p.data, p.caption) for p in figure.photos], TEXT_W, PHOTO_MAX_H,
                              photos.MIN_SLOT_CHARS * PHOTO_CAPTION, f"{figure.number}（{figure.caption}）",
                              warnings)


def _fast_format(original):
    """reportlab's formatting of one PDF value, with a short way for the ~6,000 plain
    numbers and ASCII names of a report: its own way encodes each through a codec written
    in Python (~3–10 µs each); for these the bytes are the same."""
    from reportlab.lib.rl_accel import fp_str

    def format(element, document, toplevel=0):
        kind = type(element)
        if kind is int or kind is float:
            return fp_str(element).encode("ascii")
        if kind is str and element.isascii():
            return element.encode("ascii")
        if kind is bytes:
            return element
        return original(element, document, toplevel)

    return format


def _deflate_fast(data: bytes | str) -> bytes:
    import zlib

    return zlib.compress(data.encode("utf-8") if isinstance(data, str) else data, 1)


class _Builder:
    def __init__(self, doc: Document) -> None:
        from desktop.formats import fonts
        from desktop.formats.typeset import TextStyle, Typesetter

        self.doc = doc
        self.ts = Typesetter()
        self._keys = 0
        self.toc: list[tuple[int, str, str]] = []  # (depth, text, key)
        song, hei = fonts.SONG, fonts.HEI
        s = TextStyle
        self.body = s(song, 12, 18, "justify", first_indent=24)
        self.h0 = s(fonts.HEI_BOLD, 16, 24, "left", space_after=12)
        self.h1 = s(hei, 14, 22, "left", space_before=8, space_after=4)
        self.h2 = s(hei, 12, 20, "left", first_indent=24, space_before=4, space_after=2)
        self.caption = s(hei, 10.5, 16, "centre", space_before=6, space_after=4)
        self.fig_caption = s(hei, 10.5, 16, "centre", space_before=2, space_after=10)
        self.photo_caption = s(song, PHOTO_CAPTION, 12, "centre")
        self.cell = s(song, 10.5, 14, "left")
        self.cell_head = s(hei, 10.5, 14, "centre")
        self.cell_total = s(fonts.HEI_BOLD, 10.5, 14, "left")
        self.header = s(hei, 9, 12, "left", color=(0.25, 0.25, 0.25))
        self.footer = s(song, 10.5, 14, "centre")
        self.data_title = s(fonts.HEI_BOLD, 16, 24, "centre", space_after=10)
        self.sign = s(song, 12, 18, "left")
        self.toc_title = s(fonts.HEI_BOLD, 18, 28, "centre", space_after=18)
        self.toc_styles = [
            s(hei, 12, 26, "left"),
            s(song, 12, 24, "left", left_indent=24),
            s(song, 12, 24, "left", left_indent=48),
        ]
        self.cover_title = s(fonts.HEI_BOLD, 30, 48, "centre")
        self.cover_school = s(fonts.HEI_BOLD, 22, 32, "centre")
        self.cover_date = s(song, 16, 24, "centre")

    # -- document ---------------------------------------------------------------------

    def build(self, path, *, table_only: bool) -> int:
        """Lay out and write to `path` (a path or a binary file object); the page count."""
        from reportlab import rl_config

        from desktop.formats import fonts, pageflow
        from desktop.formats.typeset import DeferredCanvas

        doc = self.doc
        T = pageflow.PageTemplate
        if table_only:
            templates = [T("table", self._table_page)]
            story = _with_keeps(self._data_tables_story(doc.data_tables, doc.submission, heading=False))
        else:
            templates = [T("cover"), T("toc"), T("body", self._body_page)]
            story = self._report_story()
        fonts.ensure(fonts.SONG)
        canv = DeferredCanvas(
            str(path) if isinstance(path, pathlib.Path) else path,
            pagesize=(PAGE_W, PAGE_H),
            invariant=rl_config.invariant,
            pageCompression=rl_config.pageCompression,
            initialFontName=fonts.SONG,  # else the canvas starts with (unembedded) Helvetica
            initialFontSize=12,
            initialLeading=18,
        )
        canv.setAuthor(doc.school)
        canv.setTitle(f"{doc.school}{doc.title}" if not table_only else doc.data_table.title)
        canv.setSubject(doc.title)
        canv.setCreator("qreport")
        canv.setProducer(None)
        canv.setKeywords([])
        pageflow.build(canv, pageflow.Frame(LEFT, BOTTOM, TEXT_W, TEXT_H), templates, story)
        return canv.pages

    def _report_story(self) -> list:
        from desktop.formats.frontmatter import Cover
        from desktop.formats.pageflow import NextTemplate, PageBreak

        doc = self.doc
        body: list = []
        for i, chapter in enumerate(doc.chapters):
            if i:
                body.append(PageBreak())
            body.extend(self._chapter(chapter))
        if body:
            body.append(PageBreak())
        body.extend(self._data_tables_story(doc.data_tables, doc.submission, heading=True))

        cover = Cover(
            self.ts,
            doc.cover_title,
            doc.school,
            doc.date_text,
            self.cover_title,
            self.cover_school,
            self.cover_date,
            logo=doc.logo,
        )
        story: list = [cover, NextTemplate("toc"), PageBreak()]
        story.extend(self._toc())
        story.extend([NextTemplate("body"), PageBreak()])
        story.extend(_with_keeps(body))
        return story

    # -- pages ------------------------------------------------------------------------

    def _body_page(self, canv) -> None:
        """Running header (school left, title right, thin rule) and "- N -" footer."""
        from desktop.formats.typeset import draw_lines

        ts = self.ts
        if ts.body_start is None:
            ts.body_start = canv.getPageNumber()
        canv.saveState()
        top = PAGE_H - TOP
        st, school, title = self._header_texts()
        rule_y = top + 8
        canv.translate(LEFT, rule_y + 3 + st.leading)
        draw_lines(canv, ts.lines(school, st, TEXT_W), st, TEXT_W, 0)
        draw_lines(canv, ts.lines(title, st.but(align="right"), TEXT_W), st.but(align="right"), TEXT_W, 0)
        canv.restoreState()
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.setStrokeColorRGB(0.25, 0.25, 0.25)
        canv.line(LEFT, rule_y, LEFT + TEXT_W, rule_y)
        canv.restoreState()
        self._footer(canv, f"- {ts.page_number(canv)} -")

    def _header_texts(self):
        """Style, school and title of the running header, on one line between them.

        A long school name would run into the title (both are drawn on the same line):
        the pair shrinks to fit, down to HEADER_MIN_SIZE, and only then is the school
        name shortened with "…".
        """
        cached = getattr(self, "_header_cache", None)
        if cached is not None:
            return cached
        ts = self.ts
        st = self.header
        school = ts.clean(self.doc.school, st.font)
        title = ts.clean(self.doc.title, st.font)
        gap = 2 * st.size  # at least two characters between them
        natural = ts.width(school, st.font, st.size) + ts.width(title, st.font, st.size)
        if natural + gap > TEXT_W:
            size = max(HEADER_MIN_SIZE, st.size * (TEXT_W - gap) / natural)
            st = st.but(size=size)
            room = TEXT_W - 2 * size - ts.width(title, st.font, size)
            if ts.width(school, st.font, size) > room:
                ellipsis = "\u2026"
                while school and ts.width(school + ellipsis, st.font, size) > room:
                    school = school[:-1]
                school += ellipsis
        self._header_cache = (st, school, title)
        return self._header_cache

    def _footer(self, canv, text: str) -> None:
        from desktop.formats.typeset import draw_lines

        st = self.footer
        canv.saveState()
        canv.translate(LEFT, BOTTOM - 22)
        draw_lines(canv, self.ts.lines(text, st, TEXT_W), st, TEXT_W, 0)
        canv.restoreState()

    def _table_page(self, canv) -> None:
        """Footer "第 N 页 共 M 页": M is painted at save time."""
        from desktop.formats.typeset import draw_lines

        page = canv.getPageNumber()
        st = self.footer

        def paint(c) -> None:
            text = f"第 {page} 页 共 {c.pages} 页"
            draw_lines(c, self.ts.lines(text, st, TEXT_W), st, TEXT_W, st.leading)

        canv.saveState()
        canv.translate(LEFT, BOTTOM - 22 - st.leading)
        canv.defer(f"pageno-{page}", (0, 0, TEXT_W, st.leading), paint)
        canv.restoreState()

    # -- 目录 -------------------------------------------------------------------------

    def _toc(self) -> list:
        from desktop.formats.frontmatter import TocEntry
        from desktop.formats.typeset import TextBlock

        number_width = 30.0
        out: list = [TextBlock(self.ts, "目\u3000录", self.toc_title)]
        for depth, text, key in self.toc:
            if depth >= TOC_DEPTH:
                continue
            style = self.toc_styles[min(depth, len(self.toc_styles) - 1)]
            out.append(TocEntry(self.ts, text, key, style, number_width))
        return out

    def _heading(self, text: str, style, depth: int):
        from desktop.formats.typeset import HeadingMark, TextBlock

        self._keys += 1
        key = f"h{self._keys}"
        self.toc.append((depth, text, key))
        return TextBlock(self.ts, text, style, heading=HeadingMark(key, depth, text))

    # -- chapters ---------------------------------------------------------------------

    def _chapter(self, chapter: Chapter) -> list:
        out = [self._heading(chapter.heading, self.h0, 0)]
        out.extend(self._blocks(chapter.body))
        for section in chapter.sections:
            out.extend(self._section(section, 1))
        return out

    def _section(self, section: Section, depth: int) -> list:
        style = self.h1 if section.level <= 1 else self.h2
        out = [self._heading(section.heading, style, depth)]
        out.extend(self._blocks(section.body))
        for sub in section.sections:
            out.extend(self._section(sub, depth + 1))
        return out

    def _blocks(self, blocks) -> list:
        from desktop.formats.typeset import TextBlock

        out: list = []
        for block in blocks:
            if isinstance(block, str):
                text = block.strip(" \t\r\n\u3000")
                if text:
                    out.append(TextBlock(self.ts, text, self.body))
            elif isinstance(block, DocTable):
                out.extend(self._table(block))
            elif isinstance(block, Figure):
                out.extend(self._figure(block))
        return out

    # -- tables -----------------------------------------------------------------------

    def _table(self, table: DocTable) -> list:
        from desktop.formats.typeset import TextBlock

        ncols = len(table.columns)
        if ncols == 0:
            return []
        caption = TextBlock(
            self.ts, f"{table.number} {table.caption}".strip(), self.caption, keep_with_next=True
        )
        aligns = [_align(c, i) for i, c in enumerate(table.columns)]
        header = [TextBlock(self.ts, c.name, self.cell_head) for c in table.columns]
        rows = [header]
        for row in table.rows:
            rows.append(self._cells(row, ncols, aligns, self.cell))
        if table.total is not None:
            rows.append(self._cells(table.total, ncols, aligns, self.cell_total))
        widths = self._column_widths(table.columns, [header, *rows[1:]])
        return [caption, self._grid(rows, widths, total=table.total is not None)]

    def _cells(self, row: tuple[Cell, ...], ncols: int, aligns: list[str], style) -> list:
        from desktop.formats.typeset import TextBlock

        cells = list(row[:ncols]) + [Cell()] * (ncols - len(row))
        return [TextBlock(self.ts, c.text, style.but(align=a)) for c, a in zip(cells, aligns, strict=True)]

    def _column_widths(self, columns: tuple[Column, ...], rows: list[list]) -> list[float]:
        """Widths from the relative hints, but never narrower than a column needs.

        序号 gets just what it needs; numeric columns fit their widest number on one line
        (a number must never wrap); every column fits two characters of its header.  Only
        what cannot wrap counts: a note typed into a numeric column wraps like text, rather
        than squeezing every other column to nothing.
        """
        pad = 2 * _CELL_PAD
        size = self.cell.size
        floors = []
        for i, col in enumerate(columns):
            floor = 2 * size + pad
            column = [r[i] for r in rows[1:]]
            if col.is_seq(i):
                widest = max((b.ts.width(b.text, b.style.font, b.style.size) for b in column), default=0.0)
                floor = max(floor, min(widest + pad + 1, TEXT_W / 2))
            elif col.numeric:
                widest = max((_unbreakable_width(b) for b in column), default=0.0)
                floor = max(floor, min(widest + pad + 1, TEXT_W / 2))
            floors.append(floor)
        hints = [max(c.width, 0.01) for c in columns]
        fixed = {i for i, c in enumerate(columns) if c.is_seq(i)}
        return _distribute(TEXT_W, hints, floors, fixed)

    def _grid(self, rows: list[list], widths: list[float], *, total: bool):
        from reportlab.lib.colors import Color, black

        from desktop.formats import fonts
        from desktop.formats.grid import CellStyle, Grid

        lines = [("GRID", (0, 0), (-1, -1), 0.5, black), ("BOX", (0, 0), (-1, -1), 0.8, black)]
        if total:
            lines.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, black))
        styles = []
        for r, row in enumerate(rows):
            # The MIDDLE cells of a row cut at a page end are re-centred by padding them,
            # so the rest of a row taller than a page would grow at each cut until no
            # page could hold it: rows that may be cut more than once are set from the top.
            valign = "MIDDLE"
            if r:
                cells = zip(row, widths, strict=True)
                tallest = max((len(b.lines_for(w - 2 * _CELL_PAD)) * b.style.leading
                              for b, w in cells), default=0)
                if tallest > TEXT_H / 3:
                    valign = "TOP"
            styles.append([CellStyle(valign, _CELL_PAD, _CELL_PAD, 2.5, 2.5) for _ in row])
        # split_in_row: a row taller than a page (a long text cell) is cut rather than failing.
        # space_after: the text after a table must not touch its bottom rule.
        table = Grid([[(b,) for b in row] for row in rows], widths, styles, lines,
                     [("BACKGROUND", (0, 0), (-1, 0), Color(0.87, 0.87, 0.87))], repeat_rows=1,
                     split_in_row=36, space_after=12)
        table.font = (fonts.SONG, self.cell.size)
        return table

    # -- figures ----------------------------------------------------------------------

    def _figure(self, figure: Figure) -> list:
        from desktop.formats import photos
        from desktop.formats.pageflow import KeepTogether, Spacer
        from desktop.formats.typeset import TextBlock

        if figure.chart is not None:  # vectors, not a picture
            from desktop.formats.fonts import HEI, ensure

            ensure(HEI)
            caption = TextBlock(self.ts, f"{figure.number} {figure.caption}".strip(),
                                self.fig_caption)
            drawing = _ChartBlock(figure.chart, TEXT_W * 0.92, TEXT_H * 0.3, HEI)
            return [KeepTogether([drawing, caption])]
        where = f"{figure.number}（{figure.caption}）"
        rows = photos.layout(
            self.ts,
            [(p.data, p.caption) for p in figure.photos],
            TEXT_W,
            max_height=PHOTO_MAX_H,
            caption_style=self.photo_caption,
            where=where,
            # A row and the figure caption fit on a page.
            max_row_height=TEXT_H - 2 * self.fig_caption.leading - self.fig_caption.space_after,
        )
        caption = TextBlock(self.ts, f"{figure.number} {figure.caption}".strip(), self.fig_caption)
        spaced = []
        for i, row in enumerate(rows):
            if i:
                spaced.append(Spacer(1, 6))
            spaced.append(row)
        return [KeepTogether([*spaced, caption])]

    # -- the 质量数据表 ---------------------------------------------------------------

    def _data_tables_story(self, tables: list[DataTable], sub: Submission, *,
                           heading: bool) -> list:
        """The indicator tables at the end, each from a new page; the block to sign and
        stamp under the last one."""
        from desktop.formats.pageflow import PageBreak

        story: list = []
        for i, table in enumerate(tables):
            if i:
                story.append(PageBreak())
            story.extend(self._data_table_story(table, sub if i == len(tables) - 1 else None,
                                                heading=heading))
        return story

    def _data_table_story(self, table: DataTable, sub: Submission | None, *,
                          heading: bool) -> list:
        from desktop.formats.typeset import Stack, TableWithTail, TextBlock

        if heading:
            title = self._heading(table.title, self.data_title, 0)
        else:
            title = TextBlock(self.ts, table.title, self.data_title, keep_with_next=True)
        story = [title]
        if table.note:  # e.g. 以主管部门下发的表格为准: said wherever the table is met
            story.append(TextBlock(self.ts, table.note, self.cell, keep_with_next=True))
        grid = self._data_grid(table)
        grid.spaceAfter = 0
        # 备注 typed in the table: in its 备注 column when the edition gives it one, else
        # printed right under it
        notes = [] if table.notes else [
            TextBlock(self.ts, f"备注：{name}：{note}" if i == 0 else f"　　　{name}：{note}",
                      self.cell) for i, (name, note) in enumerate(table.row_notes)]
        if sub is None:
            return [*story, grid, *notes]
        # The block to sign and stamp never stands alone on the last page.
        tail = Stack([*notes, self._submission(sub)], gap=6) if notes else self._submission(sub)
        return [*story, TableWithTail(grid, tail, gap=18 if not notes else 8)]

    def _data_grid(self, table: DataTable):
        from desktop.formats.typeset import TextBlock

        ts = self.ts
        cell = self.cell
        head = table.header
        rows = [[TextBlock(ts, h, self.cell_head) for h in head]]
        marker = ts.width("其中：", cell.font, cell.size)
        nyears = len(table.years)
        for r in table.rows:
            if r.level >= 1:
                # 其中 rows: "其中：" one character in, the others aligned under its name.
                indent = cell.size + (0.0 if r.first_child else marker)
                name_style = cell.but(left_indent=indent)
            else:
                name_style = cell
            values = list(r.cells[:nyears]) + [Cell()] * (nyears - len(r.cells))
            rows.append(
                [
                    TextBlock(ts, r.seq, cell.but(align="centre")),
                    TextBlock(ts, r.label, name_style),
                    TextBlock(ts, r.unit, cell.but(align="centre")),
                    *(TextBlock(ts, r.shown(v), cell.but(align="right")) for v in values),
                    *([TextBlock(ts, r.note, cell)] if table.notes else []),
                ]
            )
        widths = self._column_widths(table.columns, rows)
        return self._grid(rows, widths, total=False)

    def _submission(self, sub: Submission):
        """填报单位（盖章） on its own line, the other items two per line."""
        from desktop.formats.signing import SignBlock

        items = []
        for label, value in sub.lines():
            if len(value) > SIGN_MAX:  # a file from elsewhere, over the input limit
                self.ts.warnings.append(f"{label}过长（{len(value)} 个字），签章栏中已截短")
                value = value[: SIGN_MAX - 1] + "…"
            items.append((label, value))
        rows = [items[:1]] + [items[k : k + 2] for k in range(1, len(items), 2)]
        return SignBlock(self.ts, rows, self.sign)


_CELL_PAD = 4.0


class _ChartBlock(Flowable):
    """A chart drawn straight on the page, centred."""

    hAlign = "CENTER"

    def __init__(self, chart, width: float, height: float, font: str) -> None:
        self.chart, self.width, self.height, self.font = chart, width, height, font

    def draw(self) -> None:
        from desktop import charts

        charts.draw_pdf(self.canv, self.chart, self.width, self.height, self.font)
SIGN_MAX = 80  # characters of one signing-block value that a page can hold beside its label


def _unbreakable_width(block) -> float:
    """Width of the widest piece of a cell's text that a line break cannot fall in (a
    whole number such as 10671.47; one or two characters of Chinese text)."""
    from desktop.formats.linebreak import break_points

    widest = 0.0
    for part in block.text.split("\n"):
        bounds = [0, *break_points(part), len(part)]
        for a, b in itertools.pairwise(bounds):
            piece = part[a:b].strip(" \u3000")
            if piece:
                widest = max(widest, block.ts.width(piece, block.style.font, block.style.size))
    return widest


def _align(col: Column, index: int) -> str:
    if col.is_seq(index):
        return "centre"
    return "right" if col.numeric else "left"


def _distribute(total: float, hints: list[float], floors: list[float], fixed: set[int]) -> list[float]:
    """Share `total` in proportion to `hints`, raising columns to their floors (columns in
    `fixed` get exactly their floor) and taking the difference from the others."""
    n = len(hints)
    widths = [0.0] * n
    settled = set(fixed)
    for i in fixed:
        widths[i] = floors[i]
    while True:
        free = [i for i in range(n) if i not in settled]
        if not free:
            break
        room = total - sum(widths[i] for i in settled)
        hint_sum = sum(hints[i] for i in free)
        share = {i: room * hints[i] / hint_sum for i in free}
        short = [i for i in free if share[i] < floors[i]]
        if not short:
            for i in free:
                widths[i] = share[i]
            break
        for i in short:
            widths[i] = floors[i]
            settled.add(i)
    used = sum(widths)
    if used > total + 0.01:
        # Floors alone exceed the page: the widest columns give way, down to a common
        # width, so narrow ones keep what they need (scaling every column down could leave
        # a column narrower than its padding, which reportlab refuses).
        below = 0.0  # the columns narrower than the common width keep theirs
        level = total / n
        for k, w in enumerate(sorted(widths)):
            if below + w * (n - k) >= total:
                level = (total - below) / (n - k)
                break
            below += w
        widths = [min(w, level) for w in widths]
    return widths


def _with_keeps(flowables: list) -> list:
    """Put a NeedSpace before each run of keep-with-next blocks (headings, table captions),
    so they never end a page without the beginning of what they introduce."""
    from desktop.formats.typeset import NeedSpace

    out: list = []
    n = len(flowables)
    i = 0
    while i < n:
        f = flowables[i]
        if getattr(f, "keep_with_next", False):
            j = i
            while j < n and getattr(flowables[j], "keep_with_next", False):
                j += 1
            out.append(NeedSpace(flowables[i : j + 1]))
            out.extend(flowables[i:j])
            i = j
            continue
        out.append(f)
        i += 1
    return out
