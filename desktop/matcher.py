"""The one matcher: which indicator, which year, which value a table of cells holds.

Every reader (an exported or hand-made workbook, a collection workbook, the bureau's form, a
Word table) and every filler (the bureau's form filled back) goes through here, so that a row
is recognised the same way in both directions:

- names are compared normalised (width, spacing, quotes, bracket shapes, a leading 其中);
- the header row is found wherever it is near the top: 序号, 指标/项目/名称, 单位, year columns
  written 2025年 / 2025年度 / 2025 / 本年 / 上年 / 上年度, 备注; years may sit one row below;
- 其中 rows are matched among the sub-rows of the row above (its 其中 context);
- a unit column or a number format that carries a unit (0.00"万元") is a unit to convert from,
  and a unit that cannot be converted refuses the cell.

The input is plain: rows of `Cell`s (a value as stored, its number format, where it is). The
readers build those; nothing here knows about zip files, Qt or the report file. Messages are
Chinese sentences naming the sheet and the cell (质量数据表!E12).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol

from msgspec import Struct, field

HEADER_SCAN_ROWS = 30  # the header is looked for in this many rows from the top

_YEAR = re.compile(r"((?:19|20)\d{2})(?:年度?)?(?:数据|数值|值|实际|完成)?")
# Year columns named relative to the report's data year.
RELATIVE_YEARS = {"本年": 0, "本年度": 0, "当年": 0, "今年": 0, "本期": 0,
                  "上年": -1, "上年度": -1, "上一年": -1, "上一年度": -1, "去年": -1, "上期": -1,
                  "前一年": -1, "前一年度": -1}
# "2024年（本年）", "本年(2024年)": a year with its relative word in brackets (after NFKC)
_BRACKETED = re.compile(r"(.+?)\((.+)\)")
# A single value column without a year: the report's data year.
VALUE_WORDS = ("数值", "数据", "填报值", "填报数", "填报数据", "指标值", "值")
NAME_WORDS = ("指标", "项目", "名称", "内容")
# The submission block under a table: understood, not data.
BLOCK_PREFIXES = ("填报单位", "填报人", "审核人", "联系电话", "填报日期", "单位负责人", "负责人", "制表人",
                  "学校(盖章)", "学校名称(盖章)")
NOTE_PREFIXES = ("注:", "说明:", "备注:", "注1", "注释", "填表说明")
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞]")
_BRACKETS = str.maketrans("【】〔〕[]〈〉", "()()()()")
_CHILD_PREFIX = re.compile(r"^其中[:,、]?(?=.)")


# ---------------------------------------------------------------------------------------------
# Names and header words


def normalise_name(text: str) -> str:
    """A key for matching indicator names typed in different ways.

    NFKC (full-width letters, digits, brackets and colons to half-width; m² → m2), all
    whitespace removed, quotes removed, other brackets made round, a leading 其中 with its
    colon dropped, case folded: "其中: 国家级" → "国家级",
    "就业(含升学)人数" and "就业（含升学）人数" give the same key.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _QUOTES.sub("", text).translate(_BRACKETS)
    text = "".join(text.split())
    return _CHILD_PREFIX.sub("", text).casefold()


def header_text(text: str) -> str:
    """Header cells and labels compared without width or spacing differences."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_child_label(text: str) -> bool:
    """The row says it is a 其中 row ("其中：国家级")."""
    return bool(_CHILD_PREFIX.match(header_text(text)))


def unit_key(unit: str) -> str:
    """Units compared as the value types compare them (㎡, m² and m2 alike)."""
    return header_text(unit).replace("²", "2")


# ---------------------------------------------------------------------------------------------
# Cells


class Cell(Struct, frozen=True):
    """One cell as a reader found it."""

    value: object = None  # str, int, float, bool, date…; None when empty
    number_format: str = ""
    ref: str = ""  # "E12", for messages and for filling
    formula: bool = False  # a formula: `value` is its cached result (None: none was saved)
    indent: int = 0  # alignment indent, for 其中 rows shown by indentation
    merged: str = ""  # "E3:E4" when the cell lies in that merged range and is not its first cell

    @property
    def text(self) -> str:
        return cell_text(self.value, self.number_format)

    @property
    def empty(self) -> bool:
        return not self.formula and not self.text

    @property
    def uncached(self) -> bool:
        """A formula whose result was never saved (a workbook written by a program)."""
        return self.formula and self.value is None


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell's value as the text Excel shows for it, without float noise.

    Numbers: integers as integers; others rounded to the decimals of the cell's number format
    (59.5 in a '0.00' cell → "59.50"), or to 15 significant digits as Excel does; a '%' format
    shows the percentage ("98.5%"). Strings are returned stripped, otherwise unchanged
    ("9,527" stays "9,527"). Dates as ISO dates; a time as H:MM (how "19:1" typed into Excel
    comes back: it became the time 19:01).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    return _date_text(value)


def full_number_text(value: int | float) -> str:
    """A stored number with all the digits Excel keeps (15 significant), not the display's."""
    number = Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
    return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))


def _date_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        seconds = f":{value.second:02d}" if value.second else ""
        return f"{value.hour}:{value.minute:02d}{seconds}"
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _number_text(value: int | float, number_format: str | None) -> str:
    min_places, max_places, percent = format_places(number_format)
    try:
        # 15 significant digits: what Excel shows; removes binary noise like 98.40000000000001.
        number = Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
        if percent:
            number *= 100
        if number == number.to_integral_value():
            text = format(number.quantize(Decimal(1)), "f")
        elif max_places is not None:
            text = _rounded(number, min_places, max_places)
        else:
            text = format(number.normalize(), "f")
    except InvalidOperation:  # inf/nan or beyond Decimal's precision: leave it to the parser
        text = format(value, ".15g")
    return text + ("%" if percent else "")


def _rounded(number: Decimal, min_places: int, max_places: int) -> str:
    text = format(number.quantize(Decimal(1).scaleb(-max_places), ROUND_HALF_UP), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(min_places, "0")
    return f"{whole}.{fraction}" if fraction else whole


def _format_section(number_format: str | None) -> str:
    if not number_format or number_format in ("General", "@"):
        return ""
    return number_format.split(";")[0]


def format_places(number_format: str | None) -> tuple[int, int | None, bool]:
    """(required decimals, shown decimals or None for General, percent) of a number format."""
    section = _format_section(number_format)
    if not section:
        return 0, None, False
    # Drop quoted literals, escaped characters, [colour]/[locale] codes, padding and fill.
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", section)
    percent = "%" in section
    if "E" in section.upper():  # scientific: show the plain number
        return 0, None, percent
    match = re.search(r"\.([0#?]+)", section)
    if not match:
        return 0, 0, percent
    return match.group(1).count("0"), len(match.group(1)), percent


def format_unit(number_format: str | None) -> str:
    """The unit a number format prints after the number: 0.00"万元" → 万元, 0\\人 → 人."""
    section = _format_section(number_format)
    if not section:
        return ""
    literals = re.findall(r'"([^"]*)"|\\(.)', section)
    text = "".join(a or b for a, b in literals)
    return header_text(text)


# ---------------------------------------------------------------------------------------------
# Finding the header


class YearColumn(Struct, frozen=True):
    col: int  # 0-based column index
    label: str  # the header text as written
    year: int | None = None  # an absolute year (2025年)
    offset: int | None = None  # relative to the data year (本年 0, 上年 -1)

    def resolve(self, data_year: int | None) -> int | None:
        if self.year is not None:
            return self.year
        return None if data_year is None else data_year + (self.offset or 0)


class Header(Struct):
    row: int  # number of the header row (Excel row), for messages
    body: int  # index into the scanned rows where the table body starts
    seq: int | None  # column indexes, 0-based
    name: int
    unit: int | None
    note: int | None
    year_columns: list[YearColumn]
    problems: list[str] = field(default_factory=list)

    def years(self, data_year: int | None) -> dict[int, int]:
        """year → column; relative columns resolved against the data year; the first column
        of a year wins (a second is named in `problems`)."""
        out: dict[int, int] = {}
        for column in self.year_columns:
            year = column.resolve(data_year)
            if year is not None and year not in out:
                out[year] = column.col
        return out


Row = tuple[int, Sequence[Cell]]  # (row number, cells from column A)


def find_header(rows: Sequence[Row], scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """The first row within `scan` rows that has a name column (指标/项目/名称) and 序号 or 单位,
    with its year columns (on the row, or on the row below under a merged 数值/年度 cell)."""
    for index, (number, cells) in enumerate(rows[:scan]):
        texts = [header_text(c.text) for c in cells]
        name = _name_column(texts)
        seq = next((i for i, t in enumerate(texts) if t in ("序号", "编号", "序")), None)
        unit = next((i for i, t in enumerate(texts) if t.endswith("单位") and len(t) <= 6), None)
        if name is None or (seq is None and unit is None):
            continue
        note = next((i for i, t in enumerate(texts) if "备注" in t), None)
        header = Header(number, index + 1, seq, name, unit, note, [])
        if unit is None:
            header.problems.append(f"表头（第 {number} 行）没有“单位”列。")
        taken = {c for c in (seq, name, unit, note) if c is not None}
        header.year_columns = _year_columns(texts, taken, header.problems)
        if not header.year_columns and index + 1 < len(rows):
            # A two-row header: years under a merged "数值"/"年度" cell.
            below = [header_text(c.text) for c in rows[index + 1][1]]
            header.year_columns = _year_columns(below, taken, header.problems)
            if header.year_columns:
                header.body = index + 2
        return header
    return None


def _name_column(texts: list[str]) -> int | None:
    for words in (("指标", "指标名称"), NAME_WORDS):
        for i, t in enumerate(texts):
            if t and len(t) <= 8 and any(w in t for w in words) and "单位" not in t:
                return i
    return None


def _year_columns(texts: list[str], taken: set[int], problems: list[str]) -> list[YearColumn]:
    columns: list[YearColumn] = []
    seen: dict[object, int] = {}
    for col, text in enumerate(texts):
        if col in taken or not text:
            continue
        column = year_column(col, text)
        if column is None:
            continue
        key: object = column.year if column.year is not None else ("offset", column.offset)
        if key in seen:
            first = _column_letter(seen[key])
            what = f"{column.year} 年" if column.year is not None else f"“{text}”"
            problems.append(f"表头中 {what}不止一列，只读取第一列（{first} 列）。")
            continue
        seen[key] = col
        columns.append(column)
    return columns


def year_column(col: int, text: str) -> YearColumn | None:
    """The year a header cell's text (header_text) names: 2025年, (2025年), 本年, 上年数据…"""
    match = _YEAR.fullmatch(text)
    bracketed = _BRACKETED.fullmatch(text)
    if not match and bracketed:
        match = _YEAR.fullmatch(bracketed.group(1)) or _YEAR.fullmatch(bracketed.group(2))
    if match:
        return YearColumn(col, text, year=int(match.group(1)))
    if text.rstrip("数据值") in RELATIVE_YEARS or text in RELATIVE_YEARS:
        offset = RELATIVE_YEARS.get(text, RELATIVE_YEARS.get(text.rstrip("数据值"), 0))
        return YearColumn(col, text, offset=offset)
    return None


def _column_letter(col: int) -> str:
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(col: int, row: int) -> str:
    return f"{_column_letter(col)}{row}"


# ---------------------------------------------------------------------------------------------
# Reading the body


class TableRow(Struct, frozen=True):
    row: int  # row number, for messages
    seq: str
    name: str  # as shown, stripped
    unit: str
    cells: dict[int, Cell]  # year column index in header.year_columns → cell
    indent: int = 0
    hidden: bool = False
    note: str = ""

    def has_values(self) -> bool:
        return any(not c.empty for c in self.cells.values())


class Table(Struct):
    sheet: str
    header: Header
    rows: list[TableRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows read and left out, each said
    problems: list[str] = field(default_factory=list)
    label: str = ""  # how messages name a table that is no sheet (a Word table: 《caption》)

    def where(self, ref: str) -> str:
        return f"{self.sheet}!{ref}" if self.sheet else ref


def read_table(sheet: str, rows: Sequence[Row], header: Header,
               hidden_rows: Iterable[int] = ()) -> Table:
    """Every row of the table region under the header, to the end of the rows given.

    Blank rows and notes (注：…) do not end the table: rows below them are read too, and a
    note row is said in `skipped`. The submission block (填报单位…) is understood and left
    out. A header repeated at a page break is left out.
    """
    hidden = set(hidden_rows)
    table = Table(sheet, header, problems=list(header.problems))
    for number, cells in rows[header.body:]:
        texts = [c.text for c in cells]
        first = next((t for t in texts if t), "")
        if not first and not any(c.formula for c in cells):
            continue
        lead = header_text(first)
        if lead.startswith(BLOCK_PREFIXES):
            continue
        if lead.startswith(NOTE_PREFIXES):
            table.skipped.append(f"{sheet} 第 {number} 行是说明文字（{_short(first)}），未作为数据读取。")
            continue
        seq = _text(cells, header.seq)
        if header_text(seq) == "序号":
            continue  # the header repeated at a page break
        name_cell = cells[header.name] if header.name < len(cells) else Cell()
        row = TableRow(
            row=number,
            seq=seq,
            name=name_cell.text,
            unit=_text(cells, header.unit),
            cells={i: (cells[y.col] if y.col < len(cells) else Cell(ref=cell_ref(y.col, number)))
                   for i, y in enumerate(header.year_columns)},
            indent=name_cell.indent or _leading_spaces(name_cell.value),
            hidden=number in hidden,
            note=_text(cells, header.note),
        )
        if not (row.seq or row.name or row.unit or row.has_values()):
            continue
        table.rows.append(row)
    return table


def _leading_spaces(value: object) -> int:
    """Indentation typed as spaces ("　　国家级"): two half-width or one full-width per level."""
    if not isinstance(value, str):
        return 0
    lead = value[: len(value) - len(value.lstrip())]
    return sum(2 if ch == "\u3000" else 1 for ch in lead) // 2


def _text(cells: Sequence[Cell], col: int | None) -> str:
    if col is None or col >= len(cells):
        return ""
    return cells[col].text


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# Matching rows to indicators


class IndicatorLike(Protocol):
    id: str
    name: str
    parent: str | None
    children: tuple[str, ...]


class Match(Struct, frozen=True):
    row: TableRow
    indicator: str  # id


class Matching(Struct):
    matches: list[Match] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # rows with values naming no indicator
    skipped: list[str] = field(default_factory=list)  # rows without values not understood


def match_rows(table: Table, indicators: Mapping[str, IndicatorLike],
               aliases: Mapping[str, str] | None = None) -> Matching:
    """Each row's indicator: a top-level name is unique; a 其中 row is looked for among the
    sub-rows of the indicator row above it. A 其中 row whose parent row is gone (deleted,
    or another indicator's row stands above it) is refused, never re-parented.
    `aliases`: other names (a table's own wording of a restated row) → indicator id."""
    tops = {normalise_name(i.name): i for i in indicators.values() if not i.parent}
    for name, ident in (aliases or {}).items():
        tops.setdefault(normalise_name(name), indicators[ident])
    out = Matching()
    parent: IndicatorLike | None = None
    group: set[str] = set()  # sub-rows of `parent` already seen
    prefixed = False  # a 其中-prefixed row already opened this group
    where = table.label or table.sheet
    for row in table.rows:
        key = normalise_name(row.name)
        if not key:
            if row.has_values():
                out.unmatched.append(f"{where} 第 {row.row} 行有数值，但没有指标名称。")
            continue
        child_label = is_child_label(row.name)
        ind = None if child_label else tops.get(key)
        if ind is None and parent is not None:
            ind = next((indicators[c] for c in parent.children
                        if normalise_name(indicators[c].name) == key), None)
            if ind is not None and (ind.id in group or (child_label and prefixed)):
                out.unmatched.append(
                    f"{where} 第 {row.row} 行“{row.name}”像是另一个指标的其中项，"
                    f"但它的上级指标行不在它上方（可能已被删除）。")
                parent, group = None, set()
                continue
        if ind is None:
            if child_label and row.has_values():
                out.unmatched.append(
                    f"{where} 第 {row.row} 行“{row.name}”是其中项，"
                    "但上方没有它的上级指标行（可能已被删除）。")
            elif row.has_values():
                out.unmatched.append(f"{where} 第 {row.row} 行“{row.name}”不是本版报告的指标。")
            else:
                out.skipped.append(
                    f"{where} 第 {row.row} 行“{_short(row.name)}”不是指标，且没有数值，已忽略。")
            parent, group, prefixed = None, set(), False
            continue
        if ind.parent:
            group.add(ind.id)
            prefixed = prefixed or child_label
        else:
            parent, group, prefixed = ind, set(), False
        out.matches.append(Match(row, ind.id))
    return out


# ---------------------------------------------------------------------------------------------
# From a cell to the text a value type parses


class CellRefused(ValueError):
    """A cell whose value cannot be taken as it stands; str() is the reason (a phrase)."""


class TypeLike(Protocol):
    kind: str
    unit: str

    def unit_factor(self, unit: str) -> Decimal | None: ...

    def fraction_as_written(self, value: Decimal) -> bool: ...


# What Excel and WPS show, and save as a formula's cached result, when it cannot compute one.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"})


def value_input(vtype: TypeLike, cell: Cell, row_unit: str) -> tuple[str, str]:
    """(text, unit) for `vtype.parse(text, unit)`, or CellRefused.

    - a formula without a saved result is refused (the caller lists those together);
    - a number format carrying a unit (0.00"万元") is that unit; if the 单位 column says
      another, the cell is refused;
    - a unit this type cannot convert from refuses the cell;
    - when a unit is converted, the stored number with all its digits is scaled, never the
      display's rounding;
    - a percent indicator holding a fraction (0.87) in a cell not formatted as percent is
      refused with the likely intended value (a percent-formatted cell shows 87%).
    """
    if cell.uncached:
        raise CellRefused("是公式，但工作簿中没有保存它的计算结果")
    if isinstance(cell.value, str) and cell.value.strip().upper() in EXCEL_ERRORS:
        error = cell.value.strip()
        if cell.formula:
            raise CellRefused(f"是公式，结果为 Excel 的错误值 {error}（无法算出）："
                              "请在 Excel/WPS 中改正公式，或直接填数字后再导入")
        raise CellRefused(f"是 Excel 的错误值 {error}，不是数字：没有数据请留空或填“-”")
    shown = format_unit(cell.number_format) if isinstance(cell.value, int | float) else ""
    column = row_unit.strip()
    if shown and column and unit_key(shown) != unit_key(column) and vtype.unit_factor(shown) != 1:
        raise CellRefused(f"的数字格式显示单位“{shown}”，与单位列的“{column}”不一致")
    unit = shown or column
    if unit and vtype.unit_factor(unit) is None:
        raise CellRefused(f"的单位是“{unit}”，本版的单位是“{vtype.unit or '无'}”，无法换算")
    value = cell.value
    if isinstance(value, str) and vtype.kind == "percent":
        # "0.87" typed as text is the same question as the number 0.87
        plain = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"0?\.\d+", plain) and float(plain) > 0:
            value = float(plain)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return cell.text, unit
    if vtype.kind == "percent" and not format_places(cell.number_format)[2] and 0 < value < 1 \
            and not vtype.fraction_as_written(Decimal(str(value))):
        # refused unless the indicator's usual range says the fraction is meant as written
        likely = _number_text(value * 100, None)
        raise CellRefused(f"是小数 {full_number_text(value)}，而本指标是百分数：如果是 {likely}%，"
                          f"请填 {likely}，或把单元格设为百分比格式")
    factor = vtype.unit_factor(unit) if unit else None
    if factor is not None and factor != 1:
        return full_number_text(value), unit
    return cell.text, unit
