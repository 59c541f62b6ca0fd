"""Charts: a figure drawn from the report's numbers instead of photos.

A chart is stored with its figure as a small JSON spec: bars or a line of chosen
indicators over the years in the file, or of one numeric column of a free table (one bar
per row). `data` turns the spec into a `document.Chart` (numbers and labels, nothing
drawn); `drawing` draws it as reportlab vector graphics for the PDF; `png` paints the same
picture with Pillow for Word and the GUI preview (reportlab's bitmap renderer needs a
separate C extension that is not installed here). Labels are set in the bundled Hei face.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal

from desktop.document import Chart
from desktop.values import NA, ParseError

KINDS = {"bar": "柱状图", "line": "折线图"}
PALETTE = ("#2f6f9f", "#d9822b", "#4c9a5b", "#a34f7c", "#7a6cb8", "#8c7a4b")
FONT_FILE = "NotoSansSC_400Regular.ttf"  # the Hei face (desktop.formats.fonts.HEI)


class ChartError(ValueError):
    """A stored chart spec that cannot be read; str() is a Chinese sentence."""


@dataclass(frozen=True)
class ChartSpec:
    kind: str = "bar"
    indicators: tuple[str, ...] = ()  # over the years
    years: tuple[int, ...] = ()  # empty: every year in the file with a value
    table: int | None = None  # or: a stored free table's id …
    column: int = 0  # … and the index of its numeric column

    def to_json(self) -> str:
        if self.table is not None:
            data = {"kind": self.kind, "table": self.table, "column": self.column}
        else:
            data = {"kind": self.kind, "indicators": list(self.indicators),
                    "years": list(self.years)}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ChartSpec:
        try:
            data = json.loads(text)
            kind = data.get("kind", "bar")
            if kind not in KINDS:
                raise ValueError(kind)
            if data.get("table") is not None:
                return cls(kind, table=int(data["table"]), column=int(data.get("column", 0)))
            return cls(kind, tuple(str(i) for i in data.get("indicators", ())),
                       tuple(int(y) for y in data.get("years", ())))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ChartError("图表的设置已损坏，请重新选择数据。") from exc


def data(report, spec: ChartSpec, shown: dict | None = None) -> Chart:
    """The numbers a spec draws, read from the report (derived values filled in)."""
    if spec.table is not None:
        return _table_data(report, spec)
    template = report.template
    if shown is None:
        shown = report.shown()
    inds = [template.indicators[i] for i in spec.indicators if i in template.indicators]
    inds = [i for i in inds if i.type.kind not in ("text",)]
    years = list(spec.years) or sorted(
        {y for (i, y), s in shown.items() if i in spec.indicators and _value(s) not in (None,)})
    series = []
    for ind in inds:
        values = []
        for year in years:
            value = _value(shown.get((ind.id, year)))
            values.append(None if value in (None, NA) else ind.type.number(value))
        series.append((ind.name, tuple(values)))
    units = {i.unit for i in inds}
    unit = units.pop() if len(units) == 1 else ""
    return Chart(spec.kind, tuple(f"{y}年" for y in years), tuple(series),
                 "" if unit in ("/", "") else unit)


def _value(shown):
    return getattr(shown, "value", shown)


def _table_data(report, spec: ChartSpec) -> Chart:
    try:
        table = report.file.table(spec.table)
    except KeyError:
        return Chart(spec.kind, (), ())
    free = report.template.free_tables.get(table.ref)
    if free is None or not 0 <= spec.column < len(free.columns):
        return Chart(spec.kind, (), ())
    column = free.columns[spec.column]
    label_at = next((n for n, c in enumerate(free.columns) if not c.numeric), None)
    labels, values = [], []
    for n, row in enumerate(table.rows, start=1):
        label = row[label_at] if label_at is not None and label_at < len(row) else str(n)
        text = row[spec.column] if spec.column < len(row) else ""
        try:
            canonical = column.type.parse(text)
        except ParseError:
            canonical = None  # `check` names the cell; the chart leaves a gap
        labels.append(label.strip() or str(n))
        values.append(column.type.number(canonical) if canonical not in (None, NA) else None)
    return Chart(spec.kind, tuple(labels), ((column.name, tuple(values)),))


def label(value: Decimal | None) -> str:
    """A value printed on its bar: as few decimals as it has, at most two."""
    if value is None:
        return ""
    q = value.quantize(Decimal("0.01"))
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _ticks(chart: Chart) -> tuple[float, float]:
    """(top of the value axis, step between its labels): round numbers with room above the
    highest bar for its value."""
    import math

    values = [float(v) for _, vs in chart.series for v in vs if v is not None]
    high = max(values, default=0.0) * 1.12
    if high <= 0:
        return 1.0, 0.2
    raw = high / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.ceil(high / step) * step, step


_NO_START = set("，。、；：？！）》」』”’,.;:?!)")
_NO_END = set("（《「『“‘(")
MAX_LINES = 3


def wrapped(chart: Chart, width: float, size: float) -> list[str]:
    """Category labels broken into lines that fit their slot (Chinese breaks between any
    characters, but a line never starts with a closing mark nor ends with an opening one);
    at most MAX_LINES lines, the rest elided."""
    if not chart.categories:
        return []
    per_line = max(2, int(width / len(chart.categories) / size * 0.92))
    result = []
    for name in chart.categories:
        lines: list[str] = []
        rest = name
        while rest:
            cut = min(per_line, len(rest))
            while 1 < cut < len(rest) and (rest[cut] in _NO_START or rest[cut - 1] in _NO_END):
                cut -= 1
            lines.append(rest[:cut])
            rest = rest[cut:]
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES]
            lines[-1] = lines[-1][:-1] + "…"
        result.append("\n".join(lines))
    return result


def _label_lines(labels: list[str]) -> int:
    return max((label.count("\n") + 1 for label in labels), default=1)


# ---------------------------------------------------------------- vectors for the PDF


def drawing(chart: Chart, width: float, height: float | None = None, font: str = "NotoSansSC"):
    """A reportlab Drawing (a platypus flowable) of the chart; `font` must be registered."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    height = height or width * 0.48
    size = 8
    labels = wrapped(chart, width - 56, size)
    bottom = 8 + _label_lines(labels) * size * 1.2
    legend = len(chart.series) > 1
    top_room = 24 + (14 if legend else 0)
    d = Drawing(width, height)
    d.initialFontName, d.initialFontSize = font, size  # else a non-embedded Helvetica is named
    c = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    c.x, c.y = 44, bottom
    c.width, c.height = width - 56, max(40, height - bottom - top_room)
    c.data = [tuple(float(v) if v is not None else None for v in vs) for _, vs in chart.series] \
        or [()]
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax, c.valueAxis.valueStep = _ticks(chart)
    c.valueAxis.labels.fontName = font
    c.valueAxis.labels.fontSize = size
    c.valueAxis.labelTextFormat = lambda v: label(Decimal(str(v)))
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    c.categoryAxis.categoryNames = labels
    c.categoryAxis.labels.fontName = font
    c.categoryAxis.labels.fontSize = size
    c.categoryAxis.labels.leading = size * 1.2
    c.categoryAxis.labels.boxAnchor = "n"
    series_values = [vs for _, vs in chart.series]

    def value_text(row: int, col: int) -> str:
        return label(series_values[row][col]) if row < len(series_values) else ""

    if chart.kind == "bar":
        c.barLabelFormat = "values"
        c.barLabels.fontName = font
        c.barLabels.fontSize = size
        c.barLabels.nudge = 7
        c.barLabelArray = [[value_text(r, k) for k in range(len(vs))]
                           for r, vs in enumerate(series_values)]
        c.groupSpacing = 10 if len(chart.categories) > 6 else 24
        for n in range(len(chart.series)):
            c.bars[n].fillColor = colors.HexColor(PALETTE[n % len(PALETTE)])
            c.bars[n].strokeColor = None
    else:
        c.lineLabelFormat = "values"
        c.lineLabelArray = [[value_text(r, k) for k in range(len(vs))]
                            for r, vs in enumerate(series_values)]
        c.lineLabels.fontName = font
        c.lineLabels.fontSize = size
        c.lineLabels.dy = 7
        c.joinedLines = 1
        for n in range(len(chart.series)):
            colour = colors.HexColor(PALETTE[n % len(PALETTE)])
            c.lines[n].strokeColor = colour
            c.lines[n].strokeWidth = 1.6
            c.lines[n].symbol = makeMarker("FilledCircle", size=4, fillColor=colour,
                                           strokeColor=colour)
    d.add(c)
    if chart.unit:
        d.add(String(4, height - 12, f"单位：{chart.unit}", fontName=font, fontSize=size,
                     fillColor=colors.HexColor("#444444")))
    if legend:
        lg = Legend()
        lg.fontName, lg.fontSize = font, size
        lg.alignment = "right"
        lg.x, lg.y = 52, height - 6
        lg.boxAnchor = "nw"
        lg.columnMaximum = 1
        lg.deltax, lg.dxTextSpace, lg.dx, lg.dy = 12, 4, 8, 8
        lg.colorNamePairs = [(colors.HexColor(PALETTE[n % len(PALETTE)]), name)
                             for n, (name, _) in enumerate(chart.series)]
        d.add(lg)
    return d


# ---------------------------------------------------------------- a picture for Word and the GUI


def png(chart: Chart, width_pt: float, height_pt: float | None = None, scale: float = 3.0) -> bytes:
    """The same chart as a PNG, `scale` pixels per point (3: about 216 dpi in print)."""
    from PIL import Image, ImageDraw, ImageFont

    from desktop.font_files import font_path

    height_pt = height_pt or width_pt * 0.48
    W, H = int(width_pt * scale), int(height_pt * scale)
    img = Image.new("RGB", (W, H), "white")
    g = ImageDraw.Draw(img)
    size = 8 * scale
    font = ImageFont.truetype(str(font_path(FONT_FILE)), int(size))
    labels = wrapped(chart, width_pt - 56, 8)
    bottom = (8 + _label_lines(labels) * 8 * 1.2) * scale
    legend = len(chart.series) > 1
    top_room = (24 + (14 if legend else 0)) * scale
    x0, x1 = 44 * scale, W - 12 * scale
    y_axis = H - bottom  # the category axis, in image coordinates
    plot_h = max(40 * scale, H - bottom - top_room)
    top, step = _ticks(chart)

    def y_of(v: float) -> float:
        return y_axis - plot_h * v / top

    # grid and value labels
    for k in range(round(top / step) + 1):
        v = step * k
        y = y_of(v)
        g.line([(x0, y), (x1, y)], fill="#dddddd", width=max(1, int(scale / 2)))
        text = label(Decimal(str(round(v, 2))))
        w = g.textlength(text, font=font)
        g.text((x0 - w - 4 * scale, y - size / 2), text, font=font, fill="#333333")
    g.line([(x0, y_axis), (x1, y_axis)], fill="#333333", width=max(1, int(scale / 2)))
    n = max(1, len(chart.categories))
    slot = (x1 - x0) / n
    count = max(1, len(chart.series))
    for k, name in enumerate(labels):
        cx = x0 + slot * (k + 0.5)
        for n_line, line in enumerate(name.split("\n")):
            w = g.textlength(line, font=font)
            g.text((cx - w / 2, y_axis + 3 * scale + n_line * size * 1.2), line, font=font,
                   fill="#333333")
    for s, (_, values) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        points = []
        for k, v in enumerate(values):
            cx = x0 + slot * (k + 0.5)
            if v is None:
                points.append(None)
                continue
            y = y_of(float(v))
            text = label(v)
            tw = g.textlength(text, font=font)
            if chart.kind == "bar":
                gap = slot * (0.2 if n > 6 else 0.3)
                bw = (slot - gap) / count
                bx = x0 + slot * k + gap / 2 + bw * s
                g.rectangle([bx, y, bx + bw, y_axis], fill=colour)
                g.text((bx + bw / 2 - tw / 2, y - size * 1.3), text, font=font, fill="#222222")
            else:
                points.append((cx, y))
                g.text((cx - tw / 2, y - size * 1.6), text, font=font, fill="#222222")
        if chart.kind == "line":
            run = []
            for p in [*points, None]:
                if p is None:
                    if len(run) > 1:
                        g.line(run, fill=colour, width=int(1.6 * scale))
                    run = []
                else:
                    run.append(p)
            r = 2 * scale
            for p in points:
                if p is not None:
                    g.ellipse([p[0] - r, p[1] - r, p[0] + r, p[1] + r], fill=colour)
    if chart.unit:
        g.text((4 * scale, 2 * scale), f"单位：{chart.unit}", font=font, fill="#444444")
    if legend:
        x = 52 * scale
        for s, (name, _) in enumerate(chart.series):
            colour = PALETTE[s % len(PALETTE)]
            g.rectangle([x, 8 * scale, x + 8 * scale, 16 * scale], fill=colour)
            g.text((x + 12 * scale, 7 * scale), name, font=font, fill="#333333")
            x += 12 * scale + g.textlength(name, font=font) + 12 * scale
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False)
    return out.getvalue()
