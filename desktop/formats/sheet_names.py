"""Excel's rules for sheet names, apart from the writer: `qreport import` looks sheets up by
the names the export and the collection workbooks give them, without loading the writer."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(number: str, taken: Iterable[str] = (), fallback: str = "表") -> str:
    """A valid, unused sheet name from a table number: "表 2-1" → "表2-1".

    Excel forbids []:*?/\\ , a leading or trailing apostrophe, more than 31 characters, the
    reserved name History, and names equal ignoring case to an existing sheet.
    """
    name = _SHEET_NAME_FORBIDDEN.sub("_", "".join(number.split()))[:31].strip("'")
    if not name or name.casefold() == "history":
        name = fallback[:31]
    used = {t.casefold() for t in taken}
    candidate, n = name, 2
    while candidate.casefold() in used:
        suffix = f"({n})"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    return candidate
