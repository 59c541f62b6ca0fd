"""A free table's rows read once: every numeric cell parsed, every numeric column summed.

The print (assemble), `check` (rules) and the table editor all need the same answers: which
cells hold a number, which hold text the column's type refuses, and what each column adds
up to. They ask here, so the three can never disagree about a total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct, field

from desktop.template import FreeTable
from desktop.values import ParseError


class ColumnSum(Struct):
    total: Decimal = Decimal(0)
    empty: int = 0  # rows that leave this column empty (said beside a total that looks short)


class ReadRows(Struct):
    # (row, column) → canonical text, for numeric cells that parse and are not empty
    numbers: dict[tuple[int, int], str] = field(default_factory=dict)
    # (row, column) → why the column's type refuses the cell, in row order per column
    refused: dict[tuple[int, int], ParseError] = field(default_factory=dict)
    sums: dict[int, ColumnSum] = field(default_factory=dict)  # numeric column → its sum


def read_rows(spec: FreeTable, rows: Sequence[Sequence[str]]) -> ReadRows:
    """Columns by index into `spec.columns`, rows by index into `rows` (from 0)."""
    read = ReadRows()
    for c, column in enumerate(spec.columns):
        if not column.numeric:
            continue
        sum_ = read.sums[c] = ColumnSum()
        for r, row in enumerate(rows):
            text = row[c] if c < len(row) else ""
            try:
                canonical = column.type.parse(text)
            except ParseError as exc:
                read.refused[(r, c)] = exc
                continue
            if canonical is None:
                sum_.empty += 1
                continue
            read.numbers[(r, c)] = canonical
            sum_.total += column.type.number(canonical) or 0
    return read
