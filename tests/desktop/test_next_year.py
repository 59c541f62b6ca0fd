"""Next year's report from this one, a report's own copy of its edition, and moving a report
to a newer version of its edition."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop import assemble, drafts, next_year, rules
from desktop import template as templates
from desktop.cli import main
from desktop.next_year import make_next
from desktop.report import EDITION_COPY, Report

TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def qreport(*args):
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def report_2024(sample_path, tmp_path) -> Path:
    """The sample carried into a 2024年度 report with this year's values typed and its yearly
    majors list taken again (沿用上一年度): a report whose edition serves the year after."""
    path = tmp_path / "2024.qreport"
    make_next(sample_path, path, edition="2024", report_year=2024, with_figures=True)
    with Report.open(path) as report:
        values = report.file.values()
        report.file.set_values([(ind, 2024, v) for (ind, year), v in values.items() if year == 2021])
        majors = next(t for t in report.file.tables() if t.ref == "majors")
        report.file.set_table_rows(majors.id, drafts.last_year_rows(report, majors.id))
    return path


def test_next_within_one_edition(report_2024, tmp_path):
    before = digest(report_2024)
    new_path = tmp_path / "next.qreport"
    done = qreport("next", report_2024, new_path)
    assert done.returncode == 0, done.stderr
    assert digest(report_2024) == before  # the old file is never touched
    with Report.open(report_2024) as old, Report.open(new_path) as new:
        assert (new.school, new.edition.id, new.years) == (old.school, "2024", (2024, 2025))
        assert new.title == "中国职业教育质量报告（2025年度）"
        old_values = old.file.values()
        new_values = new.file.values()
        this_year = {k: v for k, v in old_values.items() if k[1] == 2024}
        assert this_year and all(new_values[k] == v for k, v in this_year.items())
        assert not any(year == 2025 for _, year in new_values)  # this year starts empty
        assert new.file.get_meta("address") == old.file.get_meta("address")  # settings
        old_sections = [(s.chapter, s.title, s.text) for s in old.file.sections()]
        assert [(s.chapter, s.title, s.text) for s in new.file.sections()] == old_sections
        pending = drafts.pending(new)
        assert len(pending) == sum(1 for s in old.file.sections() if s.title or s.text)
        [finding] = [f for f in rules.check(new) if f.kind == "drafts"]
        assert "待更新" in finding.message and finding.section == pending[0].id
        # an edit ends a draft
        new.file.set_section_text(pending[1].id, pending[1].text + "2025年，学校……")
        assert pending[1].id not in {s.id for s in drafts.pending(new)}
        # yearly lists start empty, last year's rows one step away; no figures unless asked
        majors = [t for t in new.file.tables() if t.ref == "majors"]
        old_majors = [t for t in old.file.tables() if t.ref == "majors"]
        assert majors and majors[0].rows == () and old_majors[0].rows
        assert drafts.last_year_rows(new, majors[0].id) == [list(r) for r in old_majors[0].rows]
        # (the table editor's 沿用上一年度 button puts them back: test_next_year_gui)
        assert new.file.figures() == [] and old.file.figures()
    assert qreport("next", report_2024, new_path).returncode != 0  # never overwrites


def test_next_with_figures(sample_path, tmp_path):
    result = make_next(sample_path, tmp_path / "n.qreport", with_figures=True)
    with Report.open(sample_path) as old, Report.open(tmp_path / "n.qreport") as new:
        assert result.figures == len(old.file.figures()) == len(new.file.figures())
        photo = new.file.figures()[0].photos[0]
        assert new.file.photo_data(photo.id) == old.file.photo_data(old.file.figures()[0].photos[0].id)


def test_next_into_the_2024_edition(sample_path, tmp_path):
    before = digest(sample_path)
    result = make_next(sample_path, tmp_path / "n.qreport", edition="2024", report_year=2024)
    assert digest(sample_path) == before
    assert any("新版本中没有的指标" in line for line in result.left_behind)
    with Report.open(tmp_path / "n.qreport") as new:
        assert new.edition.id == "2024" and new.years == (2023, 2024)
        assert new.title == "中国职业教育质量报告（2024年度）"
        values = new.file.values()
        assert values[("students", 2021)] == "9527" and values[("graduates", 2021)] == "2245"
        talent = [s.title for s in new.file.sections("talent")]
        assert "立德树人，打造“三全育人”学校" in talent  # 学生发展 and 教学改革 → 人才培养
        doc = assemble.build(new)
        chapter = next(c for c in doc.chapters if c.title == "人才培养")
        assert chapter.sections[-1].heading.startswith("案例2-1 产教深度融合")
        assert [t.ref for t in new.file.tables() if t.kind == "fixed"] == ["t_conditions", "t_talent"]


def test_a_report_prints_as_made_after_its_edition_file_changes_and_goes(tmp_path):
    own = tmp_path / "myed.toml"
    own.write_text((TEMPLATES / "2024.toml").read_text("utf-8").replace('id = "2024"', 'id = "myed"'),
                   "utf-8")
    path = tmp_path / "r.qreport"
    assert qreport("new", path, "--school", "测试职业学校", "--edition", own, "--year", "2025").returncode == 0

    def pdf_text() -> str:
        done = qreport("export", path, "--pdf", tmp_path / "r.pdf")
        assert done.returncode == 0, done.stderr
        return subprocess.run(["pdftotext", tmp_path / "r.pdf", "-"], capture_output=True,
                              text=True, check=True).stdout

    made = pdf_text()
    assert "附表6 落实政策表" in made
    own.write_text(own.read_text("utf-8").replace("附表6 落实政策表", "附表6 改过的表"), "utf-8")
    assert pdf_text() == made
    own.unlink()
    assert pdf_text() == made


def test_a_report_from_before_copies_opens_and_keeps_one(tmp_path):
    path = tmp_path / "old.qreport"
    with Report.create(path, "测试职业学校", "2022", 2021) as report:
        report.file.set_meta(EDITION_COPY, "")  # as files written before this change
    with Report.open(path) as report:
        assert report.edition.id == "2022"
        assert report.file.get_meta(EDITION_COPY) == (TEMPLATES / "2022.toml").read_text("utf-8")


def test_moving_to_a_newer_version_is_previewed_then_explicit(tmp_path):
    path = tmp_path / "r.qreport"
    shipped = (TEMPLATES / "2024.toml").read_text("utf-8")
    with Report.new(path, "测试职业学校", "2024", 2025) as report:
        older = shipped.replace('title = "文化传承"', 'title = "文化建设"')
        report.file.set_meta(EDITION_COPY, older)
    with Report.open(path) as report:
        assert any(c.title == "文化建设" for c in report.template.chapters)  # its own copy
        assert report.edition_update() == ["章改名：文化建设 → 文化传承"]
    done = qreport("edition", "update", path)
    assert done.returncode == 0 and "文化建设 → 文化传承" in done.stdout
    with Report.open(path) as report:
        assert report.file.get_meta(EDITION_COPY) == older  # a preview changes nothing
    assert qreport("edition", "update", path, "--apply").returncode == 0
    with Report.open(path) as report:
        assert report.file.get_meta(EDITION_COPY) == shipped and report.edition_update() == []
        assert any(c.title == "文化传承" for c in report.template.chapters)


def test_a_report_prints_its_own_title(tmp_path):
    path = tmp_path / "r.qreport"
    with Report.new(path, "测试职业学校", "2024", 2025) as report:
        assert report.set_title("陕西省职业学校质量报告（{year}年度）") == "陕西省职业学校质量报告（2025年度）"
    with Report.open(path) as report:
        assert assemble.build(report).title == "陕西省职业学校质量报告（2025年度）"
        assert report.set_title("") == "中国职业教育质量报告（2025年度）"


def test_next_names_the_year_the_school_reports(sample_path, tmp_path):
    # From the 2022 sample (data 2021) to the 2024年度 report: the year is named, the values
    # stay under their own data years
    result = make_next(sample_path, tmp_path / "d.qreport", edition="2024", report_year=2024)
    assert any("名班主任工作室数（其中国家级）" in line for line in result.left_behind)
    assert any("聊城高级工程职业学校教师队伍" in line for line in result.left_behind)
    done = qreport("next", sample_path, tmp_path / "n.qreport", "--edition", "2024", "--year", "2024")
    assert done.returncode == 0, done.stderr
    with Report.open(tmp_path / "n.qreport") as new:
        assert new.title == "中国职业教育质量报告（2024年度）" and new.years == (2023, 2024)
        values = new.file.values()
        assert values[("students", 2021)] == "9527"
        assert not any(year > 2021 for _, year in values)
    done = qreport("next", sample_path, tmp_path / "x.qreport", "--year", "2021")
    assert done.returncode != 0 and "必须晚于" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------ editions that do not serve the year
NEWEST = "中国职业教育质量报告（2024年度版，七个部分 + 6张指标表）"
OLD = "中等职业教育质量年度报告（2022 版）"


def test_without_edition_next_leaves_an_edition_that_serves_no_later_year(sample_path, tmp_path):
    # the 2022 edition serves only the 2022 report: the next one is written in the newest
    # edition, for this calendar year's report, as the window's dialog offers it
    done = qreport("next", sample_path, tmp_path / "n.qreport")
    assert done.returncode == 0, done.stderr
    year = templates.load("2024").current_year(date.today().year)
    assert f"中国职业教育质量报告（{year}年度）" in done.stdout
    assert f"注意：原报告的“{OLD}”只适用于 2022 年度的报告，新报告改用“{NEWEST}”。" in done.stdout
    with Report.open(sample_path) as old, Report.open(tmp_path / "n.qreport") as new:
        assert (new.edition.id, new.report_year) == ("2024", year)
        assert (next_year.default_edition(old).id, next_year.default_year(old.year, new.edition)) == ("2024", year)
    # a year named without an edition: the edition that serves it
    with Report.open(sample_path) as old:
        assert next_year.choose(old, None, 2025)[0].id == "2024"
        assert next_year.choose(old, None, 2025, today=2030) == next_year.choose(old, "2024", 2025)


def test_an_edition_that_does_not_serve_the_year_is_refused(sample_path, tmp_path):
    cases = [
        (("--edition", "2022"),  # its own edition: no year after 2022
         f"“{OLD}”只适用于 2022 年度的报告，不能用于 2023 年度：请改用“{NEWEST}”（2024，适用于 2024—2026 年度）。"),
        (("--edition", "2024", "--year", "2023"),
         f"“{NEWEST}”只适用于 2024—2026 年度的报告，不能用于 2023 年度：请在 2024—2026 年度中选择报告年度。"),
        (("--edition", "2024", "--year", "2027"),
         f"“{NEWEST}”只适用于 2024—2026 年度的报告，不能用于 2027 年度：请在 2024—2026 年度中选择报告年度。"),
        (("--year", "2023"),  # no edition serves it: the newest's years are offered
         f"“{NEWEST}”只适用于 2024—2026 年度的报告，不能用于 2023 年度：请在 2024—2026 年度中选择报告年度。"),
    ]
    for args, said in cases:
        done = qreport("next", sample_path, tmp_path / "n.qreport", *args)
        assert (done.returncode, done.stderr.strip()) == (2, said), args
        assert not (tmp_path / "n.qreport").exists()


def test_a_report_in_the_last_year_of_the_newest_edition_has_nowhere_to_go(tmp_path):
    path = tmp_path / "2026.qreport"
    Report.new(path, "测试职业学校", "2024", 2026).close()
    with Report.open(path) as old, pytest.raises(next_year.NextYearRefused) as refused:
        next_year.choose(old)
    assert str(refused.value) == (f"“{NEWEST}”只适用于 2024—2026 年度的报告，不能用于 2027 年度："
                                  "请改用适用于 2027 年度的报告版本（.toml 文件）。")
    assert main(["next", str(path), str(tmp_path / "2027.qreport")]) == 2
    assert not (tmp_path / "2027.qreport").exists()


def test_a_damaged_old_report_is_named_by_its_own_name(sample_path, tmp_path, capsys):
    """The old file is read through a private copy: a message about it names the old file."""
    bad = tmp_path / "去年.qreport"
    bad.write_bytes(sample_path.read_bytes()[:100_000])  # cut short as by a failed download
    assert main(["next", str(bad), str(tmp_path / "今年.qreport")]) == 2
    err = capsys.readouterr().err
    assert "去年.qreport" in err and "last.qreport" not in err
    assert not (tmp_path / "今年.qreport").exists()


# ------------------------------------------------------------ sums across editions (issue 14)
def test_2022_parts_are_summed_into_the_2024_indicator(sample_path, tmp_path):
    result = make_next(sample_path, tmp_path / "n.qreport", edition="2024")
    assert not any("正高级" in line or "升入" in line for line in result.left_behind)
    with Report.open(tmp_path / "n.qreport") as new:
        values = new.file.values()
        assert values[("teachers_senior", 2021)] == "152"  # 正高级 12 + 副高级 140
        assert values[("further_study", 2021)] == "914"  # 本科 - + 高职 741 + 其他 173
        assert values[("further_study", 2020)] == "746"
        # the 2024 ratio computed from the sum is the ratio the 2022 table printed
        ratio = new.template.indicators["senior_title_ratio"].type
        assert ratio.agrees(values[("senior_title_ratio", 2021)],
                            100 * Decimal(152) / Decimal(values[("teachers", 2021)]))
        assert not [f for f in rules.check(new) if f.kind == "carry_gap"]


def test_a_sum_with_a_part_missing_is_left_empty_and_said(sample_path, tmp_path):
    with Report.open(sample_path) as old:
        old.file.set_value("teachers_senior_deputy", 2021, None)
    result = make_next(sample_path, tmp_path / "n.qreport", edition="2024")
    said = "2021年的高级职称专任教师数应为上一版本的正高级职称专任教师数＋副高级职称专任教师数，但旧报告缺副高级职称专任教师数"
    assert any(line.startswith(said) for line in result.notes)
    with Report.open(tmp_path / "n.qreport") as new:
        assert ("teachers_senior", 2021) not in new.file.values()  # never 12 passed off as 高级
        found = [f for f in rules.check(new) if f.kind == "carry_gap"]
        assert [(f.ids, f.year) for f in found] == [(("teachers_senior",), 2021)]
        assert found[0].message.startswith(said)
        new.set_text("teachers_senior", 2021, "152")
        assert not [f for f in rules.check(new) if f.kind == "carry_gap"]


def test_a_value_the_new_edition_measures_otherwise_is_questioned_until_explained(sample_path, tmp_path):
    # 2022's 年生均财政拨款 stops at 08.31; 2024年度's is the whole year. The sample explains
    # its 2021 figure in a note (carried with it); its 2020 figure has none
    make_next(sample_path, tmp_path / "n.qreport", edition="2024")
    with Report.open(tmp_path / "n.qreport") as new:
        found = [f for f in rules.check(new) if f.kind == "carry_caution"]
        assert {(f.ids, f.year) for f in found} >= {(("funding_per_student",), 2020)}
        assert (("funding_per_student",), 2021) not in {(f.ids, f.year) for f in found}
        funding = next(f for f in found if f.ids == ("funding_per_student",))
        assert funding.message.startswith("2020年的年生均财政拨款水平是从上一版本带入的：2022 版的年生均"
                                          "财政拨款只统计到当年 8 月 31 日")
        assert rules.category_of(funding) == "plausibility"
        new.set_note("funding_per_student", 2020, "已核对：2020 年为全年数")
        assert not [f for f in rules.check(new)
                    if f.kind == "carry_caution" and f.ids == ("funding_per_student",)]


def test_within_one_edition_nothing_is_questioned(report_2024, tmp_path):
    make_next(report_2024, tmp_path / "n.qreport")
    with Report.open(tmp_path / "n.qreport") as new:
        assert not [f for f in rules.check(new) if f.kind in ("carry_caution", "carry_gap")]


def test_a_sum_with_a_part_that_is_no_number_is_left_empty(sample_path, tmp_path):
    with Report.open(sample_path) as old:  # a value damaged by hand in the old file
        old.file.set_value("teachers_senior_deputy", 2021, "一百四十")
    result = make_next(sample_path, tmp_path / "n.qreport", edition="2024")
    assert any("高级职称专任教师数" in n and "其中有不是数字的值" in n for n in result.notes)
    with Report.open(tmp_path / "n.qreport") as new:
        assert ("teachers_senior", 2021) not in new.file.values()
