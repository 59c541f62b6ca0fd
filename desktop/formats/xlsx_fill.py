"""Filling the bureau's own workbook (`export --into BLANK.xlsx`), changing nothing else.

The bureau's form is read cell by cell (`xlsx_read.read_form`) and its rows matched to the
document's indicator rows by the one matcher (`desktop.matcher`: normalised names, 其中
context, year headers 2025年/本年/上年). Each value is then written into its cell inside the
sheet's XML, and every other part of the workbook is copied unchanged: openpyxl would drop
images, comments, charts and extensions on save (see NOTES). A written cell keeps its style;
numbers are written as numbers, texts as inline strings (the shared-string table is left
alone).

Cells are left empty, and said, when the form computes them (a formula of the bureau), when
the report has no value, when the row is hidden, or when the form's unit cannot be
converted. Formula results cached in the blank are stale once values are filled: they are
dropped from the sheets we fill and the workbook asks for a full recalculation on opening,
so no program shows an old total.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath

from msgspec import Struct, field

from desktop import matcher
from desktop.document import Cell, DataRow, Document
from desktop.errors import UserError
from desktop.values import NA, ValueType

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF = re.compile(r"([A-Z]+)(\d+)")


class FillRefused(UserError):
    """The form cannot be filled at all; str() is the sentence."""


class Placement(Struct):
    sheet: str
    ref: str
    value: Decimal | str  # a number, or a text written as a string
    name: str
    year: int


class FillResult(Struct):
    path: Path
    placed: list[Placement] = field(default_factory=list)
    placed_notes: list[Placement] = field(default_factory=list)  # 备注 written in the form's column
    without_cell: list[str] = field(default_factory=list)  # document rows the form has no cell for
    left_empty: list[str] = field(default_factory=list)  # form cells not filled, and why
    not_understood: list[str] = field(default_factory=list)  # form rows naming no indicator
    skipped_sheets: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = [f"已填入 {len(self.placed)} 个数值。"]
        if self.placed_notes:
            lines.append(f"已在“备注”栏填入 {len(self.placed_notes)} 条说明。")
        lines += [f"留空：{n}" for n in self.left_empty]
        lines += [f"未识别：{n}" for n in self.not_understood]
        lines += [f"跳过：{n}" for n in self.skipped_sheets]
        if self.without_cell:  # one line: a partial form leaves many, and they are no fault
            lines.append(f"本报告有 {len(self.without_cell)} 个指标在表格中没有对应单元格："
                         + "、".join(self.without_cell))
        return lines


class _Row(Struct, frozen=True):
    """A document row as the matcher sees an indicator."""

    id: str
    name: str
    parent: str | None
    children: tuple[str, ...]
    row: DataRow
    years: tuple[int, ...]


def _indicators(doc: Document) -> dict[str, _Row]:
    """The document's indicator rows, keyed for the matcher; a row restated in a second table
    (the same name) is one indicator: its value is the same."""
    out: dict[str, _Row] = {}
    seen: set[str] = set()
    for t, table in enumerate(doc.data_tables):
        parent: str | None = None
        for i, row in enumerate(table.rows):
            key = f"{t}.{i}"
            if row.level == 0:
                name = matcher.normalise_name(row.name)
                parent = None if name in seen else key
                if name in seen:
                    continue
                seen.add(name)
                out[key] = _Row(key, row.name, None, (), row, table.years)
            elif parent is not None:
                out[key] = _Row(key, row.name, parent, (), row, table.years)
                p = out[parent]
                out[parent] = _Row(p.id, p.name, None, (*p.children, key), p.row, p.years)
    return out


# The extension Excel demands for each kind of workbook: it refuses to open a file whose
# extension says another kind ("文件格式或文件扩展名无效"), and every part is copied as it is.
_SUFFIX_OF_KIND = {".sheet.main+xml": ".xlsx", "ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
                   ".template.main+xml": ".xltx", "ms-excel.template.macroEnabled.main+xml": ".xltm"}


def _check_suffix(data: bytes, blank: Path, out: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    declared = [m.group(1) for m in re.finditer(r'ContentType="([^"]+)"', types)]
    for kind, suffix in _SUFFIX_OF_KIND.items():
        if any(t.endswith(kind) for t in declared) and out.suffix.lower() != suffix:
            raise FillRefused(f"{blank.name} 是 {suffix} 格式的工作簿，填好的文件也须以 {suffix} 结尾，"
                              f"否则 Excel 打不开：请把保存的文件名改为 {out.stem}{suffix}。")


def fill_workbook(doc: Document, blank: Path | str, out: Path | str) -> FillResult:
    """Write the document's values into a copy of the bureau's blank workbook at `out`."""
    from desktop.atomic import write_atomically
    from desktop.formats import xlsx_read

    blank, out = Path(blank), Path(out)
    data, form = xlsx_read.read_form(blank)
    _check_suffix(data, blank, out)
    result = FillResult(out)
    indicators = _indicators(doc)
    data_year = doc.data_table.years[-1]
    found: set[str] = set()
    edits: dict[str, dict[str, Decimal | str]] = {}  # sheet title → ref → value
    for sheet in form.sheets:
        if sheet.skipped:
            result.skipped_sheets.append(sheet.skipped)
            continue
        table = sheet.table
        matching = matcher.match_rows(table, indicators)
        result.not_understood += matching.unmatched + matching.skipped
        years = table.header.year_columns
        for match in matching.matches:
            ind = indicators[match.indicator]
            found.add(ind.id)
            row = match.row
            _fill_note(sheet, table.header, row, ind, data_year, edits, result)
            for column, cell in sorted(row.cells.items()):
                year = years[column].resolve(data_year)
                where = f"{sheet.title}!{cell.ref}"
                if year not in ind.years:
                    result.left_empty.append(f"{where}（{ind.name}，{years[column].label}）：本报告没有这一年。")
                    continue
                if cell.formula:
                    result.left_empty.append(f"{where}（{ind.name}）由表格中的公式计算，未改动。")
                    continue
                if cell.ref in sheet.merged:  # Excel shows only a merged range's first cell
                    result.left_empty.append(f"{where}（{ind.name}）在合并单元格内，未填写。")
                    continue
                if row.hidden:
                    result.left_empty.append(f"{where}（{ind.name}）所在行是隐藏行，未填写。")
                    continue
                value = ind.row.cells[ind.years.index(year)]
                try:
                    written = _value(ind.row, value, cell, row.unit)
                except matcher.CellRefused as exc:
                    result.left_empty.append(f"{where}（{ind.name}）{exc}，未填写。")
                    continue
                if written is None:
                    result.left_empty.append(f"{where}（{ind.name}，{year}年）：报告中没有这个值。")
                    continue
                edits.setdefault(sheet.title, {})[cell.ref] = written
                result.placed.append(Placement(sheet.title, cell.ref, written, ind.name, year))
    for ind in indicators.values():
        if ind.id not in found and not (ind.parent and ind.parent not in found):
            result.without_cell.append(ind.name if not ind.parent
                                       else f"{indicators[ind.parent].name}：{ind.name}")
    parts = _sheet_parts(data)
    filled = _fill_parts(data, {parts[title]: cells for title, cells in edits.items()})
    write_atomically(out, lambda tmp: tmp.write_bytes(filled))
    return result


def _fill_note(sheet, header: matcher.Header, row: matcher.TableRow, ind: _Row, data_year: int,
               edits: dict[str, dict[str, Decimal | str]], result: FillResult) -> None:
    """The row's 备注 (its notes, as the report's own workbook writes them) into the form's 备注
    column, when the form has one and the cell is free: the bureau's own text stays."""
    if header.note is None or not ind.row.note:
        return
    ref = matcher.cell_ref(header.note, row.row)
    where = f"{sheet.title}!{ref}"
    if row.note:
        result.left_empty.append(f"{where}（{ind.name}的备注）表格中已有内容，未改动。")
    elif ref in sheet.merged or row.hidden:
        result.left_empty.append(f"{where}（{ind.name}的备注）在合并单元格内或隐藏行中，未填写。")
    else:
        edits.setdefault(sheet.title, {})[ref] = ind.row.note
        result.placed_notes.append(Placement(sheet.title, ref, ind.row.note, ind.name, data_year))


def _value(row: DataRow, value: Cell, cell: matcher.Cell, form_unit: str) -> Decimal | str | None:
    """What to write for a report value into the form's cell: its number in the form's unit
    (a percent-formatted cell holds the fraction), "-" for not applicable, or a text."""
    if not value.text:
        return None
    if value.text == NA:
        return NA
    if value.number is None:
        return value.text
    if row.kind != "percent" and matcher.format_places(cell.number_format)[2]:
        # the bureau formatted a count or an amount as a percentage: 2245 would show 224500%
        raise matcher.CellRefused(f"的单元格格式是百分比，而单位是“{row.unit}”：请核对表格的单元格格式")
    vtype = ValueType(row.kind, row.unit)
    unit = matcher.format_unit(cell.number_format) or form_unit.strip()
    factor = vtype.unit_factor(unit) if unit else Decimal(1)
    if factor is None:
        raise matcher.CellRefused(f"的单位“{unit}”无法由“{row.unit}”换算")
    number = value.number / factor
    if row.kind == "percent" and matcher.format_places(cell.number_format)[2]:
        number /= 100
    return number


# ---------------------------------------------------------------------------------------------
# The zip and the sheet XML


def _sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet title → its part name (xl/worksheets/sheet1.xml), from workbook.xml and its rels."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        book = _parse(zf.read("xl/workbook.xml"))
        rels = _parse(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    out = {}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name")] = _normpath(part)
    return out


def _normpath(part: str) -> str:
    pieces: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if pieces:
                pieces.pop()
        elif piece not in ("", "."):
            pieces.append(piece)
    return "/".join(pieces)


def _parse(xml: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xml, parser)


def _fill_parts(data: bytes, edits: dict[str, dict[str, Decimal | str]]) -> bytes:
    """The workbook with the cells of `edits` (part → ref → value) written; every other part
    copied as it was, in the same order, and workbook.xml asking for a recalculation when a
    filled sheet holds formulas."""
    buffer = io.BytesIO()
    recalc = False
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        changed: dict[str, bytes] = {}
        for part, cells in edits.items():
            xml, had_formulas = _fill_sheet(zin.read(part), cells)
            changed[part] = xml
            recalc = recalc or had_formulas
        if recalc:
            changed["xl/workbook.xml"] = _full_calc_on_load(zin.read("xl/workbook.xml"))
        with zipfile.ZipFile(buffer, "w") as zout:
            for info in zin.infolist():
                content = changed.get(info.filename)
                zout.writestr(info, content if content is not None else zin.read(info.filename))
    return buffer.getvalue()


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _fill_sheet(xml: bytes, cells: dict[str, Decimal | str]) -> tuple[bytes, bool]:
    from lxml import etree

    root = _parse(xml)
    ns = f"{{{_MAIN}}}"
    sheet_data = root.find(f"{ns}sheetData")
    if sheet_data is None:
        raise FillRefused("表格的工作表结构不完整（没有 sheetData），无法填写。")
    rows = {int(r.get("r")): r for r in sheet_data.findall(f"{ns}row") if (r.get("r") or "").isdigit()}
    col_styles = []
    cols = root.find(f"{ns}cols")
    for col in cols.findall(f"{ns}col") if cols is not None else ():
        if col.get("style"):
            col_styles.append((int(col.get("min")), int(col.get("max")), col.get("style")))
    _number_cells(rows, ns)
    for ref, value in cells.items():
        letters, number = _REF.fullmatch(ref).groups()
        row = rows.get(int(number))
        if row is None:
            row = etree.Element(f"{ns}row", r=number)
            later = [r for n, r in rows.items() if n > int(number)]
            if later:
                min(later, key=lambda r: int(r.get("r"))).addprevious(row)
            else:
                sheet_data.append(row)
            rows[int(number)] = row
        cell = next((c for c in row.findall(f"{ns}c") if c.get("r") == ref), None)
        if cell is None:
            cell = etree.Element(f"{ns}c", r=ref)
            style = row.get("s") if row.get("customFormat") in ("1", "true") else None
            col = _col_number(letters)
            style = style or next((s for lo, hi, s in col_styles if lo <= col <= hi), None)
            if style:
                cell.set("s", style)
            after = [c for c in row.findall(f"{ns}c")
                     if _col_number(_REF.fullmatch(c.get("r", "A1")).group(1)) > col]
            if after:
                after[0].addprevious(cell)
            else:
                row.append(cell)
        for child in list(cell):
            cell.remove(child)
        for attr in ("cm", "vm", "ph"):  # metadata of the value replaced (rich values, arrays)
            cell.attrib.pop(attr, None)
        if isinstance(value, Decimal):
            cell.attrib.pop("t", None)
            etree.SubElement(cell, f"{ns}v").text = _number(value)
        else:
            cell.set("t", "inlineStr")
            text = etree.SubElement(etree.SubElement(cell, f"{ns}is"), f"{ns}t")
            text.text = value
            if value != value.strip():
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    had_formulas = False
    for formula in root.iter(f"{ns}f"):
        had_formulas = True
        cached = formula.getparent().find(f"{ns}v")
        if cached is not None:  # stale once the inputs are filled: recalculated on opening
            formula.getparent().remove(cached)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), had_formulas


def _number_cells(rows: dict, ns: str) -> None:
    """Give every cell its reference: a few generators omit r="…" (cells then follow one
    another from column A), and a cell we add must not duplicate one of them."""
    for number, row in rows.items():
        col = 0
        for cell in row.findall(f"{ns}c"):
            ref = cell.get("r")
            if ref and _REF.fullmatch(ref):
                col = _col_number(_REF.fullmatch(ref).group(1))
            else:
                col += 1
                cell.set("r", f"{_letters(col)}{number}")


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


def _full_calc_on_load(xml: bytes) -> bytes:
    from lxml import etree

    root = _parse(xml)
    ns = f"{{{_MAIN}}}"
    calc = root.find(f"{ns}calcPr")
    if calc is None:
        calc = etree.Element(f"{ns}calcPr")
        # calcPr follows definedNames (or sheets) in the schema's order
        anchor = root.find(f"{ns}definedNames")
        anchor = anchor if anchor is not None else root.find(f"{ns}sheets")
        anchor.addnext(calc)
    calc.set("fullCalcOnLoad", "1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
