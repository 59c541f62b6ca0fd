"""Every relation an edition states ([[rule]] without a standard's basis), holding and broken,
each on a fresh report file; and each tested on the seed's two years."""

from __future__ import annotations

import pytest

from desktop import rules
from desktop import template as templates
from desktop.report import Report

RELATIONS = [
    (edition, index)
    for edition in templates.available()
    for index, rule in enumerate(templates.load(edition).rules)
    if not rule.basis
]

def _rule(edition: str, index: int):
    return templates.load(edition).rules[index]

def _write(report: Report, values: dict[str, int], year: int) -> None:
    report.file.set_values((i, year, str(v)) for i, v in values.items())

def _findings_of(report: Report, rule) -> list:
    return [f for f in rules.check(report) if rule.why in f.message]

def _sides(rule, left_each: int, right_total: int) -> dict[str, int]:
    """Values giving each left name `left_each` and the right side `right_total`."""
    assert rule.left.is_sum_of_names() and rule.right.is_sum_of_names(), rule.left.source
    values = {n: left_each for n in rule.left.names}
    values |= {n: 0 for n in rule.right.names}
    values[rule.right.names[0]] = right_total
    return values

@pytest.mark.parametrize(("edition", "index"), RELATIONS)
def test_relation_holding_gives_no_finding(tmp_path, edition, index):
    rule = _rule(edition, index)
    with Report.create(tmp_path / "r.qreport", "测试职业学校", edition, 2021) as report:
        total = 3 * len(rule.left.names)  # equal sides: every operator here accepts it
        _write(report, _sides(rule, 3, total), report.year)
        assert _findings_of(report, rule) == []

@pytest.mark.parametrize(("edition", "index"), RELATIONS)
def test_relation_broken_is_found(tmp_path, edition, index):
    rule = _rule(edition, index)
    with Report.create(tmp_path / "r.qreport", "测试职业学校", edition, 2021) as report:
        total = 3 * len(rule.left.names) - 1  # the parts exceed the whole by one
        _write(report, _sides(rule, 3, total), report.year)
        found = _findings_of(report, rule)
        assert len(found) == 1
        assert found[0].severity == rule.severity and found[0].year == report.year
        assert f"（{total + 1}）" in found[0].message and f"（{total}）" in found[0].message

def test_parts_are_judged_before_every_part_is_known(empty_report):
    """The seed's 2021: 1875 + 337 in enterprises, 741 + 173 went on to study, 2212 in all;
    升入本科 is still empty and the rule already knows 3126 > 2212."""
    _write(empty_report, {"employed": 2212, "employed_large": 1875, "employed_sme": 337,
                          "to_higher_vocational": 741, "further_other": 173}, 2021)
    found = [f for f in rules.check(empty_report) if "（2212）" in f.message]
    assert [f.message.split("。")[0] for f in found] == [
        "2021年：在规模以上企业就业人数＋在中小微企业就业人数＋升入高职高专院校人数＋"
        "其他升学人数(含留学、成人教育、自学考试)（3126）不应大于就业（含升学）人数（2212）"
    ]
    assert found[0].severity == "error"
    assert found[0].ids == ("employed_large", "employed_sme", "to_higher_vocational",
                            "further_other", "employed")

def test_the_seed_2020_employment_holds(empty_report):
    # 1385 + 215 in enterprises, 546 + 200 went on: 2346 ≤ 2364
    _write(empty_report, {"employed": 2364, "employed_large": 1385, "employed_sme": 215,
                          "to_higher_vocational": 546, "further_other": 200}, 2020)
    assert [f for f in rules.check(empty_report) if "（2364）" in f.message] == []

def test_each_relation_on_the_seed_two_years(sample_report):
    """Every relation holds in both published years but one: the 2021 graduates."""
    broken = []
    for rule in sample_report.template.rules:
        if rule.basis:
            continue
        for year in sample_report.years:
            if any(rule.why in f.message and f.year == year for f in rules.check(sample_report)):
                broken.append((rule.left.names[0], year))
    assert broken == [("employed_large", 2021)]

def test_a_part_that_does_not_apply_is_not_named(empty_report):
    _write(empty_report, {"employed": 100, "employed_large": 90, "employed_sme": 5,
                          "to_higher_vocational": 10, "further_other": 0}, 2021)
    empty_report.file.set_value("to_undergraduate", 2021, "-")
    found = [f for f in rules.check(empty_report) if "（100）" in f.message]
    assert len(found) == 1 and "升入本科院校人数" not in found[0].message
    assert "（105）" in found[0].message

def test_no_value_is_negative_so_partial_sums_bound_the_whole():
    # the partial-sum judgement relies on it: every numeric type refuses a minus sign
    edition = templates.load("2022")
    for ind in edition.indicators.values():
        if ind.type.kind in ("count", "decimal", "money", "percent"):
            with pytest.raises(ValueError):
                ind.type.parse("-5")
