"""An edition from the bureau's blank workbook (issue 11, part 1)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import openpyxl
import pytest

from desktop import template
from desktop.edition_from_workbook import EditionRefused, make_edition
from tests.desktop.formats.bureau_books import province_a, province_b


def edition(made):
    return template.load_text(made.toml, made_id(made))


def test_province_a_becomes_one_table(tmp_path):
    made = make_edition(province_a(tmp_path / "a.xlsx"), "bureau_a", base="2022")
    t = edition(made)
    [table] = t.indicator_tables
    assert (table.sheet, table.title) == ("表1", "2022年中等职业学校质量年度报告数据表")  # merged title row
    rows = [(r.seq, r.name, r.unit, r.type.kind, r.parent) for r in table.rows]
    assert rows[:5] == [
        ("1", "思想政治课专任教师数", "人", "count", None),
        ("2", "名班主任工作室数", "个", "count", None),
        ("", "国家级", "个", "count", "headteacher_studios"),  # 其中 by prefix, then by empty 序号
        ("", "省级", "个", "count", "headteacher_studios"),
        ("", "地市级", "个", "count", "headteacher_studios"),
    ]
    by_name = {r.name: r for r in table.rows}
    assert by_name["就业单位对毕业生职业素养的满意度"].type.kind == "percent"
    assert by_name["企业提供的实践教学设备总值"].type.kind == "money"
    assert by_name["企业提供的实践教学设备总值"].unit == "元"  # the form's unit, not the base's 万元
    assert by_name["年生均财政拨款(截至{data_year}.08.31)"].unit == "万元"  # from 0.00"万元"
    ratio = by_name["生师比"]
    assert ratio.type.kind == "ratio" and ratio.formula.source == "students/teachers"  # the bureau's formula
    assert by_name["食堂满意度"].id == "t1_r12" and by_name["食堂满意度"].type.kind == "percent"
    # chapters from the base; rules only where every indicator exists
    assert [c.title for c in t.chapters] == [c.title for c in template.load("2022").chapters]
    assert all(set(r.names) <= set(t.indicators) for r in t.rules) and t.rules
    assert "注意：跳过工作表：“说明”没有含“序号”“指标”的表头，不是指标表。" in made.summary()
    assert "注意：跳过工作表：“代码表”是隐藏的工作表，未作为指标表。" in made.summary()


def test_province_b_two_tables_one_value(tmp_path):
    made = make_edition(province_b(tmp_path / "b.xlsx"), "bureau_b", base="2022")
    t = edition(made)
    card, resources_ = t.indicator_tables
    assert (card.title, resources_.title) == ("附表1 学校发展计分卡", "附表2 教学资源表")
    # 在校生 in both tables: one indicator, shown twice
    assert [r.id for r in card.rows if r.name == "全日制在校生数"] == ["students"]
    assert [r.id for r in resources_.rows if r.name == "全日制在校生数"] == ["students"]
    assert resources_.restated == frozenset({"students"})
    children = [(r.name, r.parent) for r in resources_.rows if r.parent]
    assert children == [("国家级", "headteacher_studios"), ("省级", "headteacher_studios")]  # by indentation
    assert any("跳过工作表：“填报说明”" in line for line in made.summary())


def test_data_validation_checks_the_type(tmp_path):
    path = province_b(tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    wb["计分卡"].add_data_validation(dv)
    dv.add("D8")  # 毕业生专业对口就业率 (%): the form allows whole numbers only
    wb.save(path)
    made = make_edition(path, "bureau_b", base="2022")
    assert any("数据有效性（whole 0）与由单位推断的类型（percent）不一致" in n for n in made.notes)


def test_no_table_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "请各校认真填写"
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(EditionRefused, match=r"x\.xlsx 中没有可识别的指标表"):
        make_edition(tmp_path / "x.xlsx", "x")


def test_cli_writes_an_edition_that_loads_and_can_be_edited(tmp_path):
    blank = province_a(tmp_path / "a.xlsx")
    out = tmp_path / "省厅2022.toml"
    done = subprocess.run([sys.executable, "-m", "desktop", "edition", "from-workbook", str(blank),
                           "--out", str(out), "--base", "2022", "--title", "某省中职质量年度报告（{year}）"],
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "附表：“表1” → 《2022年中等职业学校质量年度报告数据表》，12 行" in done.stdout
    checked = subprocess.run([sys.executable, "-m", "desktop", "edition", "check", str(out)],
                             capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert checked.returncode == 0 and "没有发现错误" in checked.stdout, checked.stdout
    text = out.read_text(encoding="utf-8")
    edited = text.replace('name = "食堂满意度"', 'name = "学生食堂满意度"')  # a hand edit
    assert template.check_text(edited, out.stem) == []  # what `qreport edition check` says
    t = template.load_text(edited, out.stem)
    assert t.title == "某省中职质量年度报告（{year}）"
    assert "学生食堂满意度" in {i.name for i in t.indicators.values()}
    done = subprocess.run([sys.executable, "-m", "desktop", "edition", "from-workbook", str(tmp_path / "no.xlsx"),
                           "--out", str(out)], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 2 and "找不到文件 no.xlsx" in done.stderr and "Traceback" not in done.stderr


def _report_in(made, path, year=2021):
    """A report file in the edition just made (the report keeps the edition it was made in)."""
    from db.store import ReportFile
    from desktop.report import Report

    file = ReportFile.create(path, {"school": "测试职业学校", "edition": made_id(made), "year": str(year),
                                    "report_date": "2021-11"})
    return Report(file, edition(made))


def made_id(made):
    return tomllib.loads(made.toml)["edition"]["id"]


def test_made_edition_filled_back_and_imported_again(tmp_path):
    from desktop import assemble, importer
    from desktop.formats.xlsx_fill import fill_workbook

    blank = province_b(tmp_path / "b.xlsx")
    made = make_edition(blank, "bureau_b", base="2022")
    with _report_in(made, tmp_path / "r.qreport") as report:
        typed = {"students": ("9527", "7948"), "graduates": ("3126", "2890"), "employed": ("2212", "2100"),
                 "relevant_employment_rate": ("92.05", "90.5"), "teachers": ("501", "465"),
                 "headteacher_studios": ("1", "-"), "headteacher_studios_national": ("0", "-"),
                 "paper_books": ("204700", "195000")}
        for ind, (cur, prev) in typed.items():
            report.set_text(ind, 2021, cur)
            report.set_text(ind, 2020, prev)
        out = tmp_path / "filled.xlsx"
        result = fill_workbook(assemble.build(report, photos=False), blank, out)
        wb = openpyxl.load_workbook(out)
        card, res = wb["计分卡"], wb["教学资源表"]
        assert [card[f"D{r}"].value for r in range(5, 9)] == [9527, 3126, 2212, 92.05]
        assert [card[f"E{r}"].value for r in range(5, 9)] == [7948, 2890, 2100, 90.5]
        assert [res[f"D{r}"].value for r in range(6, 12)] == [501, 1, 0, None, 9527, 204700]
        assert res["E7"].value == "-" and res["E10"].value == 7948  # the restated 在校生, same number
        assert "教学资源表!D9（省级，2021年）：报告中没有这个值。" in result.left_empty
        plan = importer.plan_import(report, out)
        assert plan.ok, plan.refused + plan.unmatched
        # 18 cells placed; the restated 在校生 (2 cells) is one value read twice and agreeing
        assert len(result.placed) == 18 and plan.changes == [] and plan.unchanged == 16


def test_sub_rows_indented_with_spaces(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附表"
    ws.append(["序号", "指标", "单位", "本年"])
    ws.append(["1", "名班主任工作室数", "个", None])
    ws.append(["", "\u3000\u3000国家级", "个", None])  # indented by full-width spaces
    ws.append(["", "  省级", "个", None])
    ws.append(["2", "专任教师", "人", None])
    wb.save(tmp_path / "s.xlsx")
    t = edition(make_edition(tmp_path / "s.xlsx", "s", base="2022"))
    assert [(r.name, r.parent) for r in t.indicator_tables[0].rows] == [
        ("名班主任工作室数", None), ("国家级", "headteacher_studios"), ("省级", "headteacher_studios"),
        ("专任教师", None)]


def test_the_2024_tables_as_a_bureau_sends_them_give_the_2024_edition_back(tmp_path):
    """Our own 2024年度 workbook (six 附表, titles with a note line, restated rows under their
    own wording) taken as a bureau's blank: the edition made from it has the same tables."""
    from desktop import assemble
    from desktop.formats.xlsx import write_xlsx
    from desktop.report import Report

    with Report.new(tmp_path / "r.qreport", "测试职业学校", "2024", 2025) as report:
        write_xlsx(assemble.build(report, photos=False), tmp_path / "blank.xlsx")
    made = make_edition(tmp_path / "blank.xlsx", "from2024", base="2024")
    ours, base = edition(made), template.load("2024")

    def shape(t):
        return [(x.title, x.note, x.restated,
                 [(r.id, r.name, r.unit, r.type.kind, r.type.places, r.parent,
                   r.formula.source if r.formula else None) for r in x.rows])
                for x in t.indicator_tables]

    assert shape(ours) == shape(base)
    assert len(ours.rules) == len(base.rules) and set(ours.fixed_tables) == set(base.fixed_tables)


def test_a_row_worded_as_an_earlier_edition_keeps_the_base_indicator(tmp_path):
    # 2024 says 专任教师数 and 在岗教职工总数; a province's form keeps 2022's wording. The rows
    # must stay the base's indicators, or 生师比 loses its formula and goes unchecked.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目", "计量单位", "上年", "本年"])
    for row in [(1, "全日制在校生数", "人"), (2, "专任教师", "人"), (3, "生师比", "—"),
                (4, "教职员工总数", "人")]:
        ws.append([*row, None, None])
    wb.save(tmp_path / "blank.xlsx")
    t = template.load_text(make_edition(tmp_path / "blank.xlsx", "prov", base="2024").toml, "prov")
    by_name = {r.name: r for r in t.indicator_tables[0].rows}
    assert by_name["专任教师"].id == "teachers"
    assert by_name["教职员工总数"].id == "staff"
    assert t.indicators["student_teacher_ratio"].formula.source == "students / teachers"


def test_a_form_sheet_of_hundreds_of_thousands_of_rows_is_refused_at_once(tmp_path):
    """A form is read whole: a sheet far beyond any blank form is refused before parsing
    (it took a minute and half a gigabyte, and an edition of its junk came out)."""
    import zipfile

    form = province_a(tmp_path / "a.xlsx")
    junk = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="Z{r}"><v>{r * 7}</v></c></row>'
                   for r in range(100, 200_000))
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", junk.encode() + b"</sheetData>")
            out.writestr(info, data)
    from desktop.formats.xlsx_read import WorkbookError

    with pytest.raises(WorkbookError, match=r"big\.xlsx 中的 xl/worksheets/sheet2\.xml 解压后过大"):
        make_edition(big, "big")
