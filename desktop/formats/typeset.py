"""Flowables (`pageflow`) that set Chinese text with our own line breaking.

reportlab's Paragraph is not used for text: its CJK wrapping breaks the 避头尾 rules and
all our text is plain (one face per block), so a small flowable that breaks lines with
`linebreak.break_lines` and justifies with character spacing is simpler and faster.

Page numbers that are only known at the end (目录 entries, "共 M 页") are drawn into PDF
form XObjects that pages reference before they are defined (`DeferredCanvas`), so the
document is laid out in a single pass instead of reportlab's multiBuild passes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import desktop.formats.reportlab_pillow_on_demand  # noqa: F401  before reportlab

# isort: split
from msgspec import Struct
from msgspec.structs import replace
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfgen.canvas import Canvas

from desktop.formats import fonts, pageflow
from desktop.formats.grid import Grid
from desktop.formats.linebreak import Line, break_lines, is_wide
from desktop.formats.pageflow import Flowable, KeepTogether

# Shown in place of a character none of our fonts has; 虚缺号 □ is the usual Chinese mark
# for a missing character, it is in the fonts, and it is never mistaken for "？".
MISSING_MARK = "\u25a1"

# Vertical centre of the ideographic em box above the baseline, in em: Noto CJK's em box
# runs from -0.12 to 0.88.  Centring it in the line box places text evenly between rules.
EM_CENTRE = 0.38


class TextStyle(Struct, frozen=True):
    font: str
    size: float
    leading: float
    align: str = "justify"  # justify, left, centre, right
    first_indent: float = 0.0
    left_indent: float = 0.0
    right_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    color: tuple[float, float, float] | None = None

    def but(self, **changes) -> TextStyle:
        # the same few variants are asked for once per table cell: made once each
        key = (self, *sorted(changes.items()))
        style = _VARIANTS.get(key)
        if style is None:
            style = _VARIANTS[key] = replace(self, **changes)
        return style


_VARIANTS: dict[tuple, TextStyle] = {}


class Typesetter:
    """Per-export state: font metrics, characters the fonts lack, where headings landed."""

    def __init__(self) -> None:
        self.missing: set[str] = set()
        self.warnings: list[str] = []
        self.heading_pages: dict[str, int] = {}  # bookmark key -> printed page number
        self.body_start: int | None = None  # absolute page number of printed page 1
        self._advance: dict[tuple[str, float], Callable[[str], float]] = {}
        self._drawable: dict[str, set[int]] = {}  # font -> code points it has, met so far
        self._broken: dict[tuple, tuple[Line, ...]] = {}  # see `lines`

    def face(self, font: str) -> fonts.Face:
        return fonts.ensure(font)

    def clean(self, text: str, font: str) -> str:
        """Text as it can be drawn with `font`: tabs become spaces, invisible format and
        control characters go, and characters without a glyph become MISSING_MARK (and are
        reported)."""
        face = self.face(font)
        codes = set(map(ord, text))
        drawable = self._drawable.setdefault(font, set())
        if codes <= drawable:
            return text
        new = codes - drawable
        if all(c in face.cmap for c in new):  # looked up once per character and font
            drawable |= new
            return text
        out = []
        for ch in text:
            if ord(ch) in drawable or ch == "\n":
                out.append(ch)
            elif face.has(ch):
                drawable.add(ord(ch))
                out.append(ch)
            elif ch == "\t":
                out.append(" ")
            elif ch in "\r\u200b\ufeff" or unicodedata.category(ch) in ("Cc", "Cf"):
                continue
            elif ch.isspace():
                out.append(" ")
            else:
                self.missing.add(ch)
                out.append(MISSING_MARK)
        return "".join(out)

    def advance(self, font: str, size: float) -> Callable[[str], float]:
        """Advance width in points of one character."""
        key = (font, size)
        fn = self._advance.get(key)
        if fn is None:
            face = self.face(font)
            fn = self._advance[key] = _Advances(face.widths, face.default_width, size / 1000.0).__getitem__
        return fn

    def width(self, text: str, font: str, size: float) -> float:
        adv = self.advance(font, size)
        return sum(map(adv, text))

    def lines(self, text: str, style: TextStyle, width: float) -> list[Line]:
        avail = width - style.left_indent - style.right_indent
        first = avail - style.first_indent
        # A third of the texts broken are broken again, the same way: the running header
        # on every page, a table's cells measured for its column widths and again when it
        # is laid out, the same "人" or "0" in many cells.
        key = (text, style.font, style.size, first, avail)
        done = self._broken.get(key)
        if done is None:
            done = self._broken[key] = tuple(
                break_lines(text, self.advance(style.font, style.size), [first, avail]))
        return list(done)

    def page_number(self, canv: Canvas) -> int:
        """The printed number of the current page (body pages count from 1)."""
        start = self.body_start if self.body_start is not None else 1
        return canv.getPageNumber() - start + 1


class _Advances(dict):
    """Character → advance in points, filled as characters are met: a hit is one C call."""

    def __init__(self, widths: dict[int, int], default: int, scale: float) -> None:
        super().__init__()
        self.widths, self.default, self.scale = widths, default, scale

    def __missing__(self, ch: str) -> float:
        w = self[ch] = self.widths.get(ord(ch), self.default) * self.scale
        return w


def draw_lines(
    canv: Canvas,
    lines: list[Line],
    style: TextStyle,
    width: float,
    top: float,
    *,
    first_is_first: bool = True,
    origin: tuple[float, float] | None = None,
) -> None:
    """Draw broken lines into a box `width` wide whose top edge is at y=`top`; with
    `origin`, the box's bottom left is there instead of at (0, 0), and the text state is
    left as it was found (no saved state around it to restore it).

    The text operators are written here in one pass per line (`_Encoder`), as reportlab's
    text object would write them, without its per-call formatting and width sums.
    """
    enc = _encoder(canv, style.font)
    tf = f" {fp_str(style.size)} Tf {fp_str(style.leading)} TL"  # after a subset's name
    code = ["BT", "1 0 0 1 0 0 Tm"]
    if style.color:
        code.append(f"{fp_str(*style.color)} rg")
    avail = width - style.left_indent - style.right_indent
    y = top - style.leading / 2 - EM_CENTRE * style.size
    spacing_now = 0.0
    subset_now = -1
    at: tuple[float, float] | None = None
    for i, line in enumerate(lines):
        indent = style.first_indent if (i == 0 and first_is_first) else 0.0
        x = style.left_indent + indent
        extra = avail - indent - line.width
        runs = [(line.text, False)]
        spacing = 0.0
        if style.align == "justify":
            runs = _stretch_runs(line.text)
            gaps = sum(len(text) for text, stretch in runs if stretch)
            if runs[-1][1]:
                gaps -= 1  # nothing follows the last character
            # Spread what 推出 left over; not on last lines, and not when the gaps would
            # look like holes (a long unbreakable run pushed to the next line).
            if not line.last and gaps > 0 and 0 < extra <= 0.5 * style.size * gaps:
                spacing = extra / gaps
        elif style.align == "centre":
            x += extra / 2
        elif style.align == "right":
            x += extra
        # Relative moves (Td) instead of a text matrix per line: fewer numbers to format.
        if at is None:
            if origin is None:
                code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
            else:
                code.append(f"1 0 0 1 {fp_str(x + origin[0], y + origin[1])} Tm")
        else:
            code.append(f"{fp_str(x - at[0], -(at[1] - y))} Td")
        at = (x, y)
        for text, stretch in runs:
            want = spacing if stretch else 0.0
            if want != spacing_now:
                code.append(f"{fp_str(want)} Tc")
                spacing_now = want
            ops, subset_now = enc.show(text, tf, subset_now)
            code.append(ops)
        y -= style.leading
    if origin is not None and spacing_now:
        code.append("0 Tc")  # character spacing outlives ET
    code.append("ET")
    canv._code.append(" ".join(code))


_SAME = re.compile(r"(.)\1*", re.S)  # a run of one character


class _Encoder:
    """Text in one TrueType font as the operators that show it in the PDF being written.

    reportlab embeds a TrueType font as subsets of 256 characters and assigns each
    character its subset and byte when first drawn (`TTFont.splitString`); after that the
    two are looked up here with one str.translate, in C, a line at a time.
    """

    def __init__(self, canv: Canvas, font_name: str) -> None:
        from reportlab.pdfbase.pdfmetrics import getFont

        self.font = getFont(font_name)
        self.doc = canv._doc
        # code point -> chr(subset) + chr(byte in the subset): translated, a line holds its
        # subsets at even places and its bytes at odd ones
        self.codes: dict[int, str] = {}
        self.names: dict[int, str] = {}

    def show(self, text: str, tf: str, subset_now: int) -> tuple[str, int]:
        """The operators that show `text` (a font switch where its subset changes; `tf`
        follows a subset's name) and the subset in use after them."""
        if not text:
            return "", subset_now
        pairs = text.translate(self.codes)
        if len(pairs) != 2 * len(text):  # characters not met before stay as they are
            self._learn(text)
            pairs = text.translate(self.codes)
        subsets = pairs[::2]
        raw = pairs[1::2].encode("latin-1")
        first = subsets[0]
        if subsets == first * len(subsets):  # one subset: the usual case
            subset = ord(first)
            if subset == subset_now:
                return f"({escapePDF(raw)}) Tj", subset
            return f"{self.name(subset)}{tf} ({escapePDF(raw)}) Tj", subset
        ops = []
        for m in _SAME.finditer(subsets):  # runs of one subset each
            start, end = m.span()
            subset = ord(subsets[start])
            if subset != subset_now:
                ops.append(self.name(subset) + tf)
                subset_now = subset
            ops.append(f"({escapePDF(raw[start:end])}) Tj")
        return " ".join(ops), subset_now

    def _learn(self, text: str) -> None:
        # reportlab assigns new characters in the order they are first met: hand it just
        # those, in that order
        codes = self.codes
        new = "".join(ch for ch in dict.fromkeys(text) if ord(ch) not in codes)
        self.font.splitString(new, self.doc)
        assigned = self.font.state[self.doc].assignments
        for ch in new:
            code = ord(ch)
            n = assigned.get(32 if code == 0xA0 else code, 0)  # 0: the font lacks it (.notdef)
            codes[code] = chr(n >> 8) + chr(n & 0xFF)

    def name(self, subset: int) -> str:
        name = self.names.get(subset)
        if name is None:
            name = self.names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return name


def text_ops(canv: Canvas, font: str, size: float, parts: list[tuple[float, float, float, str]]
             ) -> None:
    """Draw texts in `font` at `size`: `parts` are (x, y, character spacing, text), as
    one text object, written as reportlab's would be."""
    enc = _encoder(canv, font)
    tf = f" {fp_str(size)} Tf {fp_str(size * 1.2)} TL"
    code = ["BT", "1 0 0 1 0 0 Tm"]
    spacing_now = 0.0
    subset_now = -1
    for x, y, spacing, text in parts:
        if spacing != spacing_now:
            code.append(f"{fp_str(spacing)} Tc")
            spacing_now = spacing
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        ops, subset_now = enc.show(text, tf, subset_now)
        code.append(ops)
    code.append("ET")
    canv._code.append(" ".join(code))


def _encoder(canv: Canvas, font: str) -> _Encoder:
    encoders = canv.__dict__.setdefault("_text_encoders", {})
    enc = encoders.get(font)
    if enc is None or enc.doc is not canv._doc:
        enc = encoders[font] = _Encoder(canv, font)
    return enc


class _Stretchy(dict):
    """Code point -> "1" for a character justification may put space beside (a wide one,
    or a space), "0" for the others; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        k = self[code] = "1" if (ch == " " or is_wide(ch)) else "0"
        return k


_STRETCHY = _Stretchy()
_TIGHT = re.compile("00+")  # characters set without added space between them


def _stretch_runs(text: str) -> list[tuple[str, bool]]:
    """The line cut where justification may add space after a character (True) or not.

    Space goes into the gaps next to CJK characters and at spaces, never inside a number
    or a word: "10671.47" keeps its natural spacing on a justified line.
    """
    n = len(text)
    if n <= 1:
        return [(text, True)]
    runs: list[tuple[str, bool]] = []
    start = 0  # where the current stretchy run began
    for m in _TIGHT.finditer(text.translate(_STRETCHY)):
        # no space after any of them but the last, which the next character decides
        # (the text's last character goes with the gap before it)
        p, q = m.span()
        end = n if q == n else q - 1
        if p > start:
            runs.append((text[start:p], True))
        runs.append((text[p:end], False))
        start = end
    if start < n:
        runs.append((text[start:], True))
    return runs


class HeadingMark(Struct, frozen=True):
    """Makes a TextBlock a heading: bookmark, outline entry and 目录 page number."""

    key: str
    level: int  # nesting depth: 0 chapter, 1 section, 2 subsection
    title: str


# Headings and captions move to the next page whole, unless they are longer than this many
# lines: then no page could hold them, and they are split like body text.
KEEP_WHOLE_LINES = 8


class TextBlock(Flowable):
    """A paragraph of plain text in one face: broken by our rules, split across pages."""

    def __init__(
        self,
        ts: Typesetter,
        text: str,
        style: TextStyle,
        *,
        heading: HeadingMark | None = None,
        keep_with_next: bool = False,
    ) -> None:
        self.ts = ts
        self.style = style
        self.text = ts.clean(text, style.font)
        self.heading = heading
        self.keep_with_next = keep_with_next or heading is not None
        self._lines: list[Line] | None = None
        self._laid_width: float | None = None
        self._first_is_first = True
        self._space_before = style.space_before
        self._space_after = style.space_after

    def __repr__(self) -> str:
        return f"TextBlock({self.text[:20]!r})"

    def lines_for(self, width: float) -> list[Line]:
        if self._lines is None or self._laid_width != width:
            self._lines = self.ts.lines(self.text, self.style, width)
            self._laid_width = width
        return self._lines

    def wrap(self, availWidth, availHeight):
        lines = self.lines_for(availWidth)
        self.width = availWidth
        self._wrap_width = availWidth
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        # Split what was wrapped: reportlab cuts a table cell with the column's width, not
        # the width inside its padding that the cell was wrapped to, and lines re-broken
        # wider would not be the ones that were measured (nor fit the cell when drawn).
        availWidth = getattr(self, "_wrap_width", availWidth)
        lines = self.lines_for(availWidth)
        n = int((availHeight + 1e-6) // self.style.leading)
        total = len(lines)
        if n >= total:
            return [self]
        if (self.heading is not None or self.keep_with_next) and total <= KEEP_WHOLE_LINES:
            return []  # moves whole to the next page, with what follows it
        # No single line left at the foot of a page nor carried to the next (orphans and
        # widows): at least two lines on each side.
        n = min(n, total - 2)
        if n < 2:
            return []
        # A heading of absurd length (a 3000-character school name in a title) is split
        # like body text: kept whole it could not fit on any page (reportlab's LayoutError).
        return [self._part(lines[:n], True), self._part(lines[n:], False)]

    def _part(self, lines: list[Line], head: bool) -> TextBlock:
        part = TextBlock.__new__(TextBlock)
        part.ts = self.ts
        part.style = self.style
        part.text = "".join(x.text for x in lines)
        part.heading = self.heading if head else None  # bookmark and 目录 page: its first page
        part.keep_with_next = False
        part._lines = lines
        part._laid_width = self._laid_width
        part._wrap_width = self._laid_width
        part.width = self._laid_width or 0.0
        part.height = len(lines) * self.style.leading
        part._first_is_first = self._first_is_first and head
        part._space_before = self._space_before if head else 0.0
        part._space_after = 0.0 if head else self._space_after
        if not part._first_is_first:
            # Re-breaking at another width must not indent the continuation again.
            part.style = self.style.but(first_indent=0.0)
        return part

    def getSpaceBefore(self):
        return self._space_before

    def getSpaceAfter(self):
        return self._space_after

    def drawOn(self, canv, x, y, _sW=0.0):
        if self.heading is not None or self.style.color:
            super().drawOn(canv, x, y, _sW)  # a bookmark is placed in the block's own space
            return
        # Most blocks (table cells above all) need no coordinate system of their own: the
        # text is placed at (x, y) directly, without a saved state and a translation each.
        lines = self.lines_for(self.width)
        draw_lines(canv, lines, self.style, self.width, self.height,
                   first_is_first=self._first_is_first, origin=(x, y))

    def draw(self):
        canv = self.canv
        lines = self.lines_for(self.width)
        draw_lines(canv, lines, self.style, self.width, self.height, first_is_first=self._first_is_first)
        mark = self.heading
        if mark is not None:
            canv.bookmarkHorizontal(mark.key, 0, self.height + self.style.space_before)
            canv.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=mark.level > 0)
            self.ts.heading_pages[mark.key] = self.ts.page_number(canv)


class NeedSpace(pageflow.NeedSpace):
    """Start a new page unless the flowables after it can start on this one.

    Used before headings and captions instead of a keep-with-next that moves a whole long
    paragraph or table to the next page.  What must fit: every keep-with-next block in
    `following` in full, then the beginning of the first other one (two lines of a
    paragraph, a table's header and first rows, a figure whole).
    """

    def __init__(self, following: list[Flowable]) -> None:
        self.following = following

    def needed(self, aw: float, ah: float) -> float:
        need = 0.0
        for f in self.following:
            if isinstance(f, pageflow.PageBreak | pageflow.NextTemplate):
                return need  # the page ends after them anyway: they need only themselves
            if isinstance(f, TextBlock):
                _, h = f.wrap(aw, ah)
                need += f.getSpaceBefore()
                if f.keep_with_next:
                    need += h + f.getSpaceAfter()
                    continue
                return need + min(h, 2 * f.style.leading)
            if isinstance(f, Grid):
                f.wrap(aw, ah)
                return need + sum(f.row_heights[:3])
            if isinstance(f, KeepTogether):
                return need + f.total_height(aw)[0]
            _, h = f.wrap(aw, ah)
            return need + h
        return need


class Stack(Flowable):
    """Flowables one under the other as one block (备注 and the block to sign)."""

    def __init__(self, parts: list, gap: float) -> None:
        self.parts = parts
        self.gap = gap

    def wrap(self, availWidth, availHeight):
        self._sizes = [p.wrap(availWidth, availHeight) for p in self.parts]
        self.width = availWidth
        self.height = sum(h for _, h in self._sizes) + self.gap * (len(self.parts) - 1)
        return self.width, self.height

    def draw(self):
        y = self.height
        for part, (_, h) in zip(self.parts, self._sizes, strict=True):
            y -= h
            part.drawOn(self.canv, 0, y)
            y -= self.gap


class TableWithTail(Flowable):
    """A long table followed by a block that must not stand alone on a page (the
    submission block under the 质量数据表): when the block does not fit after the table's
    last row, the last `keep_rows` rows move to the next page with it."""

    def __init__(self, table: Grid, tail: Flowable, gap: float, keep_rows: int = 2) -> None:
        self.table = table
        self.tail = tail
        self.gap = gap
        self.keep_rows = keep_rows

    def wrap(self, availWidth, availHeight):
        _, th = self.table.wrap(availWidth, availHeight)
        _, bh = self.tail.wrap(availWidth, availHeight)
        self.width, self.height = availWidth, th + self.gap + bh
        self._th = th
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self.table, pageflow.Spacer(1, self.gap), self.tail]
        limit = availHeight
        if self._th <= availHeight:
            # The table fits, the block does not: cut the table above its last rows.
            rows = self.table.row_heights
            if len(rows) <= 1 + self.keep_rows:
                return []  # too short to cut: all of it moves on
            limit = self._th - sum(rows[-self.keep_rows :]) + 1e-3
        parts = self.table.split(availWidth, limit)
        if len(parts) < 2:
            return []
        return [parts[0], TableWithTail(parts[1], self.tail, self.gap, self.keep_rows)]

    def draw(self):  # only reached when everything fits (then split is not called)
        self.table.drawOn(self.canv, 0, self.height - self._th)
        self.tail.drawOn(self.canv, 0, 0)


class DeferredCanvas(Canvas):
    """A canvas that paints some form XObjects only at save time, when all pages are known.

    `defer(name, bbox, paint)` places form `name` at the origin of the current transform
    now; `paint(canvas)` draws its content when the document is saved.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deferred: list[tuple[str, tuple[float, float, float, float], Callable]] = []
        self.pages = 0

    def showPage(self):
        self.pages += 1
        super().showPage()

    def defer(self, name: str, bbox: tuple[float, float, float, float], paint: Callable) -> None:
        self.doForm(name)
        self._deferred.append((name, bbox, paint))

    def save(self):
        if len(self._code):
            self.showPage()
        for name, bbox, paint in self._deferred:
            self.beginForm(name, *bbox)
            paint(self)
            self.endForm()
        self._deferred = []
        super().save()
