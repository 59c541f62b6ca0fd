"""The submission block under the 质量数据表: filled in, signed and stamped on paper."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.export.typeset import TextStyle, Typesetter, draw_lines


class SignBlock(Flowable):
    """Rows of "label：value" items, each value on a rule that is left blank when the value
    is empty, so it can be written in by hand.  The second item of every row starts at the
    same x, like a printed form."""

    row_height = 34.0
    gap = 24.0

    def __init__(self, ts: Typesetter, rows: list[list[tuple[str, str]]], style: TextStyle):
        super().__init__()
        self.ts = ts
        self.style = style.but(align="left", first_indent=0.0)
        self.rows = [
            [(ts.clean(f"{label}：", style.font), ts.clean(value, style.font)) for label, value in row]
            for row in rows
        ]

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = len(self.rows) * self.row_height
        return self.width, self.height

    def draw(self):
        canv = self.canv
        st = self.style
        ts = self.ts
        col_w = (self.width - self.gap) / 2
        y = self.height
        for row in self.rows:
            y -= self.row_height
            rule = y + 3
            for j, (label, value) in enumerate(row):
                x0 = j * (col_w + self.gap)
                x1 = self.width if len(row) == 1 else x0 + col_w
                label_w = ts.width(label, st.font, st.size)
                self._text(label, x0, rule, label_w + 1)
                canv.saveState()
                canv.setLineWidth(0.5)
                canv.line(x0 + label_w + 2, rule, x1, rule)
                canv.restoreState()
                if value:
                    self._text(value, x0 + label_w + 8, rule, x1 - x0 - label_w - 10)

    def _text(self, text: str, x: float, rule: float, width: float) -> None:
        """One line of text standing on the rule at y=`rule` (a form field holds one line)."""
        st = self.style
        lines = self.ts.lines(text, st, width)[:1]
        self.canv.saveState()
        self.canv.translate(x, rule + 1)
        draw_lines(self.canv, lines, st, width, st.leading)
        self.canv.restoreState()
