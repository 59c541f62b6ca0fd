"""The edition file's schema: every table and key an edition (resources/templates/*.toml) may
hold, with its type and meaning, and the check that lists every mistake of a file at once.

The schema is data: adding a key is one `Key(...)` line in SHAPES (the loader in
desktop/template.py then reads it). docs/editions.md is generated from it (`reference()`), and
a test keeps the two equal. Mistakes are Chinese sentences with the TOML line they are on and,
for a misspelt name, the nearest right one ("是不是 name？").
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator

from msgspec import Struct, field

from desktop import expr, toml_cache
from desktop.values import KINDS

# value types of keys; each has a Chinese name for messages and the reference page
STR, INT, NUMBER, BOOL = "str", "int", "number", "bool"
WORDS, INTS, FORMULA, TABLES = "words", "ints", "formula", "tables"
TYPE_NAMES = {
    STR: "字符串", INT: "整数", NUMBER: "数", BOOL: "true/false", WORDS: "字符串列表",
    INTS: "整数列表", FORMULA: "公式（字符串）", TABLES: "内联表列表",
}
# what an id-valued key refers to, for "references to missing ids"
INDICATOR, FACT, ITABLE, FIXED, FREE, DEPARTMENT = (
    "indicator", "fact", "indicator_table", "fixed_table", "free_table", "department")
REF_NAMES = {INDICATOR: "指标或事实", FACT: "事实（[[fact]]）", ITABLE: "指标表（[[indicator_table]]）",
             FIXED: "固定表（[[fixed_table]]）", FREE: "自由表（[[free_table]]）",
             DEPARTMENT: "部门（[edition] departments）"}


class Key(Struct, frozen=True):
    name: str
    type: str
    doc: str
    required: bool = False
    choices: tuple = ()  # the only values allowed
    ref: str = ""  # the kind of id the value (or each item) names
    items: Shape | None = None  # the shape of each inline table of a TABLES key


class Shape(Struct, frozen=True):
    name: str  # the TOML table name
    doc: str
    keys: tuple[Key, ...]
    many: bool = True  # [[name]] (many) or [name] (one)

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)

    @property
    def header(self) -> str:
        return f"[[{self.name}]]" if self.many else f"[{self.name}]"


# an outline entry holds entries of its own kind: its "sections" key has items=None, read as
# OUTLINE again (see _items)
OUTLINE = Shape("sections", "大纲中的一节（内联表，可嵌套）", (
    Key("title", STR, "小节标题", required=True),
    Key("sections", TABLES, "下一级小节"),
))

FIXED_ROW = Shape("rows", "固定表的一行", (
    Key("indicator", STR, "该行显示的指标或事实 id", required=True, ref=INDICATOR),
    Key("label", STR, "该行在本表中的写法（默认：指标名称）"),
))
COLUMN = Shape("columns", "自由表的一列", (
    Key("name", STR, "列名", required=True),
    Key("type", STR, "值类型", choices=KINDS),
    Key("width", NUMBER, "相对列宽（默认 1）"),
    Key("total", BOOL, "该列有“合计”行"),
    Key("restates", STR, "合计必须等于的指标或事实 id", ref=INDICATOR),
))

_INDICATOR_KEYS = (
    Key("id", STR, "唯一标识（英文、数字、下划线）", required=True),
    Key("name", STR, "名称，与主管部门表格一字不差；可含 {data_year} 等年份占位符", required=True),
    Key("type", STR, "值类型", required=True, choices=KINDS),
    Key("department", STR, "提供数据的部门", required=True, ref=DEPARTMENT),
    Key("unit", STR, "单位"),
    Key("places", INT, "最多几位小数"),
    Key("help", STR, "填写说明"),
    Key("parent", STR, "“其中”行的上级指标 id", ref=INDICATOR),
    Key("formula", FORMULA, "由其他指标计算的公式，如 students / teachers"),
    Key("cites", WORDS, "正文引用该指标时用的词（核对正文数字）"),
    Key("change_factor", NUMBER, "相邻两年之间合理的变化倍数（默认用 [edition] 的）"),
    Key("plausible_min", NUMBER, "多数学校的值不低于此数：更低的值请核实；百分比指标填了小于它的小数"
        "（0.96）而其 100 倍在范围内时，请填写人确认"),
    Key("plausible_max", NUMBER, "多数学校的值不高于此数：更高的值请核实"),
    Key("graduate", BOOL, "毕业生数据：报告设为“本年度无毕业生”时为不适用（-）"),
)

SHAPES: tuple[Shape, ...] = (
    Shape("edition", "版本信息", (
        Key("id", STR, "版本标识，等于文件名（2022.toml → \"2022\"）", required=True),
        Key("name", STR, "版本名称，如 `qreport editions` 所列"),
        Key("title", STR, "报告标题，{year} 为报告年度，如 中国职业教育质量报告（{year}年度）",
            required=True),
        Key("data_year_offset", INT, "数据年度 = 报告年度 + 此数（2022 版为 -1，年度版为 0）"),
        Key("years", INTS, "本版适用的第一个和最后一个报告年度"),
        Key("departments", WORDS, "提供数据的部门", required=True),
        Key("change_factor", NUMBER, "相邻两年之间合理的变化倍数（各指标的默认值）"),
        Key("heading_style", STR, "标题编号：一、/（一）/1.（chinese）或 1 / 1.1 / 1.1.1（decimal）",
            choices=("chinese", "decimal")),
        Key("cases", STR, "案例的位置：文末案例章（chapter）或各章之中，标题以“案例”开头，编为 案例2-1"
            "（in_chapters）", choices=("chapter", "in_chapters")),
    ), many=False),
    Shape("indicator_table", "指标表（如 质量数据表、附表1）：一张 Excel 工作表、PDF 附表、一个表格页", (
        Key("id", STR, "唯一标识", required=True),
        Key("title", STR, "表名，可含 {school} 和年份占位符", required=True),
        Key("sheet", STR, "Excel 工作表名（默认：id）"),
        Key("note", STR, "表上方的一行说明，如 以主管部门下发的表格为准"),
        Key("provisional", BOOL, "行目为暂拟（非主管部门原表）"),
        Key("notes", BOOL, "表末印一栏“备注”：各行本年度的说明（检查提示的说明）"),
    )),
    Shape("chapter", "章：标题、默认大纲、本章的事实和表", (
        Key("id", STR, "唯一标识", required=True),
        Key("title", STR, "章标题", required=True),
        Key("facts", WORDS, "本章表单中的事实 id", ref=FACT),
        Key("tables", WORDS, "本章可插入的固定表 id", ref=FIXED),
        Key("free_tables", WORDS, "本章可插入的自由表 id", ref=FREE),
        Key("sections", TABLES, "新报告的默认大纲", items=OUTLINE),
        Key("case", BOOL, "案例章（标为“案例：”）"),
        Key("numbering", WORDS, "第一、二级小节的编号样式", choices=("（一）", "一、", "1.", "(1)")),
        Key("max_chars", INT, "字数上限（超出时提示）"),
        Key("front", BOOL, "前置部分（如 前言），不编号"),
    )),
    Shape("indicator", "指标表中的一行（指标）", (
        *_INDICATOR_KEYS[:1],
        Key("table", STR, "所在指标表 id（只有一张表时可省略）", ref=ITABLE),
        Key("seq", STR, "表中印出的序号"),
        Key("shows", STR, "本行显示另一张表中的指标（同一个值），填其 id", ref=INDICATOR),
        *_INDICATOR_KEYS[1:],
    )),
    Shape("fact", "事实：章中表单填写的基础数据，不是指标表的行", _INDICATOR_KEYS),
    Shape("fixed_table", "固定表：章中显示若干指标的表（数值只存一处）", (
        Key("id", STR, "唯一标识", required=True),
        Key("caption", STR, "表题，可含 {school}", required=True),
        Key("rows", TABLES, "各行", required=True, items=FIXED_ROW),
    )),
    Shape("free_table", "自由表：章中逐行填写的表（获奖、专业、培训……）", (
        Key("id", STR, "唯一标识", required=True),
        Key("caption", STR, "表题", required=True),
        Key("department", STR, "提供数据的部门", ref=DEPARTMENT),
        Key("columns", TABLES, "各列", required=True, items=COLUMN),
    )),
    Shape("rename", "改名：从较早版本的报告生成下一年度报告（next）时，旧版本的 id 对应本版的哪个 id", (
        Key("edition", STR, "较早版本的 id，如 \"2022\"", required=True),
        Key("kind", STR, "改名的是什么（默认 indicator）", choices=("indicator", "chapter", "table")),
        Key("from", STR, "较早版本中的指标、事实、章或表 id；本版一个指标等于较早版本几项之和时写成"
            " \"a + b\"（各项都有值才带入其和，否则留空并提示）", required=True),
        Key("to", STR, "本版中的 id", required=True),
        Key("caution", STR, "两版口径不同时带入后提醒核对的一句话（请核实，写说明后不再提示）"),
    )),
    Shape("rule", "核对规则：两个公式的比较", (
        Key("left", FORMULA, "左边的公式", required=True),
        Key("op", STR, "比较", required=True, choices=("<=", ">=", "==", "<", ">")),
        Key("right", FORMULA, "右边的公式", required=True),
        Key("severity", STR, "错误或提示", required=True, choices=("error", "warning")),
        Key("why", STR, "理由（显示给用户）"),
        Key("basis", STR, "依据，如 教职成〔2010〕12号"),
        Key("label", STR, "左边是公式时的名称，如 生均纸质图书"),
    )),
)
SHAPE = {s.name: s for s in SHAPES}
# a row restating another table's indicator needs only these
SHOWS_KEYS = frozenset({"id", "table", "seq", "shows", "name"})


class Mistake(Struct, frozen=True):
    line: int  # 1-based TOML line; 0 when the file as a whole is meant
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}" if self.line else self.message


# ------------------------------------------------------------------------------- lines
class _Lines(Struct):
    """Where each table entry of the TOML text starts and ends, to name a mistake's line."""

    text: list[str]
    spans: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, source: str) -> _Lines:
        lines = source.splitlines()
        found = cls(lines)
        counts: dict[str, int] = {}
        current: tuple[str, int] | None = None
        for n, line in enumerate(lines, start=1):
            m = re.match(r"\s*\[\[\s*([\w-]+)\s*\]\]|\s*\[\s*([\w-]+)\s*\]\s*(?:#.*)?$", line)
            if not m:
                continue
            name = m.group(1) or m.group(2)
            index = counts.get(name, 0) if m.group(1) else 0
            counts[name] = index + 1
            if current is not None:
                start, _ = found.spans[current]
                found.spans[current] = (start, n - 1)
            current = (name, index)
            found.spans[current] = (n, len(lines))
        return found

    def at(self, table: str, index: int, key: str = "", value: str | None = None) -> int:
        start, end = self.spans.get((table, index), (0, 0))
        if not start:
            return 0
        line = start
        if key:
            pattern = re.compile(rf"(?:^|[{{,\s]){re.escape(key)}\s*=")
            line = next((n for n in range(start, end + 1) if pattern.search(self.text[n - 1])), start)
        if value is not None:
            quoted = re.compile(r"[\"']" + re.escape(value) + r"[\"']")
            line = next((n for n in range(line, end + 1) if quoted.search(self.text[n - 1])), line)
        return line


# ------------------------------------------------------------------------------- checking
_TOML_WORDS = [
    ("Expected '=' after a key", "键后面缺少“=”"),
    ("Invalid value", "值的写法不对（文字要加英文双引号，如 \"学生\"）"),
    ("Invalid initial character for a key part", "键名写法不对（键名用英文字母、数字、下划线）"),
    ("Cannot declare", "同一个表或键声明了两次"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Unclosed array", "方括号“[”没有闭合"),
    ("Unclosed inline table", "花括号“{”没有闭合"),
    ("Unterminated string", "字符串缺少结尾的引号"),
    ("Illegal character", "有不允许的字符"),
    ("Expected newline or end of document", "一行只能写一个键值，或行尾有多余内容"),
    ("Invalid statement", "无法识别的语句"),
    ("Duplicate", "重复声明"),
]


def check_text(source: str, file_id: str | None = None) -> list[Mistake]:
    """Every mistake of an edition file's text, in line order; [] when it is sound.
    `file_id`: the file's name without .toml, which the edition's id must equal."""
    return parse(source, file_id)[1]


def parse(source: str, file_id: str | None = None) -> tuple[dict | None, list[Mistake]]:
    """The edition file's data (None when it is not TOML) and its mistakes (check_text):
    the text is parsed once, and its lines are looked at only to name a mistake's line."""
    try:
        data = toml_cache.loads(source)  # parsed once per text, kept between runs
    except ValueError as exc:  # tomllib.TOMLDecodeError: not imported when the text is cached
        return None, [_toml_mistake(str(exc))]
    except RecursionError:  # tomllib parses nesting by recursion: [[[[…]]]] thousands deep
        return None, [Mistake(0, "数组或表嵌套过深（成百上千层），不是一份版本文件。")]
    checker = _Checker(data, source)
    mistakes = checker.run()
    edition = data.get("edition")
    if (file_id is not None and isinstance(edition, dict) and isinstance(edition.get("id"), str)
            and edition["id"] != file_id):
            mistakes.append(Mistake(checker.lines.at("edition", 0, "id"),
                                    f"版本 id “{edition['id']}”应与文件名“{file_id}.toml”一致。"))
    return data, sorted(mistakes, key=lambda m: m.line)


@functools.lru_cache(maxsize=4096)
def formula(source: str) -> expr.Expr:
    """expr.parse, once per formula text: the check and the loader read the same formulas
    (an Expr is immutable, so one is shared)."""
    return expr.parse(source)


def line_of_id(source: str, ident: str) -> int:
    """The line declaring `id = "<ident>"`, or 0."""
    pattern = re.compile(r"^\s*id\s*=\s*[\"']" + re.escape(ident) + r"[\"']")
    return next((n for n, t in enumerate(source.splitlines(), 1) if pattern.match(t)), 0)


def _toml_mistake(message: str) -> Mistake:
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line, column = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    words = next((zh for en, zh in _TOML_WORDS if message.startswith(en)), "写法不符合 TOML 语法")
    where = f"第 {column} 列，" if column else ""
    return Mistake(line, f"TOML 语法错误：{where}{words}。")


def _suggest(name: str, choices) -> str:
    near = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"是不是“{near[0]}”？" if near else ""


class _Checker:
    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source
        self.mistakes: list[Mistake] = []

    @functools.cached_property
    def lines(self) -> _Lines:
        return _Lines.of(self.source)

    def at(self, table: str, index: int, key: str = "") -> Callable[[], int]:
        """The line of `key` in an entry, found when a mistake there is said (most keys
        have none, and finding lines is most of a sound file's check)."""
        return lambda: self.lines.at(table, index, key)

    def add(self, line: int | Callable[[], int], message: str) -> None:
        self.mistakes.append(Mistake(line() if callable(line) else line, message))

    def entries(self, name: str) -> Iterator[tuple[int, dict]]:
        raw = self.data.get(name)
        if isinstance(raw, dict):
            yield 0, raw
        elif isinstance(raw, list):
            yield from ((i, e) for i, e in enumerate(raw) if isinstance(e, dict))

    def run(self) -> list[Mistake]:
        for name, raw in self.data.items():
            shape = SHAPE.get(name)
            if shape is None:
                key = re.compile(rf"\s*{re.escape(name)}\s*=")
                line = self.lines.at(name, 0) or next(
                    (n for n, t in enumerate(self.lines.text, 1) if key.match(t)), 0)
                self.add(line, f"没有“{name}”这种表。{_suggest(name, SHAPE)}".strip())
                continue
            if (not isinstance(raw, list | dict) or shape.many != isinstance(raw, list)
                    or (shape.many and not all(isinstance(e, dict) for e in raw))):
                form = shape.header
                self.add(self.lines.at(name, 0), f"“{name}”应写成 {form}。")
                continue
            for index, entry in self.entries(name):
                self.shape(shape, entry, name, index, _where(shape, entry))
        if "edition" not in self.data:
            self.add(0, "缺少 [edition] 版本信息。")
        if not self.data.get("indicator_table"):
            self.add(0, "至少要有一张 [[indicator_table]] 指标表。")
        self.ids()
        self.references()
        return self.mistakes

    # -- keys and types ------------------------------------------------------------------
    def shape(self, shape: Shape, entry: dict, table: str, index: int, where: str) -> None:
        shows = shape.name == "indicator" and "shows" in entry
        for key, value in entry.items():
            spec = shape.key(key)
            line = self.at(table, index, key)
            if spec is None:
                self.add(line, f"{where} 中没有“{key}”这个键。"
                               f"{_suggest(key, [k.name for k in shape.keys])}")
                continue
            if shows and key not in SHOWS_KEYS:
                self.add(line, f"{where} 用 shows 显示另一行时，不能再写“{key}”（名称以外都随原指标）。")
                continue
            self.value(spec, value, table, index, where, line)
        for spec in shape.keys:
            if spec.required and spec.name not in entry and not (shows and spec.name not in SHOWS_KEYS):
                self.add(self.lines.at(table, index), f"{where} 缺少“{spec.name}”（{spec.doc}）。")

    def value(self, spec: Key, value, table: str, index: int, where: str,
              line: Callable[[], int]) -> None:
        ok = {
            STR: isinstance(value, str) or (spec.name == "seq" and isinstance(value, int)),
            INT: isinstance(value, int) and not isinstance(value, bool),
            NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
            BOOL: isinstance(value, bool),
            WORDS: isinstance(value, list) and all(isinstance(v, str) for v in value),
            INTS: isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                                  for v in value),
            FORMULA: isinstance(value, str),
            TABLES: isinstance(value, list) and all(isinstance(v, dict) for v in value),
        }[spec.type]
        if not ok:
            self.add(line, f"{where} 的“{spec.name}”应为{TYPE_NAMES[spec.type]}，"
                           f"写成了 {_show(value)}。")
            return
        items = value if spec.type == WORDS else [value]
        if spec.choices:
            for item in items:
                if item not in spec.choices:
                    allowed = "、".join(map(str, spec.choices))
                    self.add(line, f"{where} 的“{spec.name}”不能是“{item}”，只能是 {allowed}。"
                                   f"{_suggest(str(item), spec.choices)}")
        if spec.type == FORMULA:
            try:
                formula(value)
            except expr.ExprError:
                self.add(line, f"{where} 的公式“{value}”无法解析（只能用指标 id、数字、+ - * / 和括号）。")
        if spec.name == "years" and len(value) not in (1, 2):
            self.add(line, f"{where} 的“years”应写成 [第一年, 最后一年]。")
        if spec.type == TABLES:
            shape = _items(spec)
            for item in value:
                self.inline(shape, item, table, index, f"{where} 的“{spec.name}”", line)

    def inline(self, shape: Shape | None, item: dict, table: str, index: int, where: str,
               line: Callable[[], int]) -> None:
        if shape is None:
            return
        for key, value in item.items():
            spec = shape.key(key)
            at = self.at(table, index, key) if key != "sections" else line
            if spec is None:
                self.add(at, f"{where} 中没有“{key}”这个键。{_suggest(key, [k.name for k in shape.keys])}")
                continue
            self.value(spec, value, table, index, where, at)
        for spec in shape.keys:
            if spec.required and spec.name not in item:
                self.add(line, f"{where} 中有一项缺少“{spec.name}”（{spec.doc}）。")

    # -- ids and references --------------------------------------------------------------
    def ids(self) -> None:
        groups = [("indicator", "fact"), ("fixed_table", "free_table"), ("chapter",),
                  ("indicator_table",)]
        for names in groups:
            seen: dict[str, str] = {}
            for name in names:
                for index, entry in self.entries(name):
                    ident = entry.get("id")
                    if not isinstance(ident, str):
                        continue
                    line = self.at(name, index, "id")
                    if ident in seen:
                        self.add(line, f"id “{ident}”重复（{seen[ident]}已用过）。")
                    else:
                        seen[ident] = f"[[{name}]]"
                    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident):
                        self.add(line, f"id “{ident}”只能由英文字母、数字和下划线组成，且不以数字开头。")

    def known(self) -> dict[str, set[str]]:
        def ids(*names: str) -> set[str]:
            return {e["id"] for n in names for _, e in self.entries(n) if isinstance(e.get("id"), str)}

        edition = self.data.get("edition")
        departments = edition.get("departments", []) if isinstance(edition, dict) else []
        return {INDICATOR: ids("indicator", "fact") - {e.get("id") for _, e in self.entries("indicator")
                                                         if "shows" in e},
                FACT: ids("fact"), ITABLE: ids("indicator_table"), FIXED: ids("fixed_table"),
                FREE: ids("free_table"),
                DEPARTMENT: set(departments) if isinstance(departments, list) else set()}

    def references(self) -> None:
        known = self.known()
        for shape in SHAPES:
            for index, entry in self.entries(shape.name):
                self.refs(shape, entry, shape.name, index, known, _where(shape, entry))

    def refs(self, shape: Shape, entry: dict, table: str, index: int, known: dict[str, set[str]],
             where: str) -> None:
        for spec in shape.keys:
            value = entry.get(spec.name)
            if value is None:
                continue
            if spec.ref and spec.type in (STR, WORDS):
                for item in (value if isinstance(value, list) else [value]):
                    if isinstance(item, str) and item not in known[spec.ref]:
                        line = self.lines.at(table, index, spec.name, item)
                        self.add(line, f"{where} 的“{spec.name}”写的“{item}”不是已声明的"
                                       f"{REF_NAMES[spec.ref]}。{_suggest(item, known[spec.ref])}")
            elif spec.type == FORMULA and isinstance(value, str):
                try:
                    names = formula(value).names
                except expr.ExprError:
                    continue
                for name in names:
                    if name not in known[INDICATOR]:
                        line = self.lines.at(table, index, spec.name)
                        self.add(line, f"{where} 的公式“{value}”中的“{name}”不是已声明的指标或事实。"
                                       f"{_suggest(name, known[INDICATOR])}")
            elif spec.type == TABLES and isinstance(value, list):
                items = _items(spec)
                for item in value:
                    if isinstance(item, dict) and items is not None:
                        self.refs(items, item, table, index, known, f"{where} 的“{spec.name}”")


def _where(shape: Shape, entry: dict) -> str:
    """[[indicator]] students: the entry a mistake is in, by its id (a rule by its left side)."""
    name = entry.get("id", entry.get("left"))
    return f"{shape.header} {name}" if isinstance(name, str) and shape.many else shape.header


def _items(spec: Key) -> Shape | None:
    return spec.items or (OUTLINE if spec.name == "sections" else None)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"\"{value}\""
    if isinstance(value, dict):
        return "一个表"
    return str(value)


# ------------------------------------------------------------------------------- reference page
def reference() -> str:
    """docs/editions.md: every table and key of an edition file (generated; a test compares)."""
    out = [
        "# Edition files (resources/templates/*.toml)",
        "",
        "<!-- Generated from desktop/edition_schema.py and the edition files by"
        " `python -m desktop.edition_doc`; a test keeps it equal. -->",
        "",
        "An edition file declares one report edition: its chapters, indicator tables, indicators,",
        "facts, tables and rules. `qreport edition check FILE.toml` lists every mistake with its",
        "line. Texts may hold the placeholders {year} (the report's year), {data_year},",
        "{prev_year} and, in table titles and captions, {school}.",
        "",
    ]
    for shape in (*SHAPES, OUTLINE, FIXED_ROW, COLUMN):
        out += [f"## {shape.header if shape in SHAPES else shape.name + ' (inline)'}", "",
                shape.doc, "", "| key | type | required | meaning |", "|---|---|---|---|"]
        for key in shape.keys:
            meaning = key.doc
            if key.choices:
                meaning += "；可选：" + "、".join(f"`{c}`" for c in key.choices)
            if key.ref:
                meaning += f"；指向{REF_NAMES[key.ref]}"
            out.append(f"| `{key.name}` | {TYPE_NAMES[key.type]} | {'是' if key.required else ''} "
                       f"| {meaning} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
