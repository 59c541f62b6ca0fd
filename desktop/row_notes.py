"""What one 备注 cell holds: the notes (说明) of an indicator row over the table's years.

A table row has one 备注 cell but a note per year. This year's note alone is written as it is;
otherwise each note is led by its year (2021年：…；2022年：…). Reading splits the same way,
so export → import → export gives back the same notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_YEAR_LEAD = re.compile(r"(?:^|；)\s*(\d{4})年[：:]")


def join(notes: dict[int, str], years: Iterable[int]) -> str:
    """The 备注 cell for a row's notes by year (empty notes left out)."""
    years = list(years)
    said = [(y, notes[y]) for y in years if notes.get(y)]
    if len(said) == 1 and said[0][0] == years[-1] and not _YEAR_LEAD.match(said[0][1]):
        return said[0][1]  # a note that itself starts with "2021年：" is led by its year too
    return "；".join(f"{y}年：{text}" for y, text in said)


def split(text: str, years: Iterable[int], latest: int) -> dict[int, str]:
    """The notes by year in a 备注 cell: led by years of the table (2021年：…；2022年：…), or
    else all of it the note of `latest`, the table's newest year."""
    text = text.strip()
    if not text:
        return {}
    years = set(years)
    leads = list(_YEAR_LEAD.finditer(text))
    if not leads or leads[0].start() != 0 or any(int(m.group(1)) not in years for m in leads):
        return {latest: text}
    found: dict[int, str] = {}
    for m, following in zip(leads, [*leads[1:], None], strict=True):
        year = int(m.group(1))
        part = text[m.end(): following.start() if following else len(text)].strip()
        if year in found or not part:  # the same year twice, or nothing after it: not our layout
            return {latest: text}
        found[year] = part
    return found
