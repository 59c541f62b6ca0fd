"""The bureau's own workbook in the window: an edition from its blank form (with a preview
before anything is saved), and the form filled back (导出 → 填写主管部门下发的表格…).

The work is the command line's (`desktop.edition_from_workbook`, `desktop.exports` with
`into`); this module only asks for files and shows what was done. Both are quick for a
form of a few sheets, so they run on the window's thread under a wait cursor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import template as templates

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class SummaryDialog(QDialog):
    """A title line, the summary lines, and the buttons given."""

    def __init__(self, parent: QWidget, title: str, head: str, lines: list[str], accept_text: str = ""):
        super().__init__(parent, windowTitle=title)
        self.head = QLabel(head, self, wordWrap=True)
        self.text = QPlainTextEdit("\n".join(lines), self, readOnly=True)
        self.buttons = QDialogButtonBox(self)
        if accept_text:
            self.accept_button = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("关闭" if not accept_text else "取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(680, 480)


def _busy(window: QWidget, work):
    window.setCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        window.unsetCursor()


def _file_sentence(exc: OSError, path: Path) -> str:
    from db import file_errors

    return file_errors.sentence(exc, path)


def _warn(window, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=window)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def fill_form(window, blank: Path | None = None, out: Path | None = None) -> QDialog | None:
    """导出 → 填写主管部门下发的表格…: the blank form, where to save it filled, a summary."""
    from desktop.errors import UserError

    report = window.report
    folder = str(report.file.path.parent)
    if blank is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "选择主管部门下发的表格", folder, XLSX_FILTER)
        if not chosen:
            return None
        blank = Path(chosen)
    if out is None:
        suggested = blank.with_name(f"{blank.stem}（{report.school}已填）.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(window, "保存填好的表格", str(suggested), XLSX_FILTER)
        if not chosen:
            return None
        out = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
    if hasattr(window, "commit_pending_edits"):
        window.commit_pending_edits()  # what was just typed goes into the form
    from desktop.exports import export

    try:
        (written,) = _busy(window, lambda: export(report.file.path, {"xlsx": out}, {"into": blank}))
    except UserError as exc:
        return _warn(window, "无法填写表格", str(exc))
    except PermissionError:
        return _warn(window, "无法填写表格",
                     f"无法写入 {out.name}：文件可能正在被 Excel/WPS 打开，请关闭后重试。")
    except OSError as exc:  # a full disk, a name too long …
        return _warn(window, "无法填写表格", _file_sentence(exc, out))
    dialog = SummaryDialog(window, "填写主管部门下发的表格", f"已保存到 {out}", list(written.notes))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def edition_from_form(window, blank: Path | None = None, out: Path | None = None) -> QDialog | None:
    """新建报告 → 使用主管部门下发的指标表: what was understood is shown first; the edition
    file is written only when the person accepts the preview."""
    from desktop.edition_from_workbook import make_edition, write_edition
    from desktop.errors import UserError

    folder = str(window.report.file.path.parent)
    if blank is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "选择主管部门下发的指标表", folder, XLSX_FILTER)
        if not chosen:
            return None
        blank = Path(chosen)
    try:
        made = _busy(window, lambda: make_edition(blank, "preview"))
    except UserError as exc:
        return _warn(window, "无法识别指标表", str(exc))
    dialog = SummaryDialog(window, "使用主管部门下发的指标表：预览",
                           f"从 {blank.name} 识别出 {len(made.tables)} 张附表，请核对后保存为报告版本文件。",
                           made.summary(), accept_text="保存版本文件…")

    def save() -> None:
        target = out
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(window, "保存报告版本", str(blank.with_suffix(".toml")),
                                                    "报告版本 (*.toml)")
            if not chosen:
                return
            target = Path(chosen)
        try:
            write_edition(blank, target)
            edition = templates.load_text(target.read_text(encoding="utf-8"), target.stem)
        except UserError as exc:
            _warn(window, "无法保存版本文件", str(exc))
            return
        except OSError as exc:  # a full disk, a read-only folder …
            _warn(window, "无法保存版本文件", _file_sentence(exc, target))
            return
        window.statusBar().showMessage(f"已保存报告版本 {target}", 10000)
        # the point of the form: this year's report in it, the edition offered first
        window.new_report(edition)

    dialog.accepted.connect(save)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
