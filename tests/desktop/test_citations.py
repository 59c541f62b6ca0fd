"""Numbers in the text against the indicators they cite: every unit kind, agreeing and not,
with and without a named year and qualifiers; and the sample's findings exactly."""

from __future__ import annotations

import pytest

from desktop import citations, rules
from desktop.live import marker

VALUES = {
    2021: {"students": "9527", "staff": "663", "teachers": "501", "campus_area": "709.5亩",
           "building_area": "17.87万m²", "equipment_value": "10671.47", "paper_books": "204700",
           "teachers_master": "107", "master_ratio": "21.56", "social_training": "18291",
           "majors_count": "37"},
    2020: {"students": "7948"},
}


@pytest.fixture
def report(empty_report):
    for year, row in VALUES.items():
        empty_report.file.set_values(
            (ind, year, empty_report.parse(ind, year, text)) for ind, text in row.items())
    return empty_report


def cited(report, text: str) -> list[citations.CitationFinding]:
    """The citation findings of a report whose overview text is `text`."""
    root = report.file.chapter_root("overview")
    report.file.set_section_text(root, text)
    return [f for f in rules.check(report) if f.kind == "citation"]


@pytest.mark.parametrize("text", [
    "现有教职工 663 人，专任教师501人。",
    "占地面积709.5亩。",  # 亩 → m²
    "校园占地面积473000平方米。",
    "校舍建筑面积17.87万m²（其中在建面积18446.2m²）。",  # rounding the sentence shows
    "校舍建筑面积178700㎡。",
    "教学仪器设备总值10671.47万元。",
    "教学仪器设备总值1.07亿元。",
    "纸质图书20.47万册。",
    "纸质图书20万册。",  # truncated
    "纸质图书204700册。",
    "专任教师中硕士以上学历107人，占比21.5%。",  # 21.56 truncated
    "专任教师中硕士以上学历占比21.6%。",  # rounded
    "本年度完成社会培训1.83万人次。",
    "学校招生专业 37 个。",
    "在校生９５２７人。",  # full-width digits
    "2020年全日制在校生7948人。",  # the year the sentence names
    "上年在校生7948人，本年度在校生9527人。",
    "在校生近1万人。",  # approximate and not plainly false
    "在校生约9500人。",
    "在校生9500余人。",
    "在校生超过9000人。",
    "在校生9000人以上。",
])
def test_agreeing_sentences_are_not_flagged(report, text):
    assert cited(report, text) == []


@pytest.mark.parametrize(("text", "indicator", "year", "stated"), [
    ("现有教职工 665 人，专任教师501人。", "staff", 2021, "665 人"),
    ("占地面积719.5亩。", "campus_area", 2021, "719.5亩"),
    ("校园占地面积470000平方米。", "campus_area", 2021, "470000平方米"),
    ("校舍建筑面积17.78万m²。", "building_area", 2021, "17.78万m²"),
    ("教学仪器设备总值10761.47万元。", "equipment_value", 2021, "10761.47万元"),
    ("教学仪器设备总值1.2亿元。", "equipment_value", 2021, "1.2亿元"),
    ("纸质图书21万册。", "paper_books", 2021, "21万册"),  # neither rounded nor truncated
    ("专任教师中硕士以上学历107人，占比21.3%。", "master_ratio", 2021, "21.3%"),
    ("本年度完成社会培训1.93万人次。", "social_training", 2021, "1.93万人次"),
    ("学校招生专业 39 个。", "majors_count", 2021, "39 个"),
    ("在校生９５２８人。", "students", 2021, "９５２８人"),
    ("2020年全日制在校生9527人。", "students", 2020, "9527人"),  # 9527 is 2021's
    ("上年在校生9527人。", "students", 2020, "9527人"),
    ("在校生超过1万人。", "students", 2021, "1万人"),  # plainly false
    ("在校生9600余人。", "students", 2021, "9600余人"),
    ("在校生约5000人。", "students", 2021, "5000人"),
    ("在校生不足9000人。", "students", 2021, "9000人"),
])
def test_disagreeing_sentences_are_flagged(report, text, indicator, year, stated):
    [finding] = cited(report, text)
    assert finding.ids == (indicator,)
    assert finding.year == year
    assert finding.severity == "warning"
    name = report.template.indicators[indicator].name
    assert name in finding.message and stated in finding.message
    # the number is where the finding says, so the editor can select it
    assert text[finding.offset:finding.offset + finding.length] == stated


def test_a_finding_quotes_the_clause_and_names_both_numbers(report):
    [finding] = cited(report, "学校现有教职工 665 人，专任教师501人。")
    assert finding.message == (
        "2021年：正文“学校现有教职工 665 人”（学校概况）中教职员工总数为 665 人，"
        "与数据 663 人 不符。")
    assert finding.section == report.file.chapter_root("overview")


@pytest.mark.parametrize("text", [
    "聊城市职业技能公共实训基地总建筑面积 17200 平方米。",  # not the 校舍建筑面积
    "在校生中有 30 人获奖。",  # the number is not the citing word's
    "在校生增加 500 人。",
    "教职工和专任教师分别为 600 人、400 人。",
    "专任教师中正高级职称 12 人。",  # the nearest citing word is a fact with no value
    "在校生由 7000 人增至 9527 人。",
    "2019年在校生 6000 人。",  # no value for 2019
    "双师型教师达 73.04%。",  # a count cited with a percent: no such indicator
    "在校生" + "已有" * 40 + "100人。",  # far from its citing word (and no runaway matching)
])
def test_sentences_that_cite_nothing_they_contradict(report, text):
    assert cited(report, text) == []


def test_live_values_are_never_flagged(report):
    text = f"在校生{marker('students', 2020)}人，专任教师{marker('teachers', 2021)}人。"
    assert cited(report, text) == []
    # the text around a live value is still checked, at offsets of the text as shown
    [finding] = cited(report, f"在校生{marker('students', 2021)}人，教职工 600 人。")
    shown = "在校生9527人，教职工 600 人。"
    assert shown[finding.offset:finding.offset + finding.length] == "600 人"


def test_sections_and_cases_are_checked(report):
    case_root = report.file.chapter_root("case")
    section = report.file.add_section(case_root, "成效")
    report.file.set_section_text(section, "目前在校生 9000 人。")
    [finding] = [f for f in rules.check(report) if f.kind == "citation"]
    assert finding.section == section and "成效" in finding.message


def test_the_sample_findings_are_exactly_the_real_disagreements(sample_report):
    found = [f for f in rules.check(sample_report) if f.kind == "citation"]
    assert [(f.ids, f.year, f.stated) for f in found] == [
        # 教师发展 · 人才引进: 107 / 501 is 21.36 %, the data table says 21.56 %
        (("master_ratio",), 2021, "21.3%"),
    ]
    section = sample_report.file.section(found[0].section)
    assert section.text[found[0].offset:found[0].offset + found[0].length] == "21.3%"


def test_the_2024_edition_declares_its_citing_words(tmp_path):
    from desktop.report import Report

    with Report.create(tmp_path / "r.qreport", "测试职业学校", "2024", 2024) as report:
        year = report.year
        for ind, text in {"students": "1200", "dual_teacher_ratio": "52.5", "dual_teachers": "80",
                          "campus_area": "50000"}.items():
            report.set_text(ind, year, text)
        chapter = report.template.chapters[1].id
        report.file.set_section_text(
            report.file.chapter_root(chapter),
            "在校生 1300 人，“双师型”教师 80 人，“双师型”教师占比 52.5%，占地面积75亩。")
        found = [f for f in rules.check(report) if f.kind == "citation"]
        assert [(f.ids, f.stated) for f in found] == [(("students",), "1300 人")]


# ------------------------------------------------------------ 人 and 人次 (issue 14)
def test_people_written_for_attendances_is_said_even_when_the_digits_agree(report):
    found = cited(report, "本年度完成社会培训18291人。")
    assert [(f.ids, f.year, f.stated) for f in found] == [(("social_training",), 2021, "18291人")]
    assert "而数据以“人次”计（18291 人次）" in found[0].message and "人数与人次不同" in found[0].message


def test_attendances_written_for_people_is_said(report):
    found = cited(report, "现有教职工 663 人次。")
    assert [(f.ids, f.stated) for f in found] == [(("staff",), "663 人次")]
    assert "而数据以“人”计" in found[0].message


def test_units_come_from_the_one_table_in_values():
    from desktop import values

    assert values.measure("人") != values.measure("人次")
    assert values.measure("万m²") == ("area", 10000) and values.measure("㎡") == ("area", 1)
    assert values.ValueType("count", "人次").unit_factor("人") is None  # never converted
    assert values.ValueType("count", "人次").unit_factor("万人次") == 10000
    assert not hasattr(citations, "_UNITS")
