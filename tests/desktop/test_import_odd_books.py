"""Excel import of workbooks as schools really make them: every value ends as the one the
person meant, or is refused naming its cell; none is dropped without a word (issue 14)."""

from __future__ import annotations

import openpyxl

from desktop import importer


def book(path, rows, header=("序号", "指标", "单位", "2020年", "2021年"), merges=(), title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for merged in merges:
        ws.merge_cells(merged)
    wb.save(path)
    return path


def test_a_year_header_merged_over_two_columns_refuses_the_second_columns_values(empty_report, tmp_path):
    # "2021年" merged across D1:E1: 54 in E2 shows under 2021 too; before, it was dropped
    path = book(tmp_path / "b.xlsx", [("1", "思想政治课专任教师数", "人", 50, 54)],
                header=("序号", "指标", "单位", "2021年", None), merges=["D1:E1"])
    plan = importer.plan_import(empty_report, path)
    assert plan.refused == ["Sheet1!E2 的“54”位于跨列合并的表头“2021年”（D1:E1）之下，"
                            "无法确定是哪一年的数：请取消表头合并，每个年份一列后再导入"]
    assert not plan.ok


def test_a_merged_caption_over_the_year_columns_is_no_problem(empty_report, tmp_path):
    # "数据" merged over the year columns, years on the row below: a two-row header
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "指标", "单位", "数据", None])
    ws.append([None, None, None, "2020年", "2021年"])
    ws.append(["1", "思想政治课专任教师数", "人", 50, 54])
    for merged in ("D1:E1", "A1:A2", "B1:B2", "C1:C2"):
        ws.merge_cells(merged)
    wb.save(tmp_path / "b.xlsx")
    plan = importer.plan_import(empty_report, tmp_path / "b.xlsx")
    assert plan.ok and {(c.year, c.new) for c in plan.changes} == {(2020, "50"), (2021, "54")}


def test_a_second_column_of_a_year_must_say_the_same(empty_report, tmp_path):
    header = ("序号", "指标", "单位", "2021年", "2021年")
    same = book(tmp_path / "same.xlsx", [("1", "思想政治课专任教师数", "人", 50, "５０ ")], header=header)
    plan = importer.plan_import(empty_report, same)
    assert plan.ok and [(c.year, c.new) for c in plan.changes] == [(2021, "50")]
    other = book(tmp_path / "other.xlsx", [("1", "思想政治课专任教师数", "人", 50, 54)], header=header)
    plan = importer.plan_import(empty_report, other)
    # before: 54 dropped, only a note that the first column was read
    assert plan.refused == ["Sheet1!E2 的“54”与同一行 2021 年第一列的“50”不同，而表头中 2021 年不止一列，"
                            "无法确定哪个是要导入的数：请删除多余的年份列后再导入"]


def test_numbers_in_a_column_without_a_header_are_said(empty_report, tmp_path):
    path = book(tmp_path / "b.xlsx", [("1", "思想政治课专任教师数", "人", 50, 54, 60),
                                      ("29", "全日制在校生数", "人", 7948, 8000, "８，１００"),
                                      ("3", "名班主任工作室数", "个", 1, 1, "已核对")])
    plan = importer.plan_import(empty_report, path)
    assert plan.ok  # the years are read; the loose column is named, not silently dropped
    assert "工作表“Sheet1”的 F 列没有表头，其中的数（F2、F3）未导入：如果是某一年的数据，请在表头写上年份后再导入。" \
        in plan.notes
    own = book(tmp_path / "own.xlsx", [("1", "思想政治课专任教师数", "人", 50, 54, "增长8%")],
               header=("序号", "指标", "单位", "2020年", "2021年", "说明"))
    assert not any("没有表头" in n for n in importer.plan_import(empty_report, own).notes)


def test_numbers_typed_as_text_the_way_people_type_them(empty_report, tmp_path):
    # full-width digits, thousands separators (also a no-break space), trailing spaces, and a
    # percentage typed as text (full-width ％ too) in a percent row, on a renamed sheet
    path = book(tmp_path / "b.xlsx", [
        ("1", "思想政治课专任教师数", "人", "１２３ ", "１，２３４"),
        ("29", "全日制在校生数", "人", "7,948\u00a0", "7\u00a0948"),
        ("6", "就业单位对毕业生职业素养的满意度", "%", "12.5%", "９８.５％ "),
    ], title="2021年数据（改）")
    plan = importer.plan_import(empty_report, path)
    assert plan.ok, plan.refused
    assert {(c.indicator, c.year): c.new for c in plan.changes} == {
        ("ideology_teachers", 2020): "123", ("ideology_teachers", 2021): "1234",
        ("students", 2020): "7948", ("students", 2021): "7948",
        ("employer_satisfaction_quality", 2020): "12.5", ("employer_satisfaction_quality", 2021): "98.5",
    }


def test_what_cannot_be_the_meant_number_is_refused_by_cell(empty_report, tmp_path):
    path = book(tmp_path / "b.xlsx", [
        ("1", "思想政治课专任教师数", "人", "12 34", "12.5%"),
        ("29", "全日制在校生数", "人", "1,23,4", "5/4"),
    ])
    plan = importer.plan_import(empty_report, path)
    assert sorted(r.split(" ")[0] for r in plan.refused) == ["Sheet1!D2", "Sheet1!D3", "Sheet1!E2", "Sheet1!E3"]


_HEAD = ('<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>指标</t></is></c>'
         '<c r="C1" t="inlineStr"><is><t>单位</t></is></c><c r="D1" t="inlineStr"><is><t>2020年</t></is></c>'
         '<c r="E1" t="inlineStr"><is><t>2021年</t></is></c></row>')


def _row(r: int, name: str, d: str, e: str) -> str:
    return (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>{name}</t></is></c>'
            f'<c r="C{r}" t="inlineStr"><is><t>人</t></is></c>{d}{e}</row>')


def test_formulas_with_cached_results_and_cached_errors(empty_report, tmp_path):
    # as Excel/WPS save them: =SUM with its result, a text formula result "50" (t="str"),
    # #DIV/0! cached by a formula (t="e"), and #N/A typed or pasted as a value
    from tests.desktop.formats.test_xlsx_read import raw_book

    path = raw_book(tmp_path / "wps.xlsx", [_HEAD,
        _row(2, "思想政治课专任教师数", '<c r="D2" t="e"><f>D9/0</f><v>#DIV/0!</v></c>',
             '<c r="E2" t="str"><f>TEXT(50,"0")</f><v>50</v></c>'),
        _row(3, "全日制在校生数", '<c r="D3"><f>SUM(7000,948)</f><v>7948</v></c>',
             '<c r="E3" t="e"><v>#N/A</v></c>')])
    plan = importer.plan_import(empty_report, path)
    assert {(c.indicator, c.year): c.new for c in plan.changes} == {
        ("ideology_teachers", 2021): "50", ("students", 2020): "7948"}
    # before: "“#DIV/0!”不是有效的整数", as if a person had typed it
    assert plan.refused == [
        "质量数据表!D2 思想政治课专任教师数（2020年）是公式，结果为 Excel 的错误值 #DIV/0!（无法算出）："
        "请在 Excel/WPS 中改正公式，或直接填数字后再导入",
        "质量数据表!E3 全日制在校生数（2021年）是 Excel 的错误值 #N/A，不是数字：没有数据请留空或填“-”",
    ]
