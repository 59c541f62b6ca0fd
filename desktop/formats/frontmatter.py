"""The cover page and the 目录 entries."""

from __future__ import annotations

from desktop.formats.pageflow import Flowable
from desktop.formats.typeset import (
    EM_CENTRE,
    DeferredCanvas,
    TextStyle,
    Typesetter,
    draw_lines,
    text_ops,
)

DOT_PITCH = 4.0  # points between leader dots; dots align across lines (set from the right)


def cover_title_lines(title: str) -> list[str]:
    """The report title in the two lines covers use: "中等职业教育" / "质量年度报告（2022）"."""
    i = title.find("质量")
    if i > 0:
        return [title[:i].strip(), title[i:].strip()]
    return [title]


class Cover(Flowable):
    """Fills the cover frame: title in the upper third, school and date near the bottom."""

    def __init__(
        self,
        ts: Typesetter,
        title: str | list[str],
        school: str,
        date_text: str,
        title_style: TextStyle,
        school_style: TextStyle,
        date_style: TextStyle,
        logo: bytes = b"",
    ) -> None:
        super().__init__()
        self.ts = ts
        self.logo = logo
        lines = cover_title_lines(title) if isinstance(title, str) else title
        self.parts = [
            (0.22, [ts.clean(x, title_style.font) for x in lines], title_style),
            (0.72, [ts.clean(school, school_style.font)], school_style),
            (0.80, [ts.clean(date_text, date_style.font)], date_style),
        ]

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, availHeight - 1  # -1: never trips the frame
        return self.width, self.height

    def draw(self):
        if self.logo:
            self._draw_logo()
        bottom = self.height  # where the part above ended
        for at, texts, style in self.parts:
            # A part that wrapped (a long school name) pushes the next one down rather
            # than running into it.
            top = min(self.height * (1 - at), bottom - 0.5 * style.leading)
            for text in texts:
                if not text:
                    continue
                lines = self.ts.lines(text, style, self.width)
                draw_lines(self.canv, lines, style, self.width, top)
                top -= len(lines) * style.leading
            bottom = top

    def _draw_logo(self) -> None:
        """The school's logo centred above the title (at most 3.5 cm, its proportions)."""
        import io

        from reportlab.lib.units import cm
        from reportlab.lib.utils import ImageReader

        try:
            image = ImageReader(io.BytesIO(self.logo))
            width, height = image.getSize()
        except Exception:  # a damaged logo must not cost the whole PDF
            return
        box = min(3.5 * cm, self.height * 0.12)
        scale = box / max(width, height)
        w, h = width * scale, height * scale
        top = self.height * (1 - 0.06)
        self.canv.drawImage(image, (self.width - w) / 2, top - h, w, h, mask="auto")


MAX_TOC_LINES = 3


class TocEntry(Flowable):
    """One 目录 line: heading text, leader dots and the printed page number.

    The page number is known only once the heading is drawn, later in the same pass, so
    the dots and number go into a form XObject painted at save time (DeferredCanvas).
    """

    def __init__(self, ts: Typesetter, text: str, key: str, style: TextStyle, number_width: float) -> None:
        super().__init__()
        self.ts = ts
        self.key = key
        self.style = style.but(right_indent=style.right_indent + number_width)
        self.number_style = style
        self.text = ts.clean(text, style.font)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self._lines = self.ts.lines(self.text, self.style, availWidth)
        if len(self._lines) > MAX_TOC_LINES:
            # a heading of absurd length: its 目录 line is cut short, never taller than a page
            kept = "".join(x.text for x in self._lines[:MAX_TOC_LINES])
            self._lines = self.ts.lines(kept[:-2] + "…", self.style, availWidth)[:MAX_TOC_LINES]
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self):
        return self.style.space_before

    def split(self, availWidth, availHeight):
        return []  # an entry is a line or two: it moves to the next page whole

    def draw(self):
        canv = self.canv
        st = self.style
        draw_lines(canv, self._lines, st, self.width, self.height)
        last = self._lines[-1]
        first_indent = st.first_indent if len(self._lines) == 1 else 0.0
        x_end = st.left_indent + first_indent + last.width + 3.0
        baseline = st.leading / 2 - EM_CENTRE * st.size  # of the last line, from the bottom
        right = self.width - x_end
        canv.linkRect("", self.key, (st.left_indent, 0, self.width, self.height), relative=1)
        if isinstance(canv, DeferredCanvas):
            canv.saveState()
            canv.translate(x_end, baseline)
            bbox = (0, -0.3 * st.size, right, st.size)
            canv.defer(f"toc-{self.key}", bbox, lambda c: self._paint_number(c, right))
            canv.restoreState()

    def _paint_number(self, canv, right: float) -> None:
        st = self.number_style
        page = self.ts.heading_pages.get(self.key)
        number = str(page) if page is not None else ""
        num_w = self.ts.width(number, st.font, st.size)
        dot_w = self.ts.width(".", st.font, st.size)
        dots_end = right - num_w - 3.0
        n = int(dots_end // DOT_PITCH)
        parts = [(dots_end - n * DOT_PITCH, 0, DOT_PITCH - dot_w, "." * n)] if n > 0 else []
        text_ops(canv, st.font, st.size, [*parts, (right - num_w, 0, 0.0, number)])
