"""Reading an untrusted .xlsx into the raw rows of its 质量数据表, safely.

No template knowledge here: this finds the table (sheet, header row, columns) and returns each
row's texts as shown in Excel. Which indicator a row is and whether a value is valid is the
importer's business.

Safety, in the order it is applied:
- the file is read once into memory (size-capped) and the zip directory is checked before any
  XML is parsed: member count, per-member and total uncompressed size, compression ratio of
  large members (zip bombs). Python's zipfile never inflates a member beyond the size its
  directory declares (it stops there and fails the CRC check), so checking declared sizes is
  enough;
- XML is parsed by openpyxl through defusedxml (no DTDs, no entity expansion);
- `read_only=True` streams the sheet; reading stops at the submission block, after several
  blank rows, or refuses the sheet once it runs past MAX_ROWS rows; a quick expat pre-scan
  refuses a row with more cells than Excel allows (openpyxl builds a whole row in memory);
- `data_only=True`: formulas are never evaluated. A formula cell reads as the value Excel
  cached when it last saved the file; a formula without a cached value (a workbook written by
  a program and never opened in Excel/WPS) reads as empty.

Messages (`WorkbookError`, `RawTable.problems`) are one plain Chinese sentence each, like the
rest of the application.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import chain, islice
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple
from xml.parsers import expat

import defusedxml  # noqa: F401  openpyxl uses it when importable; imported so bundlers ship it
import openpyxl.xml
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from desktop.errors import UserError

__all__ = [
    "RawRow",
    "RawTable",
    "WorkbookError",
    "cell_text",
    "normalise_name",
    "open_workbook_safely",
    "read_data_sheet",
    "read_data_sheets",
]

MB = 1024 * 1024
# A real 质量数据表 workbook is tens of kilobytes; these limits leave room for photos and
# department workbooks with many sheets while refusing anything built to exhaust memory.
MAX_FILE_BYTES = 100 * MB
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 50 * MB
MAX_TOTAL_BYTES = 200 * MB
MAX_RATIO = 100
RATIO_MIN_BYTES = 1 * MB  # tiny parts compress at any ratio; only large ones are suspicious
# Parts openpyxl parses whole when opening (shared strings, styles, workbook): unlike sheets
# they are not streamed, so they get a tighter limit.
MAX_EAGER_XML_BYTES = 10 * MB

DATA_SHEET = "质量数据表"
HEADER_SCAN_ROWS = 15
MAX_ROWS = 5000  # physical rows below the header; the standard table has about 60
MAX_BLANK_RUN = 5  # this many blank rows in a row end the table
MAX_COLUMNS = 64  # columns read per row; the table has five to seven
MAX_CELLS_PER_ROW = 16384  # Excel's own column limit

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_YEAR = re.compile(r"((?:19|20)\d{2})(?:年度?)?(?:数据|数值)?")
# The block under the table, and footnotes: the table has ended.
_END_PREFIXES = ("填报单位", "填报人", "审核人", "联系电话", "填报日期", "注:", "说明:", "备注:")
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞]")
_BRACKETS = str.maketrans("【】〔〕[]〈〉", "()()()()")
_CHILD_PREFIX = re.compile(r"^其中[:,、]?(?=.)")


class WorkbookError(UserError):
    """A workbook that cannot be read, with one plain sentence saying why."""


class RawRow(NamedTuple):
    row: int  # Excel row number, for messages
    seq: str  # 序号 as shown; "" for 其中 rows (merged cells read empty)
    name: str  # 指标 as shown, surrounding spaces removed
    unit: str
    values: dict[int, str]  # year → cell text as shown ("" when empty), every year column


@dataclass
class RawTable:
    sheet: str
    header_row: int  # Excel row number of the header (the row with 序号 and 指标)
    years: tuple[int, ...]  # year columns, ascending
    rows: list[RawRow] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)  # 备注 text by Excel row number
    problems: list[str] = field(default_factory=list)  # things to tell the user, not fatal


# ---------------------------------------------------------------------------------------------
# Opening


def open_workbook_safely(path: str | PathLike[str]) -> Workbook:
    """Open an untrusted .xlsx read-only after checking it is not a zip bomb.

    Raises WorkbookError with a plain sentence for anything that is not a sound workbook.
    The caller should `close()` the workbook when done.
    """
    path = Path(path)
    _require_defusedxml()
    data = _read_capped(path)
    _check_container(data, path.name)
    try:
        with _quiet(), _no_dimension_scan():
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # untrusted input: any parser failure means "not readable"
        raise WorkbookError(f"{path.name} 已损坏或不是 Excel 工作簿，无法读取。") from exc


def _require_defusedxml() -> None:
    # openpyxl silently falls back to the standard parser without defusedxml (or when
    # OPENPYXL_DEFUSEDXML=False): refuse to parse untrusted XML then.
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is not using defusedxml; refusing to read untrusted XML")


def _read_capped(path: Path) -> bytes:
    # One read into memory: the zip checks and the parser see the same bytes, and no file
    # handle is left open if parsing fails half-way.
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise WorkbookError(f"找不到文件 {path.name}。") from exc
    except IsADirectoryError as exc:
        raise WorkbookError(f"{path.name} 是文件夹，不是 Excel 工作簿。") from exc
    except OSError as exc:  # permissions, a file locked by Excel on Windows
        raise WorkbookError(f"无法读取 {path.name}：{exc.strerror or exc}。") from exc
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"{path.name} 超过 {MAX_FILE_BYTES // MB} MB，不像一份数据表，已拒绝读取。")
    return data


def _check_container(data: bytes, name: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise WorkbookError(
            f"{name} 是旧版 Excel（.xls）文件或设置了打开密码，"
            "请在 Excel/WPS 中另存为不加密的 .xlsx 后再导入。"
        )
    if not data.startswith(b"PK"):
        raise WorkbookError(f"{name} 不是 Excel 工作簿（.xlsx）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_members(infos, name)
            _check_no_dtd(zf, infos, name)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"{name} 已损坏或不完整（可能没有完整复制或下载），无法读取。") from exc


_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def _check_no_dtd(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """No real workbook part declares a DTD: refuse any that does (entity tricks), whichever
    XML parser openpyxl ends up using (defusedxml guards only the standard library's, and
    openpyxl prefers lxml when it is installed). A DTD sits in the prolog: the first few
    kilobytes of a part tell."""
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(8192).upper()
        if any(mark.upper() in head for mark in _DTD_MARKS):
            raise WorkbookError(f"{name} 中的 {info.filename} 含有不允许的 XML 声明，已拒绝读取。")


def _check_members(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise WorkbookError(f"{name} 包含 {len(infos)} 个部件，远超正常工作簿，已拒绝读取。")
    total = 0
    for info in infos:
        _check_member(info, name)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError(f"{name} 解压后总计超过 {MAX_TOTAL_BYTES // MB} MB，已拒绝读取。")


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    part, size = info.filename, info.file_size
    if info.flag_bits & 0x1:
        raise WorkbookError(f"{name} 中的内容已加密，无法读取。")
    if size > MAX_MEMBER_BYTES or (size > MAX_EAGER_XML_BYTES and _parsed_whole(part)):
        raise WorkbookError(f"{name} 中的 {part} 解压后过大（{size // MB} MB），已拒绝读取。")
    if size > RATIO_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
        ratio = size // max(info.compress_size, 1)
        raise WorkbookError(f"{name} 中的 {part} 压缩比异常（{ratio}:1），可能是“压缩炸弹”，已拒绝读取。")


def _parsed_whole(part: str) -> bool:
    """True for XML parts openpyxl reads into memory at once (sheets are streamed)."""
    return part.endswith((".xml", ".rels")) and not part.startswith("xl/worksheets/")


@contextmanager
def _no_dimension_scan() -> Iterator[None]:
    """Open sheets without reading their <dimension>, which we never use (see _numbered_rows).

    openpyxl looks for it when each read-only sheet is created, and when a sheet has none
    (program-written files) it parses the whole sheet part to find out: seconds for a 50 MB
    part, before any of our row limits apply. A class-level patch for the duration of one
    load (not thread-safe; imports run on one worker at a time).
    """
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original  # type: ignore[method-assign]


@contextmanager
def _quiet() -> Iterator[None]:
    # openpyxl warns about features it drops (data validation extensions, unknown parts…),
    # common in WPS/Excel files and irrelevant to reading values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


# ---------------------------------------------------------------------------------------------
# Finding and reading the table


@dataclass
class _Header:
    row: int  # Excel row number
    body: int  # index into the scanned rows where the body starts
    seq: int  # column indexes, 0-based
    name: int
    unit: int | None
    note: int | None
    years: dict[int, int]  # year → column index
    problems: list[str]


def read_data_sheet(wb: Workbook) -> RawTable:
    """The raw rows of the workbook's 质量数据表.

    The sheet is the one named 质量数据表 or else the first whose header row (within the first
    15 rows) holds 序号 and 指标. Raises WorkbookError when there is none, or when it is
    malformed beyond reading.
    """
    with _quiet():
        try:
            return _read(wb)
        except WorkbookError:
            raise
        except Exception as exc:  # a damaged sheet part: parser or zip CRC errors
            raise WorkbookError("工作簿的内容已损坏，无法读取。") from exc


def read_data_sheets(wb: Workbook, sheets: Iterable[str]) -> list[RawTable]:
    """The raw rows of every sheet named for one of an edition's indicator tables (`sheets`:
    质量数据表, 附表1 …), in workbook order; when no sheet is, the one `read_data_sheet` finds."""
    wanted = [_header_text(name) for name in sheets]
    with _quiet():
        try:
            named = [ws for ws in wb.worksheets
                     if any(_header_text(ws.title) == name for name in wanted)]
            tables = []
            for ws in named:
                table = _read_sheet(ws)
                if table is None:
                    raise WorkbookError(f"工作表“{ws.title}”的前 {HEADER_SCAN_ROWS} 行中没有含"
                                        "“序号”和“指标”的表头。")
                tables.append(table)
            return tables or [_read(wb)]
        except WorkbookError:
            raise
        except Exception as exc:  # a damaged sheet part: parser or zip CRC errors
            raise WorkbookError("工作簿的内容已损坏，无法读取。") from exc


def _read_sheet(ws: Any) -> RawTable | None:
    _check_row_widths(ws)
    rows = _numbered_rows(ws)
    try:
        head = list(islice(rows, HEADER_SCAN_ROWS))
        header = _find_header(head)
        if header is None:
            return None
        if not header.years:
            raise WorkbookError(
                f"工作表“{ws.title}”的表头（第 {header.row} 行）没有年份列（如“2021年”）。"
            )
        return _collect(ws.title, header, chain(head[header.body :], rows))
    finally:
        rows.close()  # closes the sheet part we were streaming from


def _read(wb: Workbook) -> RawTable:
    named, others = _candidates(wb)
    for ws in named + others:
        table = _read_sheet(ws)
        if table is not None:
            return table
    if named:
        raise WorkbookError(
            f"工作表“{named[0].title}”的前 {HEADER_SCAN_ROWS} 行中没有含“序号”和“指标”的表头。"
        )
    raise WorkbookError(f"工作簿中没有“{DATA_SHEET}”工作表，也没有表头含“序号”和“指标”的工作表。")


def _candidates(wb: Workbook) -> tuple[list[Any], list[Any]]:
    """Sheets named 质量数据表 (spacing and width variants too), and the others."""
    named = [ws for ws in wb.worksheets if DATA_SHEET in _header_text(ws.title)]
    return named, [ws for ws in wb.worksheets if ws not in named]


def _numbered_rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Some writers put a wrong <dimension> in the sheet; openpyxl would stop there.
    ws.reset_dimensions()
    limit = HEADER_SCAN_ROWS + MAX_ROWS + 1
    rows = ws.iter_rows(min_row=1, max_row=limit, max_col=MAX_COLUMNS)
    yield from enumerate(rows, start=1)


def _find_header(head: list[tuple[int, tuple[Any, ...]]]) -> _Header | None:
    for index, (number, cells) in enumerate(head):
        texts = [_header_text(cell_text(c.value)) for c in cells]
        if "序号" not in texts or not any("指标" in t for t in texts):
            continue
        header = _header_from(number, index, texts)
        if not header.years and index + 1 < len(head):
            # A two-row header: years under a merged "数值"/"年度" cell.
            below = [_header_text(cell_text(c.value)) for c in head[index + 1][1]]
            header.years = _year_columns(below, header.problems)
            header.body = index + 2
        return header
    return None


def _header_from(number: int, index: int, texts: list[str]) -> _Header:
    problems: list[str] = []
    seq = texts.index("序号")
    name = next(i for i, t in enumerate(texts) if "指标" in t)
    unit = next((i for i, t in enumerate(texts) if t.endswith("单位")), None)
    note = next((i for i, t in enumerate(texts) if "备注" in t), None)
    if unit is None:
        problems.append(f"表头（第 {number} 行）没有“单位”列。")
    years = _year_columns(texts, problems)
    return _Header(number, index + 1, seq, name, unit, note, years, problems)


def _year_columns(texts: list[str], problems: list[str]) -> dict[int, int]:
    years: dict[int, int] = {}
    for col, text in enumerate(texts):
        match = _YEAR.fullmatch(text)
        if not match:
            continue
        year = int(match.group(1))
        if year in years:
            first = get_column_letter(years[year] + 1)
            problems.append(f"表头中 {year} 年不止一列，只读取第一列（{first} 列）。")
            continue
        years[year] = col
    return years


def _collect(title: str, header: _Header, rows: Iterable[tuple[int, tuple[Any, ...]]]) -> RawTable:
    table = RawTable(title, header.row, tuple(sorted(header.years)), problems=header.problems)
    blank_run = 0
    for count, (number, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise WorkbookError(
                f"工作表“{title}”表头以下超过 {MAX_ROWS} 行仍未结束，不像一份质量数据表，已拒绝读取。"
            )
        if _ends_table(cells):
            break
        row = _raw_row(number, cells, header)
        if row is None:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if _header_text(row.seq) == "序号":
            continue  # the header repeated at a page break
        table.rows.append(row)
        if header.note is not None and (note := _text_at(cells, header.note)):
            table.notes[number] = note
    return table


def _ends_table(cells: tuple[Any, ...]) -> bool:
    """The submission block (填报单位（盖章）…) or a footnote (注：…) starts the row."""
    first = next((c.value for c in cells if c.value not in (None, "")), None)
    return isinstance(first, str) and _header_text(first).startswith(_END_PREFIXES)


def _raw_row(number: int, cells: tuple[Any, ...], header: _Header) -> RawRow | None:
    """The row's texts, or None when every column of the table is empty."""
    values = {year: _text_at(cells, col) for year, col in header.years.items()}
    seq = _text_at(cells, header.seq)
    name = _text_at(cells, header.name)
    unit = _text_at(cells, header.unit) if header.unit is not None else ""
    if not (seq or name or unit or any(values.values())):
        return None
    return RawRow(number, seq, name, unit, values)


def _text_at(cells: tuple[Any, ...], col: int) -> str:
    if col >= len(cells):
        return ""
    cell = cells[col]
    return cell_text(cell.value, getattr(cell, "number_format", None))


# ---------------------------------------------------------------------------------------------
# The pre-scan for absurdly wide rows


class _TooWide(Exception):
    def __init__(self, row: int) -> None:
        self.row = row


class _Enough(Exception):
    """Scanned as many rows as the reader will ever look at."""


def _check_row_widths(ws: Any) -> None:
    """Refuse a sheet with a row of more than MAX_CELLS_PER_ROW cells, in constant memory.

    openpyxl materialises a whole row before handing it over, so one row of millions of
    cells (possible in a 50 MB part that compresses modestly) would exhaust memory.
    """
    open_source = getattr(ws, "_get_source", None)  # openpyxl internals; skip if they change
    if open_source is None:
        return
    counts = {"rows": 0, "cells": 0}
    limit = HEADER_SCAN_ROWS + MAX_ROWS + 1

    def start(tag: str, _attrs: object) -> None:
        local = tag.rpartition(" ")[2].rpartition(":")[2]
        if local == "row":
            counts["rows"] += 1
            counts["cells"] = 0
            if counts["rows"] > limit:
                raise _Enough
        elif local == "c":
            counts["cells"] += 1
            if counts["cells"] > MAX_CELLS_PER_ROW:
                raise _TooWide(counts["rows"])

    def forbid(*_args: object) -> None:
        raise WorkbookError(f"工作表“{ws.title}”含有不允许的 XML 声明，已拒绝读取。")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    try:
        with open_source() as src:
            while chunk := src.read(64 * 1024):
                parser.Parse(chunk, False)
    except _Enough:
        return
    except _TooWide as wide:
        raise WorkbookError(
            f"工作表“{ws.title}”第 {wide.row} 行超过 {MAX_CELLS_PER_ROW} 个单元格，已拒绝读取。"
        ) from None


# ---------------------------------------------------------------------------------------------
# Cell texts and names


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
    min_places, max_places, percent = _format_places(number_format)
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


def _format_places(number_format: str | None) -> tuple[int, int | None, bool]:
    """(required decimals, shown decimals or None for General, percent) of a number format."""
    if not number_format or number_format in ("General", "@"):
        return 0, None, False
    section = number_format.split(";")[0]
    # Drop quoted literals, escaped characters, [colour]/[locale] codes, padding and fill.
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", section)
    percent = "%" in section
    if "E" in section.upper():  # scientific: show the plain number
        return 0, None, percent
    match = re.search(r"\.([0#?]+)", section)
    if not match:
        return 0, 0, percent
    return match.group(1).count("0"), len(match.group(1)), percent


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


def _header_text(text: str) -> str:
    """Header cells and labels compared without width or spacing differences."""
    return "".join(unicodedata.normalize("NFKC", text).split())
