"""Build the plain `Document` that the exporters typeset, from a report and its template.

This is where numbering happens (一、, （一）, 1., 表 N-M, 图 N-M), fixed tables are filled
from the indicators and free tables get their 序号 and 合计, so Excel and PDF agree.
"""

from __future__ import annotations

from db.store import SectionRow
from desktop import charts, live, text
from desktop import document as d
from desktop.free_tables import read_rows
from desktop.report import Report, reading_order
from desktop.template import Chapter, FreeTable, Indicator, IndicatorTable, Template, case_title
from desktop.values import NA, ParseError, ValueType

_CN_DIGITS = "〇一二三四五六七八九"
_CN_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def chinese_date(iso: str) -> str:
    """"2021-11" → "二〇二一年十一月" (the style of a formal report's cover)."""
    try:
        year, month = iso.split("-")[:2]
        return "".join(_CN_DIGITS[int(c)] for c in year) + "年" + _CN_MONTHS[int(month) - 1] + "月"
    except (ValueError, IndexError):
        return iso


def cell(vtype: ValueType, value: str | None) -> d.Cell:
    if value is None:
        return d.Cell()
    if value == NA:
        return d.Cell(NA)
    number = vtype.number(value) if vtype.kind not in ("ratio", "text") else None
    return d.Cell(vtype.display(value), number, vtype.places_of(value))


def data_tables(report: Report, shown=None) -> list[d.DataTable]:
    """Every indicator table of the report's edition, filled."""
    if shown is None:
        shown = report.shown()
    return [data_table(report, table, shown) for table in report.template.indicator_tables]


def data_table(report: Report, table: IndicatorTable | None = None, shown=None) -> d.DataTable:
    """One indicator table (default: the first) with a cell per year for each row."""
    if table is None:
        table = report.template.indicator_tables[0]
    if shown is None:
        shown = report.shown()
    years = report.years
    notes = report.file.notes()
    rows = []
    for ind in table.rows:
        first_child = bool(ind.parent) and report.template.indicators[ind.parent].children[0] == ind.id
        cells = tuple(cell(ind.type, _value(shown, ind, y)) for y in years)
        rows.append(
            d.DataRow(
                seq=ind.seq, name=ind.name, unit=ind.unit, cells=cells,
                level=1 if ind.parent else 0, first_child=first_child,
                kind=ind.type.kind, derived=ind.derived, help=ind.help,
                note=_note(notes, ind.id, years),
            )
        )
    return d.DataTable(title=table.heading(report.school), years=years, rows=tuple(rows),
                       sheet=table.sheet, note=table.note, notes=table.notes)


def _note(notes: dict[tuple[str, int], str], indicator: str, years) -> str:
    """The 备注 of a row: this year's note; an earlier year's is named by its year."""
    from desktop import row_notes

    return row_notes.join({y: notes.get((indicator, y), "") for y in years}, years)


def _value(shown, ind: Indicator, year: int) -> str | None:
    s = shown.get((ind.id, year))
    return s.value if s else None


def submission(report: Report) -> d.Submission:
    meta = report.file.meta()
    return d.Submission(
        unit=meta.get("school", ""),
        filler=meta.get("filler", ""),
        reviewer=meta.get("reviewer", ""),
        phone=meta.get("phone", ""),
        date=meta.get("fill_date", ""),
    )


def build(report: Report, photos: bool = True) -> d.Document:
    """The whole document, read as of one moment (edits may go on meanwhile).

    photos=False leaves the photos' bytes unread (figures keep their captions): the Excel
    export has no use for them.
    """
    with report.file.snapshot():
        return _build(report, photos)


def _build(report: Report, with_photos: bool) -> d.Document:
    template = report.template
    shown = report.shown()
    table_numbers = report.table_numbers()
    figure_numbers = report.figure_numbers()
    tables: list[d.Table] = []
    chapters = []
    for chapter in template.chapters:
        sections = report.file.sections(chapter.id)
        if not sections:
            continue
        root = sections[0]
        by_parent: dict[int | None, list[SectionRow]] = {}
        for s in sections[1:]:
            by_parent.setdefault(s.parent, []).append(s)

        def blocks(section: SectionRow) -> list[d.Block]:
            return _blocks(report, section, shown, table_numbers, figure_numbers, tables,
                           with_photos)

        numbers = template.outline_numbers(chapter, sections)
        chapters.append(
            d.Chapter(
                number=template.chapter_heading(chapter),
                title=root.title or chapter.title,
                body=blocks(root),
                sections=_sections(template, chapter, root, 1, by_parent, blocks, numbers),
            )
        )
    meta = report.file.meta()
    cover = report.cover()
    return d.Document(
        school=report.school,
        title=template.title,
        edition=template.id,
        date_text=chinese_date(meta.get("report_date", "")),
        chapters=chapters,
        title_lines=cover.title_lines,
        logo=cover.logo,
        data_tables=data_tables(report, shown),
        submission=submission(report),
        tables=tables,
    )


def _sections(template: Template, chapter: Chapter, parent: SectionRow, level: int,
              by_parent: dict[int | None, list[SectionRow]], blocks,
              numbers: dict[int, str]) -> list[d.Section]:
    """Numbered sections under `parent`, numbered as `Template.outline_numbers` says."""
    result = []
    for s in by_parent.get(parent.id, []):
        title = case_title(s.title) if template.is_case(chapter, s.title) else s.title
        result.append(d.Section(number=numbers[s.id], title=title, level=level, body=blocks(s),
                                sections=_sections(template, chapter, s, level + 1, by_parent,
                                                   blocks, numbers)))
    return result


def _blocks(report: Report, section: SectionRow, shown, table_numbers, figure_numbers,
            all_tables: list[d.Table], with_photos: bool) -> list[d.Block]:
    # live values print as the plain text of their value, in every format
    body_text = live.render(section.text, live.resolver(report, shown))[0] if live.has_markers(
        section.text) else section.text
    paragraphs = text.paragraphs(body_text)
    tables, figures = report.file.tables(section.id), report.file.figures(section.id)
    built = {t.id: _table(report, t, shown, table_numbers.get(t.id, "")) for t in tables}
    all_tables.extend(t for t in built.values() if t is not None)  # in numbering order
    placed: list[tuple[int, d.Block]] = []  # (the paragraph it follows, block)
    for kind, row in reading_order(tables, figures):
        if kind == "table":
            if built[row.id] is not None:
                placed.append((row.after, built[row.id]))
        else:
            photos = tuple(d.Photo(report.file.photo_data(p.id) if with_photos else b"", p.caption)
                           for p in row.photos)
            chart = _chart(report, row.chart, shown) if row.chart else None
            placed.append((row.after, d.Figure(figure_numbers.get(row.id, ""), row.caption,
                                               photos, chart)))
    body: list[d.Block] = []
    queue = list(placed)
    for index, paragraph in enumerate(paragraphs):
        while queue and queue[0][0] <= index:
            body.append(queue.pop(0)[1])
        body.append(paragraph)
    body.extend(item[1] for item in queue)
    return body


def _chart(report: Report, spec: str, shown) -> d.Chart:
    try:
        parsed = charts.ChartSpec.from_json(spec)
        chart = charts.data(report, parsed, shown)
        return d.Chart(chart.kind, chart.categories, chart.series, chart.unit,
                       charts.portable(report, parsed))
    except charts.ChartError:
        return d.Chart("bar", (), ())  # printed as an empty frame; the GUI says why


def _table(report: Report, t, shown, number: str) -> d.Table | None:
    template = report.template
    if t.kind == "fixed":
        spec = template.fixed_tables.get(t.ref)
        if spec is None:
            return None
        year = report.year
        rows = []
        for n, row in enumerate(spec.rows, start=1):
            ind = template.indicators[row.indicator]
            rows.append((d.Cell(str(n)), d.Cell(row.label), d.Cell(ind.unit or "/"),
                         cell(ind.type, _value(shown, ind, year))))
        columns = (d.Column("序号", width=0.6), d.Column("指标", width=5),
                   d.Column("单位", width=0.8), d.Column(f"{year}年", numeric=True, width=1.3))
        return d.Table(number, t.caption or spec.title(report.school), columns, tuple(rows))
    if t.kind == "plain":
        return plain_table(t.rows, number, t.caption)
    spec = template.free_tables.get(t.ref)
    if spec is None:
        return None
    return free_table(spec, t.rows, number, t.caption, t.stated_total)


def plain_table(rows, number: str, caption: str) -> d.Table | None:
    """A table of no kind the edition knows (kept from an imported Word report): its first
    row is the header, cells are printed as they are."""
    if not rows:
        return None
    width = max(len(r) for r in rows)
    header = list(rows[0]) + [""] * (width - len(rows[0]))
    columns = tuple(d.Column(name) for name in header)
    body = tuple(tuple(d.Cell(c) for c in (list(r) + [""] * (width - len(r)))) for r in rows[1:])
    return d.Table(number, caption, columns, body)


def free_table(spec: FreeTable, rows, number: str, caption: str = "",
               stated_total: str | None = None) -> d.Table:
    columns = (d.Column("序号", width=0.6),
               *(d.Column(c.name, numeric=c.numeric, width=c.width) for c in spec.columns))
    read = read_rows(spec, rows)
    out_rows = []
    for r, row in enumerate(rows):
        cells = [d.Cell(str(r + 1))]
        for i, column in enumerate(spec.columns):
            canonical = read.numbers.get((r, i))
            if canonical is not None:
                cells.append(cell(column.type, canonical))
            else:
                cells.append(d.Cell(row[i] if i < len(row) else ""))
        out_rows.append(tuple(cells))
    total = None
    if spec.has_total:
        total_cells = [d.Cell("合计")]
        for i, column in enumerate(spec.columns):
            if column.total:
                # The published total is what the report prints; `check` says when it
                # differs from the rows, so a contradiction is visible, not hidden.
                text = (stated_total if stated_total is not None
                        else column.type.from_number(read.sums[i].total))
                try:
                    total_cells.append(cell(column.type, column.type.parse(text)))
                except ParseError:  # a damaged stored total: printed as it is, `check` names it
                    total_cells.append(d.Cell(text))
            else:
                total_cells.append(d.Cell())
        total = tuple(total_cells)
    return d.Table(number, caption or spec.caption, columns, tuple(out_rows), total)
