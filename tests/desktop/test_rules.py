"""Each class of finding fires on constructed data and stays silent on consistent data."""

from __future__ import annotations

from desktop import rules

CONSISTENT_2021 = {
    "students": "9000", "teachers": "450", "staff": "600", "dual_teachers": "200",
    "student_teacher_ratio": "20:1", "graduates": "2000", "employed": "1900",
    "employed_large": "1000", "employed_sme": "500",
    "further_exam": "10", "further_single": "100", "further_3_4": "0", "further_3_2": "190",
    "further_exempt": "0", "to_undergraduate": "-", "to_higher_vocational": "300",
    "further_other": "20", "headteacher_studios": "3", "headteacher_studios_national": "0",
    "headteacher_studios_provincial": "1", "headteacher_studios_city": "2",
    "campus_area": "400000", "campus_area_per_student": "44.44",
    "building_area": "200000", "building_area_per_student": "22.22",
    "equipment_value": "5000", "equipment_per_student": "5555.56",
    "paper_books": "300000", "ideology_teachers": "30", "pe_teachers": "20", "art_teachers": "10",
    "teachers_senior_full": "10", "teachers_senior_deputy": "125", "teachers_master": "90",
    "senior_title_ratio": "30.00", "master_ratio": "20", "enrolment": "3000",
    "social_training": "100",
}


def fill(report, values: dict[str, str], year: int = 2021) -> None:
    report.file.set_values(
        (ind, year, report.parse(ind, year, text)) for ind, text in values.items()
    )


def judged(report):
    """The findings about the values and texts there are, without the list of what is empty."""
    return [f for f in rules.check(report) if rules.category_of(f) != "completeness"]


def kinds(findings, severity=None):
    return [f.kind for f in findings if severity is None or f.severity == severity]


def test_consistent_data_gives_no_finding(empty_report):
    fill(empty_report, CONSISTENT_2021)
    assert judged(empty_report) == []


def test_an_empty_report_only_lists_what_is_empty(empty_report):
    found = rules.check(empty_report)
    assert found and {f.category for f in found} == {"completeness"}
    assert {f.severity for f in found} == {"warning"}


def test_sub_row_larger_than_parent(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"headteacher_studios_city": "5"})
    found = [f for f in rules.check(empty_report) if f.kind == "children"]
    assert len(found) == 2  # the row itself, and the sum of the 其中 rows
    assert "地市级" in found[0].message and "（5）" in found[0].message
    assert found[0].indicators == ("地市级", "名班主任工作室数")
    assert found[0].year == 2021 and found[0].severity == "error"


def test_sum_of_sub_rows_larger_than_parent(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"headteacher_studios": "2"})
    found = [f for f in rules.check(empty_report) if f.kind == "children"]
    assert [f.message for f in found] == [
        "2021年：名班主任工作室数的其中项之和（国家级＋省级＋地市级 = 3）大于名班主任工作室数（2）。"
    ]


def test_parts_larger_than_whole(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"employed": "2100"})
    found = rules.check(empty_report)
    assert any(f.message.startswith("2021年：就业（含升学）人数（2100）不应大于毕业生总数（2000）")
               for f in found)


def test_identity_that_holds_in_well_kept_data(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"to_higher_vocational": "299"})
    found = [f for f in rules.check(empty_report) if "按升学途径" in f.message]
    assert len(found) == 1 and found[0].severity == "warning"
    # 升入本科院校人数 is "-": it adds nothing and is not named
    assert "（300）应等于升入高职高专院校人数（299）" in found[0].message


def test_derived_value_disagreeing_with_inputs(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"student_teacher_ratio": "16:1"})
    found = [f for f in rules.check(empty_report) if f.kind == "derived"]
    assert len(found) == 1
    assert found[0].message == (
        "2021年：生师比填报为 16:1，按全日制在校生数 9000、专任教师 450 计算应为 20:1。"
    )
    assert found[0].indicators[0] == "生师比"


def test_derived_value_is_filled_when_empty(empty_report):
    values = dict(CONSISTENT_2021)
    del values["student_teacher_ratio"], values["master_ratio"]
    fill(empty_report, values)
    shown = empty_report.shown()
    assert shown[("student_teacher_ratio", 2021)].value == "20:1"
    assert shown[("student_teacher_ratio", 2021)].derived
    assert shown[("master_ratio", 2021)].value == "20.00"
    assert judged(empty_report) == []
    filled = empty_report.fill_derived()
    assert ("student_teacher_ratio", 2021, "20:1") in filled
    assert empty_report.file.value("student_teacher_ratio", 2021) == "20:1"


def test_derived_is_not_checked_without_its_inputs(empty_report):
    fill(empty_report, {"student_teacher_ratio": "16:1", "students": "7948"})
    assert [f for f in rules.check(empty_report) if f.kind == "derived"] == []


def test_school_condition_standard_is_a_warning(empty_report):
    fill(empty_report, CONSISTENT_2021 | {"campus_area": "30000", "campus_area_per_student": "3.33"})
    found = [f for f in rules.check(empty_report) if "教职成〔2010〕12号" in f.message]
    assert {f.severity for f in found} == {"warning"}
    assert any("校园占地面积（30000）不应小于标准值（40000）" in f.message for f in found)
    assert any("生均校园占地面积（3.33）不应小于标准值（33）" in f.message for f in found)


def test_fixed_table_restating_another_value(sample_report):
    found = [f for f in rules.check(sample_report) if f.kind == "restated"]
    assert len(found) == 2
    assert found[0].table is not None


def test_free_table_total_and_restated_indicator(empty_report):
    fill(empty_report, CONSISTENT_2021)
    root = empty_report.file.chapter_root("service")
    table = empty_report.file.add_table(root, "free", "training",
                                        rows=[["甲", "60"], ["乙", "40"]], stated_total="100")
    assert judged(empty_report) == []
    empty_report.file.set_table_rows(table, [["甲", "60"], ["乙", "45"]])
    found = [f for f in rules.check(empty_report) if f.kind == "total"]
    assert [f.message for f in found] == [
        "表 7-1《本年度学校完成社会培训汇总表》的培训人数合计为 100，但各行相加为 105。",
        "2021年：表 7-1《本年度学校完成社会培训汇总表》的培训人数各行相加为 105，而年度社会培训人次为 100。",
    ]
    assert found[0].table == table


def test_bad_cell_in_a_free_table(empty_report):
    root = empty_report.file.chapter_root("service")
    empty_report.file.add_table(root, "free", "training", rows=[["甲", "约60"]])
    found = judged(empty_report)
    assert len(found) == 1 and found[0].kind == "table"
    assert "第 1 行" in found[0].message and "“约60”" in found[0].message


def test_damaged_stored_value_is_reported_not_crashed(empty_report):
    empty_report.file.set_value("students", 2021, "lots")  # bypassing parsing, as a bad tool might
    found = judged(empty_report)
    assert [f.kind for f in found] == ["value"]
    assert "“lots”" in found[0].message


def test_the_seed_contradictions_are_found_in_the_sample(sample_report):
    findings = rules.check(sample_report)
    messages = [f.message for f in findings if f.severity == "error"]
    # 7948 students / 465 teachers is 17.1, published 16:1
    assert any(m.startswith("2020年：生师比填报为 16:1") and "17:1" in m for m in messages)
    # 107 of 501 teachers is 21.36 %, published 21.56 (the text itself says 21.3 %)
    assert any(m.startswith("2021年：硕士研究生及以上学历专任教师占比填报为 21.56") for m in messages)
    # 表2-3 prints 0 national vocational contest awards where the data table has 9
    assert any("全国职业院校技能大赛学生获奖数”为 0，质量数据表中为 9" in m for m in messages)
    # 表7-1's rows add up to 20175, its total and the text say 18291
    assert any("合计为 18291，但各行相加为 20175" in m for m in messages)
    assert rules.check_json(findings).startswith("[")


def test_the_sample_has_nothing_spurious(sample_report):
    """Every finding on the sample is one of the seed's real problems, nothing else."""
    findings = rules.check(sample_report)
    expected_errors = {
        ("derived", 2020, "生师比"),
        ("derived", 2021, "硕士研究生及以上学历专任教师占比"),
        ("restated", 2021, "全国职业院校技能大赛学生获奖数"),
        ("restated", 2021, "升入本科院校人数"),  # 表2-3 prints 0 where the table has "-"
        ("total", 2021, None),  # 表3-1: total 9527, one row's count missing in the source
        ("total", 2021, "全日制在校生数"),
        ("total", 2021, None),  # 表7-1: total 18291, rows 20175
        ("total", 2021, "年度社会培训人次"),
        # 1875 + 337 in enterprises and 741 + 173 who went on to study: 3126 > 2212 就业（含升学）
        ("rule", 2021, "在规模以上企业就业人数"),
    }
    got_errors = {(f.kind, f.year or 2021, f.indicators[0] if f.indicators else None)
                  for f in findings if f.severity == "error"}
    assert got_errors == expected_errors
    assert sum(f.severity == "error" for f in findings) == 9
    warnings = [f for f in findings if rules.category_of(f) == "warning"]
    # below the national standard in both years: 生均校舍 18.2/18.76 < 20, 生均图书 24.5/21.5 < 30;
    # and the case runs past the notice's 1000 characters; the text says 21.3 % of teachers
    # hold a master's degree where the table says 21.56 % (see test_citations)
    expected = [
        (2021, "2021年：正文“专任教师硕士以上学历 107 人，占比 21.3%”"),
        (None, "案例共 2190 字（含标题），超过通知要求的 1000 字。"),
        (2020, "2020年：生均校舍建筑面积（18.2）不应小于标准值（20）。"),
        (2020, "2020年：生均纸质图书（24.53）不应小于标准值（30）。"),
        (2021, "2021年：生均校舍建筑面积（18.76）不应小于标准值（20）。"),
        (2021, "2021年：生均纸质图书（21.49）不应小于标准值（30）。"),
    ]
    assert len(warnings) == len(expected)
    for year, message in expected:
        assert any(f.year == year and f.message.startswith(message) for f in warnings), message
    plausible = [(f.kind, f.year, f.indicators) for f in findings
                 if rules.category_of(f) == "plausibility"]
    assert plausible == [
        # 48 → 121 through 对口单招: more than twice last year's
        ("change", 2021, ("通过对口单独招生升学人数",)),
        # 191 → 1151 certificates, six times last year's
        ("change", 2021, ("职业技能等级证书(含职业资格证书)获取人数",)),
        # 4643.02 → 2568.34 is explained by the sample's own note (eight months), so absent;
        # 98.4/98.5 in two unrelated rows
        ("copy", 2021, ("就业单位对毕业生职业素养的满意度", "合作企业接收学生实习比例")),
    ]
    # every value, every section is there
    assert not [f for f in findings if rules.category_of(f) == "completeness"]


def test_a_standard_applies_to_a_derived_value_nobody_typed(empty_report):
    fill(empty_report, {"students": "1000", "building_area": "10000", "equipment_value": "100"})
    found = [f.message for f in rules.check(empty_report)]
    assert any(m.startswith("2021年：生均校舍建筑面积（10）不应小于标准值（20）") for m in found)
    assert any(m.startswith("2021年：生均教学仪器设备值（1000）不应小于标准值（2500）") for m in found)


def test_a_damaged_table_total_is_reported_not_crashed(empty_report):
    from desktop import assemble

    root = empty_report.file.chapter_root("service")
    empty_report.file.add_table(root, "free", "training", rows=[["甲", "60"]], stated_total="约60")
    found = [f for f in rules.check(empty_report) if f.kind == "total"]
    assert [f.message for f in found] == ["表 7-1《本年度学校完成社会培训汇总表》的培训人数合计“约60”不是有效的整数。"]
    table = assemble.build(empty_report).tables[0]
    assert table.total[2].text == "约60"  # printed as it is


def test_not_applicable_is_not_judged_against_a_standard(empty_report):
    fill(empty_report, {"teachers": "-", "campus_area": "-", "students": "100"})
    messages = [f.message for f in judged(empty_report)]
    assert not any("专任教师" in m for m in messages)
    assert not any("校园占地面积" in m for m in messages)
    # while "-" still adds nothing to a sum that has real parts
    fill(empty_report, CONSISTENT_2021 | {"to_undergraduate": "-", "to_higher_vocational": "299"})
    assert any("按升学途径" in f.message for f in rules.check(empty_report))
