"""Live values: a reference to an indicator (or fact) and a year kept in a section's text.

Stored in the text as a marker ⟦id@year⟧ (brackets nobody types in a report), so the
text stays one string in the file, in undo, in copies and backups. Every reader of the
text resolves markers through `render`: the editor shows the formatted value, assembly
prints it as plain text (PDF and Word alike), and the citation check skips it: a value
that follows the data cannot contradict it.
"""

from __future__ import annotations

import re

from msgspec import Struct

MARKER = re.compile(r"⟦([A-Za-z_][A-Za-z0-9_]*)@(\d{4})⟧")


def marker(indicator: str, year: int) -> str:
    return f"⟦{indicator}@{year}⟧"


class Span(Struct, frozen=True):
    """A live value as shown: where it sits in the rendered text and what it refers to."""

    start: int
    end: int
    indicator: str
    year: int


def shown_value(report_template, shown: dict, indicator: str, year: int) -> str:
    """The text a live value shows: the value as the report shows it (derived ones filled
    in), or a visible gap naming what is missing, never a silent blank."""
    ind = report_template.indicators.get(indicator)
    if ind is None:
        return f"〔未知指标 {indicator}〕"
    value = shown.get((indicator, year))
    value = getattr(value, "value", value)  # a report.Shown or a plain string
    if value is None:
        return f"〔{ind.name}（{year}年）未填〕"
    return ind.type.display(value)


def render(text: str, value_of) -> tuple[str, list[Span]]:
    """The text with each marker replaced by value_of(indicator, year), and where each
    replacement sits in the result."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in MARKER.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        value = value_of(m.group(1), int(m.group(2)))
        spans.append(Span(length, length + len(value), m.group(1), int(m.group(2))))
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


def has_markers(text: str) -> bool:
    return "⟦" in text and MARKER.search(text) is not None


def resolver(report, shown: dict | None = None):
    """value_of(indicator, year) for a report, reading its values once."""
    if shown is None:
        shown = report.shown()
    return lambda indicator, year: shown_value(report.template, shown, indicator, year)
