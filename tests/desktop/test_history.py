from desktop import history, importer
from tests.desktop.test_importer import hand_made


def test_changes_are_described_in_the_users_words(sample_report, tmp_path):
    sample_report.set_text("students", 2021, "9600")
    section = sample_report.file.sections("students")[1]
    sample_report.file.set_section_text(section.id, "新的正文")
    sample_report.file.set_meta("filler", "张老师")
    book = hand_made(tmp_path / "人事处.xlsx", [("39", "专任教师", "人", "465", "502")])
    importer.apply(sample_report, importer.plan_import(sample_report, book))
    newest = history.entries(sample_report, 4)
    assert [(e.what, e.old, e.new, e.source) for e in newest] == [
        ("专任教师（2021年）", "501", "502", "从 人事处.xlsx 导入"),
        ("填报人", "", "张老师", "录入"),
        (f"正文：{section.title}", newest[2].old, "新的正文", "录入"),
        ("全日制在校生数（2021年）", "9527", "9600", "录入"),
    ]
    assert newest[2].old.endswith("…") and len(newest[2].old) == 40
    assert newest[0].at[:4].isdigit() and "T" not in newest[0].at


def test_what_the_program_keeps_for_itself_is_said_not_dumped(sample_path, tmp_path):
    """Next year's report records its 待更新 sections as JSON: 修改记录 says how many."""
    import re

    from desktop import drafts
    from desktop.next_year import make_next
    from desktop.report import Report

    target = tmp_path / "next.qreport"
    make_next(sample_path, target)
    with Report.open(target) as report:
        (entry,) = [e for e in history.entries(report, 1000) if e.what == "沿用上一年度的小节"]
        assert re.fullmatch(r"\d+ 个小节待更新", entry.new), entry.new
        assert int(entry.new.split()[0]) == len(drafts.pending(report)) > 0
