"""Leftover journals beside a report file, judged before SQLite sees them.

SQLite replays a `-wal` or a hot `-journal` it finds beside a database into it, without
asking whose it is. When a report was replaced after a crash (a colleague's copy put in
its place) the leftover belongs to the old file and replaying it would silently mix two
reports, so every leftover is read here first and kept only when it belongs.

How belonging is known: every write transaction of qreport stamps page 1 of the file (the
header's user_version): the low 16 bits are a fresh random token, the high 16 bits the
token it replaces. A journal carries page-1 images of the transactions it holds (a WAL the
new ones, a rollback journal the one before), so it belongs to the file beside it when the
file's token is one of them, or is the one the journal's first transaction replaced. A
colleague's copy has its own tokens; a copy of this very file at this very state would
match, and replaying into it is then right. A WAL whose pages are all already in the file
(the usual case, since every commit is checkpointed) changes nothing, whoever wrote it.
Anything else is set aside under `<name>.orphan-<time>` and said.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from pathlib import Path

WAL_ORDERS = {0x377F0682: "<", 0x377F0683: ">"}  # magic → byte order of its checksums
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
TOKEN_BITS = 16
TOKEN_MASK = (1 << TOKEN_BITS) - 1
# page-1 header bytes a commit may change besides the token: file format (WAL or rollback),
# change counter, page count, version-valid-for, SQLite version
_VOLATILE = [(18, 20), (24, 32), (92, 100)]


def user_version(page1: bytes) -> int:
    return struct.unpack(">I", page1[60:64])[0]


def tokens(page1: bytes) -> tuple[int, int]:
    """(token replaced, token) from a page-1 image."""
    uv = user_version(page1)
    return uv >> TOKEN_BITS, uv & TOKEN_MASK


def next_user_version(current: int, fresh: int) -> int:
    """The stamp of the next transaction: the current token moves up, a fresh one below."""
    return ((current & TOKEN_MASK) << TOKEN_BITS) | (fresh & TOKEN_MASK or 1)


def _page_size(header: bytes) -> int:
    size = struct.unpack(">H", header[16:18])[0]
    return 65536 if size == 1 else size


def _stable(page1: bytes) -> bytes:
    parts, start = [], 0
    for a, b in _VOLATILE:
        parts.append(page1[start:a])
        start = b
    parts.append(page1[start:])
    return b"".join(parts)


# ---------------------------------------------------------------- WAL
def _wal_checksum(data: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_commits(data: bytes) -> list[dict[int, bytes]]:
    """The committed transactions in a WAL's bytes, oldest first, each page number → image.
    Frames after the last valid commit (a transaction cut short) are not transactions."""
    if len(data) < 32:
        return []
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:32])
    order = WAL_ORDERS.get(magic)
    if order is None or page_size < 512 or page_size & (page_size - 1):
        return []
    checksum = _wal_checksum(data[:24], order, 0, 0)
    if checksum != (c1, c2):
        return []
    commits: list[dict[int, bytes]] = []
    current: dict[int, bytes] = {}
    offset = 32
    while offset + 24 + page_size <= len(data):
        pgno, commit, f1, f2, k1, k2 = struct.unpack(">6I", data[offset:offset + 24])
        if (f1, f2) != (salt1, salt2):
            break
        page = data[offset + 24:offset + 24 + page_size]
        checksum = _wal_checksum(data[offset:offset + 8], order, *checksum)
        checksum = _wal_checksum(page, order, *checksum)
        if checksum != (k1, k2):
            break
        current[pgno] = page
        if commit:
            commits.append(current)
            current = {}
        offset += 24 + page_size
    return commits


def _wal_belongs(main: bytes, commits: list[dict[int, bytes]]) -> bool:
    page_size = _page_size(main)
    latest: dict[int, bytes] = {}
    for commit in commits:
        latest.update(commit)
    if all(main[(n - 1) * page_size:n * page_size] == image for n, image in latest.items()):
        return True  # already in the file: replaying changes nothing
    if main[18] != 2:
        return False  # the file is not in WAL mode: the WAL cannot be its own
    token = tokens(main)[1]
    if token == 0:
        return False
    firsts = [c[1] for c in commits if 1 in c]
    if not firsts:
        return False
    if tokens(firsts[0])[0] == token:
        return True  # the file as it was before the WAL's first transaction
    return any(tokens(p)[1] == token for p in firsts)


# ---------------------------------------------------------------- rollback journal
def _journal_checksum(page: bytes, nonce: int) -> int:
    total, i = nonce, len(page) - 200
    while i > 0:
        total += page[i]
        i -= 200
    return total & 0xFFFFFFFF


def journal_pages(data: bytes) -> dict[int, bytes] | None:
    """Original page images in a rollback journal's bytes; None when it is not hot (empty,
    or its header zeroed after a commit)."""
    if len(data) < 28 or data[:8] != JOURNAL_MAGIC:
        return None
    pages: dict[int, bytes] = {}
    offset = 0
    while offset + 28 <= len(data) and data[offset:offset + 8] == JOURNAL_MAGIC:
        n, nonce, _initial, sector, page_size = struct.unpack(">5I", data[offset + 8:offset + 28])
        if sector < 32 or page_size < 512:
            break
        record = offset + sector
        if n == 0xFFFFFFFF:
            n = (len(data) - record) // (page_size + 8)
        for _ in range(n):
            end = record + 4 + page_size + 4
            if end > len(data):
                break
            pgno = struct.unpack(">I", data[record:record + 4])[0]
            page = data[record + 4:end - 4]
            if struct.unpack(">I", data[end - 4:end])[0] != _journal_checksum(page, nonce):
                break
            pages.setdefault(pgno, page)  # the first image of a page is the original
            record = end
        if n == 0:
            break
        offset = -(-record // sector) * sector
    return pages


def _journal_belongs(main: bytes, pages: dict[int, bytes]) -> bool:
    original = pages.get(1)
    if original is None:
        return False  # nothing ties it to this file; rolling back could truncate it
    if _stable(main[:len(original)]) == _stable(original):
        return True  # page 1 not rewritten yet
    token = tokens(original)[1]
    return token != 0 and tokens(main)[0] == token


# ---------------------------------------------------------------- setting aside
def _set_aside(path: Path, stamp: str) -> Path:
    target = path.with_name(f"{path.name}.orphan-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.orphan-{stamp}-{n}")
    os.replace(path, target)
    return target


def foreign(path: Path) -> list[Path]:
    """The leftover journals beside `path` that do not belong to it (nothing is moved)."""
    wal, journal = Path(f"{path}-wal"), Path(f"{path}-journal")
    if not (wal.exists() or journal.exists()):
        return []
    with path.open("rb") as fh:
        head = fh.read(100)
        if len(head) < 100:
            return []
        fh.seek(0)
        main = fh.read(_page_size(head))  # page 1 is enough, except for the WAL test
    found = []
    if journal.exists():
        pages = journal_pages(journal.read_bytes())
        if pages is not None and not _journal_belongs(main, pages):
            found.append(journal)
    if wal.exists():
        commits = wal_commits(wal.read_bytes())
        if commits:
            whole = path.read_bytes() if _needs_whole(commits) else main
            if not _wal_belongs(whole, commits):
                found.append(wal)
    return found


def hot_journal(path: Path) -> bool:
    """A rollback journal beside `path` that SQLite would roll back into it."""
    journal = Path(f"{path}-journal")
    return journal.exists() and journal_pages(journal.read_bytes()) is not None


def foreign_leftovers(path: Path) -> list[str]:
    """Set aside every leftover journal beside `path` that does not belong to it; returns
    one sentence per file set aside. Call only while no other program uses the file."""
    said = []
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    for original in foreign(path):
        target = _set_aside(original, stamp)
        shm = Path(f"{path}-shm")
        if original.name.endswith("-wal") and shm.exists():
            _set_aside(shm, stamp)  # its index of the WAL set aside with it
        said.append(f"{path.name} 旁边的 {original.name} 不属于这个文件（可能是文件被替换前留下的），"
                    f"没有用到报告里，已改名为 {target.name} 放在一边。")
    return said


def _needs_whole(commits: list[dict[int, bytes]]) -> bool:
    return any(n != 1 for c in commits for n in c)
