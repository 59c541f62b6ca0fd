"""A live value ⟦id@year⟧ counts and is found as what it prints, never as its marker
(case length, 查找)."""

from __future__ import annotations

from desktop import rules, search
from desktop.live import marker


def lengths(report):
    return [f for f in rules.check(report) if f.kind == "length"]


def test_a_case_is_as_long_as_it_prints(empty_report):
    empty_report.set_text("students", 2021, "9527")
    root = empty_report.file.chapter_root("case")
    titles = sum(len(s.title) for s in empty_report.file.sections("case"))
    # printed: 990 − titles characters and "9527" (4): within 1000; stored, the marker's
    # 15 characters would make it 1011 − …, over
    text = "案" * (996 - titles - 4) + marker("students", 2021)
    empty_report.file.set_section_text(root, text)
    assert len(text) + titles > 1000
    assert lengths(empty_report) == []
    empty_report.file.set_section_text(root, "案" * 10 + text)
    found = lengths(empty_report)
    assert len(found) == 1 and found[0].message.startswith("案例共 1006 字")


def test_find_sees_a_live_values_printed_text(empty_report):
    empty_report.set_text("students", 2021, "9527")
    root = empty_report.file.chapter_root("overview")
    empty_report.file.set_section_text(root, f"学校现有全日制在校生{marker('students', 2021)}人。")
    hits = search.search(empty_report, "在校生9527人")
    assert [h.section for h in hits] == [root]
    assert hits[0].label.endswith("学校现有全日制在校生9527人。")
    assert search.search(empty_report, "students@2021") == []
    # the value follows the data: the search finds the new value, not the old one
    empty_report.set_text("students", 2021, "9600")
    assert [h.section for h in search.search(empty_report, "9600")] == [root]
    assert search.search(empty_report, "9527") == []
