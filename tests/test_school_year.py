"""A school's whole year through the command line, every number read back from every output.

Last year's report is the bundled 2022 sample; `next` makes the current 2024年度 report; the
bureau sends its own blank form (a province's wording and row order, 本年/上年 headers, a note
row, a formula row, a hidden sheet); an edition is made from it, the report is made in it,
a department's collection workbook and last year's report as our own .docx are imported,
`check` finds the real contradictions and nothing else, and the PDF, Word, Excel and the
filled form all say the same numbers, which the filled form brings back unchanged.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import openpyxl
from docx import Document as Docx

from desktop import drafts, rules
from desktop.cli import main
from desktop.report import Report

SCHOOL = "聊城高级工程职业学校"

# The bureau's rows: (序号, 项目, 计量单位); 11 is the bureau's own formula (=E4+E7).
FORM_T1 = [(1, "全日制在校生数", "人"), (2, "专任教师", "人"), (3, "生师比", "—"),
           (4, "教职员工总数", "人"), (5, "纸质图书数", "册"), (6, "双师型教师占专任教师比例", "%"),
           (7, "兼职教师数", "人")]
FORM_T2 = [(1, "毕业生数", "人"), (2, "就业（含升学）人数", "人"), (3, "升学人数", "人"),
           ("", "其中：升入本科人数", "人"), (4, "学生体质测评合格率", "%")]

LAST = {"全日制在校生数": 9527, "专任教师": 501, "生师比": "19:1", "教职员工总数": 663,
        "纸质图书数": 204700, "双师型教师占专任教师比例": 46.5, "兼职教师数": 28,
        "毕业生数": 2245, "就业（含升学）人数": 2212, "升学人数": 741, "升入本科人数": 0,
        "学生体质测评合格率": 97}
THIS = {"全日制在校生数": 9800, "专任教师": 500, "生师比": "19.6:1", "教职员工总数": 650,
        "纸质图书数": 210000, "双师型教师占专任教师比例": 60.5, "兼职教师数": 30,
        "毕业生数": 2300, "就业（含升学）人数": 2260, "升学人数": 820, "升入本科人数": 300,
        "学生体质测评合格率": 96.5}
TOTAL = "教职工与在校生合计"  # the bureau's formula row: 在校生 + 教职员工


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bureau_form(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表一 办学基本情况"
    ws.merge_cells("A1:E1")
    ws["A1"] = "XX省中等职业学校质量年度报告数据表（一）办学基本情况"
    ws.append([])
    ws.append(["序号", "项目", "计量单位", "上年", "本年"])
    for row in FORM_T1:
        ws.append([*row, None, None])
    ws.append([8, TOTAL, "人", "=D4+D7", "=E4+E7"])
    ws.append(["注：1. 本表由学校填报；2. 数据截至当年8月31日。"])
    ws2 = wb.create_sheet("表二 人才培养")
    ws2["A1"] = "（二）人才培养质量"
    ws2.append(["序号", "指标名称", "单位", "上年", "本年"])
    for row in FORM_T2:
        ws2.append([*row, None, None])
    codes = wb.create_sheet("代码表")
    codes["A1"] = "码"
    codes.sheet_state = "hidden"
    wb.save(path)
    return path


def fill_standard(book: Path, values: dict, column: int, out: Path) -> Path:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for r in range(1, ws.max_row + 1):
            name = str(ws.cell(r, 2).value or "").removeprefix("其中：")
            cell = ws.cell(r, column)
            if name in values and not (ws.protection.sheet and cell.protection.locked):
                cell.value = values[name]  # a person types only where the sheet lets them
    wb.save(out)
    return out


def rows_of(ws) -> dict[str, tuple]:
    """name → (上年, 本年) of a sheet laid out 序号 | 指标 | 单位 | prev | cur."""
    return {str(ws.cell(r, 2).value).removeprefix("其中："): (ws.cell(r, 4).value, ws.cell(r, 5).value)
            for r in range(1, ws.max_row + 1)
            if ws.cell(r, 3).value and ws.cell(r, 3).value not in ("单位", "计量单位")}


def shown(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def test_last_years_report_becomes_the_2024_report(sample_path, tmp_path, capsys):
    before = digest(sample_path)
    new = tmp_path / "2024.qreport"
    assert main(["next", str(sample_path), str(new), "--edition", "2024", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "中国职业教育质量报告（2024年度）" in out and "适用于" not in out
    assert digest(sample_path) == before  # the old file byte-identical
    with Report.open(sample_path) as old, Report.open(new) as report:
        assert report.years == (2023, 2024)
        carried = report.file.values()
        for (ind, year), value in old.file.values().items():  # every value under its own year
            if ind in report.template.indicators:
                assert carried[(ind, year)] == value
        assert not any(year > 2021 for _, year in carried)  # nothing moved to a later year
        # renamed by the edition's map: 学生发展 and 教学改革 → 人才培养, 表2-3 → t_talent
        assert "立德树人，打造“三全育人”学校" in [s.title for s in report.file.sections("talent")]
        fixed = {t.ref for t in report.file.tables() if t.kind == "fixed"}
        assert fixed == {"t_conditions", "t_talent"}
        texts = [s for s in report.file.sections() if s.text]
        flagged = {s.id for s in drafts.pending(report)}
        assert texts and all(s.id in flagged for s in texts)  # 待更新
        free = [t for t in report.file.tables() if t.kind == "free"]
        assert free and all(not t.rows for t in free)  # yearly lists start empty


def test_the_bureaus_form_from_blank_to_filled_and_back(tmp_path, capsys):
    blank = bureau_form(tmp_path / "省表.xlsx")
    edition = tmp_path / "prov.toml"
    assert main(["edition", "from-workbook", str(blank), "--out", str(edition),
                 "--title", "XX省中职质量年度报告（{year}年度）"]) == 0
    assert "代码表" in capsys.readouterr().out  # the hidden sheet is said, not read
    assert main(["edition", "check", str(edition)]) == 0

    # last year's report in the province's edition, exported to Word by qreport itself
    last = tmp_path / "2023.qreport"
    assert main(["new", str(last), "--school", SCHOOL, "--edition", str(edition), "--year", "2023"]) == 0
    assert main(["export", str(last), "--xlsx", str(tmp_path / "last.xlsx")]) == 0
    fill_standard(tmp_path / "last.xlsx", LAST, 5, tmp_path / "last-filled.xlsx")
    assert main(["import", str(last), str(tmp_path / "last-filled.xlsx")]) == 0
    assert main(["export", str(last), "--docx", str(tmp_path / "2023.docx")]) == 0

    # this year's report: a department's workbook, last year's .docx, the rest typed in Excel
    report = tmp_path / "2024.qreport"
    assert main(["new", str(report), "--school", SCHOOL, "--edition", str(edition), "--year", "2024"]) == 0
    capsys.readouterr()
    assert main(["import", str(report), str(tmp_path / "2023.docx")]) == 0
    assert "一并导入" not in capsys.readouterr().out  # its empty 2022 column brings nothing
    with Report.open(report) as r:
        department = r.template.indicators["teachers"].department  # 专任教师: the base's id
        assert r.template.indicators["student_teacher_ratio"].formula is not None
    book = tmp_path / "dept.xlsx"
    assert main(["collect", str(report), "--department", department, "--out", str(book)]) == 0
    fill_standard(book, THIS, 5, tmp_path / "dept-filled.xlsx")
    assert main(["import", str(report), str(tmp_path / "dept-filled.xlsx")]) == 0
    assert main(["export", str(report), "--xlsx", str(tmp_path / "this.xlsx")]) == 0
    fill_standard(tmp_path / "this.xlsx", THIS, 5, tmp_path / "this-filled.xlsx")
    assert main(["import", str(report), str(tmp_path / "this-filled.xlsx")]) == 0

    # check: realistic data has no error; a real contradiction is found
    with Report.open(report) as r:
        assert [f.message for f in rules.check(r) if f.severity == "error"] == []
    wrong = tmp_path / "wrong.qreport"
    wrong.write_bytes(report.read_bytes())
    with Report.open(wrong) as r:
        r.set_text("student_teacher_ratio", 2024, "15:1")
        r.set_text("employed", 2024, "2400")
        errors = [f.message for f in rules.check(r) if f.severity == "error"]
    assert any("生师比" in m and "19.6" in m for m in errors)
    assert any("就业（含升学）人数（2400）" in m for m in errors)

    # every output says the same numbers
    out = {k: tmp_path / f"r.{k}" for k in ("pdf", "docx", "xlsx")}
    filled = tmp_path / "省表-已填.xlsx"
    assert main(["export", str(report), "--pdf", str(out["pdf"]), "--docx", str(out["docx"]),
                 "--xlsx", str(out["xlsx"])]) == 0
    assert main(["export", str(report), "--xlsx", str(filled), "--into", str(blank)]) == 0
    expected = {name: (LAST[name], THIS[name]) for name in THIS}
    expected[TOTAL] = (9527 + 663, 9800 + 650)

    exported = {}
    for ws in openpyxl.load_workbook(out["xlsx"]).worksheets:
        exported |= rows_of(ws)
    assert {k: exported[k] for k in expected} == expected

    form = openpyxl.load_workbook(filled)
    assert form.sheetnames == ["表一 办学基本情况", "表二 人才培养", "代码表"]
    assert form["代码表"].sheet_state == "hidden"
    got = rows_of(form["表一 办学基本情况"]) | rows_of(form["表二 人才培养"])
    assert got.pop(TOTAL) == ("=D4+D7", "=E4+E7")  # the bureau's own formula kept
    assert got == {k: v for k, v in expected.items() if k != TOTAL}
    sheet = form["表一 办学基本情况"]
    assert sheet["B4"].value == "全日制在校生数" and (sheet["D4"].value, sheet["E4"].value) == (9527, 9800)
    assert sheet["A12"].value.startswith("注：")  # the note row untouched

    word = {}
    for table in Docx(out["docx"]).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 5:
                word[cells[1].removeprefix("其中：")] = (cells[3], cells[4])
    assert {k: word[k] for k in expected} == {k: (shown(a), shown(b)) for k, (a, b) in expected.items()}

    text = subprocess.run(["pdftotext", "-layout", str(out["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    for name, (prev, cur) in expected.items():
        line = next(ln for ln in text.splitlines() if re.search(rf"(\s|其中：){re.escape(name)}\s", ln))
        assert line.split()[-2:] == [shown(prev), shown(cur)], line
    assert "中国职业教育" not in text and "XX省中职质量年度报告（2024年度）" in text

    # the filled form imported back changes nothing
    capsys.readouterr()
    assert main(["import", str(report), str(filled), "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "没有需要更新的数值" in said and "→" not in said
