"""Importing values from a workbook: plan (old → new, refusals), then apply all or nothing.

Rows are matched to indicators by their normalised name: a top-level name is unique in the
template; a 其中 row (国家级, 省级 …) is matched among the sub-rows of the indicator row
above it. A row that matches nothing is reported, never guessed at. Every cell the type
refuses is reported with its row, indicator, year and text; if any cell is refused,
nothing is applied.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from desktop.errors import UserError
from desktop.report import Report, ValueRefused
from desktop.template import Indicator
from desktop.testmarks import mark
from desktop.values import NA


class Change(Struct, frozen=True):
    indicator: str
    name: str
    year: int
    old: str | None
    new: str | None

    def describe(self) -> str:
        return f"{self.name}（{self.year}年）：{self.old if self.old is not None else '空'} → {self.new}"


class NoteChange(Struct, frozen=True):
    """A row's 备注 (the indicator's 说明 for a year), text as typed; "" is no note."""

    indicator: str
    name: str
    year: int
    old: str
    new: str

    def describe(self) -> str:
        return f"{self.name}（{self.year}年）备注：{self.old or '空'} → {self.new}"


class TableChange(Struct, frozen=True):
    """A free table's rows as a collection workbook returns them."""

    ref: str  # free table id
    caption: str
    table_id: int | None  # the report's table, or None: it is added to the chapter
    old: tuple[tuple[str, ...], ...]
    new: tuple[tuple[str, ...], ...]

    def describe(self) -> str:
        return f"《{self.caption}》：{len(self.old)} 行 → {len(self.new)} 行"


class ImportPlan(Struct):
    book: Path
    sheet: str = ""
    changes: list[Change] = field(default_factory=list)
    note_changes: list[NoteChange] = field(default_factory=list)
    # where each (indicator, year)'s 备注 was first read, across the workbook's tables
    note_from: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    tables: list[TableChange] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # cells that cannot be imported
    unmatched: list[str] = field(default_factory=list)  # rows naming no indicator
    notes: list[str] = field(default_factory=list)  # worth telling, not blocking

    @property
    def items(self) -> list[Change | NoteChange | TableChange]:
        """Everything the plan would change, in the order it is shown."""
        return [*self.changes, *self.note_changes, *self.tables]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.unmatched

    def summary(self) -> str:
        if not self.ok:
            return f"{self.book.name}：{len(self.refused) + len(self.unmatched)} 处无法导入，未做任何修改。"
        tables = f"，{len(self.tables)} 张表" if self.tables else ""
        notes = f"，{len(self.note_changes)} 条备注" if self.note_changes else ""
        if not self.items:
            return f"{self.book.name}：没有需要更新的数值（{self.unchanged} 个数值相同）。"
        return (f"{self.book.name}：将更新 {len(self.changes)} 个数值{notes}{tables}"
                f"（{self.unchanged} 个数值相同）。")


class ImportRefused(UserError):
    """The workbook cannot be imported at all (not a workbook, no data sheet …)."""


def plan_import(report: Report, book: Path | str, sheet: str | None = None) -> ImportPlan:
    """What importing the workbook would change, and every cell it cannot take (named by sheet
    and cell, 质量数据表!E12). `sheet` names the sheet to read when several could be the table."""
    from desktop.formats import xlsx_read

    book = Path(book)
    try:
        wb = xlsx_read.open_workbook_safely(book)
    except xlsx_read.WorkbookError as exc:
        raise ImportRefused(str(exc)) from exc
    try:
        meta = _collection_meta(wb)
        _check_belongs(report, meta, book)
        # the edition's sheets, then an earlier edition's (last year's 质量数据表: its rows are
        # read through the renames, see plan_values)
        from desktop import earlier

        names = [t.sheet for t in report.template.indicator_tables]
        names += [t.sheet for e in earlier.earlier_editions(report.template)
                  for t in e.edition.indicator_tables if t.sheet not in names]
        raws = xlsx_read.read_data_sheets(wb, names, data_year=report.year, sheet=sheet)
        plan = ImportPlan(book, "、".join(r.sheet for r in raws),
                          notes=[p for r in raws for p in r.problems],
                          refused=[r for raw in raws for r in raw.refused])
        # a column with no value brings nothing: saying it "will be imported too" misleads
        others = sorted({y for r in raws for row in r.rows for y, text in row.values.items()
                         if text and text.strip()} - set(report.years))
        if others:
            # kept, not dropped: the file holds every year, and next year's report needs them
            plan.notes.append(
                f"工作簿还含有 {'、'.join(map(str, others))} 年的数据，将一并导入（本报告为 "
                f"{report.years[0]}—{report.years[1]} 年）。"
            )
        if meta:
            _plan_tables(report, wb, plan)
        else:
            _lost_meta(report, wb, plan)
    except xlsx_read.WorkbookError as exc:
        raise ImportRefused(str(exc)) from exc
    finally:
        wb.close()
    first: dict[tuple[str, int], tuple[str, str | None]] = {}  # (cell, value) a value was first read from
    for raw in raws:
        plan_values(report, raw, plan, first)
    return plan


def _plan_note(raw, row, ind: Indicator, plan: ImportPlan, notes: dict[tuple[str, int], str]) -> None:
    """A row's 备注 cell as the indicator's notes by year (desktop.row_notes); an empty cell
    means "not provided", never "remove the note", as for values."""
    from desktop import matcher, row_notes
    from desktop.values import clean_text

    years = sorted(set(raw.year_of_column.values()))
    if not row.note.strip() or not years:
        return
    where = raw.table.where(matcher.cell_ref(raw.table.header.note, row.row))
    first = plan.note_from
    said = {y: notes.get((ind.id, y), "") for y in years}
    if clean_text(row.note) == clean_text(row_notes.join(said, years)):
        # the cell as this report writes it: its notes, even where a note's own text holds a
        # "；2021年：" that splitting would take for another year's
        by_year = {y: text for y, text in said.items() if text}
    else:
        by_year = row_notes.split(row.note, years, years[-1])
    for year, text in by_year.items():
        new = clean_text(text)
        key = (ind.id, year)
        if key in first:  # the same indicator in two tables: fine if its 备注 says the same
            if first[key][1] != new:
                plan.refused.append(f"{where} {ind.name}（{year}年）的备注与 {first[key][0]} 的备注不同")
            continue
        first[key] = (where, new)
        old = notes.get(key, "")
        if old != new:
            plan.note_changes.append(NoteChange(ind.id, ind.name, year, old, new))


def plan_values(report: Report, raw, plan: ImportPlan,
                 first: dict[tuple[str, int], tuple[str, str | None]]) -> None:
    """Each matched row's cells parsed by the indicator's type, or refused naming the cell.
    `first`: where each (indicator, year) was first read, across the workbook's tables.
    `raw` is any reader's table in the matcher's terms (`.table`, `.year_of_column`): a
    workbook sheet, or a Word table (desktop.word_import)."""
    from desktop import earlier, matcher

    template = report.template
    table = raw.table
    # last year's table in an earlier edition's wording: read through the renames
    editions = [e.reading(raw.year_of_column.values())
                for e in earlier.earlier_editions(template, tuple(report.years))]
    earlier.translate(template, editions, table, raw.year_of_column, plan)
    # rows restated in another table under their own wording (template.by_name) match too
    matching = matcher.match_rows(table, template.indicators, aliases=template.by_name)
    plan.unmatched += matching.unmatched
    plan.notes += table.skipped + matching.skipped
    current = report.file.values()
    shown = report.shown(current)
    notes = report.file.notes()
    uncached: list[str] = []
    for match in matching.matches:
        row, ind = match.row, template.indicators[match.indicator]
        if row.hidden:
            if row.has_values() or row.note.strip():
                plan.refused.append(
                    f"{table.sheet} 第 {row.row} 行（{ind.name}）是隐藏行：请在 Excel/WPS 中取消隐藏并核对，"
                    "或删除该行后再导入")
            continue
        _plan_note(raw, row, ind, plan, notes)
        for column, cell in sorted(row.cells.items()):
            year = raw.year_of_column.get(column)
            if year is not None and cell.merged:  # reads empty, shows the range's first value
                plan.refused.append(
                    f"{table.where(cell.ref)} {ind.name}（{year}年）在合并单元格 {cell.merged} 中，"
                    "显示的是另一格的值：请在 Excel/WPS 中取消合并，每个指标、每个年份各填一格")
                continue
            if year is None or cell.empty:
                continue  # an empty cell means "not provided", never "clear the value"
            where = table.where(cell.ref)
            if cell.uncached:
                if ind.derived:  # the report computes it from its inputs: nothing is lost
                    plan.notes.append(f"{where} {ind.name}（{year}年）是没有保存结果的公式，"
                                      "未导入；本报告按公式自行计算。")
                else:
                    uncached.append(cell.ref)
                continue
            try:
                text, unit = matcher.value_input(ind.type, cell, row.unit)
                new = report.parse(ind.id, year, text, unit)
            except matcher.CellRefused as exc:
                plan.refused.append(f"{where} {ind.name}（{year}年）{exc}")
                continue
            except ValueRefused as exc:
                plan.refused.append(f"{where} {exc}")
                continue
            key = (ind.id, year)
            if key in first:  # the same indicator twice: fine if it says the same
                if not same_value(ind, first[key][1], new):
                    plan.refused.append(
                        f"{where} {ind.name}（{year}年）为 {new}，与 {first[key][0]} 的 {first[key][1]} 不同"
                    )
                continue
            first[key] = (where, new)
            old = current.get(key)
            # A derived value the report computes anyway comes back from every exported or
            # collection workbook: it is no change, and storing it would freeze it.
            known = old if old is not None else (shown[key].value if key in shown else None)
            if same_value(ind, known, new):
                plan.unchanged += 1
            else:
                plan.changes.append(Change(ind.id, ind.name, year, old, new))
    if uncached:
        shown_refs = "、".join(uncached[:8]) + (f" 等 {len(uncached)} 个单元格" if len(uncached) > 8 else "")
        plan.refused.append(
            f"{table.sheet}!{shown_refs} 是公式，但工作簿中没有保存计算结果（工作簿可能是由程序生成的）："
            "请先用 Excel 或 WPS 打开并保存该工作簿，再导入")


def _lost_meta(report: Report, wb, plan: ImportPlan) -> None:
    """A collection workbook whose hidden qreport sheet is gone (copied sheet by sheet into a
    new workbook, or deleted): its values still import, but nothing confirms the school and
    year, and its tables are not taken: said, not silently dropped."""
    from desktop import collect

    tables = [spec.caption for spec in report.template.free_tables.values()
              if collect.table_sheet_title(spec) in wb.sheetnames]
    if collect.DATA_SHEET not in wb.sheetnames and not tables:
        return
    line = "这像是一份部门采集表，但缺少其中隐藏的“qreport”工作表，无法确认它属于本校和本年度，请核对"
    if tables:
        line += f"；其中的表格（{'、'.join(tables)}）不会导入"
    plan.notes.append(line + "。")


def same_value(ind: Indicator, a: str | None, b: str | None) -> bool:
    """The same value: equal text, or equal numbers however many decimals Excel showed
    (12000.00 comes back as 12000); not applicable is never the same as 0."""
    if a == b:
        return True
    if a is None or b is None or NA in (a, b):
        return False
    x, y = ind.type.number(a), ind.type.number(b)
    return x is not None and x == y


def _collection_meta(wb) -> dict[str, str]:
    """School, edition, year and department of a collection workbook; {} for other books."""
    from desktop import collect
    from desktop.formats import xlsx_read

    if collect.META_SHEET not in wb.sheetnames:
        return {}
    meta = {}
    for row in wb[collect.META_SHEET].iter_rows(max_row=20, max_col=2, values_only=True):
        if row and row[0]:
            meta[xlsx_read.cell_text(row[0])] = xlsx_read.cell_text(row[1] if len(row) > 1 else None)
    return meta


def _check_belongs(report: Report, meta: dict[str, str], book: Path) -> None:
    if not meta:
        return
    if meta.get("school") and meta["school"] != report.school:
        raise ImportRefused(f"{book.name} 是“{meta['school']}”的采集表，不是本校（{report.school}）的。")
    if meta.get("year") and meta["year"] != str(report.year):
        raise ImportRefused(
            f"{book.name} 是 {meta['year']} 年的采集表，本报告的数据年度是 {report.year} 年。"
        )


def _plan_tables(report: Report, wb, plan: ImportPlan) -> None:
    from openpyxl.utils import get_column_letter

    from desktop import collect
    from desktop.formats import xlsx_read
    from desktop.values import ParseError

    stored = {}
    for t in report.file.tables():
        if t.kind == "free":
            stored.setdefault(t.ref, t)
    for spec in report.template.free_tables.values():
        title = collect.table_sheet_title(spec)
        if title not in wb.sheetnames:
            continue
        rows = []
        width = len(spec.columns)
        ws = wb[title]
        formulas = xlsx_read.formula_cells(ws, 4 + xlsx_read.MAX_ROWS)
        for number, cells in enumerate(
            ws.iter_rows(min_row=4, max_row=4 + xlsx_read.MAX_ROWS, min_col=2, max_col=1 + width,
                         values_only=True), start=4):
            texts = [xlsx_read.cell_text(c) for c in cells] + [""] * (width - len(cells))
            uncached = [column.name for i, column in enumerate(spec.columns)
                        if not texts[i] and f"{get_column_letter(i + 2)}{number}" in formulas]
            if uncached:  # it would read as empty: the row would lose what the formula shows
                plan.refused.append(
                    f"《{spec.caption}》第 {number} 行 {'、'.join(uncached)}是公式，"
                    "但工作簿中没有保存计算结果：请先用 Excel 或 WPS 打开并保存该工作簿，再导入")
            if not any(texts):
                continue
            for column, text in zip(spec.columns, texts, strict=True):
                if column.numeric and text:
                    try:
                        column.type.parse(text)
                    except ParseError as exc:
                        plan.refused.append(f"《{spec.caption}》第 {number} 行 {exc.describe(column.name)}")
            rows.append(tuple(texts))
        current = stored.get(spec.id)
        old = current.rows if current else ()
        if tuple(rows) != old:
            plan.tables.append(TableChange(spec.id, spec.caption, current.id if current else None,
                                           old, tuple(rows)))


class Written(Struct, frozen=True):
    """What `write` changed, for `unwrite`: (indicator, year, new, old) values and, per
    table, (table id, rows before or None when it was added, published total before)."""

    values: tuple[tuple[str, int, str | None, str | None], ...]
    tables: tuple[tuple[int, tuple[tuple[str, ...], ...] | None, str | None], ...]
    notes: tuple[tuple[str, int, str], ...] = ()  # (indicator, year, old 备注)


def apply(report: Report, plan: ImportPlan) -> int:
    """Apply a clean plan in one transaction, after a backup; returns the items changed."""
    from desktop import backups

    if not plan.ok:
        raise ImportRefused(plan.summary())
    if not plan.items:
        return 0
    backups.make_backup(report.file, "import")
    write(report, plan)
    return len(plan.items)


def write(report: Report, plan: ImportPlan) -> Written:
    """The plan's values and table rows in one transaction, logged with the workbook's
    name; the GUI calls this (and `unwrite`) from its undo command."""
    file = report.file
    tables = []
    with file.transaction(f"imported from {plan.book.name}"):
        mark("write-begin")  # a durability test kills the process from here on
        values = tuple(file.set_values((c.indicator, c.year, c.new) for c in plan.changes))
        notes = tuple((n.indicator, n.year, file.set_note(n.indicator, n.year, n.new))
                      for n in plan.note_changes)
        for t in plan.tables:
            if t.table_id is None:
                chapter = report.template.free_tables[t.ref].chapter
                added = file.add_table(file.chapter_root(chapter), "free", t.ref, rows=t.new)
                tables.append((added, None, None))
            else:
                before = file.table(t.table_id)
                file.set_table_rows(t.table_id, t.new)
                # the rows now come from the department: the total is computed, not printed
                file.set_table_field(t.table_id, "stated_total", None)
                tables.append((t.table_id, before.rows, before.stated_total))
    mark("write-end")
    return Written(values, tuple(tables), notes)


def unwrite(report: Report, written: Written, source: str) -> None:
    """Put back what `write` changed (one transaction)."""
    file = report.file
    with file.transaction(source):
        file.set_values((indicator, year, old) for indicator, year, _new, old in written.values)
        for indicator, year, old in written.notes:
            file.set_note(indicator, year, old)
        for table_id, rows, total in written.tables:
            if rows is None:
                file.delete_table(table_id)
            else:
                file.set_table_rows(table_id, rows)
                file.set_table_field(table_id, "stated_total", total)
