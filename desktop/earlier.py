"""What an earlier edition wrote, read through the rename map of the report's edition.

A 2024年度 report declares how the 2022 edition's ids carry into it ([[rename]]: chapters,
tables, indicators, and indicators that are the sum of old ones). `next` uses the map on
stored values (desktop.next_year); importing last year's .docx uses it here on what the
document prints: an old chapter title, an old table caption, an old row name. A row of the
old edition that has no place in the new one is named, never matched to something else.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from msgspec import Struct
from msgspec.structs import replace

from desktop import template as templates
from desktop.template import Template


class Earlier(Struct, frozen=True, dict=True):  # dict: room for the cached aliases
    edition: Template  # the earlier edition, as shipped
    target: Template  # the report's edition, which declares the renames
    names: dict[str, dict[str, str]]  # kind → old id → new id (sums: "a + b" → new id)
    data_years: tuple[int, ...] = ()  # the years its names with {data_year} are read for

    def reading(self, years) -> Earlier:
        """This edition reading names for `years` too: last year's document carries its own
        years (年生均财政拨款(截至2021.08.31)), which a report made after a gap (2022 → a
        2026 report) does not have among its own."""
        wanted = tuple(sorted(set(self.data_years) | {y for y in years if y is not None}))
        return self if wanted == self.data_years else replace(self, data_years=wanted)

    def moved(self, kind: str, ident: str) -> str:
        return self.names.get(kind, {}).get(ident, ident)

    def indicator(self, old: str) -> str | None:
        """The report's indicator an old indicator carries into (None: no place)."""
        new = self.moved("indicator", old)
        return new if new in self.target.indicators else None

    def sums(self) -> dict[str, list[str]]:
        """New indicator → the old ones it is the sum of."""
        return dict(sum_renames(self.names.get("indicator", {}), self.target))

    def sum_of(self, old: str) -> str | None:
        return next((to for to, parts in self.sums().items() if old in parts), None)

    def chapter(self, old: str):
        new = self.moved("chapter", old)
        return next((c for c in self.target.chapters if c.id == new), None)

    def fixed_table(self, old: str) -> str | None:
        new = self.moved("table", old)
        return new if new in self.target.fixed_tables else None

    def label(self) -> str:
        return self.edition.name or f"{self.edition.id} 版"

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Every wording of an old top-level row → its old id: names, restated names, and
        the labels of the old edition's chapter tables (全日制在校生数（含技工）)."""
        out: dict[str, str] = {}
        bound = [self.edition.at_year(self.edition.report_year(y)) for y in self.data_years]
        for edition in bound or [self.edition]:
            out.update({i.name: i.id for i in edition.indicators.values() if not i.parent})
            out.update(edition.by_name)
            for table in edition.fixed_tables.values():
                for row in table.rows:
                    spec = edition.indicators.get(row.indicator)
                    if spec is not None and not spec.parent:
                        out.setdefault(row.label, row.indicator)
        return out


def sum_renames(names: dict[str, str], target: Template) -> list[tuple[str, list[str]]]:
    """The indicator renames that are sums ([[rename]] from = "a + b" → to), in the order
    declared: (new indicator of `target`, the old ids it is the sum of)."""
    out = []
    for source, to in names.items():
        parts = [p.strip() for p in source.split("+")]
        if len(parts) > 1 and to in target.indicators:
            out.append((to, parts))
    return out


def earlier_editions(target: Template, data_years: tuple[int, ...] = ()) -> list[Earlier]:
    """Each earlier edition the report's edition declares renames from, when it still ships;
    `data_years`: the years a document in it may give (names such as 年生均财政拨款(截至
    2021.08.31) carry them)."""
    out = []
    for ident, names in target.renames.items():
        if ident == target.id:
            continue
        try:
            edition = templates.load(ident)
        except templates.TemplateError:
            continue
        out.append(Earlier(edition, target, names, tuple(data_years)))
    return out


def sum_text(spec, parts: list[tuple[object, str]]) -> str:
    """The canonical value of a sum of canonical part values [(old indicator, value)],
    in the unit of `spec` ("-" counts as 0; all "-" is "-"). ValueError when a part is
    no number or its unit cannot be converted."""
    from desktop.values import NA

    if all(value == NA for _, value in parts):
        return NA
    total = Decimal(0)
    for ind, value in parts:
        number = ind.type.number(value)
        factor = spec.type.unit_factor(ind.unit) if ind.unit else Decimal(1)
        if number is None or factor is None:
            raise ValueError(ind.name)
        total += number if value == NA else number * factor
    return spec.type.from_number(total)


def translate(target: Template, editions: list[Earlier], table, years: dict[int, int | None],
              plan, labels=None) -> None:
    """A table's rows worded as an earlier edition words them, read through the renames
    (Word and Excel import alike, before the matcher): a renamed row takes this edition's
    name; the parts of a sum (升入本科, 升入高职, 其他升学 → 升学人数) become one row of
    their sum, or, a part missing, are left out and said; a row that has no place in this
    edition is named and left out. Rows no edition knows stay, and the matcher refuses them.
    `years`: year of each year column (None: not read); `plan`: its notes and refusals are
    added to; `labels`: a chapter table's own wording of its rows (this edition's too)."""
    from desktop import matcher

    if not editions:
        return
    where = table.label or table.sheet
    indicators = target.indicators
    current = matcher.match_rows(table, indicators, aliases=target.by_name)
    known = {m.row.row for m in current.matches}
    if labels:
        known |= {m.row.row for m in matcher.match_rows(table, labels).matches}
    for e in editions:
        found = matcher.match_rows(table, e.edition.indicators, aliases=e.aliases)
        renamed: dict[int, object] = {}
        parts: dict[str, dict[str, object]] = {}
        dropped: set[int] = set()
        left: list[str] = []
        for m in found.matches:
            if m.row.row in known:
                continue
            old = e.edition.indicators[m.indicator]
            new = e.indicator(m.indicator)
            if new is not None and not indicators[new].parent and not old.parent:
                renamed[m.row.row] = replace(m.row, name=indicators[new].name)
                caution = target.cautions.get(e.edition.id, {}).get(new)
                if caution and m.row.has_values():
                    plan.notes.append(f"{where} 第 {m.row.row} 行“{m.row.name}”读作本版的"
                                      f"“{indicators[new].name}”：{caution}，请核对。")
            elif (total := e.sum_of(m.indicator)) is not None:
                parts.setdefault(total, {})[m.indicator] = m.row
                dropped.add(m.row.row)
            else:
                dropped.add(m.row.row)
                if m.row.has_values():
                    name = (f"{e.edition.indicators[old.parent].name}（其中{old.name}）"
                            if old.parent else m.row.name)
                    left.append(f"第 {m.row.row} 行“{name}”")
            known.add(m.row.row)
        if left:
            plan.notes.append(f"{where}中 {len(left)} 行是{e.label()}的指标，本版没有与之"
                              f"对应的指标，未导入：{'、'.join(left)}。")
        rows = [renamed.get(r.row, r) for r in table.rows if r.row not in dropped]
        rows += [row for total, got in parts.items()
                 if (row := _sum_row(target, e, total, got, years, where, plan)) is not None]
        table.rows = rows


def _sum_row(target: Template, e: Earlier, total: str, got: dict, years: dict[int, int | None],
             where: str, plan):
    """One row holding, per year, the sum of the rows of its parts (see translate)."""
    from desktop import matcher
    from desktop.values import ParseError

    spec = target.indicators[total]
    names = e.sums()[total]
    label = "＋".join(e.edition.indicators[p].name for p in names)
    cells = {}
    for column, year in years.items():
        given = {p: got[p].cells.get(column) for p in names if p in got}
        given = {p: c for p, c in given.items() if c is not None and not c.empty}
        if not given or year is None:
            continue
        missing = [e.edition.indicators[p].name for p in names if p not in given]
        if missing:
            plan.notes.append(f"{where} {spec.name}（{year}年）是上一版本的{label}，但表中缺"
                              f"{'、'.join(missing)}，未导入：请补填。")
            continue
        values = []
        try:
            for p in names:
                old = e.edition.indicators[p]
                text, unit = matcher.value_input(old.type, given[p], got[p].unit)
                values.append((old, old.type.parse(text, unit)))
            value = sum_text(spec, values)
        except (matcher.CellRefused, ParseError, ValueError) as exc:
            plan.refused.append(f"{where} {spec.name}（{year}年）是{label}之和，其中一项无法读取：{exc}")
            continue
        cells[column] = matcher.Cell(value=value, ref="+".join(given[p].ref for p in names))
    if not cells:
        return None
    first = got[names[0]] if names[0] in got else next(iter(got.values()))
    return matcher.TableRow(row=first.row, seq="", name=spec.name, unit=spec.unit, cells=cells)
