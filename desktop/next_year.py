"""Next year's report from this one (`qreport next`, 文件 → 新建下一年度报告).

A new file with the school, its settings and every value of every year (this year's values
become the new report's previous year: values are keyed by data year), the outline and texts
carried as drafts flagged 待更新 until edited (desktop.drafts), yearly-list tables empty with
last year's rows kept one step away, figures only when asked. Into another edition, ids are
carried as they are or through the rename map the new edition declares ([[rename]]); what
has no place in it is named, not silently dropped. The old file is never written: it is read
through a private copy.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from db.store import ReportFileError, copy_report
from desktop import drafts
from desktop import template as templates
from desktop.earlier import sum_renames, sum_text
from desktop.errors import UserError
from desktop.report import EDITION_COPY, Report
from desktop.template import Template

# settings that belong to the year, not to the school: the new report starts without them
_YEARLY_META = {"school", "edition", "year", "report_date", "fill_date", EDITION_COPY,
                "no_graduates", drafts.DRAFTS, drafts.LAST_ROWS, drafts.GAPS, drafts.CAUTIONS}


class NextResult(Struct):
    path: Path
    title: str
    values: int = 0
    sections: int = 0
    tables: int = 0
    figures: int = 0
    left_behind: list[str] = field(default_factory=list)  # what the new edition has no place for
    notes: list[str] = field(default_factory=list)  # other things to tell (a sum left empty)
    # (indicator, year) → why it was left empty: a sum whose parts were not all there
    gaps: dict[tuple[str, int], str] = field(default_factory=dict)


class NextYearRefused(UserError):
    """A next report in an edition, or for a year, that cannot be: one sentence saying which."""


def serves(edition: Template, report_year: int) -> bool:
    first, last = edition.years
    return first <= report_year <= last


def served(edition: Template) -> str:
    """The report years an edition serves, as said to the user: 2022, or 2024—2026."""
    first, last = edition.years
    return f"{first}" if first == last else f"{first}—{last}"


def default_edition(old: Report, report_year: int | None = None) -> Template:
    """The edition the next report is written in unless one is named (`next` without
    --edition, the dialog's first choice): the old report's own copy while it serves the
    year (`report_year`, or the one after the old report's), otherwise the newest shipped one:
    a school moving on from the 2022 edition writes this year's report in the current one."""
    own = old.edition
    if serves(own, own.report_year(old.year + 1) if report_year is None else report_year):
        return own
    newest = templates.newest()
    return own if newest == own.id else templates.load(newest)


def default_year(old_year: int, target: Template, today: int | None = None) -> int:
    """The report year the next report defaults to in `target`: the one after the old
    report's data year (`old_year`) while the edition serves it, else this calendar year's."""
    after = target.report_year(old_year + 1)
    if serves(target, after):
        return after
    return target.current_year(date.today().year if today is None else today)


def choose(old: Report, edition: str | None = None, report_year: int | None = None,
           today: int | None = None) -> tuple[Template, int]:
    """The edition and report year of the next report: the named ones, or the defaults above.
    NextYearRefused when the edition does not serve the year, or the year is not after the
    old report's: a report is never made in an edition written for other years."""
    if edition is None:
        target = default_edition(old, report_year)
    elif edition == old.edition.id:
        target = old.edition  # its own copy: the same version, even when the shipped file changed
    else:
        target = templates.load(edition)
    year = default_year(old.year, target, today) if report_year is None else report_year
    data_year = target.data_year(year)
    if report_year is not None and data_year <= old.year:
        raise NextYearRefused(f"新报告的数据年度（{data_year}）必须晚于原报告的数据年度（{old.year}）。")
    if data_year <= old.year or not serves(target, year):
        asked = target.report_year(old.year + 1) if report_year is None else report_year
        raise NextYearRefused(f"“{target.name}”只适用于 {served(target)} 年度的报告，不能用于 {asked} 年度："
                              f"{_advice(asked, target, old.year)}")
    return target, year


def _years_after(edition: Template, old_year: int) -> tuple[int, int] | None:
    """The report years an edition serves whose data year follows `old_year`."""
    first, last = edition.years
    first = max(first, edition.report_year(old_year + 1))
    return (first, last) if first <= last else None


def _advice(year: int, target: Template, old_year: int) -> str:
    """What to do instead: a shipped edition serving the year, another year of this one,
    or another edition that serves a later year."""
    others = []
    for edition_id in templates.available():
        try:
            other = templates.load(edition_id)
        except templates.TemplateError:
            continue
        if edition_id != target.id and _years_after(other, old_year):
            others.append(other)
    for other in others:
        if serves(other, year) and other.data_year(year) > old_year:
            return f"请改用适用于 {year} 年度的“{other.name}”（{other.id}）。"
    mine = _years_after(target, old_year)
    if mine:
        first, last = mine
        return f"请在 {first}—{last} 年度中选择报告年度。" if first < last else f"请选择 {first} 年度。"
    if others:
        other = others[-1]
        return f"请改用“{other.name}”（{other.id}，适用于 {served(other)} 年度）。"
    return f"请改用适用于 {year} 年度的报告版本（.toml 文件）。"


def make_next(old_path: Path | str, new_path: Path | str, edition: str | None = None,
              with_figures: bool = False, report_year: int | None = None) -> NextResult:
    """`edition`, `report_year`: as `choose` takes them (default: the old report's own edition
    while it serves the year after, else the newest; the year after, else this year's).
    A school that skipped years, or moves from the 2022 series to the 年度 series, names the
    year it reports; values stay under their own data years either way."""
    old_path, new_path = Path(old_path), Path(new_path)
    if new_path.exists():
        raise ReportFileError(f"{new_path.name} 已存在，请换一个文件名。")
    if old_path.resolve() == new_path.resolve():
        raise ReportFileError("新报告不能覆盖原报告。")
    work = Path(tempfile.mkdtemp(prefix="qreport-next-"))
    try:
        copy = work / old_path.name  # messages about it name the user's file
        copy_report(old_path, copy)  # read-only on the old file: its bytes stay as they are
        with Report.open(copy) as old:
            target, year = choose(old, edition, report_year)
            data_year = target.data_year(year)
            result = NextResult(new_path, "")
            if edition is None and target.id != old.edition.id:  # the default moved on: said
                result.notes.append(f"原报告的“{old.edition.name}”只适用于 {served(old.edition)} 年度的报告，"
                                    f"新报告改用“{target.name}”")

            def fill(new: Report) -> None:
                _carry(old, new, target, with_figures, result)

            new = Report.create(new_path, old.school, target, data_year, fill=fill)
            result.title = new.title
            new.close()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _carry(old: Report, new: Report, target: Template, with_figures: bool,
           result: NextResult) -> None:
    renames = target.renames.get(old.edition.id, {}) if target.id != old.edition.id else {}

    def renamed(kind: str):
        names = renames.get(kind, {})
        return lambda ident: names.get(ident, ident)

    moved, moved_chapter, moved_table = renamed("indicator"), renamed("chapter"), renamed("table")

    file = new.file
    with file.transaction("next"):
        for key, value in old.file.meta().items():
            if key not in _YEARLY_META and not (key == "title" and target.id != old.edition.id):
                file.set_meta(key, value)
        # values and their notes, every year the old file holds
        items, lost = [], set()
        for (ind, year), value in old.file.values().items():
            if moved(ind) in target.indicators:
                items.append((moved(ind), year, value))
            else:
                lost.add(_name(old.template, ind))
        carried_ids = {ind for ind, _, _ in items}
        summed, used = _sums(old, target, renames.get("indicator", {}), carried_ids, result)
        items += summed
        lost -= {_name(old.template, ind) for ind in used}
        file.set_values(items)
        result.values = len(items)
        for (ind, year), note in old.file.notes().items():
            if moved(ind) in target.indicators:
                file.set_note(moved(ind), year, note)
        if result.gaps:
            drafts.mark_gaps(file, result.gaps)
        # values the new edition measures otherwise: 请核实 until a 说明 says they were checked
        said = target.cautions.get(old.edition.id, {}) if target.id != old.edition.id else {}
        carried_cautions = {(ind, year): f"{year}年的{target.indicators[ind].name}是从上一版本带入的："
                            f"{said[ind]}" for ind, year, _ in items if ind in said}
        if carried_cautions:
            drafts.mark_cautions(file, carried_cautions)
        if lost:
            result.left_behind.append("新版本中没有的指标：" + "、".join(sorted(lost)))
        # the outline: the old one replaces the edition's default, chapter by chapter
        carried = []
        target_chapters = {c.id for c in target.chapters}
        cleared: set[str] = set()
        for chapter in old.template.chapters:
            sections = old.file.sections(chapter.id)
            if not sections or (len(sections) == 1 and not _has_content(old, sections[0])):
                continue
            into = moved_chapter(chapter.id)
            if into not in target_chapters:
                result.left_behind.append(f"新版本中没有的章：{chapter.title}")
                continue
            root = file.chapter_root(into)
            if into not in cleared:
                for child in file.children(root):
                    file.delete_section(child.id)
                cleared.add(into)
            old_root = sections[0]
            if chapter.case and not target.chapter(into).case:
                # a case chapter becomes a case inside a chapter: 案例：<its title>
                start = file.add_section(root, f"案例：{old_root.title or chapter.title}",
                                         old_root.text)
                carried.append(file.section(start))
            elif old_root.title or old_root.text:
                start = root
                if target.chapter(into).case:
                    file.rename_section(root, old_root.title)
                if old_root.text:
                    file.set_section_text(root, old_root.text)
                carried.append(file.section(root))
            else:
                start = root
            _blocks(old, new, target, old_root.id, start, with_figures, result, moved_table)
            _children(old, new, target, old_root.id, start, with_figures, result, moved_table,
                      carried)
        drafts.mark(file, carried)
        result.sections = len(carried)


def _sums(old: Report, target: Template, names: dict[str, str], carried: set[str],
          result: NextResult) -> tuple[list[tuple[str, int, str]], set[str]]:
    """Values of indicators the new edition declares as a sum of old ones ([[rename]] with
    from = "a + b": 高级 = 正高级 + 副高级), every year the old file holds one of the parts.

    The sum is carried only when every part is there and is a number ("-" counts as 0, all
    "-" is "-"); otherwise the value stays empty and a finding says which part is missing,
    never a part passed off as the whole. Returns the values and the old ids used."""
    values = old.file.values()
    items: list[tuple[str, int, str]] = []
    used: set[str] = set()
    for to, parts in sum_renames(names, target):
        if to in carried:
            continue
        spec = target.indicators[to]
        used.update(parts)
        label = "＋".join(_name(old.template, p) for p in parts)
        for year in sorted({y for (i, y) in values if i in parts}):
            missing = [_name(old.template, p) for p in parts if values.get((p, year)) is None]
            try:
                if missing or any(p not in old.template.indicators for p in parts):
                    raise ValueError
                items.append((to, year, sum_text(
                    spec, [(old.template.indicators[p], values[(p, year)]) for p in parts])))
            except ValueError:
                why = "缺" + "、".join(missing) if missing else "其中有不是数字的值"
                gap = f"{year}年的{spec.name}应为上一版本的{label}，但旧报告{why}，因此未带入：请补填"
                result.gaps[(to, year)] = gap
                result.notes.append(gap)
    return items, used


def _name(edition: Template, ind: str) -> str:
    """An indicator's name as a list names it: a 其中 row with its parent (国家级 alone
    says nothing)."""
    spec = edition.indicators.get(ind)
    if spec is None:
        return ind
    if spec.parent and spec.parent in edition.indicators:
        return f"{edition.indicators[spec.parent].name}（其中{spec.name}）"
    return spec.name


def _has_content(report: Report, section) -> bool:
    return bool(section.title or section.text or report.file.tables(section.id)
                or report.file.figures(section.id))


def _children(old, new, target, old_parent: int, new_parent: int, with_figures, result, moved,
              carried) -> None:
    for child in old.file.children(old_parent):
        sid = new.file.add_section(new_parent, child.title, child.text)
        carried.append(new.file.section(sid))
        _blocks(old, new, target, child.id, sid, with_figures, result, moved)
        _children(old, new, target, child.id, sid, with_figures, result, moved, carried)


def _blocks(old, new, target: Template, old_section: int, new_section: int, with_figures: bool,
            result: NextResult, moved) -> None:
    file = new.file
    for t in old.file.tables(old_section):
        ref = moved(t.ref)
        if t.kind == "fixed" and ref not in target.fixed_tables:
            spec = old.template.fixed_tables.get(t.ref)
            name = t.caption or (spec.title(old.school) if spec else "") or t.ref
            result.left_behind.append(f"新版本中没有的固定表：{name}")
            continue
        if t.kind == "free" and ref not in target.free_tables:
            result.left_behind.append(f"新版本中没有的表：{t.caption or t.ref}")
            continue
        if t.kind == "free":
            # a yearly list starts empty; last year's rows stay one step away
            table_id = file.add_table(new_section, "free", ref, after=t.after, caption=t.caption)
            drafts.keep_last_year_rows(file, table_id, t.rows)
        else:
            file.add_table(new_section, t.kind, ref, after=t.after, caption=t.caption,
                           rows=t.rows if t.kind == "plain" else ())
        result.tables += 1
    if not with_figures:
        return
    for f in old.file.figures(old_section):
        photos = [(old.file.photo_data(p.id), p.caption, p.width, p.height) for p in f.photos]
        file.add_figure(new_section, f.caption, photos, after=f.after)
        result.figures += 1
