"""Citations: numbers in the report's text checked against the indicators they cite.

The edition declares per indicator the words by which a text cites it (`cites`). In each
clause of every section a citing word binds the first number after it whose unit fits
the indicator ("现有教职工 663 人", "校舍建筑面积17.87万m²"), if only linking words stand
between them (达, 为, 共, 约 …): "在校生中有 30 人获奖" cites nothing. The number is
converted to the indicator's unit (亩 → m², 万元 → 元 …) and compared within the rounding
it is written with (17.87万m² agrees with 178700 m²). The year is the last one the
sentence names before the number (2020年, 本年度, 上年), else the report's data year.
Approximate statements (约, 近, 超过, 余, 以上 …) are reported only when plainly false.
Live values (desktop.live) are skipped: they follow the data.

Offsets are in the text as the editor shows it (live values rendered), so the GUI can
select the number.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from msgspec import Struct
from msgspec.structs import replace

from desktop import live, values
from desktop.template import Indicator, Template

# what the text's units measure, and how they convert, is desktop.values' one table; the
# measures a text number may be read in, for indicators of these units
_TEXT_MEASURES = {"area", "money", "books", "people", "attendances", "percent"}
_SCALE = {"": Decimal(1), "万": Decimal(10000), "亿": Decimal(100000000)}
# 人 and 人次 count different things (people, attendances): a number in the one cited for an
# indicator in the other is said, never compared as if the same
_COUSINS = {frozenset(("people", "attendances"))}

# what may stand between a citing word and its number: links, qualifiers, a parenthesis
_LINK = re.compile(
    r"(?:\s|达到|达|为|是|共计|共有|共|合计|总计|计|大约|约|将近|接近|近|超过|超|逾|不少于|多于"
    r"|不足|不到|少于|现有|已有|有|已|增至|增加到|提高到|提升至|突破|总数|人数|规模|占比|占"
    r"|比例|了|[:：]|（[^）]{0,12}）|\([^)]{0,12}\))*"
)
_BEFORE = {"大约": "about", "约": "about", "将近": "near", "接近": "near", "近": "near",
           "超过": "over", "超": "over", "逾": "over", "不少于": "over", "多于": "over",
           "突破": "over", "不足": "under", "不到": "under", "少于": "under"}
_AFTER = {"余": "over", "多": "over", "以上": "over", "之多": "over", "左右": "about",
          "以下": "under"}
_CLAUSE_END = re.compile(r"[，。；;！!？?\n]|,(?!\d{3})")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年|(本年度|本年|今年|上年度|上一年|上年|去年)")
_INHERITS = re.compile(r"\s*(?:占比|占|比例|比率)")
# one character for one character, so offsets stay those of the text as written
_WIDTH = str.maketrans("０１２３４５６７８９．％，：（）", "0123456789.%,:()")


class CitationFinding(Struct, frozen=True):
    """A finding of `check` (the fields and as_json of desktop.rules.Finding, which lists
    it among its own), plus where the number stands in the text."""

    severity: str
    message: str
    indicators: tuple[str, ...]
    year: int | None
    ids: tuple[str, ...] = ()
    table: int | None = None
    section: int | None = None
    kind: str = "citation"
    offset: int = 0  # of the number in the section's text as the editor shows it
    length: int = 0
    stated: str = ""  # the number as written, with its unit

    def as_json(self) -> dict:
        return {"severity": self.severity, "message": self.message,
                "indicators": list(self.indicators), "year": self.year}


class _Number(Struct, frozen=True):
    start: int
    end: int
    value: Decimal  # in the dimension's base unit
    step: Decimal  # the rounding the text shows, in the same unit
    dimension: str
    unit: str
    qualifier: str | None
    text: str
    other_unit: bool = False  # 人 written for an indicator counted in 人次, or the reverse


def check(report, shown: dict | None = None) -> list[CitationFinding]:
    """A warning per number in the text that disagrees with the indicator it cites."""
    if shown is None:
        shown = report.shown()
    template = report.template
    words = _words(template)
    if not words:
        return []
    value_of = live.resolver(report, shown)
    findings: list[CitationFinding | None] = []
    chapter_titles = {c.id: c.title for c in template.chapters}
    for section in report.file.sections():
        if not section.text.strip():
            continue
        where = section.title if section.parent is not None and section.title else (
            chapter_titles.get(section.chapter, section.chapter))
        for hit in scan(template, section.text, value_of, report.year, words):
            ind, year, number, quote = hit
            findings.append(_finding(template, shown, ind, year, number, quote, where, section.id))
    return [f for f in findings if f is not None]


def _finding(template: Template, shown, ind: Indicator, year: int, number: _Number, quote: str,
             where: str, section_id: int):
    value = shown.get((ind.id, year))
    value = getattr(value, "value", value)
    actual = ind.type.number(value) if value not in (None, "-") else None
    if actual is None:
        return None
    factor = _dimension(ind.unit)[1]
    actual_base = actual * factor
    unit = "" if ind.unit in ("", "/") else ind.unit
    data = ind.type.display(value) + ("" if unit in ("", "%") else " ") + unit
    if number.other_unit:
        # never compared as if the same: 18291 人 is not 18291 人次, even when the digits agree
        message = (f"{year}年：正文“{quote}”（{where}）中{ind.name}写作 {number.text}，而数据以"
                   f"“{unit}”计（{data}）。人数与人次不同（一人参加三次计 1 人、3 人次）："
                   f"请核对正文说的是哪一个，并改用相应的单位。")
        return CitationFinding(
            "warning", message, (ind.name,), year, (ind.id,), section=section_id,
            offset=number.start, length=number.end - number.start, stated=number.text,
        )
    if _agrees(number, actual_base):
        return None
    approx = "（约数，但明显不符）" if number.qualifier else ""
    message = (f"{year}年：正文“{quote}”（{where}）中{ind.name}为 {number.text}{approx}，"
               f"与数据 {data} 不符。")
    return CitationFinding(
        "warning", message, (ind.name,), year, (ind.id,), section=section_id,
        offset=number.start, length=number.end - number.start, stated=number.text,
    )


def _agrees(number: _Number, actual: Decimal) -> bool:
    s = number.value
    if number.qualifier is None:
        # the value rounded or truncated to the last digit written (schools do both:
        # 107/501 = 21.36 % is printed 21.3 %); 21 万 for 20.47 万 is neither
        steps = (actual / number.step).quantize(Decimal("1e-9"))  # 亩 divide inexactly
        written = (s / number.step).quantize(Decimal(1))
        return written in (steps.to_integral_value(ROUND_FLOOR), steps.to_integral_value(ROUND_HALF_UP))
    if number.qualifier == "over":
        return actual >= s
    if number.qualifier == "under":
        return actual <= s
    if number.qualifier == "near":
        return s * Decimal("0.8") <= actual <= s * Decimal("1.1") + number.step
    return abs(actual - s) <= s * Decimal("0.2") + number.step  # about


def _dimension(unit: str) -> tuple[str, Decimal]:
    """What a unit measures and its factor to the measure's base (values.measure); a unit
    that table does not know (个, 课时) measures itself."""
    return values.measure(unit) or (unit, Decimal(1))


def _words(template: Template) -> dict[str, list[Indicator]]:
    words: dict[str, list[Indicator]] = {}
    for ind in template.indicators.values():
        if ind.type.kind in ("text", "ratio"):
            continue
        for word in ind.cites:
            words.setdefault(word.translate(_WIDTH), []).append(ind)
    return words


def _number_pattern(cited_units: frozenset[str]) -> re.Pattern:
    units = values.unit_words(_TEXT_MEASURES) | cited_units
    units -= {"", "/"}
    alternation = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(
        r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿)?\s*(余|多)?\s*"
        rf"({alternation})?\s*(以上|之多|左右|以下|余|多)?"
    )


_patterns: dict[tuple[frozenset[str], frozenset[str]], tuple[re.Pattern, re.Pattern]] = {}


def _compiled(template: Template, words: dict[str, list[Indicator]]):
    # keyed by what the patterns are made of, not by id(template): an id is reused once its
    # template is gone, and a later edition would be scanned for the earlier one's words
    units = frozenset(i.unit for i in template.indicators.values() if i.cites and i.unit)
    key = (frozenset(words), units)
    if key not in _patterns:
        cite = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        _patterns[key] = (cite, _number_pattern(units))
    return _patterns[key]


def scan(template: Template, text: str, value_of, report_year: int,
         words: dict[str, list[Indicator]] | None = None):
    """(indicator, year, number, quote) for every number the text cites for an indicator."""
    if words is None:
        words = _words(template)
    if not words:
        return
    shown, spans = live.render(text, value_of)
    chars = list(shown.translate(_WIDTH))
    for span in spans:  # live values are masked: never a citation
        chars[span.start:span.end] = "◇" * (span.end - span.start)
    plain = "".join(chars)
    cite_re, number_re = _compiled(template, words)
    for s_start, s_end in _pieces(plain, _SENTENCE_END, 0, len(plain)):
        sentence_year = _years(plain, s_start, s_end, report_year)
        previous_cite = None
        for c_start, c_end in _pieces(plain, _CLAUSE_END, s_start, s_end):
            clause = plain[c_start:c_end]
            if "分别" in clause:  # "分别为 663 人、501 人": the order pairs them, not proximity
                previous_cite = None
                continue
            cites = [(m.start() + c_start, m.end() + c_start, m.group()) for m in
                     cite_re.finditer(clause)]
            inherited = False
            if not cites and previous_cite is not None and _INHERITS.match(clause):
                # "硕士以上学历 107 人，占比 21.3%": the share of what the clause before cited
                cites = [(c_start, c_start, previous_cite)]
                inherited = True
            numbers = [_number(m, c_start) for m in number_re.finditer(clause)]
            numbers = [n for n in numbers if n is not None]
            for k, (_, w_end, word) in enumerate(cites):
                limit = cites[k + 1][0] if k + 1 < len(cites) else c_end
                bound = _bind(plain, word, w_end, limit, numbers, words)
                if bound is None:
                    continue
                ind, number = bound
                year = sentence_year(number.start)
                quote_start = _previous_clause_start(plain, s_start, c_start) if inherited else c_start
                yield ind, year, number, _quote(shown, quote_start, c_end, number)
            if cites and not inherited:
                previous_cite = cites[-1][2]


def _bind(plain: str, word: str, after: int, limit: int, numbers: list[_Number],
          words: dict[str, list[Indicator]]):
    for number in numbers:
        if number.start < after or number.start >= limit:
            continue
        ind = next((i for i in words[word] if _dimension(i.unit)[0] == number.dimension), None)
        cousin = None if ind is not None else next(
            (i for i in words[word]
             if frozenset((_dimension(i.unit)[0], number.dimension)) in _COUSINS), None)
        if ind is None and cousin is None:  # another unit (3 个 for a count of people): look further
            continue
        gap = plain[after:number.start]
        if len(gap) > 24:  # prose that far from its number does not cite it (and bounds the match)
            return None
        link = _LINK.fullmatch(gap)
        if link is None:
            return None
        qualifier = number.qualifier
        for phrase, kind in _BEFORE.items():
            if phrase in gap:
                qualifier = qualifier or kind
        if cousin is not None:
            return cousin, replace(number, qualifier=qualifier, other_unit=True)
        return ind, _replace_qualifier(number, qualifier)
    return None


def _replace_qualifier(number: _Number, qualifier: str | None) -> _Number:
    if qualifier == number.qualifier:
        return number
    return replace(number, qualifier=qualifier)


def _number(m: re.Match, offset: int) -> _Number | None:
    whole, frac, scale, mid, unit, tail = m.groups()
    if not unit:
        return None
    digits = whole.replace(",", "") + (frac or "")
    places = len(frac) - 1 if frac else 0
    dim, factor = _dimension(unit)
    factor *= _SCALE[scale or ""]
    value = Decimal(digits) * factor
    step = Decimal(1).scaleb(-places) * factor
    qualifier = _AFTER.get(mid or "") or _AFTER.get(tail or "")
    end = m.end(5)
    if tail:
        end = m.end(6)
    text = m.group(0)[: end - m.start()].strip()
    return _Number(m.start() + offset, m.start() + offset + len(text), value, step, dim, unit,
                   qualifier, text)


def _pieces(text: str, pattern: re.Pattern, start: int, end: int):
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < end:
        yield pos, end


def _years(text: str, start: int, end: int, report_year: int):
    mentions = []
    for m in _YEAR.finditer(text, start, end):
        if m.group(1):
            mentions.append((m.start(), int(m.group(1))))
        else:
            word = m.group(2)
            previous = word.startswith(("上", "去"))
            mentions.append((m.start(), report_year - 1 if previous else report_year))

    def year_at(pos: int) -> int:
        year = report_year
        for at, named in mentions:
            if at < pos:
                year = named
        return year

    return year_at


def _previous_clause_start(text: str, s_start: int, c_start: int) -> int:
    head = text[s_start:max(s_start, c_start - 1)]
    cut = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    return s_start + cut


def _quote(text: str, start: int, end: int, number: _Number, width: int = 48) -> str:
    start, end = _trim(text, start, end)
    if end - start > width:  # long clauses: the part around the number
        start = max(start, number.start - width // 2)
        end = min(end, start + width)
        return ("…" if start > 0 else "") + text[start:end].strip() + "…"
    return text[start:end].strip()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


__all__ = ["CitationFinding", "check", "scan"]
