"""The 2022 template against the published report it was transcribed from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop import template
from desktop.template import TemplateError, from_toml

# The published report the 2022 template and the sample were transcribed from (a copy of
# ../shared/seeds/000_20327bf6e6f57512.txt, kept here so these checks never depend on it).
SEED = Path(__file__).resolve().parents[1] / "data" / "seed-2022.txt"


@pytest.fixture(scope="module")
def t2022():
    return template.load("2022").at_year(2022)  # names carry the data year 2021


def seed_data_table() -> list[tuple[str, str, str, str, str]]:
    """(序号, 指标, 单位, 2020, 2021) rows of the seed's closing 质量数据表, 其中 rows with ''."""
    text = SEED.read_text(encoding="utf-8")
    table = text[text.rindex("聊城高级工程职业学校质量数据表") :]
    rows = []
    for line in table.splitlines():
        cells = line.split("\t")
        if len(cells) != 5 or cells[0] == "序号":
            continue
        rows.append(tuple(c.strip() for c in cells))
    return rows


def test_every_seed_indicator_is_present_with_its_exact_name(t2022):
    seed = seed_data_table()
    rows = t2022.table_rows
    assert len(seed) == len(rows) == 56
    numbered = [r for r in seed if r[0]]
    assert [r[0] for r in numbered] == [str(n) for n in range(1, 49)]  # all 48 numbered rows
    for (seq, name, unit, _, _), ind in zip(seed, rows, strict=True):
        published = re.sub(r"^其中[:：]\s*", "", name)
        assert ind.name == published
        assert ind.seq == seq or (not seq and ind.parent)
        assert ind.unit.replace("²", " ²") == unit or ind.unit == unit


def test_sub_rows_follow_their_parent(t2022):
    rows = t2022.table_rows
    for index, ind in enumerate(rows):
        if ind.parent:
            parent_index = next(i for i, r in enumerate(rows) if r.id == ind.parent)
            assert parent_index < index
            assert all(rows[j].parent == ind.parent for j in range(parent_index + 1, index + 1))


def test_derived_indicators_name_existing_inputs(t2022):
    derived = {i.id: i for i in t2022.indicators.values() if i.derived}
    assert {"student_teacher_ratio", "campus_area_per_student", "building_area_per_student",
            "equipment_per_student", "senior_title_ratio", "master_ratio"} <= set(derived)
    for ind in derived.values():
        assert ind.formula.names
        assert all(n in t2022.indicators for n in ind.formula.names)


def test_every_rule_refers_to_existing_indicators(t2022):
    assert t2022.rules
    for rule in t2022.rules:
        assert rule.names
        assert all(n in t2022.indicators for n in rule.names)
        assert rule.severity in ("error", "warning")


def test_fixed_tables_are_views_over_indicators(t2022):
    assert set(t2022.fixed_tables) == {"t1_1", "t2_3", "t4_4"}
    assert len(t2022.fixed_tables["t1_1"].rows) == 11
    assert len(t2022.fixed_tables["t2_3"].rows) == 22
    assert len(t2022.fixed_tables["t4_4"].rows) == 8
    for table in t2022.fixed_tables.values():
        assert all(row.indicator in t2022.indicators for row in table.rows)


def test_free_tables_and_totals(t2022):
    assert set(t2022.free_tables) == {"skill_awards", "hosted_contests", "majors",
                                      "teacher_honours", "research", "teaching_awards", "training"}
    majors = t2022.free_tables["majors"]
    assert [c.name for c in majors.columns] == ["所属系部", "专业名称", "在校生数"]
    assert majors.columns[2].restates == "students"
    assert t2022.free_tables["training"].columns[1].restates == "social_training"


def test_chapters_in_seed_order_with_headings(t2022):
    headings = [t2022.chapter_heading(c) + c.title for c in t2022.chapters]
    assert headings[:8] == ["一、学校概况", "二、学生发展", "三、教学改革", "四、教师发展",
                            "五、政策保障", "六、国际合作", "七、服务贡献", "八、机遇挑战"]
    assert headings[8].startswith("案例：")
    students = t2022.chapter("students")
    assert students.outline[0].title == "立德树人"  # generic: the sample brings its own titles
    assert len(students.outline[0].sections) == 3


def test_every_indicator_has_help_and_a_known_department(t2022):
    for ind in t2022.indicators.values():
        assert ind.help, ind.id
        assert ind.department in t2022.departments


def test_facts_belong_to_a_chapter(t2022):
    for fact in t2022.facts:
        assert fact.chapter in {c.id for c in t2022.chapters}, fact.id


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["rule"].append({"left": "nope", "op": "<=", "right": "students",
                                     "severity": "error"}), "没有指标“nope”"),
        (lambda d: d["indicator"][1].update(formula="students / __import__"), "unknown"),
        (lambda d: d["indicator"][1].update(formula="students ** 2"), "only + - * /"),
        (lambda d: d["indicator"][2].update(parent="ghost"), "上级指标 parent “ghost”不存在"),
        (lambda d: d["chapter"][0].update(tables=["t9_9"]), "没有固定表"),
        (lambda d: d["indicator"][0].update(type="bogus"), "unknown value type"),
        # every mistake is a TemplateError with a message, never a bare KeyError
        (lambda d: d["rule"].append({"left": "students +", "op": "<=", "right": "1",
                                     "severity": "error"}), "规则“students +”：not an expression"),
        (lambda d: d["rule"][0].pop("op"), "缺少键 'op'"),
        (lambda d: d["free_table"][0]["columns"][0].update(type="bogus"), "unknown value type"),
        # what would otherwise fail silently, in front of a user
        (lambda d: d["free_table"][0].update(department="食堂"), "没有部门“食堂”"),
        (lambda d: d["indicator"][4].update(parent="headteacher_studios_national"), "不能做它的上级"),
        (lambda d: d["indicator"][1].update(name="思想政治课专任教师数"), "重复声明"),
        (lambda d: d["free_table"].append(dict(d["free_table"][0])), "table“skill_awards”重复声明"),
        (lambda d: d["chapter"][1]["facts"].append("campus_area"), "同时列在第 overview 章和第 students 章"),
        (lambda d: d["chapter"][0]["facts"].remove("campus_area"), "“campus_area”不在任何一章中"),
        (lambda d: d["indicator"][1].update(formula="student_teacher_ratio * 2"), "本身也由公式计算"),
        (lambda d: d["free_table"][0]["columns"][0].update(total=True), "cannot have a total"),
        (lambda d: d["chapter"][0].update(numbering=["1、", "1."]), "numbering 应为两个编号样式"),
    ],
)
def test_a_broken_template_fails_at_load(mutate, message):
    import tomllib
    from importlib import resources

    data = tomllib.loads((resources.files("resources") / "templates" / "2022.toml").read_text("utf-8"))
    mutate(data)
    with pytest.raises(TemplateError, match=re.escape(message)):
        from_toml(data)


def test_unknown_edition_is_refused():
    with pytest.raises(TemplateError, match="2099"):
        template.load("2099")


def test_an_edition_is_a_name_not_a_path():
    """The edition comes from the report file: it must not lead to any other TOML file."""
    with pytest.raises(TemplateError, match="没有“"):
        template.load("../sample/2022/values")


def test_chinese_numbering():
    assert [template.chapter_number(i) for i in (0, 8, 9, 10, 19, 20)] == \
        ["一", "九", "十", "十一", "二十", "二十一"]
    assert template.section_number("（一）", 2) == "（三）"
    assert template.section_number("1.", 2) == "3."
    assert template.section_number("一、", 0) == "一、"
