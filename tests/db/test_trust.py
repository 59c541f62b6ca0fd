"""The file on disk is always complete, leftover journals are judged before SQLite replays
them, and a file that is refused stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import itertools
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import journals
from db.store import ReportFile, ReportFileError
from desktop.report import Report
from tests.disks import as_nobody

ROOT = Path(__file__).resolve().parents[2]
META = {"school": "测试学校", "edition": "2022", "year": "2021"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """What is in the folder, besides lock files (opening takes the report's lock)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def make(path: Path, students: str) -> Path:
    with ReportFile.create(path, META) as f:
        f.set_value("students", 2021, students)
    return path


def crash_after_commit(path: Path, students: str) -> None:
    """A process commits an edit and dies before its checkpoint (the narrowest window)."""
    code = ("import os, sys\n"
            "from db import store\n"
            "store._Database.checkpoint = lambda self: None\n"
            "f = store.ReportFile.open(sys.argv[1], exclusive=True)\n"
            "f.set_value('students', 2021, sys.argv[2])\n"
            "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(path), students], cwd=ROOT, check=True)
    assert Path(f"{path}-wal").stat().st_size > 0


def test_a_copy_taken_while_the_file_is_open_holds_every_commit(tmp_path):
    with ReportFile.create(tmp_path / "r.qreport", META) as f:
        for n in range(20):
            f.set_value("students", 2021, str(9500 + n))
            with f.transaction():
                f.set_note("students", 2021, f"第 {n} 次")
            f.settle()  # the checkpoint runs beside the edit, milliseconds after it
            copy = tmp_path / f"copy-{n}.qreport"
            shutil.copyfile(f.path, copy)  # the main file alone, as Explorer copies it
            with ReportFile.open(copy) as c:
                assert c.value("students", 2021) == str(9500 + n)
                assert c.notes()[("students", 2021)] == f"第 {n} 次"


def test_every_write_transaction_stamps_a_new_token(tmp_path):
    with ReportFile.create(tmp_path / "r.qreport", META) as f:
        seen = []
        for n in range(5):
            f.set_value("students", 2021, str(n))
            uv = f.db.execute("PRAGMA user_version").fetchone()[0] & 0xFFFFFFFF
            seen.append((uv >> 16, uv & 0xFFFF))
        f.value("students", 2021)  # a read stamps nothing
        uv = f.db.execute("PRAGMA user_version").fetchone()[0] & 0xFFFFFFFF
        assert uv == (seen[-1][0] << 16) | seen[-1][1]
    for (_, before), (replaced, _) in itertools.pairwise(seen):
        assert replaced == before  # each names the one it replaced
    assert len({t for _, t in seen}) == 5


def test_own_wal_left_by_a_crash_is_replayed(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    crash_after_commit(path, "200")
    with ReportFile.open(path, exclusive=True) as f:
        assert f.notices == []
        assert f.value("students", 2021) == "200"  # the committed edit survived
        assert f.integrity() == "ok"
    assert not [n for n in listing(tmp_path) if "orphan" in n]


def test_a_wal_left_beside_a_file_replaced_by_a_colleagues_copy_is_set_aside(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    colleague = tmp_path / "colleague.qreport"
    with ReportFile.open(path) as f:
        f.backup_to(colleague)  # a copy of the same report, edited on another computer
    with ReportFile.open(colleague) as f:
        f.set_value("students", 2021, "300")
        f.set_value("teachers", 2021, "40")
    crash_after_commit(path, "200")
    shutil.copyfile(colleague, path)  # after the crash, the colleague's copy put in its place
    with ReportFile.open(path, exclusive=True) as f:
        assert len(f.notices) == 1 and "不属于这个文件" in f.notices[0]
        assert "r.qreport-wal" in f.notices[0] and ".orphan-" in f.notices[0]
        assert (f.value("students", 2021), f.value("teachers", 2021)) == ("300", "40")
        assert f.integrity() == "ok"
    orphans = [n for n in listing(tmp_path) if ".orphan-" in n]
    assert any(n.startswith("r.qreport-wal.orphan-") for n in orphans)


def test_a_wal_beside_a_file_that_is_not_in_wal_mode_is_never_its_own(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    crash_after_commit(path, "200")
    other = make(tmp_path / "other.qreport", "555")
    with ReportFile.open(other) as f:
        f.backup_to(tmp_path / "saved-copy.qreport")  # "另存副本": rollback-journal mode
    shutil.copyfile(tmp_path / "saved-copy.qreport", path)
    with ReportFile.open(path, exclusive=True) as f:
        assert f.notices and f.value("students", 2021) == "555"


def test_journals_are_left_alone_while_another_program_may_be_writing(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    crash_after_commit(path, "200")
    wal = Path(f"{path}-wal").read_bytes()
    with ReportFile.open(path, exclusive=False) as f:  # not ours to judge: SQLite's business
        assert f.notices == [] and f.value("students", 2021) == "200"
    assert wal  # it was there, and was used


# ---------------------------------------------------------------- rollback journals
def crash_inside_a_rollback_transaction(path: Path, replaced_token: bool) -> None:
    """A process in rollback-journal mode dies half-way through a big transaction whose
    pages already went to the file (a cache spill): a hot -journal is left."""
    code = ("import os, sys, secrets\n"
            "from db import journals\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode = DELETE'); c.execute('PRAGMA cache_size = 2')\n"
            "c.execute('BEGIN')\n"
            "uv = c.execute('PRAGMA user_version').fetchone()[0]\n"
            "c.execute(f'PRAGMA user_version = {journals.next_user_version(uv, 4242)}')\n"
            "for n in range(3000):\n"
            "    c.execute('INSERT INTO change(at, user, kind, target, old, new, source) "
            "VALUES (?,?,?,?,?,?,?)', ['x', 'x', 'x', str(n), 'x' * 200, 'y' * 200, 'crash'])\n"
            "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", "import sqlite3\n" + code, str(path)], cwd=ROOT,
                   check=True)
    journal = Path(f"{path}-journal")
    assert journals.journal_pages(journal.read_bytes())  # hot, with page images


def rollback_mode_copy(tmp_path: Path, name: str, students: str) -> Path:
    source = make(tmp_path / f"src-{name}", students)
    target = tmp_path / name
    with ReportFile.open(source) as f:
        f.backup_to(target)
    return target


def test_own_hot_journal_is_rolled_back(tmp_path):
    path = rollback_mode_copy(tmp_path, "r.qreport", "100")
    crash_inside_a_rollback_transaction(path, replaced_token=True)
    with ReportFile.open(path, exclusive=True) as f:
        assert f.notices == []
        assert f.integrity() == "ok"
        assert not [c for c in f.changes(5000) if c.source == "crash"]  # all or nothing
        assert f.value("students", 2021) == "100"


def test_a_foreign_hot_journal_is_set_aside_and_the_file_untouched(tmp_path):
    path = rollback_mode_copy(tmp_path, "r.qreport", "100")
    crash_inside_a_rollback_transaction(path, replaced_token=True)
    colleague = rollback_mode_copy(tmp_path, "colleague.qreport", "300")
    shutil.copyfile(colleague, path)
    with ReportFile.open(path, exclusive=True) as f:
        assert f.notices and "r.qreport-journal" in f.notices[0]
        assert f.integrity() == "ok"
        assert f.value("students", 2021) == "300"


# ---------------------------------------------------------------- refusals leave files alone
def altered(tmp_path: Path, sql: str) -> Path:
    path = rollback_mode_copy(tmp_path, "altered.qreport", "100")
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


@pytest.mark.parametrize(("sql", "said"), [
    ("ALTER TABLE value ADD COLUMN comment TEXT", "表 value 的列或键被改动过"),
    ("DROP TABLE note", "少了表 note"),
    ("ALTER TABLE note RENAME TO notes", "少了表 note"),
    ("CREATE TRIGGER t AFTER INSERT ON value BEGIN SELECT RAISE(ABORT, 'no'); END", "多了触发器 t"),
    ("DROP INDEX idx_section_chapter_parent_position", "少了索引"),
    ("CREATE TABLE mine(x)", "多了表 mine"),
])
def test_a_schema_altered_by_hand_is_refused_untouched(tmp_path, sql, said):
    path = altered(tmp_path, sql)
    before, files = digest(path), listing(tmp_path)
    with pytest.raises(ReportFileError, match="结构被其他程序改动过") as refused:
        Report.open(path)
    assert said in str(refused.value) and "内部错误" not in str(refused.value)
    assert digest(path) == before and listing(tmp_path) == files  # no -wal, no -shm, no switch


def test_an_unsupported_edition_is_refused_untouched(tmp_path):
    path = rollback_mode_copy(tmp_path, "r.qreport", "100")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '1999' WHERE key = 'edition'")
    conn.commit()
    conn.close()
    before, files = digest(path), listing(tmp_path)
    assert path.read_bytes()[18] == 1  # rollback mode: opening would switch it
    with pytest.raises(ReportFileError, match="本程序不支持"):
        Report.open(path)
    assert digest(path) == before and listing(tmp_path) == files


def test_a_damaged_file_is_refused_untouched(tmp_path):
    path = rollback_mode_copy(tmp_path, "r.qreport", "100")
    data = bytearray(path.read_bytes())
    data[4096:4096 + 8] = b"\xff" * 8  # a table's page header scribbled on
    path.write_bytes(bytes(data))
    before, files = digest(path), listing(tmp_path)
    with pytest.raises(ReportFileError):
        Report.open(path)
    assert digest(path) == before and listing(tmp_path) == files


def test_a_foreign_wal_is_found_beside_the_real_file_when_opened_through_a_link(tmp_path):
    real = make(tmp_path / "real.qreport", "100")
    crash_after_commit(real, "200")
    shutil.copyfile(rollback_mode_copy(tmp_path, "colleague.qreport", "300"), real)
    link = tmp_path / "link.qreport"
    link.symlink_to(real)
    with ReportFile.open(link, exclusive=True) as f:
        assert f.notices and "real.qreport-wal" in f.notices[0]
        assert f.value("students", 2021) == "300"


@pytest.mark.parametrize("suffix", ["-wal", "-journal", "-shm"])
@pytest.mark.parametrize("content", [b"", b"\x00" * 4096, b"garbage, not a journal" * 300])
def test_garbage_beside_a_sound_file_changes_nothing(tmp_path, suffix, content):
    path = make(tmp_path / "r.qreport", "100")
    Path(f"{path}{suffix}").write_bytes(content)
    with Report.open(path) as report:
        assert report.file.value("students", 2021) == "100"
        assert report.file.integrity() == "ok"


# ---------------------------------------------------------------- reading only
def test_reading_a_file_with_its_own_crash_wal_sees_the_commit_and_changes_nothing(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    crash_after_commit(path, "200")
    before = {n: digest(tmp_path / n) for n in ("r.qreport", "r.qreport-wal")}
    with ReportFile.open(path, read_only=True) as f:
        assert f.notices == [] and f.value("students", 2021) == "200"
    # the file and its WAL as they were (SQLite may rebuild its index of the WAL, the -shm)
    assert {n: digest(tmp_path / n) for n in before} == before
    assert listing(tmp_path) == ["r.qreport", "r.qreport-shm", "r.qreport-wal"]


def test_reading_a_file_beside_a_foreign_wal_reads_the_file_alone_and_says_so(tmp_path):
    path = make(tmp_path / "r.qreport", "100")
    colleague = tmp_path / "colleague.qreport"
    with ReportFile.open(path) as f:
        f.backup_to(colleague)
    with ReportFile.open(colleague) as f:
        f.set_value("students", 2021, "300")
    crash_after_commit(path, "200")
    shutil.copyfile(colleague, path)
    before = {n: digest(tmp_path / n) for n in listing(tmp_path)}
    with ReportFile.open(path, read_only=True) as f:
        assert len(f.notices) == 1 and "r.qreport-wal" in f.notices[0] and "没有用到" in f.notices[0]
        assert f.value("students", 2021) == "300"  # the colleague's copy, not a mix
    assert {n: digest(tmp_path / n) for n in listing(tmp_path)} == before  # nothing moved


def test_reading_while_another_process_edits_uses_its_wal(tmp_path):
    """Another process (the window) commits and keeps the file open: a read-only opening
    here judges its WAL live, not foreign, and reads its commits."""
    path = make(tmp_path / "r.qreport", "100")
    code = ("import sys\n"
            "from db import store\n"
            "f = store.ReportFile.open(sys.argv[1], exclusive=True)\n"
            "for line in sys.stdin:\n"
            "    f.set_value('students', 2021, line.strip())\n"
            "    print('done', flush=True)\n"
            "f.close()\n")
    with subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, text=True,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as window:
        for n in range(200, 210):
            window.stdin.write(f"{n}\n")
            window.stdin.flush()
            assert window.stdout.readline().strip() == "done"
            with ReportFile.open(path, read_only=True) as f:
                assert f.notices == [] and f.value("students", 2021) == str(n)
        window.stdin.close()
        assert window.wait(timeout=30) == 0
    assert listing(tmp_path) == ["r.qreport"]  # the window's close removed its journals


def _read_students(path: str) -> str:
    try:
        with ReportFile.open(path, read_only=True) as f:
            return f.value("students", 2021) or ""
    except ReportFileError as exc:
        return str(exc)


def test_commits_left_in_a_wal_on_read_only_media_are_never_silently_dropped(public_dir):
    """A crash left a commit in the -wal only; on a medium where SQLite cannot make the -shm
    it needs to read it, the file alone would be last week's report: refused in words."""
    path = make(public_dir / "r.qreport", "100")
    crash_after_commit(path, "200")
    Path(f"{path}-shm").unlink()
    for p in public_dir.iterdir():
        p.chmod(0o444)  # the folder (root's, 0755) cannot be written by the user either
    said = as_nobody(_read_students, str(path))
    assert "r.qreport-wal" in said and "复制到可以写入的位置" in said
    Path(f"{path}-shm").touch()  # with its -shm beside it, the WAL is read
    Path(f"{path}-shm").chmod(0o644)
    assert as_nobody(_read_students, str(path)) == "200"
