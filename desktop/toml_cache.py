"""Parsed edition texts kept between runs: `tomllib.loads` once per text, not per command.

A report keeps a copy of its edition, and every command that opens it (check, each export,
the window) parses that copy: tomllib is pure Python, and the 2022 edition (25,000
characters) takes ~4 ms of CPU to parse. The parsed data is saved in the user's cache folder
with marshal, next to the text it came from, and read back in ~0.2 ms.

Only a shortcut, never a judge: an entry is used only when the text stored in it is the text
asked about (character for character, so two texts cannot be confused), its CRC-32 matches
and it is of this Python version (marshal's format and tomllib's reading are the
interpreter's); anything else is parsed again and the entry rewritten. What the data means
is still checked on every open (edition_schema), so a cache entry never lets a damaged or
changed edition through. Data marshal cannot hold (TOML dates) is simply not cached, a
cache folder that cannot be written costs only the parse, and the folder keeps the KEEP
texts written last.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
import zlib
from pathlib import Path

from desktop.atomic import write_atomically

_MAGIC = b"qreport-toml-cache-1\n"
_VERSION = f"py{sys.version_info[0]}{sys.version_info[1]}"
# entries kept: the editions of a school's reports, and a few versions of an edition file
# being written (`edition check` on each draft); the oldest go first
KEEP = 32


def loads(text: str) -> dict:
    """tomllib.loads(text), from the cache when it holds this text; raises as tomllib does
    (its TOMLDecodeError is a ValueError)."""
    raw = text.encode("utf-8", "surrogatepass")
    entry = _folder() / f"{zlib.crc32(raw):08x}-{len(raw)}-{_VERSION}.marshal"
    data = _read(entry, raw)
    if data is not None:
        return data
    import tomllib  # only for a text not parsed before (~2 ms to import)

    data = tomllib.loads(text)
    _write(entry, raw, data)
    return data


def _folder() -> Path:
    from desktop import settings

    return settings.cache_dir() / "editions"


def _read(entry: Path, raw: bytes) -> dict | None:
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 4
    if blob[: len(_MAGIC)] != _MAGIC or zlib.crc32(memoryview(blob)[head:]) != int.from_bytes(
            blob[len(_MAGIC):head], "little"):
        return None  # damaged or foreign: parsed again by the caller
    try:
        stored, data = marshal.loads(memoryview(blob)[head:])
    except (EOFError, ValueError, TypeError):  # the checksum matched: a foreign writer
        return None
    return data if stored == raw and isinstance(data, dict) else None


def _write(entry: Path, raw: bytes, data: dict) -> None:
    try:
        body = marshal.dumps((raw, data))
    except ValueError:  # a TOML date or time: marshal has no such type
        return
    blob = _MAGIC + zlib.crc32(body).to_bytes(4, "little") + body
    with contextlib.suppress(OSError):  # a read-only or full disk: the next run parses again
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, lambda tmp: tmp.write_bytes(blob))
        _prune(entry.parent)


def _prune(folder: Path) -> None:
    """At most KEEP entries: a new text is rare (a new edition, a draft checked), so the
    folder is looked at only when one is written."""
    aged = []
    for path in folder.glob("*.marshal"):
        with contextlib.suppress(OSError):  # another process pruning at the same time
            aged.append((path.stat().st_mtime_ns, path.name, path))
    for *_, path in sorted(aged)[:-KEEP]:
        with contextlib.suppress(OSError):
            path.unlink()
