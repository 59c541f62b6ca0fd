"""Sections carried from last year's report (`next`): drafts flagged 待更新 until edited.

A carried section is remembered by a fingerprint of its title and text at the moment it was
carried (meta "drafts", JSON). It stays a draft while it reads exactly the same: any edit of
its title or text, in the window, by import or by a script, ends that, with no hook needed.
Last year's rows of a yearly-list table are kept beside it (meta "last_year_rows") so the
office can bring them back in one step.
"""

from __future__ import annotations

import hashlib
import json

from desktop.findings import Context, Finding

DRAFTS = "drafts"
LAST_ROWS = "last_year_rows"
GAPS = "carry_gaps"  # values `next` could not carry (a sum with a part missing), and why
CAUTIONS = "carry_cautions"  # values carried from an edition that measured them otherwise


def fingerprint(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\x00{text}".encode()).hexdigest()[:16]


def _load(file, key: str) -> dict:
    try:
        data = json.loads(file.get_meta(key) or "{}")
    except ValueError:
        return {}  # damaged by hand: nothing is a draft, nothing lost from the report
    return data if isinstance(data, dict) else {}


def mark(file, sections) -> None:
    """Remember `sections` (rows with id, title, text) as carried, unedited drafts."""
    data = _load(file, DRAFTS)
    data.update({str(s.id): fingerprint(s.title, s.text) for s in sections})
    file.set_meta(DRAFTS, json.dumps(data, ensure_ascii=False))


def pending(report) -> list:
    """Sections still reading as carried (待更新), in outline order."""
    data = _load(report.file, DRAFTS)
    if not data:
        return []
    return [s for s in report.file.sections()
            if data.get(str(s.id)) == fingerprint(s.title, s.text)]


def mark_gaps(file, gaps: dict[tuple[str, int], str]) -> None:
    """Remember values left empty on purpose by `next`, with the sentence saying why."""
    data = _load(file, GAPS)
    data.update({f"{ind}@{year}": why for (ind, year), why in gaps.items()})
    file.set_meta(GAPS, json.dumps(data, ensure_ascii=False))


def gaps(ctx: Context) -> None:
    """A 未完成 finding for each value `next` left empty, until someone fills it."""
    for key, why in _load(ctx.report.file, GAPS).items():
        ind, _, year = str(key).rpartition("@")
        if ind not in ctx.template.indicators or not year.isdigit():
            continue
        if ctx.report.file.values().get((ind, int(year))) is None:
            ctx.add("warning", f"{why}。", [ind], int(year), kind="carry_gap",
                    category="completeness")


def mark_cautions(file, cautions: dict[tuple[str, int], str]) -> None:
    """Remember values carried from an earlier edition that measured them otherwise."""
    data = _load(file, CAUTIONS)
    data.update({f"{ind}@{year}": why for (ind, year), why in cautions.items()})
    file.set_meta(CAUTIONS, json.dumps(data, ensure_ascii=False))


def cautions(ctx: Context) -> None:
    """A 请核实 for each value carried under another edition's measure, while it is the
    value carried; a 说明 on it (that it was checked) silences it (Finding.explainable)."""
    values = ctx.report.file.values()
    for key, why in _load(ctx.report.file, CAUTIONS).items():
        ind, _, year = str(key).rpartition("@")
        if ind not in ctx.template.indicators or not year.isdigit():
            continue
        if values.get((ind, int(year))) is not None:
            ctx.add("warning", f"{why}。属实时在该指标该年的备注中写一条说明，此提示即不再出现。",
                    [ind], int(year), kind="carry_caution", category="plausibility")


def keep_last_year_rows(file, table_id: int, rows) -> None:
    data = _load(file, LAST_ROWS)
    data[str(table_id)] = [list(r) for r in rows]
    file.set_meta(LAST_ROWS, json.dumps(data, ensure_ascii=False))


def last_year_rows(report, table_id: int) -> list[list[str]]:
    """Last year's rows of a yearly-list table carried empty by `next` ([] when none)."""
    rows = _load(report.file, LAST_ROWS).get(str(table_id), [])
    return [list(map(str, r)) for r in rows if isinstance(r, list)]


def drafts(ctx: Context) -> None:
    """A 未完成 finding naming the sections carried from last year and not yet edited."""
    carried = pending(ctx.report)
    if not carried:
        return
    names = "、".join(s.title or "（章首）" for s in carried[:5])
    more = f"等 {len(carried)} 节" if len(carried) > 5 else f"{len(carried)} 节"
    ctx.findings.append(Finding(
        "warning",
        f"{names}（{more}）沿用上一年度的文字，待更新：请按本年度情况修改。",
        (), None, kind="drafts", section=carried[0].id, category="completeness"))
