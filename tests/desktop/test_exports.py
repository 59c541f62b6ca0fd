"""The one export pipeline: one document, every target written, only what is asked loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop import exports
from desktop.exports import ExportRefused, export

ROOT = Path(__file__).resolve().parents[2]


def test_one_call_writes_every_target(sample_path, tmp_path):
    book, report, table = tmp_path / "表.xlsx", tmp_path / "报告.pdf", tmp_path / "表.pdf"
    written = export(sample_path, {"xlsx": book, "pdf": report, "table_pdf": table})
    assert [w.key for w in written] == ["xlsx", "pdf", "table_pdf"]
    assert [w.path for w in written] == [book, report, table]
    assert openpyxl.load_workbook(book).sheetnames[0] == "质量数据表"
    assert report.read_bytes().startswith(b"%PDF") and table.read_bytes().startswith(b"%PDF")
    assert written[0].pages is None
    assert written[1].pages > 20 > written[2].pages > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == sorted(
        ["sample.qreport", "表.xlsx", "报告.pdf", "表.pdf"])  # no temporary file left


def test_a_folder_as_target_is_refused_before_any_work(sample_path, tmp_path):
    book = tmp_path / "表.xlsx"
    with pytest.raises(ExportRefused, match="是文件夹"):
        export(sample_path, {"xlsx": book, "pdf": tmp_path})
    assert not book.exists()
    with pytest.raises(ExportRefused, match="不存在"):
        export(sample_path, {"xlsx": tmp_path / "无此文件夹" / "表.xlsx"})


def test_every_target_has_a_writer_of_its_own_key(sample_path, tmp_path):
    for key in exports.TARGETS:
        target = tmp_path / f"out-{key}{exports.TARGETS[key].suffix}"
        (written,) = export(sample_path, {key: target})
        assert written.key == key and written.path.stat().st_size > 1000


@pytest.mark.parametrize(("key", "unloaded"), [("xlsx", "reportlab"), ("table_pdf", "openpyxl"),
                                               ("docx", "reportlab")])
def test_a_target_loads_only_its_own_writer(sample_path, tmp_path, key, unloaded):
    code = ("import sys\nfrom desktop.exports import export\n"
            f"export(sys.argv[1], {{{key!r}: sys.argv[2]}})\n"
            f"print({unloaded!r} in sys.modules)")
    out = tmp_path / f"out{exports.TARGETS[key].suffix}"
    done = subprocess.run([sys.executable, "-c", code, str(sample_path), str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert done.stdout.strip() == "False"


def test_word_with_pdf_reads_the_same_as_word_alone(sample_path, tmp_path):
    import zipfile

    alone = tmp_path / "alone.docx"
    export(sample_path, {"docx": alone})
    both = tmp_path / "both.docx"
    written = export(sample_path, {"docx": both, "pdf": tmp_path / "r.pdf"})
    assert [w.key for w in written] == ["docx", "pdf"]  # results in the order asked
    assert written[0].pages is None  # Word and WPS lay the pages out themselves
    assert any("目录的页码" in note for note in written[0].notes)
    with zipfile.ZipFile(alone) as a, zipfile.ZipFile(both) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")


def test_the_report_itself_or_one_file_twice_is_refused(sample_path, tmp_path):
    before = sample_path.read_bytes()
    with pytest.raises(ExportRefused, match="报告文件本身"):
        export(sample_path, {"pdf": sample_path})
    assert sample_path.read_bytes() == before
    with pytest.raises(ExportRefused, match="同一个文件"):
        export(sample_path, {"xlsx": tmp_path / "a", "pdf": tmp_path / "." / "a"})
    assert not (tmp_path / "a").exists()


def test_the_files_beside_the_report_are_refused(sample_path, tmp_path):
    """Its -wal (edits not yet in the file itself), -shm, -journal and its lock."""
    for end in ("-wal", "-shm", "-journal", ".lock"):
        beside = tmp_path / (sample_path.name + end)
        with pytest.raises(ExportRefused, match=r"报告文件 sample\.qreport 旁边"):
            export(sample_path, {"xlsx": beside})
        assert not beside.exists() or end == ".lock"


def test_a_target_named_for_another_format_is_refused(sample_path, tmp_path):
    with pytest.raises(ExportRefused, match=r"报告.xlsx 的扩展名应为 \.pdf.*请改为 报告\.pdf"):
        export(sample_path, {"pdf": tmp_path / "报告.xlsx"})
    with pytest.raises(ExportRefused, match=r"\.xlsx"):
        export(sample_path, {"xlsx": tmp_path / "表"})
    assert list(tmp_path.iterdir()) == [sample_path]
    assert export(sample_path, {"xlsx": tmp_path / "表.XLSX"})[0].path.exists()
