"""What an earlier edition wrote, read through the rename map of the report's edition.

A 2024年度 report declares how the 2022 edition's ids carry into it ([[rename]]: chapters,
tables, indicators, and indicators that are the sum of old ones). `next` uses the map on
stored values (desktop.next_year); importing last year's .docx uses it here on what the
document prints: an old chapter title, an old table caption, an old row name. A row of the
old edition that has no place in the new one is named, never matched to something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from desktop import template as templates
from desktop.template import Template


@dataclass(frozen=True)
class Earlier:
    edition: Template  # the earlier edition, as shipped
    target: Template  # the report's edition, which declares the renames
    names: dict[str, dict[str, str]]  # kind → old id → new id (sums: "a + b" → new id)
    data_years: tuple[int, ...] = ()  # the years its names with {data_year} are read for

    def moved(self, kind: str, ident: str) -> str:
        return self.names.get(kind, {}).get(ident, ident)

    def indicator(self, old: str) -> str | None:
        """The report's indicator an old indicator carries into (None: no place)."""
        new = self.moved("indicator", old)
        return new if new in self.target.indicators else None

    def sums(self) -> dict[str, list[str]]:
        """New indicator → the old ones it is the sum of."""
        out = {}
        for source, to in self.names.get("indicator", {}).items():
            parts = [p.strip() for p in source.split("+")]
            if len(parts) > 1 and to in self.target.indicators:
                out[to] = parts
        return out

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
