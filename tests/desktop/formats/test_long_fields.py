"""A single-line field longer than a page (a school name pasted thousands of times, a
heading of a whole paragraph's length) never breaks the PDF: refused at input with its
limit, and wrapped, split or cut short with a note when a file brings one anyway."""

from __future__ import annotations

import pytest

from db.store import ReportFile, ReportFileError
from desktop import assemble
from desktop.formats.pdf import write_pdf
from desktop.report import Report, field_problem

LONG = "聊城高级工程职业学校" * 300  # 3000 characters: pages of text on one line


def test_a_school_name_over_its_limit_is_refused_at_input(tmp_path):
    with pytest.raises(ReportFileError, match="学校名称最多 60 个字，现在是 61 个字"):
        Report.create(tmp_path / "r.qreport", "校" * 61, "2022", 2021)
    assert list(tmp_path.iterdir()) == []
    assert field_problem("school", "校" * 60) is None
    assert "只能写一行" in field_problem("filler", "张三\n李四")


@pytest.mark.parametrize("table_only", [False, True])
def test_a_file_that_brings_a_school_name_longer_than_a_page_still_prints(tmp_path, table_only):
    path = tmp_path / "r.qreport"
    ReportFile.create(path, {"school": LONG, "edition": "2022", "year": "2021"}).close()
    with Report.open(path) as report:
        doc = assemble.build(report)
    result = write_pdf(doc, tmp_path / "r.pdf", table_only=table_only)
    assert result.pages >= 1
    assert any("填报单位（盖章）过长（3000 个字）" in w for w in result.warnings)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_heading_longer_than_a_page_is_split_not_an_error(tmp_path):
    with Report.create(tmp_path / "r.qreport", "测试学校", "2022", 2021) as report:
        chapter = report.template.chapters[0].id
        root = report.file.chapter_root(chapter)
        report.file.add_section(root, "很长的标题" * 800)  # 4000 characters
        doc = assemble.build(report)
    result = write_pdf(doc, tmp_path / "r.pdf")
    assert result.pages > 3
