"""A report: the report file read through its edition's template.

The named operations the GUI and the command line call live here (set a value from typed
text, the values a year shows with derived ones filled in, numbering of tables and
figures), so neither has to know SQL or template internals.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct

from db.store import ReportFile, ReportFileError
from desktop import template as templates
from desktop.errors import UserError
from desktop.template import Template
from desktop.values import NA, ParseError, clean_text

# Single-line fields and the most characters each takes: a longer school name could not be
# printed on the cover, in the data table's heading or in the signing block of the form.
FIELD_LIMITS = {"school": ("学校名称", 60), "filler": ("填报人", 30), "reviewer": ("审核人", 30),
                "phone": ("联系电话", 40), "fill_date": ("填报日期", 30), "title": ("报告标题", 80)}


def field_problem(key: str, text: str) -> str | None:
    """Why `text` cannot be the single-line field `key`, or None."""
    label, limit = FIELD_LIMITS.get(key, (key, 0))
    if limit and ("\n" in text or "\r" in text):
        return f"{label}只能写一行。"
    if limit and len(text) > limit:
        return f"{label}最多 {limit} 个字，现在是 {len(text)} 个字，请缩短。"
    return None


class ValueRefused(UserError, ValueError):
    """Typed text refused for an indicator; str() is the whole message for the user."""

    def __init__(self, message: str, indicator: str, year: int, text: str):
        super().__init__(message)
        self.indicator = indicator
        self.year = year
        self.text = text


class Shown(Struct, frozen=True):
    """A value as a year shows it: stored, or derived from its formula when empty."""

    value: str | None
    derived: bool = False  # filled from the formula, not stored


EDITION_COPY = "edition_toml"  # meta key: the TOML text of the report's edition


LOGO_SIDE = 600  # pixels: a cover logo prints about 3 cm wide


def _small_logo(data: bytes) -> bytes:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(data))
    if max(image.size) <= LOGO_SIDE:
        return data
    image.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG" if image.mode == "RGBA" else "JPEG", quality=90)
    return out.getvalue()


class Cover(Struct, frozen=True):
    """The cover's fields: title lines (empty: the title, split the usual way), school,
    date as "YYYY-MM", logo as image bytes (b"": none)."""

    title_lines: tuple[str, ...]
    school: str
    date: str
    logo: bytes = b""


class Report:
    def __init__(self, file: ReportFile, template: Template):
        from desktop import settings

        self.file = file
        # the edition as this report's year reads it: titles and names carry their years
        self.edition = template
        report_year = template.report_year(int(file.get_meta("year")))
        self.template = template.at_year(report_year, file.get_meta("title") or None)
        name = settings.load().user_name.strip()
        if name:  # on a shared office PC the login name says little
            file.user = name

    # ------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, path: Path | str, *, lock=None, read_only: bool = False) -> Report:
        """Open a report. `lock`: the ReportLock the caller holds on it, if any (otherwise
        one is taken for the moment of opening when free, so leftover journals beside the
        file can be judged: desktop.lock.exclusive). read_only: only to read it (check, an
        export): no lock is taken, nothing is written, and a file on read-only media or
        without write permission opens too (every edit is then refused)."""
        name = Path(path).name
        found: dict[str, Template] = {}

        def check(meta: dict[str, str]) -> None:
            # refused before anything is written: a refused file stays byte for byte as it was
            edition = meta.get("edition", "")
            copy = meta.get(EDITION_COPY, "")
            try:
                # the report's own copy of its edition: it prints the same after the
                # edition file changes or disappears; files from before copies were kept
                # use the shipped edition of their id
                found["template"] = (templates.load_text(copy, edition) if copy
                                     else templates.load(edition))
            except templates.TemplateError:
                if copy:
                    raise ReportFileError(f"{name} 中保存的报告版本 {edition!r} 已损坏，"
                                          "请从备份恢复。") from None
                raise ReportFileError(f"{name} 使用的报告版本 {edition!r} 本程序不支持。") from None
            year = meta.get("year", "")
            if not (year.isascii() and year.isdigit()):
                raise ReportFileError(f"{name} 已损坏（数据年度 {year!r} 不是年份），请从备份恢复。")

        if read_only:
            file = ReportFile.open(path, check=check, read_only=True)
        else:
            from desktop import backups
            from desktop import lock as locks

            with locks.exclusive(path) as alone:
                file = ReportFile.open(path, before_migrate=lambda f: backups.make_backup(f, "migrate"),
                                       exclusive=alone or (lock is not None and lock.held),
                                       check=check)
        try:
            report = cls(file, found["template"])
        except BaseException:
            file.close()
            raise
        if not read_only and not file.get_meta(EDITION_COPY):  # from before reports kept their edition
            with (contextlib.suppress(sqlite3.Error, ReportFileError, OSError),
                  file.transaction("保存报告版本副本")):
                file.set_meta(EDITION_COPY, report.edition.source)
        return report

    @classmethod
    def new(cls, path: Path | str, school: str, edition: str | Template, report_year: int,
            fill=None) -> Report:
        """A new report of `school` in `edition` (an id, or an edition read from a file)
        for the report year `report_year` (the year its title prints; the edition says
        which data year that is)."""
        template = templates.load(edition) if isinstance(edition, str) else edition
        return cls.create(path, school, template, template.data_year(report_year), fill=fill)

    @classmethod
    def create(cls, path: Path | str, school: str, edition: str | Template, year: int,
               fill=None) -> Report:
        """A new report whose data year is `year` (the 2022 edition's report: 2021);
        `fill(report)` writes its first content before the file appears under its name
        (complete or not at all). The file keeps a copy of its edition."""
        # fail before a file exists
        template = templates.load(edition) if isinstance(edition, str) else edition
        school = clean_text(school)
        if not school:
            raise ReportFileError("学校名称不能为空。")
        problem = field_problem("school", school)
        if problem:
            raise ReportFileError(problem)

        def first_content(file: ReportFile) -> None:
            report = cls(file, template)
            report.create_outline()
            if fill is not None:
                fill(report)

        # the cover's date: the month the report is begun, until the office sets another
        file = ReportFile.create(
            path, {"school": school, "edition": template.id, "year": str(year),
                   "report_date": f"{date.today():%Y-%m}", EDITION_COPY: template.source},
            fill=first_content,
        )
        return cls(file, template)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def create_outline(self) -> None:
        """Chapter roots and the template's default sections, for a new report."""
        with self.file.transaction("template"):
            for chapter in self.template.chapters:
                root = self.file.chapter_root(chapter.id)
                self._add_outline(root, chapter.outline)

    def _add_outline(self, parent: int, entries) -> None:
        for entry in entries:
            sid = self.file.add_section(parent, entry.title)
            self._add_outline(sid, entry.sections)

    # ------------------------------------------------------------ meta
    @property
    def school(self) -> str:
        return self.file.get_meta("school")

    @property
    def year(self) -> int:
        """The data year of the report being written (the 2022 report: data year 2021)."""
        return int(self.file.get_meta("year"))

    @property
    def report_year(self) -> int:
        """The year the report's title prints (the 2022 report: 2022; 2024年度: 2024)."""
        return self.edition.report_year(self.year)

    @property
    def title(self) -> str:
        """The report's title: its own pattern (meta "title") or the edition's, for its year."""
        return self.template.title

    @property
    def years(self) -> tuple[int, int]:
        return (self.year - 1, self.year)

    # ------------------------------------------------------------ edition
    def edition_update(self) -> list[str]:
        """What moving this report to the shipped version of its edition would change, in
        sentences ([] when they are the same, or no edition of that id ships any more)."""
        try:
            shipped = templates.load(self.edition.id)
        except templates.TemplateError:
            return []
        if shipped.source == self.edition.source:
            return []
        return edition_differences(self.edition, shipped)

    def update_edition(self) -> None:
        """Move the report to the shipped version of its edition (values and texts stay;
        an indicator the new version lacks is no longer shown). Explicit: see
        `edition_update` for the preview."""
        shipped = templates.load(self.edition.id)
        with self.file.transaction("更新报告版本"):
            self.file.set_meta(EDITION_COPY, shipped.source)
        self.edition = shipped
        self.template = shipped.at_year(self.report_year, self.file.get_meta("title") or None)

    def set_title(self, pattern: str) -> str:
        """The report's own title (provinces print their own, e.g. 陕西省职业学校质量报告
        （{year}年度））; "" goes back to the edition's. {year} is the report's year.
        Returns the title as it now reads."""
        pattern = clean_text(pattern)
        if pattern.count("{") != pattern.count("}"):
            raise ReportFileError("报告标题中的“{”“}”不成对；年份请写 {year}。")
        with self.file.transaction("报告标题"):
            self.file.set_meta("title", pattern)
        self.template = self.edition.at_year(self.report_year, pattern or None)
        return self.title

    # ------------------------------------------------------------ settings
    @property
    def no_graduates(self) -> bool:
        """本年度无毕业生: the graduate indicators of the data year are not applicable."""
        return self.file.get_meta("no_graduates") == "1"

    def set_no_graduates(self, on: bool) -> list[str]:
        """Switch 本年度无毕业生 (one transaction): on, every graduate indicator of the data
        year becomes not applicable ("-", not missing); off, those "-" become empty again.
        Returns the indicator ids changed."""
        year = self.year
        values = self.file.values()
        graduate = [i.id for i in self.template.indicators.values() if i.graduate]
        if on:
            changed = [i for i in graduate if values.get((i, year)) != NA]
        else:
            changed = [i for i in graduate if values.get((i, year)) == NA]
        with self.file.transaction("本年度无毕业生" if on else "本年度有毕业生"):
            self.file.set_meta("no_graduates", "1" if on else "")
            self.file.set_values([(i, year, NA if on else None) for i in changed])
        return changed

    # ------------------------------------------------------------ cover
    def cover(self) -> Cover:
        """What the cover prints (报告信息): title lines, school, date, logo."""
        import base64
        import binascii

        meta = self.file.meta()
        try:
            logo = base64.b64decode(meta.get("cover_logo", ""), validate=True)
        except (binascii.Error, ValueError):  # a damaged value: no logo rather than no cover
            logo = b""
        lines = tuple(line for line in meta.get("cover_title", "").split("\n") if line.strip())
        return Cover(lines, meta.get("school", ""), meta.get("report_date", ""), logo)

    def set_cover(self, cover: Cover) -> Cover:
        """Store the cover's fields in one transaction; returns what was there before.
        The school must not be empty; the date is "YYYY-MM"; a logo is an image file's bytes
        (turned upright and scaled like a photo; ImageRefused when it is none)."""
        import base64
        import re

        from desktop import images

        school = clean_text(cover.school)
        if not school:
            raise ReportFileError("学校名称不能为空。")
        problem = field_problem("school", school) or next(
            (p for line in cover.title_lines if (p := field_problem("title", line))), None)
        if problem:
            raise ReportFileError(problem)
        if cover.date and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", cover.date):
            raise ReportFileError(f"封面日期“{cover.date}”应为年月，如 2022-01。")
        lines = [clean_text(line) for line in cover.title_lines]
        logo = cover.logo
        old = self.cover()
        if logo and logo != old.logo:
            logo = _small_logo(images.prepare(logo, "标志图片").data)
        with self.file.transaction():
            self.file.set_meta("school", school)
            self.file.set_meta("cover_title", "\n".join(line for line in lines if line))
            self.file.set_meta("report_date", cover.date)
            self.file.set_meta("cover_logo", base64.b64encode(logo).decode("ascii"))
        return old

    # ------------------------------------------------------------ values
    def set_text(self, indicator: str, year: int, text: str) -> str | None:
        """Parse what a user typed and store it (ValueRefused when it is not a value)."""
        canonical = self.parse(indicator, year, text)
        self.file.set_value(indicator, year, canonical)
        return canonical

    def set_note(self, indicator: str, year: int, text: str) -> str:
        """The 说明 (备注) of an indicator in a year; "" removes it. A note explains a true but
        unusual value and silences the 提示 about it (rules.check). Returns the old note."""
        if indicator not in self.template.indicators:
            raise KeyError(indicator)
        return self.file.set_note(indicator, year, clean_text(text))

    def parse(self, indicator: str, year: int, text: str, unit: str = "") -> str | None:
        """Canonical text for typed text; raises ValueRefused naming indicator and year.
        `unit`: what a bare number is in, when not the indicator's unit (an imported 单位)."""
        ind = self.template.indicators[indicator]
        try:
            return ind.type.parse(text, unit)
        except ParseError as exc:
            raise ValueRefused(exc.describe(ind.name, year), indicator, year, text) from exc

    def shown(self, values: dict[tuple[str, int], str] | None = None) -> dict[tuple[str, int], Shown]:
        """Every value of every year, derived indicators filled in where they are empty."""
        if values is None:
            values = self.file.values()
        result = {key: Shown(v) for key, v in values.items()}
        years = {year for _, year in values} | set(self.years)
        for year in years:
            nums = numbers(self.template, values, year)
            na = not_applicable(values, year)
            for ind in self.template.indicators.values():
                if ind.formula is None or values.get((ind.id, year)) is not None:
                    continue
                computed = ind.formula.evaluate(nums, na)
                if computed is not None:
                    result[(ind.id, year)] = Shown(ind.type.from_number(computed), derived=True)
        return result

    def fill_derived(self) -> list[tuple[str, int, str]]:
        """Store the derived values that are empty but computable (one transaction)."""
        filled = [(i, y, s.value) for (i, y), s in self.shown().items() if s.derived]
        with self.file.transaction("computed"):
            self.file.set_values(filled)
        return filled

    # ------------------------------------------------------------ numbering
    def table_numbers(self) -> dict[int, str]:
        """"表 N-M" for every stored table, in reading order."""
        return self._numbers("表", lambda sid: self.file.tables(sid))

    def figure_numbers(self) -> dict[int, str]:
        return self._numbers("图", lambda sid: self.file.figures(sid))

    def _numbers(self, prefix: str, items) -> dict[int, str]:
        result: dict[int, str] = {}
        for n, chapter in enumerate(self.template.chapters, start=1):
            m = 0
            for section in self.file.sections(chapter.id):
                for item in items(section.id):
                    m += 1
                    result[item.id] = f"{prefix} {n}-{m}"
        return result


def reading_order(tables: list, figures: list) -> list[tuple[str, Any]]:
    """A section's tables and figures as ("table"|"figure", row) in reading order: by the
    paragraph they follow, then position; at a tie tables come first. The chapter editor
    lists them in this order and the print places them so."""
    blocks = [("table", t) for t in tables] + [("figure", f) for f in figures]
    return sorted(blocks, key=lambda b: (b[1].after, b[1].position))


def edition_differences(old: Template, new: Template) -> list[str]:
    """Plain sentences on what differs between two versions of an edition."""
    out = []
    if old.title != new.title:
        out.append(f"报告标题：{old.title} → {new.title}")
    for what, a, b in [
        ("指标", {i.id: i.name for i in old.indicators.values()},
         {i.id: i.name for i in new.indicators.values()}),
        ("章", {c.id: c.title for c in old.chapters}, {c.id: c.title for c in new.chapters}),
        ("指标表", {t.id: t.title for t in old.indicator_tables},
         {t.id: t.title for t in new.indicator_tables}),
    ]:
        out += [f"新增{what}：{b[k]}" for k in b if k not in a]
        out += [f"删去{what}：{a[k]}" for k in a if k not in b]
        out += [f"{what}改名：{a[k]} → {b[k]}" for k in a if k in b and a[k] != b[k]]
    if len(out) == 0:
        out.append("规则或说明有改动（指标、章节和表不变）。")
    return out


def not_applicable(values: dict[tuple[str, int], str | None], year: int) -> set[str]:
    """Indicators marked "-" in a year (formulas treat them apart from 0)."""
    return {ind for (ind, y), value in values.items() if y == year and value == NA}


def numbers(template: Template, values: dict[tuple[str, int], str], year: int) -> dict[str, Decimal | None]:
    """The numbers of one year by indicator id; not applicable counts as 0."""
    result: dict[str, Decimal | None] = {}
    for ind in template.indicators.values():
        value = values.get((ind.id, year))
        try:
            result[ind.id] = ind.type.number(value)
        except (ArithmeticError, ValueError):
            result[ind.id] = None  # a damaged stored value: the rules report it
    return result


__all__ = ["EDITION_COPY", "NA", "Report", "ReportFileError", "Shown", "ValueRefused",
           "not_applicable", "numbers"]
