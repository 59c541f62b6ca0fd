"""The 新建报告 dialog: school, edition, year and where the file goes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from desktop import template as templates
from desktop.ui.dialog_buttons import ok_cancel
from desktop.ui.form_rows import error_label, muted_label, new_report_row


class NewReportDialog(QDialog):
    def __init__(self, parent=None, folder: Path | None = None,
                 from_file: templates.Template | None = None):
        """`from_file`: an edition read from a file (made from the bureau's form), offered first."""
        super().__init__(parent)
        self.setWindowTitle("新建报告")
        self.school = QLineEdit(self, placeholderText="如 聊城高级工程职业学校")
        self.edition = QComboBox(self)
        if from_file is not None:
            self.edition.addItem(f"{from_file.name}（来自版本文件）", from_file)
        for edition in templates.available():
            try:
                title = templates.load(edition).name
            except templates.TemplateError:
                continue
            self.edition.addItem(title, edition)
        self.year = QSpinBox(self, minimum=2000, maximum=2100)  # the report year (its title's)
        self.title = muted_label(self)  # the title that year prints, and its data year
        self.path, _browse, path_row = new_report_row(self)
        self.folder = folder or Path.home()
        self._suggested = ""
        form = QFormLayout()
        form.addRow("学校名称：", self.school)
        form.addRow("报告版本：", self.edition)
        form.addRow("报告年度：", self.year)
        form.addRow("", self.title)
        form.addRow("保存为：", path_row)
        self.error = error_label(self)
        buttons = ok_cancel(self, "创建", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.edition.currentIndexChanged.connect(self._edition_changed)
        self.school.textChanged.connect(self._suggest_path)
        self.year.valueChanged.connect(self._year_changed)
        # the newest edition, at its current year: what a school is asked for this year
        newest = self.edition.findData(templates.newest())
        if from_file is None and newest >= 0:
            self.edition.setCurrentIndex(newest)
        self._edition_changed()
        self.resize(520, self.sizeHint().height())

    def spec(self):
        edition = self.edition.currentData()
        if not edition:
            return None
        if isinstance(edition, templates.Template):
            return edition
        try:
            return templates.load(edition)
        except templates.TemplateError:
            return None

    def _edition_changed(self) -> None:
        spec = self.spec()
        if spec is not None:
            first, last = spec.years
            self.year.blockSignals(True)
            self.year.setRange(first, last)
            self.year.setValue(spec.current_year(date.today().year))
            self.year.blockSignals(False)
        self._year_changed()

    def _year_changed(self) -> None:
        spec = self.spec()
        if spec is not None:
            year = self.year.value()
            # the 2022 report covers data year 2021; the 2024年度 report, 2024
            self.title.setText(f"{spec.at_year(year).title}（数据年度 {spec.data_year(year)} 年）")
        self._suggest_path()

    def _suggest_path(self) -> None:
        if self.path.text() and self.path.text() != self._suggested:
            return  # a place the user chose (浏览… or typed) stays theirs
        name = self.school.text().strip() or "新报告"
        self._suggested = str(self.folder / f"{name}{self.year.value()}质量报告.qreport")
        self.path.setText(self._suggested)

    def _accept(self) -> None:
        if not self.school.text().strip():
            self.error.setText("请填写学校名称。")
            return
        if not self.path.text().strip():
            self.error.setText("请选择保存位置。")
            return
        path = self.values()[3]
        if path.suffix != ".qreport":
            path = path.with_name(path.name + ".qreport")
        if not path.parent.is_dir():
            # the folder offered (Documents) may not exist yet on a fresh account: made, as
            # Word makes it; a folder the user typed is theirs to correct
            if path.parent != self.folder:
                self.error.setText(f"找不到文件夹 {path.parent}，请换一个保存位置。")
                return
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                self.error.setText(f"无法建立文件夹 {path.parent}，请用“浏览…”换一个保存位置。")
                return
        if path.exists():
            # said here, while what was typed is still in the dialog
            self.error.setText(f"{path} 已存在。请换一个文件名，或用“打开”打开它。")
            return
        self.accept()

    def values(self) -> tuple[str, str | templates.Template, int, Path]:
        """School, edition, data year (what Report.create takes), path."""
        spec = self.spec()
        year = spec.data_year(self.year.value()) if spec is not None else self.year.value()
        return (self.school.text().strip(), self.edition.currentData(), year,
                Path(self.path.text().strip()))


