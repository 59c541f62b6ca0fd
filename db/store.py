"""The report file: one SQLite file per school holding every year's report.

Every public method that writes is one transaction together with its change-log rows,
so a committed edit survives a crash and a failed edit leaves nothing behind. The
connection runs in WAL mode with synchronous=FULL (see NOTES: NORMAL may lose the last
commit on power loss), and every commit is checkpointed at once, so the .qreport itself is
complete whenever someone copies it. Journals left beside a file are judged before SQLite
may replay them (db/journals.py). This module knows nothing of templates; the core does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import itertools
import json
import os
import sqlite3
import struct
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from msgspec import Struct, field

from db import file_errors, journals, schema_check, schema_shape

SQLITE_HEADER = b"SQLite format 3\x00"



def _publish(tmp: Path, path: Path) -> None:
    """`tmp` under the name `path`, never over a file that appeared there meanwhile: a hard
    link fails when the name is taken; a disk without links (FAT on a USB stick) is checked,
    then renamed."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ReportFileError(f"{path} 已存在，不会覆盖。") from None
    except OSError:
        if path.exists():
            raise ReportFileError(f"{path} 已存在，不会覆盖。") from None
        os.replace(tmp, path)

class ReportFileError(Exception):
    """A report file cannot be opened or written; the message is one sentence for the user."""


class SectionRow(Struct, frozen=True):
    id: int
    chapter: str
    parent: int | None
    position: int
    title: str
    text: str


class TableRow(Struct, frozen=True):
    id: int
    section: int
    kind: str  # "free", "fixed" or "plain" (first row is the header)
    ref: str  # free/fixed table id in the template
    caption: str  # "" means the template's caption
    after: int
    position: int
    stated_total: str | None
    rows: tuple[tuple[str, ...], ...]


class PhotoRow(Struct, frozen=True):
    id: int
    figure: int
    position: int
    caption: str
    width: int
    height: int


class FigureRow(Struct, frozen=True):
    id: int
    section: int
    caption: str
    after: int
    position: int
    photos: tuple[PhotoRow, ...]
    chart: str | None = None  # a chart's spec (JSON, desktop.charts) instead of photos


class Change(Struct, frozen=True):
    id: int
    at: str
    user: str
    kind: str
    target: str
    old: str | None
    new: str | None
    source: str


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts, some Windows setups)
        return ""


def _read_only(path: Path, immutable: bool = False) -> sqlite3.Connection:
    # immutable: read the main file alone, no locks, no -shm created beside it; only while
    # nobody else can be writing it and no journal beside it is wanted
    flag = "immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(path.resolve().as_uri() + "?" + flag, uri=True, isolation_level=None,
                           check_same_thread=False)


def _reader(path: Path) -> tuple[sqlite3.Connection, list[str]]:
    """A connection that reads the report as committed and never writes it, nor leaves
    anything beside it (`check`, an export, `next` reading last year's report); with the
    sentences to say about what it left out.

    - A journal beside the file that does not belong to it (db/journals.py) is not read:
      the main file alone is.
    - A -wal and -shm beside it (a program has it open, or left them): read through them.
    - A file and folder this process may write: SQLite's read-write connection, made
      query-only. It makes the -wal and -shm a WAL file needs even to be read, and removes
      them when it is the last to close; a read-only connection cannot, and left them behind.
    - Otherwise (a read-only file, folder or medium) nobody can be writing it: qreport
      edits no file it cannot write, and no writer can make its -wal there. The main file
      is read as it is, with no locks and nothing made beside it."""
    real = _real(path)
    wal, shm = Path(f"{real}-wal"), Path(f"{real}-shm")
    with _open_guard:
        live = real in _open_here  # this process has it open: its journals are live
    stray = [] if live else journals.foreign(real)
    if stray and journals.foreign(real) == stray:  # asked twice: a live WAL may turn over between reads
        return _read_only(path, immutable=True), [
            f"{path.name} 旁边的 {p.name} 不属于这个文件（可能是文件被替换前留下的），读取时没有用到它。"
            for p in stray]
    if wal.exists() and shm.exists():
        return _read_only(path), []
    if os.access(real, os.W_OK) and os.access(real.parent, os.W_OK):
        made = [p for p in (wal, shm) if not p.exists()]
        conn = sqlite3.connect(str(real), isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL
            return conn, []
        except sqlite3.OperationalError as exc:
            conn.close()
            if not getattr(exc, "sqlite_errorname", "").startswith(_DISK_ERRORS):
                raise
            # no room for the -shm on a full disk, or no writing after all (a read-only
            # share): nobody can be writing the file either; what SQLite began beside it
            # is removed, and the main file read as it is
            for begun in made:
                with contextlib.suppress(OSError):
                    if begun == shm or not begun.stat().st_size:
                        begun.unlink()
    if (wal.exists() and wal.stat().st_size) or journals.hot_journal(real):
        raise ReportFileError(
            f"{path.name} 旁边留有尚未并入文件的修改（{wal.name}），在只读的位置无法读取；"
            "请把它连同旁边的文件一起复制到可以写入的位置再打开。")
    return _read_only(path, immutable=True), []


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy beside `target`, then rename it over: never half a file.
    A copy that cannot be finished (a full disk) leaves nothing behind."""
    tmp = target.with_name(target.name + ".partial")
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            source.backup(dest)
            # a copy is one self-contained file (no -wal beside it), safe to move or e-mail;
            # whoever opens it for editing switches it back to WAL
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise ReportFileError(file_errors.sentence(exc, target)) from exc


def copy_report(source: Path | str, target: Path | str) -> None:
    """Copy a (validated) report file to `target` without writing it or leaving anything
    beside it (last year's report on a read-only share, a CD, an archive: see _reader)."""
    try:
        src, _ = _reader(Path(source))
    except sqlite3.Error as exc:
        raise ReportFileError(file_errors.sentence(exc, Path(source))) from exc
    try:
        _copy_database(src, Path(target))
    finally:
        src.close()


_DISK_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN")


class _Checkpointer:
    """Copies committed transactions from the WAL into the main file, on a connection and a
    thread of its own, as soon as each commit asks: the edit itself waits for one fsync (its
    commit), not for the checkpoint's two more. The main file is complete a few
    milliseconds after each commit; `wait()` waits for that."""

    def __init__(self, path: Path):
        self._cond = threading.Condition()
        self._asked = self._done = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, args=(str(path),),
                                        name="qreport-checkpoint", daemon=True)
        self._thread.start()

    def ask(self) -> None:
        with self._cond:
            self._asked += 1
            self._cond.notify_all()

    def wait(self, timeout: float = 10.0) -> bool:
        with self._cond:
            target = self._asked
            return self._cond.wait_for(
                lambda: self._done >= target or not self._thread.is_alive(), timeout)

    def stop(self) -> None:
        """After a last checkpoint of what was asked; the thread's connection is closed."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=30)

    def _run(self, path: str) -> None:
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            conn.execute("PRAGMA synchronous = FULL")  # the checkpoint syncs WAL and file
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._asked > self._done or self._stopping)
                    if self._asked == self._done:
                        return  # stopping, nothing left to copy
                    target = self._asked
                # PASSIVE never waits: an export reading an older snapshot holds back only
                # the frames it still needs. A failure (a full disk) loses nothing: the
                # commit is safe in the WAL, and the next commit's checkpoint retries.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._cond:
                    self._done = target
                    self._cond.notify_all()
        finally:
            conn.close()
            with self._cond:
                self._cond.notify_all()


class _Database:
    """The report file's connection (autocommit; `atomic` for transactions, nested ones as
    savepoints). Its outermost write transaction stamps page 1 with a fresh token (how a
    leftover journal is recognised as this file's: db/journals.py) and is checkpointed as
    soon as it commits, so the main file holds every committed edit: a copy of the .qreport
    taken while the program runs is complete. sqlite-utils, the library of the schema
    (db/schema.py), is loaded only to create or upgrade a file."""

    _checkpointer: _Checkpointer | None = None
    _savepoints = itertools.count()

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool = False):
        self.conn = conn
        self.report_path = path  # named in the sentence of a failed write
        self.report_path_open = path  # the file the connection has open (a temporary name in create)
        self.read_only = read_only  # opened to read (ReportFile.open): never checkpoints

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params=()) -> Iterator[dict]:
        """The rows of a SELECT as dicts by column name."""
        cursor = self.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:
            with self._savepoint():
                yield self
            return
        before = self.conn.total_changes
        try:
            with self._transaction():
                yield self
                wrote = self.conn.total_changes != before
                if wrote:
                    self.stamp()
        except sqlite3.OperationalError as exc:
            if self.read_only and getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY":
                raise ReportFileError(f"{self.report_path.name} 是以只读方式打开的，不能修改。") from exc
            # a full disk, a folder made read-only, a USB stick pulled: the edit is rolled
            # back, and said in words (the file itself is intact)
            if getattr(exc, "sqlite_errorname", "").startswith(_DISK_ERRORS):
                raise ReportFileError(file_errors.sentence(exc, self.report_path)) from exc
            raise
        if wrote:
            self.checkpoint()

    @contextlib.contextmanager
    def _transaction(self):
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._rollback()  # a no-op when the error already ended the transaction
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    @contextlib.contextmanager
    def _savepoint(self):
        name = f"qreport_{next(self._savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            # an error such as a RAISE(ROLLBACK) trigger can end the whole transaction,
            # savepoint included: undoing it then would hide the error itself
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def stamp(self) -> None:
        import secrets  # only a writing command stamps: reading never pays for its import

        current = self.conn.execute("PRAGMA user_version").fetchone()[0] & 0xFFFFFFFF
        fresh = journals.next_user_version(current, secrets.randbits(journals.TOKEN_BITS))
        # the header field is a signed 32-bit integer
        self.conn.execute(f"PRAGMA user_version = {fresh - (1 << 32) if fresh >= 1 << 31 else fresh}")

    def stamp_and_checkpoint(self) -> None:
        """A transaction of its own that only stamps (after content came in another way)."""
        with self._savepoint() if self.conn.in_transaction else self._transaction():
            self.stamp()
        self.checkpoint()

    def checkpoint(self) -> None:
        if self.read_only:
            return  # nothing of its own to copy into the file (an upgrade in memory)
        if self._checkpointer is None:
            self._checkpointer = _Checkpointer(self.report_path_open)
        self._checkpointer.ask()

    def settle(self) -> None:
        """Wait until the main file holds every commit made so far."""
        if self._checkpointer is not None:
            self._checkpointer.wait()

    def close(self) -> None:
        """Stop the checkpointer (after its last checkpoint), then close the connection:
        the last connection to close folds the WAL into the file and removes it."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.conn.close()


def _page1(db: _Database) -> bytes:
    """Enough of page 1 for its tokens (the header's user_version)."""
    return b"\0" * 60 + struct.pack(">I", db.execute("PRAGMA user_version").fetchone()[0] & 0xFFFFFFFF)


def _recover(path: Path) -> None:
    """Let SQLite roll back a hot journal that belongs to the file (db/journals kept it),
    before the read-only checks, which cannot: the file is then as its last commit left it."""
    journal = Path(f"{path}-journal")
    if not journal.exists() or journals.journal_pages(journal.read_bytes()) is None:
        return
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        pass  # said by the checks that follow
    finally:
        conn.close()


def _connect(path: Path) -> _Database:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    db = _Database(conn, path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


# real paths of the report files this process has open: their journals are live, never
# leftovers (an export worker opens the file the window is editing)
_open_here: dict[Path, int] = {}
_open_guard = threading.Lock()


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise ReportFileError(f"无法读取 {path}：{file_errors.sentence(exc, path)}") from exc


def _check_size(path: Path, header: bytes) -> None:
    """A file cut short (a copy or download interrupted, a full USB stick) is refused:
    SQLite would read the missing pages as damage somewhere later, or not at all."""
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    size = path.stat().st_size
    counter, pages, valid_for = (struct.unpack(">I", header[o:o + 4])[0] for o in (24, 28, 92))
    short = size % page_size != 0
    wal = Path(f"{_real(path)}-wal")
    if not short and counter == valid_for and pages and not (wal.exists() and wal.stat().st_size):
        short = pages * page_size > size  # the header's own page count, when it is current
    if short:
        raise ReportFileError(
            f"{path.name} 不完整（文件在复制或下载时被截断），无法打开；请从备份或原文件重新复制。"
        )


class _Valid(Struct):
    meta: dict[str, str]
    applied: set[str]  # the migrations the file holds
    reader: sqlite3.Connection | None = None  # the connection it was read through, kept
    notices: list[str] = field(default_factory=list)  # what reading it left out


def _validate(path: Path | str, writable: bool = True, quiet: bool = False,
              keep: bool = False) -> _Valid:
    """ReportFile.validate's work. keep: the reading connection (_reader) is kept open."""
    path = Path(path)
    if not path.exists():
        raise ReportFileError(f"找不到文件 {path}。")
    if path.is_dir():
        raise ReportFileError(f"{path} 是文件夹，不是报告文件。")
    header = _header(path)
    if not header:
        raise ReportFileError(f"{path.name} 是空文件，不是 qreport 报告文件。")
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise ReportFileError(f"{path.name} 不是 qreport 报告文件。")
    if writable and not os.access(path, os.W_OK):
        raise ReportFileError(f"{path.name} 是只读文件，请先复制到可写的位置再打开。")
    _check_size(path, header)
    wal = Path(f"{_real(path)}-wal")
    notices: list[str] = []
    try:
        if quiet and not keep and not wal.exists():
            probe = _read_only(path, immutable=True)
        else:
            probe, notices = _reader(path)
        try:
            ok = probe.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise ReportFileError(f"{path.name} 已损坏（{ok}），请从备份恢复。")
            app_id = probe.execute("PRAGMA application_id").fetchone()[0]
            if app_id != schema_shape.APPLICATION_ID:
                raise ReportFileError(
                    f"{path.name} 是 SQLite 数据库，但不是 qreport 报告文件。"
                )
            applied = {
                r[0] for r in probe.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    [schema_shape.MIGRATION_SET],
                )
            }
            if applied - set(schema_shape.MIGRATIONS):
                raise ReportFileError(
                    f"{path.name} 由更新版本的 qreport 创建，请升级程序后再打开。")
            problem = schema_check.problem(probe, applied)
            if problem:
                raise ReportFileError(
                    f"{path.name} 的结构被其他程序改动过（{problem}），qreport 不能安全地"
                    "打开它；请从备份恢复，或找回改动前的文件。"
                )
            meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
        except BaseException:
            probe.close()
            raise
        if not keep:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(_DISK_ERRORS):
            raise ReportFileError(file_errors.sentence(exc, path)) from exc  # not damage
        raise ReportFileError(f"{path.name} 已损坏或不是报告文件，请从备份恢复。") from exc
    return _Valid(meta, applied, probe if keep else None, notices)


class ReportFile:
    """An open report file. Use `create` or `open`; close with `close()` or `with`."""

    def __init__(self, path: Path, db: _Database):
        self.path = path
        self.db = db
        self.source = "typed"  # the change-log source of edits, e.g. "imported from x.xlsx"
        self.user = _user()  # the change-log author; the core sets the name from settings
        self.notices: list[str] = []  # what opening did that the user should hear about
        self._real = _real(path)
        with _open_guard:
            _open_here[self._real] = _open_here.get(self._real, 0) + 1

    # ------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, path: Path | str, meta: dict[str, str], fill=None) -> ReportFile:
        """A new report at `path`; `fill(file)` writes its first content. The file appears
        under its name complete or not at all: built under a temporary name (a full disk
        half-way leaves no empty report behind) and renamed when done."""
        path = Path(path)
        if path.exists():
            raise ReportFileError(f"{path} 已存在，不会覆盖。")
        if not path.parent.is_dir():
            raise ReportFileError(f"文件夹 {path.parent} 不存在。")
        # a temporary name of this creation's own: two made under one name at once (two
        # clerks, a shared folder) each build their own file, and only the first is published
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.creating")
        leftovers = [tmp, *(Path(f"{tmp}{s}") for s in ("-wal", "-shm", "-journal"))]
        for leftover in leftovers:  # a crashed creation of this process id
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        db = None
        try:
            # created here, not by SQLite, whose "unable to open" hides why
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            db = _connect(tmp)
            db.report_path = path
            from db import schema  # sqlite-utils makes the schema

            schema.apply(db)
            with db.atomic():
                for key, value in meta.items():
                    db.execute("INSERT INTO meta(key, value) VALUES (?, ?)", [key, str(value)])
            if fill is not None:
                new = cls(tmp, db)
                try:
                    fill(new)
                finally:
                    new._forget()
            db.close()
            db = None
            _publish(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            raise ReportFileError(file_errors.sentence(exc, path)) from exc
        finally:
            if db is not None:
                db.close()
            for leftover in leftovers:
                with contextlib.suppress(OSError):
                    leftover.unlink()
        return cls.open(path, exclusive=True)

    @classmethod
    def open(cls, path: Path | str, before_migrate=None, *, exclusive: bool = False,
             check=None, read_only: bool = False) -> ReportFile:
        """Open a report; `before_migrate(file)` runs before a schema upgrade (a backup).

        exclusive: the caller made sure no other program has the file open (it holds the
        report lock), so journals beside it are leftovers to judge. check(meta): refuses,
        with ReportFileError, what the file's meta says, before anything is written.
        read_only: only to read (check, export): nothing is written or left beside the file,
        which may be read-only or on read-only media; every edit is refused.
        """
        path = Path(path)
        if read_only:
            return cls._open_to_read(path, check)
        notices: list[str] = []
        with _open_guard:
            in_use_here = _real(path) in _open_here
        judged = exclusive and not in_use_here  # nobody else writes it: ours to stamp too
        if judged and path.is_file():
            header = _header(path)
            if header.startswith(SQLITE_HEADER):
                try:
                    # journals sit beside the real file, links resolved (as SQLite names them)
                    notices = journals.foreign_leftovers(_real(path))
                    _recover(_real(path))
                except OSError as exc:
                    raise ReportFileError(file_errors.sentence(exc, path)) from exc
        valid = _validate(path, quiet=judged)
        if check is not None:
            check(valid.meta)
        try:
            db = _connect(path)
            if any(name not in valid.applied for name in schema_shape.MIGRATIONS):
                if before_migrate is not None:
                    before_migrate(cls(path, db)._forget())
                from db import schema  # an older file: sqlite-utils upgrades it

                schema.apply(db)
            if judged and journals.tokens(_page1(db))[1] == 0:
                db.stamp_and_checkpoint()  # a file from before tokens: its first one, now
        except sqlite3.DatabaseError as exc:
            raise ReportFileError(file_errors.sentence(exc, path)) from exc
        file = cls(path, db)
        file.notices = notices
        return file

    @classmethod
    def _open_to_read(cls, path: Path, check) -> ReportFile:
        valid = _validate(path, writable=False, keep=True)
        conn = valid.reader
        assert conn is not None
        try:
            if check is not None:
                check(valid.meta)
            if any(name not in valid.applied for name in schema_shape.MIGRATIONS):
                # an older file, upgraded in memory only: this program reads the current shape
                from db import schema

                memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                conn.backup(memory)
                conn.close()
                conn = memory
                schema.apply(_Database(memory, path, read_only=True))
                memory.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        file = cls(path, _Database(conn, path, read_only=True))
        file.notices = valid.notices
        return file

    @staticmethod
    def validate(path: Path | str, writable: bool = True, quiet: bool = False) -> dict[str, str]:
        """Refuse, with one sentence, anything that is not a sound report this program can
        open; returns its meta. Only reads: a foreign or damaged file must not be changed
        in any way (even switching it to WAL would rewrite its header). quiet: nobody else
        is writing the file, so it may be read without locks (nothing created beside it)."""
        return _validate(path, writable, quiet).meta

    def _forget(self) -> ReportFile:
        """No longer counted as open in this process (its connection is closed or passed on)."""
        with _open_guard:
            count = _open_here.get(self._real, 0) - 1
            if count > 0:
                _open_here[self._real] = count
            else:
                _open_here.pop(self._real, None)
        return self

    def close(self) -> None:
        self.db.close()
        self._forget()

    def settle(self) -> None:
        """Wait until the main file holds every edit committed so far (a few milliseconds
        after each commit; the checkpoint runs on a thread of its own)."""
        self.db.settle()

    def __enter__(self) -> ReportFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def backup_to(self, target: Path | str) -> None:
        """A consistent copy of the live file (SQLite's backup API, never a file copy)."""
        _copy_database(self.db.conn, Path(target))

    def replace_with(self, source: Path | str) -> None:
        """Replace this file's whole content with another report file's, in one step.

        SQLite's backup API copies into the live file under its own lock, so a reader (or a
        crash) sees the old content or the new, never a mix.
        """
        try:
            src, _ = _reader(Path(source))
            try:
                src.backup(self.db.conn)
            finally:
                src.close()
            self.db.stamp_and_checkpoint()
        except sqlite3.Error as exc:
            raise ReportFileError(
                f"无法从 {Path(source).name} 恢复：{file_errors.sentence(exc, self.path)}报告未作改动。"
            ) from exc

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read several things as of one moment (an export while the user keeps typing)."""
        with self.db.atomic():
            yield

    @contextlib.contextmanager
    def transaction(self, source: str | None = None) -> Iterator[None]:
        """Group several edits into one transaction (nested calls join the outer one)."""
        previous = self.source
        if source is not None:
            self.source = source
        try:
            with self.db.atomic():
                yield
        finally:
            self.source = previous

    def _log(self, kind: str, target: str, old: str | None, new: str | None) -> None:
        self.db.execute(
            "INSERT INTO change(at, user, kind, target, old, new, source) VALUES (?,?,?,?,?,?,?)",
            [_now(), self.user, kind, target, old, new, self.source],
        )

    # ------------------------------------------------------------ meta
    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.db.query("SELECT key, value FROM meta")}

    def get_meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> str:
        with self.db.atomic():
            old = self.get_meta(key, None)  # type: ignore[arg-type]
            if old == value:
                return old
            self.db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self._log("meta", key, old, value)
        return old

    # ------------------------------------------------------------ values
    def values(self) -> dict[tuple[str, int], str]:
        return {
            (r["indicator"], r["year"]): r["value"]
            for r in self.db.query("SELECT indicator, year, value FROM value")
        }

    def value(self, indicator: str, year: int) -> str | None:
        row = self.db.execute(
            "SELECT value FROM value WHERE indicator = ? AND year = ?", [indicator, year]
        ).fetchone()
        return row[0] if row else None

    def years(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT year FROM value ORDER BY year")]

    def set_value(self, indicator: str, year: int, value: str | None) -> str | None:
        """Store one canonical value (None clears it); returns the old one."""
        return self.set_values([(indicator, year, value)])[0][3]

    def set_values(
        self, items: Iterable[tuple[str, int, str | None]]
    ) -> list[tuple[str, int, str | None, str | None]]:
        """Store many values in one transaction; returns (indicator, year, new, old) each."""
        done = []
        with self.db.atomic():
            for indicator, year, value in items:
                old = self.value(indicator, year)
                done.append((indicator, year, value, old))
                if old == value:
                    continue
                if value is None:
                    self.db.execute(
                        "DELETE FROM value WHERE indicator = ? AND year = ?", [indicator, year]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO value(indicator, year, value) VALUES (?, ?, ?) "
                        "ON CONFLICT(indicator, year) DO UPDATE SET value = excluded.value",
                        [indicator, year, value],
                    )
                self._log("value", f"{indicator}@{year}", old, value)
        return done

    def notes(self) -> dict[tuple[str, int], str]:
        return {
            (r["indicator"], r["year"]): r["text"]
            for r in self.db.query("SELECT indicator, year, text FROM note")
        }

    def set_note(self, indicator: str, year: int, text: str) -> str:
        with self.db.atomic():
            row = self.db.execute(
                "SELECT text FROM note WHERE indicator = ? AND year = ?", [indicator, year]
            ).fetchone()
            old = row[0] if row else ""
            if old == text:
                return old
            if text:
                self.db.execute(
                    "INSERT INTO note(indicator, year, text) VALUES (?, ?, ?) "
                    "ON CONFLICT(indicator, year) DO UPDATE SET text = excluded.text",
                    [indicator, year, text],
                )
            else:
                self.db.execute(
                    "DELETE FROM note WHERE indicator = ? AND year = ?", [indicator, year]
                )
            self._log("note", f"{indicator}@{year}", old, text)
        return old

    def stated(self) -> dict[tuple[str, str, int], str]:
        return {
            (r["tbl"], r["indicator"], r["year"]): r["value"]
            for r in self.db.query("SELECT tbl, indicator, year, value FROM stated")
        }

    def set_stated(self, tbl: str, indicator: str, year: int, value: str | None) -> None:
        with self.db.atomic():
            row = self.db.execute(
                "SELECT value FROM stated WHERE tbl = ? AND indicator = ? AND year = ?",
                [tbl, indicator, year],
            ).fetchone()
            old = row[0] if row else None
            if old == value:
                return
            self.db.execute(
                "DELETE FROM stated WHERE tbl = ? AND indicator = ? AND year = ?",
                [tbl, indicator, year],
            )
            if value is not None:
                self.db.execute(
                    "INSERT INTO stated(tbl, indicator, year, value) VALUES (?, ?, ?, ?)",
                    [tbl, indicator, year, value],
                )
            self._log("stated", f"{tbl}:{indicator}@{year}", old, value)

    # ------------------------------------------------------------ sections
    def sections(self, chapter: str | None = None) -> list[SectionRow]:
        """Sections in outline order (depth first), the chapter root first."""
        sql = "SELECT id, chapter, parent, position, title, text FROM section"
        params: list = []
        if chapter is not None:
            sql += " WHERE chapter = ?"
            params.append(chapter)
        rows = [SectionRow(**r) for r in self.db.query(sql + " ORDER BY position, id", params)]
        children: dict[int | None, list[SectionRow]] = {}
        for row in rows:
            children.setdefault(row.parent, []).append(row)
        ordered: list[SectionRow] = []

        def walk(parent: int | None) -> None:
            for row in children.get(parent, []):
                ordered.append(row)
                walk(row.id)

        walk(None)
        return ordered

    def section(self, section_id: int) -> SectionRow:
        row = self.db.execute(
            "SELECT id, chapter, parent, position, title, text FROM section WHERE id = ?",
            [section_id],
        ).fetchone()
        if row is None:
            raise KeyError(section_id)
        return SectionRow(*row)

    def chapter_root(self, chapter: str) -> int:
        """The root section of a chapter, created on first use."""
        row = self.db.execute(
            "SELECT id FROM section WHERE chapter = ? AND parent IS NULL", [chapter]
        ).fetchone()
        if row:
            return row[0]
        with self.db.atomic():
            cur = self.db.execute(
                "INSERT INTO section(chapter, parent, position, title, text) "
                "VALUES (?, NULL, 0, '', '')",
                [chapter],
            )
        return cur.lastrowid

    def children(self, section_id: int) -> list[SectionRow]:
        return [
            SectionRow(**r)
            for r in self.db.query(
                "SELECT id, chapter, parent, position, title, text FROM section "
                "WHERE parent = ? ORDER BY position, id",
                [section_id],
            )
        ]

    def add_section(
        self, parent: int, title: str, text: str = "", position: int | None = None
    ) -> int:
        with self.db.atomic():
            chapter = self.section(parent).chapter
            siblings = self.children(parent)
            if position is None or position >= len(siblings):
                position = len(siblings)
            self.db.execute(
                "UPDATE section SET position = position + 1 WHERE parent = ? AND position >= ?",
                [parent, position],
            )
            cur = self.db.execute(
                "INSERT INTO section(chapter, parent, position, title, text) VALUES (?,?,?,?,?)",
                [chapter, parent, position, title, text],
            )
            self._log("section.add", str(cur.lastrowid), None, title)
        return cur.lastrowid

    def rename_section(self, section_id: int, title: str) -> str:
        return self._set_section_field(section_id, "title", title)

    def set_section_text(self, section_id: int, text: str) -> str:
        return self._set_section_field(section_id, "text", text)

    def _set_section_field(self, section_id: int, column: str, value: str) -> str:
        with self.db.atomic():
            old = getattr(self.section(section_id), column)
            if old != value:
                self.db.execute(f"UPDATE section SET {column} = ? WHERE id = ?", [value, section_id])
                self._log(f"section.{column}", str(section_id), old, value)
        return old

    def move_section(self, section_id: int, new_position: int) -> int:
        """Move a section among its siblings; returns its old position."""
        with self.db.atomic():
            row = self.section(section_id)
            siblings = [s.id for s in self.children(row.parent)] if row.parent else [row.id]
            return self._reorder("section", siblings, section_id, new_position)

    def _reorder(self, table: str, siblings: list[int], item: int, new_position: int) -> int:
        """Move `item` within `siblings` (ids in order) and renumber them all from 0 (a
        delete may have left gaps); logs the move and returns the old index."""
        old = siblings.index(item)
        new_position = max(0, min(new_position, len(siblings) - 1))
        siblings.insert(new_position, siblings.pop(old))
        for pos, other in enumerate(siblings):
            self.db.execute(f"UPDATE {table} SET position = ? WHERE id = ?", [pos, other])
        self._log(f"{table}.move", str(item), str(old), str(new_position))
        return old

    def delete_section(self, section_id: int) -> dict:
        """Delete a section with its subsections, tables and figures.

        Returns a snapshot that `restore_section` puts back exactly (ids included), which
        is what undo needs.
        """
        with self.db.atomic():
            row = self.section(section_id)
            if row.parent is None:
                raise ValueError("a chapter's root section cannot be deleted")
            ids = self._subtree(section_id)
            marks = ",".join("?" * len(ids))
            snap = {
                "section": self._rows(f"SELECT * FROM section WHERE id IN ({marks})", ids),
                "tbl": self._rows(f"SELECT * FROM tbl WHERE section IN ({marks})", ids),
                "figure": self._rows(f"SELECT * FROM figure WHERE section IN ({marks})", ids),
            }
            tbl_ids = [t["id"] for t in snap["tbl"]] or [-1]
            fig_ids = [f["id"] for f in snap["figure"]] or [-1]
            snap["tbl_row"] = self._rows(
                f"SELECT * FROM tbl_row WHERE tbl IN ({','.join('?' * len(tbl_ids))})", tbl_ids
            )
            snap["photo"] = self._rows(
                f"SELECT * FROM photo WHERE figure IN ({','.join('?' * len(fig_ids))})", fig_ids
            )
            self.db.execute(f"DELETE FROM photo WHERE figure IN ({','.join('?' * len(fig_ids))})", fig_ids)
            self.db.execute(f"DELETE FROM tbl_row WHERE tbl IN ({','.join('?' * len(tbl_ids))})", tbl_ids)
            self.db.execute(f"DELETE FROM figure WHERE section IN ({marks})", ids)
            self.db.execute(f"DELETE FROM tbl WHERE section IN ({marks})", ids)
            # children before parents, for the foreign key
            for sid in reversed(ids):
                self.db.execute("DELETE FROM section WHERE id = ?", [sid])
            self.db.execute(
                "UPDATE section SET position = position - 1 WHERE parent = ? AND position > ?",
                [row.parent, row.position],
            )
            self._log("section.delete", str(section_id), row.title, None)
        return snap

    def restore_section(self, snap: dict) -> None:
        with self.db.atomic():
            top = snap["section"][0]
            self.db.execute(
                "UPDATE section SET position = position + 1 WHERE parent = ? AND position >= ?",
                [top["parent"], top["position"]],
            )
            for table in ("section", "tbl", "tbl_row", "figure", "photo"):
                for row in snap[table]:
                    cols = ",".join(row)
                    self.db.execute(
                        f"INSERT INTO {table}({cols}) VALUES ({','.join('?' * len(row))})",
                        list(row.values()),
                    )
            self._log("section.restore", str(top["id"]), None, top["title"])

    def _subtree(self, section_id: int) -> list[int]:
        ids = [section_id]
        for child in self.children(section_id):
            ids.extend(self._subtree(child.id))
        return ids

    def _rows(self, sql: str, params: list) -> list[dict]:
        return list(self.db.query(sql, params))

    # ------------------------------------------------------------ tables
    def _next_position(self, section_id: int) -> int:
        row = self.db.execute(
            "SELECT MAX(p) FROM (SELECT position AS p FROM tbl WHERE section = ? "
            "UNION ALL SELECT position FROM figure WHERE section = ?)",
            [section_id, section_id],
        ).fetchone()
        return 0 if row[0] is None else row[0] + 1

    def tables(self, section_id: int | None = None) -> list[TableRow]:
        sql = "SELECT * FROM tbl"
        params: list = []
        if section_id is not None:
            sql += " WHERE section = ?"
            params.append(section_id)
        result = []
        for t in list(self.db.query(sql + " ORDER BY position, id", params)):
            rows = tuple(
                tuple(json.loads(r[0]))
                for r in self.db.execute(
                    "SELECT cells FROM tbl_row WHERE tbl = ? ORDER BY position, id", [t["id"]]
                )
            )
            result.append(TableRow(**t, rows=rows))
        return result

    def table(self, table_id: int) -> TableRow:
        for t in self.tables():
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def add_table(
        self, section_id: int, kind: str, ref: str, *, after: int = 0, caption: str = "",
        rows: Iterable[Iterable[str]] = (), stated_total: str | None = None,
    ) -> int:
        # plain: a table of no kind the edition knows (from an imported Word report); its
        # first row is its header
        if kind not in ("free", "fixed", "plain"):
            raise ValueError(kind)
        with self.db.atomic():
            cur = self.db.execute(
                "INSERT INTO tbl(section, kind, ref, caption, after, position, stated_total) "
                "VALUES (?,?,?,?,?,?,?)",
                [section_id, kind, ref, caption, after, self._next_position(section_id),
                 stated_total],
            )
            table_id = cur.lastrowid
            self._write_rows(table_id, rows)
            self._log("table.add", str(table_id), None, ref)
        return table_id

    def set_table_rows(self, table_id: int, rows: Iterable[Iterable[str]]) -> list[list[str]]:
        with self.db.atomic():
            old = [list(r) for r in self.table(table_id).rows]
            self.db.execute("DELETE FROM tbl_row WHERE tbl = ?", [table_id])
            new = self._write_rows(table_id, rows)
            if new != old:
                self._log("table.rows", str(table_id), json.dumps(old, ensure_ascii=False),
                          json.dumps(new, ensure_ascii=False))
        return old

    def _write_rows(self, table_id: int, rows: Iterable[Iterable[str]]) -> list[list[str]]:
        written = []
        for pos, row in enumerate(rows):
            cells = [str(c) for c in row]
            written.append(cells)
            self.db.execute(
                "INSERT INTO tbl_row(tbl, position, cells) VALUES (?,?,?)",
                [table_id, pos, json.dumps(cells, ensure_ascii=False)],
            )
        return written

    def set_table_field(self, table_id: int, column: str, value) -> object:
        if column not in ("caption", "after", "stated_total", "position"):
            raise ValueError(column)
        with self.db.atomic():
            old = getattr(self.table(table_id), column)
            if old != value:  # no write, no change-log row for a no-op
                self.db.execute(f"UPDATE tbl SET {column} = ? WHERE id = ?", [value, table_id])
                self._log(f"table.{column}", str(table_id), None if old is None else str(old),
                          None if value is None else str(value))
        return old

    def delete_table(self, table_id: int) -> dict:
        with self.db.atomic():
            snap = {
                "tbl": self._rows("SELECT * FROM tbl WHERE id = ?", [table_id]),
                "tbl_row": self._rows("SELECT * FROM tbl_row WHERE tbl = ?", [table_id]),
            }
            self.db.execute("DELETE FROM tbl_row WHERE tbl = ?", [table_id])
            self.db.execute("DELETE FROM tbl WHERE id = ?", [table_id])
            self._log("table.delete", str(table_id), snap["tbl"][0]["ref"], None)
        return snap

    def restore_rows(self, snap: dict) -> None:
        """Put back what delete_table or delete_figure removed."""
        with self.db.atomic():
            for table in ("tbl", "tbl_row", "figure", "photo"):
                for row in snap.get(table, []):
                    cols = ",".join(row)
                    self.db.execute(
                        f"INSERT INTO {table}({cols}) VALUES ({','.join('?' * len(row))})",
                        list(row.values()),
                    )
            self._log("restore", "", None, None)

    # ------------------------------------------------------------ figures
    def figures(self, section_id: int | None = None) -> list[FigureRow]:
        sql = "SELECT * FROM figure"
        params: list = []
        if section_id is not None:
            sql += " WHERE section = ?"
            params.append(section_id)
        result = []
        for f in list(self.db.query(sql + " ORDER BY position, id", params)):
            photos = tuple(
                PhotoRow(**p)
                for p in self.db.query(
                    "SELECT id, figure, position, caption, width, height FROM photo "
                    "WHERE figure = ? ORDER BY position, id",
                    [f["id"]],
                )
            )
            result.append(FigureRow(**f, photos=photos))
        return result

    def add_figure(
        self, section_id: int, caption: str, photos: Iterable[tuple[bytes, str, int, int]] = (),
        *, after: int = 0,
    ) -> int:
        """photos: (encoded image, caption, width, height), already upright and scaled."""
        with self.db.atomic():
            cur = self.db.execute(
                "INSERT INTO figure(section, caption, after, position) VALUES (?,?,?,?)",
                [section_id, caption, after, self._next_position(section_id)],
            )
            figure_id = cur.lastrowid
            for photo in photos:
                self._insert_photo(figure_id, *photo)
            self._log("figure.add", str(figure_id), None, caption)
        return figure_id

    def add_photo(self, figure_id: int, data: bytes, caption: str, width: int, height: int) -> int:
        with self.db.atomic():
            photo_id = self._insert_photo(figure_id, data, caption, width, height)
            self._log("photo.add", str(photo_id), None, caption)
        return photo_id

    def _insert_photo(self, figure_id: int, data: bytes, caption: str, width: int, height: int) -> int:
        pos = self.db.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM photo WHERE figure = ?", [figure_id]
        ).fetchone()[0]
        cur = self.db.execute(
            "INSERT INTO photo(figure, position, caption, width, height, data) VALUES (?,?,?,?,?,?)",
            [figure_id, pos, caption, width, height, data],
        )
        return cur.lastrowid

    def photo_data(self, photo_id: int) -> bytes:
        row = self.db.execute("SELECT data FROM photo WHERE id = ?", [photo_id]).fetchone()
        if row is None:
            raise KeyError(photo_id)
        return row[0]

    def set_figure_field(self, figure_id: int, column: str, value) -> object:
        if column not in ("caption", "after", "position", "chart"):
            raise ValueError(column)
        with self.db.atomic():
            row = self.db.execute(f"SELECT {column} FROM figure WHERE id = ?", [figure_id]).fetchone()
            old = row[0]
            if old != value:
                self.db.execute(f"UPDATE figure SET {column} = ? WHERE id = ?", [value, figure_id])
                self._log(f"figure.{column}", str(figure_id), str(old), str(value))
        return old

    def set_photo_caption(self, photo_id: int, caption: str) -> str:
        with self.db.atomic():
            old = self.db.execute("SELECT caption FROM photo WHERE id = ?", [photo_id]).fetchone()[0]
            self.db.execute("UPDATE photo SET caption = ? WHERE id = ?", [caption, photo_id])
            self._log("photo.caption", str(photo_id), old, caption)
        return old

    def move_photo(self, photo_id: int, new_position: int) -> int:
        """Move a photo among its figure's photos; returns its old index (for undo)."""
        with self.db.atomic():
            row = self.db.execute("SELECT figure FROM photo WHERE id = ?", [photo_id]).fetchone()
            if row is None:
                raise KeyError(photo_id)
            siblings = [
                r[0] for r in self.db.execute(
                    "SELECT id FROM photo WHERE figure = ? ORDER BY position, id", [row[0]]
                )
            ]
            return self._reorder("photo", siblings, photo_id, new_position)

    def delete_figure(self, figure_id: int) -> dict:
        with self.db.atomic():
            snap = {
                "figure": self._rows("SELECT * FROM figure WHERE id = ?", [figure_id]),
                "photo": self._rows("SELECT * FROM photo WHERE figure = ?", [figure_id]),
            }
            self.db.execute("DELETE FROM photo WHERE figure = ?", [figure_id])
            self.db.execute("DELETE FROM figure WHERE id = ?", [figure_id])
            self._log("figure.delete", str(figure_id), snap["figure"][0]["caption"], None)
        return snap

    def delete_photo(self, photo_id: int) -> dict:
        with self.db.atomic():
            snap = {"photo": self._rows("SELECT * FROM photo WHERE id = ?", [photo_id])}
            self.db.execute("DELETE FROM photo WHERE id = ?", [photo_id])
            self._log("photo.delete", str(photo_id), None, None)
        return snap

    # ------------------------------------------------------------ history
    def changes(self, limit: int = 100) -> list[Change]:
        return [
            Change(**r)
            for r in self.db.query(
                "SELECT id, at, user, kind, target, old, new, source FROM change "
                "ORDER BY id DESC LIMIT ?",
                [limit],
            )
        ]

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]
