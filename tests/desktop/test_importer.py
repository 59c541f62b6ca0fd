"""Import: matching rows to indicators, refusing bad cells, all or nothing, round trip."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest

from desktop import backups, importer
from desktop.formats import xlsx
from desktop.report import Report


def hand_made(path, rows, header=("序号", "指标", "单位", "2020年", "2021年"), title=True):
    """A workbook as people make them: a title row, a blank row, then the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if title:
        ws.append(["某某学校质量数据表"])
        ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_round_trip_export_import_export(sample_report, sample_document, tmp_path):
    first = tmp_path / "first.xlsx"
    xlsx.write_xlsx(sample_document, first)
    with Report.create(tmp_path / "fresh.qreport", sample_report.school, "2022", 2021) as fresh:
        plan = importer.plan_import(fresh, first)
        assert plan.ok and len(plan.changes) == 112
        assert [(c.indicator, c.year) for c in plan.note_changes] == [("funding_per_student", 2021)]
        importer.apply(fresh, plan)
        from desktop import assemble

        again = tmp_path / "again.xlsx"
        xlsx.write_xlsx(assemble.build(fresh), again)
    a = openpyxl.load_workbook(first)["质量数据表"]
    b = openpyxl.load_workbook(again)["质量数据表"]
    cells = [(c.coordinate, c.value, c.number_format, c.data_type) for row in a.iter_rows() for c in row]
    assert cells == [(c.coordinate, c.value, c.number_format, c.data_type)
                     for row in b.iter_rows() for c in row]


def test_messy_names_match_and_sub_rows_follow_their_parent(empty_report, tmp_path):
    book = hand_made(tmp_path / "messy.xlsx", [
        ("1", " 思想政治课专任教师数 ", "人", "５０", "54"),
        ("3", "名班主任工作室数", "个", "-", "1"),
        ("", "其中: 国家级", "个", "-", "0"),
        ("", "省级", "个", "-", "0"),
        ("4", "思想政治课教学创新团队数", "个", "", "1"),
        ("", "其中：国家级", "个", "", "0"),
        ("13", "就业(含升学)人数", "人", "2,364", "2212"),
        ("6", "就业单位对毕业生职业素养的满意度", "%", "98.4%", 98.5),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.ok, plan.refused + plan.unmatched
    got = {(c.indicator, c.year): c.new for c in plan.changes}
    assert got == {
        ("ideology_teachers", 2020): "50", ("ideology_teachers", 2021): "54",
        ("headteacher_studios", 2020): "-", ("headteacher_studios", 2021): "1",
        ("headteacher_studios_national", 2020): "-", ("headteacher_studios_national", 2021): "0",
        ("headteacher_studios_provincial", 2020): "-", ("headteacher_studios_provincial", 2021): "0",
        ("ideology_teams", 2021): "1", ("ideology_teams_national", 2021): "0",
        ("employed", 2020): "2364", ("employed", 2021): "2212",
        ("employer_satisfaction_quality", 2020): "98.4",
        ("employer_satisfaction_quality", 2021): "98.5",
    }


def test_bad_cells_are_each_named_and_nothing_is_applied(sample_path, tmp_path):
    book = hand_made(tmp_path / "bad.xlsx", [
        ("1", "思想政治课专任教师数", "人", "50", "60"),
        ("29", "全日制在校生数", "人", "7948", "约12万"),
        ("40", "生师比", "/", "16:1", "十九比一"),
        ("99", "食堂满意度", "%", "", "99"),
    ], header=("序号", "指标", "单位", "2020", "2021"))
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, book)
        assert not plan.ok
        assert plan.refused == [
            "Sheet1!E5 全日制在校生数（2021年）：“约12万”不是有效的整数",
            "Sheet1!E6 生师比（2021年）：“十九比一”不是有效的比值（如 19:1）：请用阿拉伯数字填写（如 19:1）",
        ]
        assert plan.unmatched == ["Sheet1 第 7 行“食堂满意度”不是本版报告的指标。"]
        with pytest.raises(importer.ImportRefused):
            importer.apply(report, plan)
        assert report.file.value("ideology_teachers", 2021) == "54"  # the good cell is not applied


def test_apply_logs_the_workbook_and_backs_up_first(sample_path, tmp_path):
    book = hand_made(tmp_path / "人事处.xlsx", [("39", "专任教师", "人", "465", "502")])
    with Report.open(sample_path) as report:
        plan = importer.plan_import(report, book)
        assert [c.describe() for c in plan.changes] == ["专任教师（2021年）：501 → 502"]
        assert importer.apply(report, plan) == 1
        last = report.file.changes(1)[0]
        assert (last.target, last.old, last.new, last.source) == \
            ("teachers@2021", "501", "502", "imported from 人事处.xlsx")
    kept = backups.list_backups(sample_path)
    assert kept and kept[0].reason == "import"
    with Report.open(kept[0].path) as before:
        assert before.file.value("teachers", 2021) == "501"


def test_cli_dry_run_writes_nothing(sample_path, tmp_path):
    book = hand_made(tmp_path / "b.xlsx", [("39", "专任教师", "人", "465", "502")])
    before = sample_path.read_bytes()
    done = subprocess.run([sys.executable, "-m", "desktop", "import", str(sample_path), str(book),
                           "--dry-run"], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "专任教师（2021年）：501 → 502" in done.stdout and "试运行" in done.stdout
    assert sample_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip at all", "不是 Excel"), (b"PK\x03\x04truncated", "")],
)
def test_cli_refuses_a_broken_workbook_with_a_sentence(sample_path, tmp_path, content, message):
    book = tmp_path / "broken.xlsx"
    book.write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "desktop", "import", str(sample_path), str(book)],
                          capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_exported_workbook_imports_back_as_no_change(empty_report, tmp_path):
    """Derived values the report computes, and 12000.00 shown by Excel as 12000, come back
    from every exported or collection workbook: neither is a change, and storing the derived
    ones would freeze them against later edits of their inputs."""
    from desktop import assemble

    for ind, text in {"students": "1000", "campus_area": "50000", "teachers": "60",
                      "funding_per_student": "12000.00"}.items():
        empty_report.set_text(ind, 2021, text)
    book = tmp_path / "exported.xlsx"
    xlsx.write_xlsx(assemble.build(empty_report), book)
    plan = importer.plan_import(empty_report, book)
    assert plan.ok and plan.changes == [] and plan.unchanged == 5  # 3 typed, 2 derived
    empty_report.set_text("students", 2021, "2000")
    assert empty_report.shown()[("campus_area_per_student", 2021)].value == "25.00"


def test_a_row_given_twice_must_say_the_same(empty_report, tmp_path):
    book = hand_made(tmp_path / "twice.xlsx", [
        ("39", "专任教师", "人", "465", "501"),
        ("39", "专任教师", "人", "465", "502"),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.refused == ["Sheet1!E5 专任教师（2021年）为 502，与 Sheet1!E4 的 501 不同"]
    assert [c.describe() for c in plan.changes] == ["专任教师（2020年）：空 → 465",
                                                     "专任教师（2021年）：空 → 501"]


def test_the_unit_column_is_read(empty_report, tmp_path):
    book = hand_made(tmp_path / "units.xlsx", [
        ("33", "年生均财政拨款(截至2021.08.31)", "万元", "0.46", "0.26"),
        ("34", "纸质图书数", "万册", "19.5", "20.47"),
        ("35", "电子图书数", "种", "300000", "300000"),
    ])
    plan = importer.plan_import(empty_report, book)
    got = {(c.indicator, c.year): c.new for c in plan.changes}
    assert got[("funding_per_student", 2021)] == "2600.00"
    assert got[("paper_books", 2020)] == "195000"
    # a unit that cannot be converted refuses the cell: never stored "as if" in 册
    assert plan.refused == [
        "Sheet1!D6 电子图书数（2020年）的单位是“种”，本版的单位是“册”，无法换算",
        "Sheet1!E6 电子图书数（2021年）的单位是“种”，本版的单位是“册”，无法换算",
    ]
    assert not plan.ok and ("ebooks", 2021) not in got


def test_numbers_without_a_name_are_not_dropped_silently(empty_report, tmp_path):
    book = hand_made(tmp_path / "nameless.xlsx", [
        ("39", "专任教师", "人", "465", "501"),
        ("", "", "", "12", "13"),
    ])
    plan = importer.plan_import(empty_report, book)
    assert plan.unmatched == ["Sheet1 第 5 行有数值，但没有指标名称。"] and not plan.ok


def test_other_years_are_named_before_import(empty_report, tmp_path):
    book = hand_made(tmp_path / "y.xlsx", [("39", "专任教师", "人", "400", "450", "501")],
                     header=("序号", "指标", "单位", "2019年", "2020年", "2021年"))
    plan = importer.plan_import(empty_report, book)
    assert plan.ok
    assert any("2019 年的数据" in note for note in plan.notes)
    assert {(c.year, c.new) for c in plan.changes} == {(2019, "400"), (2020, "450"), (2021, "501")}


def test_a_folder_is_not_a_workbook(sample_path, tmp_path):
    done = subprocess.run([sys.executable, "-m", "desktop", "import", str(sample_path), str(tmp_path)],
                          capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 2 and "是文件夹" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------ 备注 (notes) back and forth
def _remarks(path, sheet="质量数据表"):
    """{indicator label: 备注 cell} of an exported data sheet, and its header row."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[2]]
    col = header.index("备注") if "备注" in header else None
    return header, {r[1].value: r[col].value for r in ws.iter_rows(min_row=3)
                    if col is not None and r[col].value}


def test_no_note_no_remarks_column(empty_report, tmp_path):
    from desktop import assemble

    empty_report.set_text("graduates", 2021, "2245")
    xlsx.write_xlsx(assemble.build(empty_report, photos=False), tmp_path / "a.xlsx")
    header, _ = _remarks(tmp_path / "a.xlsx")
    assert header == ["序号", "指标", "单位", "2020年", "2021年"]


def test_a_note_is_exported_imported_and_exported_the_same(empty_report, tmp_path):
    from desktop import assemble

    empty_report.set_text("graduates", 2021, "2245")
    empty_report.set_note("graduates", 2021, "含五年制后两年")
    empty_report.set_note("certificates", 2020, "仅含职业资格证书")
    empty_report.set_note("certificates", 2021, "2021年起全面推行1+X证书；另见表2-1")
    first = tmp_path / "first.xlsx"
    xlsx.write_xlsx(assemble.build(empty_report, photos=False), first)
    header, remarks = _remarks(first)
    assert header[-1] == "备注"
    assert remarks["毕业生总数"] == "含五年制后两年"
    assert remarks["职业技能等级证书(含职业资格证书)获取人数"] == \
        "2020年：仅含职业资格证书；2021年：2021年起全面推行1+X证书；另见表2-1"

    with Report.create(tmp_path / "fresh.qreport", empty_report.school, "2022", 2021) as fresh:
        plan = importer.plan_import(fresh, first)
        assert plan.ok
        assert sorted((c.name, c.year, c.old, c.new) for c in plan.note_changes) == [
            ("毕业生总数", 2021, "", "含五年制后两年"),
            ("职业技能等级证书(含职业资格证书)获取人数", 2020, "", "仅含职业资格证书"),
            ("职业技能等级证书(含职业资格证书)获取人数", 2021, "", "2021年起全面推行1+X证书；另见表2-1"),
        ]
        assert "毕业生总数（2021年）备注：空 → 含五年制后两年" in [c.describe() for c in plan.items]
        assert "3 条备注" in plan.summary()
        assert importer.apply(fresh, plan) == 4  # one value, three notes
        assert fresh.file.notes() == empty_report.file.notes()
        again = tmp_path / "again.xlsx"
        xlsx.write_xlsx(assemble.build(fresh, photos=False), again)
        assert importer.plan_import(fresh, again).note_changes == []  # nothing left to change
    assert _remarks(again) == _remarks(first)


def test_a_changed_note_shows_old_and_new_and_an_empty_cell_keeps_it(empty_report, tmp_path):
    from desktop import assemble

    empty_report.set_note("graduates", 2021, "含五年制后两年")
    empty_report.set_note("employed", 2021, "含升学")
    book = tmp_path / "b.xlsx"
    xlsx.write_xlsx(assemble.build(empty_report, photos=False), book)
    wb = openpyxl.load_workbook(book)
    ws = wb["质量数据表"]
    for row in ws.iter_rows(min_row=3):
        if row[1].value == "毕业生总数":
            row[5].value = "  不含五年制\n"
        elif row[5].value:
            row[5].value = None  # an emptied 备注 cell: not provided, the note stays
    wb.save(book)
    plan = importer.plan_import(empty_report, book)
    assert [c.describe() for c in plan.note_changes] == ["毕业生总数（2021年）备注：含五年制后两年 → 不含五年制"]
    importer.apply(empty_report, plan)
    assert empty_report.file.notes() == {("graduates", 2021): "不含五年制", ("employed", 2021): "含升学"}


def test_notes_are_all_or_nothing_with_the_values(empty_report, tmp_path):
    book = hand_made(tmp_path / "bad.xlsx", [
        ("1", "思想政治课专任教师数", "人", "50", "54", "两校区合计"),
        ("2", "德育管理人员数", "人", "92", "很多", ""),
    ], header=("序号", "指标", "单位", "2020年", "2021年", "备注"))
    plan = importer.plan_import(empty_report, book)
    assert not plan.ok and len(plan.note_changes) == 1
    with pytest.raises(importer.ImportRefused):
        importer.apply(empty_report, plan)
    assert empty_report.file.notes() == {}


def test_a_note_led_by_a_year_outside_the_table_is_this_years(empty_report, tmp_path):
    book = hand_made(tmp_path / "odd.xlsx", [
        ("1", "思想政治课专任教师数", "人", "50", "54", "2019年：调入3人"),
    ], header=("序号", "指标", "单位", "2020年", "2021年", "备注"))
    plan = importer.plan_import(empty_report, book)
    assert [(c.year, c.new) for c in plan.note_changes] == [(2021, "2019年：调入3人")]


def test_a_note_holding_another_years_lead_comes_back_into_the_same_report(empty_report, tmp_path):
    """One cell for two years' notes: a 2020 note saying "；2021年：" cannot be split apart by
    reading alone, but the cell the report itself wrote is its own notes, unchanged."""
    from desktop import assemble

    empty_report.set_note("moral_staff", 2020, "上年；2021年：本年中途调整")
    empty_report.set_note("moral_staff", 2021, "含兼职")
    book = tmp_path / "own.xlsx"
    xlsx.write_xlsx(assemble.build(empty_report, photos=False), book)
    assert _remarks(book)[1]["德育管理人员数"] == "2020年：上年；2021年：本年中途调整；2021年：含兼职"
    plan = importer.plan_import(empty_report, book)
    assert plan.ok and plan.note_changes == []


def test_a_confirmed_small_percentage_survives_our_own_export(tmp_path):
    """0.7 % 满意度 (confirmed with its sign) is written as a '%' cell showing 0.7%: a plain 0.7
    in a % row reads as a fraction meant as 70 %, and our own workbook was refused."""
    from openpyxl import load_workbook

    from desktop.exports import export

    src = tmp_path / "src.qreport"
    with Report.create(src, "测试职业学校", "2022", 2021) as report:
        report.set_text("employer_satisfaction_quality", 2021, "0.7%")
    book = tmp_path / "out.xlsx"
    export(src, {"xlsx": book})
    ws = load_workbook(book).worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 0.007)
    assert cell.number_format == "0.0%"
    with Report.create(tmp_path / "fresh.qreport", "测试职业学校", "2022", 2021) as fresh:
        plan = importer.plan_import(fresh, book)
        importer.apply(fresh, plan)
        assert fresh.file.value("employer_satisfaction_quality", 2021) == "0.7"
