"""What kind of Office file an OLE compound file is, and whether it has an open password.

A workbook or Word file with an open password is not a zip: Excel, Word and WPS wrap the
encrypted .xlsx/.docx in an OLE compound file (magic D0CF11E0…) holding the streams
"EncryptionInfo" and "EncryptedPackage". The old binary formats (.xls, .doc) are compound
files too, and carry their own encryption flag. The readers of both formats ask here, so a
file with a password is named as such, and not as a damaged or an old-format file.

Only the directory (and, for the old formats, the first bytes of one stream) is read, with
every sector number and chain checked against the file's size: a damaged compound file
gives UNKNOWN, never an exception.
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ENCRYPTED = "encrypted"  # an open password: encrypted OOXML, or an .xls/.doc with its flag
XLS = "xls"  # an old binary Excel workbook
DOC = "doc"  # an old binary Word document
UNKNOWN = "unknown"  # another compound file, or one too damaged to tell

_END = 0xFFFFFFFE  # end of a sector chain
_MAX_DIRECTORY_ENTRIES = 100_000
_HEAD_BYTES = 4096  # of the WordDocument/Workbook stream: where the encryption flag is


def is_compound(data: bytes) -> bool:
    return data.startswith(MAGIC)


def kind(data: bytes) -> str | None:
    """ENCRYPTED, XLS, DOC or UNKNOWN for a compound file; None for anything else."""
    if not is_compound(data):
        return None
    try:
        compound = _Compound(data)
        entries = compound.entries()
    except (ValueError, struct.error, IndexError):
        return UNKNOWN
    names = {name for name, *_ in entries}
    if {"EncryptionInfo", "EncryptedPackage"} <= names:
        return ENCRYPTED
    for name, start, size in entries:
        try:
            if name == "WordDocument":
                return ENCRYPTED if _doc_encrypted(compound.head(start, size)) else DOC
            if name in ("Workbook", "Book"):
                return ENCRYPTED if _xls_encrypted(compound.head(start, size)) else XLS
        except (ValueError, struct.error, IndexError):
            return UNKNOWN
    return UNKNOWN


def password_sentence(name: str, program: str) -> str:
    """The one sentence for a file with an open password; `program` is "Excel" or "Word"."""
    again = "工作簿" if program == "Excel" else "文档"
    return (f"{name} 设置了打开密码，本程序无法读取：请在 {program} 或 WPS 中输入密码打开它，"
            f"取消{again}的密码后保存，再重新导入。")


def _doc_encrypted(head: bytes) -> bool:
    # The FIB at the start of WordDocument: wIdent 0xA5EC, then flags with fEncrypted (0x0100)
    ident, flags = struct.unpack_from("<H8xH", head, 0)
    return ident == 0xA5EC and bool(flags & 0x0100)


def _xls_encrypted(head: bytes) -> bool:
    # BIFF records (type, length, data): a FILEPASS record (0x002F) follows the globals' BOF
    offset = 0
    while offset + 4 <= len(head):
        record, length = struct.unpack_from("<HH", head, offset)
        if record == 0x002F:
            return True
        if record == 0x0085:  # BOUNDSHEET: past where FILEPASS can stand
            return False
        offset += 4 + length
    return False


class _Compound:
    """The directory of a compound file (MS-CFB), read with every number checked."""

    def __init__(self, data: bytes):
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("not a compound file header")
        self.size = 1 << shift
        self.sectors = (len(data) - self.size) // self.size  # sector n starts at (n + 1) * size
        fat_count, self.directory, _, self.cutoff, self.minifat, _, difat, difat_count = (
            struct.unpack_from("<I I I I I I I I", data, 0x2C))
        locations = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.size // 4
        for sector in self._chain(difat, via_difat=True, limit=difat_count):
            words = struct.unpack_from(f"<{per_sector}I", data, self._offset(sector))
            locations += words[:-1]  # the last word links to the next DIFAT sector
        fat = bytearray()
        for sector in locations[:fat_count]:
            fat += self._sector(sector)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", fat)

    def entries(self) -> list[tuple[str, int, int]]:
        """(name, first sector, size) of every stream."""
        raw = b"".join(self._sector(s) for s in self._chain(self.directory))
        self.root = None  # a damaged directory may have no root entry
        out = []
        for i in range(min(len(raw) // 128, _MAX_DIRECTORY_ENTRIES)):
            entry = raw[i * 128:(i + 1) * 128]
            length, kind = struct.unpack_from("<HB", entry, 64)
            if kind == 5:  # the root: its chain is the mini stream's
                self.root = struct.unpack_from("<I", entry, 116)[0]
            if kind != 2 or not 2 <= length <= 64:
                continue
            name = entry[: length - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", entry, 116)
            if self.size == 512:  # version 3: the high half of the size is not to be trusted
                size &= 0xFFFFFFFF
            out.append((name, start, size))
        return out

    def head(self, start: int, size: int) -> bytes:
        """The first bytes of a stream."""
        want = min(size, _HEAD_BYTES)
        if size >= self.cutoff:
            out = b""
            for sector in self._chain(start):
                out += self._sector(sector)
                if len(out) >= want:
                    break
            return out[:want]
        # a small stream lives in the mini stream, 64-byte sectors chained by the mini FAT
        self.entries()  # sets self.root
        if self.root is None:
            raise ValueError("no root entry: no mini stream")
        mini = b"".join(self._sector(s) for s in self._chain(self.root))
        minifat_raw = b"".join(self._sector(s) for s in self._chain(self.minifat))
        minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)
        out, sector, seen = b"", start, set()
        while sector != _END and len(out) < want:
            if sector in seen or sector >= len(minifat) or (sector + 1) * 64 > len(mini):
                raise ValueError("a broken mini chain")
            seen.add(sector)
            out += mini[sector * 64:(sector + 1) * 64]
            sector = minifat[sector]
        return out[:want]

    def _chain(self, start: int, *, via_difat: bool = False, limit: int | None = None) -> list[int]:
        out, seen, sector = [], set(), start
        while sector < 0xFFFFFFFA and (limit is None or len(out) < limit):
            if sector in seen or sector >= self.sectors:
                raise ValueError("a broken sector chain")
            out.append(sector)
            seen.add(sector)
            if via_difat:
                sector = struct.unpack_from("<I", self.data, self._offset(sector) + self.size - 4)[0]
            else:
                if sector >= len(self.fat):
                    raise ValueError("a sector the FAT does not cover")
                sector = self.fat[sector]
                if sector == 0xFFFFFFFF:
                    raise ValueError("a chain into a free sector")
        return out

    def _offset(self, sector: int) -> int:
        if sector >= self.sectors:
            raise ValueError("a sector beyond the end of the file")
        return (sector + 1) * self.size

    def _sector(self, sector: int) -> bytes:
        offset = self._offset(sector)
        return self.data[offset:offset + self.size]
