"""The 2022 sample's PDF and Excel, as the program printed them before editions became
years + several indicator tables (tests/desktop/expected/, generated from main at 0236d96 with
`qreport export` + pdftotext / openpyxl; the Excel gained its 备注 column for the sample's one
note, funding 2021). A change of layout on purpose regenerates them:
    qreport sample S && qreport export S --xlsx S.xlsx --pdf S.pdf && pdftotext S.pdf
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl

EXPECTED = Path(__file__).parent / "expected"


def qreport(*args) -> None:
    done = subprocess.run([sys.executable, "-m", "desktop", *map(str, args)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def pdf_text(path: Path) -> str:
    out = path.with_suffix(".txt")
    subprocess.run(["pdftotext", str(path), str(out)], check=True)
    return out.read_text(encoding="utf-8")


def xlsx_cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.coordinate, c.value] for row in ws.iter_rows() for c in row
                       if c.value is not None] for ws in wb.worksheets}


def test_sample_pdf_and_excel_are_as_before(sample_path, tmp_path):
    qreport("export", sample_path, "--xlsx", tmp_path / "s.xlsx", "--pdf", tmp_path / "s.pdf")
    qreport("export", sample_path, "--pdf", tmp_path / "t.pdf", "--table-only")
    assert pdf_text(tmp_path / "s.pdf") == (EXPECTED / "sample_2022.pdf.txt").read_text("utf-8")
    assert pdf_text(tmp_path / "t.pdf") == (EXPECTED / "sample_2022_table.pdf.txt").read_text("utf-8")
    expected = json.loads((EXPECTED / "sample_2022.xlsx.json").read_text("utf-8"))
    assert xlsx_cells(tmp_path / "s.xlsx") == expected
