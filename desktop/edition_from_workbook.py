"""An edition made from the bureau's blank workbook (`qreport edition from-workbook`).

Every visible sheet holding an indicator table (the matcher finds its header wherever it is)
becomes one [[indicator_table]]; its title is the merged title row above the header, or the
sheet's name. Rows become indicators: 其中 rows by a 其中 prefix, by indentation deeper than
the row above, or by an empty 序号 under a numbered row; the value type follows the unit
(%, 人/个/项/册, 元/万元, m²/亩, ratios) and is checked against the form's data validation; a row
whose value cells hold the bureau's formulas becomes a computed row (its formula translated
to indicator names when it can be). A row a later table repeats (在校生 in two tables) is
one indicator shown twice (`shows`), never two numbers for one thing.

Chapters, departments, facts, free tables, and the rules and fixed tables whose indicators
all exist, come from the base edition; a row whose name is one of the base edition's
indicators keeps that indicator's id, type, help and rules. The result is plain TOML a
person can edit, and a summary names every row and sheet that was not understood.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

from msgspec import Struct, field

from desktop import matcher
from desktop.errors import UserError


class EditionRefused(UserError):
    """No edition can be made from the workbook; str() is the sentence."""


class Made(Struct):
    toml: str
    tables: list[tuple[str, str, int]] = field(default_factory=list)  # (sheet, title, rows)
    notes: list[str] = field(default_factory=list)  # rows and sheets not understood, checks

    def summary(self) -> list[str]:
        lines = [f"附表：“{sheet}” → 《{title}》，{rows} 行" for sheet, title, rows in self.tables]
        return lines + [f"注意：{n}" for n in self.notes]


_COUNT_UNITS = {"人", "个", "项", "册", "人次", "次", "所", "门", "名", "套", "台", "种", "篇", "部", "家",
                "件", "本", "门次", "课时", "学时", "天", "间", "座", "辆", "mbps", "户", "批", "届", "场"}
_MONEY_UNITS = {"元", "万元", "千元", "亿元"}
_AREA_UNITS = {"m2", "平方米", "平米", "万m2", "万平方米", "亩", "公顷"}


def infer_type(name: str, unit: str) -> tuple[str, bool]:
    """(value type, understood) from a row's unit (and name, for ratios)."""
    key = matcher.unit_key(unit).casefold()
    if key in ("%", "百分比"):
        return "percent", True
    if "比" in name and key in ("", "/", "-", ":", "比"):
        return "ratio", True
    if key in _COUNT_UNITS:
        return "count", True
    if key in _MONEY_UNITS:
        return "money", True
    if key in {u.casefold() for u in _AREA_UNITS}:
        return "decimal", True
    return "decimal", False


def _load_base(base: str | None) -> tuple[dict, object]:
    from desktop import template

    have = template.available()
    if base is None:
        newest = getattr(template, "newest", None)
        base = newest() if newest else max(have, key=lambda e: template.load(e).years[-1])
    if base not in have:
        raise EditionRefused(f"没有 {base} 版的报告模板（可用：{'、'.join(have)}）。")
    text = (resources.files("resources") / "templates" / f"{base}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text), template.load(base)


def _pattern(name: str) -> re.Pattern[str]:
    """A base indicator's name as a pattern: its year placeholders match any year."""
    key = matcher.normalise_name(name)
    parts = re.split(r"(\{(?:year|data_year|prev_year)\})", key)
    return re.compile("".join(r"\d{4}" if p.startswith("{") else re.escape(p) for p in parts))


def _aliases(base_t) -> dict[str, str]:
    """Other wordings of the base's top-level indicators a bureau's form may use: the base's
    own restated names, the names the same indicator has in the other shipped editions (a
    province keeps 2022's 专任教师 where 2024 says 专任教师数), and a citing word only one
    indicator has. Without them the row becomes a new indicator and loses the base's rules
    and formulas (生师比 would no longer be checked against 在校生 and 专任教师)."""
    from desktop import template

    tops = {i.id for i in base_t.indicators.values() if not i.parent}
    names = {i.name for i in base_t.indicators.values()}
    out = dict(base_t.by_name)
    for other in template.available():
        if other == base_t.id:
            continue
        try:
            spec = template.load(other)
        except template.TemplateError:
            continue
        for ind in spec.indicators.values():
            if ind.id in tops and ind.name not in names:
                out.setdefault(ind.name, ind.id)
    cited: dict[str, set[str]] = {}
    for ind in base_t.indicators.values():
        if not ind.parent:
            for word in ind.cites:
                cited.setdefault(word, set()).add(ind.id)
    for word, ids in cited.items():
        if len(ids) == 1 and word not in names:
            out.setdefault(word, next(iter(ids)))
    return out


def make_edition(blank: Path | str, edition_id: str, base: str | None = None,
                 title: str | None = None) -> Made:
    from desktop import expr
    from desktop.formats import xlsx_read

    blank = Path(blank)
    raw, base_t = _load_base(base)
    _data, form = xlsx_read.read_form(blank)
    made = Made("")
    base_rows = [r for r in raw.get("indicator", []) if "shows" not in r]
    base_by_key = [(_pattern(r["name"]), r) for r in base_rows]
    departments = raw["edition"]["departments"]
    indicators: list[dict] = []
    tables: list[dict] = []
    used_ids: set[str] = {f["id"] for f in raw.get("fact", [])}
    top_names: dict[str, dict] = {}  # normalised name → indicator (across tables)
    made_by_id: dict[str, dict] = {}
    base_aliases = [(_pattern(name), ident) for name, ident in _aliases(base_t).items()]
    for sheet in form.sheets:
        if sheet.skipped:
            made.notes.append(f"跳过工作表：{sheet.skipped}")
            continue
        table_id = f"t{len(tables) + 1}"
        # a title cell often carries a second line (本表指标为暂拟…): the table's note
        title_lines = [line.strip() for line in (sheet.title_text or sheet.title).splitlines()
                       if line.strip()]
        table_title = title_lines[0] if title_lines else sheet.title
        tables.append({"id": table_id, "title": table_title, "sheet": sheet.title})
        if len(title_lines) > 1:
            tables[-1]["note"] = " ".join(title_lines[1:])
        current = _current_column(sheet.table)
        rows_made = 0
        parent: dict | None = None
        parent_indent, numbered = 0, False
        refs: dict[str, str] = {}  # cell ref of a row's current-year cell → indicator id
        pending: list[tuple[dict, str, str]] = []  # (indicator, formula, where) to translate
        children_of: dict[str, set[str]] = {}
        for row in sheet.table.rows:
            where = f"{sheet.title} 第 {row.row} 行"
            name = row.name.strip()
            if not name:
                if row.has_values() or row.seq:
                    made.notes.append(f"{where}没有指标名称，未作为指标。")
                continue
            label = re.sub(r"^其中[:：,，、]?", "", name).strip()
            is_child = parent is not None and (
                matcher.is_child_label(name) or row.indent > parent_indent
                or (not row.seq and numbered))
            key = matcher.normalise_name(label)
            if not is_child and key in top_names:  # shown in an earlier table: one indicator
                target = top_names[key]
                if target.get("_table") == table_id:
                    made.notes.append(f"{where}“{name}”在本表中重复，已跳过。")
                elif target.get("_children"):
                    made.notes.append(f"{where}“{name}”与前表中带“其中”项的指标同名，未重复列出，请核对。")
                else:
                    indicators.append({"id": f"{target['id']}_in_{table_id}", "shows": target["id"],
                                       "table": table_id, "seq": row.seq, "name": name})
                    made.notes.append(f"{where}“{name}”与前表的同名指标是同一个数，只存一份（shows）。")
                    rows_made += 1
                parent = None
                continue
            cell = row.cells.get(current) if current is not None else None
            unit = row.unit or (matcher.format_unit(cell.number_format) if cell is not None else "")
            kind, understood = infer_type(label, unit)
            base_row = next((r for pattern, r in base_by_key if pattern.fullmatch(key)), None)
            alias = None if is_child else next(
                (i for pattern, i in base_aliases if pattern.fullmatch(key)), None)
            if base_row is None and alias in made_by_id:
                target = made_by_id[alias]  # the base restates it under this wording
                if not target.get("parent") and not target.get("_children") and target["_table"] != table_id:
                    indicators.append({"id": f"{alias}_in_{table_id}", "shows": alias,
                                       "table": table_id, "seq": row.seq, "name": name})
                    made.notes.append(f"{where}“{name}”是前表“{target['name']}”的另一种写法（依{base_t.id}版），"
                                      "只存一份（shows）。")
                    rows_made += 1
                    parent = None
                    continue
            if base_row is None and alias is not None and alias not in used_ids:
                base_row = next((r for r in base_rows if r["id"] == alias), None)
            if base_row is not None and (base_row.get("parent") is not None) != is_child:
                base_row = None  # a 其中 row of the base is no top row here, and the reverse
            if base_row is not None and base_row["id"] in used_ids:
                base_row = None
            if base_row is not None:
                ind = {k: v for k, v in base_row.items() if k not in ("seq", "parent", "table", "formula")}
                if "{" not in base_row["name"]:
                    ind["name"] = label
                same_unit = matcher.unit_key(unit or base_row.get("unit", "")) == matcher.unit_key(
                    base_row.get("unit", ""))
                if not understood or same_unit:  # the base knows this row (生均图书 册: decimal)
                    kind = base_row["type"]
                elif kind != base_row["type"]:
                    ind.pop("places", None)
                ind["type"], ind["unit"] = kind, unit or base_row.get("unit", "")
                if "formula" in base_row:
                    ind["_base_formula"] = base_row["formula"]
            else:
                ind = {"id": _new_id(table_id, rows_made, used_ids), "name": label, "unit": unit,
                       "type": kind, "department": departments[0]}
                if not understood:
                    made.notes.append(f"{where}“{name}”的单位“{unit}”无法判断类型，按小数处理，请核对。")
            used_ids.add(ind["id"])
            made_by_id[ind["id"]] = ind
            ind["table"] = table_id
            ind["_table"] = table_id
            if row.seq:
                ind["seq"] = row.seq
            if is_child:
                if key in children_of.setdefault(parent["id"], set()):
                    made.notes.append(f"{where}“{name}”在同一指标的其中项中重复，已跳过。")
                    continue
                children_of[parent["id"]].add(key)
                ind["parent"] = parent["id"]
                parent["_children"] = True
            else:
                if key in top_names:
                    made.notes.append(f"{where}“{name}”重复，已跳过。")
                    continue
                top_names[key] = ind
                parent, parent_indent, numbered = ind, row.indent, bool(row.seq)
            _check_validation(sheet, row, current, ind, made, where)
            if cell is not None:
                refs[cell.ref] = ind["id"]
                if cell.formula:
                    pending.append((ind, sheet.formulas.get(cell.ref, ""), where))
            indicators.append(ind)
            rows_made += 1
        for ind, formula, where in pending:
            translated = _translate(formula, refs)
            if translated is None:
                made.notes.append(f"{where}“{ind['name']}”由表格公式 {formula} 计算，未能换成指标公式："
                                  "导出时该单元格保留表格自己的公式。")
                continue
            ind["formula"] = translated
            made.notes.append(f"{where}“{ind['name']}”由公式计算：{formula} → {translated}")
        made.tables.append((sheet.title, table_title, rows_made))
    if not tables:
        raise EditionRefused(
            f"{blank.name} 中没有可识别的指标表（需要含“序号”“指标/项目”“单位”和年份列的表头）。")
    ids = {i["id"] for i in indicators if "shows" not in i} | used_ids
    derived = {i["id"] for i in indicators if "formula" in i}
    for ind in indicators:
        base_formula = ind.pop("_base_formula", None)
        if base_formula and "formula" not in ind:
            names = expr.parse(base_formula).names
            if all(n in ids and n not in derived for n in names):
                ind["formula"] = base_formula
    derived = {i["id"] for i in indicators if "formula" in i}
    for ind in indicators:  # a formula's inputs are stored values, never computed ones
        if "formula" in ind and any(n in derived for n in expr.parse(ind["formula"]).names):
            made.notes.append(f"“{ind['name']}”的公式用到另一个计算行，已去掉公式，请核对。")
            del ind["formula"]
        ind.pop("_table", None)
        ind.pop("_children", None)
    made.toml = _emit(raw, base_t, edition_id, title, tables, indicators, ids)
    return made


def _new_id(table_id: str, n: int, used: set[str]) -> str:
    candidate = f"{table_id}_r{n + 1}"
    while candidate in used:
        candidate += "x"
    return candidate


def _current_column(table: matcher.Table) -> int | None:
    """The column of the table's current year: 本年, or the latest year named."""
    best = None
    for i, column in enumerate(table.header.year_columns):
        rank = column.year if column.year is not None else 10000 + (column.offset or 0)
        if best is None or rank > best[0]:
            best = (rank, i)
    return None if best is None else best[1]


def _check_validation(sheet, row, current, ind, made: Made, where: str) -> None:
    """The form's data validation on the row's input cell agrees with the type inferred."""
    if current is None or current not in row.cells:
        return
    rule = sheet.validations.get(row.cells[current].ref)
    if rule is None:
        return
    kind, _op, formula1 = rule
    agrees = {"whole": ("count",), "decimal": ("decimal", "money", "percent"),
              "list": ("text", "count", "decimal"), "textLength": ("text",), "custom": None}
    allowed = agrees.get(kind)
    if allowed is not None and ind["type"] not in allowed:
        if kind == "whole" and ind["type"] in ("decimal", "money"):
            ind["type"] = "count"
            made.notes.append(f"{where}“{ind['name']}”：表格的数据有效性只允许整数，按整数处理。")
        else:
            made.notes.append(f"{where}“{ind['name']}”：表格的数据有效性（{kind} {formula1}）"
                              f"与由单位推断的类型（{ind['type']}）不一致，请核对。")


_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_RANGE_SUM = re.compile(r"SUM\(\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)", re.IGNORECASE)
_ROUND = re.compile(r"ROUND\((.*),\s*\d+\s*\)$", re.IGNORECASE)


def _translate(formula: str, refs: dict[str, str]) -> str | None:
    """The bureau's formula over cells as arithmetic over indicator ids, or None."""
    text = formula.lstrip("=").strip()
    round_match = _ROUND.fullmatch(text)
    if round_match:
        text = round_match.group(1)

    def expand(match: re.Match[str]) -> str:
        c1, r1, c2, r2 = match.groups()
        if c1 != c2:
            raise ValueError
        return "(" + "+".join(f"{c1}{r}" for r in range(int(r1), int(r2) + 1)) + ")"

    try:
        text = _RANGE_SUM.sub(expand, text)
        out = _CELL.sub(lambda m: refs[f"{m.group(1)}{m.group(2)}"], text)
    except (KeyError, ValueError):
        return None
    if re.search(r"[A-Za-z_]\w*\(", out) or not re.fullmatch(r"[\w\s+\-*/().]+", out):
        return None
    return " ".join(out.split())


# ---------------------------------------------------------------------------------------------
# TOML out


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def _block(name: str, entries: list[dict]) -> list[str]:
    lines = []
    for entry in entries:
        lines.append(f"[[{name}]]")
        lines += [f"{k} = {_value(v)}" for k, v in entry.items()]
        lines.append("")
    return lines


def _emit(raw: dict, base_t, edition_id: str, title: str | None, tables: list[dict],
          indicators: list[dict], ids: set[str]) -> str:
    from desktop import expr

    edition = dict(raw["edition"])
    edition["id"] = edition_id
    if title:
        edition["title"] = title
        edition["name"] = title
    fixed = [t for t in raw.get("fixed_table", []) if all(r["indicator"] in ids for r in t["rows"])]
    fixed_ids = {t["id"] for t in fixed}
    chapters = []
    for chapter in raw["chapter"]:
        chapter = dict(chapter)
        if "tables" in chapter:
            chapter["tables"] = [t for t in chapter["tables"] if t in fixed_ids]
        chapters.append(chapter)
    free = []
    for table in raw.get("free_table", []):
        table = dict(table)
        table["columns"] = [{k: v for k, v in c.items() if k != "restates" or v in ids}
                            for c in table["columns"]]
        free.append(table)
    rules = [r for r in raw.get("rule", [])
             if all(n in ids for n in expr.parse(r["left"]).names + expr.parse(r["right"]).names)]
    lines = [
        f"# 由主管部门下发的表格生成（基于 {base_t.id} 版：章节、部门、事实项、自由表格和适用的规则）。",
        "# 可以手工修改；改后请运行 qreport edition check 核对。",
        "",
        "[edition]",
        *(f"{k} = {_value(v)}" for k, v in edition.items()),
        "",
        *_block("chapter", chapters),
        *_block("indicator_table", tables),
        *_block("indicator", indicators),
        *_block("fact", raw.get("fact", [])),
        *_block("fixed_table", fixed),
        *_block("free_table", free),
        *_block("rule", rules),
    ]
    return "\n".join(lines)


def write_edition(blank: Path | str, out: Path | str, base: str | None = None,
                  title: str | None = None) -> Made:
    """Make the edition and write it to `out` only when it loads as an edition."""
    from desktop import template
    from desktop.atomic import write_atomically
    from desktop.exports import check_suffix

    out = Path(out)
    check_suffix(out, ".toml")  # never over a report file (.qreport) or a workbook
    edition_id = re.sub(r"[^\w\-]+", "_", out.stem) or "bureau"
    made = make_edition(blank, edition_id, base, title)
    mistakes = template.check_text(made.toml, edition_id)  # what `qreport edition check` says
    if mistakes:
        listed = "；".join(map(str, mistakes[:3]))
        raise EditionRefused(f"由 {Path(blank).name} 生成的版本未通过检查（{listed}），未写入。")
    write_atomically(out, lambda tmp: tmp.write_text(made.toml + "\n", encoding="utf-8"))
    return made
