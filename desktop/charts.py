"""Charts: a figure drawn from the report's numbers instead of photos.

A chart is stored with its figure as a small JSON spec: bars or a line of chosen
indicators over the years in the file, or of one numeric column of a free table (one bar
per row). `data` turns the spec into a `document.Chart` (numbers and labels, nothing
drawn); `draw_pdf` draws it as vectors on the PDF canvas; `png` paints the same
picture with Pillow for Word and the GUI preview (reportlab's bitmap renderer needs a
separate C extension that is not installed here). Labels are set in the bundled Hei face.
"""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal

from msgspec import Struct

from desktop.document import Chart
from desktop.values import NA

KINDS = {"bar": "柱状图", "line": "折线图"}
PALETTE = ("#2f6f9f", "#d9822b", "#4c9a5b", "#a34f7c", "#7a6cb8", "#8c7a4b", "#3f8f8a", "#c0504d")
FONT_FILE = "NotoSansSC_400Regular.ttf"  # the Hei face (desktop.formats.fonts.HEI)


# A chart exported to Word carries its spec in the picture's alternative text, so importing
# the .docx back gives the chart again, not a picture of it.
CHART_MARK = "qreport-chart "


class ChartMark(bytes):
    """A chart found in a .docx where pictures are collected: its spec (JSON) as bytes."""


class ChartError(ValueError):
    """A stored chart spec that cannot be read; str() is a Chinese sentence."""


class ChartSpec(Struct, frozen=True):
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


def portable(report, spec: ChartSpec) -> str:
    """The spec as a document carries it: a table named by its edition ref as well, since
    a table's id is the file's own and an import makes new tables."""
    data = json.loads(spec.to_json())
    if spec.table is not None:
        with contextlib.suppress(KeyError):  # a table deleted under the chart
            data["ref"] = report.file.table(spec.table).ref
    return json.dumps(data, ensure_ascii=False)


def rebased(spec_json: str, tables_by_ref: dict[str, int]) -> str | None:
    """A portable spec pointed at the tables of the report it is imported into (the last
    table of its ref before it in the section); None when it cannot be read or placed."""
    try:
        data = json.loads(spec_json)
        spec = ChartSpec.from_json(spec_json)
    except (ValueError, ChartError):
        return None
    if spec.table is None:
        return spec.to_json()
    table = tables_by_ref.get(str(data.get("ref", "")))
    if table is None:
        return None
    return ChartSpec(spec.kind, table=table, column=spec.column).to_json()


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
    from desktop.free_tables import read_rows

    column = free.columns[spec.column]
    label_at = next((n for n, c in enumerate(free.columns) if not c.numeric), None)
    read = read_rows(free, table.rows)  # the cells as the print and `check` read them
    labels, values = [], []
    for r, row in enumerate(table.rows):
        label = row[label_at] if label_at is not None and label_at < len(row) else ""
        labels.append(label.strip() or str(r + 1))
        canonical = read.numbers.get((r, spec.column))  # a refused cell: `check` names it
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


# ---------------------------------------------------------------- one geometry, two painters
# The chart is laid out once, in points with the origin at the bottom left, as a list of
# primitives; the PDF canvas draws them as vectors (without reportlab's chart
# package, which costs an export ~60 ms of imports) and Pillow paints the same list for
# Word and the GUI, so the three show one picture.

SIZE = 8.0  # label size, pt
TEXT = "#333333"


class Rect(Struct, frozen=True):
    x: float
    y: float
    w: float
    h: float
    colour: str


class Path(Struct, frozen=True):
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float


class Dot(Struct, frozen=True):
    x: float
    y: float
    r: float
    colour: str


class Text(Struct, frozen=True):
    x: float
    y: float  # baseline
    text: str
    anchor: str  # "start", "middle", "end"
    colour: str = TEXT


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E80 else size * 0.56 for c in text)


def layout(chart: Chart, width: float, height: float) -> list:
    """The chart as primitives within width × height points."""
    size = SIZE
    labels = wrapped(chart, width - 56, size)
    legend = _legend(chart, width) if len(chart.series) > 1 else []
    rows = max((row for _, _, row, _ in legend), default=-1) + 1
    x0, x1 = 44.0, width - 12.0
    base = 8 + _label_lines(labels) * size * 1.2  # the category axis
    plot_h = max(40.0, height - base - (24 + 14 * rows))
    top, step = _ticks(chart)
    out: list = []

    def y_of(v: float) -> float:
        return base + plot_h * v / top

    for k in range(round(top / step) + 1):
        y = y_of(step * k)
        out.append(Path(((x0, y), (x1, y)), "#dddddd", 0.5))
        out.append(Text(x0 - 4, y - size * 0.35, label(Decimal(str(round(step * k, 2)))), "end"))
    out.append(Path(((x0, base), (x1, base)), TEXT, 0.7))
    slot = (x1 - x0) / max(1, len(labels))
    for k, name in enumerate(labels):
        for n, line in enumerate(name.split("\n")):
            out.append(Text(x0 + slot * (k + 0.5), base - 3 - size * (0.85 + 1.2 * n), line,
                            "middle"))
    count = max(1, len(chart.series))
    for s, (_, values) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        run: list[tuple[float, float]] = []
        for k, v in enumerate([*values, None]):
            if v is None:
                if chart.kind == "line" and len(run) > 1:
                    out.append(Path(tuple(run), colour, 1.6))
                run = []
                continue
            cx, y = x0 + slot * (k + 0.5), y_of(float(v))
            if chart.kind == "bar":
                gap = slot * (0.2 if len(labels) > 6 else 0.3)
                bw = (slot - gap) / count
                bx = x0 + slot * k + gap / 2 + bw * s
                out.append(Rect(bx, base, bw, y - base, colour))
                out.append(Text(bx + bw / 2, y + 2.5, label(v), "middle", "#222222"))
            else:
                run.append((cx, y))
                out.append(Dot(cx, y, 2.0, colour))
                out.append(Text(cx, y + 5, label(v), "middle", "#222222"))
    if chart.unit:
        out.append(Text(4, height - 10, f"单位：{chart.unit}", "start", "#444444"))
    for x, name, row, colour in legend:
        y = height - 16 - 13 * row
        out.append(Rect(x, y, 8, 8, colour))
        out.append(Text(x + 12, y + 1, name, "start"))
    return out


def _legend(chart: Chart, width: float) -> list[tuple[float, str, int, str]]:
    """(x, name, row, colour) of each series' key: side by side, a new row when full."""
    keys, x, row = [], 52.0, 0
    for s, (name, _) in enumerate(chart.series):
        need = 24 + _text_width(name, SIZE)
        if x > 52.0 and x + need > width - 8:
            x, row = 52.0, row + 1
        keys.append((x, name, row, PALETTE[s % len(PALETTE)]))
        x += need
    return keys


def draw_pdf(canv, chart: Chart, width: float, height: float, font: str = "NotoSansSC") -> None:
    """Draw the chart on a reportlab canvas, its bottom left at the origin; `font` must be
    registered.  (No reportlab.graphics: its Drawing is a platypus flowable, and importing
    platypus alone costs an export ~50 ms.)"""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for p in layout(chart, width, height):
        canv.saveState()
        if isinstance(p, Rect):
            canv.setFillColor(_rgb(p.colour))
            canv.rect(p.x, p.y, p.w, p.h, stroke=0, fill=1)
        elif isinstance(p, Path):
            canv.setStrokeColor(_rgb(p.colour))
            canv.setLineWidth(p.width)
            path = canv.beginPath()
            path.moveTo(*p.points[0])
            for xy in p.points[1:]:
                path.lineTo(*xy)
            canv.drawPath(path, stroke=1, fill=0)
        elif isinstance(p, Dot):
            canv.setFillColor(_rgb(p.colour))
            canv.circle(p.x, p.y, p.r, stroke=0, fill=1)
        else:
            canv.setFillColor(_rgb(p.colour))
            canv.setFont(font, SIZE)
            x = p.x
            if p.anchor != "start":
                w = stringWidth(p.text, font, SIZE)
                x -= w if p.anchor == "end" else w * 0.5
            canv.drawString(x, p.y, p.text)
        canv.restoreState()


def _rgb(colour: str):
    """"#rrggbb" as a reportlab colour."""
    from reportlab.lib.colors import HexColor

    return HexColor(colour)


def png(chart: Chart, width_pt: float, height_pt: float | None = None, scale: float = 3.0) -> bytes:
    """The same chart as a PNG, `scale` pixels per point (3: about 216 dpi in print)."""
    from PIL import Image, ImageDraw, ImageFont

    from desktop.font_files import font_path

    height_pt = height_pt or width_pt * 0.48
    img = Image.new("RGB", (round(width_pt * scale), round(height_pt * scale)), "white")
    g = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path(FONT_FILE)), round(SIZE * scale))
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, (height_pt - y) * scale

    for p in layout(chart, width_pt, height_pt):
        if isinstance(p, Rect):
            (ax, ay), (bx, by) = at(p.x, p.y + p.h), at(p.x + p.w, p.y)
            g.rectangle([ax, ay, bx, by], fill=p.colour)
        elif isinstance(p, Path):
            g.line([at(x, y) for x, y in p.points], fill=p.colour,
                   width=max(1, round(p.width * scale)), joint="curve")
        elif isinstance(p, Dot):
            x, y = at(p.x, p.y)
            r = p.r * scale
            g.ellipse([x - r, y - r, x + r, y + r], fill=p.colour)
        else:
            g.text(at(p.x, p.y), p.text, font=font, fill=p.colour, anchor=anchors[p.anchor])
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
