"""What the Excel commands load: each real `qreport` command runs in a fresh process
(`desktop.cli.main`, what `python -m desktop` runs before it ends the process with os._exit)
and reports which heavy packages it imported, sqlite-utils among them (only creating or
upgrading a report file needs it).

openpyxl is loaded as if Pillow were absent (desktop/formats/openpyxl_without_pillow.py):
the Excel commands never need Pillow, and code that does (the photos) still gets it later in
the same process."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

from tests.desktop.formats.bureau_books import province_a

ROOT = Path(__file__).resolve().parents[3]
RUN = """
import json, sys
from desktop.cli import main
HEAVY = {"openpyxl", "PIL", "reportlab", "docx", "PySide6", "sqlite_utils"}
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "loaded": sorted({m.split(".")[0] for m in sys.modules} & HEAVY)}))
"""


def qreport(*args) -> tuple[dict, str]:
    """Run one command; returns {"exit": …, "loaded": [heavy packages imported]} and stdout."""
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    *lines, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(lines)


def test_export_xlsx_loads_openpyxl_only(sample_path, tmp_path):
    book = tmp_path / "表.xlsx"
    result, out = qreport("export", sample_path, "--xlsx", book)
    assert result == {"exit": 0, "loaded": ["openpyxl"]}, out
    assert openpyxl.load_workbook(book).sheetnames[0] == "质量数据表"


def test_import_of_a_workbook_loads_openpyxl_only(sample_path, tmp_path):
    book = tmp_path / "表.xlsx"
    assert qreport("export", sample_path, "--xlsx", book)[0]["exit"] == 0
    target = tmp_path / "new.qreport"
    made, _ = qreport("new", target, "--school", "聊城高级工程职业学校", "--edition", "2022")
    assert made["exit"] == 0
    result, out = qreport("import", target, book)
    assert result == {"exit": 0, "loaded": ["openpyxl"]}, out
    assert "已导入 113 项。" in out


def test_filling_the_bureaus_form_keeps_its_logo_without_pillow(sample_path, tmp_path):
    blank = province_a(tmp_path / "blank.xlsx")  # has a logo picture (and Pillow made it)
    filled = tmp_path / "filled.xlsx"
    result, out = qreport("export", sample_path, "--xlsx", filled, "--into", blank)
    assert result == {"exit": 0, "loaded": ["openpyxl"]}, out
    assert "已填入 20 个数值。" in out
    with zipfile.ZipFile(blank) as a, zipfile.ZipFile(filled) as b:
        media = [n for n in a.namelist() if n.startswith("xl/media/")]
        assert media and all(a.read(n) == b.read(n) for n in media)


def test_pillow_still_loads_after_openpyxl_was_loaded_without_it(tmp_path):
    from PIL import Image

    png = tmp_path / "photo.png"
    Image.new("RGB", (120, 40), "navy").save(png)
    code = ("import sys, desktop.formats.xlsx, openpyxl.drawing.image as pictures\n"
            "print('PIL' in sys.modules, pictures.PILImage is False)\n"
            "from desktop.formats import photos\n"
            "print(photos.probe(open(sys.argv[1], 'rb').read()))")
    done = subprocess.run([sys.executable, "-c", code, str(png)], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    # openpyxl came without Pillow; the photo code then loads Pillow and reads the picture
    assert done.stdout.split("\n")[:2] == ["False True", "(120, 40)"]


def test_the_window_process_keeps_pillow_for_openpyxl():
    # in the window other threads may import Pillow for photos at any moment: nothing is hidden
    code = ("import PySide6.QtCore, desktop.formats.xlsx, openpyxl.drawing.image as pictures\n"
            "print(pictures.PILImage is not False)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
