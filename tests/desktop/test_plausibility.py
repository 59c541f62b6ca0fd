"""请核实 (changes across years, copied rows), 未完成 (empty values and sections), and the note
that silences a 提示 — each on a fresh report file."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from msgspec.structs import replace

from desktop import rules
from desktop import template as templates
from desktop.report import Report, ValueRefused


def fill(report, year: int, **values: str) -> None:
    report.file.set_values((i, year, report.parse(i, year, v)) for i, v in values.items())


def of(report, category: str, kind: str | None = None):
    return [f for f in rules.check(report)
            if rules.category_of(f) == category and (kind is None or f.kind == kind)]


# ------------------------------------------------------------------ changes across years
def test_a_value_six_times_last_years_is_questioned(empty_report):
    fill(empty_report, 2020, certificates="191")
    fill(empty_report, 2021, certificates="1151")
    found = of(empty_report, "plausibility", "change")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning" and f.year == 2021 and f.ids == ("certificates",)
    assert f.message.startswith(
        "2021年：职业技能等级证书(含职业资格证书)获取人数从上一年的 191 变为 1151，是上一年的 6.03 倍")
    assert "请核对两年的数据来源" in f.message and "备注" in f.message


def test_a_change_within_the_factor_is_not(empty_report):
    fill(empty_report, 2020, certificates="600")
    fill(empty_report, 2021, certificates="1200")  # exactly twice: the edition's factor
    assert of(empty_report, "plausibility") == []


def test_a_drop_is_questioned_too(empty_report):
    fill(empty_report, 2020, paper_books="200000")
    fill(empty_report, 2021, paper_books="20000")
    found = of(empty_report, "plausibility", "change")
    assert len(found) == 1 and "只有上一年的 10%" in found[0].message
    fill(empty_report, 2021, paper_books="1000")  # 0.5 %: not "0 %"
    assert "不到上一年的 1%" in of(empty_report, "plausibility", "change")[0].message


def test_an_indicator_has_its_own_factor(empty_report):
    # 年生均财政拨款: factor 1.5 in the edition; the seed's 4643.02 → 2568.34 (eight months)
    assert empty_report.template.indicators["funding_per_student"].change_factor == 1.5
    fill(empty_report, 2020, funding_per_student="4643.02", paper_books="195000")
    fill(empty_report, 2021, funding_per_student="2568.34", paper_books="107000")  # ×0.55 both
    found = of(empty_report, "plausibility", "change")
    assert [f.ids for f in found] == [("funding_per_student",)]
    assert "只有上一年的 55.32%" in found[0].message and "超过 1.5 倍" in found[0].message


@pytest.mark.parametrize(("old", "new"), [("0", "9"), ("-", "26"), ("2", "7"), ("1151", "")])
def test_no_ratio_no_question(empty_report, old, new):
    """From 0, from not applicable, between small counts, or to empty: nothing to compare."""
    fill(empty_report, 2020, national_skill_contest_awards=old)
    if new:
        fill(empty_report, 2021, national_skill_contest_awards=new)
    assert of(empty_report, "plausibility") == []


def test_a_change_factor_of_zero_turns_the_check_off(tmp_path):
    path = resources.files("resources") / "templates" / "2022.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for raw in data["indicator"]:
        if raw["id"] == "certificates":
            raw["change_factor"] = 0
    edition = templates.from_toml(data)
    assert edition.indicators["certificates"].change_factor == 0
    with Report.create(tmp_path / "r.qreport", "测试职业学校", edition, 2021) as report:
        assert report.template.indicators["certificates"].change_factor == 0
        fill(report, 2020, certificates="191")
        fill(report, 2021, certificates="1151")
        assert of(report, "plausibility") == []


@pytest.mark.parametrize("bad", [1, 0.5, -2, "2", True])
def test_a_change_factor_must_be_above_one(bad):
    path = resources.files("resources") / "templates" / "2022.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["edition"]["change_factor"] = bad
    with pytest.raises(templates.TemplateError, match="change_factor"):
        templates.from_toml(data)


# ------------------------------------------------------------------ copied rows
def test_two_rows_with_the_same_values_in_both_years(empty_report):
    fill(empty_report, 2020, employer_satisfaction_quality="98.4", internship_ratio="98.4")
    fill(empty_report, 2021, employer_satisfaction_quality="98.5", internship_ratio="98.50")
    found = of(empty_report, "plausibility", "copy")
    assert len(found) == 1
    assert found[0].ids == ("employer_satisfaction_quality", "internship_ratio")
    assert found[0].message.startswith(
        "2021年：就业单位对毕业生职业素养的满意度与合作企业接收学生实习比例两年的值完全相同"
        "（2020年均为 98.4，2021年均为 98.5）")


def test_the_same_value_in_one_year_only_is_not_a_copy(empty_report):
    fill(empty_report, 2020, employer_satisfaction_quality="98.4", internship_ratio="98.4")
    fill(empty_report, 2021, employer_satisfaction_quality="98.5", internship_ratio="97.1")
    assert of(empty_report, "plausibility") == []


@pytest.mark.parametrize("values", [
    {"culture_pass_rate": "100", "fitness_pass_rate": "100"},  # 100 % is common
    {"further_exam": "0", "further_3_4": "0"},  # so is 0
    {"pe_teachers": "3", "art_teachers": "3"},  # and small counts
    {"ideology_model_classes": "12", "ideology_model_classes_provincial": "12"},  # 其中 = parent
])
def test_values_many_rows_share_are_not_copies(empty_report, values):
    fill(empty_report, 2020, **values)
    fill(empty_report, 2021, **values)
    assert of(empty_report, "plausibility", "copy") == []


# ------------------------------------------------------------------ the note that explains
def test_a_note_silences_its_finding_and_only_its_own(empty_report):
    fill(empty_report, 2020, certificates="191", paper_books="200000")
    fill(empty_report, 2021, certificates="1151", paper_books="20000")
    assert len(of(empty_report, "plausibility")) == 2
    empty_report.set_note("certificates", 2020, "上一年的说明")  # another year: no effect
    assert len(of(empty_report, "plausibility")) == 2
    empty_report.set_note("certificates", 2021, "  2021年起全面推行1+X证书。\n")
    assert [f.ids for f in of(empty_report, "plausibility")] == [("paper_books",)]
    assert empty_report.file.notes()[("certificates", 2021)] == "2021年起全面推行1+X证书。"
    empty_report.set_note("certificates", 2021, "")  # removing the note brings it back
    assert len(of(empty_report, "plausibility")) == 2


def test_a_note_on_either_copied_row_silences_the_copy(empty_report):
    fill(empty_report, 2020, employer_satisfaction_quality="98.4", internship_ratio="98.4")
    fill(empty_report, 2021, employer_satisfaction_quality="98.5", internship_ratio="98.5")
    empty_report.set_note("internship_ratio", 2021, "两项均来自同一份企业问卷，数值相同属实。")
    assert of(empty_report, "plausibility") == []


def test_a_note_never_silences_an_error(empty_report):
    fill(empty_report, 2021, graduates="100", employed="120")
    empty_report.set_note("employed", 2021, "含往届生")
    assert [f.ids for f in rules.check(empty_report) if f.severity == "error"] == [
        ("employed", "graduates")]


def test_a_note_explains_a_standard_not_met(empty_report):
    fill(empty_report, 2021, campus_area="30000")
    standard = [f for f in rules.check(empty_report) if "40000" in f.message]
    assert len(standard) == 1 and standard[0].category == "warning"
    empty_report.set_note("campus_area", 2021, "新校区在建，2023年启用。")
    assert [f for f in rules.check(empty_report) if "40000" in f.message] == []


def test_a_note_for_an_unknown_indicator_is_refused(empty_report):
    with pytest.raises(KeyError):
        empty_report.set_note("no_such_row", 2021, "说明")


def test_the_sample_note_explains_the_eight_month_funding(sample_report):
    assert "8个月" in sample_report.file.notes()[("funding_per_student", 2021)]
    assert not any("年生均财政拨款" in f.message for f in rules.check(sample_report))
    sample_report.set_note("funding_per_student", 2021, "")
    found = [f for f in rules.check(sample_report) if "年生均财政拨款" in f.message]
    assert [f.kind for f in found] == ["change"]


# ------------------------------------------------------------------ what is still empty
def test_an_empty_report_says_what_is_missing(empty_report):
    found = of(empty_report, "completeness", "missing")
    table = [f for f in found if f.message.startswith("2021年：质量数据表")]
    assert len(table) == 1
    assert table[0].message.startswith("2021年：质量数据表还有 56 项未填：思想政治课专任教师数、")
    assert "名班主任工作室数（其中国家级）" in table[0].message
    assert len(table[0].ids) == 56
    facts = [f for f in found if f is not table[0]]
    assert any(f.message.startswith("2021年：一、学校概况的基本数据还有 4 项未填") for f in facts)


def test_not_applicable_and_derived_values_count_as_filled(empty_report):
    values = {i.id: "-" for i in empty_report.template.indicators.values()}
    values |= {"students": "1000", "teachers": "50"}
    del values["student_teacher_ratio"]  # follows from students and teachers
    fill(empty_report, 2021, **values)
    assert of(empty_report, "completeness", "missing") == []


def test_last_years_empty_values_are_not_asked_for(empty_report):
    fill(empty_report, 2021, **{i.id: "-" for i in empty_report.template.indicators.values()})
    assert of(empty_report, "completeness", "missing") == []


def test_empty_chapters_and_sections(empty_report):
    found = of(empty_report, "completeness", "empty")
    # every chapter of a new report is empty; one finding each
    assert len(found) == len(empty_report.template.chapters)
    assert found[0].message.startswith("一、学校概况还没有任何内容")
    file = empty_report.file
    students = file.sections("students")
    file.set_section_text(students[2].id, "本节已写。")  # the first subsection of the first section
    found = [f for f in of(empty_report, "completeness", "empty") if "学生发展" in f.message]
    assert len(found) == 1
    # leaves of the outline: 3 under 立德树人 (1 written), 3 sections without subsections:
    # 5 still empty; a heading with subsections is judged through them
    assert found[0].message.startswith("二、学生发展有 5 节还没有内容：")
    assert found[0].section == students[3].id


def test_a_table_or_figure_fills_a_section(empty_report):
    file = empty_report.file
    root = file.chapter_root("overview")
    assert any(f.message.startswith("一、学校概况还没有任何内容")
               for f in of(empty_report, "completeness"))
    file.add_table(root, "fixed", "t1_1")
    assert not any(f.message.startswith("一、学校概况")
                   for f in of(empty_report, "completeness", "empty"))


def test_the_completeness_findings_say_so_in_json(empty_report):
    import json

    data = json.loads(rules.check_json(rules.check(empty_report)))
    assert data and {d["category"] for d in data} == {"completeness"}
    assert all({"severity", "message", "indicators", "year"} <= set(d) for d in data)


# ------------------------------------------------------------------ the note printed in 备注
def _with_notes_column(report):
    """The report's edition with `notes = true` on its indicator table (the edition wants it)."""
    tables = tuple(replace(t, notes=True) for t in report.template.indicator_tables)
    report.template = replace(report.template, indicator_tables=tables)
    return report


def test_the_edition_key_notes_turns_the_column_on():
    path = resources.files("resources") / "templates" / "2022.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert templates.from_toml(data).indicator_tables[0].notes is False  # the seed prints none
    data["indicator_table"][0]["notes"] = True
    assert templates.from_toml(data).indicator_tables[0].notes is True


def test_a_note_is_printed_in_the_remarks_column(sample_report, tmp_path):
    import subprocess

    import docx
    import openpyxl

    from desktop import assemble
    from desktop.formats.docx_write import write_docx
    from desktop.formats.pdf import write_pdf
    from desktop.formats.xlsx import write_xlsx

    sample_report.set_note("certificates", 2021, "2021年起全面推行1+X证书。")
    sample_report.set_note("certificates", 2020, "仅含职业资格证书。")
    plain = assemble.build(sample_report, photos=False)
    assert "备注" not in plain.data_tables[0].header  # the 2022 edition does not want it
    doc = assemble.build(_with_notes_column(sample_report), photos=False)
    table = doc.data_tables[0]
    assert table.header == ["序号", "指标", "单位", "2020年", "2021年", "备注"]
    row = next(r for r in table.rows if r.name.startswith("职业技能等级证书"))
    assert row.note == "2020年：仅含职业资格证书。；2021年：2021年起全面推行1+X证书。"
    funding = next(r for r in table.rows if r.name.startswith("年生均财政拨款"))
    assert funding.note.startswith("2021年为1—8月")  # this year's note alone needs no year

    write_xlsx(doc, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")[table.sheet]
    cells = {ws.cell(r, 2).value: ws.cell(r, 6).value for r in range(1, ws.max_row + 1)}
    assert "备注" in [ws.cell(r, 6).value for r in range(1, 6)]
    assert cells[funding.name].startswith("2021年为1—8月")

    write_docx(doc, tmp_path / "t.docx")
    words = docx.Document(str(tmp_path / "t.docx"))
    data = next(t for t in words.tables
                if [c.text for c in t.rows[0].cells] == table.header)  # not 科研成果's 备注
    assert any(r.cells[-1].text.startswith("2021年为1—8月") for r in data.rows)

    write_pdf(doc, tmp_path / "t.pdf", table_only=True)
    subprocess.run(["pdftotext", tmp_path / "t.pdf", tmp_path / "t.txt"], check=True)
    text = (tmp_path / "t.txt").read_text(encoding="utf-8")
    assert "备注" in text and "统计期8个月" in text.replace("\n", "").replace(" ", "")


# ------------------------------------------------------------------ the usual range (issue 14)
def test_typing_0_96_for_a_satisfaction_is_refused_naming_the_field(empty_report):
    with pytest.raises(ValueRefused) as refused:
        empty_report.set_text("employer_satisfaction_quality", 2021, "0.96")
    assert str(refused.value).startswith("就业单位对毕业生职业素养的满意度（2021年）：“0.96”会存为 0.96%")
    assert "请填 96" in str(refused.value)
    assert empty_report.file.values() == {}


def test_a_small_startup_ratio_is_kept_as_typed(empty_report):
    assert empty_report.set_text("startup_ratio", 2021, "0.5") == "0.5"
    assert of(empty_report, "plausibility", "range") == []


def test_a_confirmed_small_value_is_questioned_until_explained(empty_report):
    empty_report.set_text("employer_satisfaction_quality", 2021, "0.96%")
    found = of(empty_report, "plausibility", "range")
    assert [(f.year, f.ids) for f in found] == [(2021, ("employer_satisfaction_quality",))]
    assert "为 0.96%，多数学校不低于 60%" in found[0].message
    empty_report.set_note("employer_satisfaction_quality", 2021, "抽样对象为新合作企业，属实")
    assert of(empty_report, "plausibility", "range") == []


def test_a_startup_ratio_above_its_usual_range_is_questioned(empty_report):
    empty_report.set_text("startup_ratio", 2021, "96")
    found = of(empty_report, "plausibility", "range")
    assert len(found) == 1 and "多数学校不高于 30%" in found[0].message


def test_the_sample_has_no_value_outside_its_usual_range(sample_report):
    assert of(sample_report, "plausibility", "range") == []


def test_a_small_percentage_confirmed_with_its_sign_is_no_error_in_check(empty_report):
    """0.7 typed for a 满意度 (usually ≥ 60 %) is asked about; "0.7%" with its sign is taken
    as meant and stored as 0.7 — which `check` must not then call a wrong stored value
    (it re-read the stored text as if typed without the sign)."""
    year = 2021
    with pytest.raises(ValueRefused):
        empty_report.parse("employer_satisfaction_quality", year, "0.7")
    fill(empty_report, year, employer_satisfaction_quality="0.7%")
    assert empty_report.file.value("employer_satisfaction_quality", year) == "0.7"
    errors = [f for f in rules.check(empty_report)
              if f.severity == "error" and "employer_satisfaction_quality" in f.ids]
    assert errors == []
