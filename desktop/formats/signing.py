"""The submission block under the 质量数据表: filled in, signed and stamped on paper."""

from __future__ import annotations

from desktop.formats.pageflow import Flowable
from desktop.formats.typeset import TextStyle, Typesetter, draw_lines


class SignBlock(Flowable):
    """Rows of "label：value" items, each value on a rule that is left blank when the value
    is empty, so it can be written in by hand.  The second item of every row starts at the
    same x, like a printed form.  A value too long for its rule wraps onto further ruled
    lines (the row grows): a unit name or phone number is never cut short."""

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

    def _layout(self, width: float) -> list[list[tuple[str, float, float, float, list]]]:
        """Per row, per item: (label, x0, x1, label width, value lines)."""
        st = self.style
        ts = self.ts
        col_w = (width - self.gap) / 2
        out = []
        for row in self.rows:
            items = []
            for j, (label, value) in enumerate(row):
                x0 = j * (col_w + self.gap)
                x1 = width if len(row) == 1 else x0 + col_w
                label_w = ts.width(label, st.font, st.size)
                room = x1 - x0 - label_w - 10
                lines = ts.lines(value, st, room) if value else []
                items.append((label, x0, x1, label_w, lines))
            out.append(items)
        return out

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self._rows = self._layout(availWidth)
        self._heights = [
            self.row_height + self.style.leading * max([len(i[4]) - 1 for i in items] + [0])
            for items in self._rows
        ]
        self.height = sum(self._heights)
        return self.width, self.height

    def draw(self):
        canv = self.canv
        st = self.style
        y = self.height
        for items, height in zip(self._rows, self._heights, strict=True):
            y -= height
            # The first line's rule, as for a one-line row; further lines' rules below it.
            first_rule = y + 3 + height - self.row_height
            for label, x0, x1, label_w, lines in items:
                self._text(label, x0, first_rule, label_w + 1)
                for k in range(max(len(lines), 1)):
                    rule = first_rule - k * st.leading
                    canv.saveState()
                    canv.setLineWidth(0.5)
                    canv.line(x0 + label_w + 2, rule, x1, rule)
                    canv.restoreState()
                    if k < len(lines):
                        self._draw_line(lines[k], x0 + label_w + 8, rule, x1 - x0 - label_w - 10)

    def _text(self, text: str, x: float, rule: float, width: float) -> None:
        """One line of text standing on the rule at y=`rule`."""
        self._draw_line(self.ts.lines(text, self.style, width)[0], x, rule, width)

    def _draw_line(self, line, x: float, rule: float, width: float) -> None:
        st = self.style
        self.canv.saveState()
        self.canv.translate(x, rule + 1)
        draw_lines(self.canv, [line], st, width, st.leading)
        self.canv.restoreState()
