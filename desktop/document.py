"""The assembled report as plain data: what the Excel and PDF exporters consume.

Exporters never see the template, the report file or a widget: `desktop.assemble`
builds one `Document` from them, numbering chapters, sections, tables and figures
the way the printed report does.  Everything here is display-ready text plus the
numbers behind it, so an exporter only decides on layout.
"""

from __future__ import annotations

from decimal import Decimal

from msgspec import Struct, field


class Cell(Struct, frozen=True):
    """One value as shown: `text` is what a reader sees ('' empty, '-' not applicable).

    `number` is set for numeric values (a typed number in Excel); `places` is the
    count of decimals to show it with, so 59.50 stays 59.50.
    """

    text: str = ""
    number: Decimal | None = None
    places: int = 0


class DataRow(Struct, frozen=True):
    """A row of the 质量数据表: one indicator with a cell per year."""

    seq: str  # 序号 as published ("1" … "48"); "" for 其中 rows
    name: str  # indicator name exactly as published
    unit: str
    cells: tuple[Cell, ...]  # one per year of DataTable.years
    level: int = 0  # 0 for an indicator, 1 for its 其中 rows
    first_child: bool = False  # the first 其中 row carries the "其中：" label
    kind: str = "count"  # value type name: count, decimal, percent, money, ratio, text
    derived: bool = False  # computed from other indicators by a formula
    help: str = ""
    note: str = ""  # its 说明: in the 备注 column when the table has one, else under the table

    @property
    def label(self) -> str:
        """The name as printed in the table: 其中 rows are prefixed or indented."""
        return ("其中：" + self.name) if self.first_child else self.name

    def small_percent(self, cell: Cell) -> bool:
        """A percentage below 1 (0.7 % 满意度, confirmed with its sign): a plain 0.7 beside the
        unit % reads as a fraction meant as 70 %, to a reader and to our own imports alike,
        so every output writes it with its sign."""
        return self.kind == "percent" and cell.number is not None and 0 < cell.number < 1

    def shown(self, cell: Cell) -> str:
        """A value's text as printed in the row (a small percentage keeps its %)."""
        return cell.text + "%" if self.small_percent(cell) else cell.text


class DataTable(Struct, frozen=True):
    """One indicator table of the edition (the 2022 质量数据表; a 2024年度 附表)."""

    title: str  # "<school>质量数据表", "附表1 人才培养质量计分卡"
    years: tuple[int, ...]  # (previous, current)
    rows: tuple[DataRow, ...]
    sheet: str = ""  # its Excel sheet name, from the edition
    note: str = ""  # a line above the table (以主管部门下发的表格为准), "" for none
    notes: bool = False  # a last column 备注 with each row's note

    @property
    def header(self) -> list[str]:
        return data_header(self.years) + (["备注"] if self.notes else [])

    @property
    def columns(self) -> tuple[Column, ...]:
        """The header as columns, with the relative widths the PDF and Word lay out with."""
        head, years = self.header, len(self.years)
        return (Column(head[0], width=0.1), Column(head[1], width=4.0), Column(head[2], width=0.9),
                *(Column(h, numeric=True, width=1.3) for h in head[3:3 + years]),
                *([Column(head[-1], width=2.0)] if self.notes else []))

    @property
    def row_notes(self) -> list[tuple[str, str]]:
        """(row name, 备注) for every row with a note, in table order."""
        return [(r.name, r.note) for r in self.rows if r.note]


def data_header(years) -> list[str]:
    """An indicator table's column heads, the same in every format: 序号 | 指标 | 单位 | 2021年 …"""
    return ["序号", "指标", "单位", *(f"{y}年" for y in years)]


# what a leading column numbering the rows is headed in tables schools make and print
SEQ_HEADS = ("序号", "序", "编号")


class Column(Struct, frozen=True):
    name: str
    numeric: bool = False  # right-aligned, summed when the table has totals
    width: float = 1.0  # relative width hint

    def is_seq(self, index: int) -> bool:
        """The leading 序号 column: centred, just wide enough."""
        return index == 0 and self.name.strip() in SEQ_HEADS


class Table(Struct, frozen=True):
    number: str  # "表 2-1"
    caption: str  # caption text without the number
    columns: tuple[Column, ...]  # the 序号 column is included as the first column
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # the 合计 row, cell per column


class Photo(Struct, frozen=True):
    data: bytes  # encoded image (JPEG or PNG), already upright
    caption: str = ""  # the photo's own line under it, may be empty


class Chart(Struct, frozen=True):
    """A chart's data, ready to draw: bars or a line per series over the categories."""

    kind: str  # "bar" or "line"
    categories: tuple[str, ...]  # "2020年" … or a table's row labels
    series: tuple[tuple[str, tuple[Decimal | None, ...]], ...]  # (name, one value per category)
    unit: str = ""  # shown above the axis when the series share it
    spec: str = ""  # what it draws (charts.ChartSpec JSON, tables named by ref): Word keeps it


class Figure(Struct, frozen=True):
    number: str  # "图 2-1"
    caption: str
    photos: tuple[Photo, ...]
    chart: Chart | None = None  # drawn instead of photos


Block = str | Table | Figure  # a str is one paragraph


class Section(Struct):
    number: str  # "（一）", "1.", "一、" … already formatted
    title: str
    level: int  # 1 for （一）, 2 for 1.
    body: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"


class Chapter(Struct):
    number: str  # "一、" or "" (the case chapter is headed "案例：")
    title: str
    body: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"


class Submission(Struct, frozen=True):
    """The block under the data table that a bureau expects signed and stamped."""

    unit: str = ""  # 填报单位（盖章）
    filler: str = ""  # 填报人
    reviewer: str = ""  # 审核人
    phone: str = ""  # 联系电话
    date: str = ""  # 填报日期

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("填报单位（盖章）", self.unit),
            ("填报人", self.filler),
            ("审核人", self.reviewer),
            ("联系电话", self.phone),
            ("填报日期", self.date),
        ]


class Document(Struct):
    school: str
    title: str  # "中等职业教育质量年度报告（2022）"
    edition: str  # "2022"
    date_text: str  # "二〇二一年十一月"
    chapters: list[Chapter]
    data_tables: list[DataTable]  # the edition's indicator tables, in order (at least one)
    submission: Submission
    tables: list[Table] = field(default_factory=list)  # every chapter table in order
    title_lines: tuple[str, ...] = ()  # the cover's title lines as set in 报告信息 (or none)
    logo: bytes = b""  # the school's logo for the cover (JPEG or PNG), b"" for none

    @property
    def cover_title(self) -> list[str]:
        """The cover's title lines: as set, or the title split before "质量" the way
        covers print it ("中等职业教育" / "质量年度报告（2022）")."""
        if self.title_lines:
            return list(self.title_lines)
        i = self.title.find("质量")
        if i > 0:
            return [self.title[:i].strip(), self.title[i:].strip()]
        return [self.title]

    @property
    def data_table(self) -> DataTable:
        """The first indicator table (the 2022 edition's only one, 质量数据表)."""
        return self.data_tables[0]
