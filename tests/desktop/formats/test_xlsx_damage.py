"""A damaged workbook gets its sentence, naming the file and what to do; an intact file of
another kind gets its own; anything else that goes wrong is not passed off as damage (issue
14). Every file here is a real .xlsx damaged the way files are: cut off in a download,
corrupted bytes on a USB stick, a part edited by hand or lost, or a real .xls/.xlsm made by
LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from desktop.formats import xlsx_read
from desktop.formats.xlsx import write_xlsx
from desktop.formats.xlsx_read import WorkbookError, open_workbook_safely, read_data_sheet, read_form
from tests.desktop.formats.damage import flip, rewrite
from tests.desktop.formats.test_xlsx_read import small_document

AGAIN = "请用 Excel 或 WPS 打开检查，能打开就另存为新的 .xlsx 再导入，否则请找回完好的原文件。"
BROKEN = "数据.xlsx 的内容已损坏，无法读取：" + AGAIN


@pytest.fixture
def good(tmp_path) -> bytes:
    path = tmp_path / "good.xlsx"
    write_xlsx(small_document(), path)
    return path.read_bytes()


def refused(tmp_path: Path, data: bytes, name: str = "数据.xlsx") -> str:
    """The sentence for importing the file (opening it, then reading its table)."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(WorkbookError) as exc, closing(open_workbook_safely(path)) as wb:
        read_data_sheet(wb)
    return str(exc.value)


def form_refused(tmp_path: Path, data: bytes) -> str:
    """The sentence for reading the file as the bureau's form (export --into)."""
    path = tmp_path / "数据.xlsx"
    path.write_bytes(data)
    with pytest.raises(WorkbookError) as exc:
        read_form(path)
    return str(exc.value)


def test_the_good_file_reads(tmp_path, good):
    path = tmp_path / "数据.xlsx"
    path.write_bytes(good)
    with closing(open_workbook_safely(path)) as wb:
        assert read_data_sheet(wb).rows[0].name == "思想政治课专任教师数"


def test_a_file_cut_off_in_the_middle(tmp_path, good):
    said = refused(tmp_path, good[: len(good) // 2])
    assert said == "数据.xlsx 已损坏或不完整（可能没有完整复制或下载）：请重新复制或下载一份后再导入。"


def test_corrupted_bytes_inside_the_sheet(tmp_path, good):
    # the sheet part is inflated only while its rows are streamed: named all the same
    said = refused(tmp_path, flip(good, "xl/worksheets/sheet1.xml", 20))
    assert said.startswith("数据.xlsx 已损坏或不完整")


def test_an_empty_file(tmp_path):
    said = refused(tmp_path, b"")
    assert said.startswith("数据.xlsx 是空文件（0 字节）") and "请找回原文件" in said


def test_a_csv_renamed_xlsx(tmp_path):
    said = refused(tmp_path, "序号,指标,单位,2024年\n1,专任教师数,人,50\n".encode())
    assert said.startswith("数据.xlsx 不是 Excel 工作簿") and "另存为 .xlsx" in said and "损坏" not in said


def test_a_sheet_part_that_is_not_xml(tmp_path, good):
    # before: "工作簿的内容已损坏，无法读取。" without the file's name or what to do
    broken = rewrite(good, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1'>garbage")
    assert refused(tmp_path, broken) == BROKEN
    assert refused(tmp_path, rewrite(good, "xl/worksheets/sheet1.xml", b"\x00\x01 not xml")) == BROKEN


def test_a_workbook_part_that_is_not_xml(tmp_path, good):
    assert refused(tmp_path, rewrite(good, "xl/workbook.xml", b"<workbook><sheets")) == BROKEN
    assert form_refused(tmp_path, rewrite(good, "xl/styles.xml", b"<styleSheet")) == BROKEN


def test_a_lost_sheet_part_is_damage_not_a_missing_sheet(tmp_path, good):
    # before: "工作簿中没有“质量数据表”工作表…": openpyxl skips a sheet whose part is gone
    said = refused(tmp_path, rewrite(good, "xl/worksheets/sheet1.xml", None))
    assert said.startswith("数据.xlsx 已损坏：工作表“质量数据表”的内容（xl/worksheets/sheet1.xml）不在文件中")
    assert form_refused(tmp_path, rewrite(good, "xl/worksheets/sheet1.xml", None)) == said


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"])
def test_a_lost_part(tmp_path, good, part):
    said = refused(tmp_path, rewrite(good, part, None))
    assert said == f"数据.xlsx 已损坏，缺少工作簿的组成部分 {part}：{AGAIN}"


def test_lost_styles_the_cells_refer_to(tmp_path, good):
    # cells carry s="3": openpyxl fails on the style number while the rows are read
    # (before: "工作簿的内容已损坏，无法读取。", no file named)
    assert refused(tmp_path, rewrite(good, "xl/styles.xml", None)) == BROKEN


def _soffice(tmp_path: Path, good: bytes, to: str) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (CI installs it)"
    src = tmp_path / "src" / "数据.xlsx"
    src.parent.mkdir()
    src.write_bytes(good)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", to, "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=180)
    made = list((tmp_path / "out").iterdir())
    assert len(made) == 1
    return made[0]


def test_an_old_binary_xls_is_named_as_such(tmp_path, good):
    xls = _soffice(tmp_path, good, "xls")
    said = refused(tmp_path, xls.read_bytes(), "数据.xls")
    assert said == "数据.xls 是旧版 Excel（.xls）文件：请在 Excel/WPS 中打开后另存为 .xlsx 再导入。"


def test_a_macro_enabled_workbook_is_read_for_its_values(tmp_path, good):
    # an .xlsm is an intact workbook: its values are read (macros are never run)
    xlsm = _soffice(tmp_path, good, "xlsm:Calc MS Excel 2007 VBA XML")
    assert b"macroEnabled" in zipfile.ZipFile(xlsm).read("[Content_Types].xml")
    with closing(open_workbook_safely(xlsm)) as wb:
        rows = read_data_sheet(wb).rows
    assert (rows[0].name, rows[0].values) == ("思想政治课专任教师数", {2020: "50", 2021: "54"})


def test_a_fault_of_ours_is_not_called_damage(tmp_path, good):
    path = tmp_path / "数据.xlsx"
    path.write_bytes(good)
    with closing(open_workbook_safely(path)) as wb, pytest.raises(TypeError):  # a wrong call of ours
        xlsx_read.read_data_sheets(wb, [None])  # type: ignore[list-item]
    for bug in (AttributeError("x"), TypeError("x"), IndexError("list index out of range"),
                KeyError("质量数据表"), ValueError("x"), RecursionError()):
        try:
            raise bug  # raised in our own frame, as a bug of ours would be
        except Exception as exc:
            assert xlsx_read._damage(exc, "数据.xlsx") is None


def test_a_file_that_cannot_be_read_is_not_called_damaged(tmp_path):
    # an intact file on a stick that failed, or locked by Excel on Windows: the error of the
    # one read from disk (_read_capped) is said without "损坏" and without English strerror
    said = xlsx_read._unreadable(PermissionError(13, "Permission denied"), "数据.xlsx")
    assert said.startswith("无法读取 数据.xlsx：没有读取它的权限") and "损坏" not in said
    said = xlsx_read._unreadable(OSError(5, "Input/output error"), "数据.xlsx")
    assert said.startswith("读取 数据.xlsx 时出错") and "损坏" not in said
    (tmp_path / "数据.xlsx").mkdir()
    with pytest.raises(WorkbookError, match=r"^数据\.xlsx 是文件夹"):
        open_workbook_safely(tmp_path / "数据.xlsx")


def test_a_zip_method_we_cannot_inflate(tmp_path, good):
    # a member marked Deflate64 (Windows' own zip tool for large files, or corrupted header
    # bytes): zipfile raises NotImplementedError; before, that escaped as a crash
    data = bytearray(good)
    for signature, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + at:start + at + 2] = (9).to_bytes(2, "little")
            start = data.find(signature, start + 4)
    said = refused(tmp_path, bytes(data))
    assert said.startswith("数据.xlsx 已损坏，或被压缩工具用本程序不支持的方式重新打包")
