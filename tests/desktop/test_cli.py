"""The command line as scripts use it: whole processes, exit codes, one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from desktop.report import Report


def qreport(*args, cwd=None):
    env = dict(os.environ, PYTHONWARNINGS="error")
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_sample_then_check_json(tmp_path):
    path = tmp_path / "s.qreport"
    done = qreport("sample", path)
    assert done.returncode == 0, done.stderr
    check = qreport("check", path, "--json")
    assert check.returncode == 1  # the published report contradicts itself
    findings = json.loads(check.stdout)
    # the documented keys, and the panel's group
    assert {tuple(sorted(f)) for f in findings} == {
        ("category", "indicators", "message", "severity", "year")}
    ratio = [f for f in findings if f["indicators"][:1] == ["生师比"]]
    assert ratio == [{
        "severity": "error",
        "message": "2020年：生师比填报为 16:1，按全日制在校生数 7948、专任教师 465 计算应为 17:1（17.09）。",
        "indicators": ["生师比", "全日制在校生数", "专任教师"],
        "year": 2020,
        "category": "error",
    }]


def test_new_gives_a_clean_report(tmp_path):
    path = tmp_path / "新 学校.qreport"
    done = qreport("new", path, "--school", "某某职业学校", "--edition", "2022")
    assert done.returncode == 0, done.stderr
    assert "数据年度 2021" in done.stdout
    check = qreport("check", path)
    assert check.returncode == 0
    with Report.open(path) as report:
        assert report.school == "某某职业学校"
        assert report.years == (2020, 2021)
        titles = [s.title for s in report.file.sections("students")]
        assert "立德树人" in titles  # the template's default outline (generic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "{tmp}/missing.qreport"), "找不到文件"),
        (("check", "{tmp}/text.qreport"), "不是 qreport 报告文件"),
        (("new", "{tmp}/x.qreport", "--school", "甲", "--edition", "1999"), "没有 1999 版"),
        (("new", "{tmp}/x.qreport", "--school", "  "), "学校名称不能为空"),
        (("export", "{tmp}/text.qreport"), "请用 --xlsx、--pdf 或 --docx"),
        (("new", "{tmp}/x.qreport", "--school", "甲", "--year", "0"), "不是一个合理的年份"),
        (("export", "{tmp}/text.qreport", "--xlsx", "{tmp}/无此目录/表.xlsx"), "文件夹 {tmp}/无此目录 不存在"),
        (("export", "{tmp}/text.qreport", "--pdf", "{tmp}"), "是文件夹，请给出要写入的文件名"),
        (("collect", "{tmp}/text.qreport", "--department", "人事处", "--out", "{tmp}/无此目录/a.xlsx"),
         "不存在"),
        (("import", "{tmp}/无此目录/r.qreport", "{tmp}/b.xlsx"), "找不到文件 {tmp}/无此目录/r.qreport"),
    ],
)
def test_errors_are_one_sentence_never_a_traceback(tmp_path, args, message):
    (tmp_path / "text.qreport").write_text("not a report")
    done = qreport(*(a.format(tmp=tmp_path) for a in args))
    assert done.returncode == 2
    assert message.format(tmp=tmp_path) in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.qreport").exists()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("edition", "../sample/2022/values", "报告版本"),  # its kept copy no longer matches
    ("year", "abc", "已损坏"),
])
def test_a_hand_edited_report_is_refused_with_a_sentence(sample_path, key, value, message):
    from db.store import ReportFile

    with ReportFile.open(sample_path) as f:
        f.set_meta(key, value)
    done = qreport("check", sample_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sample_refuses_to_overwrite(sample_path):
    before = sample_path.read_bytes()
    done = qreport("sample", sample_path)
    assert done.returncode == 2 and "已存在" in done.stderr
    assert sample_path.read_bytes() == before


def test_new_cleans_the_school_name_and_dates_the_cover(tmp_path):
    import datetime as dt

    path = tmp_path / "n.qreport"
    assert qreport("new", path, "--school", "某学校\x0b分校").returncode == 0
    with Report.open(path) as report:
        assert report.school == "某学校分校"
        assert report.file.get_meta("report_date") == f"{dt.date.today():%Y-%m}"


def test_an_export_never_overwrites_the_report_itself(sample_path):
    before = sample_path.read_bytes()
    for args in (("export", sample_path, "--pdf", sample_path),
                 ("collect", sample_path, "--department", "教务处", "--out", sample_path)):
        done = qreport(*args)
        assert done.returncode == 2 and "是报告文件本身" in done.stderr
        assert "Traceback" not in done.stderr
    assert sample_path.read_bytes() == before


def test_an_edition_or_a_collection_book_never_overwrites_another_report(sample_path, tmp_path):
    """`--out` names the file by the format written: another report (.qreport) is refused."""
    other = tmp_path / "分校.qreport"
    other.write_bytes(sample_path.read_bytes())
    book = tmp_path / "b.xlsx"
    assert qreport("export", sample_path, "--xlsx", book).returncode == 0
    for args, suffix in ((("edition", "from-workbook", book, "--out", other), ".toml"),
                         (("collect", sample_path, "--department", "教务处", "--out", other), ".xlsx")):
        done = qreport(*args)
        assert done.returncode == 2, done.stdout
        assert done.stderr.strip() == f"分校.qreport 的扩展名应为 {suffix}（要写入的是 " \
                                      f"{suffix[1:].upper()} 文件）：请改为 分校{suffix}。"
    assert other.read_bytes() == sample_path.read_bytes()


def test_a_new_report_is_named_qreport(sample_path, tmp_path):
    """`new 表.xlsx` made a report that Excel opens as a damaged workbook."""
    for args in (("new", tmp_path / "表.xlsx", "--school", "甲"), ("sample", tmp_path / "示例"),
                 ("next", sample_path, tmp_path / "下一年.pdf")):
        done = qreport(*args)
        assert done.returncode == 2
        target = args[1] if args[0] != "next" else args[2]
        name, stem = target.name, target.stem
        assert done.stderr.strip() == f"{name} 的扩展名应为 .qreport（要创建的是报告文件）：请改为 {stem}.qreport。"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.qreport"]


_ENDING = """
import atexit, sys
if sys.argv[1] == "qt":
    import PySide6.QtCore  # noqa: F401  as the window has
atexit.register(lambda: print("tear-down ran", file=sys.stderr))
sys.argv = ["qreport", *sys.argv[2:]]
from desktop.cli import run
run()
"""


@pytest.mark.parametrize("qt", [False, True])
def test_a_command_ends_its_process_once_its_output_is_out(sample_path, qt):
    """`run` skips Python's tear-down (os._exit) after flushing the command's output;
    with Qt loaded (the window) the process exits the ordinary way."""
    done = subprocess.run([sys.executable, "-c", _ENDING, "qt" if qt else "plain", "check",
                           sample_path, "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1  # findings: the command's own exit code
    assert len(json.loads(done.stdout)) > 5  # all of a piped, block-buffered output
    assert ("tear-down ran" in done.stderr) == qt


@pytest.mark.parametrize("args", [("--help",), ("export", "--help"), ("new", "-h")])
def test_the_help_is_chinese(args):
    done = qreport(*args)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("用法：qreport") and "位置参数" in out and "选项" in out
    assert "显示此帮助并退出" in out
    for english in ("usage:", "positional arguments", "options:", "show this help",
                    "the report", "the application", "default:", "exit"):
        assert english not in out, english


@pytest.mark.parametrize(("args", "sentence"), [
    (("expor", "x"), "qreport：参数 COMMAND 有误：没有 'expor' 这一项（可选："),
    (("export",), "qreport export：缺少必需的参数：file。"),
    (("check", "a", "b"), "qreport：无法识别的参数：b。"),
    (("new", "x.qreport", "--school", "甲", "--year", "abc"), "qreport new：参数 --year 有误：'abc' 不是有效的值。"),
    (("export", "f", "--pdf"), "qreport export：参数 --pdf 有误：后面应跟一个值。"),
])
def test_a_wrong_command_line_is_refused_in_chinese(capsys, args, sentence):
    import argparse

    from desktop import cli

    with pytest.raises(SystemExit) as ended:
        cli.main(list(args))
    assert ended.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("用法：qreport")  # argparse's usage, then the one sentence
    assert lines[-1].startswith(sentence), lines[-1]
    assert argparse._("options") == "options"  # only the CLI's own parse speaks Chinese
