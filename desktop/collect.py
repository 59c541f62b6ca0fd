"""Per-department collection workbooks: only that department's indicators and tables.

Labels and last year's values are locked (sheet protection: it prevents accidents, not
determined users, see NOTES), input cells are unlocked, yellow, and validated in Excel
itself by type and range, with the indicator's help as the input message. A hidden sheet
records school, edition, year and department, so that `qreport import` recognises the
workbook and also takes its free tables back.
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import UserError
from desktop.report import Report
from desktop.template import FreeTable, Indicator

META_SHEET = "qreport"
DATA_SHEET = "数据采集"
BLANK_TABLE_ROWS = 20
_INPUT_FILL = "FFFFF2CC"  # pale yellow: "type here"
_LOCKED_FILL = "FFF2F2F2"
# Excel and WPS read "19:1" typed into a General cell as the time 19:01 (which the ratio
# validation then refuses) and "2021-9" as a date: input cells for text keep what is typed.
TEXT_FORMAT = "@"

_RULES = {
    # (Excel custom validation over the cell, error message); "-" means not applicable.
    "count": ('OR({c}="-",AND(ISNUMBER({c}),{c}>=0,{c}=INT({c})))', "请填写非负整数；不适用请填“-”。"),
    "percent": ('OR({c}="-",AND(ISNUMBER({c}),{c}>=0,{c}<=100))',
                "请填写 0 到 100 之间的数（如 98.5，不带 %）；不适用请填“-”。"),
    "decimal": ('OR({c}="-",AND(ISNUMBER({c}),{c}>=0))', "请填写非负数；不适用请填“-”。"),
    "money": ('OR({c}="-",AND(ISNUMBER({c}),{c}>=0))', "请填写非负金额；不适用请填“-”。"),
    "ratio": ('OR({c}="-",ISNUMBER(FIND(":",{c})),ISNUMBER(FIND("：",{c})))',
              "请按“19:1”的格式填写比值。"),
}


class CollectError(UserError, ValueError):
    pass


def department_items(report: Report, department: str) -> tuple[list[Indicator], list[FreeTable]]:
    template = report.template
    if department not in template.departments:
        raise CollectError(f"没有“{department}”这个部门（可用：{'、'.join(template.departments)}）。")
    indicators = [i for i in template.indicators.values() if i.department == department]
    tables = [t for t in template.free_tables.values() if t.department == department]
    return indicators, tables


def write_collection(report: Report, department: str, out: Path | str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    # here, not at the top: `qreport import` reads this module's sheet names and would
    # otherwise load the document model and charts for nothing
    from desktop import assemble
    from desktop.document import data_header
    from desktop.formats import xlsx as x

    out = Path(out)
    indicators, tables = department_items(report, department)
    shown = report.shown()
    prev, cur = report.years
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", start_color=_INPUT_FILL, end_color=_INPUT_FILL)
    locked_fill = PatternFill("solid", start_color=_LOCKED_FILL, end_color=_LOCKED_FILL)

    ncols = 6
    title = f"{report.school}{report.template.tables_name}（{department}填报）"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    x.put_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = x.TITLE
    ws.cell(1, 1).alignment = x.CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    x.put_text(ws.cell(2, 1),
               f"填写说明：请在黄色单元格中填写 {cur} 年数据（只填数字，不带单位；不适用填“-”）。"
               f"灰色的 {prev} 年数据仅供对照，不能修改。填好后保存，交回质量办用 qreport 导入。")
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 36
    headers = [*data_header((prev, cur)), "填报说明"]
    for col, text in enumerate(headers, start=1):
        c = ws.cell(3, col)
        x.put_text(c, text)
        c.font, c.fill, c.border, c.alignment = x.BOLD, x.HEADER_FILL, x.GRID, x.CENTER
    for row, (ind, context) in enumerate(_with_parents(report, indicators), start=4):
        first_child = bool(ind.parent) and report.template.indicators[ind.parent].children[0] == ind.id
        label = ("其中：" if first_child else "") + ind.name
        x.put_text(ws.cell(row, 1), ind.seq)
        x.put_text(ws.cell(row, 2), label)
        x.put_text(ws.cell(row, 3), ind.unit)
        previous = shown.get((ind.id, prev))
        x.put_value(ws.cell(row, 4), assemble.cell(ind.type, previous.value if previous else None))
        current = shown.get((ind.id, cur))
        x.put_value(ws.cell(row, 5), assemble.cell(ind.type, current.value if current else None))
        x.put_text(ws.cell(row, 6), ind.help + ("（可由公式计算，可不填）" if ind.derived else ""))
        for col in range(1, ncols + 1):
            c = ws.cell(row, col)
            c.border = x.GRID
            c.font = x.BODY
            c.alignment = x.LEFT if col in (2, 6) else x.CENTER
            if col == 4:
                c.fill = locked_fill
        if ind.parent:
            ws.cell(row, 2).alignment = Alignment(indent=2, vertical="center", wrap_text=True)
        value_cell = ws.cell(row, 5)
        if context:  # another department's parent row, shown so its 其中 row can be read
            value_cell.fill = locked_fill
            x.put_text(ws.cell(row, 6), "（由其他部门填报，仅供对照）")
            continue
        value_cell.protection = unlocked
        value_cell.fill = input_fill
        kind = ind.type.kind
        if kind in ("ratio", "text"):
            value_cell.number_format = TEXT_FORMAT
        # One validation per cell: the rule by type, and the indicator's help as the input
        # message (Excel limits its title to 32 and its text to 255 characters).
        prompt = DataValidation(type="custom" if kind in _RULES else None,
                                formula1=_RULES[kind][0].format(c=f"E{row}") if kind in _RULES else None,
                                allow_blank=True, showInputMessage=True,
                                promptTitle=ind.name[:32], prompt=f"单位：{ind.unit}。{ind.help}"[:255],
                                showErrorMessage=kind in _RULES, errorTitle="输入有误",
                                error=_RULES[kind][1] if kind in _RULES else None)
        ws.add_data_validation(prompt)
        prompt.add(value_cell)
    widths = [6, 40, 8, 12, 12, 50]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.freeze_panes = "A4"
    ws.protection.sheet = True
    ws.protection.formatCells = False  # people widen columns and change fonts; let them
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    for spec in tables:
        _table_sheet(wb, report, spec, unlocked, input_fill)

    meta = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(
        [("school", report.school), ("edition", report.template.id), ("year", str(cur)),
         ("department", department)], start=1):
        x.put_text(meta.cell(row, 1), key)
        x.put_text(meta.cell(row, 2), value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.properties.title = title
    wb.properties.creator = "qreport"
    x.save_atomically(wb, out)
    return out


def _with_parents(report: Report, indicators: list[Indicator]) -> list[tuple[Indicator, bool]]:
    """The department's rows, each 其中 row whose parent belongs to another department
    preceded by that parent as a locked context row (True): a 其中 row alone names no
    indicator the importer can trust (升入本科人数 of which total?)."""
    every = report.template.indicators
    mine = {i.id for i in indicators}
    out: list[tuple[Indicator, bool]] = []
    above: str | None = None  # the top-level row the next 其中 row would be read under
    for ind in indicators:
        if ind.parent and ind.parent != above and ind.parent not in mine:
            out.append((every[ind.parent], True))
        above = ind.parent or ind.id
        out.append((ind, False))
    return out


def table_sheet_title(spec: FreeTable) -> str:
    from desktop.formats.sheet_names import sheet_name

    return sheet_name(spec.caption)


def _table_sheet(wb, report: Report, spec: FreeTable, unlocked, input_fill) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from desktop.formats import xlsx as x

    ws = wb.create_sheet(table_sheet_title(spec))
    ncols = len(spec.columns) + 1
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    x.put_text(ws.cell(1, 1), spec.caption)
    ws.cell(1, 1).font = x.CAPTION
    ws.cell(1, 1).alignment = x.CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    x.put_text(ws.cell(2, 1), "填写说明：每行一项，序号自动编排，可留空；合计由 qreport 计算，不必填写。")
    ws.cell(2, 1).alignment = Alignment(wrap_text=True)
    for col, name in enumerate(["序号", *(c.name for c in spec.columns)], start=1):
        c = ws.cell(3, col)
        x.put_text(c, name)
        c.font, c.fill, c.border, c.alignment = x.BOLD, x.HEADER_FILL, x.GRID, x.CENTER
    existing = next((t.rows for t in report.file.tables() if t.kind == "free" and t.ref == spec.id), ())
    last = 3 + len(existing) + BLANK_TABLE_ROWS
    for r in range(4, last + 1):
        row = existing[r - 4] if r - 4 < len(existing) else ()
        x.put_text(ws.cell(r, 1), str(r - 3))
        ws.cell(r, 1).border = x.GRID
        for i, column in enumerate(spec.columns, start=2):
            c = ws.cell(r, i)
            text = row[i - 2] if i - 2 < len(row) else ""
            if text:
                x.put_text(c, text)
            c.protection = unlocked
            c.fill = input_fill
            c.border = x.GRID
            c.alignment = x.LEFT if not column.numeric else x.CENTER
            if not column.numeric:
                c.number_format = TEXT_FORMAT  # 2021.9 and 9-1 stay what was typed
    for i, column in enumerate(spec.columns, start=2):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(60, column.width * 12))
        if column.numeric and column.type.kind in _RULES:
            formula, error = _RULES[column.type.kind]
            dv = DataValidation(type="custom", formula1=formula.format(c=f"{letter}4"),
                                allow_blank=True, showErrorMessage=True, errorTitle="输入有误",
                                error=error)
            ws.add_data_validation(dv)
            dv.add(f"{letter}4:{letter}{last}")
    ws.column_dimensions["A"].width = 6
    ws.freeze_panes = "A4"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
