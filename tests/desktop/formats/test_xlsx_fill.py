"""Filling the bureau's own workbook: every value in its cell, nothing else changed (issue 11)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from copy import copy
from decimal import Decimal

import openpyxl
import pytest

from desktop import assemble, importer
from desktop.formats.xlsx_fill import fill_workbook
from tests.desktop.formats.bureau_books import A_FIRST_ROW, PROVINCE_A_ROWS, province_a, province_b

ROW = {name.removeprefix("其中："): A_FIRST_ROW + i for i, (_, name, _) in enumerate(PROVINCE_A_ROWS)}


@pytest.fixture
def filled_a(sample_report, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")
    doc = assemble.build(sample_report, photos=False)
    out = tmp_path / "filled.xlsx"
    return blank, out, fill_workbook(doc, blank, out)


def test_every_value_lands_in_its_cell(filled_a):
    _blank, out, result = filled_a
    ws = openpyxl.load_workbook(out)["表1"]
    got = {(p.ref): p.value for p in result.placed}
    assert len(result.placed) == 20
    expected = {  # the sample's values, previous year in D, this year in E
        f"D{ROW['思想政治课专任教师数']}": 50, f"E{ROW['思想政治课专任教师数']}": 54,
        f"D{ROW['名班主任工作室数']}": "-", f"E{ROW['名班主任工作室数']}": 1,
        f"E{ROW['国家级']}": 0, f"E{ROW['地市级']}": 1,
        f"D{ROW['全日制在校生数']}": 7948, f"E{ROW['全日制在校生数']}": 9527,
        f"D{ROW['专任教师']}": 465, f"E{ROW['专任教师']}": 501,
        # a percent-formatted cell holds the fraction
        f"D{ROW['就业单位对毕业生职业素养的满意度']}": 0.984, f"E{ROW['就业单位对毕业生职业素养的满意度']}": 0.985,
        # the form keeps this in 元; the edition in 万元
        f"E{ROW['企业提供的实践教学设备总值']}": 27551000,
        # 0.00"万元": the number in 万元, with every digit (shown 0.26)
        f"E{ROW['年生均财政拨款(截至2021.08.31)']}": 0.256834,
    }
    for ref, value in expected.items():
        assert ws[ref].value == value, ref
        assert ref in got
    assert ws[f"E{ROW['全日制在校生数']}"].data_type == "n" and ws[f"D{ROW['名班主任工作室数']}"].data_type == "s"


def test_the_bureaus_formulas_and_own_rows_are_left_and_said(filled_a):
    _blank, out, result = filled_a
    ratio = ROW["生师比"]
    ws = openpyxl.load_workbook(out)["表1"]
    assert ws[f"E{ratio}"].value == f"=ROUND(E{ratio - 2}/E{ratio - 1},2)"
    assert f"表1!E{ratio}（生师比）由表格中的公式计算，未改动。" in result.left_empty
    assert f"表1 第 {ROW['食堂满意度']} 行“食堂满意度”不是指标，且没有数值，已忽略。" in result.not_understood
    assert "德育管理人员数" in result.without_cell
    assert result.summary()[-1].startswith("本报告有 ") and "：德育管理人员数、" in result.summary()[-1]
    assert result.summary()[0] == "已填入 20 个数值。"
    assert any("“说明”没有含“序号”“指标”的表头" in s for s in result.skipped_sheets)
    assert any("“代码表”是隐藏的工作表" in s for s in result.skipped_sheets)


def test_a_note_fills_the_forms_remarks_column(filled_a):
    """The sample's one 备注 (funding 2021) goes into the form's 备注 column, as text."""
    blank, out, result = filled_a
    row = ROW["年生均财政拨款(截至2021.08.31)"]
    ws, before = openpyxl.load_workbook(out)["表1"], openpyxl.load_workbook(blank)["表1"]
    assert before[f"F{row}"].value is None
    assert ws[f"F{row}"].value.startswith("2021年为1—8月（截至2021.08.31）的财政拨款")
    assert ws[f"F{row}"].data_type == "s"
    assert [p.ref for p in result.placed_notes] == [f"F{row}"]
    assert "已在“备注”栏填入 1 条说明。" in result.summary()
    assert all(ws[f"F{r}"].value == before[f"F{r}"].value for r in ROW.values() if r != row)


def test_the_bureaus_own_remark_is_kept(sample_report, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")
    row = ROW["年生均财政拨款(截至2021.08.31)"]
    wb = openpyxl.load_workbook(blank)
    wb["表1"][f"F{row}"] = "按财政决算填报"
    wb.save(blank)
    result = fill_workbook(assemble.build(sample_report, photos=False), blank, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"][f"F{row}"].value == "按财政决算填报"
    assert not result.placed_notes
    assert f"表1!F{row}（年生均财政拨款(截至2021.08.31)的备注）表格中已有内容，未改动。" in result.left_empty


def _style(cell):
    # style proxies of two workbooks never compare equal: compare what they say
    return (*tuple(repr(copy(x)) for x in (cell.font, cell.border, cell.fill, cell.alignment, cell.protection)), cell.number_format)


def test_nothing_else_changes(filled_a):
    blank, out, result = filled_a
    placed = {(p.sheet, p.ref) for p in result.placed + result.placed_notes}
    a, b = openpyxl.load_workbook(blank), openpyxl.load_workbook(out)
    assert a.sheetnames == b.sheetnames
    assert [s.sheet_state for s in a.worksheets] == [s.sheet_state for s in b.worksheets]
    for wa, wb_ in zip(a.worksheets, b.worksheets, strict=True):
        assert wa.max_row == wb_.max_row and wa.max_column == wb_.max_column
        for row in wa.iter_rows():
            for ca in row:
                cb = wb_[ca.coordinate]
                assert _style(ca) == _style(cb), ca.coordinate  # a filled cell keeps its style too
                if (wa.title, ca.coordinate) not in placed:
                    assert ca.value == cb.value, ca.coordinate
                if ca.comment or cb.comment:
                    assert (ca.comment.text, ca.comment.author) == (cb.comment.text, cb.comment.author)
        assert wa.merged_cells.ranges == wb_.merged_cells.ranges
        assert {k: d.width for k, d in wa.column_dimensions.items()} == \
               {k: d.width for k, d in wb_.column_dimensions.items()}
        assert wa.freeze_panes == wb_.freeze_panes and wa.print_title_rows == wb_.print_title_rows
        assert wa.page_setup.orientation == wb_.page_setup.orientation
        assert [(v.type, v.formula1, str(v.sqref)) for v in wa.data_validations.dataValidation] == \
               [(v.type, v.formula1, str(v.sqref)) for v in wb_.data_validations.dataValidation]
    assert a.defined_names["填报区"].attr_text == b.defined_names["填报区"].attr_text
    # the zip: every part but the filled sheet and workbook.xml (asked to recalculate) is the same bytes
    with zipfile.ZipFile(blank) as za, zipfile.ZipFile(out) as zb:
        assert za.namelist() == zb.namelist()
        changed = {n for n in za.namelist() if za.read(n) != zb.read(n)}
        assert changed == {"xl/worksheets/sheet2.xml", "xl/workbook.xml"}
        assert any(n.startswith("xl/media/") for n in za.namelist())  # the logo
        assert any("comments" in n for n in za.namelist())
        assert b'fullCalcOnLoad="1"' in zb.read("xl/workbook.xml")


def test_the_filled_form_imports_back_to_the_same_values(filled_a, sample_report):
    _blank, out, _result = filled_a
    plan = importer.plan_import(sample_report, out)
    assert plan.ok, plan.refused + plan.unmatched
    assert plan.changes == [] and plan.unchanged == 20  # every placed value, "-" included
    assert any("生师比" in n and "按公式自行计算" in n for n in plan.notes)


def test_libreoffice_opens_the_filled_form(filled_a, tmp_path):
    _blank, out, _result = filled_a
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (CI installs it)"
    target = tmp_path / "csv"
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
                           "--outdir", str(target), str(out)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    sheet = next(target.glob("*表1*.csv"))
    lines = sheet.read_text(encoding="utf-8").splitlines()
    students = lines[ROW["全日制在校生数"] - 1].split(",")
    assert students[1] == "全日制在校生数" and students[3:5] == ["7948", "9527"]
    ratio = lines[ROW["生师比"] - 1].split(",")
    assert ratio[3:5] == ["17.09", "19.02"]  # LibreOffice recalculated the bureau's formula


def test_cli_export_into(sample_path, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")
    out = tmp_path / "filled.xlsx"
    done = subprocess.run([sys.executable, "-m", "desktop", "export", str(sample_path), "--xlsx", str(out),
                           "--into", str(blank)], capture_output=True, text=True, env=dict(os.environ),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "已填入 20 个数值。" in done.stdout and f"已导出 {out}" in done.stdout
    assert openpyxl.load_workbook(out)["表1"][f"E{ROW['专任教师']}"].value == 501
    done = subprocess.run([sys.executable, "-m", "desktop", "export", str(sample_path), "--into", str(blank)],
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 2 and "--into 需要与 --xlsx 一起使用" in done.stderr


def test_a_value_two_tables_show_goes_into_both(sample_report, tmp_path):
    blank = province_b(tmp_path / "b.xlsx")
    out = tmp_path / "b_filled.xlsx"
    result = fill_workbook(assemble.build(sample_report, photos=False), blank, out)
    wb = openpyxl.load_workbook(out)
    assert (wb["计分卡"]["D5"].value, wb["计分卡"]["E5"].value) == (9527, 7948)  # 2021年度 first
    assert (wb["教学资源表"]["D10"].value, wb["教学资源表"]["E10"].value) == (9527, 7948)
    # 其中 rows by indentation and an empty 序号, under their parent
    assert wb["教学资源表"]["D8"].value == 0 and wb["教学资源表"]["D7"].value == 1
    # a % column not formatted as percent holds the percentage itself
    assert Decimal(str(wb["计分卡"]["D8"].value)) == Decimal(sample_report.file.value("relevant_employment_rate", 2021))
    assert any("“填报说明”没有含“序号”“指标”的表头" in s for s in result.skipped_sheets)


def test_cells_without_references_are_not_duplicated(sample_report, tmp_path):
    """Some generators write <c> without r="…": the filled cell goes after them, not over them."""
    from tests.desktop.formats.test_xlsx_read import HEADER_XML, raw_book

    body = ('<row r="2"><c t="inlineStr"><is><t>39</t></is></c><c t="inlineStr"><is><t>专任教师</t></is></c>'
            '<c t="inlineStr"><is><t>人</t></is></c><c/></row>')  # D2: an empty placeholder
    blank = raw_book(tmp_path / "norefs.xlsx", [HEADER_XML, body])
    out = tmp_path / "filled.xlsx"
    result = fill_workbook(assemble.build(sample_report, photos=False), blank, out)
    assert [(p.ref, p.value) for p in result.placed] == [("D2", Decimal("501"))]
    with pytest.warns(UserWarning, match="no default style"):  # the minimal package has none
        ws = openpyxl.load_workbook(out)["质量数据表"]
    assert [c.value for c in ws[2]] == ["39", "专任教师", "人", 501]
    with zipfile.ZipFile(out) as zf:  # Excel refuses a row with two cells at D2
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    row = xml[xml.index('<row r="2"'):]
    row = row[:row.index("</row>")]
    assert len(re.findall(r"<c[\s/>]", row)) == 4 and row.count('r="D2"') == 1


def test_a_cell_inside_a_merged_range_is_left_and_said(sample_report, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(blank)
    row = ROW["专任教师"]
    wb["表1"].merge_cells(f"D{row - 1}:D{row}")  # 上年 of 在校生 and 专任教师 merged by mistake
    wb.save(blank)
    result = fill_workbook(assemble.build(sample_report, photos=False), blank, tmp_path / "out.xlsx")
    assert f"表1!D{row}（专任教师）在合并单元格内，未填写。" in result.left_empty
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws[f"D{row - 1}"].value == 7948 and ws[f"D{row}"].value is None


def test_a_count_in_a_percent_formatted_cell_is_left_and_said(sample_report, tmp_path):
    # 2245 written into a 0.0% cell shows 224500.0% in the bureau's form (and reads back refused)
    blank = province_a(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(blank)
    row = ROW["专任教师"]
    wb["表1"][f"E{row}"].number_format = "0.0%"
    wb.save(blank)
    result = fill_workbook(assemble.build(sample_report, photos=False), blank, tmp_path / "out.xlsx")
    said = [line for line in result.left_empty if line.startswith(f"表1!E{row}")]
    assert said and "百分比" in said[0] and "人" in said[0]
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws[f"E{row}"].value is None and ws[f"D{row}"].value == 465


@pytest.mark.parametrize("prev, cur", [("2020年（上年）", "2021年（本年）"), ("上年(2020年)", "本年(2021)"),
                                       ("前一年", "本年数")])
def test_year_headers_as_provinces_write_them(sample_report, tmp_path, prev, cur):
    blank = province_a(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(blank)
    ws = wb["表1"]
    for row in ws.iter_rows(max_row=A_FIRST_ROW):
        for cell in row:
            if cell.value == "上年":
                cell.value = prev
            elif cell.value == "本年":
                cell.value = cur
    wb.save(blank)
    fill_workbook(assemble.build(sample_report, photos=False), blank, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    row = ROW["专任教师"]
    assert (ws[f"D{row}"].value, ws[f"E{row}"].value) == (465, 501)


def test_a_macro_enabled_form_is_filled_only_into_an_xlsm(sample_report, tmp_path):
    # every part is copied as it is: the filled copy of an .xlsm named .xlsx would be a file
    # Excel refuses to open ("文件格式或文件扩展名无效")
    from desktop.formats.xlsx_fill import FillRefused

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (CI installs it)"
    province_a(tmp_path / "blank.xlsx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(tmp_path),
                    str(tmp_path / "blank.xlsx")], check=True, capture_output=True, timeout=180)
    blank = tmp_path / "blank.xlsm"
    doc = assemble.build(sample_report, photos=False)
    with pytest.raises(FillRefused) as refused:
        fill_workbook(doc, blank, tmp_path / "填好.xlsx")
    assert str(refused.value) == ("blank.xlsm 是 .xlsm 格式的工作簿，填好的文件也须以 .xlsm 结尾，否则 Excel 打不开："
                                  "请把保存的文件名改为 填好.xlsm。")
    assert not (tmp_path / "填好.xlsx").exists()
    fill_workbook(doc, blank, tmp_path / "填好.xlsm")
    filled = openpyxl.load_workbook(tmp_path / "填好.xlsm", data_only=False)
    assert any(c.value == 7948 for ws in filled.worksheets for row in ws.iter_rows() for c in row)
