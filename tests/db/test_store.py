"""The report file: transactions, change log, outline edits, refusals on open."""

from __future__ import annotations

import sqlite3

import pytest

from db import schema
from db.store import ReportFile, ReportFileError
from tests.disks import as_nobody


@pytest.fixture
def rf(tmp_path):
    with ReportFile.create(tmp_path / "r.qreport", {"school": "测试学校", "edition": "2022",
                                                     "year": "2021"}) as f:
        yield f


def test_create_sets_wal_full_and_identity(rf):
    assert rf.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert rf.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert rf.db.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert rf.meta() == {"school": "测试学校", "edition": "2022", "year": "2021"}


def test_create_refuses_to_overwrite(rf):
    with pytest.raises(ReportFileError, match="已存在"):
        ReportFile.create(rf.path, {})


def test_values_are_keyed_by_year_and_logged(rf):
    rf.set_value("students", 2020, "7948")
    rf.set_value("students", 2021, "9527")
    old = rf.set_value("students", 2021, "9528")
    assert old == "9527"
    assert rf.values() == {("students", 2020): "7948", ("students", 2021): "9528"}
    assert rf.years() == [2020, 2021]
    last = rf.changes(1)[0]
    assert (last.kind, last.target, last.old, last.new, last.source) == \
        ("value", "students@2021", "9527", "9528", "typed")
    rf.set_value("students", 2021, None)
    assert rf.value("students", 2021) is None


def test_a_batch_is_all_or_nothing(rf):
    rf.set_value("students", 2021, "1")
    with pytest.raises(sqlite3.IntegrityError), rf.transaction("imported from x.xlsx"):
        rf.set_values([("students", 2021, "2"), ("teachers", 2021, "3")])
        rf.db.execute("INSERT INTO meta(key, value) VALUES ('school', 'dup')")  # fails
    assert rf.value("students", 2021) == "1"
    assert rf.value("teachers", 2021) is None
    assert rf.changes(1)[0].new == "1"  # no log rows from the failed batch


def test_source_is_recorded(rf):
    with rf.transaction("imported from 人事处.xlsx"):
        rf.set_value("teachers", 2021, "501")
    assert rf.changes(1)[0].source == "imported from 人事处.xlsx"
    assert rf.source == "typed"


def test_committed_edit_is_visible_to_another_connection(rf):
    rf.set_value("students", 2021, "9527")
    other = sqlite3.connect(rf.path)
    assert other.execute("SELECT value FROM value").fetchall() == [("9527",)]
    other.close()


def test_outline_add_move_delete_restore(rf):
    root = rf.chapter_root("students")
    a = rf.add_section(root, "甲")
    b = rf.add_section(root, "乙")
    c = rf.add_section(root, "丙", position=0)
    assert [s.title for s in rf.children(root)] == ["丙", "甲", "乙"]
    rf.move_section(c, 2)
    assert [s.title for s in rf.children(root)] == ["甲", "乙", "丙"]
    sub = rf.add_section(a, "甲一", "正文")
    t = rf.add_table(sub, "free", "training", rows=[["x", "1"]])
    f = rf.add_figure(sub, "图", [(b"\xff\xd8jpeg", "照片", 10, 10)])
    snap = rf.delete_section(a)
    assert [s.title for s in rf.children(root)] == ["乙", "丙"]
    assert rf.tables() == [] and rf.figures() == []
    rf.restore_section(snap)
    assert [s.title for s in rf.children(root)] == ["甲", "乙", "丙"]
    assert [s.title for s in rf.sections("students")] == ["", "甲", "甲一", "乙", "丙"]
    assert rf.table(t).rows == (("x", "1"),)
    assert rf.photo_data(rf.figures(sub)[0].photos[0].id) == b"\xff\xd8jpeg"
    assert f == rf.figures(sub)[0].id
    assert b
    with pytest.raises(ValueError):
        rf.delete_section(root)


def test_tables_and_figures_share_positions(rf):
    root = rf.chapter_root("service")
    t = rf.add_table(root, "free", "training", after=1)
    f = rf.add_figure(root, "图", after=0)
    assert rf.table(t).position == 0 and rf.figures(root)[0].position == 1
    rf.set_table_rows(t, [["a", "1"], ["b", "2"]])
    assert rf.table(t).rows == (("a", "1"), ("b", "2"))
    snap = rf.delete_figure(f)
    rf.restore_rows(snap)
    assert rf.figures(root)[0].id == f


def test_backup_is_a_consistent_copy(rf, tmp_path):
    rf.set_value("students", 2021, "9527")
    rf.backup_to(tmp_path / "copy.qreport")
    with ReportFile.open(tmp_path / "copy.qreport") as copy:
        assert copy.value("students", 2021) == "9527"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "是空文件"),
        (b"hello, this is a text file" * 10, "不是 qreport 报告文件"),
        (b"PK\x03\x04" + b"\x00" * 100, "不是 qreport 报告文件"),
    ],
)
def test_foreign_files_are_refused_with_a_sentence(tmp_path, content, message):
    path = tmp_path / "x.qreport"
    path.write_bytes(content)
    with pytest.raises(ReportFileError, match=message):
        ReportFile.open(path)
    assert path.read_bytes() == content  # never changed


def test_sqlite_but_not_a_report(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ReportFileError, match="是 SQLite 数据库，但不是 qreport 报告文件"):
        ReportFile.open(path)
    assert path.read_bytes() == before


def test_truncated_file_is_refused(rf, tmp_path):
    rf.set_values([("x", y, str(y)) for y in range(2000)])
    rf.close()
    data = rf.path.read_bytes()
    page = 4096
    for cut in (len(data) - 100, len(data) // 2, len(data) - page):  # inside a page, at one
        damaged = tmp_path / f"damaged-{cut}.qreport"
        damaged.write_bytes(data[:cut])
        with pytest.raises(ReportFileError, match="不完整"):
            ReportFile.open(damaged, exclusive=True)
        assert damaged.read_bytes() == data[:cut]  # refused, and left as it was


def test_file_from_a_newer_version_is_refused(rf):
    rf.db.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES (?, ?, ?)",
        [schema.MIGRATION_SET, "0099_from_the_future", "2030-01-01"],
    )
    rf.close()
    with pytest.raises(ReportFileError, match="更新版本"):
        ReportFile.open(rf.path)


def test_missing_file(tmp_path):
    with pytest.raises(ReportFileError, match="找不到文件"):
        ReportFile.open(tmp_path / "nope.qreport")


def _try_open(path: str) -> str:
    try:
        ReportFile.open(path, exclusive=True).close()
    except ReportFileError as exc:
        return str(exc)
    return "opened"


def test_read_only_file(public_dir):
    """Permissions hold for an office user; as root the check runs without root's rights."""
    path = public_dir / "r.qreport"
    ReportFile.create(path, {"school": "甲"}).close()
    path.chmod(0o444)
    before = path.read_bytes()
    said = as_nobody(_try_open, str(path))
    assert "只读" in said and "损坏" not in said
    assert path.read_bytes() == before


def test_file_writable_in_a_read_only_folder(public_dir):
    """SQLite must write its journal beside the file: a folder it cannot write is said."""
    path = public_dir / "r.qreport"
    ReportFile.create(path, {"school": "甲"}).close()
    path.chmod(0o666)  # the file may be written, the folder (root's, 0755) may not
    said = as_nobody(_try_open, str(path))
    assert "文件夹" in said and "只读" in said and "损坏" not in said


def test_path_with_chinese_and_spaces(tmp_path):
    folder = tmp_path / "质量 报告 2022"
    folder.mkdir()
    with ReportFile.create(folder / "聊城 学校.qreport", {"school": "甲"}) as f:
        f.set_value("students", 2021, "1")
    with ReportFile.open(folder / "聊城 学校.qreport") as f:
        assert f.value("students", 2021) == "1"


def test_a_stated_value_logs_what_it_replaced(rf):
    rf.set_stated("t2_3", "students", 2021, "9000")
    rf.set_stated("t2_3", "students", 2021, "9527")
    last = rf.changes(1)[0]
    assert (last.kind, last.old, last.new) == ("stated", "9000", "9527")



def _read(path: str) -> tuple[str | None, str]:
    """(students 2021, or None) read through a read-only opening; and what an edit says."""
    with ReportFile.open(path, read_only=True) as f:
        value = f.value("students", 2021)
        try:
            f.set_value("students", 2021, "2")
            said = "edited"
        except ReportFileError as exc:
            said = str(exc)
    return value, said


def _beside(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_a_read_only_file_opens_to_read(public_dir):
    """chmod 444: check and export read it; edits are refused; nothing appears beside it."""
    path = public_dir / "r.qreport"
    with ReportFile.create(path, {"school": "甲"}) as f:
        f.set_value("students", 2021, "1")
    path.chmod(0o444)
    public_dir.chmod(0o777)  # a folder the user may write: the file alone is read-only
    before = path.read_bytes()
    value, said = as_nobody(_read, str(path))
    assert value == "1" and "只读" in said and "r.qreport" in said
    assert path.read_bytes() == before and _beside(path) == ["r.qreport"]


def test_a_report_in_a_read_only_folder_opens_to_read(public_dir):
    path = public_dir / "r.qreport"
    with ReportFile.create(path, {"school": "甲"}) as f:
        f.set_value("students", 2021, "1")
    path.chmod(0o666)  # the file may be written, the folder (root's, 0755) may not
    before = path.read_bytes()
    value, said = as_nobody(_read, str(path))
    assert value == "1" and "只读" in said
    assert path.read_bytes() == before and _beside(path) == ["r.qreport"]


def test_reading_leaves_nothing_beside_the_file(rf):
    rf.set_value("students", 2021, "1")
    rf.close()
    before = rf.path.read_bytes()
    assert _read(str(rf.path)) == ("1", "r.qreport 是以只读方式打开的，不能修改。")
    assert ReportFile.validate(rf.path)["school"] == "测试学校"
    assert _beside(rf.path) == ["r.qreport"]  # no empty -wal or -shm
    assert rf.path.read_bytes() == before


def test_reading_while_another_connection_writes(rf):
    """A read-only opening sees what the window commits (through its WAL), and leaves the
    window's -wal and -shm to it."""
    rf.set_value("students", 2021, "1")
    with ReportFile.open(rf.path, read_only=True) as reader:
        assert reader.value("students", 2021) == "1"
        rf.set_value("students", 2021, "2")
        assert reader.value("students", 2021) == "2"
    assert {"r.qreport-wal", "r.qreport-shm"} <= set(_beside(rf.path))
    rf.set_value("students", 2021, "3")  # the window goes on
    rf.close()
    assert _beside(rf.path) == ["r.qreport"]


def test_an_older_file_is_read_through_an_upgrade_in_memory(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "old.qreport"
    db = Database(path, execute_plugins=False)
    schema.migrations.apply(db, stop_before="0003_chart")
    db.execute("INSERT INTO meta(key, value) VALUES ('school', '甲')")
    db.conn.close()
    before = path.read_bytes()
    with ReportFile.open(path, read_only=True) as f:
        assert f.meta() == {"school": "甲"} and f.figures() == []
    assert path.read_bytes() == before and _beside(path) == ["old.qreport"]


def test_a_failed_inner_transaction_undoes_only_itself(rf):
    """Nested transactions are savepoints: the outer one goes on after an inner one failed."""
    with rf.transaction("outer"):
        rf.set_value("students", 2021, "1")
        with pytest.raises(ValueError), rf.transaction("inner"):
            rf.set_value("teachers", 2021, "2")
            raise ValueError("refused half-way")
        rf.set_value("classes", 2021, "3")
    assert rf.values() == {("students", 2021): "1", ("classes", 2021): "3"}
    assert [c.target for c in rf.changes(5)] == ["classes@2021", "students@2021"]


def test_two_creations_of_one_name_at_once_never_publish_each_others_file(tmp_path):
    # Two clerks making 新建下一年度报告 under one name in a shared folder at the same moment:
    # both built under one temporary name, so the first to finish published the other's
    # half-built file as its own (and the other deleted the first one's file under it).
    import threading

    path = tmp_path / "2025.qreport"
    first_in, second_in = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def make(school: str, fill) -> None:
        try:
            with ReportFile.create(path, {"school": school}, fill=fill) as made:
                results[school] = made.get_meta("school")
        except ReportFileError as exc:
            results[school] = exc

    def first_fill(_file) -> None:
        first_in.set()
        assert second_in.wait(20)

    def second_fill(file) -> None:
        second_in.set()
        assert not first_in.is_set() or done.wait(20)
        file.set_meta("note", "second")

    done = threading.Event()
    first = threading.Thread(target=make, args=("甲", first_fill))
    first.start()
    assert first_in.wait(20)
    second = threading.Thread(target=make, args=("乙", second_fill))
    second.start()
    first.join(30)
    done.set()
    second.join(30)
    assert results["甲"] == "甲"  # the first finished first: its own file, under the name
    assert isinstance(results["乙"], ReportFileError) and "已存在" in str(results["乙"])
    with ReportFile.open(path) as kept:
        assert kept.get_meta("school") == "甲"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.qreport"]
