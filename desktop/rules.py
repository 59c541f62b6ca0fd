"""`qreport check`: the findings of a report, evaluated per data year.

Sources of findings, all from the template:
- stored values that their type no longer accepts (a damaged or hand-edited file);
- 其中 rows vs their parent (each, and their sum);
- derived indicators vs their formula, when all inputs are known;
- the template's [[rule]] comparisons (identities, parts vs whole, standards);
- fixed tables whose printed value differs from the indicator;
- free tables: totals vs the sum of their rows and vs the indicator they restate;
- the case chapter's length.
A finding names the indicators in Chinese, the year, and both sides' values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from desktop import citations, text
from desktop.report import Report, not_applicable, numbers
from desktop.template import Indicator, Rule, Template
from desktop.values import ParseError

_OP_TEXT = {"<=": "不应大于", ">=": "不应小于", "==": "应等于", "<": "应小于", ">": "应大于"}
_OP_TEST = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    message: str
    indicators: tuple[str, ...]  # Chinese names
    year: int | None
    ids: tuple[str, ...] = ()  # indicator ids, for jumping to the field
    table: int | None = None  # a stored table the finding is about
    section: int | None = None
    kind: str = "rule"

    def as_json(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "indicators": list(self.indicators),
            "year": self.year,
        }


@dataclass
class _Context:
    template: Template
    values: dict[tuple[str, int], str]  # as stored
    shown: dict[tuple[str, int], str]  # as the report shows them: empty derived ones filled in
    years: list[int]
    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: str, message: str, ids: list[str], year: int | None, **extra) -> None:
        names = tuple(self.template.indicators[i].name for i in ids)
        self.findings.append(
            Finding(severity, message, names, year, tuple(ids), **extra)
        )


def fmt(value: Decimal) -> str:
    """A computed number for a message: at most two decimals, no trailing zeros."""
    q = value.quantize(Decimal("0.01"))
    text = format(q, "f").rstrip("0").rstrip(".")
    return text or "0"


def check(report: Report) -> list[Finding]:
    """Every finding of the report, errors first, in template order."""
    values = report.file.values()
    shown = {key: s.value for key, s in report.shown(values).items()}
    years = sorted({y for _, y in values} | set(report.years))
    ctx = _Context(report.template, values, shown, years)
    _stored_values(ctx)
    for year in years:
        # rules judge what the report shows: a standard on 生均校舍建筑面积 applies whether
        # the value was typed or follows from its inputs
        nums = numbers(ctx.template, shown, year)
        _children(ctx, year, nums)
        _derived(ctx, year, nums)
        for rule in ctx.template.rules:
            _rule(ctx, rule, year, nums)
    _fixed_tables(ctx, report)
    _free_tables(ctx, report)
    _case_length(ctx, report)
    ctx.findings += citations.check(report, ctx.shown)
    order = {"error": 0, "warning": 1}
    return sorted(ctx.findings, key=lambda f: order[f.severity])


def check_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2)


def _stored_values(ctx: _Context) -> None:
    for (ind_id, year), value in sorted(ctx.values.items()):
        ind = ctx.template.indicators.get(ind_id)
        if ind is None:
            continue  # an indicator of another edition: kept, not checked
        try:
            if ind.type.parse(value) != value:
                raise ParseError(value, "不是规范的存储值")
        except ParseError as exc:
            ctx.add("error", f"{year}年：{exc.describe(ind.name)}", [ind_id], year, kind="value")


def _children(ctx: _Context, year: int, nums: dict[str, Decimal | None]) -> None:
    for ind in ctx.template.indicators.values():
        if not ind.children or nums.get(ind.id) is None:
            continue
        whole = nums[ind.id]
        known = [c for c in ind.children if nums.get(c) is not None]
        for child in known:
            if nums[child] > whole:
                c = ctx.template.indicators[child]
                ctx.add(
                    "error",
                    f"{year}年：{ind.name}的其中项“{c.name}”（{fmt(nums[child])}）"
                    f"大于{ind.name}（{fmt(whole)}）。",
                    [child, ind.id], year, kind="children",
                )
        if len(known) > 1:
            total = sum((nums[c] for c in known), Decimal(0))
            if total > whole:
                names = "＋".join(ctx.template.indicators[c].name for c in known)
                ctx.add(
                    "error",
                    f"{year}年：{ind.name}的其中项之和（{names} = {fmt(total)}）"
                    f"大于{ind.name}（{fmt(whole)}）。",
                    [*known, ind.id], year, kind="children",
                )


def _derived(ctx: _Context, year: int, nums: dict[str, Decimal | None]) -> None:
    for ind in ctx.template.indicators.values():
        stated = ctx.values.get((ind.id, year))
        if ind.formula is None or stated is None or stated == "-":
            continue
        computed = ind.formula.evaluate(nums, not_applicable(ctx.shown, year))
        if computed is None or ind.type.agrees(stated, computed):
            continue
        inputs = "、".join(
            f"{ctx.template.indicators[n].name} {ctx.values.get((n, year))}"
            for n in ind.formula.names
        )
        ctx.add(
            "error",
            f"{year}年：{ind.name}填报为 {stated}，按{inputs} 计算应为 {_computed(ind, computed)}。",
            [ind.id, *ind.formula.names], year, kind="derived",
        )


def _computed(ind: Indicator, value: Decimal) -> str:
    shown = ind.type.from_number(value)
    exact = fmt(value)
    return shown if shown == exact or shown.startswith(exact + ":") else f"{shown}（{exact}）"


def _rule(ctx: _Context, rule: Rule, year: int, nums: dict[str, Decimal | None]) -> None:
    # "-" adds nothing to a sum, but a side made only of not-applicable values (or dividing
    # by one) has nothing to judge: 专任教师 "-" is not "0 teachers, below the standard of 60"
    na = not_applicable(ctx.shown, year)
    left = rule.left.evaluate(nums, na)
    right = rule.right.evaluate(nums, na)
    if left is None or right is None or _OP_TEST[rule.op](left, right):
        return
    ctx.add(
        rule.severity,
        f"{year}年：{_side(ctx, rule.left, rule.label)}（{fmt(left)}）{_OP_TEXT[rule.op]}"
        f"{_side(ctx, rule.right, '')}（{fmt(right)}）。{rule.why}"
        + (f"（依据 {rule.basis}）" if rule.basis else ""),
        [n for n in rule.names], year, kind="rule",
    )


def _side(ctx: _Context, expression, label: str) -> str:
    if label:
        return label
    if not expression.names:
        return "标准值"
    if expression.is_sum_of_names():
        return "＋".join(ctx.template.indicators[n].name for n in expression.names)
    text = expression.source
    for name in sorted(expression.names, key=len, reverse=True):
        text = text.replace(name, ctx.template.indicators[name].name)
    return text


def _fixed_tables(ctx: _Context, report: Report) -> None:
    numbers_of = report.table_numbers()
    tables = {(t.ref, t.kind): t for t in report.file.tables()}
    for (tbl, ind_id, year), stated in sorted(report.file.stated().items()):
        ind = ctx.template.indicators.get(ind_id)
        if ind is None:
            continue
        actual = ctx.shown.get((ind_id, year))
        if stated == actual:
            continue
        fixed = ctx.template.fixed_tables.get(tbl)
        stored = tables.get((tbl, "fixed"))
        where = numbers_of.get(stored.id, "") if stored else ""
        caption = fixed.title(report.school) if fixed else tbl
        ctx.add(
            "error",
            f"{year}年：{where}《{caption}》中“{ind.name}”为 {stated}，"
            f"质量数据表中为 {actual if actual is not None else '空'}；同一指标出现了两个不同的值。",
            [ind_id], year, kind="restated",
            table=stored.id if stored else None,
            section=stored.section if stored else None,
        )


def _free_tables(ctx: _Context, report: Report) -> None:
    numbers_of = report.table_numbers()
    for table in report.file.tables():
        if table.kind != "free":
            continue
        spec = ctx.template.free_tables.get(table.ref)
        if spec is None:
            continue
        where = f"{numbers_of.get(table.id, '')}《{table.caption or spec.caption}》"
        extra = {"table": table.id, "section": table.section}
        for col_index, column in enumerate(spec.columns):
            if not column.numeric:
                continue
            total = Decimal(0)
            empty = 0
            for row_no, row in enumerate(table.rows, start=1):
                text = row[col_index] if col_index < len(row) else ""
                try:
                    canonical = column.type.parse(text)
                except ParseError as exc:
                    ctx.findings.append(Finding(
                        "error", f"{where}第 {row_no} 行：{exc.describe(column.name)}",
                        (), report.year, kind="table", **extra))
                    continue
                if canonical is None:
                    empty += 1
                    continue
                total += column.type.number(canonical) or 0
            if not column.total:
                continue
            gap = f"（另有 {empty} 行未填）" if empty else ""
            if table.stated_total is not None:
                try:
                    stated = column.type.number(column.type.parse(table.stated_total))
                except ParseError as exc:  # a damaged or hand-edited file
                    ctx.findings.append(Finding(
                        "error", f"{where}的{column.name}合计“{exc.text}”{exc.reason}。",
                        (), report.year, kind="total", **extra))
                    stated = None
                if stated is not None and stated != total:
                    ctx.findings.append(Finding(
                        "error",
                        f"{where}的{column.name}合计为 {table.stated_total}，"
                        f"但各行相加为 {fmt(total)}{gap}。",
                        (), report.year, kind="total", **extra))
            if column.restates:
                ind = ctx.template.indicators[column.restates]
                value = ctx.values.get((ind.id, report.year))
                number = ind.type.number(value) if value is not None else None
                if number is not None and number != total:
                    ctx.add(
                        "error",
                        f"{report.year}年：{where}的{column.name}各行相加为 {fmt(total)}{gap}，"
                        f"而{ind.name}为 {value}。",
                        [ind.id], report.year, kind="total", **extra,
                    )


def _case_length(ctx: _Context, report: Report) -> None:
    for chapter in ctx.template.chapters:
        if not chapter.max_chars:
            continue
        sections = report.file.sections(chapter.id)
        chars = text.case_chars((s.title, s.text) for s in sections)
        if chars > chapter.max_chars and sections:
            ctx.findings.append(Finding(
                "warning",
                f"案例共 {chars} 字（含标题），超过通知要求的 {chapter.max_chars} 字。",
                (), None, kind="length", section=sections[0].id))
