"""Parsed TrueType fonts kept between runs, so an export does not parse 35 MB of CJK fonts.

reportlab parses a whole font before it can measure or embed a character: for our three
Noto faces that is about a third of a PDF export. What it extracts (character map, widths,
glyph positions, names) is saved in the user's cache folder, keyed by the font file's
SHA-256 and the reportlab version, and read back in a few milliseconds; the font's bytes
are mapped from the file, not read, since subsetting touches only the glyphs used.

An entry holds the few small values pickled, then the big tables (character map, widths,
horizontal metrics, glyph positions) as raw arrays of 2- or 4-byte numbers that are used
where they lie in the bytes read (`memoryview.cast`): loading a face is one read of
~0.6 MB, one CRC-32 and no parsing. The three faces load in ~1.5 ms of CPU; format 2
(pickled 8-byte arrays checked by a SHA-256) took ~5 ms, and ~19 ms on a processor without
SHA instructions (most office PCs bought before 2020), all but ~3 ms of it the digest.

The cache is only ever a shortcut: a missing, unreadable, truncated or altered entry is
ignored and rebuilt (each entry carries a CRC-32 of its own content: it guards against
damage, as the digest did; whoever can write the cache folder could rewrite either), and
deleting the folder costs one slow export. A small index remembers the hash of each font
file by its size and modification time, so an unchanged file is not hashed again on every
run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import pickle
import struct
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from desktop.atomic import write_atomically

FORMAT = 3  # bump when what is stored changes
_MAGIC = b"qreport-font-cache\n"
_HEAD = struct.Struct("<II")  # after the magic: CRC-32 of the rest, length of the pickle
_ARRAYS = "_arrays"  # in the pickle: name -> (typecode, offset, count) of each raw array
# the file's bytes (mapped on load), a lambda and a table only text shaping uses (rebuilt)
_SKIP = {"_ttf_data", "_pdfScale", "glyphToChar"}


def load_face(path: Path):
    """A reportlab TTFontFace for `path`, parsed once per font file and reportlab version."""
    from reportlab import Version
    from reportlab.pdfbase.ttfonts import TTFontFace

    path = Path(path)
    folder = _folder()
    digest = _file_hash(path, folder)
    entry = folder / f"{digest}-rl{Version}-v{FORMAT}.face"
    state = _read(entry)
    if state is not None:
        face = _face_class()(state)
        face.filename = str(path)
        face._ttf_data = _mapped(path)
        return face
    face = TTFontFace(str(path))
    state = {k: v for k, v in face.__dict__.items() if k not in _SKIP}
    # the big tables as flat arrays instead of 30,000 small objects; the two 30,000-entry
    # maps as sorted keys and their values, looked up by bisection when asked (an export
    # asks about a few thousand characters)
    arrays = {
        "hmetrics.aw": [aw for aw, _ in face.hmetrics],
        "hmetrics.lsb": [lsb for _, lsb in face.hmetrics],
        "glyphPos": face.glyphPos,
    }
    for name in ("charToGlyph", "charWidths"):
        keys = sorted(getattr(face, name))
        arrays[f"{name}.keys"] = keys
        arrays[f"{name}.values"] = [getattr(face, name)[k] for k in keys]
    for name in ("hmetrics", "glyphPos", "charToGlyph", "charWidths"):
        del state[name]  # stored as the arrays above
    _write(entry, state, arrays)
    for stale in folder.glob(f"{digest}-*.face"):  # older formats or reportlab versions
        if stale != entry:
            with contextlib.suppress(OSError):
                stale.unlink()
    return face


@cache
def _face_class():
    from reportlab.pdfbase.ttfonts import TTFontFace

    class CachedFace(TTFontFace):
        """A face rebuilt from the cache: what extractInfo would have set, set directly."""

        def __init__(self, state: dict) -> None:  # no TTFontFace.__init__: nothing to parse
            arrays = state.pop(_ARRAYS)
            self.__dict__.update(state)
            self.hmetrics = _Pairs(arrays["hmetrics.aw"], arrays["hmetrics.lsb"])
            self.glyphPos = arrays["glyphPos"]
            self.charToGlyph = _SortedMap(arrays["charToGlyph.keys"], arrays["charToGlyph.values"])
            self.charWidths = _SortedMap(arrays["charWidths.keys"], arrays["charWidths.values"])
            upm = self.unitsPerEm
            self._pdfScale = (lambda x: x) if upm == 1000 else (lambda x, m=1000 / upm: x * m)

        def get_table(self, tag: str):
            # makeSubset takes the whole glyf table (most of a 15 MB font) only to slice out
            # the glyphs used: hand it a window on the mapped file instead of a copy
            if tag == "glyf":
                pos, length = self.get_table_pos(tag)
                return _Window(self._ttf_data, pos, length)
            return super().get_table(tag)

        @property
        def glyphToChar(self) -> dict[int, list[int]]:
            # used only by text shaping (uharfbuzz), so built when first asked for
            if "_glyph_to_char" not in self.__dict__:
                inverse: dict[int, list[int]] = {}
                for char, glyph in self.charToGlyph.items():
                    inverse.setdefault(glyph, []).append(char)
                self.__dict__["_glyph_to_char"] = inverse
            return self.__dict__["_glyph_to_char"]

    return CachedFace


class _Window:
    """Slices of a table, read from the font's bytes as they are asked for."""

    def __init__(self, data, start: int, length: int) -> None:
        self.data, self.start, self.length = data, start, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, part: slice) -> bytes:
        begin, end, step = part.indices(self.length)
        if step != 1:
            raise ValueError("only plain slices of a font table")
        return self.data[self.start + begin:self.start + end]


class _SortedMap(Mapping):
    """A read-only int -> int map over two arrays (memoryviews), the keys sorted."""

    def __init__(self, keys: memoryview, values: memoryview) -> None:
        self._keys, self._values, self._n = keys, values, len(keys)

    def __getitem__(self, key):
        i = bisect_left(self._keys, key)
        if i < self._n and self._keys[i] == key:
            return self._values[i]
        raise KeyError(key)

    def get(self, key, default=None):
        i = bisect_left(self._keys, key)
        if i < self._n and self._keys[i] == key:
            return self._values[i]
        return default

    def __contains__(self, key) -> bool:
        i = bisect_left(self._keys, key)
        return i < self._n and self._keys[i] == key

    def __len__(self) -> int:
        return self._n

    def __iter__(self):
        return iter(self._keys)

    def items(self):
        return zip(self._keys, self._values, strict=True)


class _Pairs:
    """hmetrics as reportlab indexes it, (advance, left side bearing) by glyph."""

    def __init__(self, aw: memoryview, lsb: memoryview) -> None:
        self.aw, self.lsb = aw, lsb

    def __len__(self) -> int:
        return len(self.aw)

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        return self.aw[glyph], self.lsb[glyph]


def ttfont(name: str, path: Path):
    """A reportlab TTFont named `name` over the (cached) face of `path`."""
    from reportlab.pdfbase import ttfonts

    face = load_face(path)
    # TTFont.__init__ parses its file through the module's TTFontFace; handing it the face
    # already loaded keeps the rest of its set-up reportlab's own. Callers hold fonts._lock.
    original = ttfonts.TTFontFace
    ttfonts.TTFontFace = lambda *args, **kwargs: face
    try:
        if isinstance(face.charWidths, dict):
            return ttfonts.TTFont(name, str(path))
        return _font_class()(name, str(path))
    finally:
        ttfonts.TTFontFace = original


@cache
def _font_class():
    from reportlab.pdfbase import ttfonts

    class CachedFont(ttfonts.TTFont):
        def stringWidth(self, text, size, encoding="utf8"):
            # reportlab's C version insists on a dict of widths; this is its Python version
            if isinstance(text, bytes):
                text = text.decode(encoding or "utf8")
            get, default = self.face.charWidths.get, self.face.defaultWidth
            return 0.001 * size * sum(get(ord(u), default) for u in text)

    return CachedFont


def _folder() -> Path:
    from desktop import settings

    return settings.cache_dir() / "fonts"


def _mapped(path: Path):
    try:
        with open(path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # stays valid after close
    except (OSError, ValueError):  # a file system without mmap: read it, as reportlab would
        return path.read_bytes()


def _file_hash(path: Path, folder: Path) -> str:
    """The SHA-256 of `path`, remembered by (size, mtime) in the cache's index."""
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns]
    index_path = folder / "index.json"
    index: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(index_path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            index = loaded
    known = index.get(str(path))
    if isinstance(known, list) and len(known) == 3 and known[:2] == stamp and isinstance(known[2], str):
        return known[2]
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        digest = hashlib.sha256(data).hexdigest()
    index[str(path)] = [*stamp, digest]
    with contextlib.suppress(OSError):
        _replace(index_path, json.dumps(index, ensure_ascii=False).encode("utf-8"))
    return digest


def _read(entry: Path) -> dict | None:
    """The state of a face as `_write` stored it, its arrays as memoryviews of the bytes
    read; None for anything damaged or foreign."""
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    start = len(_MAGIC) + _HEAD.size
    if blob[: len(_MAGIC)] != _MAGIC or len(blob) < start:
        return None
    crc, size = _HEAD.unpack_from(blob, len(_MAGIC))
    body = memoryview(blob)[start:]
    if zlib.crc32(body) != crc:
        return None  # damaged: rebuilt by the caller
    try:
        state = pickle.loads(body[:size])
        arrays = state[_ARRAYS]
        for name, (code, offset, count) in arrays.items():
            begin = size + offset  # the arrays follow the pickle
            arrays[name] = view = body[begin:begin + count * array(code).itemsize].cast(code)
            if len(view) != count:
                return None
    except Exception:  # the checksum matched, so only a foreign writer gets here
        return None
    return state if "charToGlyph.keys" in arrays else None


def _write(entry: Path, state: dict, arrays: dict[str, list[int]]) -> None:
    """Store `state` pickled, followed by each of `arrays` as raw numbers (in this
    machine's byte order: the cache is its own)."""
    places: dict[str, tuple[str, int, int]] = {}  # name -> (typecode, offset, count)
    raw = bytearray()
    for name, values in arrays.items():
        try:
            numbers = array(_typecode(values), values)
        except OverflowError:  # beyond 4 bytes: not from a TrueType file; parsed each time
            return
        places[name] = (numbers.typecode, len(raw), len(numbers))
        raw += numbers.tobytes()
    head = pickle.dumps({**state, _ARRAYS: places}, protocol=pickle.HIGHEST_PROTOCOL)
    body = head + raw
    with contextlib.suppress(OSError):  # a read-only or full disk: the next run parses again
        _replace(entry, _MAGIC + _HEAD.pack(zlib.crc32(body), len(head)) + body)


def _typecode(values: list[int]) -> str:
    """The narrowest array type holding `values`: 2 or 4 bytes, signed only if need be."""
    low, high = min(values, default=0), max(values, default=0)
    if low >= 0:
        return "H" if high < 1 << 16 else "I"
    return "h" if low >= -(1 << 15) and high < 1 << 15 else "i"


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda tmp: tmp.write_bytes(data))
