"""Edition templates (resources/templates/<edition>.toml) loaded into plain objects.

The template is the single declaration of a report edition: chapters and their default
outline, indicators and facts with their types, the fixed and free tables and the rules.
Loading checks every reference, so a typo in a template fails at load, not in front of
a user.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from desktop import expr
from desktop.errors import UserError
from desktop.values import ValueType

CHINESE_NUMERALS = "一二三四五六七八九十"
NUMBERING_STYLES = frozenset({"（一）", "一、", "1.", "(1)"})  # see section_number


class TemplateError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    type: ValueType
    department: str
    help: str
    seq: str = ""  # printed 序号 in the data table; "" for facts and unnumbered 其中 rows
    parent: str | None = None
    formula: expr.Expr | None = None
    in_table: bool = True  # a row of the 质量数据表 (False: a chapter fact)
    chapter: str | None = None  # the chapter whose form shows a fact
    children: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()  # words by which report texts cite it (desktop.citations)

    @property
    def derived(self) -> bool:
        return self.formula is not None


@dataclass(frozen=True)
class FixedRow:
    indicator: str
    label: str


@dataclass(frozen=True)
class FixedTable:
    id: str
    caption: str  # may contain {school}
    rows: tuple[FixedRow, ...]
    chapter: str = ""

    def title(self, school: str) -> str:
        return self.caption.replace("{school}", school)


@dataclass(frozen=True)
class Column:
    name: str
    type: ValueType
    width: float = 1.0
    total: bool = False
    restates: str | None = None

    @property
    def numeric(self) -> bool:
        return self.type.kind != "text"


@dataclass(frozen=True)
class FreeTable:
    id: str
    caption: str
    department: str
    columns: tuple[Column, ...]
    chapter: str = ""

    @property
    def has_total(self) -> bool:
        return any(c.total for c in self.columns)


@dataclass(frozen=True)
class Rule:
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


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    sections: tuple[OutlineEntry, ...] = ()


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    facts: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()  # fixed tables
    free_tables: tuple[str, ...] = ()
    outline: tuple[OutlineEntry, ...] = ()
    case: bool = False
    numbering: tuple[str, str] = ("（一）", "1.")
    max_chars: int = 0

    def heading_number(self, level: int, index: int) -> str:
        """The number before a section title (never stored): levels 1 and 2 in the chapter's
        styles, deeper levels （1）. The outline shows exactly what the PDF prints."""
        if level > 2:
            return section_number("(1)", index)
        return section_number(self.numbering[level - 1], index)


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    data_table: str
    departments: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    indicators: dict[str, Indicator]  # data-table rows then facts, in template order
    fixed_tables: dict[str, FixedTable]
    free_tables: dict[str, FreeTable]
    rules: tuple[Rule, ...]
    by_name: dict[str, str] = field(default_factory=dict)  # published name -> id (top rows)

    @property
    def table_rows(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.in_table]

    @property
    def facts(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if not i.in_table]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def chapter_heading(self, chapter: Chapter) -> str:
        """"一、学校概况" by position; the case chapter is headed "案例："."""
        if chapter.case:
            return "案例："
        numbered = [c for c in self.chapters if not c.case]
        return chapter_number(numbered.index(chapter)) + "、"


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


@cache
def load(edition: str) -> Template:
    have = available()
    if edition not in have:  # a name from a report file, never a path to follow
        raise TemplateError(f"there is no template for edition {edition!r} (have: {', '.join(have)})")
    path = resources.files("resources") / "templates" / f"{edition}.toml"
    return from_toml(tomllib.loads(path.read_text(encoding="utf-8")))


def from_toml(data: dict) -> Template:
    """The template, or TemplateError naming what is wrong (never a bare KeyError)."""
    try:
        return _from_toml(data)
    except TemplateError:
        raise
    except KeyError as exc:
        raise TemplateError(f"a required key is missing: {exc}") from exc
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
                raise TemplateError(f"{ref!r} is listed in chapters {chapter_of[ref]} and {chapter.id}")
            chapter_of[ref] = chapter.id

    indicators: dict[str, Indicator] = {}
    for raw, in_table in [(r, True) for r in data.get("indicator", [])] + [
        (r, False) for r in data.get("fact", [])
    ]:
        ind = _indicator(raw, in_table, chapter_of.get(raw["id"]))
        if ind.id in indicators:
            raise TemplateError(f"indicator id {ind.id!r} is declared twice")
        indicators[ind.id] = ind
    # children in declared order, so 其中 rows follow their parent
    for ind in list(indicators.values()):
        if ind.parent:
            if ind.parent not in indicators:
                raise TemplateError(f"{ind.id}: parent {ind.parent!r} does not exist")
            parent = indicators[ind.parent]
            # one level of 其中 rows, of the same kind: the table, import and forms know no more
            if parent.parent or parent.id == ind.id or parent.in_table != ind.in_table:
                raise TemplateError(f"{ind.id}: {ind.parent!r} cannot be its parent")
            indicators[parent.id] = _replace(parent, children=(*parent.children, ind.id))
    for ind in indicators.values():
        for name in ind.formula.names if ind.formula else ():
            if name not in indicators:
                raise TemplateError(f"{ind.id}: formula names unknown {name!r}")
            if indicators[name].derived:  # derived values are computed from stored ones only
                raise TemplateError(f"{ind.id}: formula input {name!r} is itself derived")
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
            raise TemplateError(f"free table {table.id}: unknown department {table.department!r}")
    for chapter in chapters:
        for ref in chapter.facts:
            if ref not in indicators or indicators[ref].in_table:
                raise TemplateError(f"chapter {chapter.id}: {ref!r} is not a fact")
        for ref in chapter.tables:
            if ref not in fixed:
                raise TemplateError(f"chapter {chapter.id}: no fixed table {ref!r}")
        for ref in chapter.free_tables:
            if ref not in free:
                raise TemplateError(f"chapter {chapter.id}: no free table {ref!r}")
    for ref in [i.id for i in indicators.values() if not i.in_table] + [*fixed, *free]:
        if ref not in chapter_of:  # it could be typed or shown nowhere
            raise TemplateError(f"{ref!r} is in no chapter")
    rules = tuple(_rule(r, indicators) for r in data.get("rule", []))
    for ind in indicators.values():
        if ind.department not in departments:
            raise TemplateError(f"{ind.id}: unknown department {ind.department!r}")
    by_name = {i.name: i.id for i in indicators.values() if not i.parent}
    return Template(
        id=str(edition["id"]),
        title=edition["title"],
        data_table=edition["data_table"],
        departments=departments,
        chapters=chapters,
        indicators=indicators,
        fixed_tables=fixed,
        free_tables=free,
        rules=rules,
        by_name=by_name,
    )


def _unique(what: str, keys: list[str]) -> None:
    seen = set()
    for key in keys:
        if key in seen:
            raise TemplateError(f"{what} {key!r} is declared twice")
        seen.add(key)


def _name_key(name: str) -> str:
    """Names as an import compares them: width, spacing and case do not count."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _replace(ind: Indicator, **changes) -> Indicator:
    from dataclasses import replace

    return replace(ind, **changes)


def _outline(entries: list[dict]) -> tuple[OutlineEntry, ...]:
    return tuple(OutlineEntry(e["title"], _outline(e.get("sections", []))) for e in entries)


def _chapter(raw: dict) -> Chapter:
    numbering = tuple(raw.get("numbering", ("（一）", "1.")))
    if len(numbering) != 2 or not set(numbering) <= NUMBERING_STYLES:
        raise TemplateError(
            f"chapter {raw['id']}: numbering needs two of {', '.join(sorted(NUMBERING_STYLES))}"
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
    )


def _indicator(raw: dict, in_table: bool, chapter: str | None) -> Indicator:
    try:
        if raw.get("places", 0) < 0:
            raise ValueError("places cannot be negative")
        vtype = ValueType(raw["type"], raw.get("unit", ""), raw.get("places"))
        formula = expr.parse(raw["formula"]) if "formula" in raw else None
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
        )
    except (KeyError, ValueError) as exc:
        raise TemplateError(f"indicator {raw.get('id', '?')}: {exc}") from exc


def _cites(raw: dict) -> tuple[str, ...]:
    cites = raw.get("cites", [])
    if not isinstance(cites, list) or not all(isinstance(c, str) and c.strip() for c in cites):
        raise ValueError("cites must be a list of words")
    return tuple(c.strip() for c in cites)


def _fixed(raw: dict, indicators: dict[str, Indicator], chapter_of: dict[str, str]) -> FixedTable:
    rows = []
    for row in raw["rows"]:
        ind = indicators.get(row["indicator"])
        if ind is None:
            raise TemplateError(f"fixed table {raw['id']}: unknown indicator {row['indicator']!r}")
        rows.append(FixedRow(ind.id, row.get("label", ind.name)))
    return FixedTable(raw["id"], raw["caption"], tuple(rows), chapter_of.get(raw["id"], ""))


def _free(raw: dict, indicators: dict[str, Indicator], chapter_of: dict[str, str]) -> FreeTable:
    columns = []
    for col in raw["columns"]:
        restates = col.get("restates")
        if restates and restates not in indicators:
            raise TemplateError(f"free table {raw['id']}: restates unknown {restates!r}")
        try:
            column = Column(
                name=col["name"],
                type=ValueType(col.get("type", "text")),
                width=float(col.get("width", 1.0)),
                total=bool(col.get("total", False)),
                restates=restates,
            )
        except ValueError as exc:
            raise TemplateError(f"free table {raw['id']}: {exc}") from exc
        if (column.total or restates) and not column.numeric:
            raise TemplateError(f"free table {raw['id']}: text column {column.name} cannot have a total")
        columns.append(column)
    return FreeTable(
        raw["id"], raw["caption"], raw.get("department", ""), tuple(columns),
        chapter_of.get(raw["id"], ""),
    )


def _rule(raw: dict, indicators: dict[str, Indicator]) -> Rule:
    if raw["op"] not in ("<=", ">=", "==", "<", ">"):
        raise TemplateError(f"rule {raw['left']!r}: unknown operator {raw['op']!r}")
    if raw["severity"] not in ("error", "warning"):
        raise TemplateError(f"rule {raw['left']!r}: severity must be error or warning")
    try:
        left, right = expr.parse(raw["left"]), expr.parse(raw["right"])
    except expr.ExprError as exc:
        raise TemplateError(f"rule {raw['left']!r}: {exc}") from exc
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
            raise TemplateError(f"rule {raw['left']!r}: unknown indicator {name!r}")
    return rule
