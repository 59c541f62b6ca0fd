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
import warnings
import weakref
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree
from xml.parsers import expat

from msgspec import Struct, field
from msgspec.structs import replace

import desktop.formats.openpyxl_without_pillow  # noqa: F401  before openpyxl

# isort: split
import defusedxml  # noqa: F401  openpyxl uses it when importable; imported so bundlers ship it
import openpyxl.xml
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from desktop import matcher
from desktop.errors import UserError
from desktop.formats import compound
from desktop.matcher import cell_text, normalise_name

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
HEADER_SCAN_ROWS = matcher.HEADER_SCAN_ROWS
MAX_ROWS = 5000  # physical rows below the header; the standard table has about 60
MAX_COLUMNS = 64  # columns read per row; the table has five to seven
MAX_CELLS_PER_ROW = 16384  # Excel's own column limit

_header_text = matcher.header_text


class WorkbookError(UserError):
    """A workbook that cannot be read, with one plain sentence saying why."""


class RawRow(NamedTuple):
    row: int  # Excel row number, for messages
    seq: str  # 序号 as shown; "" for 其中 rows (merged cells read empty)
    name: str  # 指标 as shown, surrounding spaces removed
    unit: str
    values: dict[int, str]  # year → cell text as shown ("" when empty), every year column


class RawTable(Struct):
    sheet: str
    header_row: int  # Excel row number of the header (the row with 序号 and 指标)
    years: tuple[int, ...]  # year columns, ascending
    rows: list[RawRow] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)  # 备注 text by Excel row number
    problems: list[str] = field(default_factory=list)  # things to tell the user, not fatal
    refused: list[str] = field(default_factory=list)  # cells whose year cannot be told: fatal
    table: matcher.Table | None = None  # the matcher's view: cells, references, formulas
    year_of_column: dict[int, int] = field(default_factory=dict)  # header.year_columns index → year


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
            wb = _load(data, path.name, read_only=True, data_only=True)
    except WorkbookError:
        raise
    except Exception as exc:
        sentence = _damage(exc, path.name)
        if sentence is None:
            raise  # not damage but a fault of ours: shown as one, never as a damaged file
        raise WorkbookError(sentence) from exc
    _file_names[wb] = path.name
    return wb


# The file each open workbook came from, for naming it when a sheet turns out damaged.
_file_names: weakref.WeakKeyDictionary[Workbook, str] = weakref.WeakKeyDictionary()


def _load(data: bytes, name: str, *, read_only: bool, data_only: bool) -> Workbook:
    """openpyxl's load_workbook, and a refusal when a sheet the workbook lists has lost its
    part: openpyxl skips such a sheet without a word, and the import would then say the
    workbook has no 质量数据表 when its table is what was lost."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=read_only, data_only=data_only)
    reader.read()
    for sheet, rel in reader.parser.find_sheets():
        if rel.target not in reader.valid_files:
            reader.wb.close()
            raise WorkbookError(
                f"{name} 已损坏：工作表“{sheet.name}”的内容（{rel.target}）不在文件中，"
                "请找回完整的原文件，或在 Excel/WPS 中打开检查后另存为新的 .xlsx 再导入。")
    return reader.wb


# openpyxl's modules that read the file: a ValueError, IndexError, KeyError or TypeError
# raised in one of them comes from what the file says (a style number with no style, a cell
# reference or number that is none), not from how we called it.
_READING_MODULES = ("openpyxl.reader", "openpyxl.worksheet._reader", "openpyxl.worksheet._read_only",
                    "openpyxl.cell.read_only", "openpyxl.packaging", "openpyxl.styles",
                    "openpyxl.descriptors", "openpyxl.xml", "openpyxl.workbook", "openpyxl.chart.reader",
                    "openpyxl.drawing", "openpyxl.comments", "openpyxl.pivot", "openpyxl.worksheet",
                    "zipfile")


def _damage(exc: BaseException, name: str) -> str | None:
    """The sentence for what a damaged workbook makes its readers raise (a cut-off or
    corrupted zip, a part that is not XML, a part the workbook names but lacks, a value
    openpyxl cannot take); None for anything else, which is a fault of ours."""
    from lxml import etree
    from openpyxl.utils.exceptions import InvalidFileException

    again = "请用 Excel 或 WPS 打开检查，能打开就另存为新的 .xlsx 再导入，否则请找回完好的原文件。"
    if isinstance(exc, NotImplementedError) and _raised_reading(exc):
        return _unsupported_zip(name)
    # the file was read into memory whole (_read_capped): an OSError from here on is the
    # zip's (a member header that lies about its offset), never the disk's
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError) or (
            isinstance(exc, OSError) and _raised_reading(exc)):
        return f"{name} 已损坏或不完整（可能没有完整复制或下载）：请重新复制或下载一份后再导入。"
    if isinstance(exc, ElementTree.ParseError | expat.ExpatError | etree.LxmlError | InvalidFileException):
        return f"{name} 的内容已损坏，无法读取：{again}"
    if isinstance(exc, KeyError) and "There is no item named" in str(exc):
        part = str(exc.args[0]).split("'")[1] if "'" in str(exc.args[0]) else ""
        return f"{name} 已损坏，缺少工作簿的组成部分 {part}：{again}"
    if isinstance(exc, ValueError | IndexError | KeyError | TypeError) and _raised_reading(exc):
        return f"{name} 的内容已损坏，无法读取：{again}"
    return None


def _unsupported_zip(name: str) -> str:
    # Corrupted directory bytes read as an unknown method, and so does a zip made by a tool
    # with a method Excel never writes: either way the file as it is cannot be read.
    return (f"{name} 已损坏，或被压缩工具用本程序不支持的方式重新打包：请在 Excel/WPS 中打开后"
            "另存为 .xlsx 再导入，打不开则请找回原文件。")


def _raised_reading(exc: BaseException) -> bool:
    """Raised inside openpyxl's reading of the file, below the last frame of ours."""
    frames = [tb.tb_frame.f_globals.get("__name__", "") for tb in _walk(exc.__traceback__)]
    ours = max((i for i, module in enumerate(frames) if module.startswith("desktop")), default=-1)
    return any(module.startswith(_READING_MODULES) for module in frames[ours + 1:])


def _walk(tb: Any) -> Iterator[Any]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _unreadable(exc: OSError, name: str) -> str:
    """A file that could not be read, which says nothing of its content."""
    if isinstance(exc, PermissionError):
        return f"无法读取 {name}：没有读取它的权限，或它正被其他程序打开。请关闭后重试，或先复制到本机。"
    return f"读取 {name} 时出错（磁盘、U 盘或网络故障）：请先把文件复制到本机再导入。"


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
    except OSError as exc:  # permissions, a file locked by Excel on Windows, a failing stick
        raise WorkbookError(_unreadable(exc, path.name)) from exc
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"{path.name} 超过 {MAX_FILE_BYTES // MB} MB，不像一份数据表，已拒绝读取。")
    return data


def _check_container(data: bytes, name: str) -> None:
    ole = compound.kind(data)
    if ole == compound.ENCRYPTED:
        raise WorkbookError(compound.password_sentence(name, "Excel"))
    if ole == compound.XLS:
        raise WorkbookError(f"{name} 是旧版 Excel（.xls）文件：请在 Excel/WPS 中打开后"
                            "另存为 .xlsx 再导入。")
    if ole == compound.DOC:
        raise WorkbookError(f"{name} 是 Word 文档，不是 Excel 工作簿：请选择要导入的 Excel 文件。")
    if ole is not None:
        raise WorkbookError(
            f"{name} 是旧版 Excel（.xls）文件或设置了打开密码，"
            "请在 Excel/WPS 中另存为不加密的 .xlsx 后再导入。"
        )
    if not data:
        raise WorkbookError(f"{name} 是空文件（0 字节），不是 Excel 工作簿：可能没有保存或复制完整，"
                            "请找回原文件。")
    if not data.startswith(b"PK"):
        raise WorkbookError(f"{name} 不是 Excel 工作簿（.xlsx）：如果是 .csv 或其他格式，"
                            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if not any(info.filename.startswith("xl/") for info in infos):
                # a .docx, .pptx or other zip renamed: intact, just not a workbook
                raise WorkbookError(f"{name} 不是 Excel 工作簿（.xlsx），可能是其他文件改了扩展名："
                                    "请选择要导入的 Excel 文件。")
            _check_members(infos, name)
            _check_no_dtd(zf, infos, name)
    except NotImplementedError as exc:  # zipfile: a compression method or version it lacks
        raise WorkbookError(_unsupported_zip(name)) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        # the bytes are in memory: an OSError or ValueError here is the zip's, not the disk's
        raise WorkbookError(f"{name} 已损坏或不完整（可能没有完整复制或下载）："
                            "请重新复制或下载一份后再导入。") from exc


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


def read_data_sheet(wb: Workbook, sheet: str | None = None, data_year: int | None = None,
                    data_table: str = DATA_SHEET) -> RawTable:
    """The raw rows of the workbook's one data table (see `read_data_sheets`)."""
    return read_data_sheets(wb, [data_table], data_year=data_year, sheet=sheet)[0]


def read_data_sheets(wb: Workbook, sheets: Iterable[str], data_year: int | None = None,
                     sheet: str | None = None) -> list[RawTable]:
    """The raw rows of every indicator table of an edition found in the workbook (`sheets`:
    their sheet names, 质量数据表, 附表1 …), in the edition's order.

    `sheet` names the one sheet to read. Otherwise, for each table, the sheets named for it
    (exactly, or a copy such as "质量数据表 (2)", or with the school before it) are its
    candidates: the one visible candidate is read and hidden ones are named in `problems`;
    two or more visible ones are refused, naming them. When no sheet is named for any table,
    the candidates are the sheets whose header row holds a name column, 序号 or 单位, and year
    columns, under the same rule. `data_year` resolves year columns headed 本年/上年.

    Raises WorkbookError when there is no table, or it is malformed beyond reading.
    """
    with _quiet():
        try:
            return _read(wb, list(sheets), data_year, sheet)
        except WorkbookError:
            raise
        except Exception as exc:  # a sheet part is parsed only now, as it is streamed
            sentence = _damage(exc, _file_names.get(wb, "工作簿"))
            if sentence is None:
                raise  # a fault of ours, never passed off as a damaged file
            raise WorkbookError(sentence) from exc


class _SheetFacts(Struct):
    hidden_rows: set[int]
    formulas: set[str]  # cell references holding a formula
    merged: list[str] = field(default_factory=list)  # merged ranges ("E3:E4") in the rows read


def _read(wb: Workbook, sheets: list[str], data_year: int | None, sheet: str | None) -> list[RawTable]:
    if sheet is not None:
        ws = _sheet_named(wb, sheet)
        return [_table(ws, _header_of(ws), data_year, [])]
    out = []
    for name in sheets:
        named = [ws for ws in wb.worksheets if _named_for(ws.title, name)]
        if named:
            ws, said = _one_visible(named)
            out.append(_table(ws, _header_of(ws), data_year, said))
    if out:
        return out
    with_header = [(ws, found[0]) for ws in wb.worksheets if (found := _head(ws)) is not None]
    tables = [ws for ws, header in with_header if header.year_columns]
    if tables:
        ws, said = _one_visible(tables)
        return [_table(ws, dict(with_header)[ws], data_year, said)]
    if with_header:
        ws, header = with_header[0]
        raise WorkbookError(f"工作表“{ws.title}”的表头（第 {header.row} 行）没有年份列（如“2021年”）。")
    wanted = "、".join(f"“{name}”" for name in sheets)
    raise WorkbookError(f"工作簿中没有{wanted}工作表，也没有表头含“序号”和“指标”的工作表。")


_COPY_MARK = re.compile(r"(?:\(\d+\)|副本|备份|copy|\d*)", re.IGNORECASE)


def _named_for(title: str, name: str) -> bool:
    """The sheet is named for the table `name`: exactly, a copy ("质量数据表 (2)", "…副本"),
    or with a school or year before it ("某校质量数据表"); never 附表10 for 附表1."""
    title, name = _header_text(title).casefold(), _header_text(name).casefold()
    if not name or name not in title:
        return False
    rest = title[title.index(name) + len(name):]
    if rest and rest[0].isdigit() and name[-1].isdigit():
        return False
    return _COPY_MARK.fullmatch(rest) is not None


def _header_of(ws: Any) -> matcher.Header:
    found = _head(ws)
    if found is None:
        raise WorkbookError(
            f"工作表“{ws.title}”的前 {matcher.HEADER_SCAN_ROWS} 行中没有含“序号”和“指标”的表头。")
    return found[0]


def _sheet_named(wb: Workbook, name: str) -> Any:
    for ws in wb.worksheets:
        if ws.title == name:
            return ws
    for ws in wb.worksheets:
        if _header_text(ws.title) == _header_text(name):
            return ws
    have = "、".join(f"“{ws.title}”" for ws in wb.worksheets)
    raise WorkbookError(f"工作簿中没有名为“{name}”的工作表（有：{have}）。")


def _one_visible(candidates: list[Any]) -> tuple[Any, list[str]]:
    """The one visible candidate, and sentences naming the hidden ones left unread."""
    visible = [ws for ws in candidates if ws.sheet_state == "visible"]
    hidden = [ws for ws in candidates if ws.sheet_state != "visible"]
    if len(visible) == 1:
        said = [f"工作簿中另有隐藏的工作表“{ws.title}”也像数据表，未读取（需要时可用 --sheet 指定）。"
                for ws in hidden]
        if hidden:
            said.insert(0, f"读取的是工作表“{visible[0].title}”。")
        return visible[0], said
    names = "、".join(f"“{ws.title}”" for ws in candidates)
    if not visible:
        raise WorkbookError(
            f"像数据表的工作表 {names} 都是隐藏的：请在 Excel/WPS 中取消隐藏要导入的那一张，"
            "或用 --sheet 指定。")
    names = "、".join(f"“{ws.title}”" for ws in visible)
    raise WorkbookError(f"工作簿中有多张工作表像数据表（{names}），无法确定导入哪一张：请删除多余的，"
                        "或用 --sheet 指定。")


def _head(ws: Any) -> tuple[matcher.Header, list[matcher.Row]] | None:
    """The sheet's header (matcher.find_header over its first rows), or None."""
    facts = _scan_sheet(ws, matcher.HEADER_SCAN_ROWS + 2)
    rows = _numbered_rows(ws, facts, matcher.HEADER_SCAN_ROWS + 2)
    try:
        head = list(rows)
    finally:
        rows.close()
    header = matcher.find_header(head)
    return None if header is None else (header, head)


def _table(ws: Any, header: matcher.Header, data_year: int | None, said: list[str]) -> RawTable:
    facts = _scan_sheet(ws, header.row + MAX_ROWS + 2)
    rows = _numbered_rows(ws, facts, header.row + MAX_ROWS + 2)
    try:
        grid = list(rows)
    finally:
        rows.close()  # closes the sheet part we were streaming from
    if grid and grid[-1][0] > header.row + MAX_ROWS:
        raise WorkbookError(
            f"工作表“{ws.title}”表头以下超过 {MAX_ROWS} 行仍未结束，不像一份质量数据表，已拒绝读取。"
        )
    if not header.year_columns:
        raise WorkbookError(f"工作表“{ws.title}”的表头（第 {header.row} 行）没有年份列（如“2021年”）。")
    table = matcher.read_table(ws.title, grid, header, facts.hidden_rows)
    _mark_merged(table, grid, facts.merged)
    by_column = {i: y.resolve(data_year) for i, y in enumerate(header.year_columns)}
    if None in by_column.values():
        raise WorkbookError(
            f"工作表“{ws.title}”的表头用“本年/上年”表示年份，需要知道报告的数据年度才能读取。")
    first = {}
    for i, year in by_column.items():
        first.setdefault(year, i)
    years = tuple(sorted(first))
    raw = RawTable(ws.title, header.row, years, problems=[*said, *table.problems], table=table,
                   year_of_column={i: y for i, y in by_column.items() if first[y] == i})
    _values_outside_years(raw, grid, header, facts.merged, by_column, data_year)
    for row in table.rows:
        if matcher.header_text(row.seq) == "序号":
            continue
        values = {year: row.cells[i].text for year, i in first.items()}
        raw.rows.append(RawRow(row.row, row.seq, row.name, row.unit, values))
        if row.note:
            raw.notes[row.row] = row.note
    return raw


def _values_outside_years(raw: RawTable, grid: list[matcher.Row], header: matcher.Header,
                          ranges: list[str], by_column: dict[int, int], data_year: int | None) -> None:
    """Values of the table's rows that no year column takes, never dropped without a word:
    - under a year header merged across several columns ("2021年" over D:E): which year each
      column is cannot be told, so each value is refused, naming its cell;
    - in a second column of the same year that says something else than the first: refused;
    - in a column with no header at all: said (a column of the person's own, or a year whose
      header was forgotten), not imported."""
    assert raw.table is not None
    body = {row.row for row in raw.table.rows}
    first_body = min(body, default=header.row + 1)
    head = [cells for number, cells in grid if header.row <= number < first_body]
    known = {c for c in (header.seq, header.name, header.unit, header.note) if c is not None}
    year_at = {y.col: by_column[i] for i, y in enumerate(header.year_columns)}
    first_of_year: dict[int, int] = {}
    for col, year in sorted(year_at.items()):
        first_of_year.setdefault(year, col)
    under: dict[int, tuple[str, int]] = {}  # column → (merged range, year) of a merged year header
    for text in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(text)
        except ValueError:
            continue
        in_head = min_row <= header.row <= max_row or header.row < min_row < first_body
        if in_head and min_col - 1 in year_at:
            for col in range(min_col, min(max_col, MAX_COLUMNS)):
                if col not in year_at:
                    under[col] = (text, year_at[min_col - 1])
    headed = {i for cells in head for i, c in enumerate(cells) if not c.empty}
    for cells in head:  # a second column of a year: left out of header.year_columns
        for col, c in enumerate(cells):
            repeated = matcher.year_column(col, matcher.header_text(c.text))
            year = repeated.resolve(data_year) if repeated else None
            if year in first_of_year and col not in year_at and col not in known:
                year_at[col] = year
    loose: dict[int, list[str]] = {}
    for number, cells in grid:
        if number not in body:
            continue
        for col, cell in enumerate(cells):
            if cell.empty or col in known:
                continue
            where = f"{raw.sheet}!{cell.ref}"
            if col in under:
                merged, year = under[col]
                raw.refused.append(
                    f"{where} 的“{cell.text}”位于跨列合并的表头“{year}年”（{merged}）之下，"
                    "无法确定是哪一年的数：请取消表头合并，每个年份一列后再导入")
            elif col in year_at and first_of_year[year_at[col]] != col:
                year = year_at[col]
                other = cells[first_of_year[year]] if first_of_year[year] < len(cells) else None
                if other is None or matcher.header_text(other.text) != matcher.header_text(cell.text):
                    shown = other.text if other is not None and other.text else "空"
                    raw.refused.append(
                        f"{where} 的“{cell.text}”与同一行 {year} 年第一列的“{shown}”不同，而表头中 {year} 年"
                        "不止一列，无法确定哪个是要导入的数：请删除多余的年份列后再导入")
            elif col not in year_at and col not in headed and _looks_numeric(cell):
                loose.setdefault(col, []).append(cell.ref)
    for col, refs in sorted(loose.items()):
        shown = "、".join(refs[:5]) + (f" 等 {len(refs)} 格" if len(refs) > 5 else "")
        raw.problems.append(
            f"工作表“{raw.sheet}”的 {get_column_letter(col + 1)} 列没有表头，其中的数（{shown}）未导入："
            "如果是某一年的数据，请在表头写上年份后再导入。")


def _looks_numeric(cell: matcher.Cell) -> bool:
    """A number, or text that is one ("１,234", "98.5%"): a remark in a loose column is not."""
    if isinstance(cell.value, bool):
        return False
    if isinstance(cell.value, int | float) or cell.formula:
        return True
    return re.fullmatch(r"[-+]?[\d,.\s]+%?", matcher.header_text(cell.text)) is not None


def _mark_merged(table: matcher.Table, grid: list[matcher.Row], ranges: list[str]) -> None:
    """A value cell covered by a merged range whose first cell holds a value: Excel shows
    that value across the range, the cell itself reads empty. Marked, so the importer can
    say so instead of taking the cell as "not provided" (E3:E4 merged over two indicators)."""
    if not ranges:
        return
    filled = {c.ref for _, cells in grid for c in cells if not c.empty}
    covered: dict[str, str] = {}
    for text in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(text)
        except ValueError:
            continue
        if f"{get_column_letter(min_col)}{min_row}" not in filled:
            continue  # an empty merged range says nothing
        for row in range(min_row, min(max_row, min_row + MAX_ROWS) + 1):
            for col in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (row, col) != (min_row, min_col):
                    covered[f"{get_column_letter(col)}{row}"] = text
    for row in table.rows:
        for i, cell in row.cells.items():
            if cell.ref in covered and cell.empty:
                row.cells[i] = replace(cell, merged=covered[cell.ref])


def _numbered_rows(ws: Any, facts: _SheetFacts, limit: int) -> Iterator[matcher.Row]:
    # Some writers put a wrong <dimension> in the sheet; openpyxl would stop there.
    ws.reset_dimensions()
    rows = ws.iter_rows(min_row=1, max_row=limit, max_col=MAX_COLUMNS)
    for number, cells in enumerate(rows, start=1):
        # openpyxl pads each row to max_col with empty cells: stop at the last one with a
        # value (or a formula, whose value may be missing); the matcher pads what it needs
        last = len(cells)
        while last and cells[last - 1].value is None and \
                f"{get_column_letter(last)}{number}" not in facts.formulas:
            last -= 1
        yield number, [_cell(c, number, col, facts) for col, c in enumerate(cells[:last])]


def _cell(c: Any, number: int, col: int, facts: _SheetFacts) -> matcher.Cell:
    ref = f"{get_column_letter(col + 1)}{number}"
    value = getattr(c, "value", None)
    fmt = getattr(c, "number_format", None) or ""
    indent = 0
    if value is not None and getattr(c, "has_style", False):
        alignment = c.alignment
        indent = int(alignment.indent or 0) if alignment is not None else 0
    return matcher.Cell(value, fmt, ref, ref in facts.formulas, indent)


# ---------------------------------------------------------------------------------------------
# The pre-scan for absurdly wide rows


class _TooWide(Exception):
    def __init__(self, row: int) -> None:
        self.row = row


class _Enough(Exception):
    """Scanned as many rows as the reader will ever look at."""


def formula_cells(ws: Any, limit: int) -> set[str]:
    """The references of the cells holding a formula in the sheet's first `limit` rows
    (with `data_only` a formula whose result was never saved reads as an empty cell)."""
    return _scan_sheet(ws, limit).formulas


def _scan_sheet(ws: Any, limit: int) -> _SheetFacts:
    """What openpyxl's read-only rows do not tell, read from the sheet's XML in constant
    memory: hidden rows and the cells holding formulas (with `data_only` a formula whose
    result was never saved reads as an empty cell). On the way, refuse a row of more than
    MAX_CELLS_PER_ROW cells: openpyxl materialises a whole row before handing it over, so one
    row of millions of cells (possible in a 50 MB part that compresses modestly) would
    exhaust memory. Stops after `limit` rows.
    """
    facts = _SheetFacts(set(), set())
    open_source = getattr(ws, "_get_source", None)  # openpyxl internals; skip if they change
    if open_source is None:
        return facts
    state = {"rows": 0, "row": 0, "cells": 0, "col": 0, "ref": ""}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2].rpartition(":")[2]
        if local == "row":
            state["rows"] += 1
            state["cells"] = state["col"] = 0
            r = attrs.get("r", "")
            state["row"] = int(r) if r.isdigit() else state["row"] + 1
            if state["row"] > limit or state["rows"] > limit:
                raise _Enough
            if attrs.get("hidden") in ("1", "true"):
                facts.hidden_rows.add(state["row"])
        elif local == "c":
            state["cells"] += 1
            if state["cells"] > MAX_CELLS_PER_ROW:
                raise _TooWide(state["row"])
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                state["col"] = column_index_from_string(letters) if letters.isalpha() else state["col"] + 1
            else:
                state["col"] += 1
                ref = f"{get_column_letter(min(state['col'], MAX_CELLS_PER_ROW))}{state['row']}"
            state["ref"] = ref
        elif local == "f":
            facts.formulas.add(state["ref"])
        elif local == "mergeCell" and attrs.get("ref"):
            facts.merged.append(attrs["ref"])

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
        pass
    except _TooWide as wide:
        raise WorkbookError(
            f"工作表“{ws.title}”第 {wide.row} 行超过 {MAX_CELLS_PER_ROW} 个单元格，已拒绝读取。"
        ) from None
    return facts




# ---------------------------------------------------------------------------------------------
# A form: every sheet of a (blank) workbook, read whole


class FormSheet(Struct):
    title: str
    state: str  # visible, hidden, veryHidden
    table: matcher.Table | None = None
    skipped: str = ""  # why the sheet holds no indicator table ("" when it does)
    title_text: str = ""  # the merged title row above the header, if any
    formulas: dict[str, str] = field(default_factory=dict)  # cell ref → formula text ("=E5/E6")
    validations: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # ref → (type, op, formula1)
    merged: set[str] = field(default_factory=set)  # cells inside a merged range, not its first


class Form(Struct):
    sheets: list[FormSheet]


def read_form(path: str | PathLike[str]) -> tuple[bytes, Form]:
    """The workbook's bytes and every sheet read cell by cell with formulas, merged title rows,
    data validation and hidden rows: the bureau's blank form, small and read whole (after the
    same zip checks as any workbook). A sheet without an indicator table is kept with the
    reason it was skipped (a 说明 sheet, a chart, a hidden sheet)."""
    path = Path(path)
    _require_defusedxml()
    data = _read_capped(path)
    _check_container(data, path.name)
    _check_form_sheets(data, path.name)
    try:
        with _quiet():
            wb = _load(data, path.name, read_only=False, data_only=False)  # parses every part
    except WorkbookError:
        raise
    except Exception as exc:
        sentence = _damage(exc, path.name)
        if sentence is None:
            raise  # a fault of ours, never passed off as a damaged file
        raise WorkbookError(sentence) from exc
    sheets = []
    for ws in wb.chartsheets:
        sheets.append(FormSheet(ws.title, ws.sheet_state, skipped=f"“{ws.title}”是图表，不是指标表。"))
    for ws in wb.worksheets:
        sheets.append(_form_sheet(ws))
    order = {name: i for i, name in enumerate(wb.sheetnames)}
    sheets.sort(key=lambda s: order.get(s.title, 0))
    return data, Form(sheets)


def _check_form_sheets(data: bytes, name: str) -> None:
    """A form is read whole, sheets too (formulas, validation, merged cells): a sheet part
    gets the limit of the parts parsed whole. A blank form's sheets are tens of kilobytes;
    a sheet of hundreds of thousands of rows would take minutes and gigabytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.file_size > MAX_EAGER_XML_BYTES:
                raise WorkbookError(f"{name} 中的 {info.filename} 解压后过大（{info.file_size // MB} MB），"
                                    "不像主管部门下发的空白表格，已拒绝读取。")


def _form_sheet(ws: Any) -> FormSheet:
    sheet = FormSheet(ws.title, ws.sheet_state)
    if ws.sheet_state != "visible":
        sheet.skipped = f"“{ws.title}”是隐藏的工作表，未作为指标表。"
        return sheet
    last_row = min(ws.max_row, MAX_ROWS)
    last_col = min(ws.max_column, MAX_COLUMNS)
    grid: list[matcher.Row] = []
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=last_row, max_col=last_col), start=1):
        row = []
        for c in cells:
            formula = c.data_type == "f"
            if formula:
                sheet.formulas[c.coordinate] = str(c.value)
            indent = int(c.alignment.indent or 0) if c.has_style and c.alignment is not None else 0
            row.append(matcher.Cell(None if formula else c.value, c.number_format or "", c.coordinate,
                                    formula, indent))
        grid.append((number, row))
    header = matcher.find_header(grid)
    if header is None:
        sheet.skipped = f"“{ws.title}”没有含“序号”“指标”的表头，不是指标表。"
        return sheet
    if not header.year_columns:
        sheet.skipped = f"“{ws.title}”的表头（第 {header.row} 行）没有年份列，未作为指标表。"
        return sheet
    hidden = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    sheet.table = matcher.read_table(ws.title, grid, header, hidden)
    sheet.title_text = _title_above(ws, header.row)
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for col in range(merged.min_col, min(merged.max_col, last_col) + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    sheet.merged.add(f"{get_column_letter(col)}{row}")
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for row in ws.iter_rows(min_row=cell_range.min_row, max_row=min(cell_range.max_row, last_row),
                                    min_col=cell_range.min_col, max_col=min(cell_range.max_col, last_col)):
                for c in row:
                    sheet.validations[c.coordinate] = (dv.type or "", dv.operator or "", dv.formula1 or "")
    return sheet


def _title_above(ws: Any, header_row: int) -> str:
    """The table's title: a merged cell spanning the table above the header, else the first
    text above it that is not a note (注：…, 单位：…)."""
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: r.min_row):
        if merged.max_row < header_row and merged.max_col > merged.min_col:
            text = cell_text(ws.cell(merged.min_row, merged.min_col).value)
            if text and not matcher.header_text(text).startswith((*matcher.NOTE_PREFIXES, "单位:", "填报")):
                return text
    for row in ws.iter_rows(min_row=1, max_row=header_row - 1):
        for c in row:
            text = cell_text(c.value)
            if text and not matcher.header_text(text).startswith((*matcher.NOTE_PREFIXES, "单位:", "填报")):
                return text
    return ""
