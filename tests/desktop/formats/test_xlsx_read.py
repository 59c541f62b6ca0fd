"""Reading untrusted workbooks: finding the table in messy sheets, raw texts as shown, and
refusing broken files, zip bombs and endless sheets with a plain sentence."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from contextlib import closing
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest

from desktop.document import Cell, DataRow, DataTable, Document, Submission
from desktop.formats import xlsx_read
from desktop.formats.xlsx import write_xlsx
from desktop.formats.xlsx_read import (
    RawTable,
    WorkbookError,
    cell_text,
    normalise_name,
    open_workbook_safely,
    read_data_sheet,
)

ROOT = Path(__file__).resolve().parents[3]


def read(path: Path) -> RawTable:
    with closing(open_workbook_safely(path)) as wb:
        return read_data_sheet(wb)


def book(tmp_path: Path, rows: list[list[object]], sheet: str = "质量数据表", **kw) -> Path:
    """A workbook written the ordinary way, one list per row (None leaves a cell empty)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for coordinate, fmt in kw.get("formats", {}).items():
        ws[coordinate].number_format = fmt
    path = tmp_path / kw.get("name", "book.xlsx")
    wb.save(path)
    return path


# A minimal package around a sheet part given as text chunks, for what openpyxl cannot write:
# cached formula values, wrong dimensions, a million rows, absurd rows, DTDs.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="质量数据表" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>'
    ),
}
HEADER_XML = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>指标</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>单位</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>2021年</t></is></c></row>'
)


def raw_book(path: Path, sheet: Iterable[str], prolog: str = "", before: str = "", **parts: str) -> Path:
    """`sheet` chunks go inside <sheetData>; `before` (e.g. <dimension>) ahead of it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in {**PARTS, **parts}.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'{prolog}<worksheet xmlns="{_MAIN}">{before}<sheetData>'.encode())
            for chunk in sheet:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
    return path


def small_document() -> Document:
    def num(text: str) -> Cell:
        return Cell(text, Decimal(text), len(text.partition(".")[2]))

    rows = (
        DataRow("1", "思想政治课专任教师数", "人", (num("50"), num("54"))),
        DataRow("2", "名班主任工作室数", "个", (Cell("-"), num("1"))),
        DataRow("", "国家级", "个", (Cell("-"), num("0")), level=1, first_child=True),
        DataRow("", "省级", "个", (Cell("-"), num("0")), level=1),
        DataRow("3", "就业单位对毕业生职业素养的满意度", "%", (num("98.4"), num("98.5"))),
        DataRow("4", "就业（含升学）人数", "人", (num("2364"), Cell())),
        DataRow("5", "生均校园占地面积", "m ²", (num("59.50"), num("49.64"))),
        DataRow("6", "生师比", "/", (Cell("16:1"), Cell("19:1"))),
    )
    return Document(
        school="示例学校",
        title="中等职业教育质量年度报告（2022）",
        edition="2022",
        date_text="二〇二一年十一月",
        chapters=[],
        data_tables=[DataTable("示例学校质量数据表", (2020, 2021), rows, sheet="质量数据表")],
        submission=Submission(unit="示例学校", filler="张三"),
    )


# ---------------------------------------------------------------------------------------------
# Reading the table


def test_round_trip_of_the_exported_workbook(tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    write_xlsx(small_document(), out)
    table = read(out)
    assert (table.sheet, table.header_row, table.years) == ("质量数据表", 2, (2020, 2021))
    assert table.problems == []
    assert [tuple(r) for r in table.rows] == [
        (3, "1", "思想政治课专任教师数", "人", {2020: "50", 2021: "54"}),
        (4, "2", "名班主任工作室数", "个", {2020: "-", 2021: "1"}),
        (5, "", "其中：国家级", "个", {2020: "-", 2021: "0"}),  # merged 序号 reads empty
        (6, "", "省级", "个", {2020: "-", 2021: "0"}),
        (7, "3", "就业单位对毕业生职业素养的满意度", "%", {2020: "98.4", 2021: "98.5"}),
        (8, "4", "就业（含升学）人数", "人", {2020: "2364", 2021: ""}),
        (9, "5", "生均校园占地面积", "m ²", {2020: "59.50", 2021: "49.64"}),
        (10, "6", "生师比", "/", {2020: "16:1", 2021: "19:1"}),
    ]  # and the submission block below is not a row


MESSY = [
    ["  某某职业学校质量数据表  "],
    [],
    [None, None],
    ["序 号", " 指标名称 ", "计量单位", "2020", "２０２１年", "备注"],
    [1, "毕业生总数", "人", 2400, "2,245", None],
    [2, "就业(含升学)人数", "人", "2364", "2212人", "含升学"],
    [3, "名班主任工作室数", "个", "-", 1],
    [None, "其中: 国家级", "个", "－", 0],
    [None, "  省级", "个", None, " 0 "],
    [],
    ["序号", "指标", "单位", "2020年", "2021年"],  # header repeated after a page break
    [4, "就业单位对毕业生职业素养的满意度", "%", "98.4%", 0.985],
    [5, "全日制在校生数", "人", 7948, "9,527"],
    [],
    ["填报单位（盖章）：某某职业学校", None, None, "填报日期：2021年11月"],
    [6, "提交块下面的行", "人", 1, 2],
]


def test_messy_sheet(tmp_path: Path) -> None:
    path = book(tmp_path, MESSY, sheet=" 质量数据表 ", formats={"E12": "0.0%"})
    table = read(path)
    assert table.sheet == " 质量数据表 "
    assert (table.header_row, table.years) == (4, (2020, 2021))
    assert table.problems == []
    rows = [(r.row, r.seq, r.name, r.unit, r.values[2020], r.values[2021]) for r in table.rows]
    assert rows == [
        (5, "1", "毕业生总数", "人", "2400", "2,245"),
        (6, "2", "就业(含升学)人数", "人", "2364", "2212人"),
        (7, "3", "名班主任工作室数", "个", "-", "1"),
        (8, "", "其中: 国家级", "个", "－", "0"),
        (9, "", "省级", "个", "", "0"),
        (12, "4", "就业单位对毕业生职业素养的满意度", "%", "98.4%", "98.5%"),
        (13, "5", "全日制在校生数", "人", "7948", "9,527"),
        (16, "6", "提交块下面的行", "人", "1", "2"),  # the table region is read to its end
    ]
    assert table.notes == {6: "含升学"}


@pytest.mark.parametrize("spelling", ["2021年", "2021", "２０２１年", "2021 年", 2021, "2021年度"])
def test_year_header_spellings(tmp_path: Path, spelling: object) -> None:
    path = book(tmp_path, [["序号", "指标", "单位", spelling], [1, "专任教师", "人", 501]])
    table = read(path)
    assert table.years == (2021,)
    assert table.rows[0].values == {2021: "501"}


def test_header_found_in_another_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "请填写第二张表"
    ws = wb.create_sheet("Sheet2")
    ws.append(["序号", "指标", "单位", "2021年"])
    ws.append([1, "专任教师", "人", 501])
    wb.save(tmp_path / "b.xlsx")
    table = read(tmp_path / "b.xlsx")
    assert table.sheet == "Sheet2"
    assert [r.name for r in table.rows] == ["专任教师"]


def test_two_row_header(tmp_path: Path) -> None:
    rows = [["序号", "指标", "单位", "数值"], [None, None, None, "2020年", "2021年"]]
    rows.append([1, "专任教师", "人", 465, 501])
    table = read(book(tmp_path, rows))
    assert (table.header_row, table.years) == (1, (2020, 2021))
    assert table.rows[0].values == {2020: "465", 2021: "501"}


def test_no_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="没有“质量数据表”工作表"):
        read(book(tmp_path, [["姓名", "电话"], ["张三", "123"]], sheet="名单"))


def test_named_sheet_without_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="工作表“质量数据表”的前 30 行中没有"):
        read(book(tmp_path, [["指标", "2021年"], ["专任教师", 501]]))


def test_header_without_years_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="没有年份列"):
        read(book(tmp_path, [["序号", "指标", "单位", "数值"], [1, "专任教师", "人", 501]]))


def test_missing_unit_and_duplicate_year_are_problems(tmp_path: Path) -> None:
    rows = [["序号", "指标", "2021年", "2021"], [1, "专任教师", 501, 502]]
    table = read(book(tmp_path, rows))
    assert table.rows[0].unit == ""
    assert table.rows[0].values == {2021: "501"}
    assert table.problems == [
        "表头（第 1 行）没有“单位”列。",
        "表头中 2021 年不止一列，只读取第一列（C 列）。",
    ]


def test_blank_rows_and_footnotes_do_not_end_the_table(tmp_path: Path) -> None:
    rows = [["序号", "指标", "单位", "2021年"], [1, "甲", "人", 1], [], [], [2, "乙", "人", 2]]
    rows += [[]] * 8 + [[3, "丙", "人", 3], ["注：数据截至8月31日"], [4, "丁", "人", 4]]
    table = read(book(tmp_path, rows))
    assert [r.name for r in table.rows] == ["甲", "乙", "丙", "丁"]
    assert table.table.skipped == ["质量数据表 第 15 行是说明文字（注：数据截至8月31日），未作为数据读取。"]


def test_formula_without_cached_value_reads_empty(tmp_path: Path) -> None:
    rows = [["序号", "指标", "单位", "2021年"], [1, "生师比", "/", "=9527/501"]]
    table = read(book(tmp_path, rows))  # openpyxl writes formulas without cached values
    assert table.rows[0].values == {2021: ""}
    cell = table.table.rows[0].cells[0]
    assert (cell.ref, cell.formula, cell.uncached) == ("D2", True, True)


def test_formula_with_cached_value_reads_the_value(tmp_path: Path) -> None:
    body = (
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>生均</t></is></c>'
        '<c r="D2"><f>709.5*666.67/9527</f><v>49.648939120396</v></c>'
        '<c r="E2" t="str"><f>"=cmd"</f><v>=cmd</v></c></row>'
    )
    table = read(raw_book(tmp_path / "f.xlsx", [HEADER_XML, body]))
    assert table.rows[0].values == {2021: "49.648939120396"}


def test_wrong_dimension_does_not_cut_the_table(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r - 1}</v></c><c r="D{r}"><v>{r}</v></c></row>' for r in range(2, 8)
    )
    path = raw_book(tmp_path / "d.xlsx", [HEADER_XML, rows], before='<dimension ref="A1:D2"/>')
    assert [r.seq for r in read(path).rows] == ["1", "2", "3", "4", "5", "6"]


# ---------------------------------------------------------------------------------------------
# Cell texts and names


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (None, None, ""),
        (59.5, "0.00", "59.50"),
        (59.5, None, "59.5"),
        (49.6441, "0.00", "49.64"),
        (98.40000000000001, "0.0", "98.4"),
        (98.40000000000001, "General", "98.4"),
        (0.1 + 0.2, None, "0.3"),
        (2400.0, "0.00", "2400"),
        (2400, "0", "2400"),
        (9527, "#,##0", "9527"),
        (2399.6, "0", "2400"),
        (0.985, "0.0%", "98.5%"),
        (1, "0%", "100%"),
        (59.5, "0.0#", "59.5"),
        (59.456, "0.0#", "59.46"),
        (0.5, "[Red]0.00", "0.50"),
        (12.5, '0.00"元"', "12.50"),
        (1e16, None, "10000000000000000"),
        (3.14159, "0.00E+00", "3.14159"),
        (True, None, "TRUE"),
        ("  9,527 ", None, "9,527"),
        ("98.5%", None, "98.5%"),
        ("＝1", None, "＝1"),
        (time(19, 1), "h:mm", "19:01"),
        (datetime(2021, 8, 31), "yyyy-mm-dd", "2021-08-31"),
        (datetime(2021, 8, 31, 9, 30), None, "2021-08-31 09:30:00"),
    ],
)
def test_cell_text(value: object, fmt: str | None, expected: str) -> None:
    assert cell_text(value, fmt) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("其中: 国家级", "国家级"),
        ("其中：国家级", "国家级"),
        ("其中国家级", "国家级"),
        ("就业(含升学)人数", "就业（含升学）人数"),
        ("“双师”素质专任专业教师", '"双师"素质专任专业教师'),
        ("“双师”素质专任专业教师", "双师素质专任专业教师"),
        ("年生均财政拨款 (2021.01.01-2021.08.31)", "年生均财政拨款(2021.01.01-2021.08.31)"),
        ("全日制\u3000在校生数 ", "全日制在校生数"),
        ("校园网主干最大带宽（ＭＢＰＳ）", "校园网主干最大带宽(Mbps)"),
        ("生均面积【m²】", "生均面积(m2)"),
    ],
)
def test_normalise_name_matches_variants(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_normalise_name_keeps_distinct_names_distinct() -> None:
    assert normalise_name("其中") == "其中"
    assert normalise_name("其中: 国家级") == "国家级"
    assert normalise_name("省级") != normalise_name("国家级")


# ---------------------------------------------------------------------------------------------
# Refusing files


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "BOOK.xlsx"
    path.write_text("序号,指标\n1,专任教师\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as raised:
        open_workbook_safely(path)
    assert str(raised.value) == ("BOOK.xlsx 不是 Excel 工作簿（.xlsx）：如果是 .csv 或其他格式，"
                                 "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿"):
        open_workbook_safely(tmp_path / "empty.xlsx")
    with pytest.raises(WorkbookError, match=r"找不到文件 none\.xlsx"):
        open_workbook_safely(tmp_path / "none.xlsx")


def test_old_xls_or_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    with pytest.raises(WorkbookError, match=r"旧版 Excel（\.xls）"):
        open_workbook_safely(path)


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(small_document(), path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(WorkbookError, match="已损坏或不完整"):
        open_workbook_safely(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"  # e.g. a .docx renamed
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(WorkbookError, match=r"不是 Excel 工作簿（\.xlsx），可能是其他文件改了扩展名") as raised:
        open_workbook_safely(path)
    assert "损坏" not in str(raised.value)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    workbook = laughs + PARTS["xl/workbook.xml"].replace("质量数据表", "&lol2;")
    # refused before any parser sees it, whether openpyxl would use defusedxml or lxml
    with pytest.raises(WorkbookError, match="不允许的 XML 声明"):
        read(raw_book(tmp_path / "a.xlsx", [HEADER_XML], **{"xl/workbook.xml": workbook}))
    # In a sheet: refused by the pre-scan before openpyxl (defusedxml) would refuse it too.
    with pytest.raises(WorkbookError, match="不允许的 XML 声明"):
        read(raw_book(tmp_path / "b.xlsx", [HEADER_XML], prolog=laughs))
    # A bare DOCTYPE passes defusedxml's defaults; no spreadsheet writer emits one.
    with pytest.raises(WorkbookError, match="不允许的 XML 声明"):
        read(raw_book(tmp_path / "c.xlsx", [HEADER_XML], prolog="<!DOCTYPE worksheet>"))


def test_openpyxl_uses_defusedxml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="defusedxml"):
        open_workbook_safely(tmp_path / "any.xlsx")


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook whose sheet inflates to `megabytes` of zeros, written in 1 MB chunks."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return path


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 300)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(WorkbookError) as raised:
        open_workbook_safely(path)
    assert str(raised.value) == ("bomb.xlsx 中的 xl/worksheets/sheet1.xml 解压后过大（300 MB），已拒绝读取。")


def test_highly_compressed_member_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match=r"压缩比异常（\d+:1）"):
        open_workbook_safely(zip_bomb(tmp_path / "dense.xlsx", 20))


def info(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)
    entry.file_size, entry.compress_size = size, compressed
    return entry


def test_member_policy() -> None:
    mb = xlsx_read.MB
    sound = [info("xl/worksheets/sheet1.xml", 40 * mb, 4 * mb), info("xl/media/a.png", 9 * mb, 9 * mb)]
    xlsx_read._check_members(sound, "ok.xlsx")
    with pytest.raises(WorkbookError, match="解压后总计超过 200 MB"):
        xlsx_read._check_members([info(f"xl/media/{i}.png", 45 * mb, 45 * mb) for i in range(5)], "b")
    with pytest.raises(WorkbookError, match=r"xl/sharedStrings\.xml 解压后过大"):
        xlsx_read._check_members([info("xl/sharedStrings.xml", 11 * mb, 2 * mb)], "b")
    with pytest.raises(WorkbookError, match="包含 1001 个部件"):
        xlsx_read._check_members([info(f"p{i}", 1, 1) for i in range(1001)], "b")
    encrypted = info("xl/workbook.xml", 10, 10)
    encrypted.flag_bits |= 0x1
    with pytest.raises(WorkbookError, match="已加密"):
        xlsx_read._check_members([encrypted], "b")


def test_zipfile_never_inflates_past_the_declared_size() -> None:
    # The guard trusts the sizes in the zip directory; this is why that is safe.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a", b"\0" * (4 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # claim 1000 bytes
    inflated = 0
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.getinfo("a").file_size == 1000
        with pytest.raises(zipfile.BadZipFile, match="CRC"), zf.open("a") as member:
            while chunk := member.read(100):
                inflated += len(chunk)
    assert inflated <= 1000  # stopped at the declared end with a CRC error, not at 4 MB


def million_rows(path: Path) -> Path:
    def rows() -> Iterable[str]:
        yield HEADER_XML
        for start in range(0, 1_000_000, 10_000):
            yield "".join(f"<row><c><v>{i}</v></c></row>" for i in range(start, start + 10_000))

    return raw_book(path, rows())


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return million_rows(tmp_path_factory.mktemp("million") / "million.xlsx")


def test_million_rows_are_refused(million: Path) -> None:
    assert zipfile.ZipFile(million).getinfo("xl/worksheets/sheet1.xml").file_size > 20_000_000
    with closing(open_workbook_safely(million)) as wb, pytest.raises(WorkbookError) as raised:
        read_data_sheet(wb)
    assert str(raised.value) == (
        "工作表“质量数据表”表头以下超过 5000 行仍未结束，不像一份质量数据表，已拒绝读取。"
    )


def test_absurdly_wide_row_is_refused(tmp_path: Path) -> None:
    wide = "<row>" + "<c><v>1</v></c>" * (xlsx_read.MAX_CELLS_PER_ROW + 1) + "</row>"
    path = raw_book(tmp_path / "wide.xlsx", [HEADER_XML, wide])
    with (
        closing(open_workbook_safely(path)) as wb,
        pytest.raises(WorkbookError, match="第 2 行超过 16384 个单元格"),
    ):
        read_data_sheet(wb)


PEAK = """
import json, resource, sys
from contextlib import closing
from desktop.formats.xlsx_read import WorkbookError, open_workbook_safely, read_data_sheet
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with closing(open_workbook_safely(sys.argv[1])) as wb:
        read_data_sheet(wb)
    message = None
except WorkbookError as exc:
    message = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"message": message, "growth_kb": after - before}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX-only")
@pytest.mark.parametrize("kind", ["bomb", "million"])
def test_refusal_keeps_memory_small(kind: str, tmp_path: Path, million: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 300) if kind == "bomb" else million
    result = subprocess.run(
        [sys.executable, "-c", PEAK, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout)
    assert "已拒绝读取" in report["message"]
    assert report["growth_kb"] < 64 * 1024  # ru_maxrss is in KiB on Linux


def test_dimension_scan_patch_is_undone(tmp_path: Path) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = ReadOnlyWorksheet._get_size
    with closing(open_workbook_safely(book(tmp_path, [["序号", "指标", "2021年"]]))):
        pass
    assert ReadOnlyWorksheet._get_size is original
    with pytest.raises(WorkbookError):
        open_workbook_safely(raw_book(tmp_path / "x.xlsx", [], **{"xl/workbook.xml": "<x"}))
    assert ReadOnlyWorksheet._get_size is original


def test_corrupt_deflate_data_inside_a_sound_zip_directory(tmp_path: Path) -> None:
    """Found by benchmarks/fuzz_inputs.py: zlib errors are refusals, not crashes."""
    path = tmp_path / "export.xlsx"
    write_xlsx(small_document(), path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + min(info.compress_size, 40)):
        data[i] ^= 0x5A  # scramble the compressed bytes; sizes and directory stay intact
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match="已损坏"):
        open_workbook_safely(path)
