"""Edition files a person can write: every mistake at once, with its line, in Chinese."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from desktop import edition_schema, template

ROOT = Path(__file__).resolve().parents[2]
GOOD = (resources.files("resources") / "templates" / "2022.toml").read_text("utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def broken(*edits: tuple[str, str]) -> str:
    text = GOOD
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_shipped_editions_have_no_mistakes():
    for edition in template.available():
        assert template.check_text(template.source(edition), edition) == []


@pytest.mark.parametrize(("old", "new", "needle", "words"), [
    ('name = "思想政治课专任教师数"', 'nmae = "x"\nname = "思想政治课专任教师数"', "nmae",
     "没有“nmae”这个键。是不是“name”？"),
    ('type = "count"', 'type = "cont"', "cont", "的“type”不能是“cont”"),
    ("places = 2", 'places = "2"', "places", "的“places”应为整数，写成了 \"2\""),
    ('parent = "headteacher_studios"', 'parent = "headteacher_studio"', "parent",
     "不是已声明的指标或事实。是不是“headteacher_studios”？"),
    ('formula = "campus_area / students"', 'formula = "campus_area / / students"', "formula",
     "无法解析"),
    ('formula = "campus_area / students"', 'formula = "campus_areas / students"', "formula",
     "“campus_areas”不是已声明的指标或事实。是不是“campus_area”？"),
    ('id = "ideology_teams"', 'id = "moral_staff"', "id", "id “moral_staff”重复"),
    ("[[free_table]]", '[[free_tabel]]\nid = "x"\n\n[[free_table]]', "free_tabel",
     "没有“free_tabel”这种表。是不是“free_table”？"),
    ('op = "<="', 'op = "=<"', "op", "只能是 <=、>=、==、<、>"),
    ('facts = ["enrolment"]', 'facts = ["enrollment"]', "facts", "不是已声明的事实"),
    ("change_factor = 2\n", "change_factor = \"x\"\n", "change_factor", "应为数"),
    ("[[rule]]", "[[rule]]\nwhen = 1", "when", "没有“when”这个键"),
])
def test_each_mistake_is_named_with_its_line(old, new, needle, words):
    text = broken((old, new))
    at = GOOD.index(old)
    expected = text[:at].count("\n") + 1 + new[: new.index(needle)].count("\n")
    mistakes = template.check_text(text, "2022")
    hits = [m for m in mistakes if words in m.message]
    assert hits, mistakes
    assert hits[0].line == expected
    assert str(hits[0]).startswith(f"第 {expected} 行：")


def test_every_mistake_is_listed_at_once():
    text = broken(('name = "思想政治课专任教师数"', 'nmae = "思想政治课专任教师数"'),
                  ('type = "count"', 'type = "cont"'),
                  ('formula = "campus_area / students"', 'formula = "campus_area / / students"'),
                  ('op = "<="', 'op = "=<"'))
    mistakes = template.check_text(text, "2022")
    assert len(mistakes) >= 4
    assert [m.line for m in mistakes] == sorted(m.line for m in mistakes)


def test_missing_required_key():
    text = broken(('name = "德育管理人员数"\n', ""))
    [mistake] = [m for m in template.check_text(text, "2022") if "缺少“name”" in m.message]
    assert mistake.line == line_of(text, 'id = "moral_staff"') - 1  # its [[indicator]] header
    assert "moral_staff" in mistake.message


def test_toml_syntax_error_has_its_line_in_chinese():
    text = broken(('title = "学校概况"', "title = 学校概况"))
    [mistake] = template.check_text(text, "2022")
    assert mistake.line == line_of(text, "title = 学校概况")
    assert mistake.message.startswith("TOML 语法错误")
    assert all(not ("a" <= ch <= "z") for ch in mistake.message.replace("TOML", ""))


def test_id_equals_file_name():
    [mistake] = template.check_text(GOOD, "2023")
    assert mistake.line == line_of(GOOD, 'id = "2022"')
    assert "2023.toml" in mistake.message


def test_a_loader_mistake_gets_the_line_of_its_id():
    text = broken(('facts = ["campus_area", ', "facts = ["))
    [mistake] = template.check_text(text, "2022")
    assert "不在任何一章中" in mistake.message
    assert mistake.line == line_of(text, 'id = "campus_area"')


def test_pre_registered_keys_are_read():
    text = broken(('id = "students"\nseq = "29"', 'id = "students"\nseq = "29"\nchange_factor = 1.5'),
                  ("change_factor = 2\n", "change_factor = 1.3\n"))
    spec = template.load_text(text, "2022")
    assert spec.indicators["students"].change_factor == 1.5
    assert spec.change_factor == 1.3
    assert template.check_text(broken(('id = "students"\nseq = "29"',
                                       'id = "students"\nseq = "29"\nchange_factor = "x"')), "2022")


def test_reference_page_follows_the_schema():
    from desktop import edition_doc

    assert (ROOT / "docs" / "editions.md").read_text("utf-8") == edition_doc.page()
    for shape in edition_schema.SHAPES:
        for key in shape.keys:
            assert f"| `{key.name}` |" in edition_schema.reference()


def test_edition_check_command(tmp_path):
    bad = tmp_path / "2022.toml"
    bad.write_text(broken(('type = "count"', 'type = "cont"'), ('op = "<="', 'op = "=<"')), "utf-8")
    run = [sys.executable, "-m", "desktop", "edition", "check"]
    done = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "第 " in done.stdout and "“cont”" in done.stdout and "“=<”" in done.stdout
    good = tmp_path / "ok" / "2022.toml"
    good.parent.mkdir()
    good.write_text(GOOD, "utf-8")
    assert subprocess.run([*run, str(good)], capture_output=True, text=True).returncode == 0


def test_nesting_thousands_deep_is_a_mistake_not_a_crash(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "desktop", "edition", "check", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == "deep.toml 数组或表嵌套过深（成百上千层），不是一份版本文件。"
    assert "Error" not in done.stdout + done.stderr
