"""Excel export: the 质量数据表 in the bureau's standard layout, plus one sheet per chapter table.

Input is a `desktop.document.Document` (display-ready data); this module only decides layout.
No Qt here: the exporter runs from the command line and tests as well as the GUI.
"""

from __future__ import annotations

import io
import re
import unicodedata
from copy import copy
from decimal import Decimal
from functools import cache
from pathlib import Path

from msgspec.structs import replace

import desktop.formats.openpyxl_without_pillow  # noqa: F401  before openpyxl

# isort: split
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.atomic import write_atomically
from desktop.document import Cell, DataRow, DataTable, Document, Submission, Table
from desktop.formats.sheet_names import sheet_name

__all__ = [
    "build_workbook",
    "display_width",
    "looks_like_formula",
    "put_text",
    "sheet_name",
    "write_xlsx",
]


# 宋体 ships with every Chinese Windows and WPS; openpyxl's default Calibri has no Chinese
# glyphs, so Excel would fall back character by character.
FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
CAPTION = Font(name=FONT_NAME, size=12, bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
_THIN = Side(style="thin", color="FF000000")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
FORM_FIELD = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
UNALIGNED = Alignment()  # an empty cell of the grid
GENERAL = "General"  # openpyxl's (and Excel's) number format of a cell not given one

TITLE_ROW = 1
HEADER_ROW = 2
FIRST_BODY_ROW = 3

# Widths are in Excel's unit (about one Latin digit); a CJK glyph takes about two.
MIN_WIDTH = 6.0
MAX_NAME_WIDTH = 52.0  # the 指标 column wraps beyond this rather than pushing the page narrow
MAX_TABLE_WIDTH = 40.0
LINE_HEIGHT = 14.25  # points: the default row height of 11 pt 宋体
EXCEL_DIGITS = 15  # significant digits an Excel number keeps
BLANK = "_" * 14  # a line to write on when a submission field is not filled in

# Excel turns these into error values when typed; stored as text they must stay text.
_ERROR_LITERALS = frozenset(ERROR_CODES) | {
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
    "#UNKNOWN!",
}  # fmt: skip
# Text Excel would re-read as a number, date or time if someone presses F2+Enter in the cell
# (a ratio "19:1" becomes the time 19:01): the quote prefix keeps it text on edit.
_COERCIBLE = re.compile(r"[\d\s.,:/-]*\d[\d\s.,:/-]*")
# Control characters openpyxl refuses with IllegalCharacterError (text pasted from Word has them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_TEXT_LIMIT = 32767


# ---------------------------------------------------------------------------------------------
# Public API


def write_xlsx(doc: Document, out: Path) -> None:
    """Write `doc` as an .xlsx to `out`, atomically.

    The workbook goes to a temporary file beside `out` first and then replaces it, so a failed
    export never leaves half a file. A `PermissionError` (Excel/WPS holds `out` open on Windows)
    propagates for the caller to explain.
    """
    save_atomically(build_workbook(doc), Path(out))


def build_workbook(doc: Document) -> Workbook:
    """The export as an in-memory openpyxl Workbook (what `write_xlsx` saves)."""
    wb = Workbook()
    # Properties are XML text like cells: a control character (Word's manual line break
    # \x0b pasted into the school name) would make openpyxl fail on save.
    wb.properties.title = _ILLEGAL.sub("", doc.data_table.title)
    wb.properties.subject = _ILLEGAL.sub("", doc.title)
    wb.properties.creator = "qreport"
    wb.properties.lastModifiedBy = "qreport"
    taken: set[str] = set()
    looks = _Looks()
    for index, data in enumerate(doc.data_tables):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = sheet_name(data.sheet, taken, fallback=f"指标表{index + 1}")
        taken.add(ws.title.casefold())
        # every table is signed for: the submission block under each
        _write_data_sheet(ws, data, doc.submission, looks)
    for index, table in enumerate(doc.tables, start=1):
        name = sheet_name(table.number, taken, fallback=f"表{index}")
        taken.add(name.casefold())
        _write_table_sheet(wb.create_sheet(name), table, looks)
    return wb


def display_width(text: str) -> int:
    """Width of `text` in half-width character cells: East-Asian wide characters count 2.

    Ambiguous-width characters (“”, ², ㎡ …) count 2 as well: Chinese fonts draw them wide.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


# ---------------------------------------------------------------------------------------------
# Cell values


def looks_like_formula(text: str) -> bool:
    """True for text Excel would take as a formula or an error value if it were not forced text."""
    if len(text) > 1 and text[0] in "=+-@":
        return True
    return text.strip().upper() in _ERROR_LITERALS


def put_text(cell: XlCell, text: str) -> None:
    """Store `text` as a plain string, never a formula or an error value.

    openpyxl turns any string starting with "=" into a formula and "#N/A" into an error, and
    Excel would evaluate both (formula injection from a school name or a table cell).
    Every text cell goes through here.
    """
    text = _ILLEGAL.sub("", text)[:_EXCEL_TEXT_LIMIT]
    cell.value = text or None  # an empty cell, not an empty string
    if looks_like_formula(text):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif _COERCIBLE.fullmatch(text):
        cell.quotePrefix = True


def number_format(places: int) -> str:
    """'0', '0.0', '0.00' …: shows exactly the published decimals (59.50 stays 59.50).

    Percent values are stored as the number shown (98.5), so no '%' format: that would show 9850%.
    """
    return "0" if places <= 0 else "0." + "0" * places


def fits_excel(value: Decimal) -> bool:
    """True when Excel can hold the number exactly: it keeps 15 significant digits and
    would silently show 12345678901234567890 as 12345678901234500000.  Longer numbers are
    written as the text shown instead."""
    return value.is_finite() and len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS


def excel_number(value: Decimal, places: int) -> int | float:
    """The Decimal as an Excel number: int when it has no decimals to show, else float."""
    if places <= 0 and value == value.to_integral_value():
        return int(value)
    return float(value)


def put_value(cell: XlCell, value: Cell) -> str:
    """Write one `Cell` (typed number or text) and return the text it displays (for widths)."""
    text, alignment, fmt = _put_value(cell, value)
    cell.alignment = alignment
    if fmt != GENERAL:
        cell.number_format = fmt
    return text


def _put_value(cell: XlCell, value: Cell) -> tuple[str, Alignment, str]:
    """Write the value only; returns the text it displays, its alignment and number format."""
    if value.number is not None and fits_excel(value.number):
        cell.value = excel_number(value.number, value.places)
        return f"{value.number:.{max(value.places, 0)}f}", RIGHT, number_format(value.places)
    text = value.text
    if value.number is not None and not text:
        text = f"{value.number:.{max(value.places, 0)}f}"
    put_text(cell, text)
    if text == "-":
        return text, CENTER, GENERAL
    if _COERCIBLE.fullmatch(text):
        return text, RIGHT, GENERAL  # ratios like 19:1 line up with the numbers in the column
    return text, LEFT, GENERAL


def _put_small_percent(cell: XlCell, value: Cell) -> tuple[str, Alignment, str]:
    """A percentage below 1 (DataRow.small_percent) as a percent-formatted number (0.007
    shown as 0.7%): unambiguous to Excel, to WPS and to our reader, which takes a '%' cell
    as the percentage it shows."""
    places = max(value.places, 0)
    cell.value = float(value.number / 100)
    text = f"{value.number:.{places}f}%"
    return text, RIGHT, number_format(places) + "%"


class _Looks:
    """Sets a cell's whole look (font, fill, border, alignment, number format) in one step.

    openpyxl finds a style object in the workbook's list by hashing every field of it on each
    assignment, which was a sixth of the export's time. An export has a dozen looks: each
    combination is assigned the ordinary way once, and the style indices it produced are
    copied to every later cell with the same look (what openpyxl's own sheet copy does).
    The looks are module constants (or cached, `_indented`), so their ids name them; the
    cache keeps a reference to each, so an id is never reused while it is in the cache.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple, tuple[object, tuple]] = {}

    def set(self, cell: XlCell, font: Font, alignment: Alignment, border: Border | None = None,
            fill: PatternFill | None = None, number_format: str = GENERAL) -> None:
        looks = (font, alignment, border, fill)
        key = (*map(id, looks), number_format, cell.quotePrefix)
        seen = self._seen.get(key)
        if seen is not None:
            cell._style = copy(seen[0])
            return
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        cell.number_format = number_format
        self._seen[key] = (copy(cell._style), looks)


@cache
def _indented(level: int) -> Alignment:
    """The 指标 column's alignment, indented by the row's level (其中 rows)."""
    return Alignment(horizontal="left", vertical="center", wrap_text=True, indent=level)


# ---------------------------------------------------------------------------------------------
# The 质量数据表


def _write_data_sheet(ws: Worksheet, table: DataTable, submission: Submission, looks: _Looks
                      ) -> None:
    # A 备注 column whenever a row has a note, not only when the edition prints one: the
    # workbook is what goes back and forth with the bureau, and import reads 备注 back.
    # No note, no column: the bureau's standard layout is 序号|指标|单位|years.
    if not table.notes and any(r.note for r in table.rows):
        table = replace(table, notes=True)
    headers = table.header
    ncols = len(headers)
    widths = _Widths(ncols)
    # a note (以主管部门下发的表格为准) is the title's second line: the rows stay where they are
    _write_title(ws, f"{table.title}\n{table.note}" if table.note else table.title, ncols, TITLE,
                 looks)
    _write_header(ws, headers, widths, looks)
    row = FIRST_BODY_ROW
    for data_row in table.rows:
        _write_data_row(ws, row, data_row, ncols, widths, looks, table.notes)
        row += 1
    last_table_row = row - 1
    _merge_seq_groups(ws, table.rows)
    widths.apply(ws, caps={2: MAX_NAME_WIDTH, **({ncols: MAX_NAME_WIDTH} if table.notes else {})})
    _fit_title_height(ws, ncols, TITLE)
    _fit_row_heights(ws, FIRST_BODY_ROW, last_table_row, ws.column_dimensions["B"].width, col=2)
    if table.notes:  # a long 说明 wraps in its column, and its row grows for it
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(ncols)
        _fit_row_heights(ws, FIRST_BODY_ROW, last_table_row, ws.column_dimensions[letter].width,
                         col=ncols)
    last_row = _write_submission(ws, submission, last_table_row + 2, ncols, looks)
    _setup_page(ws, ncols, last_row)


def _write_title(ws: Worksheet, text: str, ncols: int, font: Font, looks: _Looks) -> None:
    cell = ws.cell(TITLE_ROW, 1)
    put_text(cell, text)
    looks.set(cell, font, CENTER)
    if ncols > 1:  # Excel reports a one-cell merge as damage to repair
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)
    # Merged cells never auto-fit: give the title room for its larger font.
    ws.row_dimensions[TITLE_ROW].height = 30 if font is TITLE else 24


def _write_header(ws: Worksheet, headers: list[str], widths: _Widths, looks: _Looks) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col)
        put_text(cell, text)
        looks.set(cell, BOLD, CENTER, GRID, HEADER_FILL)
        widths.note(col, text)


def _write_data_row(ws: Worksheet, row: int, data: DataRow, ncols: int, widths: _Widths,
                    looks: _Looks, table_notes: bool = False) -> None:
    seq, name, unit = ws.cell(row, 1), ws.cell(row, 2), ws.cell(row, 3)
    # 序号 as a number: text "1" would get Excel's green "number stored as text" mark.
    if data.seq.isascii() and data.seq.isdigit():
        seq.value = int(data.seq)
    else:
        put_text(seq, data.seq)
    looks.set(seq, BODY, CENTER, GRID)
    put_text(name, data.label)
    looks.set(name, BODY, _indented(data.level), GRID)
    put_text(unit, data.unit)
    looks.set(unit, BODY, CENTER, GRID)
    widths.note(1, data.seq)
    # The indent takes about two character cells per level.
    widths.note(2, data.label, extra=2 * data.level)
    widths.note(3, data.unit)
    year_cols = len(data.cells[: ncols - 3])
    for col, value in enumerate(data.cells[: ncols - 3], start=4):
        cell = ws.cell(row, col)
        if data.small_percent(value) and fits_excel(value.number):
            text, alignment, fmt = _put_small_percent(cell, value)
        else:
            text, alignment, fmt = _put_value(cell, value)
        looks.set(cell, BODY, alignment, GRID, number_format=fmt)
        widths.note(col, text)
    if table_notes:  # the 备注 column, after the years: text, left, wrapped
        note = ws.cell(row, ncols)
        put_text(note, data.note)
        looks.set(note, BODY, LEFT, GRID)
        widths.note(ncols, data.note)
    # a row with fewer values than year columns: the rest are empty cells with the grid
    for col in range(4 + year_cols, ncols + 1 - table_notes):
        looks.set(ws.cell(row, col), BODY, UNALIGNED, GRID)


def _merge_seq_groups(ws: Worksheet, rows: tuple[DataRow, ...]) -> None:
    """Merge the 序号 cell of an indicator down over its 其中 rows, as the printed table does."""
    parent: int | None = None
    for offset, data in enumerate((*rows, None)):
        # A 其中 row with a 序号 of its own (48 under 47 in the 2022 table) keeps its number.
        is_child = data is not None and data.level > 0 and not data.seq
        if is_child:
            continue
        end = FIRST_BODY_ROW + offset - 1
        if parent is not None and end > parent:
            ws.merge_cells(start_row=parent, start_column=1, end_row=end, end_column=1)
        parent = FIRST_BODY_ROW + offset


def _write_submission(ws: Worksheet, submission: Submission, row: int, ncols: int,
                      looks: _Looks) -> int:
    """The block under the table a bureau expects signed and stamped; returns its last row.

    Laid out like the paper form: 填报单位（盖章） across the full width (room for the stamp),
    then the other fields in pairs, left half and right half.
    """
    lines = [f"{label}：{value or BLANK}" for label, value in submission.lines()]
    if not lines:
        return row - 2
    split = 2 if ncols >= 4 else 1  # columns A:B hold the left field, C:… the right one
    n = _put_form_field(ws, row, 1, ncols, lines[0], looks)
    ws.row_dimensions[row].height = max(30, _lines_height(n) + 10)
    for i, pair_start in enumerate(range(1, len(lines), 2)):
        r = row + 1 + i
        n = _put_form_field(ws, r, 1, split, lines[pair_start], looks)
        if pair_start + 1 < len(lines):
            n = max(n, _put_form_field(ws, r, split + 1, ncols, lines[pair_start + 1], looks))
        ws.row_dimensions[r].height = max(24, _lines_height(n) + 8)
    pairs = (len(lines) - 1 + 1) // 2  # lines after the first, two to a row, rounded up
    return row + pairs


def _put_form_field(ws: Worksheet, row: int, first: int, last: int, text: str, looks: _Looks
                    ) -> int:
    """Write one field over columns first..last; returns the lines it takes there.

    A value longer than its columns wraps (a long unit name would otherwise be cut at the
    edge of the print area)."""
    cell = ws.cell(row, first)
    put_text(cell, text)
    looks.set(cell, BODY, FORM_FIELD)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return _lines_needed(text, _span_width(ws, first, last))


# ---------------------------------------------------------------------------------------------
# Chapter tables


def _write_table_sheet(ws: Worksheet, table: Table, looks: _Looks) -> None:
    ncols = max(len(table.columns), 1)
    widths = _Widths(ncols)
    caption = " ".join(part for part in (table.number.strip(), table.caption.strip()) if part)
    _write_title(ws, caption, ncols, CAPTION, looks)
    _write_header(ws, [column.name for column in table.columns], widths, looks)
    row = FIRST_BODY_ROW
    for cells in table.rows:
        _write_table_row(ws, row, table, cells, widths, BODY, looks)
        row += 1
    if table.total is not None:
        _write_total_row(ws, row, table, widths, looks)
        row += 1
    caps = {col: MAX_TABLE_WIDTH for col in range(1, ncols + 1)}
    widths.apply(ws, caps=caps)
    _fit_title_height(ws, ncols, CAPTION)
    for col in range(1, ncols + 1):
        letter = get_column_letter(col)
        _fit_row_heights(ws, FIRST_BODY_ROW, row - 1, ws.column_dimensions[letter].width, col)
    _setup_page(ws, ncols, row - 1)


def _write_table_row(
    ws: Worksheet, row: int, table: Table, cells: tuple[Cell, ...], widths: _Widths, font: Font,
    looks: _Looks,
) -> None:
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row, col)
        value = cells[col - 1] if col - 1 < len(cells) else Cell()
        if col == 1 and value.number is None and value.text.isascii() and value.text.isdigit():
            value = Cell(value.text, Decimal(value.text))  # 序号 as a number, as in the data sheet
        text, alignment, fmt = _put_value(cell, value)
        widths.note(col, text)
        if col == 1:
            alignment = CENTER
        elif column.numeric and value.number is None and value.text != "-":
            alignment = RIGHT
        looks.set(cell, font, alignment, GRID, number_format=fmt)


def _write_total_row(ws: Worksheet, row: int, table: Table, widths: _Widths, looks: _Looks
                     ) -> None:
    """A bold 合计 row; its label spans the leading empty cells (序号 and any text columns)."""
    total = tuple(table.total or ())
    lead = 0
    for value in total:
        if value.number is not None or value.text:
            break
        lead += 1
    cells = total
    if lead:
        cells = (Cell("合计"), *total[1:])
    _write_table_row(ws, row, table, cells, widths, BOLD, looks)
    if lead > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=lead)


# ---------------------------------------------------------------------------------------------
# Layout helpers


class _Widths:
    """Tracks the widest text per column; merged cells are never noted (they span columns)."""

    def __init__(self, ncols: int) -> None:
        self.widest = dict.fromkeys(range(1, ncols + 1), 0)

    def note(self, col: int, text: str, extra: int = 0) -> None:
        if col in self.widest:
            self.widest[col] = max(self.widest[col], display_width(text) + extra)

    def apply(self, ws: Worksheet, caps: dict[int, float]) -> None:
        for col, widest in self.widest.items():
            width = max(MIN_WIDTH, widest + 2.0)  # 2: cell padding and the grid line
            ws.column_dimensions[get_column_letter(col)].width = min(width, caps.get(col, width))


def _span_width(ws: Worksheet, first: int, last: int) -> float:
    """Width of columns first..last together, in Excel's character units."""
    total = 0.0
    for col in range(first, last + 1):
        total += ws.column_dimensions[get_column_letter(col)].width or 8.43  # Excel's default
    return total


def _lines_needed(text: str, width: float, size: float = 11.0) -> int:
    """Lines `text` wraps to in a cell `width` units wide at font `size`."""
    usable = max(int((width - 2.0) * 11.0 / size), 1)
    return max(1, -(-display_width(text) // usable))


def _lines_height(lines: int, size: float = 11.0) -> float:
    return lines * LINE_HEIGHT * size / 11.0


def _fit_title_height(ws: Worksheet, ncols: int, font: Font) -> None:
    """Merged cells never auto-fit: a title that wraps (a long school name) gets the
    height of its lines instead of being cut off."""
    size = float(font.size or 11)
    text = ws.cell(TITLE_ROW, 1).value or ""
    lines = sum(_lines_needed(part, _span_width(ws, 1, ncols), size)
                for part in str(text).split("\n"))
    if lines > 1:
        current = ws.row_dimensions[TITLE_ROW].height or LINE_HEIGHT
        ws.row_dimensions[TITLE_ROW].height = max(current, _lines_height(lines, size) + 8)


def _fit_row_heights(ws: Worksheet, first: int, last: int, width: float | None, col: int) -> None:
    """Give rows whose wrapped text needs several lines the height for them.

    Excel and WPS do not grow a row for wrapped text written by a program until it is edited,
    so a long 指标 name would print cut off.
    """
    if not width:
        return
    usable = max(width - 2.0, 1.0)
    for row in range(first, last + 1):
        value = ws.cell(row, col).value
        if not isinstance(value, str):
            continue
        lines = -(-display_width(value) // int(usable))  # ceiling division
        if lines > 1:
            current = ws.row_dimensions[row].height or LINE_HEIGHT
            ws.row_dimensions[row].height = max(current, LINE_HEIGHT * lines + 2)


def _setup_page(ws: Worksheet, ncols: int, last_row: int) -> None:
    """A4 portrait, one page wide, header repeated, "第 N 页 共 M 页" in the footer."""
    ws.freeze_panes = ws.cell(FIRST_BODY_ROW, 1).coordinate
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{max(last_row, HEADER_ROW)}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8


def save_atomically(wb: Workbook, out: Path) -> None:
    def write(tmp: Path) -> None:
        # built in memory, then written in one go: a zip file that fails half-way on a full
        # disk would raise again from its own cleanup (an "Exception ignored" traceback)
        buffer = io.BytesIO()
        wb.save(buffer)
        tmp.write_bytes(buffer.getvalue())

    write_atomically(out, write)
