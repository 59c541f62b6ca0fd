"""报告信息: what the cover prints — title lines, school, date, logo — in one place, which
is also where the school's name is changed. Stored through Report.set_cover."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop import images
from desktop.report import Cover, Report
from desktop.ui.dialog_buttons import ok_cancel
from desktop.ui.figure_editor import IMAGE_FILTER
from desktop.ui.form_rows import error_label

LOGO_PREVIEW = 72


class ReportInfoDialog(QDialog):
    def __init__(self, report: Report, parent=None):
        super().__init__(parent)
        self.setWindowTitle("报告信息")
        self.report = report
        cover = report.cover()
        self.logo = cover.logo
        self.school = QLineEdit(cover.school, self)
        self.school.setToolTip("封面、页眉和质量数据表的填报单位都用这个名称")
        self.title_lines = QPlainTextEdit("\n".join(cover.title_lines), self)
        self.title_lines.setTabChangesFocus(True)
        default = report.title
        i = default.find("质量")
        shown = f"{default[:i]}\n{default[i:]}" if i > 0 else default
        self.title_lines.setPlaceholderText(f"每行一行；留空则印：\n{shown}")
        self.title_lines.setFixedHeight(self.title_lines.fontMetrics().height() * 4 + 12)
        self.date = QDateEdit(self, displayFormat="yyyy年M月", calendarPopup=False)
        year, _, month = (cover.date or "").partition("-")
        if year.isdigit() and month.isdigit():
            self.date.setDate(QDate(int(year), int(month), 1))
        else:
            self.date.setDate(QDate.currentDate())
        self.preview = QLabel(self, alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(LOGO_PREVIEW, LOGO_PREVIEW)
        self.preview.setStyleSheet("QLabel { border: 1px solid #d9d4ca; }")
        self.choose = QPushButton("选择图片…", self, clicked=self.choose_logo)
        self.remove = QPushButton("移除", self, clicked=lambda: self.set_logo(b""))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview)
        logo_row.addWidget(self.choose)
        logo_row.addWidget(self.remove)
        logo_row.addStretch(1)
        form = QFormLayout()
        form.addRow("学校名称(&S)：", self.school)
        form.addRow("封面标题(&T)：", self.title_lines)
        form.addRow("封面日期(&D)：", self.date)
        # a row holding a layout gets no buddy from the form: without one the label shows
        # "(&L)" as typed and Alt+L goes nowhere
        logo_label = QLabel("校徽或标志(&L)：", self)
        logo_label.setBuddy(self.choose)
        form.addRow(logo_label, logo_row)
        self.error = error_label(self)
        buttons = ok_cancel(self, on_ok=self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这些内容印在 PDF 和 Word 报告的封面上。", self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.set_logo(self.logo)

    def set_logo(self, data: bytes) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.preview.setPixmap(pixmap.scaled(
                LOGO_PREVIEW - 4, LOGO_PREVIEW - 4, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("无")
        self.remove.setEnabled(bool(data))

    def choose_logo(self, path: Path | str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "选择校徽或标志", "", IMAGE_FILTER)
            if not path:
                return False
        try:
            raw = Path(path).read_bytes()
            images.prepare(raw, Path(path).name)  # refused here, while the dialog is open
        except images.ImageRefused as exc:
            self.error.setText(str(exc))
            return False
        except OSError as exc:
            self.error.setText(f"无法读取 {Path(path).name}：{exc.strerror or exc}。")
            return False
        self.error.clear()
        self.set_logo(raw)
        return True

    def cover(self) -> Cover:
        lines = tuple(line.strip() for line in self.title_lines.toPlainText().splitlines()
                      if line.strip())
        return Cover(lines, self.school.text().strip(), self.date.date().toString("yyyy-MM"),
                     self.logo)

    def _accept(self) -> None:
        from desktop.report import field_problem

        if not self.school.text().strip():
            self.error.setText("请填写学校名称。")
            self.school.setFocus()
            return
        cover = self.cover()
        problem = field_problem("school", cover.school) or next(
            (p for line in cover.title_lines if (p := field_problem("title", line))), None)
        if problem:  # said here, while what was typed is still in the dialog
            self.error.setText(problem)
            return
        self.accept()
