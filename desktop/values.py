"""Value types: parsing what Chinese users type, validating, formatting.

A value is stored as its canonical text: "9527", "98.5", "59.50", "19:1", "-" for not
applicable, any string for text; "empty" is the absence of a value (None). Keeping the
typed precision in the canonical text is what lets 59.50 print as 59.50 and 97 as 97.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from msgspec import Struct
from msgspec.structs import force_setattr

NA = "-"  # not applicable: shown as "-", distinct from empty and from 0

KINDS = ("count", "decimal", "percent", "money", "ratio", "text")
_DEFAULT_PLACES = {"count": 0, "decimal": 2, "percent": 2, "money": 2, "ratio": 0, "text": 0}
_NA_SPELLINGS = {"-", "—", "–", "――", "——", "不适用"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# Digits separated by spaces: a thousands grouping ("9 527", "12 345.5") is one number;
# anything else ("2364 2212", "23 64") is two numbers typed or pasted into one cell.
_SPLIT_DIGITS = re.compile(r"\d[\d,.]*(?:\s+[\d,.]*\d)+")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:\s\d{3})+(?:\.\d+)?")
_TRAILING_UNIT = re.compile(r"[\d.,]+([^\d.,]+)")
_MAX_DIGITS = 15  # beyond this a float in Excel loses digits; no school figure is that large
_MAX_TEXT = 500

# The one table of units (typing, Excel and Word import, and the text-number check of
# desktop.citations): a unit as written (NFKC: ㎡ and m² are "m2") → (what it measures, how
# many of that measure's base unit one is). 人 and 人次 measure different things: a person
# trained three times is 1 人 and 3 人次, so neither is ever converted into the other.
_MEASURES: dict[str, tuple[str, Decimal]] = {
    "m2": ("area", Decimal(1)), "平方米": ("area", Decimal(1)), "平米": ("area", Decimal(1)),
    "亩": ("area", Decimal(2000) / Decimal(3)), "公顷": ("area", Decimal(10000)),
    "元": ("money", Decimal(1)), "千元": ("money", Decimal(1000)),
    "人": ("people", Decimal(1)), "名": ("people", Decimal(1)),
    "人次": ("attendances", Decimal(1)),
    "册": ("books", Decimal(1)),
    "%": ("percent", Decimal(1)),
    "Mbps": ("bandwidth", Decimal(1)), "mbps": ("bandwidth", Decimal(1)),
    "Mb": ("bandwidth", Decimal(1)), "M": ("bandwidth", Decimal(1)), "m": ("bandwidth", Decimal(1)),
    "兆": ("bandwidth", Decimal(1)), "Gbps": ("bandwidth", Decimal(1000)),
    "G": ("bandwidth", Decimal(1000)), "g": ("bandwidth", Decimal(1000)),
    "千兆": ("bandwidth", Decimal(1000)), "万兆": ("bandwidth", Decimal(10000)),
}
# 万/亿 before a unit scale it (万m², 万人次, 亿元) — not before bandwidth's own words
_SCALES = {"万": Decimal(10000), "亿": Decimal(10) ** 8}
_SCALABLE = {"m2", "平方米", "平米", "亩", "公顷", "元", "人", "名", "人次", "册"}
# a bare 万/亿 after a sum or a head count is how people say it aloud ("12万" in a 万元 cell)
_SPOKEN = {"money", "people"}
# how a unit is written in running text, when NFKC gives another key (for citations' search)
_SPELLINGS = {"m2": ("m2", "m²", "㎡")}


def measure(unit: str) -> tuple[str, Decimal] | None:
    """(what `unit` measures, base units in one) — "万m²" → ("area", 10000); None when the
    unit is not one this table knows (个, 课时, 人日 …: counted as they are)."""
    key = _unit_key(unit)
    if key in _MEASURES:
        return _MEASURES[key]
    if len(key) > 1 and key[0] in _SCALES and key[1:] in _SCALABLE:
        what, factor = _MEASURES[key[1:]]
        return what, factor * _SCALES[key[0]]
    return None


def unit_words(measures: set[str]) -> set[str]:
    """Every written form of the units of `measures`, 万/亿 forms included."""
    words = set()
    for key, (what, _) in _MEASURES.items():
        if what in measures:
            forms = _SPELLINGS.get(key, (key,))
            words.update(forms)
            if key in _SCALABLE:
                words.update(scale + form for scale in _SCALES for form in forms)
    return words


@cache
def _units_for(own: str) -> dict[str, Decimal]:
    """Units that may follow a number for an indicator kept in `own`, with the factor that
    turns one of them into `own` (元: 万元 → 10000); {own: 1} for a unit not in the table."""
    mine = measure(own)
    if mine is None:
        return {own: Decimal(1)}
    what, base = mine
    out = {}
    for key in _MEASURES:
        for written in [key] + ([s + key for s in _SCALES] if key in _SCALABLE else []):
            other = measure(written)
            if other is not None and other[0] == what:
                out[written] = other[1] / base
    if what in _SPOKEN:
        out.update({s: f / base for s, f in _SCALES.items()})
    return out


# Units a count typed into a column without a unit may carry ("389人" in a table column):
# they name what is counted, they do not scale it.
_COUNT_WORDS = ("人次", "人", "名", "个", "项", "次", "门", "所", "家", "台", "套", "本", "册",
                "篇", "部", "件", "位", "场", "期", "种")
_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")


class ParseError(ValueError):
    """Typed text that is not a value of the type; `reason` is a Chinese phrase."""

    def __init__(self, text: str, reason: str):
        super().__init__(reason)
        self.text = text
        self.reason = reason

    def describe(self, name: str, year: int | None = None) -> str:
        """The message shown to the user: names the indicator, the year and the text."""
        where = f"{name}（{year}年）" if year is not None else name
        return f"{where}：“{self.text}”{self.reason}"


def normalise(text: str) -> str:
    """Full-width digits and punctuation to half-width, spaces removed (NFKC)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("。", ".")  # a full stop typed for a decimal point
    text = text.replace("∶", ":")  # U+2236 RATIO, what Word and some input methods give for 19∶1
    return re.sub(r"\s+", "", text)


def _unit_key(unit: str) -> str:
    return normalise(unit)


class ValueType(Struct, frozen=True):
    kind: str
    unit: str = ""
    places: int | None = None
    # the range most schools' values lie in (the edition's plausible_min/plausible_max):
    # outside it a value is 请核实, and a fraction typed for a percentage is asked about
    low: Decimal | None = None
    high: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown value type {self.kind!r}")
        if self.places is None:
            force_setattr(self, "places", _DEFAULT_PLACES[self.kind])  # frozen: only here

    # ------------------------------------------------------------ parsing
    def parse(self, text: str | None, unit: str = "") -> str | None:
        """Canonical text for what was typed; None for empty; ParseError otherwise.

        `unit` is the unit a bare number is written in (a workbook's 单位 column, e.g. 万元
        for an indicator kept in 元); a unit typed after the number takes precedence, and a
        unit this type does not know (see `unit_factor`) is ignored.
        """
        if text is None:
            return None
        raw = text
        if self.kind == "text":
            value = clean_text(text)
            if len(value) > _MAX_TEXT:
                raise ParseError(raw, f"太长（最多 {_MAX_TEXT} 个字）")
            return value or None
        s = normalise(text)
        if not s:
            return None
        if s in _NA_SPELLINGS or text.strip() in _NA_SPELLINGS:
            return NA
        _check_split_digits(raw)
        if self.kind == "ratio":
            return self._parse_ratio(raw, s)
        if self.kind == "money":
            s = s.lstrip("¥")  # ￥ typed before a sum (NFKC makes it ¥)
        number, factor = self._strip_unit(raw, s)
        if factor is None and self.kind == "percent":
            self._check_fraction(raw, self._decimal(raw, number))
        if factor is None:
            factor = (self.unit_factor(unit) if unit else None) or Decimal(1)
        value = self._decimal(raw, number)
        if factor != 1:
            value = (value * factor).quantize(Decimal(1).scaleb(-self.places), ROUND_HALF_UP)
        return self._check_number(raw, value)

    def reread(self, stored: str) -> str | None:
        """What a stored value parses as (ParseError when it is not one of this type). A
        stored percentage is read with its sign: a small one (0.7 in a 满意度) was confirmed
        as written, and is not asked about again as a fraction."""
        if self.kind == "percent" and stored not in (NA, "") and not stored.endswith("%"):
            return self.parse(stored + "%")
        return self.parse(stored)

    def outside(self, number: Decimal) -> bool:
        """Whether a number lies outside the range most schools' values lie in."""
        return (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high)

    def fraction_as_written(self, value: Decimal) -> bool:
        """A percentage written as a fraction without % (0.5 in a cell not formatted as
        percent) is meant as written when the usual range says so: 0.5 % 创业比例 (≤ 30 %,
        so 50 % is not usual), never 0.96 % 满意度 (≥ 60 %). Without a range: not known."""
        if self.kind != "percent" or (self.low is None and self.high is None) or not 0 < value < 1:
            return False
        return not self.outside(value) and self.outside(value * 100)

    def _check_fraction(self, raw: str, value: Decimal) -> None:
        """A fraction typed for a percentage without a % sign ("0.96" for 96 %) is asked
        about when the edition says the indicator is rarely that small and 100 times it is
        a usual value; a real small rate (流失率 0.5) has no such range and is kept, and
        "0.96%" typed with its sign is taken as meant."""
        if self.low is None or not 0 < value < 1 or value >= self.low:
            return
        meant = (value * 100).normalize()
        if self.outside(meant):
            return
        raise ParseError(raw, f"会存为 {_plain(value)}%，而本项通常不低于 {_plain(self.low)}%："
                              f"如果是 {_plain(meant)}%，请填 {_plain(meant)}；"
                              f"确是 {_plain(value)}% 时请连同百分号填“{_plain(value)}%”")

    def _strip_unit(self, raw: str, s: str) -> tuple[str, Decimal | None]:
        """The number and the factor of the unit typed after it (None: no unit typed)."""
        if self.kind == "percent":
            return (s[:-1], Decimal(1)) if s.endswith("%") else (s, None)
        units = _units_for(_unit_key(self.unit))
        if self.kind == "count" and _unit_key(self.unit) in ("", "/", "-"):
            units = dict.fromkeys(_COUNT_WORDS, Decimal(1))
        for suffix in sorted(units, key=len, reverse=True):
            if suffix and s.endswith(suffix) and len(s) > len(suffix):
                return s[: -len(suffix)], units[suffix]
        return s, None

    def _hint(self, s: str) -> str | None:
        """What to do instead, for text that is no number of this type: Chinese numerals
        ("十二"). (A number in another unit of the same kind, "32000000元" for 万元, is
        converted: see _MEASURES.)"""
        if any(ch in _CHINESE_NUMERALS for ch in s) and not any(ch.isdigit() for ch in s):
            example = {"ratio": "19:1", "percent": "98.5", "count": "12"}.get(self.kind, "12.5")
            return f"{self._expected()}：请用阿拉伯数字填写（如 {example}）"
        # a number followed by a unit of another kind ("3215人次" where 人 is asked for)
        typed = _TRAILING_UNIT.fullmatch(s)
        if typed and self.unit not in ("", "/", "-"):
            return (f"{self._expected()}：本栏单位是“{self.unit}”，"
                    f"“{typed.group(1)}”不能换算，请只填以{self.unit}计的数字")
        return None

    def unit_factor(self, unit: str) -> Decimal | None:
        """How many of this type's unit one `unit` is (万元 for 元: 10000); 1 for no unit
        ("", "/", "-") and for types without units; None for a unit this type does not know."""
        key, own = _unit_key(unit), _unit_key(self.unit)
        if key in ("", "/", "-") or key == own or self.kind in ("ratio", "text"):
            return Decimal(1)
        if self.kind == "percent":
            return None
        return _units_for(own).get(key) if measure(own) is not None else None

    def _decimal(self, raw: str, s: str) -> Decimal:
        if s.startswith("-") and _NUMBER.fullmatch(s[1:].replace(",", "")):
            raise ParseError(raw, "不能是负数")
        if _GROUPED.fullmatch(s):
            s = s.replace(",", "")
        if not _NUMBER.fullmatch(s):
            raise ParseError(raw, self._hint(normalise(raw)) or self._expected())
        if len(s.replace(".", "")) > _MAX_DIGITS:
            raise ParseError(raw, "数值过大")
        try:
            return Decimal(s)
        except InvalidOperation:  # pragma: no cover - the regex admits only decimals
            raise ParseError(raw, self._expected()) from None

    def _check_number(self, raw: str, value: Decimal) -> str:
        places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
        if self.kind == "count":
            if places and value != value.to_integral_value():
                raise ParseError(raw, "应为整数")
            return str(int(value))
        if places > self.places:
            shown = (value * 100).normalize()
            if self.kind == "percent" and value < 1 and -shown.as_tuple().exponent <= self.places:
                # a fraction typed for a percentage (0.965 for 96.5 %)
                raise ParseError(raw, f"最多保留 {self.places} 位小数；百分比请填百分数"
                                      f"（{_plain(value)} 即 {_plain(shown)}%，应填 {_plain(shown)}）")
            raise ParseError(raw, f"最多保留 {self.places} 位小数")
        if self.kind == "percent" and value > 100:
            raise ParseError(raw, "是百分比，应在 0 到 100 之间")
        return _plain(value)

    def _parse_ratio(self, raw: str, s: str) -> str:
        s = s.replace("比", ":")
        left, sep, right = s.partition(":")
        if not sep:
            right = "1"
        a = self._decimal(raw, left)
        b = self._decimal(raw, right)
        if a == 0 or b == 0:
            raise ParseError(raw, "比值的两项都应大于 0")
        for part in (a, b):
            if -part.as_tuple().exponent > 2:
                raise ParseError(raw, "比值最多保留 2 位小数")
        return f"{_plain(a)}:{_plain(b)}"

    def _expected(self) -> str:
        return {
            "count": "不是有效的整数",
            "ratio": "不是有效的比值（如 19:1）",
            "percent": "不是有效的百分数（如 98.5）",
        }.get(self.kind, "不是有效的数字")

    # ------------------------------------------------------------ reading
    def number(self, canonical: str | None) -> Decimal | None:
        """The number behind a stored value; NA counts as 0 in sums; text has none.

        A stored text that is not canonical (a damaged or hand-edited file) has no number:
        `check` reports it, and nothing computes with it.
        """
        if canonical is None or self.kind == "text":
            return None
        if canonical == NA:
            return Decimal(0)
        if self.kind == "ratio":
            left, sep, right = canonical.partition(":")
            if not (sep and _canonical_number(left) and _canonical_number(right)) or Decimal(right) == 0:
                return None
            return Decimal(left) / Decimal(right)
        return Decimal(canonical) if _canonical_number(canonical) else None

    def places_of(self, canonical: str | None) -> int:
        """Decimals the stored value was given with (what Excel and the PDF show)."""
        if canonical is None or self.kind in ("text", "ratio", "count") or not _canonical_number(canonical):
            return 0
        exponent = Decimal(canonical).as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0

    def display(self, canonical: str | None) -> str:
        return "" if canonical is None else canonical

    def from_number(self, value: Decimal) -> str:
        """Canonical text for a computed value (derived indicators), rounded half up."""
        q = Decimal(1).scaleb(-self.places)
        if self.kind == "ratio":
            return f"{_plain(value.quantize(q, ROUND_HALF_UP))}:1"
        if self.kind == "count":
            return str(int(value.quantize(Decimal(1), ROUND_HALF_UP)))
        return _plain(value.quantize(q, ROUND_HALF_UP))

    def agrees(self, canonical: str, computed: Decimal) -> bool:
        """A stated value agrees with a computed one within the precision it was stated with.

        One unit of the last stated decimal is allowed, so that both rounding and the
        truncation schools often do (49.648 published as 49.64) pass, while 16:1 for a
        computed 17.09 does not.
        """
        stated = self.number(canonical)
        if stated is None or canonical == NA:
            return True
        if self.kind == "ratio":
            left, _, right = canonical.partition(":")
            unit = Decimal(1).scaleb(Decimal(left).as_tuple().exponent) / Decimal(right)
        else:
            unit = Decimal(1).scaleb(-self.places_of(canonical))
        return abs(stated - computed) < unit


def _check_split_digits(raw: str) -> None:
    """Refuse digits split by spaces unless they are a thousands grouping: normalising
    removes spaces, and "2364 2212" must never become 23642212."""
    text = unicodedata.normalize("NFKC", raw).strip()
    for run in _SPLIT_DIGITS.finditer(text):
        if not _SPACE_GROUPED.fullmatch(run.group()):
            raise ParseError(raw, "含有被空格隔开的两个数字，请只填一个数")


def _canonical_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text)) and len(text) <= _MAX_DIGITS + 1


def _plain(value: Decimal) -> str:
    """A Decimal as plain positional text (never 1E+3), keeping its given places."""
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


def clean_text(text: str) -> str:
    """One line of text as stored: trimmed, without control characters (Word's manual line
    break \x0b, stray NULs from pasted data) that Excel refuses and print shows as boxes."""
    return _CONTROL.sub("", text).replace("\n", " ").replace("\t", " ").strip()
