"""One export pipeline for the command line and the window.

`export(report_path, {"xlsx": out, "pdf": out2})` reads the report once (one snapshot),
assembles the document once, and has each target's writer write its file; every writer
replaces its target atomically (`desktop.atomic`). A new format is one entry in `TARGETS`:
its key, whether it needs the photos' bytes, and a function that writes the document to a
path and says what it wrote. Writers are imported inside their function, so exporting an
.xlsx never loads reportlab and the reverse.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct

from desktop.document import Document
from desktop.errors import UserError


class ExportRefused(UserError):
    """An export cannot start (a target is a folder, its folder does not exist …)."""


class Written(Struct, frozen=True):
    """One file written, and what the person should know about it."""

    key: str
    path: Path
    pages: int | None = None
    missing_chars: tuple[str, ...] = ()  # printed as □: the fonts lack them
    warnings: tuple[str, ...] = ()  # e.g. a photo that could not be read
    notes: tuple[str, ...] = ()  # what was done, line by line (the bureau's form filled)


class Target(Struct, frozen=True):
    key: str
    suffix: str  # the only name ending its file may have: Excel/WPS refuse a mismatch
    photos: bool  # the writer needs the photos' bytes (assembling reads them from the file)
    # writes the document to the path; reads from the options what concerns it (e.g. "into")
    write: Callable[[Document, Path, dict[str, Any]], Written]


def _xlsx(doc: Document, out: Path, options: dict[str, Any]) -> Written:
    if options.get("into"):  # the bureau's own workbook, filled cell by cell
        from desktop.formats.xlsx_fill import fill_workbook

        result = fill_workbook(doc, options["into"], out)
        return Written("xlsx", out, notes=tuple(result.summary()))
    from desktop.formats.xlsx import write_xlsx

    write_xlsx(doc, out)
    return Written("xlsx", out)


def _pdf(table_only: bool) -> Callable[[Document, Path, dict[str, Any]], Written]:
    def write(doc: Document, out: Path, options: dict[str, Any]) -> Written:
        from desktop.formats.pdf import write_pdf

        result = write_pdf(doc, out, table_only=table_only)
        return Written("table_pdf" if table_only else "pdf", out, result.pages,
                       tuple(result.missing_chars), tuple(result.warnings))

    return write


def _docx(doc: Document, out: Path, options: dict[str, Any]) -> Written:
    from desktop.formats.docx_write import TOC_NOTE, write_docx

    result = write_docx(doc, out)
    # no page count: Word and WPS lay the pages out themselves
    return Written("docx", out, warnings=tuple(result.warnings), notes=(TOC_NOTE,))


TARGETS: dict[str, Target] = {
    "xlsx": Target("xlsx", ".xlsx", photos=False, write=_xlsx),
    "pdf": Target("pdf", ".pdf", photos=True, write=_pdf(table_only=False)),
    "table_pdf": Target("table_pdf", ".pdf", photos=False, write=_pdf(table_only=True)),
    "docx": Target("docx", ".docx", photos=True, write=_docx),
}


def check_output(path: Path) -> None:
    """A file can be written there; said before any work, not as a temporary file's error."""
    if path.is_dir():
        raise ExportRefused(f"{path} 是文件夹，请给出要写入的文件名。")
    if not path.parent.is_dir():
        raise ExportRefused(f"文件夹 {path.parent} 不存在。")


def check_suffix(out: Path, suffix: str) -> None:
    """The output's name ends as its format does: Excel/WPS refuse a mismatch, and a wrong
    ending is how a report file (.qreport) gets written over by a workbook or an edition."""
    if out.suffix.lower() != suffix:
        kind = suffix[1:].upper()
        raise ExportRefused(f"{out.name} 的扩展名应为 {suffix}（要写入的是 {kind} 文件）："
                            f"请改为 {out.stem}{suffix}。")


# files SQLite and the lock keep beside a report: replacing one loses edits or lets a
# second program in (a live -wal holds committed edits not yet in the file itself)
COMPANIONS = ("-wal", "-shm", "-journal", ".lock")


def check_outputs(report_path: Path | str, outs: list[Path]) -> None:
    """Every output can be written, none is the report itself or one of the files kept
    beside it, no two are the same file."""
    seen: set[Path] = set()
    report = Path(report_path)
    real = Path(os.path.realpath(report))
    companions = {real.with_name(real.name + end) for end in COMPANIONS} | {
        report.resolve().with_name(report.name + end) for end in COMPANIONS}
    for out in outs:
        check_output(out)
        where = out.resolve()
        if where == report.resolve() or (out.exists() and report.exists() and os.path.samefile(out, report)):
            raise ExportRefused(f"{out} 是报告文件本身，导出会覆盖它：请换一个文件名。")
        if where in companions:
            raise ExportRefused(f"{out} 是报告文件 {report.name} 旁边由本程序使用的文件，导出会破坏报告："
                                "请换一个文件名。")
        if where in seen:
            raise ExportRefused(f"两个导出写到了同一个文件 {out}：请分别给出文件名。")
        seen.add(where)


def export_collection(report_path: Path | str, department: str, out: Path | str) -> tuple[Path, int, int]:
    """A department's collection workbook (qreport collect, 导出 → 部门采集表…), its target
    checked as every export's; the path written, how many indicators and tables it asks for."""
    from desktop.collect import department_items, write_collection
    from desktop.report import Report

    out = Path(out)
    check_outputs(report_path, [out])
    check_suffix(out, ".xlsx")  # never over another report (.qreport)
    with Report.open(report_path, read_only=True) as report:
        path = write_collection(report, department, out)
        indicators, tables = department_items(report, department)
    return path, len(indicators), len(tables)


def export(report_path: Path | str, targets: Mapping[str, Path | str],
           options: Mapping[str, Any] | None = None) -> list[Written]:
    """Write each target (key → output path) from one assembled document, in the order given."""
    from desktop import assemble
    from desktop.report import Report

    chosen = [(TARGETS[key], Path(out)) for key, out in targets.items()]
    if not chosen:
        raise ExportRefused("没有指定要导出的文件。")
    check_outputs(report_path, [out for _, out in chosen])
    for target, out in chosen:
        check_suffix(out, target.suffix)
    with Report.open(report_path, read_only=True) as report:
        doc = assemble.build(report, photos=any(t.photos for t, _ in chosen))
    shared = dict(options or {})
    return [target.write(doc, out, shared) for target, out in chosen]
