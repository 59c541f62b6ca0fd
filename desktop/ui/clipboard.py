"""Tab-separated text as Excel and WPS put it on the clipboard, both ways.

A cell holding a line break (Alt+Enter in Excel) is quoted, with doubled quotes inside:
`"第一行\n第二行"`. Reading it as lines and tabs would make two rows and print the quotes.
"""

from __future__ import annotations

import csv
import io


def tsv_cell(text: str) -> str:
    if any(ch in text for ch in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from Excel/WPS clipboard text (tabs, CRLF, quoted multi-line cells).
    A cell's own line breaks come back as "\\n"."""
    if not text:
        return []
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    rows = [[cell.replace("\r\n", "\n").replace("\r", "\n") for cell in row] for row in rows]
    while rows and all(c == "" for c in rows[-1]):
        rows.pop()  # the line end Excel adds after the last row
    return rows
