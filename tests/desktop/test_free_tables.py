"""A free table's sums, read once: the print, `check` and the editor agree on them."""

from __future__ import annotations

from decimal import Decimal

from desktop import assemble, template
from desktop.free_tables import read_rows

MAJORS = template.load("2022").free_tables["majors"]
ROWS = [["机电系", "数控技术", "１,２００"], ["信息系", "软件", ""], ["信息系", "动漫", "三百"],
        ["商贸系", "电商", "800人"]]


def test_numbers_are_parsed_and_summed_once():
    read = read_rows(MAJORS, ROWS)
    assert read.numbers == {(0, 2): "1200", (3, 2): "800"}
    assert list(read.refused) == [(2, 2)]
    assert read.sums[2].total == Decimal(2000) and read.sums[2].empty == 1
    assert set(read.sums) == {2}  # text columns are not summed


def test_the_printed_total_is_the_sum_read():
    table = assemble.free_table(MAJORS, ROWS, "表 1-1")
    assert table.total[3].text == "2000"
    assert [row[3].text for row in table.rows] == ["1200", "", "三百", "800"]  # refused text as typed


def test_check_names_the_refused_cell_and_uses_the_same_sum(empty_report):
    from desktop import rules

    file = empty_report.file
    chapter = next(c for c in empty_report.template.chapters if "majors" in c.free_tables)
    file.add_table(file.chapter_root(chapter.id), "free", "majors", rows=ROWS)
    file.set_value("students", empty_report.year, "2100")
    messages = [f.message for f in rules.check(empty_report)]
    assert any("第 3 行" in m and "在校生数" in m for m in messages)
    assert any("各行相加为 2000（另有 1 行未填）" in m and "2100" in m for m in messages)
