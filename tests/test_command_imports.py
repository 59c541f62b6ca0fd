"""Each command loads only what it needs (issue 16): reading a report needs neither the
schema library (sqlite-utils, with click, dateutil and pluggy) nor the lock (filelock).
Whole processes, their modules read from sys.modules after the command ran."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_LIBRARY = {"sqlite_utils", "click", "dateutil", "pluggy"}

RUN = """
import contextlib, io, json, sys
from desktop import cli
with contextlib.redirect_stdout(io.StringIO()):
    code = cli.main(sys.argv[1:])
print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]))
"""

OPEN = """
import json, sys
from desktop.report import Report
Report.open(sys.argv[1], read_only=sys.argv[2] == "read").close()
print(json.dumps([0, sorted({m.split('.')[0] for m in sys.modules})]))
"""


def _loaded(code: str, *args, home: Path) -> tuple[int, set[str]]:
    env = dict(os.environ, QREPORT_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout, done.stderr
    status, modules = json.loads(done.stdout.splitlines()[-1])
    return status, set(modules)


def test_check_and_exports_load_neither_the_schema_library_nor_the_lock(sample_path, tmp_path):
    home = tmp_path / "home"
    for args, written in ((["check"], None), (["export", "--xlsx"], "x.xlsx"),
                          (["export", "--pdf"], "x.pdf"), (["export", "--docx"], "x.docx")):
        target = [tmp_path / written] if written else []
        status, modules = _loaded(RUN, args[0], sample_path, *args[1:], *target, home=home)
        assert status in (0, 1), args  # 1: check's findings
        assert not modules & SCHEMA_LIBRARY, (args, modules & SCHEMA_LIBRARY)
        assert "filelock" not in modules, args
        # records are msgspec Structs: a dataclass costs ~0.5 ms to create and its module
        # ~8 ms to import, >10 % of a PDF export (filelock, taken by writing commands only,
        # still brings it in)
        assert "msgspec" in modules, args
        assert "dataclasses" not in modules, args
        if written:
            assert (tmp_path / written).stat().st_size > 0


def test_opening_to_read_takes_no_lock_and_opening_to_write_does(sample_path, tmp_path):
    _, reading = _loaded(OPEN, sample_path, "read", home=tmp_path / "home")
    _, writing = _loaded(OPEN, sample_path, "write", home=tmp_path / "home")
    assert "filelock" not in reading and "filelock" in writing
    assert not (reading | writing) & SCHEMA_LIBRARY  # a current file needs no upgrade


def test_pdf_export_loads_no_pillow_when_no_picture_needs_decoding(sample_path, tmp_path):
    """reportlab imports Pillow only when it first reads a picture
    (desktop/formats/reportlab_pillow_on_demand.py): the sample's photos are JPEGs printed
    as they are, and a new report has none, so neither export loads PIL.Image (~8 ms)."""
    home = tmp_path / "home"
    new = tmp_path / "new.qreport"
    code = RUN.replace("m.split('.')[0]", "m")  # every module's full name
    assert _loaded(RUN, "new", new, "--school", "测试职业学校", home=home)[0] == 0
    for report in (sample_path, new):
        out = tmp_path / f"{report.stem}.pdf"
        status, modules = _loaded(code, "export", report, "--pdf", out, home=home)
        assert status == 0 and out.read_bytes().startswith(b"%PDF")
        assert "reportlab.lib.utils" in modules  # the export did run here
        assert "PIL.Image" not in modules, report.name


def test_an_edition_parsed_before_is_read_without_the_toml_parser(sample_path, tmp_path):
    """desktop/toml_cache.py: the first command on a report parses its edition and keeps the
    data; the next ones read it back and never import tomllib (~2 ms)."""
    home = tmp_path / "home"
    code = RUN.replace("m.split('.')[0]", "m")
    first = _loaded(code, "check", sample_path, home=home)
    again = _loaded(code, "check", sample_path, home=home)
    assert first[0] == again[0] == 1  # the sample's findings, both times
    assert "tomllib" in first[1]
    assert "tomllib" not in again[1]
