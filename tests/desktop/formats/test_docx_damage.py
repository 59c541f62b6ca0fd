"""A damaged .docx gets its sentence; anything else that goes wrong is not passed off as
damage (issue 14). Every file here is a real .docx damaged the way files are: cut off in a
download, corrupted bytes on a USB stick, a part edited by hand or lost."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as Docx

from desktop.formats import docx_read
from desktop.formats.docx_read import WordError, read_docx
from tests.desktop.formats.damage import flip, rewrite

NOT_DOCX = "不是有效的 Word 文档（.docx），可能已损坏。"
BROKEN = " 的内容已损坏，无法读取。"


@pytest.fixture
def good(tmp_path) -> bytes:
    doc = Docx()
    doc.add_paragraph("一、学校概况")
    doc.add_paragraph("学校始建于1958年。" * 40)
    doc.add_picture(io.BytesIO(_png()))
    path = tmp_path / "good.docx"
    doc.save(path)
    return path.read_bytes()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def refused(tmp_path, data: bytes) -> str:
    path = tmp_path / "报告.docx"
    path.write_bytes(data)
    with pytest.raises(WordError) as exc:
        read_docx(path)
    return str(exc.value)


def test_the_good_file_reads(tmp_path, good):
    path = tmp_path / "报告.docx"
    path.write_bytes(good)
    assert [b.text for b in read_docx(path).blocks][:1] == ["一、学校概况"]


def test_a_file_cut_off_in_the_middle(tmp_path, good):
    assert refused(tmp_path, good[: len(good) // 2]) == "报告.docx " + NOT_DOCX


def test_corrupted_bytes_inside_the_text(tmp_path, good):
    assert refused(tmp_path, flip(good, "word/document.xml", 40)) == "报告.docx " + NOT_DOCX


def test_a_text_part_that_is_not_xml(tmp_path, good):
    broken = rewrite(good, "word/document.xml", b"<w:document><w:body><w:p>")
    assert refused(tmp_path, broken) == "报告.docx" + BROKEN


def test_a_styles_part_that_is_not_xml(tmp_path, good):
    assert refused(tmp_path, rewrite(good, "word/styles.xml", b"<broken")) == "报告.docx" + BROKEN


def test_a_lost_picture(tmp_path, good):
    media = next(n for n in zipfile.ZipFile(io.BytesIO(good)).namelist() if "media/" in n)
    assert refused(tmp_path, rewrite(good, media, None)) == "报告.docx " + NOT_DOCX


def test_a_document_without_a_body(tmp_path, good):
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    empty = rewrite(good, "word/document.xml", f'<w:document xmlns:w="{ns}"/>'.encode())
    assert refused(tmp_path, empty) == "报告.docx" + BROKEN


def test_a_fault_of_ours_is_not_called_damage():
    # what the reader would raise on a bug of its own: not turned into the damage sentence
    for bug in (AttributeError("'NoneType' object has no attribute 'text'"), TypeError("x"),
                IndexError("list index out of range"), RecursionError()):
        assert docx_read.damage(bug, "报告.docx") is None


def test_a_file_that_cannot_be_read_is_not_called_damaged():
    # an intact file on a stick that failed, or locked by another program (issue 14: never
    # 已损坏 for an intact file)
    said = docx_read.damage(PermissionError(13, "Permission denied"), "报告.docx")
    assert said.startswith("无法读取 报告.docx：没有读取它的权限") and "损坏" not in said
    said = docx_read.damage(OSError(5, "Input/output error"), "报告.docx")
    assert said.startswith("读取 报告.docx 时出错") and "损坏" not in said


def test_a_macro_enabled_document_is_another_kind_not_a_damaged_one(tmp_path, good):
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        types = zf.read("[Content_Types].xml")
    docm = rewrite(good, "[Content_Types].xml",
                    types.replace(main, b"application/vnd.ms-word.document.macroEnabled.main+xml"))
    said = refused(tmp_path, docm)
    assert said.startswith("报告.docx 是启用宏的文档或模板等其他 Word 格式") and "损坏" not in said
