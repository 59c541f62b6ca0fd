"""Office files (.docx, .xlsx: zip packages) damaged the way files are: a part edited by
hand or lost, bytes turned over on a USB stick with the zip directory intact."""

from __future__ import annotations

import io
import zipfile


def rewrite(data: bytes, member: str, content: bytes | None) -> bytes:
    """The package with `member` replaced by `content`, or removed when it is None."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zin.infolist():
            if info.filename != member:
                zo.writestr(info, zin.read(info.filename))
            elif content is not None:
                zo.writestr(info.filename, content)
    return out.getvalue()


def flip(data: bytes, member: str, count: int) -> bytes:
    """`count` bytes inside a member's compressed data turned over, the zip directory intact."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(data)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + count):
        damaged[i] ^= 0xFF
    return bytes(damaged)
