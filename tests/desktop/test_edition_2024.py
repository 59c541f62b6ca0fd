"""The 2024年度 edition: seven parts, six 附表 (one Excel sheet, PDF page and grid each),
numbering 1 / 1.1, cases 案例2-1, 本年度无毕业生, and check quiet on realistic data."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest

from desktop import assemble, rules
from desktop import template as templates
from desktop.formats.xlsx import write_xlsx
from desktop.report import NA, Report

DATA = Path(__file__).resolve().parents[1] / "data" / "realistic_2024.toml"
PARTS = ["人才培养", "服务贡献", "文化传承", "国际合作", "产教融合", "发展保障", "面临挑战"]
TABLES = ["附表1 人才培养质量计分卡", "附表2 满意度调查表", "附表3 教学资源表", "附表4 服务贡献表",
          "附表5 国际影响表", "附表6 落实政策表"]


def qreport(*args):
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def realistic(tmp_path) -> Path:
    """A 2025年度 report with a realistic school's 2024 and 2025 figures and a paragraph in
    every chapter."""
    data = tomllib.loads(DATA.read_text("utf-8"))
    path = tmp_path / "r.qreport"
    with Report.new(path, "测试职业学校", "2024", 2025) as report:
        items = [(i, int(y), report.parse(i, int(y), text))
                 for y, row in data["values"].items() for i, text in row.items()]
        report.file.set_values(items)
        for chapter in report.template.chapters:
            for section in report.file.sections(chapter.id):
                report.file.set_section_text(section.id, f"本节记述学校{section.title}方面的工作。")
    return path


def test_a_2024_report_for_2025_through_the_command_line(tmp_path):
    path = tmp_path / "n.qreport"
    done = qreport("new", path, "--school", "测试职业学校", "--year", "2025")  # the newest edition
    assert done.returncode == 0, done.stderr
    assert "中国职业教育质量报告（2025年度）" in done.stdout
    done = qreport("export", path, "--pdf", tmp_path / "n.pdf", "--xlsx", tmp_path / "n.xlsx")
    assert done.returncode == 0, done.stderr
    subprocess.run(["pdftotext", tmp_path / "n.pdf", tmp_path / "n.txt"], check=True)
    text = squash((tmp_path / "n.txt").read_text("utf-8"))
    assert "中国职业教育质量报告（2025年度）" in text
    for n, part in enumerate(["基本情况", *PARTS], start=1):
        assert f"{n}{part}" in text, part  # 1 基本情况 … 8 面临挑战, in the TOC and the body
    assert "前言" in text and "2.10就业质量" in text and "1.1学校概况" in text
    for title in TABLES:
        assert squash(title) in text
    assert text.count("以主管部门下发的表格为准") == 6
    assert "2024年2025年" in text  # the 年度 series: data year = the report's year
    wb = openpyxl.load_workbook(tmp_path / "n.xlsx")
    assert wb.sheetnames == [f"附表{n}" for n in range(1, 7)]
    for n, title in enumerate(TABLES, start=1):
        ws = wb[f"附表{n}"]
        assert ws["A1"].value.startswith(title) and "以主管部门下发的表格为准" in ws["A1"].value
        assert [c.value for c in ws[2]] == ["序号", "指标", "单位", "2024年", "2025年"]
        assert ws["B3"].value  # rows follow


def test_an_indicator_in_two_tables_is_one_value(tmp_path):
    with Report.new(tmp_path / "r.qreport", "测试职业学校", "2024", 2025) as report:
        report.set_text("graduates", 2025, "795")
        doc = assemble.build(report)
        write_xlsx(doc, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = {ws.title: {r[1].value: r[4].value for r in ws.iter_rows(min_row=3) if r[1].value}
            for ws in wb.worksheets}
    assert rows["附表1"]["毕业生数"] == rows["附表4"]["毕业生数"] == 795
    assert rows["附表3"]["专任教师数"] is None and "专任教师总数" in rows["附表6"]


def test_a_workbook_restating_a_value_differently_is_refused(tmp_path):
    from desktop import importer

    with Report.new(tmp_path / "r.qreport", "测试职业学校", "2024", 2025) as report:
        write_xlsx(assemble.build(report), tmp_path / "r.xlsx")
        wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
        wb["附表1"]["E3"] = 795
        wb["附表4"]["E3"] = 790  # the same 毕业生数, another number
        wb.save(tmp_path / "r.xlsx")
        plan = importer.plan_import(report, tmp_path / "r.xlsx")
    assert not plan.ok
    assert any("附表4" in r and "附表1" in r and "795" in r and "790" in r for r in plan.refused), plan.refused


def test_the_exported_tables_import_back_unchanged(realistic, tmp_path):
    from desktop import importer

    with Report.open(realistic) as report:
        write_xlsx(assemble.build(report), tmp_path / "r.xlsx")
        plan = importer.plan_import(report, tmp_path / "r.xlsx")
        rows = len(report.template.table_rows)  # a row shown in two 附表 counts once
    assert plan.ok, (plan.refused, plan.unmatched)
    assert plan.changes == [] and plan.unchanged == 2 * rows


def test_cases_inside_chapters_are_numbered_by_chapter(tmp_path):
    with Report.new(tmp_path / "r.qreport", "测试职业学校", "2024", 2025) as report:
        root = report.file.chapter_root("talent")
        report.file.add_section(root, "案例：校企共建产业学院")
        report.file.add_section(root, "案例 “订单班”育人")
        doc = assemble.build(report)
    talent = next(c for c in doc.chapters if c.title == "人才培养")
    headings = [s.heading for s in talent.sections]
    assert headings[:2] == ["2.1 党建引领", "2.2 立德树人"]
    assert headings[9] == "2.10 就业质量"  # cases take no section number
    assert headings[10:] == ["案例2-1 校企共建产业学院", "案例2-2 “订单班”育人"]
    assert doc.chapters[0].heading == "前言"


def test_no_graduates_makes_graduate_rows_not_applicable(tmp_path):
    with Report.new(tmp_path / "r.qreport", "新建职业学校", "2024", 2025) as report:
        graduate = {i.id for i in report.template.indicators.values() if i.graduate}
        assert {"graduates", "employed", "employed_local"} <= graduate
        changed = report.set_no_graduates(True)
        assert set(changed) == graduate
        values = report.file.values()
        assert all(values[(i, 2025)] == NA for i in graduate)
        assert ("students", 2025) not in values
        missing = [f for f in rules.check(report) if f.ids and set(f.ids) & graduate
                   and "空" in f.message]
        assert missing == []  # not applicable, not missing
        scorecard = assemble.data_tables(report)[0]
        assert scorecard.rows[0].cells[1].text == "-"
        report.set_no_graduates(False)
        assert not any((i, 2025) in report.file.values() for i in graduate)


def test_check_finds_nothing_in_a_realistic_report(realistic):
    with Report.open(realistic) as report:
        findings = rules.check(report)
    assert [f.message for f in findings] == []


def test_check_finds_a_part_larger_than_its_whole(realistic):
    with Report.open(realistic) as report:
        report.set_text("employed_local", 2025, "300")  # > 772 employed - 488 further study
        messages = [f.message for f in rules.check(report)]
    assert any("在本地就业人数" in m for m in messages), messages


def test_new_reports_start_from_generic_outlines(tmp_path):
    for edition in templates.available():
        spec = templates.load(edition)
        titles = [e.title for c in spec.chapters for e in c.outline]
        assert titles and all("，" not in t for t in titles), titles  # no school's own slogans
    assert templates.newest() == "2024"
