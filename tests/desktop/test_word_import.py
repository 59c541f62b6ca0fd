"""Importing Word reports: documents built the way schools make them, our own export back.

Each imported report is printed to PDF and read with pdftotext: the headings in order, the
paragraphs, the figure and table captions and the values must be there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as Docx

from desktop import assemble, backups
from desktop.cli import main
from desktop.document import Figure, Table
from desktop.formats.docx_write import write_docx
from desktop.formats.pdf import write_pdf
from desktop.report import Report
from desktop.word_import import (
    WordImportRefused,
    apply_word_import,
    clean_paragraphs,
    plan_word_import,
    unwrite,
    write,
)
from tests.desktop import word_docs


def pdf_text(report: Report, tmp_path: Path) -> str:
    out = tmp_path / "imported.pdf"
    write_pdf(assemble.build(report), out)
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


def in_order(text: str, parts: list[str]) -> bool:
    at = 0
    for part in parts:
        found = text.find(re.sub(r"\s+", "", part), at)
        assert found >= 0, f"“{part}” not found after “{text[max(0, at - 20):at]}”"
        at = found
    return True


@pytest.fixture
def new_report(tmp_path):
    with Report.create(tmp_path / "new.qreport", word_docs.SCHOOL, "2022", 2021) as report:
        yield report


def outline(report: Report, chapter: str) -> list[tuple[str, str]]:
    return [(s.title, s.text) for s in report.file.sections(chapter)]


def test_a_report_with_heading_styles(new_report, tmp_path):
    plan = plan_word_import(new_report, word_docs.styled(tmp_path / "styled.docx"))
    assert plan.ok, plan.problems()
    assert [pc.chapter.id for pc in plan.chapters] == ["overview", "students", "teaching"]
    preview = plan.preview()
    assert preview[0] == "一、学校概况 → 学校概况：2 段，0 张表，0 幅图"
    assert "  立德树人，打造三全育人学校：2 段，0 张表，0 幅图" in preview
    apply_word_import(new_report, plan)
    assert outline(new_report, "students") == [
        ("", "学校坚持立德树人。"),
        ("立德树人，打造三全育人学校", "学校党委把思想政治工作贯穿教育教学全过程。"),
        ("党建引领，全力提升教育质量", "以党建带团建。"),
        ("技能大赛成绩突出", "本年度学生在技能大赛中获奖如下。\n获奖数量比上年增加。"),
    ]
    (table,) = [t for t in new_report.file.tables() if t.kind == "free"]
    assert (table.ref, table.rows, table.after) == (
        "skill_awards", (("汽车维修", "一等奖"), ("电子商务", "二等奖")), 1)
    text = pdf_text(new_report, tmp_path)
    assert in_order(text, ["一、学校概况", "学校始建于1958年", "二、学生发展", "（一）立德树人，打造三全育人学校",
                           "1.党建引领，全力提升教育质量", "（二）技能大赛成绩突出",
                           "表2-1学生参加技能大赛部分省级及以上获奖情况统计表", "汽车维修", "一等奖",
                           "获奖数量比上年增加", "三、教学改革", "质量数据表", "思想政治课专任教师数"])
    values = new_report.file.values()
    ind = next(i for i in new_report.template.indicators.values() if i.name == "思想政治课专任教师数")
    assert (values[(ind.id, 2020)], values[(ind.id, 2021)]) == ("48", "54")
    for _seq, name, _unit, _old, _new in word_docs.DATA_ROWS:
        assert re.sub(r"^其中：", "", name) in text
    assert in_order(text, ["思想政治课专任教师数", "人", "48", "54", "德育管理人员数", "人", "90", "101"])


def test_a_report_without_heading_styles(new_report, tmp_path):
    path = word_docs.unstyled(tmp_path / "unstyled.docx")
    plan = plan_word_import(new_report, path)
    assert plan.ok, plan.problems()
    assert [pc.heading for pc in plan.chapters] == ["一、学校概况", "二、学生发展", "三、教学改革"]
    assert any("第一章之前" in n for n in plan.notes)  # the cover and the 目录 are left out
    apply_word_import(new_report, plan)
    # soft line breaks inside a sentence joined, after a sentence they end the paragraph;
    # the two full-width spaces typed at the start are gone
    assert outline(new_report, "overview") == [
        ("", "学校始建于1958年，位于聊城市高新区。\n现有在校生9527人。"),
        ("办学条件", "学校占地709.5亩。"),
    ]
    students = outline(new_report, "students")
    assert students[1][0] == "党建引领，全力提升教育质量"  # a bold lead-in became the heading
    assert students[1][1].startswith("学校以党建带团建，全面加强思想政治工作")
    (figure,) = new_report.file.figures()
    assert figure.caption == "学校举行的部分思政教育活动"
    assert [p.caption for p in figure.photos] == ["4月30日，三全育人综合改革现场会", "11月27日，宣讲会"]
    tables = {t.kind: t for t in new_report.file.tables()}
    assert tables["plain"].caption == "学生社团一览表"
    assert tables["plain"].rows[0] == ("社团名称", "成立时间", "人数")
    assert (tables["free"].ref, tables["free"].stated_total) == ("majors", None)  # 合计 = the rows' sum
    text = pdf_text(new_report, tmp_path)
    assert in_order(text, [
        "一、学校概况", "学校始建于1958年，位于聊城市高新区。", "（一）办学条件", "二、学生发展",
        # the document has no （一） above it: qreport numbers it as its first section
        "（一）党建引领，全力提升教育质量", "学校以党建带团建", "4月30日，三全育人综合改革现场会",
        "图2-1学校举行的部分思政教育活动", "表2-1学生社团一览表", "书法社", "三、教学改革",
        "表3-1学校专业设置及在校生情况一览表", "数控技术应用", "300", "合计", "500", "质量数据表",
        "名班主任工作室数", "2", "3", "其中：国家级"])


def test_our_own_docx_comes_back_the_same(sample_report, tmp_path):
    before = assemble.build(sample_report)
    path = tmp_path / "sample.docx"
    write_docx(before, path)
    with Report.create(tmp_path / "back.qreport", sample_report.school, "2022",
                       sample_report.year) as report:
        meta = sample_report.file.meta()
        for key in ("report_date",):
            report.file.set_meta(key, meta.get(key, ""))
        plan = plan_word_import(report, path)
        assert plan.ok, plan.problems()
        apply_word_import(report, plan)
        after = assemble.build(report)
    assert flat(after) == flat(before)
    assert [[c.text for c in r.cells] for r in after.data_table.rows] == \
        [[c.text for c in r.cells] for r in before.data_table.rows]


def test_importing_our_docx_into_its_own_report_changes_nothing(sample_path, tmp_path, capsys):
    with Report.open(sample_path) as report:
        before = assemble.build(report)
    path = tmp_path / "sample.docx"
    write_docx(before, path)
    assert main(["import", str(sample_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "一、学校概况 → 学校概况" in out and "数值：将更新 0 个" in out
    with Report.open(sample_path) as report:
        assert flat(assemble.build(report)) == flat(before)
        assert backups.list_backups(sample_path)  # a backup was made first


def test_dry_run_previews_and_writes_nothing(sample_path, tmp_path, capsys):
    path = word_docs.unstyled(tmp_path / "u.docx")
    with Report.open(sample_path) as report:
        before = flat(assemble.build(report))
    assert main(["import", str(sample_path), str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "二、学生发展 → 学生发展：4 段，1 张表，1 幅图" in out
    assert "（试运行：未写入任何内容）" in out
    with Report.open(sample_path) as report:
        assert flat(assemble.build(report)) == before


def test_chapters_not_in_the_document_stay(sample_report, tmp_path):
    plan = plan_word_import(sample_report, word_docs.styled(tmp_path / "s.docx"))
    policy = outline(sample_report, "policy")
    apply_word_import(sample_report, plan)
    assert outline(sample_report, "policy") == policy  # 五、政策保障 is not in the document
    assert outline(sample_report, "overview")[0][1].startswith("学校始建于1958年")


def test_undo_puts_the_chapters_and_values_back(sample_report, tmp_path):
    before = flat(assemble.build(sample_report))
    values = sample_report.file.values()
    plan = plan_word_import(sample_report, word_docs.unstyled(tmp_path / "u.docx"))
    written = write(sample_report, plan)
    assert flat(assemble.build(sample_report)) != before
    unwrite(sample_report, written, "undo")
    assert flat(assemble.build(sample_report)) == before
    assert sample_report.file.values() == values


def test_a_wrong_value_refuses_the_whole_import(sample_report, tmp_path):
    doc = Docx(str(word_docs.styled(tmp_path / "s.docx")))
    doc.tables[-1].cell(1, 4).text = "五十四"
    path = tmp_path / "bad.docx"
    doc.save(path)
    before = flat(assemble.build(sample_report))
    plan = plan_word_import(sample_report, path)
    assert not plan.ok
    assert any("思想政治课专任教师数" in p and "五十四" in p for p in plan.problems())
    with pytest.raises(WordImportRefused):
        apply_word_import(sample_report, plan)
    assert flat(assemble.build(sample_report)) == before


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "不是有效的 Word 文档"),
    (b"PK\x03\x04broken", "不是有效的 Word 文档"),
])
def test_damaged_files_are_refused_with_a_sentence(sample_path, tmp_path, capsys, content, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    assert main(["import", str(sample_path), str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_old_doc_goes_through_libreoffice(sample_path, tmp_path, capsys):
    source = word_docs.styled(tmp_path / "s.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/p",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=240)
    assert main(["import", str(sample_path), str(tmp_path / "s.doc"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "一、学校概况 → 学校概况" in out and "LibreOffice" in out


def test_without_libreoffice_a_doc_is_refused_with_advice(sample_path, tmp_path, capsys, monkeypatch):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["import", str(sample_path), str(tmp_path / "old.doc")]) == 2
    assert "另存为” .docx" in capsys.readouterr().err


def test_soft_breaks_and_full_width_spaces():
    assert clean_paragraphs("\u3000\u3000第一行没有\n写完。第二句\n\n\t另起一段") == [
        "第一行没有写完。第二句", "另起一段"]
    assert clean_paragraphs("第一句。\n第二句。") == ["第一句。", "第二句。"]
    assert clean_paragraphs("Python\nscript") == ["Python script"]


# ----------------------------------------------------------------------------- helpers
def flat(doc) -> list:
    """Outline, text, tables and figures of an assembled document, comparable."""
    out = []

    def blocks(items):
        for x in items:
            if isinstance(x, str):
                out.append(("P", x))
            elif isinstance(x, Table):
                out.append(("T", x.number, x.caption, tuple(c.name for c in x.columns),
                            tuple(tuple(c.text for c in r) for r in x.rows),
                            x.total and tuple(c.text for c in x.total)))
            elif isinstance(x, Figure):
                out.append(("F", x.number, x.caption, tuple(p.caption for p in x.photos)))

    def sections(items):
        for s in items:
            out.append(("H", s.heading))
            blocks(s.body)
            sections(s.sections)

    for c in doc.chapters:
        out.append(("C", c.heading))
        blocks(c.body)
        sections(c.sections)
    for t in doc.data_tables:
        out.append(("D", t.title, tuple((r.label, tuple(c.text for c in r.cells)) for r in t.rows)))
    return out


def test_a_fixed_table_printing_another_value_is_kept_as_printed(sample_report, tmp_path):
    """表1-1 says one number, the 质量数据表 another: both kept, `check` names it."""
    from desktop import rules

    doc = assemble.build(sample_report)
    path = tmp_path / "s.docx"
    write_docx(doc, path)
    d = Docx(str(path))
    fixed = next(t for t in d.tables if t.rows[0].cells[1].text == "指标" and len(t.columns) == 4)
    label = fixed.rows[1].cells[1].text
    fixed.rows[1].cells[3].text = "1"
    d.save(path)
    plan = plan_word_import(sample_report, path)
    assert plan.ok, plan.problems()
    assert [(s.value, s.year) for s in plan.stated] == [("1", sample_report.year)]
    apply_word_import(sample_report, plan)
    (stated,) = [(k, v) for k, v in sample_report.file.stated().items() if k[0] == plan.stated[0].table]
    assert stated[1] == "1"
    messages = [f.message for f in rules.check(sample_report)]
    assert any(label.split("（")[0] in m and "1" in m for m in messages)


def test_a_typed_toc_and_a_case_inside_a_chapter(new_report, tmp_path):
    """目录 typed without dots (WPS), 案例2-1 inside a chapter: neither is a chapter."""
    doc = Docx()
    doc.add_paragraph("目录")
    doc.add_paragraph("一、学校概况  1")
    doc.add_paragraph("二、学生发展\t3")
    doc.add_paragraph().add_run("一、学校概况").bold = True
    doc.add_paragraph("学校概况正文。")
    doc.add_paragraph().add_run("二、学生发展").bold = True
    doc.add_paragraph("学生发展正文。")
    doc.add_paragraph().add_run("案例2-1 订单班培养").bold = True
    doc.add_paragraph("案例正文。")
    path = tmp_path / "t.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    assert plan.ok, plan.problems()
    assert [pc.heading for pc in plan.chapters] == ["一、学校概况", "二、学生发展"]
    students = plan.chapters[1].root
    assert [s.title for s in students.sections] == ["案例2-1 订单班培养"]
    assert students.sections[0].paragraphs == ["案例正文。"]


def test_a_document_with_nothing_to_import(sample_path, tmp_path, capsys):
    path = tmp_path / "空.docx"
    Docx().save(path)
    assert main(["import", str(sample_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "没有找到可以导入的章节或数值" in out and "已导入" not in out
    assert not backups.list_backups(sample_path)


def test_a_picture_that_is_no_photo_is_said_not_dropped_silently(new_report, tmp_path):
    """A picture Pillow cannot read (an EMF chart, a damaged photo): left out, and said."""
    import io
    import zipfile

    doc = Docx()
    doc.add_paragraph().add_run("一、学校概况").bold = True
    doc.add_paragraph("正文。")
    doc.add_paragraph().add_run().add_picture(io.BytesIO(word_docs.photo((1, 2, 3))))
    doc.add_paragraph("图 1-1 校园")
    good = tmp_path / "good.docx"
    doc.save(good)
    path = tmp_path / "p.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data[:40] if info.filename.startswith("word/media/") else data)
    plan = plan_word_import(new_report, path)
    assert plan.ok
    assert plan.chapters[0].root.figures == []
    assert any("图“校园”的第 1 张图片" in n for n in plan.notes)


def test_headings_as_schools_type_them(new_report, tmp_path):
    """Bold headings with a full stop, unnumbered bold lines (Word numbered them itself) as
    siblings, and a short numbered list item that is text, not a heading."""
    doc = Docx()
    doc.add_paragraph().add_run("二、学生发展").bold = True
    doc.add_paragraph().add_run("（一）立德树人。").bold = True
    doc.add_paragraph("学校坚持立德树人。")
    doc.add_paragraph().add_run("思政课程").bold = True
    doc.add_paragraph("开齐开足思政课。")
    doc.add_paragraph().add_run("课程思政").bold = True
    doc.add_paragraph("专业课融入思政元素。")
    doc.add_paragraph("开设的专业有：")
    doc.add_paragraph("1.数控技术应用")
    path = tmp_path / "h.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    root = plan.chapters[0].root
    (first,) = root.sections
    assert first.title == "立德树人"
    assert [s.title for s in first.sections] == ["思政课程", "课程思政"]
    assert first.sections[1].paragraphs == ["专业课融入思政元素。", "开设的专业有：", "1.数控技术应用"]


def test_a_2024_report_typed_without_styles(tmp_path):
    """The 2024年度 numbering: 1 基本情况 / 1.1 学校概况, bold, no heading styles."""
    with Report.create(tmp_path / "r.qreport", "测试学校", "2024", 2026) as report:
        doc = Docx()
        doc.add_paragraph().add_run("1 基本情况").bold = True
        doc.add_paragraph().add_run("1.1 学校概况").bold = True
        doc.add_paragraph("学校始建于1958年。")
        doc.add_paragraph().add_run("2 人才培养").bold = True
        doc.add_paragraph("12 个专业面向区域产业。")
        path = tmp_path / "r.docx"
        doc.save(path)
        plan = plan_word_import(report, path)
        titles = [(pc.chapter.title, [s.title for s in pc.root.sections]) for pc in plan.chapters]
        assert titles == [("基本情况", ["学校概况"]), ("人才培养", [])]
        assert plan.chapters[1].root.paragraphs == ["12 个专业面向区域产业。"]


def test_a_zip_bomb_is_refused_before_parsing(sample_path, tmp_path, capsys):
    import zipfile

    good = word_docs.styled(tmp_path / "s.docx")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        out.writestr("word/media/huge.bin", b"\0" * (8 * 1024 * 1024))  # ~8 KB packed
    assert main(["import", str(sample_path), str(bomb)]) == 2
    assert "压缩炸弹" in capsys.readouterr().err


def test_last_years_report_brings_its_years_along(tmp_path):
    """Last year's .docx imported into this year's report: both of its years are kept."""
    with Report.create(tmp_path / "r.qreport", word_docs.SCHOOL, "2022", 2022) as report:
        plan = plan_word_import(report, word_docs.styled(tmp_path / "s.docx"))
        assert plan.ok, plan.problems()
        assert any("2020" in n and "一并导入" in n for n in plan.notes)
        apply_word_import(report, plan)
        ind = next(i for i in report.template.indicators.values() if i.name == "德育管理人员数")
        assert (report.file.value(ind.id, 2020), report.file.value(ind.id, 2021)) == ("90", "101")


def test_a_chapter_typed_without_its_chapter_heading_is_explained(sample_path, tmp_path, capsys):
    # 做法 is a section of the case chapter's outline and 就业质量 one of 学生发展's: which
    # chapter this is, nothing says; the import refuses as before
    doc = Docx()
    doc.add_paragraph().add_run("（一）做法").bold = True
    doc.add_paragraph("学校坚持立德树人。")
    doc.add_paragraph().add_run("（二）就业质量").bold = True
    doc.add_paragraph("毕业生就业率保持高位。")
    path = tmp_path / "部门.docx"
    doc.save(path)
    assert main(["import", str(sample_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "没有与本版章节对应的章标题（如“一、学校概况”）" in out
    assert "没有找到可以导入的章节或数值" in out


def test_a_department_chapter_whose_sections_only_one_chapter_has(new_report, tmp_path):
    """No chapter heading, but its section headings are 学生发展's own (the edition's
    outline): imported as that chapter, and said."""
    doc = Docx()
    doc.add_paragraph().add_run("（一）在校体验").bold = True
    doc.add_paragraph("　　学生满意度稳步提升。")
    doc.add_paragraph().add_run("（二）就业质量").bold = True
    doc.add_paragraph("　　毕业生就业率保持高位。")
    path = tmp_path / "学生工作处.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    assert plan.ok, plan.problems()
    assert plan.notes[0].startswith("文档没有章标题；其中的小节标题“在校体验”、“就业质量”只见于“学生发展”一章，"
                                    "已作为该章导入")
    apply_word_import(new_report, plan)
    assert outline(new_report, "students")[1:] == [("在校体验", "学生满意度稳步提升。"),
                                                  ("就业质量", "毕业生就业率保持高位。")]


def _chapters_doc(path, middle: str):
    doc = Docx()
    for heading, text in (("一、学校概况", "学校始建于1958年。"), ("二、学生发展", "学生全面发展。"),
                          (middle, "教学改革稳步推进。"), ("四、教师发展", "师资队伍不断壮大。")):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(text)
    doc.save(path)
    return path


def test_the_only_text_between_two_chapters_is_the_chapter_missing_there(new_report, tmp_path):
    # 三、教学工作 names no chapter, but between 学生发展 and 教师发展 the edition has only
    # 教学改革, which the document lacks
    plan = plan_word_import(new_report, _chapters_doc(tmp_path / "r.docx", "三、教学工作"))
    assert plan.ok, plan.problems()
    assert [pc.chapter.id for pc in plan.chapters] == ["overview", "students", "teaching", "teachers"]
    assert any(n.startswith("“三、教学工作”不是本版的章标题，但它位于“学生发展”与下一章之间，本版在此只有"
                            "“教学改革”一章而文档中没有：已作为“教学改革”导入") for n in plan.notes)
    apply_word_import(new_report, plan)
    assert new_report.file.sections("teaching")[0].text == "教学改革稳步推进。"


def test_text_whose_place_says_nothing_is_still_left_out(new_report, tmp_path):
    # after the last chapter found: the edition has several chapters there, and 附件 is none
    doc = Docx()
    for heading, text in (("一、学校概况", "学校始建于1958年。"), ("二、附件", "张三 一等奖。")):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(text)
    path = tmp_path / "r.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    assert [pc.chapter.id for pc in plan.chapters] == ["overview"]
    assert "“二、附件”不是本版报告的章节，其下 1 段未导入。" in plan.notes


def test_an_empty_earlier_year_column_is_not_announced(tmp_path):
    """A first-year report's .docx has an empty previous-year column: importing it into next
    year's report must not say that year's data "will be imported too"."""
    with Report.create(tmp_path / "last.qreport", word_docs.SCHOOL, "2024", 2024) as last:
        last.set_text("graduates", 2024, "2245")
        docx = tmp_path / "last.docx"
        write_docx(assemble.build(last), docx)
    with Report.create(tmp_path / "r.qreport", word_docs.SCHOOL, "2024", 2025) as report:
        plan = plan_word_import(report, docx)
        assert plan.ok, plan.problems()
        assert not any("2023" in n for n in plan.notes), plan.notes
        apply_word_import(report, plan)
        assert report.file.value("graduates", 2024) == "2245"
        assert report.file.value("graduates", 2023) is None


def test_a_refused_table_row_names_its_table(sample_report, tmp_path):
    # the 2022 sample's .docx into a 2024年度 report: rows of its tables the edition does not
    # have are refused, each naming the table it sits in (not a bare " 第 2 行")
    import copy

    from docx import Document

    docx = tmp_path / "2022.docx"
    write_docx(assemble.build(sample_report), docx)
    doc = Document(docx)  # a row no edition has, in the sample's 办学条件 table
    table = next(t for t in doc.tables if any("年生均财政拨款" in c.text for c in t.columns[1].cells))
    row = copy.deepcopy(table.rows[-1]._tr)
    table._tbl.append(row)
    table.rows[-1].cells[1].paragraphs[0].runs[0].text = "校友捐赠额"
    doc.save(docx)
    with Report.create(tmp_path / "r.qreport", word_docs.SCHOOL, "2024", 2024) as report:
        problems = plan_word_import(report, docx).problems()
    assert problems and all(not p.startswith(" ") for p in problems)
    assert any(p.startswith("《") and "校友捐赠额" in p and "不是本版报告的指标" in p
               for p in problems), problems


def _text_box(paragraph, text: str) -> None:
    """A Word 2010 text box (wps:txbx) with its VML fallback copy, as Word saves one."""
    from docx.oxml import parse_xml

    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    paragraph._p.append(parse_xml(
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="9" name="box"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))


def test_text_in_a_text_box_is_imported_once(new_report, tmp_path):
    """A 案例 framed in a text box is part of the chapter, not a cover decoration."""
    doc = Docx()
    doc.add_paragraph().add_run("一、学校概况").bold = True
    _text_box(doc.add_paragraph("学校概况正文。"), "案例：文本框里的订单班。")
    doc.add_paragraph("其后的正文。")
    path = tmp_path / "t.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    assert plan.ok, plan.problems()
    assert plan.chapters[0].root.paragraphs == ["学校概况正文。", "案例：文本框里的订单班。", "其后的正文。"]





def test_a_row_no_indicator_names_its_table(sample_report, tmp_path):
    """A row the edition does not know is named with the table it sits in, as a cell is."""
    doc = Docx(str(word_docs.styled(tmp_path / "s.docx")))
    row = doc.tables[-1].add_row()
    for cell, text in zip(row.cells, ("9", "外星访客人数", "人", "1", "2"), strict=True):
        cell.text = text
    path = tmp_path / "odd.docx"
    doc.save(path)
    plan = plan_word_import(sample_report, path)
    [problem] = [p for p in plan.problems() if "外星访客人数" in p]
    assert problem.startswith("第 2 个表格 第 8 行“外星访客人数”"), problem


def test_a_vertically_merged_cell_is_read_on_every_row_it_spans(new_report, tmp_path):
    """A 所属系部 merged over its majors: each row is that department's, as Word shows it."""
    doc = Docx()
    doc.add_paragraph().add_run("一、学校概况").bold = True
    doc.add_paragraph("学校概况正文。")
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for c, text in enumerate(("系部", "专业", "人数")):
        table.cell(0, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "电气工程系"
    for r, (major, n) in enumerate((("机电技术应用", "591"), ("电气设备运行与控制", "334")), start=1):
        table.cell(r, 1).text, table.cell(r, 2).text = major, n
    path = tmp_path / "t.docx"
    doc.save(path)
    plan = plan_word_import(new_report, path)
    assert plan.ok, plan.problems()
    [planned] = plan.chapters[0].root.blocks
    assert planned.rows[1:] == [("电气工程系", "机电技术应用", "591"), ("电气工程系", "电气设备运行与控制", "334")]


def test_last_years_2022_docx_into_a_2024_report(sample_report, tmp_path):
    """The 2022 edition's .docx read through the 2024年度 edition's renames: renamed rows and
    chapters are read, 正高级-style parts summed, rows without a place named (issue 14)."""
    docx = tmp_path / "2022.docx"
    write_docx(assemble.build(sample_report), docx)
    with Report.create(tmp_path / "r.qreport", sample_report.school, "2024", 2022) as report:
        plan = plan_word_import(report, docx)
        assert plan.ok, plan.problems()
        left = [n for n in plan.values.notes if "本版没有与之对应的指标" in n]
        assert any("第 8 行“电子图书数”" in n for n in left)
        assert not any("双师" in n or "毕业生总数" in n or "升入本科" in n for n in left)
        # read as the 2024 row, and said that 2022 counted it only to 08.31
        assert any("读作本版的“年生均财政拨款水平”：2022 版的年生均财政拨款只统计到当年 8 月 31 日" in n
                   for n in plan.values.notes)
        apply_word_import(report, plan)
        values = report.file.values()
        assert values[("dual_teachers", 2021)] == "233"  # “双师”素质专任专业教师总数
        assert values[("graduates", 2021)] == "2245"  # 毕业生总数
        assert values[("funding_per_student", 2021)] == "2568.34"  # 年生均财政拨款(截至2021.08.31)
        assert values[("further_study", 2021)] == "914"  # 本科 - + 高职 741 + 其他 173
        assert values[("further_study", 2020)] == "746"
        talent = [s.title for s in report.file.sections("talent")]
        # 学生发展 and 教学改革 both go to 人才培养, the case chapter too, as a case with its
        # own headings under it (二、产教融合、… is not the chapter 产教融合)
        assert "立德树人，打造“三全育人”学校" in talent and "多点发力，推进实训基地建设" in talent
        case = talent.index("案例：产教深度融合 引企入校助推人才培养服务地方经济发展")
        assert talent[case + 1:case + 3] == ["背景", "产教融合、校企合作赋能产业转型发展的路径"]
        assert "校企双元育人" in [s.title for s in report.file.sections("integration")]  # untouched
        assert "夯实根基，加强师德师风建设" in [s.title for s in report.file.sections("basics")]


def test_a_2022_row_the_2024_edition_cannot_read_is_refused_by_name(sample_report, tmp_path):
    doc = Docx()
    doc.add_paragraph("聊城高级工程职业学校质量数据表")
    rows = [("序号", "指标", "单位", "2020年", "2021年"), ("1", "毕业生总数", "人", "2400", "2245"),
            ("2", "升入本科院校人数", "人", "-", "-"), ("3", "升入高职高专院校人数", "人", "546", "741"),
            ("4", "全日制在校生数", "人", "7948", "9527"), ("5", "校友捐赠额", "万元", "3", "5")]
    table = doc.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "t.docx"
    doc.save(path)
    with Report.create(tmp_path / "r.qreport", sample_report.school, "2024", 2022) as report:
        plan = plan_word_import(report, path)
        assert not plan.ok
        assert plan.values.unmatched == ["第 1 个表格 第 6 行“校友捐赠额”不是本版报告的指标。"]
        # 升学人数 is three 2022 rows; with 其他升学 missing it is not imported, and said
        assert any("升学人数（2021年）是上一版本的升入本科院校人数＋升入高职高专院校人数＋"
                   "其他升学人数(含留学、成人教育、自学考试)，但表中缺其他升学人数" in n
                   for n in plan.values.notes), plan.values.notes
        assert not any(c.indicator == "further_study" for c in plan.values.changes)
        assert {c.indicator for c in plan.values.changes} == {"graduates", "students"}


def test_a_confirmed_small_percentage_survives_our_own_docx(tmp_path):
    """0.7 % 满意度 is printed "0.7%" in the table (as in the PDF): a plain 0.7 beside the unit
    % read back as a fraction meant as 70 %, and our own .docx was refused."""
    with Report.create(tmp_path / "src.qreport", "测试职业学校", "2022", 2021) as src:
        src.set_text("employer_satisfaction_quality", 2021, "0.7%")
        doc = assemble.build(src)
    path = tmp_path / "out.docx"
    write_docx(doc, path)
    texts = [c.text for t in Docx(path).tables for r in t.rows for c in r.cells]
    assert "0.7%" in texts
    with Report.create(tmp_path / "back.qreport", "测试职业学校", "2022", 2021) as report:
        plan = plan_word_import(report, path)
        assert plan.ok, plan.problems()
        apply_word_import(report, plan)
        assert report.file.value("employer_satisfaction_quality", 2021) == "0.7"


def test_the_2022_sample_docx_into_a_2024_report_years_later(sample_path, tmp_path):
    """A school that skipped years: the sample's own 2022 .docx into a 2024年度 report of 2026.
    Its table's 年生均财政拨款(截至2021.08.31) is read for the document's years."""
    from desktop import exports

    path = tmp_path / "2022.docx"
    exports.export(sample_path, {"docx": path})
    with Report.open(sample_path, read_only=True) as sample:
        funding = sample.file.values()[("funding_per_student", 2021)]
    with Report.create(tmp_path / "r.qreport", word_docs.SCHOOL, "2024", 2026) as report:
        plan = plan_word_import(report, path)
        assert not any("年生均财政拨款" in p for p in plan.problems()), plan.problems()
        apply_word_import(report, plan)
        assert report.file.value("funding_per_student", 2021) == funding
