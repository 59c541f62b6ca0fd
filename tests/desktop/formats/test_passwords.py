"""A workbook or Word file with an open password is refused by every reader with one sentence
saying so and what to do, never as a damaged or an old-format file. The files are our own
exports encrypted by msoffcrypto-tool the way Excel/Word/WPS do it (an OLE compound file with
EncryptionInfo and EncryptedPackage), and an .xls/.doc that LibreOffice saved with a password
(tests/data/make_password_files.py)."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from contextlib import closing
from pathlib import Path

import msoffcrypto
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from desktop.cli import main
from desktop.edition_from_workbook import make_edition
from desktop.formats import compound
from desktop.formats.docx_read import WordError, read_docx
from desktop.formats.xlsx_read import WorkbookError, open_workbook_safely, read_data_sheet, read_form
from tests.desktop.formats.bureau_books import province_a
from tests.desktop.formats.damage import rewrite

DATA = Path(__file__).parents[2] / "data"
EXCEL = "设置了打开密码，本程序无法读取：请在 Excel 或 WPS 中输入密码打开它，取消工作簿的密码后保存，再重新导入。"
WORD = "设置了打开密码，本程序无法读取：请在 Word 或 WPS 中输入密码打开它，取消文档的密码后保存，再重新导入。"


def locked(plain: Path, out: Path, password: str = "1234") -> Path:
    with plain.open("rb") as f:
        OOXMLFile(f).encrypt(password, buffer := io.BytesIO())
    out.write_bytes(buffer.getvalue())
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory, _sample_master) -> dict[str, Path]:
    """The sample exported as .xlsx and .docx, and each with an open password."""
    folder = tmp_path_factory.mktemp("exported")
    assert main(["export", str(_sample_master), "--xlsx", str(folder / "数据表.xlsx"),
                 "--docx", str(folder / "报告.docx")]) == 0
    return {"xlsx": folder / "数据表.xlsx", "docx": folder / "报告.docx",
            "locked xlsx": locked(folder / "数据表.xlsx", folder / "加密数据表.xlsx"),
            "locked docx": locked(folder / "报告.docx", folder / "加密报告.docx")}


def test_the_files_are_really_encrypted(exported):
    for key in ("locked xlsx", "locked docx"):
        with exported[key].open("rb") as f:
            assert msoffcrypto.OfficeFile(f).is_encrypted()
        assert compound.kind(exported[key].read_bytes()) == compound.ENCRYPTED
    for name in ("password-1234.xls", "password-1234.doc"):
        with (DATA / name).open("rb") as f:
            assert msoffcrypto.OfficeFile(f).is_encrypted()
        assert compound.kind((DATA / name).read_bytes()) == compound.ENCRYPTED


def test_a_locked_workbook_is_refused_by_the_import(exported):
    with pytest.raises(WorkbookError) as exc:
        open_workbook_safely(exported["locked xlsx"])
    assert str(exc.value) == "加密数据表.xlsx " + EXCEL


def test_a_locked_bureau_form_is_refused_by_the_fill_and_the_edition_reader(exported, tmp_path):
    blank = locked(province_a(tmp_path / "blank.xlsx"), tmp_path / "表格.xlsx")
    with pytest.raises(WorkbookError) as exc:
        read_form(blank)
    assert str(exc.value) == "表格.xlsx " + EXCEL
    with pytest.raises(WorkbookError) as exc:
        make_edition(blank, "province")
    assert str(exc.value) == "表格.xlsx " + EXCEL


def test_a_locked_word_file_is_refused(exported, tmp_path):
    with pytest.raises(WordError) as exc:
        read_docx(exported["locked docx"])
    assert str(exc.value) == "加密报告.docx " + WORD
    # saved by Word with a password under an old name: still the password, never LibreOffice's failure
    old_name = shutil.copy(exported["locked docx"], tmp_path / "报告.doc")
    with pytest.raises(WordError) as exc:
        read_docx(old_name)
    assert str(exc.value) == "报告.doc " + WORD


def test_old_formats_with_a_password(tmp_path):
    with pytest.raises(WorkbookError) as exc:
        open_workbook_safely(DATA / "password-1234.xls")
    assert str(exc.value) == "password-1234.xls " + EXCEL
    # before LibreOffice is asked to convert it (it fails without a word on a locked .doc)
    with pytest.raises(WordError) as exc:
        read_docx(DATA / "password-1234.doc")
    assert str(exc.value) == "password-1234.doc " + WORD


def test_the_command_line_says_it_in_one_sentence(exported, sample_path, tmp_path, capsys):
    for key, said in (("locked xlsx", "加密数据表.xlsx " + EXCEL), ("locked docx", "加密报告.docx " + WORD)):
        assert main(["import", str(sample_path), str(exported[key])]) == 2
        assert capsys.readouterr().err.strip() == said
    out = tmp_path / "filled.xlsx"
    assert main(["export", str(sample_path), "--xlsx", str(out), "--into", str(exported["locked xlsx"])]) == 2
    assert capsys.readouterr().err.strip() == "加密数据表.xlsx " + EXCEL
    assert not out.exists()
    assert main(["edition", "from-workbook", str(exported["locked xlsx"]), "--out", str(tmp_path / "e.toml")]) == 2
    assert capsys.readouterr().err.strip() == "加密数据表.xlsx " + EXCEL


def test_the_unlocked_exports_still_import(exported, sample_path, capsys):
    # the same files without the password: what the school gets after removing it
    for key in ("xlsx", "docx"):
        assert main(["import", str(sample_path), str(exported[key]), "--dry-run"]) == 0
    capsys.readouterr()


def test_a_read_only_recommended_workbook_with_a_modify_password_imports(exported, tmp_path):
    # Excel's 常规选项 → 修改权限密码 + 建议只读: the file stays a plain .xlsx whose workbook part
    # carries fileSharing (and 保护工作簿 adds workbookProtection); its values can be read
    data = exported["xlsx"].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    sharing = ('<fileSharing readOnlyRecommended="1" userName="教务处" algorithmName="SHA-512" '
               'hashValue="5Z3uVvY0ZC5yVYcV2cq3mG7mZ5l6Zj5o6yWJ5m6Q9X8eYw2p0lC3uJrK1bN6qK8wE4tS2vH7aL0cD9fG3jB1xA==" '
               'saltValue="kq7sW3vJ9Xy2bN5mR8tL1g==" spinCount="100000"/>')
    protection = '<workbookProtection lockStructure="1"/>'
    start = workbook.index("<workbookPr")
    workbook = workbook[:start] + sharing + workbook[start:]
    end = workbook.index("<bookViews") if "<bookViews" in workbook else workbook.index("<sheets")
    workbook = workbook[:end] + protection + workbook[end:]
    path = tmp_path / "建议只读.xlsx"
    path.write_bytes(rewrite(data, "xl/workbook.xml", workbook.encode()))
    with closing(open_workbook_safely(path)) as wb:
        rows = read_data_sheet(wb).rows
    with closing(open_workbook_safely(exported["xlsx"])) as wb:
        assert rows == read_data_sheet(wb).rows
    assert len(rows) > 30


def test_a_damaged_compound_file_is_not_a_traceback(exported, tmp_path):
    # cut off on a USB stick: the directory is gone, so nothing says it has a password
    data = exported["locked xlsx"].read_bytes()
    for cut in (data[:512], data[:2048], compound.MAGIC + b"\xff" * 600):
        assert compound.kind(cut) == compound.UNKNOWN
        path = tmp_path / "坏.xlsx"
        path.write_bytes(cut)
        with pytest.raises(WorkbookError, match=r"旧版 Excel（\.xls）文件或设置了打开密码"):
            open_workbook_safely(path)


def test_compound_files_damaged_anywhere_are_told_or_unknown_never_an_exception(exported):
    # bytes turned over at random places of real compound files (a stick, a bad download):
    # the directory reader checks every sector number and chain, so it answers every time
    rng = random.Random(1958)
    seen = set()
    for data in (exported["locked xlsx"].read_bytes(), (DATA / "password-1234.doc").read_bytes(),
                 (DATA / "password-1234.xls").read_bytes()):
        for _ in range(150):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 40)):
                damaged[rng.randrange(8, min(len(data), 4096))] = rng.randrange(256)
            seen.add(compound.kind(bytes(damaged)))
    assert seen <= {compound.ENCRYPTED, compound.XLS, compound.DOC, compound.UNKNOWN}
    assert {compound.ENCRYPTED, compound.UNKNOWN} <= seen


def test_an_old_writer_leaving_garbage_in_a_stream_size_high_half(tmp_path):
    # version-3 compound files (512-byte sectors) keep a 32-bit stream size; some writers leave
    # the high half of the 64-bit field uninitialised: the size is still the low half
    data = bytearray((DATA / "password-1234.xls").read_bytes())
    entry = data.index("Workbook".encode("utf-16-le"))
    data[entry + 124:entry + 128] = b"\x5a\xa5\x5a\xa5"
    assert compound.kind(bytes(data)) == compound.ENCRYPTED
    path = tmp_path / "统计.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as exc:
        open_workbook_safely(path)
    assert str(exc.value) == "统计.xls " + EXCEL


def test_a_compound_file_whose_root_entry_is_damaged_is_unknown_or_told(tmp_path):
    # the small streams live in the root entry's mini stream: a root entry whose type byte
    # is damaged left nothing to read them from (AttributeError out of the .xls reader)
    data = bytearray((DATA / "password-1234.xls").read_bytes())
    size = 1 << int.from_bytes(data[0x1E:0x20], "little")
    directory = int.from_bytes(data[0x30:0x34], "little")
    root = (directory + 1) * size  # the root is the directory's first entry
    assert data[root:root + 20].decode("utf-16-le") == "Root Entry"
    data[root + 66] = 1  # a storage, not the root
    assert compound.kind(bytes(data)) == compound.UNKNOWN
    bad = tmp_path / "坏.xls"
    bad.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match=r"坏\.xls"):
        open_workbook_safely(bad)
