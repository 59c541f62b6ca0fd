"""Ruled tables of text blocks that split across pages, repeating their header row.

A port of the part of reportlab's platypus `Table` the report uses (reportlab is BSD
licensed): cells holding one block each, fixed column widths, a shaded header row
repeated on every page, GRID/BOX/LINEABOVE rules, rows split by row and, when a single
row is taller than what is left, inside the row.  The rule and split bookkeeping follows
platypus step by step, so the pages look exactly as they did when platypus drew them.
No spans: the report's tables have none.
"""

from __future__ import annotations

from desktop.formats.pageflow import FUZZ, Flowable

# (op, (first col, first row), (last col, last row), width, colour); negative = from the end
LineCmd = tuple


class CellStyle:
    __slots__ = ("bottom", "left", "right", "top", "valign")

    def __init__(self, valign: str, left: float, right: float, top: float, bottom: float) -> None:
        self.valign, self.left, self.right, self.top, self.bottom = valign, left, right, top, bottom

    def copy(self) -> CellStyle:
        return CellStyle(self.valign, self.left, self.right, self.top, self.bottom)


def _geom(blocks, width: float, style: CellStyle, heights: list | None = None,
          avail: float = 72000) -> tuple[float, float]:
    """(width, height) of a cell's blocks laid out in a column `width` wide."""
    if not blocks:
        return 0, 0
    aw = width - style.left - style.right
    ah = avail - style.top - style.bottom
    t = 0.0
    w = 0.0
    sb0 = None
    sa = 0.0
    for v in blocks:
        vw, vh = v.wrap(aw, ah)
        sb = v.getSpaceBefore()
        sa = v.getSpaceAfter()
        if heights is not None:
            heights.append(vh)
        w = max(w, vw)
        t += vh + sa + sb
        if sb0 is None:
            sb0 = sb
    return w, t - sb0 - sa


class Grid(Flowable):
    """A table: `rows` of cells (each a tuple of blocks), `widths` per column."""

    hAlign = "CENTER"

    def __init__(self, rows: list[list[tuple]], widths: list[float], styles: list[list[CellStyle]],
                 lines: list[LineCmd], backgrounds: list[tuple], *, heights: list | None = None,
                 repeat_rows: int = 1, split_in_row: float = 36.0, space_after: float | None = None
                 ) -> None:
        self.cells = rows
        self.widths = widths
        self.styles = styles
        self.lines = lines
        self.backgrounds = backgrounds
        self.nrows = len(rows)
        self.ncols = len(widths)
        self.fixed_heights = heights if heights is not None else [None] * self.nrows
        self.repeat_rows = repeat_rows
        self.split_in_row = split_in_row
        if space_after is not None:
            self.spaceAfter = space_after

    def __repr__(self) -> str:
        return f"Grid({self.nrows}×{self.ncols})"

    # -- size ---------------------------------------------------------------------------

    def wrap(self, availWidth, availHeight):
        self._calc()
        return self._width, self._height

    def _calc(self) -> None:
        if getattr(self, "_height", None) is not None:
            return  # cells and widths never change: wrapped once is wrapped for good
        H = list(self.fixed_heights)
        for i, h in enumerate(H):
            if h is None:
                tallest = 0.0
                for v, s, w in zip(self.cells[i], self.styles[i], self.widths, strict=True):
                    t = _geom(v, w, s)[1] + s.bottom + s.top
                    if t > tallest:
                        tallest = t
                H[i] = tallest
        self.row_heights = H
        # row positions from the bottom, summed as platypus does (compensated)
        positions = []
        height = c = 0.0
        for i in range(len(H) - 1, -1, -1):
            positions.append(height)
            y = H[i] - c
            t = height + y
            c = (t - height) - y
            height = t
        positions.append(height)
        positions.reverse()
        self.row_positions = positions
        self._height = height
        width = 0.0
        self.col_positions = [0.0]
        for w in self.widths:
            width = width + w
            self.col_positions.append(width)
        self._width = width

    # -- splitting -------------------------------------------------------------------------

    def split(self, availWidth, availHeight):
        self._calc()
        result = self._split_rows(availHeight, in_row=False)
        if result:
            return result
        if self.split_in_row:
            return self._split_rows(availHeight, in_row=True)
        return []

    def _rows_that_fit(self, avail: float) -> int:
        h = 0.0
        n = 1
        split_at = 0
        for rh in self.row_heights:
            if h + rh > avail:
                break
            split_at = n
            h = h + rh
            n = n + 1
        return split_at

    def _split_rows(self, avail: float, in_row: bool) -> list:
        n = self._rows_that_fit(avail)
        repeat = self.repeat_rows
        if (in_row and n < repeat) or (not in_row and n <= repeat):
            return []
        lim = len(self.row_heights)
        if n == lim:
            return [self]
        T = self
        data = self.cells
        if in_row:
            T = self._cut_row(n, avail)
            self._height = None  # cutting may re-pad this row's cells: measure again
            if T is None:
                return []
            data = T.cells
            n = n + 1
        split_h = T.row_heights
        lines = T._split_line_cmds(n, in_row)
        r0 = Grid(data[:n], T.widths, T.styles[:n], [], [], heights=split_h[:n],
                  repeat_rows=repeat, split_in_row=self.split_in_row)
        r0.lines = _first_part(n, lines, T.nrows)
        r0.backgrounds = _first_part(n, T.backgrounds, T.nrows)
        r1 = Grid(data[:repeat] + data[n:], T.widths, T.styles[:repeat] + T.styles[n:], [], [],
                  heights=split_h[:repeat] + split_h[n:], repeat_rows=repeat,
                  split_in_row=self.split_in_row, space_after=getattr(self, "spaceAfter", None))
        r1.lines = _second_part(n, T.nrows, list(range(repeat)), lines)
        r1.backgrounds = _second_part(n, T.nrows, list(range(repeat)), T.backgrounds)
        r0.font = r1.font = self.font
        return [r0, r1]

    def _cut_row(self, n: int, avail: float) -> Grid | None:
        """This table with row `n` cut in two, the first part `avail` - the rows above
        high at most; None when it cannot be cut."""
        used = sum(self.row_heights[:n])
        values, styles, widths = self.cells[n], self.styles[n], self.widths
        cur = self.row_heights[n]
        tallest = 0.0
        for value, style, width in zip(values, styles, widths, strict=True):
            height = _geom(value, width, style)[1] + style.top + style.bottom
            tallest = max(tallest, height)
        if avail - used < 0:
            return None
        split_point = min(avail - used, tallest)
        if split_point + 1 < self.split_in_row or self._height - split_point < self.split_in_row:
            return None  # too little on either side: the whole table moves on
        top_cells, bottom_cells, bottom_styles = [], [], []
        top_h = bottom_h = 0.0
        for value, style, width in zip(values, styles, widths, strict=True):
            v = _cut_cell(value, style, cur, split_point, width)
            if v is None:
                return None
            new_style = style.copy()
            if style.valign == "MIDDLE":
                if v[0] and v[1]:
                    style.valign = "BOTTOM"
                    new_style.valign = "TOP"
                else:
                    h = _geom(v[0] or v[1], width, style)[1]
                    margin = (cur - h) / 2
                    if v[0]:
                        style.top += margin
                    elif v[1]:
                        new_style.bottom += margin
            top_cells.append(v[0])
            bottom_cells.append(v[1])
            top_h = max(top_h, _geom(v[0], width, style)[1] + style.top + style.bottom)
            bottom_h = max(bottom_h, _geom(v[1], width, style)[1] + style.top + style.bottom)
            bottom_styles.append(new_style)
        used_height = min(split_point, top_h)
        heights = list(self.row_heights)
        heights.insert(n + 1, max(bottom_h, self.row_heights[n] - used_height))
        heights[n] = used_height
        cells = [*self.cells[:n], top_cells, bottom_cells, *self.cells[n + 1:]]
        T = Grid(cells, widths, [*self.styles[:n + 1], bottom_styles, *self.styles[n + 1:]],
                 _stretch(n, self.lines, self.nrows), _stretch(n, self.backgrounds, self.nrows),
                 heights=heights, repeat_rows=self.repeat_rows, split_in_row=self.split_in_row)
        T.font = self.font
        T._calc()
        return T

    def _split_line_cmds(self, n: int, in_row: bool) -> list:
        """The rules with those crossing the cut turned into lines each part can draw."""
        nrows, ncols = self.nrows, self.ncols
        out = []
        for op, (sc, sr), (ec, er), *rest in self.lines:
            if sc < 0:
                sc += ncols
            if ec < 0:
                ec += ncols
            if sr < 0:
                sr += nrows
            if er < 0:
                er += nrows
            if op in ("BOX", "GRID"):
                if (sr < n <= er) or (in_row and sr == n):
                    out.append(("LINEABOVE", (sc, sr), (ec, sr), *rest))
                    out.append(("LINEBEFORE", (sc, sr), (sc, er), *rest))
                    out.append(("LINEAFTER", (ec, sr), (ec, er), *rest))
                    out.append(("LINEBELOW", (sc, er), (ec, er), *rest))
                    if op == "GRID":
                        if in_row:
                            out.append(("INNERGRID", (sc, sr), (ec, n - 1), *rest))
                            out.append(("INNERGRID", (sc, n), (ec, er), *rest))
                        else:
                            out.append(("LINEBELOW", (sc, n - 1), (ec, n - 1), *rest))
                            out.append(("LINEABOVE", (sc, n), (ec, n), *rest))
                            out.append(("INNERGRID", (sc, sr), (ec, er), *rest))
                else:
                    out.append((op, (sc, sr), (ec, er), *rest))
            elif op == "INNERGRID":
                if sr < n <= er and not in_row:
                    out.append(("LINEBELOW", (sc, n - 1), (ec, n - 1), *rest))
                    out.append(("LINEABOVE", (sc, n), (ec, n), *rest))
                out.append((op, (sc, sr), (ec, er), *rest))
            elif op == "LINEBELOW":
                if sr < n and er >= n - 1:
                    out.append(("LINEABOVE", (sc, n), (ec, n), *rest))
                out.append((op, (sc, sr), (ec, er), *rest))
            elif op == "LINEABOVE":
                if sr <= n <= er:
                    out.append(("LINEBELOW", (sc, n - 1), (ec, n - 1), *rest))
                out.append((op, (sc, sr), (ec, er), *rest))
            else:
                out.append((op, (sc, sr), (ec, er), *rest))
        return out

    # -- drawing ---------------------------------------------------------------------------

    def draw(self):
        from reportlab.lib.colors import black

        c = self.canv
        c.saveState()
        cp, rp = self.col_positions, self.row_positions
        for _, (sc, sr), (ec, er), colour in self.backgrounds:
            sc, ec, sr, er = self._norm(sc, ec, sr, er)
            x0, y0 = cp[sc], rp[sr]
            x1, y1 = cp[min(ec + 1, self.ncols)], rp[min(er + 1, self.nrows)]
            c.setFillColor(colour)
            c.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
        first = True
        for row, styles, rowpos, rowheight in zip(self.cells, self.styles, rp[1:], self.row_heights,
                                                   strict=True):
            for cell, style, colpos, colwidth in zip(row, styles, cp[:-1], self.widths, strict=True):
                if first:
                    # what platypus set before its first cell; kept so the page streams
                    # stay as they were
                    c.setFillColor(black)
                    c.setFont(self.font[0], self.font[1], self.font[1] * 1.2)
                    first = False
                self._draw_cell(cell, style, colpos, rowpos, colwidth, rowheight)
        self._draw_lines()
        c.restoreState()

    font = ("Helvetica", 10)  # set by the caller: the face and size of the cells

    def _norm(self, sc, ec, sr, er):
        if sc < 0:
            sc += self.ncols
        if ec < 0:
            ec += self.ncols
        if sr < 0:
            sr += self.nrows
        if er < 0:
            er += self.nrows
        return max(0, sc), min(self.ncols - 1, ec), max(0, sr), min(self.nrows - 1, er)

    def _draw_cell(self, blocks, style: CellStyle, colpos, rowpos, colwidth, rowheight) -> None:
        heights: list = []
        _, h = _geom(blocks, colwidth, style, heights, avail=rowheight)
        if style.valign == "TOP":
            y = rowpos + rowheight - style.top
        elif style.valign == "BOTTOM":
            y = rowpos + style.bottom + h
        else:
            y = rowpos + (rowheight + style.bottom - style.top + h) / 2.0
        if blocks:
            y += blocks[0].getSpaceBefore()
        for v, vh in zip(blocks, heights, strict=True):
            x = colpos + style.left
            y -= v.getSpaceBefore()
            y -= vh
            v.drawOn(self.canv, x, y)
            y -= v.getSpaceAfter()

    def _draw_lines(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineCap(1)  # platypus' defaults for table rules: round caps and joins
        canv.setLineJoin(1)
        self._cur = (None, None)
        for op, start, end, weight, colour in self.lines:
            sc, ec, sr, er = self._norm(start[0], end[0], start[1], end[1])
            if op == "GRID":
                self._box(sc, sr, ec, er, weight, colour)
                self._inner(sc, sr, ec, er, weight, colour)
            elif op == "BOX":
                self._box(sc, sr, ec, er, weight, colour)
            elif op == "INNERGRID":
                self._inner(sc, sr, ec, er, weight, colour)
            elif op == "LINEBELOW":
                self._hlines(sc, sr + 1, ec, er + 1, weight, colour)
            elif op == "LINEABOVE":
                self._hlines(sc, sr, ec, er, weight, colour)
            elif op == "LINEBEFORE":
                self._vlines(sc, sr, ec, er, weight, colour)
            elif op == "LINEAFTER":
                self._vlines(sc + 1, sr, ec + 1, er, weight, colour)
        canv.restoreState()

    def _box(self, sc, sr, ec, er, weight, colour) -> None:
        self._hlines(sc, sr, ec, sr, weight, colour)
        self._hlines(sc, er + 1, ec, er + 1, weight, colour)
        self._vlines(sc, sr, sc, er, weight, colour)
        self._vlines(ec + 1, sr, ec + 1, er, weight, colour)

    def _inner(self, sc, sr, ec, er, weight, colour) -> None:
        self._hlines(sc, sr + 1, ec, er, weight, colour)
        self._vlines(sc + 1, sr, ec, er, weight, colour)

    def _pen(self, weight, colour) -> None:
        cur_weight, cur_colour = self._cur
        if colour and colour != cur_colour:
            self.canv.setStrokeColor(colour)
            cur_colour = colour
        if weight and weight != cur_weight:
            self.canv.setLineWidth(weight)
            cur_weight = weight
        self._cur = (cur_weight, cur_colour)

    def _hlines(self, sc, sr, ec, er, weight, colour) -> None:
        ecp = self.col_positions[sc:ec + 2]
        rp = self.row_positions[sr:er + 1]
        if len(ecp) <= 1 or len(rp) < 1:
            return
        self._pen(weight, colour)
        for y in rp:
            self.canv.line(ecp[0], y, ecp[-1], y)

    def _vlines(self, sc, sr, ec, er, weight, colour) -> None:
        erp = self.row_positions[sr:er + 2]
        cp = self.col_positions[sc:ec + 1]
        if len(erp) <= 1 or len(cp) < 1:
            return
        self._pen(weight, colour)
        for x in cp:
            self.canv.line(x, erp[-1], x, erp[0])


def _cut_cell(value: tuple, style: CellStyle, old_height: float, new_height: float,
              width: float) -> tuple[tuple, tuple] | None:
    """A cell's blocks cut for a row cut `new_height` from its top; None: they cannot be."""
    height0 = new_height - style.top
    heights: list = []
    cell_height = _geom(value, width, style, heights)[1]
    used = (old_height - cell_height) / 2 if style.valign == "MIDDLE" else 0
    top: list = []
    rest: list = []
    attempted = False
    for f, fh in zip(value, heights, strict=True):
        fh = getattr(f, "height", fh)
        if attempted:
            rest.append(f)
        elif used + fh + f.getSpaceBefore() <= height0:
            top.append(f)
            used += fh + f.getSpaceBefore() + f.getSpaceAfter()
        else:
            parts = f.split(width, height0 - used - f.getSpaceBefore())
            if parts:
                top.append(parts[0])
                rest.append(parts[1])
            else:
                if not top and style.valign == "TOP":
                    return None
                rest.append(f)
            attempted = True
    return tuple(top), tuple(rest)


def _first_part(n: int, cmds: list, nrows: int) -> list:
    out = []
    for op, (sc, sr), (ec, er), *rest in cmds:
        if sr < 0:
            sr += nrows
        if sr >= n:
            continue
        if er >= n:
            er = n - 1
        out.append((op, (sc, sr), (ec, er), *rest))
    return out


def _second_part(n: int, nrows: int, repeat: list[int], cmds: list) -> list:
    nrr = len(repeat)
    out = []
    for op, (sc, sr), (ec, er), *rest in cmds:
        if sr < 0:
            sr += nrows
        if er < 0:
            er += nrows
        common = set(range(sr, er + 1)) & set(repeat)
        if common:
            out.append((op, (sc, repeat.index(min(common))), (ec, repeat.index(max(common))), *rest))
        if er < n:
            continue
        sr = max(sr - n, 0) + nrr
        er = max(er - n, 0) + nrr
        out.append((op, (sc, sr), (ec, er), *rest))
    return out


def _stretch(n: int, cmds: list, rows: int) -> list:
    """Commands of a table whose row `n` becomes two rows."""
    out = []
    for op, (sc, sr), (ec, er), *rest in cmds:
        if er < 0:
            er += rows
        if sr < 0:
            sr += rows
        if er > n or (er == n and (sr < n or (sr == n and op != "LINEABOVE"))):
            er += 1
        if sr > n or (sr == n and op == "LINEBELOW"):
            sr += 1
        out.append((op, (sc, sr), (ec, er), *rest))
    return out


__all__ = ["FUZZ", "CellStyle", "Grid"]
