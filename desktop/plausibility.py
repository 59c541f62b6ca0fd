"""Values that are possible but unlikely (请核实): what a reviewer of a published report asks
about first, as data-quality tools (DHIS2's outlier rules, REDCap's data-quality rules) do.

- changes: a value many times, or a small fraction of, the previous year's. The factor is
  the indicator's `change_factor`, else the edition's; 0 turns the check off for a row.
- ranges: a value outside the range the edition gives as usual (plausible_min/max), such
  as 0.96 % 就业单位满意度 (typed "0.96%" on purpose, imported, or carried from an old file).
- copies: two different indicators with the same values in two consecutive years, the
  trace of a row pasted twice.

Both are 提示, never errors: a true value stays, and a note (说明) on the indicator and year
explains it and silences the finding.
"""

from __future__ import annotations

from decimal import Decimal

from desktop.findings import Context, fmt
from desktop.values import NA

# Between counts this small a change says nothing (1 → 3 名班主任工作室 is a good year).
SMALL_COUNT = 10

_HOW_TO_SILENCE = "属实时在该指标该年的备注中写一条说明，此提示即不再出现。"


def _number(ctx: Context, ind, year: int) -> Decimal | None:
    value = ctx.shown.get((ind.id, year))
    if value is None or value == NA or ind.type.kind == "text":
        return None
    try:
        return ind.type.number(value)
    except (ArithmeticError, ValueError):
        return None  # a damaged value: reported by the value check


def _factor(ctx: Context, ind) -> Decimal:
    factor = getattr(ind, "change_factor", None)
    if factor is None:
        factor = getattr(ctx.template, "change_factor", None)
    return Decimal(str(factor)) if factor else Decimal(0)


def changes(ctx: Context) -> None:
    for ind in ctx.template.indicators.values():
        factor = _factor(ctx, ind)
        if not factor:
            continue
        for before, year in zip(ctx.years, ctx.years[1:], strict=False):
            if year != before + 1:
                continue  # a gap of years is not last year's value
            old, new = _number(ctx, ind, before), _number(ctx, ind, year)
            if not old or not new:
                continue  # from or to 0 there is no ratio: 0 → 9 awards is a good year
            if ind.type.kind == "count" and max(old, new) < SMALL_COUNT:
                continue
            ratio = max(old, new) / min(old, new)
            if ratio <= factor:
                continue
            share = 100 * new / old
            change = (f"是上一年的 {fmt(ratio)} 倍" if new > old
                      else f"只有上一年的 {fmt(share)}%" if share >= 1 else "不到上一年的 1%")
            ctx.add(
                "warning",
                f"{year}年：{ind.name}从上一年的 {ctx.shown[(ind.id, before)]} 变为 "
                f"{ctx.shown[(ind.id, year)]}，{change}（本版把超过 {fmt(factor)} 倍的年度变化"
                f"视为异常）。这样大的变化常因统计口径或统计期变了、单位填错（如万元与元）"
                f"或数字录错：请核对两年的数据来源；{_HOW_TO_SILENCE}",
                [ind.id], year, kind="change", category="plausibility",
            )


def ranges(ctx: Context) -> None:
    for ind in ctx.template.indicators.values():
        low, high = ind.type.low, ind.type.high
        for year in ctx.years:
            number = _number(ctx, ind, year)
            if number is None or ctx.shown.get((ind.id, year)) == NA or not ind.type.outside(number):
                continue
            usual = (f"{_plain(low)}–{_plain(high)}" if low is not None and high is not None
                     else f"不低于 {_plain(low)}" if low is not None else f"不高于 {_plain(high)}")
            unit = ind.unit if ind.unit not in ("", "/", "-") else ""
            ctx.add(
                "warning",
                f"{year}年：{ind.name}为 {ctx.shown[(ind.id, year)]}{unit}，多数学校{usual}{unit}"
                f"（本版的常见范围）。请核对是否填错了单位或小数点（如把 96% 填成了 0.96）；"
                f"{_HOW_TO_SILENCE}",
                [ind.id], year, kind="range", category="plausibility",
            )


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _trivial(ind, number: Decimal) -> bool:
    """Values many rows share by nature: 0, 100 %, and small whole numbers."""
    if number == 0 or (ind.type.kind == "percent" and number == 100):
        return True
    return number == number.to_integral_value() and number < SMALL_COUNT


def _meant_equal(ctx: Context) -> set[frozenset[str]]:
    """Pairs the edition itself relates: a 其中 row and its parent, the two sides of an
    identity, a derived value and its inputs."""
    pairs: set[frozenset[str]] = set()
    for ind in ctx.template.indicators.values():
        for child in ind.children:
            pairs.add(frozenset((ind.id, child)))
        for name in ind.formula.names if ind.formula else ():
            pairs.add(frozenset((ind.id, name)))
    for rule in ctx.template.rules:
        for a in rule.left.names:
            for b in rule.right.names:
                pairs.add(frozenset((a, b)))
    return pairs


def copies(ctx: Context) -> None:
    related = _meant_equal(ctx)
    for before, year in zip(ctx.years, ctx.years[1:], strict=False):
        if year != before + 1:
            continue
        seen: dict[tuple[Decimal, Decimal], list] = {}
        for ind in ctx.template.indicators.values():
            old, new = _number(ctx, ind, before), _number(ctx, ind, year)
            if old is None or new is None or _trivial(ind, old) or _trivial(ind, new):
                continue
            for other in seen.get((old, new), []):
                if frozenset((other.id, ind.id)) in related:
                    continue
                ctx.add(
                    "warning",
                    f"{year}年：{other.name}与{ind.name}两年的值完全相同"
                    f"（{before}年均为 {_plain(old)}，{year}年均为 {_plain(new)}）。"
                    f"两个不同的指标连续两年相同，多半是一行数据复制到了另一行：请向来源部门核对这两项；{_HOW_TO_SILENCE}",
                    [other.id, ind.id], year, kind="copy", category="plausibility",
                )
            seen.setdefault((old, new), []).append(ind)
