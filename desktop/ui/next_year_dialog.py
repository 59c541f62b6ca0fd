"""The 新建下一年度报告 dialog: which edition and year the next report is written in, and
where it goes. The carrying itself is desktop.next_year.make_next, as for `qreport next`."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from desktop import next_year
from desktop import template as templates
from desktop.next_year import served, serves
from desktop.report import Report
from desktop.ui.dialog_buttons import OK, ok_cancel
from desktop.ui.form_rows import error_label, muted_label, new_report_row

OWN = ""  # the combo's data for the old report's own edition (its stored copy, as `next` without --edition)


class NextChoice(Struct):
    edition: str  # an edition's id: the old report's own (its stored copy) or another
    report_year: int
    with_figures: bool
    path: Path


class NextYearDialog(QDialog):
    def __init__(self, old: Report, folder: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("新建下一年度报告")
        self.old_path = old.file.path
        self.old = old  # the window's open report, for the core's choice of edition and year
        self.old_year = old.year  # data year: the new one must come after it
        self.school = old.school
        self.folder = folder
        own = old.edition
        self.specs: dict[str, templates.Template] = {OWN: own}
        self.edition = QComboBox(self)
        # the installed editions as `qreport editions` lists them; the report's own one says so
        listed = False
        for edition_id in templates.available():
            try:
                spec = templates.load(edition_id)
            except templates.TemplateError:
                continue
            if edition_id == own.id:
                listed = True
                self.edition.addItem(f"{spec.name}（上一年度报告所用）", OWN)
            else:
                self.specs[edition_id] = spec
                self.edition.addItem(spec.name, edition_id)
        if not listed:  # an edition of the school's own, kept in the report
            self.edition.insertItem(0, f"{own.name}（上一年度报告所用）", OWN)
        # the edition `qreport next` takes without --edition: its own while it serves the year after
        chosen = next_year.default_edition(old)
        default = OWN if chosen is own or self.edition.findData(chosen.id) < 0 else chosen.id
        self.edition.setCurrentIndex(self.edition.findData(default))
        if default == OWN:
            hint = "沿用上一年度报告的版本；如需改用其他版本，可在此选择。"
        else:
            hint = (f"上一年度报告用的版本只适用于{served(own)}年度，"
                    f"本年度建议改用{served(self.specs[default])}年度的版本。")
        self.hint = muted_label(self, hint)
        self.year = QComboBox(self)  # the report year (its title's), within the edition's years
        self.title = muted_label(self)  # the title that year prints, and its data year
        self.figures = QCheckBox("同时带入上一年度的图片", self)
        self.path, browse, path_row = new_report_row(self)
        self._suggested = ""
        form = QFormLayout()
        form.addRow("报告版本：", self.edition)
        form.addRow("", self.hint)
        form.addRow("报告年度：", self.year)
        form.addRow("", self.title)
        form.addRow("", self.figures)
        form.addRow("保存为：", path_row)
        self.error = error_label(self)
        self.buttons = ok_cancel(self, "创建", self._accept)
        self.buttons.button(OK).setDefault(True)
        layout = QVBoxLayout(self)
        intro = QLabel(f"由“{old.title}”新建下一年度报告：数值、文字和表格带入新报告，"
                       "原报告不会改动。", self, wordWrap=True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.edition, self.year)
        self.setTabOrder(self.year, self.figures)
        self.setTabOrder(self.figures, self.path)
        self.setTabOrder(self.path, browse)
        self.setTabOrder(browse, self.buttons)
        self.edition.currentIndexChanged.connect(self._edition_changed)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.path.textEdited.connect(lambda _text: self.error.clear())
        self._edition_changed()
        self.edition.setFocus()
        self.resize(560, self.sizeHint().height())

    def spec(self) -> templates.Template:
        return self.specs[self.edition.currentData()]

    def _edition_changed(self) -> None:
        """The years the chosen edition serves, from the one after the old report's; the
        next one if it serves it, else this calendar year's report."""
        spec = self.spec()
        first, last = spec.years
        after = spec.report_year(self.old_year + 1)  # the earliest year that may follow
        years = list(range(max(first, after), last + 1)) or [after]
        self.year.blockSignals(True)
        self.year.clear()
        for year in years:
            self.year.addItem(f"{year} 年度", year)
        wanted = next_year.default_year(self.old_year, spec)
        index = self.year.findData(wanted)
        self.year.setCurrentIndex(index if index >= 0 else 0)
        self.year.blockSignals(False)
        self._year_changed()

    def _year_changed(self) -> None:
        spec, year = self.spec(), self.year.currentData()
        if year is None:
            return
        # the 2022 report covers data year 2021; the 2024年度 report, 2024
        outside = "" if serves(spec, year) else f"；该版本只适用于{served(spec)}年度的报告"
        self.title.setText(f"{spec.at_year(year).title}（数据年度 {spec.data_year(year)} 年{outside}）")
        if self.path.text() == self._suggested:  # a place the user chose stays theirs
            self._suggested = str(self.folder / f"{self.school}{year}质量报告.qreport")
            self.path.setText(self._suggested)

    def _accept(self) -> None:
        try:  # an edition that does not serve the year: said here, as `qreport next` says it
            next_year.choose(self.old, self._edition_id(), self.year.currentData())
        except next_year.NextYearRefused as exc:
            self.error.setText(str(exc))
            return
        if not self.path.text().strip():
            self.error.setText("请填写新报告的保存位置。")
            return
        path = self.choice().path
        if not path.parent.is_dir():
            self.error.setText(f"找不到文件夹 {path.parent}，请换一个保存位置。")
            return
        if path.exists():
            # said here, while what was chosen is still in the dialog
            same = path.resolve() == Path(self.old_path).resolve()
            self.error.setText("新报告不能覆盖原报告，请换一个文件名。" if same
                               else f"{path} 已存在，请换一个文件名。")
            return
        self.accept()

    def choice(self) -> NextChoice:
        path = self.folder / Path(self.path.text().strip()).expanduser()  # a bare name: beside the report
        if path.suffix != ".qreport":
            path = path.with_name(path.name + ".qreport")
        return NextChoice(self._edition_id(), self.year.currentData(), self.figures.isChecked(), path)

    def _edition_id(self) -> str:
        # named even when it is the report's own: `next` without one takes the default
        return self.edition.currentData() or self.old.edition.id
