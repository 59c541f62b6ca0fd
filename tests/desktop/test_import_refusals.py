"""Import: the right value, or a sentence that names the cell (issue 14, part 1).

Each workbook is built here with openpyxl the way real staff produce them; every case ends
either with the value the person meant or with a refusal naming sheet and cell, and a
refused plan applies nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest

from desktop import importer
from desktop.report import Report

HEADER = ("序号", "指标", "单位", "2020年", "2021年")


def workbook(path, rows, title="质量数据表", header=HEADER, formats=None, hidden_rows=(), extra=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["某某学校质量数据表"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for row in hidden_rows:
        ws.row_dimensions[row].hidden = True
    if extra:
        extra(wb)
    wb.save(path)
    return path


def changes(plan):
    return {(c.indicator, c.year): c.new for c in plan.changes}


# ---------------------------------------------------------------- which sheet


def _with_draft(state):
    def add(wb):
        draft = wb.create_sheet("质量数据表 (2)")
        draft.append(["旧稿"])
        draft.append(list(HEADER))
        draft.append(["39", "专任教师", "人", "400", "410"])
        draft.sheet_state = state
    return add


def test_the_one_visible_candidate_is_read_and_named(empty_report, tmp_path):
    book = workbook(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "501")],
                    extra=_with_draft("hidden"))
    plan = importer.plan_import(empty_report, book)
    assert plan.ok and changes(plan)[("teachers", 2021)] == "501"
    assert plan.notes[:2] == [
        "读取的是工作表“质量数据表”。",
        "工作簿中另有隐藏的工作表“质量数据表 (2)”也像数据表，未读取（需要时可用 --sheet 指定）。",
    ]


def test_a_visible_copy_and_a_hidden_original(empty_report, tmp_path):
    def hide_first(wb):
        _with_draft("visible")(wb)
        wb["质量数据表"].sheet_state = "hidden"
        wb.active = 1
    book = workbook(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "501")], extra=hide_first)
    plan = importer.plan_import(empty_report, book)
    assert plan.sheet == "质量数据表 (2)" and changes(plan)[("teachers", 2021)] == "410"
    assert "另有隐藏的工作表“质量数据表”" in plan.notes[1]


def test_two_visible_candidates_are_refused_naming_both(empty_report, tmp_path):
    book = workbook(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "501")],
                    extra=_with_draft("visible"))
    with pytest.raises(importer.ImportRefused) as refused:
        importer.plan_import(empty_report, book)
    assert str(refused.value) == ("工作簿中有多张工作表像数据表（“质量数据表”、“质量数据表 (2)”），"
                                  "无法确定导入哪一张：请删除多余的，或用 --sheet 指定。")
    plan = importer.plan_import(empty_report, book, sheet="质量数据表 (2)")
    assert changes(plan)[("teachers", 2021)] == "410"


def test_cli_sheet_option(sample_path, tmp_path):
    book = workbook(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "501")],
                    extra=_with_draft("visible"))
    run = [sys.executable, "-m", "desktop", "import", str(sample_path), str(book)]
    done = subprocess.run(run, capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 2 and "多张工作表像数据表" in done.stderr
    done = subprocess.run([*run, "--sheet", "质量数据表 (2)"], capture_output=True, text=True,
                          env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    with Report.open(sample_path) as report:
        assert report.file.value("teachers", 2021) == "410"


def test_no_such_sheet(empty_report, tmp_path):
    book = workbook(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "501")])
    with pytest.raises(importer.ImportRefused, match="工作簿中没有名为“数据”的工作表（有：“质量数据表”）"):
        importer.plan_import(empty_report, book, sheet="数据")


# ---------------------------------------------------------------- units


def test_units_are_converted_when_known(empty_report, tmp_path):
    book = workbook(tmp_path / "u.xlsx", [
        ("33", "年生均财政拨款(截至2021.08.31)", "万元", 0.4612345, "0.26"),  # 元 row
        ("34", "纸质图书数", "万册", "19.5", 20.47),
        ("29", "全日制在校生数", "万人", 0.7948, "0.9527"),
        ("45", "企业提供的实践教学设备总值", "元", 1234567.891, "2,000,000"),  # 万元 row
        ("", "校园占地面积", "亩", 709.5, None),
        ("", "校舍建筑面积", "万m²", 3.5, None),
    ], formats={"D3": "0.00", "D6": "#,##0"})
    plan = importer.plan_import(empty_report, book)
    assert plan.ok, plan.refused
    got = changes(plan)
    # the stored number is scaled with all its digits, not the 0.46 the cell shows
    assert got[("funding_per_student", 2020)] == "4612.35"
    assert got[("funding_per_student", 2021)] == "2600.00"
    assert got[("paper_books", 2020)] == "195000" and got[("paper_books", 2021)] == "204700"
    assert got[("students", 2020)] == "7948" and got[("students", 2021)] == "9527"
    assert got[("enterprise_equipment", 2020)] == "123.46"  # not the 1234568 shown
    assert got[("enterprise_equipment", 2021)] == "200.00"
    assert got[("campus_area", 2020)] == "473000.00"
    assert got[("building_area", 2020)] == "35000.00"


def test_a_number_format_carrying_a_unit_is_that_unit(empty_report, tmp_path):
    book = workbook(tmp_path / "f.xlsx", [
        ("33", "年生均财政拨款(截至2021.08.31)", "", 0.4612345, 0.26),
        ("39", "专任教师", "", 501, 465),
    ], formats={"D3": '0.00"万元"', "E3": '0.00"万元"', "D4": '0"人"', "E4": '0\\人'})
    plan = importer.plan_import(empty_report, book)
    assert plan.ok, plan.refused
    got = changes(plan)
    assert got[("funding_per_student", 2020)] == "4612.35"
    assert got[("funding_per_student", 2021)] == "2600.00"
    assert got[("teachers", 2020)] == "501" and got[("teachers", 2021)] == "465"


def test_a_format_unit_that_contradicts_the_unit_column_is_refused(empty_report, tmp_path):
    book = workbook(tmp_path / "f.xlsx", [("33", "年生均财政拨款(截至2021.08.31)", "元", None, 2600)],
                    formats={"E3": '0.00"万元"'})
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["质量数据表!E3 年生均财政拨款(截至2021.08.31)（2021年）的数字格式显示单位“万元”，"
                            "与单位列的“元”不一致"]
    assert plan.changes == []


def test_an_unknown_unit_refuses_the_cell(empty_report, tmp_path):
    book = workbook(tmp_path / "u.xlsx", [("29", "全日制在校生数", "千人", None, 9.527),
                                          ("39", "专任教师", "人", None, 501)])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["质量数据表!E3 全日制在校生数（2021年）的单位是“千人”，本版的单位是“人”，无法换算"]
    assert not plan.ok
    with pytest.raises(importer.ImportRefused):
        importer.apply(empty_report, plan)
    assert empty_report.file.value("teachers", 2021) is None  # all or nothing


# ---------------------------------------------------------------- texts and percentages


def test_two_numbers_in_one_cell_are_refused(empty_report, tmp_path):
    book = workbook(tmp_path / "t.xlsx", [("13", "就业(含升学)人数", "人", "2364 2212", None),
                                          ("29", "全日制在校生数", "人", "79 48", "9 527")])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["质量数据表!D3 就业（含升学）人数（2020年）：“2364 2212”含有被空格隔开的两个数字，请只填一个数",
                            "质量数据表!D4 全日制在校生数（2020年）：“79 48”含有被空格隔开的两个数字，请只填一个数"]
    assert changes(plan) == {("students", 2021): "9527"}  # a thousands grouping is one number


def test_percent_fraction_is_refused_with_the_likely_value(empty_report, tmp_path):
    book = workbook(tmp_path / "p.xlsx", [
        ("6", "就业单位对毕业生职业素养的满意度", "%", 0.87, 0.985),
        ("7", "就业单位对毕业生职业技能的满意度", "%", 0.87, 98.5),
    ], formats={"D3": "0", "D4": "0.00%"})
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == [
        "质量数据表!D3 就业单位对毕业生职业素养的满意度（2020年）是小数 0.87，而本指标是百分数："
        "如果是 87%，请填 87，或把单元格设为百分比格式",
        "质量数据表!E3 就业单位对毕业生职业素养的满意度（2021年）是小数 0.985，而本指标是百分数："
        "如果是 98.5%，请填 98.5，或把单元格设为百分比格式",
    ]
    got = changes(plan)
    assert got[("employer_satisfaction_skill", 2020)] == "87"  # a percent-formatted cell: ×100
    assert got[("employer_satisfaction_skill", 2021)] == "98.5"
    assert ("employer_satisfaction_quality", 2020) not in got  # never the displayed 1


# ---------------------------------------------------------------- the table region


def test_blank_rows_and_a_note_do_not_end_the_table(empty_report, tmp_path):
    book = workbook(tmp_path / "n.xlsx", [
        ("38", "教职员工总数", "人", 580, 590),
        (), (), (), (), (), (), (),
        ("注：以上数据截至8月31日",),
        ("39", "专任教师", "人", 465, 501),
        ("", "食堂满意度", "%", None, 99),
        ("", "分管领导签字", None, None, None),
    ])
    plan = importer.plan_import(empty_report, book)
    got = changes(plan)
    assert got[("staff", 2021)] == "590" and got[("teachers", 2021)] == "501"
    assert plan.unmatched == ["质量数据表 第 13 行“食堂满意度”不是本版报告的指标。"]
    assert "质量数据表 第 11 行是说明文字（注：以上数据截至8月31日），未作为数据读取。" in plan.notes
    assert "质量数据表 第 14 行“分管领导签字”不是指标，且没有数值，已忽略。" in plan.notes
    assert not plan.ok


def test_formulas_without_a_saved_result_are_refused_naming_the_cells(empty_report, tmp_path):
    book = workbook(tmp_path / "f.xlsx", [
        ("38", "教职员工总数", "人", "=500+80", "=500+90"),
        ("39", "专任教师", "人", 465, "=D4+36"),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["质量数据表!D3、E3、E4 是公式，但工作簿中没有保存计算结果（工作簿可能是由程序生成的）："
                            "请先用 Excel 或 WPS 打开并保存该工作簿，再导入"]
    assert not plan.ok


# ---------------------------------------------------------------- hidden and orphaned rows


def test_a_hidden_row_is_refused(empty_report, tmp_path):
    book = workbook(tmp_path / "h.xlsx", [("38", "教职员工总数", "人", 580, 590),
                                          ("39", "专任教师", "人", 465, 501)], hidden_rows=[4])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["质量数据表 第 4 行（专任教师）是隐藏行：请在 Excel/WPS 中取消隐藏并核对，或删除该行后再导入"]
    assert changes(plan) == {("staff", 2020): "580", ("staff", 2021): "590"}


def test_a_sub_row_whose_parent_row_was_deleted_is_not_reparented(empty_report, tmp_path):
    book = workbook(tmp_path / "o.xlsx", [
        ("3", "名班主任工作室数", "个", 2, 3),
        ("", "其中：国家级", "个", 0, 1),
        ("", "省级", "个", 1, 1),
        # row 4 思想政治课教学创新团队数 deleted: its 其中 rows now sit under row 3's
        ("", "其中：国家级", "个", 5, 6),
        ("", "省级", "个", 7, 8),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.unmatched[0] == ("质量数据表 第 6 行“其中：国家级”像是另一个指标的其中项，"
                                 "但它的上级指标行不在它上方（可能已被删除）。")
    assert len(plan.unmatched) == 2 and not plan.ok
    assert changes(plan)[("headteacher_studios_national", 2021)] == "1"


def test_a_sub_row_under_a_row_that_has_none(empty_report, tmp_path):
    book = workbook(tmp_path / "o.xlsx", [("39", "专任教师", "人", 465, 501),
                                          ("", "其中：国家级", "个", 0, 1)])
    plan = importer.plan_import(empty_report, book)
    assert plan.unmatched == ["质量数据表 第 4 行“其中：国家级”是其中项，但上方没有它的上级指标行（可能已被删除）。"]


def test_a_collection_workbook_that_lost_its_hidden_sheet_is_said(sample_path, tmp_path):
    from desktop import collect

    with Report.open(sample_path) as report:
        book = collect.write_collection(report, "图书馆", tmp_path / "图书馆.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb[collect.META_SHEET]
    wb.save(book)
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, book)
    assert any("缺少其中隐藏的“qreport”工作表，无法确认它属于本校和本年度" in n for n in plan.notes)


def test_a_fraction_typed_as_text_in_a_percent_row_is_refused_too(empty_report, tmp_path):
    book = workbook(tmp_path / "p.xlsx", [("6", "就业单位对毕业生职业素养的满意度", "%", "0.87", "98.5%")])
    plan = importer.plan_import(empty_report, book)
    assert len(plan.refused) == 1 and plan.refused[0].startswith("质量数据表!D3 ")
    assert "如果是 87%，请填 87" in plan.refused[0]
    assert changes(plan) == {("employer_satisfaction_quality", 2021): "98.5"}


def test_a_value_merged_over_two_indicators_is_refused_naming_the_range(empty_report, tmp_path):
    """E3:E4 merged shows 54 on both rows; E4 reads empty. Not "not provided": refused."""
    def merge(wb):
        wb.active.merge_cells("E3:E4")

    book = workbook(tmp_path / "m.xlsx", [("1", "思想政治课专任教师数", "人", "50", "54"),
                                          ("2", "德育管理人员数", "人", "92", None)], extra=merge)
    plan = importer.plan_import(empty_report, book)
    assert not plan.ok
    assert plan.refused == ["质量数据表!E4 德育管理人员数（2021年）在合并单元格 E3:E4 中，显示的是另一格的值："
                            "请在 Excel/WPS 中取消合并，每个指标、每个年份各填一格"]


def test_an_empty_merged_range_says_nothing(empty_report, tmp_path):
    def merge(wb):
        wb.active.merge_cells("D3:D4")

    book = workbook(tmp_path / "m.xlsx", [("1", "思想政治课专任教师数", "人", None, "54"),
                                          ("2", "德育管理人员数", "人", None, "101")], extra=merge)
    plan = importer.plan_import(empty_report, book)
    assert plan.ok, plan.refused
    assert len(plan.changes) == 2


def test_a_small_rate_whose_hundredfold_is_not_usual_is_taken_as_written(empty_report, tmp_path):
    # 创业比例 is usually ≤ 30 %: 0.5 in an unformatted cell is 0.5 %, as our own export
    # writes it; 满意度 is usually ≥ 60 %: 0.87 there is still refused with the likely 87
    book = workbook(tmp_path / "p.xlsx", [
        ("14", "毕业生创业比例", "%", 0.5, 7.12),
        ("6", "就业单位对毕业生职业素养的满意度", "%", 0.87, 98.5),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == [
        "质量数据表!D4 就业单位对毕业生职业素养的满意度（2020年）是小数 0.87，而本指标是百分数："
        "如果是 87%，请填 87，或把单元格设为百分比格式"]
    assert changes(plan)[("startup_ratio", 2020)] == "0.5"


def test_a_small_rate_comes_back_from_our_own_export(empty_report, tmp_path):
    from desktop import exports

    empty_report.set_text("startup_ratio", 2021, "0.5")
    empty_report.file.settle()
    out = tmp_path / "out.xlsx"
    exports.export(empty_report.file.path, {"xlsx": out})
    plan = importer.plan_import(empty_report, out)
    assert plan.refused == [] and plan.ok
    assert ("startup_ratio", 2021) not in changes(plan)  # the same value: nothing to change
    assert plan.unchanged >= 1


def _chapter_sheet(wb):
    ws = wb.create_sheet("表1-1")
    ws.append(list(HEADER))
    ws.append(["1", "全日制在校生数（含技工）", "人", 7948, 9527])


def test_last_years_2022_workbook_into_a_2024_report(tmp_path):
    """The same renames as `next` and Word import: 毕业生总数 is 毕业生数, 升学人数 the sum of
    its three 2022 rows, 电子图书数 has no place (named), an unknown row is refused."""
    book = workbook(tmp_path / "2022.xlsx", [
        ("12", "毕业生总数", "人", 2400, 2245),
        ("19", "升入本科院校人数", "人", "-", "-"),
        ("20", "升入高职高专院校人数", "人", 546, 741),
        ("21", "其他升学人数(含留学、成人教育、自学考试)", "人", 200, 173),
        ("38", "电子图书数", "册", 100000, 120000),
        ("39", "校友捐赠额", "万元", 3, 5),
    ], extra=_chapter_sheet)
    with Report.create(tmp_path / "r.qreport", "测试职业学校", "2024", 2022) as report:
        # beside a chapter table's sheet, the 2022 质量数据表 is known by its name
        plan = importer.plan_import(report, book)
        assert plan.sheet == "质量数据表"
        assert plan.unmatched == ["质量数据表 第 8 行“校友捐赠额”不是本版报告的指标。"]
        assert any("第 7 行“电子图书数”" in n and "本版没有与之对应的指标" in n for n in plan.notes)
        got = {(c.indicator, c.year): c.new for c in plan.changes}
        assert got[("graduates", 2021)] == "2245" and got[("further_study", 2021)] == "914"
        assert got[("further_study", 2020)] == "746"


def test_a_2022_workbook_into_a_2024_report_years_later(sample_path, tmp_path):
    """A school that skipped years: the sample's own 2022 workbook (data years 2020–2021) into a
    2024年度 report of 2026. A name carrying its year (年生均财政拨款(截至2021.08.31)) is read
    for the workbook's years, not only for the report's, so the workbook is not refused."""
    from desktop import exports

    book = tmp_path / "2022.xlsx"
    exports.export(sample_path, {"xlsx": book})
    with Report.open(sample_path, read_only=True) as sample:
        funding = sample.file.values()[("funding_per_student", 2021)]
    with Report.create(tmp_path / "r.qreport", "测试职业学校", "2024", 2026) as report:
        plan = importer.plan_import(report, book)
        assert plan.refused == [] and plan.unmatched == []
        got = {(c.indicator, c.year): c.new for c in plan.changes}
        assert got[("funding_per_student", 2021)] == funding
