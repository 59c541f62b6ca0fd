"""Department collection workbooks: written locked and validated, imported with a preview."""

from __future__ import annotations

import openpyxl
import pytest

from desktop import collect, importer
from desktop.report import Report


@pytest.fixture
def book(sample_report, tmp_path):
    return collect.write_collection(sample_report, "人事处", tmp_path / "人事处.xlsx")


def test_only_the_departments_indicators_and_tables(sample_report, book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["数据采集", "部分教师获得市级以上荣誉一览表", "qreport"]
    assert wb["qreport"].sheet_state == "hidden"
    ws = wb["数据采集"]
    names = [ws.cell(r, 2).value for r in range(4, ws.max_row + 1)]
    expected = [i.name for i in sample_report.template.indicators.values() if i.department == "人事处"]
    assert names == expected
    assert "全日制在校生数" not in names
    assert [c.value for c in ws[3]] == ["序号", "指标", "单位", "2020年", "2021年", "填报说明"]


def test_labels_and_last_year_locked_inputs_unlocked_and_validated(book):
    ws = openpyxl.load_workbook(book)["数据采集"]
    assert ws.protection.sheet is True
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "专任教师")
    assert ws.cell(row, 2).protection.locked and ws.cell(row, 4).protection.locked
    assert ws.cell(row, 5).protection.locked is False
    assert ws.cell(row, 4).value == 465 and ws.cell(row, 5).value == 501
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = rules[f"E{row}"]
    assert dv.type == "custom" and "INT(E" in dv.formula1
    assert dv.promptTitle == "专任教师" and "专任教师人数" in dv.prompt
    ratio_row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "生师比")
    assert 'FIND(":"' in rules[f"E{ratio_row}"].formula1
    pct_row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value.endswith("占比"))
    assert "<=100" in rules[f"E{pct_row}"].formula1


def test_filled_workbook_imports_with_preview_and_its_name_as_source(sample_path, book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb["数据采集"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "专任教师")
    ws.cell(row, 5).value = 505
    honours = wb["部分教师获得市级以上荣誉一览表"]
    honours["B14"], honours["C14"], honours["D14"] = "2021年9月", "聊城市优秀教师", "张三"
    filled = tmp_path / "人事处-已填.xlsx"
    wb.save(filled)
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, filled)
        assert plan.ok
        assert [c.describe() for c in plan.changes] == ["专任教师（2021年）：501 → 505"]
        assert [t.describe() for t in plan.tables] == ["《部分教师获得市级以上荣誉一览表》：10 行 → 11 行"]
        importer.apply(report, plan)
        assert report.file.value("teachers", 2021) == "505"
        last = report.file.changes(3)
        # the value and the table's rows; its total was not a published one, so no row for it
        assert [c.kind for c in last[:2]] == ["table.rows", "value"]
        assert {c.source for c in last[:2]} == {"imported from 人事处-已填.xlsx"}
        assert last[2].source != "imported from 人事处-已填.xlsx"
        honours_table = next(t for t in report.file.tables() if t.ref == "teacher_honours")
        assert honours_table.rows[-1] == ("2021年9月", "聊城市优秀教师", "张三")


def test_a_bad_value_in_a_collection_workbook_is_refused(sample_path, book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb["数据采集"]
    ws["E4"] = "五十四"  # typed past the validation (e.g. pasted)
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, bad)
    assert plan.refused == [
        "数据采集!E4 思想政治课专任教师数（2021年）：“五十四”不是有效的整数：请用阿拉伯数字填写（如 12）"]


def test_another_schools_workbook_is_refused(sample_path, book, tmp_path):
    with Report.create(tmp_path / "other.qreport", "别的学校", "2022", 2021) as other, \
            pytest.raises(importer.ImportRefused, match="不是本校"):
        importer.plan_import(other, book)


def test_unknown_department(sample_report, tmp_path):
    with pytest.raises(collect.CollectError, match="没有“食堂”这个部门"):
        collect.write_collection(sample_report, "食堂", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_an_untouched_workbook_imports_as_no_change(sample_path, tmp_path):
    """资产管理处's 473000.00 m² reads back from Excel as 473000: the same value."""
    with Report.open(sample_path) as report:
        for department in report.template.departments:
            book = collect.write_collection(report, department, tmp_path / f"{department}.xlsx")
            plan = importer.plan_import(report, book)
            assert plan.ok and not plan.changes and not plan.tables, (department, plan.summary())


def test_ratio_and_text_inputs_keep_what_is_typed(book):
    """A General cell turns 19:1 into the time 19:01, which the ratio validation refuses."""
    wb = openpyxl.load_workbook(book)
    ws = wb["数据采集"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "生师比")
    assert ws.cell(row, 5).number_format == "@"
    assert wb["部分教师获得市级以上荣誉一览表"]["B30"].number_format == "@"


def test_a_sub_row_of_another_departments_row_comes_with_its_parent(tmp_path):
    # A bureau's form made into an edition: 升学人数 is 招生就业处's, its 其中 row is not
    # (unknown rows default to another department). The workbook must still import.
    from desktop import template
    from desktop.edition_from_workbook import make_edition

    blank = openpyxl.Workbook()
    ws = blank.active
    ws.append(["序号", "指标名称", "单位", "上年", "本年"])
    ws.append([1, "升学人数", "人", None, None])
    ws.append([None, "其中：升入本科人数", "人", None, None])
    blank.save(tmp_path / "blank.xlsx")
    made = make_edition(tmp_path / "blank.xlsx", "prov", base="2024")
    edition = template.load_text(made.toml, "prov")
    child = next(i for i in edition.indicators.values() if i.name == "升入本科人数")
    parent = edition.indicators[child.parent]
    assert child.department != parent.department
    report = Report.new(tmp_path / "r.qreport", "某校", edition, 2024)
    try:
        book = collect.write_collection(report, child.department, tmp_path / "c.xlsx")
        wb = openpyxl.load_workbook(book)
        sheet = wb["数据采集"]
        names = [sheet.cell(r, 2).value for r in range(4, sheet.max_row + 1)]
        at = names.index("其中：升入本科人数")
        assert names[at - 1] == "升学人数"
        assert sheet.cell(4 + at - 1, 5).protection.locked  # another department fills it
        sheet.cell(4 + at, 5).value = 300
        wb.save(tmp_path / "filled.xlsx")
        plan = importer.plan_import(report, tmp_path / "filled.xlsx")
        assert plan.ok, plan.problems
        assert [c.describe() for c in plan.changes] == ["升入本科人数（2024年）：空 → 300"]
    finally:
        report.close()


def test_a_formula_without_its_result_in_a_table_is_refused_not_emptied(sample_path, tmp_path):
    """A program-written formula reads as an empty cell: the row would lose its 所属系部."""
    with Report.open(sample_path) as report:
        book = collect.write_collection(report, "教务处", tmp_path / "教务处.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["学校专业设置及在校生情况一览表"]["B4"] = '=IF(1,"电气工程系","")'
    wb.save(book)
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, book)
    assert plan.refused == ["《学校专业设置及在校生情况一览表》第 4 行 所属系部是公式，但工作簿中没有保存计算结果："
                            "请先用 Excel 或 WPS 打开并保存该工作簿，再导入"]
    assert not plan.ok
