"""`qreport check`: the findings of a report, evaluated per data year.

`check` runs CHECKERS in order, each a function of one findings.Context. Here, from the
edition:
- stored values that their type no longer accepts (a damaged or hand-edited file);
- 其中 rows vs their parent (each, and their sum);
- derived indicators vs their formula, when all inputs are known;
- the edition's [[rule]] relations (parts of a whole, identities, standards);
- fixed tables whose printed value differs from the indicator;
- free tables: totals vs the sum of their rows and vs the indicator they restate;
- the case chapter's length.
plausibility.py adds what is possible but unlikely (a value many times last year's, two
indicators with the same values), completeness.py what is still empty. A note (说明) on an
indicator and year silences the 提示 about it that it explains (Finding.explainable).
A finding names the indicators in Chinese, the year, and both sides' values.
"""

from __future__ import annotations

import json
from decimal import Decimal

from desktop import citations, completeness, drafts, live, plausibility, text
from desktop.findings import CATEGORIES, Context, Finding, category_of, fmt
from desktop.free_tables import read_rows
from desktop.report import Report, not_applicable, numbers
from desktop.template import Indicator, Rule
from desktop.values import ParseError

_OP_TEXT = {"<=": "不应大于", ">=": "不应小于", "==": "应等于", "<": "应小于", ">": "应大于"}
_OP_TEST = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}

__all__ = ["CHECKERS", "Finding", "category_of", "check", "check_json", "fmt"]


def _stored_values(ctx: Context) -> None:
    for (ind_id, year), value in sorted(ctx.values.items()):
        ind = ctx.template.indicators.get(ind_id)
        if ind is None:
            continue  # an indicator of another edition: kept, not checked
        try:
            if ind.type.reread(value) != value:
                raise ParseError(value, "不是规范的存储值")
        except ParseError as exc:
            ctx.add("error", f"{year}年：{exc.describe(ind.name)}", [ind_id], year, kind="value")


def _relations(ctx: Context) -> None:
    for year in ctx.years:
        # rules judge what the report shows: a standard on 生均校舍建筑面积 applies whether
        # the value was typed or follows from its inputs
        nums = numbers(ctx.template, ctx.shown, year)
        _children(ctx, year, nums)
        _derived(ctx, year, nums)
        for rule in ctx.template.rules:
            _rule(ctx, rule, year, nums)


def _fixed_tables(ctx: Context) -> None:
    _fixed(ctx, ctx.report)


def _free_tables(ctx: Context) -> None:
    _free(ctx, ctx.report)


def _case_length(ctx: Context) -> None:
    _case(ctx, ctx.report)


def _citations(ctx: Context) -> None:
    ctx.findings += citations.check(ctx.report, ctx.shown)


# Each checker adds its findings to the context; another module's checks join with one line.
CHECKERS = (
    _stored_values,
    _relations,
    _fixed_tables,
    _free_tables,
    _case_length,
    _citations,
    plausibility.changes,
    plausibility.ranges,
    plausibility.copies,
    completeness.missing_values,
    completeness.empty_sections,
    drafts.drafts,
    drafts.gaps,
    drafts.cautions,
)


def check(report: Report) -> list[Finding]:
    """Every finding of the report: errors, then 提示, 请核实 and 未完成, each in template order.
    A 提示 that a note on its indicator and year explains is left out."""
    values = report.file.values()
    shown = {key: s.value for key, s in report.shown(values).items()}
    years = sorted({y for _, y in values} | set(report.years))
    ctx = Context(report, report.template, values, shown, years)
    for checker in CHECKERS:
        checker(ctx)
    notes = report.file.notes()
    kept = [f for f in ctx.findings
            if not (getattr(f, "explainable", False) and explained(f, notes))]
    order = {c: n for n, c in enumerate(CATEGORIES)}
    return sorted(kept, key=lambda f: order[category_of(f)])


def explained(finding: Finding, notes: dict[tuple[str, int], str]) -> bool:
    return any(notes.get((i, finding.year), "").strip() for i in finding.ids)


def check_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_json() | {"category": category_of(f)} for f in findings],
                      ensure_ascii=False, indent=2)


def _bound(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


_OP_SIGN = {"<=": "≤", ">=": "≥", "==": "=", "<": "<", ">": ">"}


def describe(edition) -> list[str]:
    """The checks of an edition in words, for docs/editions.md (generated from the files)."""
    ctx = Context(None, edition, {}, {}, [])
    default = edition.change_factor
    own = [f"{i.name} ×{i.change_factor:g}" if i.change_factor else f"{i.name} 不判断"
           for i in edition.indicators.values() if i.change_factor is not None]
    ranges = [f"{i.name} {_bound(i.type.low)}–{_bound(i.type.high)}"
              for i in edition.indicators.values() if (i.type.low, i.type.high) != (None, None)]
    out = [
        f"### {edition.name or edition.title} (`{edition.id}.toml`)",
        "",
        "From the declarations: 其中 rows are not larger than their row, each and together; "
        "derived values agree with their formula; percents lie in 0–100; free-table totals "
        "equal their rows and the indicator they restate; fixed tables print the indicator's "
        "value.",
        "",
        "请核实 (a note on the indicator and year silences it): "
        + (f"a value more than ×{default:g} or less than 1/{default:g} of the previous year's"
           if default else "no year-to-year comparison by default")
        + (f" (own factors: {'；'.join(own)})" if own else "")
        + (f"; a value outside its usual range ({'；'.join(ranges)})" if ranges else "")
        + "; two indicators with the same values in two consecutive years. "
        "未完成: values of the report year still empty; empty chapters and sections.",
        "",
        "| # | relation | severity | why |",
        "|---|---|---|---|",
    ]
    for n, rule in enumerate(edition.rules, start=1):
        right = _side(ctx, rule.right, "", set()) if rule.right.names else rule.right.source
        relation = f"{_side(ctx, rule.left, rule.label, set())} {_OP_SIGN[rule.op]} {right}"
        severity = "错误" if rule.severity == "error" else "提示"
        why = rule.why + (f"（依据 {rule.basis}）" if rule.basis else "")
        out.append(f"| {n} | {relation} | {severity} | {why} |")
    out.append("")
    return out


def _children(ctx: Context, year: int, nums: dict[str, Decimal | None]) -> None:
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


def _derived(ctx: Context, year: int, nums: dict[str, Decimal | None]) -> None:
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


def _rule(ctx: Context, rule: Rule, year: int, nums: dict[str, Decimal | None]) -> None:
    # "-" adds nothing to a sum, but a side made only of not-applicable values (or dividing
    # by one) has nothing to judge: 专任教师 "-" is not "0 teachers, below the standard of 60"
    na = not_applicable(ctx.shown, year)
    left = rule.left.evaluate(nums, na)
    right = rule.right.evaluate(nums, na)
    parts = None
    if left is None and right is not None and rule.op in ("<=", "<") and rule.left.is_sum_of_names():
        # parts of a whole: every value is non-negative, so the parts known so far already
        # bound their sum from below; 3126 of 2212 graduates is wrong whatever is still empty
        parts = [n for n in rule.left.names if nums.get(n) is not None and n not in na]
        left = sum((nums[n] for n in parts), Decimal(0)) if parts else None
    if left is None or right is None or _OP_TEST[rule.op](left, right):
        return
    left_text = "＋".join(ctx.template.indicators[n].name for n in parts) if parts else \
        _side(ctx, rule.left, rule.label, na)
    ctx.add(
        rule.severity,
        f"{year}年：{left_text}（{fmt(left)}）{_OP_TEXT[rule.op]}"
        f"{_side(ctx, rule.right, '', na)}（{fmt(right)}）。{rule.why}"
        + (f"（依据 {rule.basis}）" if rule.basis else ""),
        [n for n in rule.names if parts is None or n in parts or n in rule.right.names],
        year, kind="standard" if rule.basis else "rule",
    )


def _side(ctx: Context, expression, label: str, na: set[str]) -> str:
    if label:
        return label
    if not expression.names:
        return "标准值"
    if expression.is_sum_of_names():
        # a part that does not apply ("-") adds nothing and is not named
        names = [n for n in expression.names if n not in na] or expression.names
        return "＋".join(ctx.template.indicators[n].name for n in names)
    text = expression.source
    for name in sorted(expression.names, key=len, reverse=True):
        text = text.replace(name, ctx.template.indicators[name].name)
    return text


def _fixed(ctx: Context, report: Report) -> None:
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
            f"{ctx.template.tables_name}中为 {actual if actual is not None else '空'}；"
            "同一指标出现了两个不同的值。",
            [ind_id], year, kind="restated",
            table=stored.id if stored else None,
            section=stored.section if stored else None,
        )


def _free(ctx: Context, report: Report) -> None:
    numbers_of = report.table_numbers()
    for table in report.file.tables():
        if table.kind != "free":
            continue
        spec = ctx.template.free_tables.get(table.ref)
        if spec is None:
            continue
        where = f"{numbers_of.get(table.id, '')}《{table.caption or spec.caption}》"
        extra = {"table": table.id, "section": table.section}
        read = read_rows(spec, table.rows)
        for col_index, sum_ in read.sums.items():
            column, total, empty = spec.columns[col_index], sum_.total, sum_.empty
            for (row, c), exc in read.refused.items():
                if c == col_index:
                    ctx.findings.append(Finding(
                        "error", f"{where}第 {row + 1} 行：{exc.describe(column.name)}",
                        (), report.year, kind="table", **extra))
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


def _case(ctx: Context, report: Report) -> None:
    for chapter in ctx.template.chapters:
        if not chapter.max_chars:
            continue
        sections = report.file.sections(chapter.id)
        chars = text.case_chars(((s.title, s.text) for s in sections),
                                live.resolver(report, ctx.shown))
        if chars > chapter.max_chars and sections:
            ctx.findings.append(Finding(
                "warning",
                f"案例共 {chars} 字（含标题），超过通知要求的 {chapter.max_chars} 字。",
                (), None, kind="length", section=sections[0].id))
