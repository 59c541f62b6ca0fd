"""The bundled fonts as files on disk, for Qt and reportlab alike.

From source they are used in place. The installer ships them xz-compressed (49 MB of CJK
outlines are a third of the bundle, and compress by half); the first use unpacks one into
the user data folder, once, atomically, so a crash never leaves half a font behind.
"""

from __future__ import annotations

import contextlib
import lzma
import os
from importlib import resources
from pathlib import Path

PACKED_SUFFIX = ".xz"


def font_path(name: str) -> Path:
    """A real file holding bundled font `name` (e.g. "NotoSansSC_400Regular.ttf")."""
    folder = resources.files("resources") / "fonts"
    plain = folder / name
    if plain.is_file():
        return Path(str(plain))  # resources is a plain folder, in source and in the bundle
    packed = folder / (name + PACKED_SUFFIX)
    if not packed.is_file():
        raise FileNotFoundError(f"bundled font {name} is missing")
    from desktop import settings

    target = settings.data_dir() / "fonts" / name
    stamp = target.with_name(name + ".size")
    size = str(packed.stat().st_size)
    # the stamp names the packed file it came from, so an update of the fonts is unpacked again
    if target.is_file() and stamp.is_file() and stamp.read_text() == size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{name}.{os.getpid()}.partial")
    try:
        with lzma.open(str(packed)) as src, tmp.open("wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        os.replace(tmp, target)
        stamp.write_text(size)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
