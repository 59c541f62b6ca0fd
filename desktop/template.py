"""Edition templates (resources/templates/<edition>.toml) loaded into plain objects.

The template is the single declaration of a report edition: chapters and their default
outline, indicators and facts with their types, the fixed and free tables and the rules.
Loading checks every reference, so a typo in a template fails at load, not in front of
a user.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache
from importlib import resources

from msgspec import Struct, field
from msgspec.structs import replace

from desktop import edition_schema, expr
from desktop.errors import UserError
from desktop.values import ValueType

CHINESE_NUMERALS = "一二三四五六七八九十"
NUMBERING_STYLES = frozenset({"（一）", "一、", "1.", "(1)"})  # see section_number


class TemplateError(UserError, ValueError):
    """An edition that cannot be used; `ref`: the id the mistake is about (to find its line)."""

    def __init__(self, message: str, ref: str | None = None):
        super().__init__(message)
        self.ref = ref


class Indicator(Struct, frozen=True):
    id: str
    name: str
    unit: str
    type: ValueType
    department: str
    help: str
    seq: str = ""  # printed 序号 in the data table; "" for facts and unnumbered 其中 rows
    parent: str | None = None
    formula: expr.Expr | None = None
    in_table: bool = True  # a row of an indicator table (False: a chapter fact)
    chapter: str | None = None  # the chapter whose form shows a fact
    children: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()  # words by which report texts cite it (desktop.citations)
    table: str = ""  # the indicator table it is a row of ("" for facts)
    change_factor: float | None = None  # plausible change across years (None: the edition's)
    graduate: bool = False  # graduate data: not applicable in a year without graduates

    @property
    def derived(self) -> bool:
        return self.formula is not None


class IndicatorTable(Struct, frozen=True):
    """One indicator table of the edition (the 2022 质量数据表; the 2024年度 附表1–6).

    `rows` are indicators; a row restating an indicator of another table is a copy of that
    indicator (same id, so one stored value) with this table's 序号 and wording."""

    id: str
    title: str  # may contain {school}
    sheet: str  # its Excel sheet name
    rows: tuple[Indicator, ...]
    note: str = ""  # a line shown above the table wherever a user meets it
    provisional: bool = False  # rows composed by us, not the bureau's own list
    restated: frozenset[str] = frozenset()  # ids of rows whose home is another table
    notes: bool = False  # a 备注 column prints each row's note (说明) of the table's years

    def heading(self, school: str) -> str:
        return self.title.replace("{school}", school)


class FixedRow(Struct, frozen=True):
    indicator: str
    label: str


class FixedTable(Struct, frozen=True):
    id: str
    caption: str  # may contain {school}
    rows: tuple[FixedRow, ...]
    chapter: str = ""

    def title(self, school: str) -> str:
        return self.caption.replace("{school}", school)


class Column(Struct, frozen=True):
    name: str
    type: ValueType
    width: float = 1.0
    total: bool = False
    restates: str | None = None

    @property
    def numeric(self) -> bool:
        return self.type.kind != "text"


class FreeTable(Struct, frozen=True):
    id: str
    caption: str
    department: str
    columns: tuple[Column, ...]
    chapter: str = ""

    @property
    def has_total(self) -> bool:
        return any(c.total for c in self.columns)


class Rule(Struct, frozen=True):
    left: expr.Expr
    op: str
    right: expr.Expr
    severity: str
    why: str
    basis: str = ""
    label: str = ""  # how to name `left` when it is an expression, e.g. 生均纸质图书

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.left.names + self.right.names))


class OutlineEntry(Struct, frozen=True):
    title: str
    sections: tuple[OutlineEntry, ...] = ()


class Chapter(Struct, frozen=True):
    id: str
    title: str
    facts: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()  # fixed tables
    free_tables: tuple[str, ...] = ()
    outline: tuple[OutlineEntry, ...] = ()
    case: bool = False
    numbering: tuple[str, str] = ("（一）", "1.")
    max_chars: int = 0
    front: bool = False  # front matter (前言): not numbered

    def heading_number(self, level: int, index: int) -> str:
        """The number before a section title (never stored): levels 1 and 2 in the chapter's
        styles, deeper levels （1）. The outline shows exactly what the PDF prints."""
        if level > 2:
            return section_number("(1)", index)
        return section_number(self.numbering[level - 1], index)


class Template(Struct, frozen=True):
    """An edition. As loaded its texts may hold year placeholders ({year}, {data_year},
    {prev_year}); `at_year` gives the edition as one report's year reads it."""

    id: str
    title: str  # the report's title; a pattern with {year} until `at_year`
    departments: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    indicators: dict[str, Indicator]  # table rows then facts, in template order
    fixed_tables: dict[str, FixedTable]
    free_tables: dict[str, FreeTable]
    rules: tuple[Rule, ...]
    by_name: dict[str, str] = field(default_factory=dict)  # published name -> id (top rows)
    indicator_tables: tuple[IndicatorTable, ...] = ()
    name: str = ""  # the edition as `qreport editions` lists it
    data_year_offset: int = -1  # data year = report year + offset ("2022": data 2021)
    years: tuple[int, int] = (0, 0)  # first and last report year the edition serves
    change_factor: float | None = None  # default plausible change across years
    year: int | None = None  # the report year once bound by `at_year`
    heading_style: str = "chinese"  # 一、/（一）/1. ("chinese") or 1 / 1.1 / 1.1.1 ("decimal")
    cases: str = "chapter"  # a case chapter at the end, or "in_chapters" (案例2-1)
    # ids of an earlier edition → ids of this one, for `next` across editions:
    # renames[edition][kind][old id] = new id; kind: indicator, chapter or table
    renames: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    # cautions[edition][new indicator id]: how its meaning differs from the earlier one's
    cautions: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""  # the TOML text it was read from

    @property
    def table_rows(self) -> list[Indicator]:
        """Every indicator that is a row of an indicator table, each once, in table order."""
        return [i for i in self.indicators.values() if i.in_table]

    @property
    def data_table(self) -> str:
        """The first indicator table's name without the school (the 2022 质量数据表)."""
        return self.indicator_tables[0].heading("").strip() if self.indicator_tables else ""

    @property
    def tables_name(self) -> str:
        """What the indicator tables are called together: 质量数据表, or 指标表 for several."""
        return self.data_table if len(self.indicator_tables) == 1 else "指标表"

    def home_tables(self, indicator_ids) -> list[str]:
        """The names (as their tabs show them) of the indicator tables where these indicators
        are filled in, in table order; [] for facts only."""
        homes = {self.indicators[i].table for i in indicator_ids if i in self.indicators}
        return [t.heading("").strip() for t in self.indicator_tables if t.id in homes]

    def indicator_table(self, table_id: str) -> IndicatorTable:
        for table in self.indicator_tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def data_year(self, report_year: int) -> int:
        return report_year + self.data_year_offset

    def report_year(self, data_year: int) -> int:
        return data_year - self.data_year_offset

    def current_year(self, today_year: int) -> int:
        """The report year a new report defaults to: the one whose data year is this
        calendar year, within the years the edition serves."""
        first, last = self.years
        return max(first, min(last, self.report_year(today_year)))

    def at_year(self, report_year: int, title: str | None = None) -> Template:
        """The edition as a report of `report_year` reads it: placeholders in titles, names,
        labels and captions replaced (年生均财政拨款(截至{data_year}.08.31)). `title`: the
        report's own title pattern, when it has one."""
        data_year = self.data_year(report_year)
        marks = {"{year}": str(report_year), "{data_year}": str(data_year),
                 "{prev_year}": str(data_year - 1)}

        def fill(text: str) -> str:
            if "{" in text:
                for mark, value in marks.items():
                    text = text.replace(mark, value)
            return text

        def ind(i: Indicator) -> Indicator:
            return replace(i, name=fill(i.name), help=fill(i.help))

        indicators = {k: ind(i) for k, i in self.indicators.items()}
        tables = tuple(
            IndicatorTable(t.id, fill(t.title), fill(t.sheet), tuple(ind(r) for r in t.rows),
                           fill(t.note), t.provisional, t.restated)
            for t in self.indicator_tables
        )
        fixed = {
            k: FixedTable(t.id, fill(t.caption), tuple(FixedRow(r.indicator, fill(r.label))
                                                         for r in t.rows), t.chapter)
            for k, t in self.fixed_tables.items()
        }
        free = {k: replace(t, caption=fill(t.caption)) for k, t in self.free_tables.items()}
        by_name = {fill(name): i for name, i in self.by_name.items()}
        return replace(self, title=fill(title or self.title), indicators=indicators,
                        indicator_tables=tables, fixed_tables=fixed, free_tables=free,
                        by_name=by_name, year=report_year)

    @property
    def facts(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if not i.in_table]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def chapter_heading(self, chapter: Chapter) -> str:
        """"一、学校概况" (or "1 基本情况" in decimal editions) by position; the case
        chapter is headed "案例："; front matter (前言) has no number."""
        if chapter.case:
            return "案例："
        if chapter.front:
            return ""
        numbered = [c for c in self.chapters if not c.case and not c.front]
        if self.heading_style == "decimal":
            return f"{numbered.index(chapter) + 1} "
        return chapter_number(numbered.index(chapter)) + "、"

    def chapter_index(self, chapter: Chapter) -> int:
        """1-based position among the numbered chapters (0 for front matter and cases)."""
        numbered = [c for c in self.chapters if not c.case and not c.front]
        return numbered.index(chapter) + 1 if chapter in numbered else 0

    def is_case(self, chapter: Chapter, title: str) -> bool:
        """A section that is a case: in editions placing cases inside chapters, a section
        titled 案例… (numbered 案例2-1, apart from the sections around it)."""
        return (self.cases == "in_chapters" and not chapter.front and not chapter.case
                and title.lstrip().startswith("案例"))

    def outline_numbers(self, chapter: Chapter, sections) -> dict[int, str]:
        """The number before each section's title (never stored), the chapter root's
        included, as the PDF prints it and the outline shows it: （一）/1. by the chapter's
        styles, or 1.1 / 1.1.1 in decimal editions; cases 案例2-1. `sections`: rows with
        id, parent and title in outline order, the root first."""
        numbers: dict[int, str] = {}
        path: dict[int, tuple[int, ...]] = {}
        counts: dict[int, int] = {}
        in_case: set[int] = set()  # a case and what is under it
        cases = 0
        n = self.chapter_index(chapter)
        for s in sections:
            if s.parent is None or s.parent not in path:
                numbers[s.id] = self.chapter_heading(chapter)
                path[s.id] = ()
                continue
            if s.parent not in in_case and self.is_case(chapter, s.title):
                cases += 1
                numbers[s.id] = f"案例{n}-{cases} "
                path[s.id] = (*path[s.parent], 0)
                in_case.add(s.id)
                continue
            index = counts.get(s.parent, 0)
            counts[s.parent] = index + 1
            path[s.id] = (*path[s.parent], index)
            level = len(path[s.id])
            if s.parent in in_case:  # inside a case: its own 1. 2. …, whatever the level
                in_case.add(s.id)
                numbers[s.id] = f"{index + 1}. " if self.heading_style == "decimal" else \
                    section_number("1.", index)
            elif self.heading_style == "decimal" and n:
                numbers[s.id] = ".".join(str(i + 1) for i in (n - 1, *path[s.id])) + " "
            else:
                numbers[s.id] = chapter.heading_number(level, index)
        return numbers


_CASE_PREFIX = re.compile(r"^\s*案例[\s\d\-—－－:：、.．]*")


def case_title(title: str) -> str:
    """"案例：校企共建" → "校企共建": the number 案例2-1 takes the word's place."""
    return _CASE_PREFIX.sub("", title, count=1) or title


def chapter_number(index: int) -> str:
    """Chinese numeral for 0-based index: 一 … 十, 十一 …, 二十 …"""
    n = index + 1
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def section_number(style: str, index: int) -> str:
    """Format a 0-based section index in a numbering style: （一） 一、 1. (1)"""
    if style == "1.":
        return f"{index + 1}."
    if style == "(1)":
        return f"（{index + 1}）"
    numeral = chapter_number(index)
    if style == "一、":
        return numeral + "、"
    return f"（{numeral}）"


def available() -> list[str]:
    folder = resources.files("resources") / "templates"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def newest() -> str:
    """The edition new reports default to: the one serving the latest years."""
    return max(available(), key=lambda e: (load(e).years[1], e))


def source(edition: str) -> str:
    """The TOML text of a shipped edition (a report file keeps a copy of it)."""
    have = available()
    if edition not in have:  # a name from a report file, never a path to follow
        raise TemplateError(f"没有“{edition}”版的报告模板（可用：{'、'.join(have)}）。")
    path = resources.files("resources") / "templates" / f"{edition}.toml"
    return path.read_text(encoding="utf-8")


@cache
def load(edition: str) -> Template:
    return load_text(source(edition), edition)


@cache
def load_text(text: str, file_id: str | None = None) -> Template:
    """The edition an edition file's text declares; TemplateError listing its mistakes."""
    data, mistakes = edition_schema.parse(text, file_id)
    if mistakes or data is None:
        more = f"（另有 {len(mistakes) - 3} 处）" if len(mistakes) > 3 else ""
        raise TemplateError("版本文件有误：" + "；".join(map(str, mistakes[:3])) + more)
    template = from_toml(data)  # the data the check read: the text is parsed once
    return replace(template, source=text)


def check_text(text: str, file_id: str | None = None) -> list[edition_schema.Mistake]:
    """Every mistake of an edition file: the schema's (all at once, with lines), then, when
    the schema holds, the first of the loader's own (chapters, 其中 rows, formulas)."""
    data, mistakes = edition_schema.parse(text, file_id)
    if mistakes or data is None:
        return mistakes
    try:
        from_toml(data)
    except TemplateError as exc:
        line = edition_schema.line_of_id(text, exc.ref) if exc.ref else 0
        return [edition_schema.Mistake(line, str(exc))]
    return []


def check_file(path) -> list[edition_schema.Mistake]:
    from pathlib import Path

    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return [edition_schema.Mistake(0, "不是 UTF-8 编码的文本文件。")]
    return check_text(text, path.name.removesuffix(".toml"))


def from_toml(data: dict) -> Template:
    """The template, or TemplateError naming what is wrong (never a bare KeyError)."""
    try:
        return _from_toml(data)
    except TemplateError:
        raise
    except KeyError as exc:
        raise TemplateError(f"缺少键 {exc}。") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise TemplateError(str(exc)) from exc


def _from_toml(data: dict) -> Template:
    edition = data["edition"]
    departments = tuple(edition["departments"])
    chapters = tuple(_chapter(c) for c in data["chapter"])
    _unique("chapter", [c.id for c in chapters])
    chapter_of: dict[str, str] = {}
    for chapter in chapters:
        for ref in (*chapter.facts, *chapter.tables, *chapter.free_tables):
            if ref in chapter_of:
                raise TemplateError(f"“{ref}”同时列在第 {chapter_of[ref]} 章和第 {chapter.id} 章。", ref)
            chapter_of[ref] = chapter.id

    table_raw = data.get("indicator_table", [])
    if not table_raw:
        raise TemplateError("至少要有一张 [[indicator_table]] 指标表。")
    _unique("indicator table", [t["id"] for t in table_raw])
    table_ids = [t["id"] for t in table_raw]
    indicators: dict[str, Indicator] = {}
    shown_rows: list[dict] = []  # rows restating an indicator of another table
    for raw, in_table in [(r, True) for r in data.get("indicator", [])] + [
        (r, False) for r in data.get("fact", [])
    ]:
        if in_table and "shows" in raw:
            shown_rows.append(raw)
            continue
        table = ""
        if in_table:  # with one table, its rows need not name it
            table = raw.get("table", table_ids[0] if len(table_ids) == 1 else "")
            if table not in table_ids:
                raise TemplateError(f"{raw.get('id')}：没有指标表“{table}”。", raw.get("id"))
        ind = _indicator(raw, in_table, chapter_of.get(raw["id"]), table)
        if ind.id in indicators:
            raise TemplateError(f"指标 id “{ind.id}”重复声明。", ind.id)
        indicators[ind.id] = ind
    # children in declared order, so 其中 rows follow their parent
    for ind in list(indicators.values()):
        if ind.parent:
            if ind.parent not in indicators:
                raise TemplateError(f"{ind.id}：上级指标 parent “{ind.parent}”不存在。", ind.id)
            parent = indicators[ind.parent]
            # one level of 其中 rows, of the same kind: the table, import and forms know no more
            if (parent.parent or parent.id == ind.id or parent.in_table != ind.in_table
                    or parent.table != ind.table):
                raise TemplateError(f"{ind.id}：“{ind.parent}”不能做它的上级"
                                    "（只有一级“其中”行，且在同一张表中）。", ind.id)
            indicators[parent.id] = replace(parent, children=(*parent.children, ind.id))
    for ind in indicators.values():
        for name in ind.formula.names if ind.formula else ():
            if name not in indicators:
                raise TemplateError(f"{ind.id}：公式中的“{name}”不是已声明的指标或事实（unknown）。", ind.id)
            if indicators[name].derived:  # derived values are computed from stored ones only
                raise TemplateError(f"{ind.id}：公式的输入“{name}”本身也由公式计算（不允许）。", ind.id)
    # rows are matched by name on import: a name must say which indicator it is
    _unique("indicator name", [_name_key(i.name) for i in indicators.values() if not i.parent])
    for ind in indicators.values():
        _unique(f"{ind.id}: 其中 row name", [_name_key(indicators[c].name) for c in ind.children])

    fixed_raw, free_raw = data.get("fixed_table", []), data.get("free_table", [])
    _unique("table", [t["id"] for t in (*fixed_raw, *free_raw)])
    fixed = {t["id"]: _fixed(t, indicators, chapter_of) for t in fixed_raw}
    free = {t["id"]: _free(t, indicators, chapter_of) for t in free_raw}
    for table in free.values():
        if table.department and table.department not in departments:
            raise TemplateError(f"自由表 {table.id}：没有部门“{table.department}”。", table.id)
    for chapter in chapters:
        for ref in chapter.facts:
            if ref not in indicators or indicators[ref].in_table:
                raise TemplateError(f"第 {chapter.id} 章：“{ref}”不是事实（[[fact]]）。", chapter.id)
        for ref in chapter.tables:
            if ref not in fixed:
                raise TemplateError(f"第 {chapter.id} 章：没有固定表“{ref}”。", chapter.id)
        for ref in chapter.free_tables:
            if ref not in free:
                raise TemplateError(f"第 {chapter.id} 章：没有自由表“{ref}”。", chapter.id)
    for ref in [i.id for i in indicators.values() if not i.in_table] + [*fixed, *free]:
        if ref not in chapter_of:  # it could be typed or shown nowhere
            raise TemplateError(f"“{ref}”不在任何一章中（无处填写或显示）。", ref)
    rules = tuple(_rule(r, indicators) for r in data.get("rule", []))
    for ind in indicators.values():
        if ind.department not in departments:
            raise TemplateError(f"{ind.id}：没有部门“{ind.department}”。", ind.id)
    by_name = {i.name: i.id for i in indicators.values() if not i.parent}
    tables = _indicator_tables(table_raw, data.get("indicator", []), indicators, by_name)
    years = edition.get("years", [0, 0])
    return Template(
        id=str(edition["id"]),
        title=edition["title"],
        name=edition.get("name", edition["title"]),
        data_year_offset=int(edition.get("data_year_offset", -1)),
        years=(int(years[0]), int(years[-1])),
        indicator_tables=tables,
        heading_style=edition.get("heading_style", "chinese"),
        renames=_renames(data.get("rename", [])),
        cautions=_cautions(data.get("rename", [])),
        cases=edition.get("cases", "chapter"),
        departments=departments,
        chapters=chapters,
        indicators=indicators,
        fixed_tables=fixed,
        free_tables=free,
        rules=rules,
        by_name=by_name,
        change_factor=_factor(edition.get("change_factor"), "edition"),
    )


def _renames(raw: list[dict]) -> dict[str, dict[str, dict[str, str]]]:
    result: dict[str, dict[str, dict[str, str]]] = {}
    for r in raw:
        kinds = result.setdefault(str(r["edition"]), {})
        kinds.setdefault(r.get("kind", "indicator"), {})[r["from"]] = r["to"]
    return result


def _cautions(raw: list[dict]) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for r in raw:
        if r.get("caution") and r.get("kind", "indicator") == "indicator":
            result.setdefault(str(r["edition"]), {})[r["to"]] = r["caution"]
    return result


def _factor(value, where: str) -> float | None:
    """change_factor: a number above 1 (a value may move within ×factor of last year's), or
    0 to judge no change."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (value == 0 or value > 1):
        raise TemplateError(f"{where}：change_factor 应为 0 或大于 1 的数，写成了 {value!r}。",
                            None if where == "edition" else where)
    return float(value)


def _unique(what: str, keys: list[str]) -> None:
    seen = set()
    for key in keys:
        if key in seen:
            raise TemplateError(f"{what}“{key}”重复声明。")
        seen.add(key)


def _name_key(name: str) -> str:
    """Names as an import compares them: width, spacing and case do not count."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _outline(entries: list[dict]) -> tuple[OutlineEntry, ...]:
    return tuple(OutlineEntry(e["title"], _outline(e.get("sections", []))) for e in entries)


def _chapter(raw: dict) -> Chapter:
    numbering = tuple(raw.get("numbering", ("（一）", "1.")))
    if len(numbering) != 2 or not set(numbering) <= NUMBERING_STYLES:
        raise TemplateError(
            f"第 {raw['id']} 章：numbering 应为两个编号样式，可选 {'、'.join(sorted(NUMBERING_STYLES))}。",
            raw["id"]
        )
    return Chapter(
        id=raw["id"],
        title=raw["title"],
        facts=tuple(raw.get("facts", ())),
        tables=tuple(raw.get("tables", ())),
        free_tables=tuple(raw.get("free_tables", ())),
        outline=_outline(raw.get("sections", [])),
        case=bool(raw.get("case", False)),
        numbering=numbering,  # type: ignore[arg-type]
        max_chars=int(raw.get("max_chars", 0)),
        front=bool(raw.get("front", False)),
    )


def _indicator_tables(table_raw: list[dict], rows_raw: list[dict],
                      indicators: dict[str, Indicator], by_name: dict[str, str]
                      ) -> tuple[IndicatorTable, ...]:
    """The tables with their rows in declared order; a `shows` row is the indicator it
    names, with the 序号 and wording of this table (one value, shown in two tables)."""
    rows: dict[str, list[Indicator]] = {t["id"]: [] for t in table_raw}
    restated: dict[str, set[str]] = {t["id"]: set() for t in table_raw}
    only = table_raw[0]["id"] if len(table_raw) == 1 else ""
    for raw in rows_raw:
        table = raw.get("table", only)
        if "shows" not in raw:
            rows[table].append(indicators[raw["id"]])
            continue
        target = indicators.get(raw["shows"])
        if target is None or not target.in_table or target.parent or target.children:
            raise TemplateError(f"{raw.get('id')}：shows 的“{raw['shows']}”不是没有“其中”行的指标表行。",
                                raw.get("id"))
        if table not in rows or table == target.table:
            raise TemplateError(f"{raw.get('id')}：指标表“{table}”不存在，或就是原指标所在的表。",
                                raw.get("id"))
        name = raw.get("name", target.name)
        by_name.setdefault(name, target.id)
        rows[table].append(replace(target, seq=str(raw.get("seq", "")), name=name))
        restated[table].add(target.id)
    for table_id, table_rows in rows.items():  # 其中 rows right under their parent
        for before, row in zip([None, *table_rows], table_rows, strict=False):
            if row.parent and (before is None or row.parent not in (before.id, before.parent)):
                raise TemplateError(f"{row.id}：“其中”行应紧接在上级指标“{row.parent}”"
                                    f"或其其他“其中”行之后（指标表 {table_id}）。", row.id)
    return tuple(
        IndicatorTable(
            id=t["id"], title=t["title"], sheet=t.get("sheet", t["id"]), rows=tuple(rows[t["id"]]),
            note=t.get("note", ""), provisional=bool(t.get("provisional", False)),
            restated=frozenset(restated[t["id"]]),
            notes=bool(t.get("notes", False)),
        )
        for t in table_raw
    )


def _indicator(raw: dict, in_table: bool, chapter: str | None, table: str = "") -> Indicator:
    try:
        if raw.get("places", 0) < 0:
            raise ValueError("places 不能为负数")
        vtype = ValueType(raw["type"], raw.get("unit", ""), raw.get("places"),
                          *_plausible(raw))
        formula = edition_schema.formula(raw["formula"]) if "formula" in raw else None
        return Indicator(
            id=raw["id"],
            name=raw["name"],
            unit=raw.get("unit", ""),
            type=vtype,
            department=raw["department"],
            help=raw.get("help", ""),
            seq=str(raw.get("seq", "")),
            parent=raw.get("parent"),
            formula=formula,
            in_table=in_table,
            chapter=chapter,
            cites=_cites(raw),
            table=table,
            change_factor=_factor(raw.get("change_factor"), raw["id"]),
            graduate=bool(raw.get("graduate", False)),
        )
    except (KeyError, ValueError) as exc:
        raise TemplateError(f"指标 {raw.get('id', '?')}：{exc}", raw.get("id")) from exc


def _plausible(raw: dict) -> tuple[Decimal | None, Decimal | None]:
    """plausible_min / plausible_max: the range most schools' values lie in."""
    low, high = (raw.get(k) for k in ("plausible_min", "plausible_max"))
    for value in (low, high):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"plausible_min/plausible_max 应为数，写成了 {value!r}")
    if low is not None and high is not None and low > high:
        raise ValueError("plausible_min 不能大于 plausible_max")
    return tuple(None if v is None else Decimal(str(v)) for v in (low, high))


def _cites(raw: dict) -> tuple[str, ...]:
    cites = raw.get("cites", [])
    if not isinstance(cites, list) or not all(isinstance(c, str) and c.strip() for c in cites):
        raise ValueError("cites 应为字符串列表")
    return tuple(c.strip() for c in cites)


def _fixed(raw: dict, indicators: dict[str, Indicator], chapter_of: dict[str, str]) -> FixedTable:
    rows = []
    for row in raw["rows"]:
        ind = indicators.get(row["indicator"])
        if ind is None:
            raise TemplateError(f"固定表 {raw['id']}：没有指标“{row['indicator']}”。", raw["id"])
        rows.append(FixedRow(ind.id, row.get("label", ind.name)))
    return FixedTable(raw["id"], raw["caption"], tuple(rows), chapter_of.get(raw["id"], ""))


def _free(raw: dict, indicators: dict[str, Indicator], chapter_of: dict[str, str]) -> FreeTable:
    columns = []
    for col in raw["columns"]:
        restates = col.get("restates")
        if restates and restates not in indicators:
            raise TemplateError(f"自由表 {raw['id']}：restates 的“{restates}”不存在。", raw["id"])
        try:
            column = Column(
                name=col["name"],
                type=ValueType(col.get("type", "text")),
                width=float(col.get("width", 1.0)),
                total=bool(col.get("total", False)),
                restates=restates,
            )
        except ValueError as exc:
            raise TemplateError(f"自由表 {raw['id']}：{exc}", raw["id"]) from exc
        if (column.total or restates) and not column.numeric:
            raise TemplateError(f"自由表 {raw['id']}：文字列“{column.name}”不能有合计"
                                "（cannot have a total）。", raw["id"])
        columns.append(column)
    return FreeTable(
        raw["id"], raw["caption"], raw.get("department", ""), tuple(columns),
        chapter_of.get(raw["id"], ""),
    )


def _rule(raw: dict, indicators: dict[str, Indicator]) -> Rule:
    if raw["op"] not in ("<=", ">=", "==", "<", ">"):
        raise TemplateError(f"规则“{raw['left']}”：没有比较符“{raw['op']}”。")
    if raw["severity"] not in ("error", "warning"):
        raise TemplateError(f"规则“{raw['left']}”：severity 只能是 error 或 warning。")
    try:
        left, right = edition_schema.formula(raw["left"]), edition_schema.formula(raw["right"])
    except expr.ExprError as exc:
        raise TemplateError(f"规则“{raw['left']}”：{exc}") from exc
    rule = Rule(
        left=left,
        op=raw["op"],
        right=right,
        severity=raw["severity"],
        why=raw.get("why", ""),
        basis=raw.get("basis", ""),
        label=raw.get("label", ""),
    )
    for name in rule.names:
        if name not in indicators:
            raise TemplateError(f"规则“{raw['left']}”：没有指标“{name}”。")
    return rule
