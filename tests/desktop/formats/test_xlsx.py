"""The Excel writer: layout, typed cells, print setup and formula-safe text, checked by reading
the written workbook back with openpyxl (and its XML where the distinction is only there)."""

from __future__ import annotations

import html
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from desktop import atomic
from desktop.document import (
    Cell,
    Column,
    DataRow,
    DataTable,
    Document,
    Submission,
    Table,
)
from desktop.formats import xlsx
from desktop.formats.xlsx import display_width, sheet_name, write_xlsx

DATA_SHEET = "质量数据表"  # the sheet the documents below declare, as the 2022 edition does

# The seed report's closing 质量数据表 (2020, 2021), as published, one indicator or 其中 row a
# line. Row 47's 2020 value is left empty on purpose: empty must differ from "-" and from 0.
SEED_TABLE = """\
1	思想政治课专任教师数	人	50	54
2	德育管理人员数	人	92	101
3	名班主任工作室数	个	-	1
	其中：国家级	个	-	0
	省级	个	-	0
	地市级	个	-	1
4	思想政治课教学创新团队数	个	-	1
	其中：国家级	个	-	0
	省级	个	-	1
	地市级	个	-	0
5	思想政治课示范课堂数	个	2	1
	其中：国家级	个	-	0
	省级	个	2	1
6	就业单位对毕业生职业素养的满意度	%	98.4	98.5
7	就业单位对毕业生职业技能的满意度	%	95.5	98.6
8	体育课专任教师数	人	-	26
9	美育课专任教师数	人	-	12
10	学生文化基础课合格率	%	91.2	99.2
11	学生体质测评合格率	%	96	97
12	毕业生总数	人	2400	2245
13	就业（含升学）人数	人	2364	2212
14	毕业生创业比例	%	7.12	6.19
15	在规模以上企业就业人数	人	1385	1875
16	在中小微企业就业人数	人	215	337
17	毕业生专业对口就业率	%	92.04	92.05
18	通过职教高考升学人数	人	0	0
19	通过对口单独招生升学人数	人	48	121
20	通过中本贯通升学人数	人	0	0
21	通过中高贯通升学人数	人	498	620
22	通过技能拔尖人才免试升学人数	人	0	0
23	升入本科院校人数	人	-	-
24	升入高职高专院校人数	人	546	741
25	其他升学人数(含留学、成人教育、自学考试)	人	200	173
26	全国职业院校技能大赛学生获奖数	人	0	9
27	全国职业技能大赛学生获奖数	人	0	4
28	职业技能等级证书(含职业资格证书)获取人数	人	191	1151
29	全日制在校生数	人	7948	9527
30	生均校园占地面积	m ²	59.50	49.64
31	生均校舍建筑面积	m ²	18.20	18.76
32	生均教学仪器设备值	元	11372.95	11201.30
33	年生均财政拨款(截至2021.08.31)	元	4643.02	2568.34
34	纸质图书数	册	195000	204700
35	电子图书数	册	300000	300000
36	校园网主干最大带宽	Mbps	1000	1000
37	教职员工额定编制数	人	614	614
38	教职员工总数	人	645	663
39	专任教师	人	465	501
40	生师比	/	16:1	19:1
41	双师素质专任专业教师	人	279	233
42	合作企业教师实践基地数	个	29	32
43	高级专业技术职务专任教师占比	%	32	30.34
44	硕士研究生及以上学历专任教师占比	%	19.3	21.56
45	企业提供的实践教学设备总值	万元	2755.1	2755.1
46	合作企业接收学生实习比例	%	98.4	98.5
47	生均企业实习经费补贴	元		0
"""

SCHOOL = "聊城高级工程职业学校"


def value_cell(text: str) -> Cell:
    """A published value as the assembler would hand it over."""
    if text in ("", "-") or ":" in text:
        return Cell(text)
    places = len(text.partition(".")[2])
    return Cell(text, Decimal(text), places)


def kind_of(unit: str, texts: list[str]) -> str:
    if unit == "%":
        return "percent"
    if any(":" in t for t in texts):
        return "ratio"
    if unit in ("元", "万元"):
        return "money"
    return "decimal" if any("." in t for t in texts) else "count"


def data_rows(tsv: str) -> tuple[DataRow, ...]:
    rows = []
    for line in tsv.splitlines():
        seq, label, unit, *texts = line.split("\t")
        first_child = label.startswith("其中：")
        rows.append(
            DataRow(
                seq=seq,
                name=label.removeprefix("其中："),
                unit=unit,
                cells=tuple(value_cell(t) for t in texts),
                level=0 if seq else 1,
                first_child=first_child,
                kind=kind_of(unit, texts),
            )
        )
    return tuple(rows)


def majors_table() -> Table:
    rows = [
        ("1", "电气工程系", "电气设备运行与控制", "334"),
        ("2", "", "机电技术应用", "591"),
        ("3", "汽车工程系", "汽车运用与维修", "348"),
        ("4", "", "新能源汽车检测与维修", "187"),
    ]
    return Table(
        number="表 3-1",
        caption="学校专业设置及在校生情况一览表",
        columns=(
            Column("序号"),
            Column("所属系部"),
            Column("专业名称", width=2.0),
            Column("在校生数", numeric=True),
        ),
        rows=tuple((Cell(seq), Cell(dept), Cell(major), value_cell(n)) for seq, dept, major, n in rows),
        total=(Cell(), Cell(), Cell(), value_cell("1460")),
    )


def conditions_table() -> Table:
    return Table(
        number="表 1-1",
        caption=f"{SCHOOL}办学条件",
        columns=(Column("序号"), Column("指标"), Column("单位"), Column("2021 年", numeric=True)),
        rows=(
            (Cell("1"), Cell("全日制在校生数（含技工）"), Cell("人"), value_cell("9527")),
            (Cell("2"), Cell("生均校园占地面积"), Cell("m ²"), value_cell("49.64")),
            (Cell("10"), Cell("生师比"), Cell("/"), Cell("19:1")),
        ),
    )


def build_document(school: str = SCHOOL, tables: list[Table] | None = None) -> Document:
    return Document(
        school=school,
        title="中等职业教育质量年度报告（2022）",
        edition="2022",
        date_text="二〇二一年十一月",
        chapters=[],
        data_tables=[DataTable(title=f"{school}质量数据表", years=(2020, 2021), rows=data_rows(SEED_TABLE), sheet=DATA_SHEET)],
        submission=Submission(unit=school, filler="张三", phone="0635-8888888"),
        tables=[conditions_table(), majors_table()] if tables is None else tables,
    )


@pytest.fixture(params=["built", "sample"])
def document(request: pytest.FixtureRequest) -> Document:
    """The layout tests run on the seed-like document built here and on the bundled sample
    (conftest's `sample_document`); tests on exact seed values use build_document()."""
    if request.param == "sample":
        return request.getfixturevalue("sample_document")
    return build_document()


def write(tmp_path: Path, doc: Document) -> openpyxl.Workbook:
    out = tmp_path / "质量数据表.xlsx"
    write_xlsx(doc, out)
    return openpyxl.load_workbook(out)


def row_of(ws, label: str) -> int:
    for (cell,) in ws.iter_rows(min_col=2, max_col=2):
        if cell.value == label:
            return cell.row
    raise AssertionError(f"{label} not in column B")


# ---------------------------------------------------------------------------------------------
# The data sheet


def test_sheets_title_and_header(tmp_path: Path, document: Document) -> None:
    wb = write(tmp_path, document)
    assert wb.sheetnames[0] == DATA_SHEET
    ws = wb[DATA_SHEET]
    years = [f"{y}年" for y in document.data_table.years]
    ncols = 3 + len(years)
    assert ws["A1"].value == document.data_table.title
    assert f"A1:{openpyxl.utils.get_column_letter(ncols)}1" in ws.merged_cells
    assert ws["A1"].font.bold
    header = [c.value for c in ws[2]][:ncols]
    assert header == ["序号", "指标", "单位", *years]
    for cell in ws[2][:ncols]:
        assert cell.font.bold
        assert cell.fill.fill_type == "solid"
        assert cell.border.bottom.style == "thin"
    assert wb.properties.title == document.data_table.title
    assert wb.properties.creator == "qreport"


def test_rows_follow_the_document(tmp_path: Path, document: Document) -> None:
    ws = write(tmp_path, document)[DATA_SHEET]
    for offset, data in enumerate(document.data_table.rows):
        row = 3 + offset
        name = ws.cell(row, 2)
        assert name.value == data.label
        assert name.alignment.indent == data.level
        assert ws.cell(row, 3).value == (data.unit or None)
        assert name.font.name == "宋体"
        for col, expected in enumerate(data.cells, start=4):
            cell = ws.cell(row, col)
            if expected.number is not None:
                assert cell.data_type == "n"
                assert cell.value == pytest.approx(float(expected.number))
                places = expected.places
                assert cell.number_format == ("0." + "0" * places if places else "0")
            elif expected.text:
                assert (cell.data_type, cell.value) == ("s", expected.text)
            else:
                assert cell.value is None


def test_seed_values_are_typed_with_their_decimals(tmp_path: Path) -> None:
    ws = write(tmp_path, build_document())[DATA_SHEET]
    percent = ws.cell(row_of(ws, "就业单位对毕业生职业素养的满意度"), 5)
    assert (percent.value, percent.number_format) == (98.5, "0.0")  # not a % format
    area = ws.cell(row_of(ws, "生均校园占地面积"), 4)
    assert (area.value, area.number_format) == (59.5, "0.00")  # shows 59.50
    count = ws.cell(row_of(ws, "全日制在校生数"), 5)
    assert (count.value, count.data_type, count.number_format) == (9527, "n", "0")
    assert isinstance(count.value, int)
    ratio = ws.cell(row_of(ws, "生师比"), 5)
    assert (ratio.value, ratio.data_type) == ("19:1", "s")
    assert ratio.quotePrefix  # editing it in Excel must not turn it into the time 19:01
    na = ws.cell(row_of(ws, "升入本科院校人数"), 4)
    assert (na.value, na.data_type, na.alignment.horizontal) == ("-", "s", "center")
    assert ws.cell(row_of(ws, "生均企业实习经费补贴"), 4).value is None
    assert ws.cell(row_of(ws, "生均企业实习经费补贴"), 5).value == 0
    assert ws.cell(row_of(ws, "思想政治课专任教师数"), 1).value == 1  # 序号 as a number


def test_children_are_indented_and_seq_merged_over_them(tmp_path: Path) -> None:
    ws = write(tmp_path, build_document())[DATA_SHEET]
    parent = row_of(ws, "名班主任工作室数")
    assert [ws.cell(parent + i, 2).value for i in range(4)] == [
        "名班主任工作室数",
        "其中：国家级",
        "省级",
        "地市级",
    ]
    assert [ws.cell(parent + i, 2).alignment.indent for i in range(4)] == [0, 1, 1, 1]
    assert f"A{parent}:A{parent + 3}" in ws.merged_cells
    assert ws.cell(parent, 1).value == 3
    assert ws.cell(parent, 1).alignment.vertical == "center"
    assert isinstance(ws.cell(parent + 1, 1), MergedCell)
    # The merged 序号 keeps its grid: the bottom edge of the range has a border.
    assert ws.cell(parent + 3, 1).border.bottom.style == "thin"
    # An indicator without 其中 rows is not merged.
    single = row_of(ws, "德育管理人员数")
    assert not any(r.min_row <= single <= r.max_row for r in ws.merged_cells.ranges if r.min_col == 1)


def test_grid_freeze_and_print_setup(tmp_path: Path, document: Document) -> None:
    ws = write(tmp_path, document)[DATA_SHEET]
    last = 2 + len(document.data_table.rows)
    for cell in (ws["B3"], ws.cell(last, 5)):
        border = cell.border
        assert {border.left.style, border.right.style, border.top.style, border.bottom.style} == {"thin"}
    assert ws.freeze_panes == "A3"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$2:$2"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_column_widths_fit_chinese(tmp_path: Path, document: Document) -> None:
    ws = write(tmp_path, document)[DATA_SHEET]
    longest = max(display_width(r.label) + 2 * r.level for r in document.data_table.rows)
    width_b = ws.column_dimensions["B"].width
    assert width_b >= min(longest, xlsx.MAX_NAME_WIDTH)
    assert width_b <= xlsx.MAX_NAME_WIDTH
    unit_width = max(display_width(r.unit) for r in document.data_table.rows)
    assert ws.column_dimensions["C"].width >= unit_width
    assert ws.column_dimensions["D"].width >= display_width("2020年")


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("全日制在校生数") == 14
    assert display_width("Mbps") == 4
    assert display_width("就业（含升学）人数") == 18
    assert display_width("98.5") == 4


def test_submission_block_under_the_table(tmp_path: Path, document: Document) -> None:
    ws = write(tmp_path, document)[DATA_SHEET]
    last = 2 + len(document.data_table.rows)
    assert all(c.value is None for c in ws[last + 1])  # one blank row
    block = [c.value for row in ws.iter_rows(min_row=last + 2) for c in row if c.value]
    labels = [label for label, _ in document.submission.lines()]
    assert len(block) == len(labels)
    for text, (label, value) in zip(block, document.submission.lines(), strict=True):
        assert text.startswith(f"{label}：")
        assert text.endswith(value or "_")
    assert ws.max_row - (last + 2) + 1 <= 3  # a form of two or three rows
    # the table's width: 序号 … 2021年, and 备注 when a row has a note (the sample's funding)
    last_column = "F" if any(r.note for r in document.data_table.rows) else "E"
    assert ws.print_area == f"'{DATA_SHEET}'!$A$1:${last_column}${ws.max_row}"


def test_submission_values_and_blanks(tmp_path: Path) -> None:
    ws = write(tmp_path, build_document())[DATA_SHEET]
    texts = [c.value for row in ws.iter_rows(min_row=ws.max_row - 2) for c in row if c.value]
    assert texts[0] == f"填报单位（盖章）：{SCHOOL}"
    assert "填报人：张三" in texts
    assert "联系电话：0635-8888888" in texts
    assert f"审核人：{xlsx.BLANK}" in texts
    assert f"填报日期：{xlsx.BLANK}" in texts


# ---------------------------------------------------------------------------------------------
# Chapter tables


def test_one_sheet_per_chapter_table(tmp_path: Path) -> None:
    wb = write(tmp_path, build_document())
    assert wb.sheetnames == [DATA_SHEET, "表1-1", "表3-1"]
    ws = wb["表3-1"]
    assert ws["A1"].value == "表 3-1 学校专业设置及在校生情况一览表"
    assert "A1:D1" in ws.merged_cells
    assert [c.value for c in ws[2]] == ["序号", "所属系部", "专业名称", "在校生数"]
    assert [c.value for c in ws[3]] == [1, "电气工程系", "电气设备运行与控制", 334]
    assert ws["D3"].data_type == "n"
    assert ws.freeze_panes == "A3"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$2:$2"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_total_row_is_bold_with_merged_label(tmp_path: Path) -> None:
    ws = write(tmp_path, build_document())["表3-1"]
    total = ws.max_row
    assert total == 3 + 4
    assert ws.cell(total, 1).value == "合计"
    assert "A7:C7" in ws.merged_cells
    assert ws.cell(total, 4).value == 1460
    assert ws.cell(total, 4).font.bold and ws.cell(total, 1).font.bold


def test_table_without_total_and_text_values(tmp_path: Path) -> None:
    ws = write(tmp_path, build_document())["表1-1"]
    assert ws.max_row == 2 + 3
    assert (ws["D4"].value, ws["D4"].number_format) == (49.64, "0.00")
    assert (ws["D5"].value, ws["D5"].data_type) == ("19:1", "s")


@pytest.mark.parametrize(
    ("number", "taken", "expected"),
    [
        ("表 2-1", (), "表2-1"),
        ("表 2/1", (), "表2_1"),
        ("表[1]:*?\\", (), "表_1_____"),
        ("'表1'", (), "表1"),
        ("表" + "长" * 29 + "'x", (), "表" + "长" * 29),  # no trailing ' after cutting to 31
        ("表" + "长" * 40, (), "表" + "长" * 30),
        ("表 2-1", ("表2-1",), "表2-1(2)"),
        ("表 2-1", ("表2-1", "表2-1(2)"), "表2-1(3)"),
        ("", (), "表"),
        ("History", (), "表"),
        ("Sheet", ("SHEET",), "Sheet(2)"),
    ],
)
def test_sheet_names_are_valid(number: str, taken: tuple[str, ...], expected: str) -> None:
    name = sheet_name(number, taken)
    assert name == expected
    assert len(name) <= 31


def test_duplicate_table_numbers_get_distinct_sheets(tmp_path: Path) -> None:
    doc = build_document(tables=[majors_table(), majors_table(), Table("", "无编号", (), ())])
    wb = write(tmp_path, doc)
    assert wb.sheetnames == [DATA_SHEET, "表3-1", "表3-1(2)", "表3"]
    assert not wb["表3"].merged_cells.ranges  # no one-cell merge, which Excel calls damage


# ---------------------------------------------------------------------------------------------
# Formula-looking text


FORMULA_LIKE = ["=1+1", "+1", "-1+2", "@SUM(A1)", "#N/A", "#DIV/0!", '=HYPERLINK("x")']


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    school = '=HYPERLINK("x")学校'
    table = Table(
        number="表 9-1",
        caption="=cmd|' /C calc'!A0",
        columns=(Column("序号"), Column("内容")),
        rows=tuple((Cell(str(i)), Cell(text)) for i, text in enumerate(FORMULA_LIKE, start=1)),
    )
    out = tmp_path / "bad.xlsx"
    write_xlsx(build_document(school=school, tables=[table]), out)
    wb = openpyxl.load_workbook(out)
    title = wb[DATA_SHEET]["A1"]
    assert (title.value, title.data_type, title.quotePrefix) == (f"{school}质量数据表", "s", True)
    assert wb[DATA_SHEET]["A" + str(wb[DATA_SHEET].max_row - 2)].value.endswith(school)
    ws = wb["表9-1"]
    assert ws["A1"].data_type == "s"
    for row, text in enumerate(FORMULA_LIKE, start=3):
        cell = ws.cell(row, 2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    # The XML itself: strings, no formula elements, no error cells.
    with zipfile.ZipFile(out) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml
    with zipfile.ZipFile(out) as zf:
        strings = "".join(zf.read(n).decode() for n in zf.namelist()
                          if n.startswith("xl/worksheets/sheet") or n == "xl/sharedStrings.xml")
    # the writer may escape CJK as character references: compare the decoded text
    assert '=HYPERLINK("x")学校' in html.unescape(strings)


def test_looks_like_formula() -> None:
    for text in FORMULA_LIKE:
        assert xlsx.looks_like_formula(text)
    for text in ("-", "", "19:1", "98.5", "学校=1", "#1 教学楼", "a"):
        assert not xlsx.looks_like_formula(text)


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    table = Table("表 1-1", "说明\x0b换行", (Column("序号"), Column("内容")), ((Cell("1"), Cell("a\x00b")),))
    ws = write(tmp_path, build_document(tables=[table]))["表1-1"]
    assert ws["A1"].value == "表 1-1 说明换行"
    assert ws["B3"].value == "ab"


# ---------------------------------------------------------------------------------------------
# Writing the file


def test_write_replaces_existing_file_and_leaves_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    write_xlsx(build_document(), out)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_permission_error_propagates_and_temp_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(atomic.os, "replace", locked)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"held open by Excel")
    with pytest.raises(PermissionError) as raised:
        write_xlsx(build_document(), out)
    assert raised.value.filename == str(out)  # not the temporary file
    assert out.read_bytes() == b"held open by Excel"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_exporter_does_not_import_qt() -> None:
    code = "import sys, desktop.formats.xlsx; print('PySide6' in sys.modules)"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_sub_row_with_its_own_number_keeps_it(tmp_path: Path, sample_document: Document) -> None:
    ws = write(tmp_path, sample_document)[DATA_SHEET]
    child = row_of(ws, "其中：生均财政专项补贴")
    assert ws.cell(child, 1).value == 48
    assert ws.cell(child, 2).alignment.indent == 1
    assert not any(r.min_row <= child <= r.max_row for r in ws.merged_cells.ranges if r.min_col == 1)


# ---------------------------------------------------------------------------------------------
# Long and awkward values

LONG_SCHOOL = "新疆维吾尔自治区巴音郭楞蒙古自治州和静县职业技术学校（和静县职业技能培训中心）"


def test_long_title_and_submission_values_get_room(tmp_path: Path) -> None:
    doc = build_document(school=LONG_SCHOOL)
    doc.submission = Submission(unit=LONG_SCHOOL, filler="张三", reviewer="欧阳某某某某某某某某某某某某",
                                phone="0635-8888888转12345678", date="2022年11月30日")
    ws = write(tmp_path, doc)[DATA_SHEET]
    # The merged title wraps to two lines of 16 pt: a 30 pt row would cut it.
    assert ws["A1"].alignment.wrap_text
    assert ws.row_dimensions[1].height >= 2 * 20
    # Submission fields wrap inside the print area, on rows tall enough for them.
    first = ws.max_row - 2
    unit = ws.cell(first, 1)
    assert unit.value == f"填报单位（盖章）：{LONG_SCHOOL}"
    assert unit.alignment.wrap_text
    assert ws.row_dimensions[first].height >= 2 * xlsx.LINE_HEIGHT
    reviewer = ws.cell(first + 1, 3)
    assert reviewer.value.startswith("审核人：") and reviewer.alignment.wrap_text
    assert ws.row_dimensions[first + 1].height >= 2 * xlsx.LINE_HEIGHT
    assert ws.row_dimensions[first + 2].height == 24  # short fields: one line, as before


def test_numbers_beyond_excel_precision_stay_exact_as_text(tmp_path: Path) -> None:
    table = Table(
        "表 9-2", "大数", (Column("序号"), Column("金额", numeric=True)),
        rows=(
            (Cell("1"), value_cell("12345678901234567890.12")),  # 22 digits: Excel keeps 15
            (Cell("2"), value_cell("123456789012345")),  # 15 digits: still a number
            (Cell("3"), value_cell("100000000000000000000")),  # one significant digit
        ),
    )
    ws = write(tmp_path, build_document(tables=[table]))["表9-2"]
    assert (ws["B3"].value, ws["B3"].data_type) == ("12345678901234567890.12", "s")
    assert ws["B3"].alignment.horizontal == "right" and ws["B3"].quotePrefix
    assert (ws["B4"].value, ws["B4"].data_type) == (123456789012345, "n")
    assert (ws["B5"].value, ws["B5"].data_type) == (10**20, "n")


def test_control_characters_in_the_school_name(tmp_path: Path) -> None:
    school = "某学校\x0b分校"  # Word's manual line break, pasted
    wb = write(tmp_path, build_document(school=school))
    assert wb.properties.title == "某学校分校质量数据表"
    assert wb[DATA_SHEET]["A1"].value == "某学校分校质量数据表"
