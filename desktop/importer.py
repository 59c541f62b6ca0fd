"""Importing values from a workbook: plan (old → new, refusals), then apply all or nothing.

Rows are matched to indicators by their normalised name: a top-level name is unique in the
template; a 其中 row (国家级, 省级 …) is matched among the sub-rows of the indicator row
above it. A row that matches nothing is reported, never guessed at. Every cell the type
refuses is reported with its row, indicator, year and text; if any cell is refused,
nothing is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import UserError
from desktop.report import Report, ValueRefused
from desktop.template import Indicator
from desktop.testmarks import mark
from desktop.values import NA


@dataclass(frozen=True)
class Change:
    indicator: str
    name: str
    year: int
    old: str | None
    new: str | None

    def describe(self) -> str:
        return f"{self.name}（{self.year}年）：{self.old if self.old is not None else '空'} → {self.new}"


@dataclass(frozen=True)
class TableChange:
    """A free table's rows as a collection workbook returns them."""

    ref: str  # free table id
    caption: str
    table_id: int | None  # the report's table, or None: it is added to the chapter
    old: tuple[tuple[str, ...], ...]
    new: tuple[tuple[str, ...], ...]

    def describe(self) -> str:
        return f"《{self.caption}》：{len(self.old)} 行 → {len(self.new)} 行"


@dataclass
class ImportPlan:
    book: Path
    sheet: str = ""
    changes: list[Change] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # cells that cannot be imported
    unmatched: list[str] = field(default_factory=list)  # rows naming no indicator
    notes: list[str] = field(default_factory=list)  # worth telling, not blocking

    @property
    def ok(self) -> bool:
        return not self.refused and not self.unmatched

    def summary(self) -> str:
        if not self.ok:
            return f"{self.book.name}：{len(self.refused) + len(self.unmatched)} 处无法导入，未做任何修改。"
        tables = f"，{len(self.tables)} 张表" if self.tables else ""
        if not self.changes and not self.tables:
            return f"{self.book.name}：没有需要更新的数值（{self.unchanged} 个数值相同）。"
        return f"{self.book.name}：将更新 {len(self.changes)} 个数值{tables}（{self.unchanged} 个数值相同）。"


class ImportRefused(UserError):
    """The workbook cannot be imported at all (not a workbook, no data sheet …)."""


def plan_import(report: Report, book: Path | str) -> ImportPlan:
    from desktop.formats import xlsx_read

    book = Path(book)
    try:
        wb = xlsx_read.open_workbook_safely(book)
    except xlsx_read.WorkbookError as exc:
        raise ImportRefused(str(exc)) from exc
    try:
        meta = _collection_meta(wb)
        _check_belongs(report, meta, book)
        raws = xlsx_read.read_data_sheets(wb, [t.sheet for t in report.template.indicator_tables])
        plan = ImportPlan(book, "、".join(r.sheet for r in raws),
                          notes=[p for r in raws for p in r.problems])
        others = sorted({y for r in raws for y in r.years} - set(report.years))
        if others:
            # kept, not dropped: the file holds every year, and next year's report needs them
            plan.notes.append(
                f"工作簿还含有 {'、'.join(map(str, others))} 年的数据，将一并导入（本报告为 "
                f"{report.years[0]}—{report.years[1]} 年）。"
            )
        if meta:
            _plan_tables(report, wb, plan)
    except xlsx_read.WorkbookError as exc:
        raise ImportRefused(str(exc)) from exc
    finally:
        wb.close()
    template = report.template
    names = {xlsx_read.normalise_name(i.name): i for i in template.indicators.values() if not i.parent}
    current = report.file.values()
    shown = report.shown(current)
    first: dict[tuple[str, int], tuple[str, str | None]] = {}  # (where, value) a cell was first read from
    names.update({xlsx_read.normalise_name(name): template.indicators[i]
                  for name, i in template.by_name.items()})  # rows restated under their own wording
    rows = [(f"“{r.sheet}”" if len(raws) > 1 else "", row) for r in raws for row in r.rows]
    parent: Indicator | None = None
    for where, row in rows:
        at = f"{where}第 {row.row} 行"
        key = xlsx_read.normalise_name(row.name)
        if not key:
            if any(text.strip() for text in row.values.values()):  # whose numbers are these?
                plan.unmatched.append(f"{at}有数值，但没有指标名称。")
            continue
        ind = names.get(key)
        if ind is None and parent is not None:
            ind = next((template.indicators[c] for c in parent.children
                        if xlsx_read.normalise_name(template.indicators[c].name) == key), None)
        if ind is None:
            plan.unmatched.append(f"{at}“{row.name}”不是本版报告的指标。")
            continue
        if not ind.parent:
            parent = ind
        unit = row.unit
        if ind.type.unit_factor(unit) is None:
            plan.notes.append(f"{at}“{row.name}”的单位是“{unit}”，本版的单位是“{ind.unit}”，"
                              f"数值按“{ind.unit}”导入，请核对。")
            unit = ""
        for year, text in sorted(row.values.items()):
            if not text.strip():
                continue  # an empty cell means "not provided", never "clear the value"
            try:
                new = report.parse(ind.id, year, text, unit)
            except ValueRefused as exc:
                plan.refused.append(f"{at} {exc}")
                continue
            cell = (ind.id, year)
            if cell in first:  # the same indicator twice: fine if it says the same
                if not _same(ind, first[cell][1], new):
                    plan.refused.append(
                        f"{at} {ind.name}（{year}年）为 {new}，"
                        f"与{first[cell][0]}的 {first[cell][1]} 不同"
                    )
                continue
            first[cell] = (at, new)
            old = current.get(cell)
            # A derived value the report computes anyway comes back from every exported or
            # collection workbook: it is no change, and storing it would freeze it.
            known = old if old is not None else (shown[cell].value if cell in shown else None)
            if _same(ind, known, new):
                plan.unchanged += 1
            else:
                plan.changes.append(Change(ind.id, ind.name, year, old, new))
    return plan


def _same(ind: Indicator, a: str | None, b: str | None) -> bool:
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
        for number, cells in enumerate(
            ws.iter_rows(min_row=4, max_row=4 + xlsx_read.MAX_ROWS, min_col=2, max_col=1 + width,
                         values_only=True), start=4):
            texts = [xlsx_read.cell_text(c) for c in cells] + [""] * (width - len(cells))
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


@dataclass(frozen=True)
class Written:
    """What `write` changed, for `unwrite`: (indicator, year, new, old) values and, per
    table, (table id, rows before or None when it was added, published total before)."""

    values: tuple[tuple[str, int, str | None, str | None], ...]
    tables: tuple[tuple[int, tuple[tuple[str, ...], ...] | None, str | None], ...]


def apply(report: Report, plan: ImportPlan) -> int:
    """Apply a clean plan in one transaction, after a backup; returns the items changed."""
    from desktop import backups

    if not plan.ok:
        raise ImportRefused(plan.summary())
    if not plan.changes and not plan.tables:
        return 0
    backups.make_backup(report.file, "import")
    write(report, plan)
    return len(plan.changes) + len(plan.tables)


def write(report: Report, plan: ImportPlan) -> Written:
    """The plan's values and table rows in one transaction, logged with the workbook's
    name; the GUI calls this (and `unwrite`) from its undo command."""
    file = report.file
    tables = []
    with file.transaction(f"imported from {plan.book.name}"):
        mark("write-begin")  # a durability test kills the process from here on
        values = tuple(file.set_values((c.indicator, c.year, c.new) for c in plan.changes))
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
    return Written(values, tuple(tables))


def unwrite(report: Report, written: Written, source: str) -> None:
    """Put back what `write` changed (one transaction)."""
    file = report.file
    with file.transaction(source):
        file.set_values((indicator, year, old) for indicator, year, _new, old in written.values)
        for table_id, rows, total in written.tables:
            if rows is None:
                file.delete_table(table_id)
            else:
                file.set_table_rows(table_id, rows)
                file.set_table_field(table_id, "stated_total", total)
