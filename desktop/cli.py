"""The `qreport` command line. Stable: scripts and tests rely on it.

Errors are one plain sentence on stderr and a non-zero exit, never a traceback. Heavy
modules (Qt, reportlab, openpyxl) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from desktop.errors import UserError

EXIT_FINDINGS = 1  # `check` found at least one error
EXIT_FAILED = 2  # the command could not do what was asked


class CommandError(Exception):
    """A command cannot proceed; the message is the one sentence the user sees."""


# argparse's own words (headings, -h, its errors) in Chinese. argparse looks each one up through
# its module's gettext `_` when it builds a parser, prints help or fails, and no catalog of
# Chinese ships with Python; so `_argparse_in_chinese` swaps that lookup for this table while the
# CLI builds and parses, and only then (pytest's own argparse, in the same process, is untouched).
# A phrase missing here (a newer Python's wording) stays as argparse says it.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：%(message)s。\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s 有误：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面至多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "not allowed with argument %s": "不能与 %s 同用",
    "ignored explicit argument %r": "不接受值 %r",
    "one of the arguments %s is required": "须给出 %s 之一",
    "unexpected option string: %s": "意外的选项：%s",
}


@contextlib.contextmanager
def _argparse_in_chinese():
    english = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, english(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = english  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    with _argparse_in_chinese():
        return _build_parser()


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qreport",
        description="中等职业教育质量年度报告：编写、核对，导出 Excel、PDF 与 Word。",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="打开应用程序（可指定报告文件 FILE）")
    gui.add_argument("file", nargs="?", type=Path)
    gui.add_argument("--smoke", action="store_true",
                     help="显示窗口，打印启动毫秒数后退出")

    sample = sub.add_parser("sample", help="写出随附的示例报告")
    sample.add_argument("file", type=Path)

    new = sub.add_parser("new", help="新建空白报告文件")
    new.add_argument("file", type=Path)
    new.add_argument("--school", required=True, help="学校名称")
    new.add_argument("--edition", help="版本编号或版本文件 FILE.toml（默认：最新版本）")
    new.add_argument("--year", type=int,
                     help="报告标题上的年度（默认：该版本的当前年度）")

    sub.add_parser("editions", help="列出可用版本（编号、标题、年度）")
    edition = sub.add_parser("edition", help="版本文件：核对、更新、由空白工作簿生成")
    edition_sub = edition.add_subparsers(dest="edition_command", metavar="ACTION", required=True)
    echeck = edition_sub.add_parser("check", help="列出每处错误及其行号；有错误时退出码为 1")
    echeck.add_argument("toml", type=Path)
    eupdate = edition_sub.add_parser(
        "update", help="随附的新版本对报告所用版本有何改动；--apply 改用新版本")
    eupdate.add_argument("file", type=Path)
    eupdate.add_argument("--apply", action="store_true", help="改用随附的新版本")

    nxt = sub.add_parser("next", help="由本报告生成下一年度的报告（不改动 FILE）")
    nxt.add_argument("file", type=Path)
    nxt.add_argument("new", type=Path)
    nxt.add_argument("--edition", help="改用的版本编号（默认：本报告的版本仍适用于下一年度时"
                     "沿用，否则用最新版本）")
    nxt.add_argument("--with-figures", action="store_true", help="一并带上数据与照片")
    nxt.add_argument("--year", type=int, help="新报告的年度（默认：下一年度）")
    from_book = edition_sub.add_parser("from-workbook", help="由主管部门的空白工作簿生成版本文件")
    from_book.add_argument("blank", type=Path)
    from_book.add_argument("--out", type=Path, required=True, help="写出的版本文件")
    from_book.add_argument("--base", help="沿用其章节的版本（默认：最新版本）")
    from_book.add_argument("--title", help="新版本的标题")

    imp = sub.add_parser("import", help="从工作簿或 Word 报告导入数据")
    imp.add_argument("file", type=Path)
    imp.add_argument("book", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只显示将改动的内容，不写入")
    imp.add_argument("--sheet", help="有多个工作表都可能是数据表时，指定要读取的工作表")

    check = sub.add_parser("check", help="列出核对结果；有错误时退出码为 1")
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true", help="以 JSON 输出")

    export = sub.add_parser("export", help="导出数据表（.xlsx）、报告（.pdf、.docx）")
    export.add_argument("file", type=Path)
    export.add_argument("--xlsx", type=Path, help="数据表导出为 Excel 工作簿")
    export.add_argument("--pdf", type=Path, help="报告导出为 PDF")
    export.add_argument("--docx", type=Path, help="报告导出为 Word 文档")
    export.add_argument("--into", type=Path, metavar="BLANK.xlsx",
                        help="与 --xlsx 同用：填入主管部门自己的工作簿，其余内容不变")
    export.add_argument("--table-only", action="store_true",
                        help="只导出数据表及报送信息的 PDF")

    collect = sub.add_parser("collect", help="写出某部门的数据采集工作簿")
    collect.add_argument("file", type=Path)
    collect.add_argument("--department", required=True, help="部门名称")
    collect.add_argument("--out", type=Path, required=True, help="写出的工作簿")

    shots = sub.add_parser("screenshots", help="把每个标签页截图为 PNG")
    shots.add_argument("file", type=Path)
    shots.add_argument("dir", type=Path)
    shots.add_argument("--screen", default="1280x800",
                       help="屏幕尺寸（像素），如 1366x768（配合 QT_SCALE_FACTOR）")

    restore = sub.add_parser("restore", help="列出 FILE 的备份，或恢复其中一份")
    restore.add_argument("file", type=Path)
    restore.add_argument("backup", nargs="?", type=Path)
    return p


def main(argv: list[str] | None = None) -> int:
    with _argparse_in_chinese():
        args = _parser().parse_args(argv)
    command = args.command or "gui"
    if command == "gui" and not hasattr(args, "file"):
        args.file, args.smoke = None, False
    handler: Callable[[argparse.Namespace], int] = COMMANDS[command]
    try:
        return handler(args)
    except (CommandError, UserError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("已中断。")
    except Exception as exc:  # the promise: a sentence, never a traceback
        from db.store import ReportFileError  # db cannot know the core's UserError

        if isinstance(exc, ReportFileError):
            return _fail(str(exc))
        import sqlite3

        if isinstance(exc, OSError | sqlite3.Error):  # a full disk, a read-only folder …
            from db import file_errors

            return _fail(file_errors.sentence(exc))
        return _fail(f"内部错误：{type(exc).__name__}: {exc}")


def run() -> NoReturn:
    """The program: `main` with the process's arguments, then the process ends.

    A command ends the process with os._exit once its output is flushed, skipping Python's
    tear-down (clearing every module, a last garbage collection: ~2.4 % of the instructions
    of a PDF export, as in Instagram's "Dismissing Python Garbage Collection"). Nothing is
    left to it: every file is written and closed, and the report file closed (its last
    checkpoint done), by the `with` blocks of the commands. The window (Qt loaded) exits
    the ordinary way, so Qt tears its objects down in order. Tests call `main` instead.
    """
    code = main()
    if "PySide6" in sys.modules:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nobody to tell
            stream.flush()
    os._exit(code)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


def _open(path: Path, read_only: bool = False):
    from desktop.report import Report

    report = Report.open(path, read_only=read_only)
    for notice in report.file.notices:  # e.g. a leftover journal set aside
        print(notice, file=sys.stderr)
    return report


def _new_report_name(path: Path) -> None:
    """A report made here ends in .qreport: a report named 表.xlsx or 报告.pdf opens in Excel
    or a reader as a damaged file, and the window's 打开 lists only *.qreport."""
    if path.suffix.lower() != ".qreport":
        raise CommandError(f"{path.name} 的扩展名应为 .qreport（要创建的是报告文件）："
                           f"请改为 {path.stem}.qreport。")


# ---------------------------------------------------------------- commands
def cmd_sample(args) -> int:
    from desktop.sample import write_sample

    _new_report_name(args.file)
    write_sample(args.file).close()
    print(f"示例报告已写入 {args.file}")
    return 0


def cmd_new(args) -> int:
    from datetime import date

    from desktop import template
    from desktop.report import Report

    _new_report_name(args.file)
    edition_id = args.edition or template.newest()
    if edition_id.endswith(".toml"):  # an edition file of one's own: the report keeps a copy
        source = Path(edition_id)
        if not source.is_file():
            raise CommandError(f"找不到版本文件 {source}。")
        mistakes = template.check_file(source)
        if mistakes:
            raise CommandError(f"版本文件 {source.name} 有 {len(mistakes)} 处错误，如：{mistakes[0]}"
                               f"（用 qreport edition check 查看全部）")
        edition = template.load_text(source.read_text(encoding="utf-8"), source.stem)
    else:
        try:
            edition = template.load(edition_id)
        except template.TemplateError as exc:
            have = "、".join(template.available())
            raise CommandError(f"没有 {edition_id} 版的报告模板（可用：{have}）。") from exc
    year = args.year if args.year is not None else edition.current_year(date.today().year)
    if not 2000 <= edition.data_year(year) <= 2099:  # the years an imported header can name
        raise CommandError(f"报告年度 {year} 不是一个合理的年份（如 {edition.years[0]}）。")
    report = Report.new(args.file, args.school, edition, year)
    title = report.title
    report.close()
    print(f"已创建 {args.file}（{args.school}，{title}，数据年度 {edition.data_year(year)}）")
    return 0


def cmd_editions(args) -> int:
    from desktop import template

    for edition_id in template.available():
        spec = template.load(edition_id)
        first, last = spec.years
        years = f"{first}" if first == last else f"{first}—{last}"
        print(f"{spec.id}\t{spec.name}\t{years}")
    return 0


def cmd_edition(args) -> int:
    if args.edition_command == "from-workbook":
        return cmd_edition_from_workbook(args)
    if args.edition_command == "update":
        return _edition_update(args)
    from desktop import template

    path: Path = args.toml
    if not path.is_file():
        raise CommandError(f"找不到版本文件 {path}。")
    mistakes = template.check_file(path)
    for mistake in mistakes:
        print(f"{path.name} {mistake}")
    if mistakes:
        print(f"共 {len(mistakes)} 处错误。")
        return EXIT_FINDINGS
    print(f"{path.name} 没有发现错误。")
    return 0


def _edition_update(args) -> int:
    with _open(args.file) as report:
        changes = report.edition_update()
        if not changes:
            print(f"{args.file.name} 的报告版本已是本程序所带的 {report.edition.id} 版，无需更新。")
            return 0
        print(f"本程序所带的 {report.edition.id} 版与报告中保存的版本有以下不同：")
        for line in changes:
            print(f"  {line}")
        if not args.apply:
            print("加 --apply 更新报告版本（数值和文字保留）。")
            return 0
        report.update_edition()
        print(f"已更新 {args.file} 的报告版本。")
    return 0


def cmd_next(args) -> int:
    import time

    from desktop.next_year import make_next

    if not args.file.is_file():
        raise CommandError(f"找不到文件 {args.file}。")
    _new_report_name(args.new)
    started = time.perf_counter()
    result = make_next(args.file, args.new, edition=args.edition, with_figures=args.with_figures,
                       report_year=args.year)
    figures = (f"，{result.figures} 幅图" if args.with_figures
               else "（未带图片，需要时加 --with-figures）")
    print(f"已创建 {args.new}（{result.title}）：{result.values} 个数值，{result.sections} 节文字"
          f"（均标为待更新），{result.tables} 张表{figures}；"
          f"用时 {time.perf_counter() - started:.2f} 秒。原文件未改动。")
    for line in result.left_behind:
        print(f"注意：{line}（未带入）。")
    for line in result.notes:
        print(f"注意：{line}。")
    return 0


def cmd_check(args) -> int:
    from desktop import rules

    with _open(args.file, read_only=True) as report:
        findings = rules.check(report)
    if args.json:
        print(rules.check_json(findings))
    else:
        for f in findings:
            print(f"{'错误' if f.severity == 'error' else '提示'}  {f.message}")
        errors = sum(f.severity == "error" for f in findings)
        print(f"共 {errors} 个错误，{len(findings) - errors} 个提示。")
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else 0


def cmd_export(args) -> int:
    if args.into and not args.xlsx:
        raise CommandError("--into 需要与 --xlsx 一起使用：请用 --xlsx 指定填好的表格保存到哪里。")
    if not args.xlsx and not args.pdf and not args.docx:
        raise CommandError("请用 --xlsx、--pdf 或 --docx 指定导出文件。")
    from desktop.exports import export

    targets = {}
    if args.xlsx:
        targets["xlsx"] = args.xlsx
    if args.pdf:
        targets["table_pdf" if args.table_only else "pdf"] = args.pdf
    if args.docx:
        targets["docx"] = args.docx
    for written in export(args.file, targets, {"into": args.into} if args.into else None):
        for line in written.notes:
            print(line)
        pages = f"（{written.pages} 页）" if written.pages and written.key != "docx" else ""
        print(f"已导出 {written.path}{pages}")
        if written.missing_chars:
            print(f"注意：字体中缺少这些字符，已以“□”代替：{''.join(written.missing_chars)}",
                  file=sys.stderr)
        for warning in written.warnings:
            print(f"注意：{warning}。", file=sys.stderr)
    return 0


WORD_SUFFIXES = (".docx", ".doc", ".wps", ".docm", ".rtf", ".odt")


def cmd_import(args) -> int:
    from desktop.importer import apply, plan_import
    from desktop.lock import ReportLock
    from desktop.report import Report

    if args.book.suffix.lower() in WORD_SUFFIXES:
        return _import_word(args)
    with ReportLock(args.file), Report.open(args.file) as report:
        plan = plan_import(report, args.book, sheet=args.sheet)
        for line in plan.notes:
            print(f"注意：{line}")
        for change in plan.items:
            print(change.describe())
        stop = _stop_before_writing(plan, plan.unmatched + plan.refused, args.dry_run)
        if stop is not None:
            return stop
        count = apply(report, plan)
        print(f"已导入 {count} 项。")
    return 0


def _stop_before_writing(plan, problems: list[str], dry_run: bool) -> int | None:
    """An import's last words before it writes (workbook or Word alike): what cannot be
    imported, then the summary; the exit code when nothing is to be written (refused, or
    a dry run), None to go on."""
    for line in problems:
        print(f"无法导入：{line}", file=sys.stderr)
    if not plan.ok:
        print(plan.summary(), file=sys.stderr)
        return EXIT_FAILED
    print(plan.summary())
    if dry_run:
        print("（试运行：未写入任何内容）")
        return 0
    return None


def _import_word(args) -> int:
    """A Word report: the outline found (chapter by chapter, with counts), then all or nothing."""
    from desktop.lock import ReportLock
    from desktop.report import Report
    from desktop.word_import import apply_word_import, plan_word_import

    with ReportLock(args.file), Report.open(args.file) as report:
        plan = plan_word_import(report, args.book)
        for line in plan.preview():
            print(line)
        if plan.values is not None:
            for change in plan.values.changes:
                print(f"  {change.describe()}")
        for line in plan.notes + (plan.values.notes if plan.values is not None else []):
            print(f"注意：{line}")
        stop = _stop_before_writing(plan, plan.problems(), args.dry_run)
        if stop is not None:
            return stop
        if apply_word_import(report, plan):
            print(f"已导入：{len(plan.chapters)} 章" + (
                f"，{len(plan.values.changes)} 个数值。" if plan.values is not None else "。"))
    return 0


def cmd_edition_from_workbook(args) -> int:
    from desktop.edition_from_workbook import write_edition
    from desktop.exports import check_output

    check_output(args.out)
    made = write_edition(args.blank, args.out, base=args.base, title=args.title)
    for line in made.summary():
        print(line)
    print(f"已写入 {args.out}（{len(made.tables)} 张附表）")
    return 0


def cmd_collect(args) -> int:
    from desktop.exports import export_collection

    path, indicators, tables = export_collection(args.file, args.department, args.out)
    print(f"已写入 {path}（{indicators} 个指标，{tables} 张表）")
    return 0


def cmd_gui(args) -> int:
    from desktop.ui.app import run

    return run(args.file, smoke=args.smoke)


def cmd_screenshots(args) -> int:
    from desktop.ui.app import screenshots

    try:
        width, height = (int(n) for n in args.screen.lower().split("x"))
    except ValueError:
        raise CommandError(f"屏幕尺寸“{args.screen}”应写成 宽x高，如 1366x768。") from None
    return screenshots(args.file, args.dir, (width, height))


def cmd_restore(args) -> int:
    """List the backups of FILE, or restore one (by path or by its number in the list)."""
    from desktop.backups import list_backups, restore
    from desktop.lock import ReportLock

    backups = list_backups(args.file)
    if args.backup is None:
        if not backups:
            print(f"{args.file} 还没有备份。")
            return 0
        for n, b in enumerate(backups, start=1):
            print(f"{n:3}  {b.label}  {b.path}")
        return 0
    chosen = args.backup
    if str(chosen).isdigit() and not chosen.exists():
        index = int(str(chosen)) - 1
        if not 0 <= index < len(backups):
            raise CommandError(f"没有第 {index + 1} 个备份（共 {len(backups)} 个）。")
        chosen = backups[index].path
    with ReportLock(args.file):
        saved = restore(args.file, chosen)
    before = f"；恢复前的内容已备份到 {saved.path}" if saved else ""
    print(f"已从 {chosen} 恢复 {args.file}{before}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "editions": cmd_editions,
    "next": cmd_next,
    "edition": cmd_edition,
    "gui": cmd_gui,
    "sample": cmd_sample,
    "new": cmd_new,
    "import": cmd_import,
    "check": cmd_check,
    "export": cmd_export,
    "collect": cmd_collect,
    "screenshots": cmd_screenshots,
    "restore": cmd_restore,
}
