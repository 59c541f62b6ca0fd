"""查找: section titles and texts and indicator names that contain what was typed.

Matching folds both sides the way people type: full-width and half-width alike (NFKC),
any case, and digits with or without thousands separators ("3215" finds "3,215").
"""

from __future__ import annotations

import unicodedata

from msgspec import Struct

from desktop import live
from desktop.report import Report
from desktop.template import Chapter, Template

SNIPPET = 14  # characters shown either side of a hit in a text


class Hit(Struct, frozen=True):
    label: str
    chapter: str | None = None
    section: int | None = None
    indicator: str | None = None


def tab_title(template: Template, chapter: Chapter) -> str:
    """"一、学校概况"; the case chapter carries no number."""
    return chapter.title if chapter.case else template.chapter_heading(chapter) + chapter.title


def _pieces(text: str) -> list[str]:
    """Each character folded; a thousands separator between digits folds to nothing."""
    folded = [unicodedata.normalize("NFKC", ch).casefold() for ch in text]
    for i, piece in enumerate(folded):
        if piece == "," and 0 < i < len(folded) - 1 \
                and folded[i - 1][-1:].isdigit() and folded[i + 1][:1].isdigit():
            folded[i] = ""
    return folded


def fold(text: str) -> str:
    return "".join(_pieces(text))


def span(text: str, needle: str) -> tuple[int, int]:
    """Where in `text` the folded `needle` is: folding changes lengths ("㎡" is "m2",
    "3,215" is "3215"), so positions in the folded text are mapped back character by
    character. (0, 0) when it is not there."""
    origin: list[int] = []
    for i, piece in enumerate(_pieces(text)):
        origin.extend([i] * len(piece))
    at = fold(text).find(needle)
    if at < 0 or not needle:
        return 0, 0
    return origin[at], origin[at + len(needle) - 1] + 1


def search(report: Report, text: str, limit: int = 200) -> list[Hit]:
    """Section titles and texts, and indicator names, containing `text`."""
    needle = fold(text.strip())
    if not needle:
        return []
    template = report.template
    headings = {c.id: tab_title(template, c) for c in template.chapters}
    hits: list[Hit] = []
    value_of = None
    for section in report.file.sections():
        where = headings.get(section.chapter, section.chapter)
        title = section.title or "（章首）"
        if needle in fold(section.title):
            hits.append(Hit(f"{where} › {title}", section.chapter, section.id))
        body = section.text
        if live.has_markers(body):
            # what the reader sees: a live value's printed text, never its marker ⟦id@year⟧
            value_of = value_of or live.resolver(report)
            body = live.render(body, value_of)[0]
        if needle in fold(body):
            at, end = span(body, needle)
            start, stop = max(0, at - SNIPPET), end + SNIPPET
            snippet = body[start:stop].replace("\n", " ")
            lead = "…" if start else ""
            tail = "…" if stop < len(body) else ""
            hits.append(Hit(f"{where} › {title}：{lead}{snippet}{tail}", section.chapter,
                            section.id))
        if len(hits) >= limit:
            return hits
    for ind in template.indicators.values():
        if needle in fold(ind.name):
            if ind.in_table:
                where = (template.indicator_table(ind.table).heading("").strip()
                         + (f" 第 {ind.seq} 项" if ind.seq else ""))
            else:
                where = headings.get(ind.chapter or "", "")
            hits.append(Hit(f"{where} › {ind.name}", ind.chapter, None, ind.id))
    return hits[:limit]
