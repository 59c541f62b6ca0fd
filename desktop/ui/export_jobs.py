"""Exports on a worker thread, with a progress dialog, so the window never freezes.

The worker opens its own `Report` on the file (a SQLite connection belongs to one thread)
and runs the same code as `qreport export`: `assemble.build`, then the Excel or PDF
writer. Those import openpyxl/reportlab, which is why they are imported here, lazily and
on the worker, and never at start-up. The writers replace the target atomically; a
target held open by Excel/WPS or a PDF viewer raises PermissionError, which is said in
plain words.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from msgspec import Struct
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.errors import UserError
from desktop.report import Report, ReportFileError

LOCKED = "文件正在被 Excel/WPS 打开，请关闭后重试。"


class ExportKind(Struct, frozen=True):
    key: str
    label: str  # what is being exported, for dialogs: "Excel {tables}" (see `what`)
    suffix: str
    file_filter: str

    def what(self, template) -> str:
        """The label with the edition's name for its indicator tables (质量数据表, 指标表)."""
        return self.label.replace("{tables}", template.tables_name)

    def default_name(self, report: Report, department: str = "") -> str:
        school = report.school
        # the tables' data year in the name: next year's export does not offer to
        # overwrite this year's (the title of the PDF and Word names carries it already)
        tables = f"{report.year}年{report.template.tables_name}"
        return {
            "xlsx": f"{school}{tables}.xlsx",
            "pdf": f"{school}{report.template.title}.pdf",
            "docx": f"{school}{report.template.title}.docx",
            "table_pdf": f"{school}{tables}.pdf",
            "collect": f"{school}{report.year}年{department}数据采集表.xlsx",
        }[self.key]


KINDS = {
    "xlsx": ExportKind("xlsx", "Excel {tables}", ".xlsx", "Excel 工作簿 (*.xlsx)"),
    "pdf": ExportKind("pdf", "PDF 报告", ".pdf", "PDF 文件 (*.pdf)"),
    "docx": ExportKind("docx", "Word 文档", ".docx", "Word 文档 (*.docx)"),
    "table_pdf": ExportKind("table_pdf", "{tables} PDF", ".pdf", "PDF 文件 (*.pdf)"),
    "collect": ExportKind("collect", "部门采集表", ".xlsx", "Excel 工作簿 (*.xlsx)"),
}


def run_export(source: Path, kind: str, out: Path, department: str = "") -> str:
    """Do one export (on any thread); returns a note for the user, e.g. the page count."""
    if kind == "collect":
        from desktop.exports import export_collection

        export_collection(source, department, out)
        return f"只含“{department}”负责填报的指标和表格，可发给该部门填写后再导入。"
    from desktop.exports import export

    (written,) = export(source, {kind: Path(out)})
    note = f"共 {written.pages} 页。" if written.pages else ""
    for line in written.notes:  # e.g. how the Word 目录 gets its page numbers
        note += f"\n{line}" if note else line
    if written.missing_chars:
        note += f"字体中缺少这些字符，已用“□”代替：{''.join(written.missing_chars)}"
    for warning in written.warnings:
        note += f"\n{warning}。"
    return note


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return LOCKED
    if isinstance(exc, ReportFileError):
        return str(exc)
    # a full disk, a read-only folder … (the writers name the target); an OSError without an
    # errno is a library's (Pillow: a damaged picture), not the disk's
    if isinstance(exc, OSError) and exc.errno is not None:
        from db import file_errors

        return file_errors.sentence(exc)
    import traceback

    traceback.print_exception(exc)  # a bug: its traceback for the developer, a sentence for the user
    # the class name is a code to pass on, not words the clerk is expected to read
    return (f"导出失败：程序内部出错（错误代码 {type(exc).__name__}），报告文件没有受影响。"
            "请把报告文件和这句话发给软件维护人员。")


class _Signals(QObject):
    finished = Signal(str, str)  # path, note
    failed = Signal(str)


class ExportJob(QRunnable):
    def __init__(self, source: Path, kind: str, out: Path, department: str = ""):
        super().__init__()
        self.source, self.kind, self.out, self.department = source, kind, out, department
        self.open_when_done = False
        self.signals = _Signals()  # created on the GUI thread: its slots run there

    def run(self) -> None:
        try:
            note = run_export(self.source, self.kind, self.out, self.department)
        except BaseException as exc:  # anything: said in a dialog, the thread ends cleanly
            self.signals.failed.emit(describe_error(exc))
        else:
            self.signals.finished.emit(str(self.out), note)


class ExportController(QObject):
    """Starts jobs, shows progress, and offers to open the result."""

    done = Signal(str)  # the written path (tests wait for it)
    failed = Signal(str)

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one export at a time: the user waits for one anyway
        self._jobs: set[ExportJob] = set()
        self.progress: QProgressDialog | None = None
        self.last_dialog: QMessageBox | None = None

    def start(self, source: Path, kind: str, out: Path, department: str = "",
              open_when_done: bool = False) -> ExportJob:
        """open_when_done: 打印… opens the PDF in the system's viewer instead of asking."""
        job = ExportJob(Path(source), kind, Path(out), department)
        job.open_when_done = open_when_done
        job.setAutoDelete(False)  # Python keeps it until its signals have been delivered
        self._jobs.add(job)
        job.signals.finished.connect(lambda path, note, job=job: self._finished(job, path, note))
        job.signals.failed.connect(lambda message, job=job: self._failed(job, message))
        self._show_progress(KINDS[kind].what(self.window.report.template))
        self.pool.start(job)
        return job

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, msecs: int = 60000) -> bool:
        return self.pool.waitForDone(msecs)

    def _show_progress(self, label: str) -> None:
        gap = " " if label[:1].isascii() else ""  # "导出 PDF 报告", "导出部门采集表"
        progress = QProgressDialog(f"正在导出{gap}{label}…", "", 0, 0, self.window)
        progress.setMinimumWidth(360)
        progress.setWindowTitle("导出")
        progress.setCancelButton(None)  # the writers cannot be stopped halfway
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.show()
        self.progress = progress

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _finished(self, job: ExportJob, path: str, note: str) -> None:
        self._jobs.discard(job)
        self._close_progress()
        if job.open_when_done:
            opened = QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            if not opened:
                self._failed(job, f"已生成 {path}，但没有找到打开 PDF 的程序。请安装 PDF 阅读器后再打印。")
                return
            bar = getattr(self.window, "statusBar", None)
            if bar is not None:
                bar().showMessage("已在 PDF 阅读器中打开报告，请在其中打印。", 10000)
            self.done.emit(path)
            return
        box = QMessageBox(QMessageBox.Icon.Information, "导出完成",
                          f"已导出到：\n{path}" + (f"\n\n{note}" if note else ""),
                          parent=self.window)
        open_file = box.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)

        def clicked(button) -> None:
            if button is open_file:
                QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            elif button is open_folder:
                show_in_folder(Path(path))

        box.buttonClicked.connect(clicked)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not a hidden child per export
        box.open()  # not exec(): the window keeps running
        self.last_dialog = box
        self.done.emit(path)

    def _failed(self, job: ExportJob, message: str) -> None:
        self._jobs.discard(job)
        self._close_progress()
        box = QMessageBox(QMessageBox.Icon.Warning, "导出未完成", message, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_dialog = box
        self.failed.emit(message)


def show_in_folder(path: Path) -> None:
    if sys.platform == "win32":
        # Explorer can select the file; opening the folder alone leaves the user to find it
        subprocess.Popen(["explorer", "/select,", str(path)])
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
