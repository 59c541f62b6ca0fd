"""The bundled CJK TrueType fonts, registered with reportlab on first use.

Only TrueType outlines can be embedded by reportlab (the CFF-based Noto CJK OTF/TTC of
Linux distributions fail), so static Noto Serif SC / Noto Sans SC TTFs are shipped in
`resources/fonts`.  Parsing one costs ~0.06–0.15 s: the parsed face is cached between runs
(`font_cache`), and each face is registered when first needed and kept for the process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from msgspec import Struct

from desktop.font_files import font_path

# Font names as reportlab knows them.  Song (宋体-like serif) for body text, Hei (黑体-like
# sans) for headings, captions and table headers.
SONG = "NotoSerifSC"
HEI = "NotoSansSC"
HEI_BOLD = "NotoSansSC-Bold"

_FILES = {
    SONG: "NotoSerifSC_400Regular.ttf",
    HEI: "NotoSansSC_400Regular.ttf",
    HEI_BOLD: "NotoSansSC_700Bold.ttf",
}
# Bold inside body text is set in bold Hei, as Chinese documents usually emphasise (黑体加粗);
# a bold Song face would add 15 MB to every installation for text the report never bolds.
_FAMILIES = {SONG: HEI_BOLD, HEI: HEI_BOLD}

_lock = threading.Lock()  # an export may run in a worker thread while the GUI idles
_faces: dict[str, Face] = {}


class Face(Struct, frozen=True):
    """A registered font with what layout needs, in 1/1000 em units."""

    name: str
    widths: dict[int, int]  # code point -> advance
    default_width: int
    cmap: dict[int, int]  # code point -> glyph: the characters the font can draw

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def advance(self, ch: str) -> int:
        return self.widths.get(ord(ch), self.default_width)


def font_file(name: str) -> Path:
    """The bundled font file of reportlab font `name`."""
    return font_path(_FILES[name])


def ensure(name: str) -> Face:
    """Register font `name` with reportlab once per process and return its metrics."""
    face = _faces.get(name)
    if face is not None:
        return face
    with _lock:
        face = _faces.get(name)
        if face is None:
            face = _register(name)
            _faces[name] = face
    return face


def _register(name: str) -> Face:
    from reportlab.pdfbase import pdfmetrics

    from desktop.formats import font_cache

    _patch_tounicode()
    font = font_cache.ttfont(name, font_file(name))
    pdfmetrics.registerFont(font)
    for regular, bold in _FAMILIES.items():
        others = {regular, bold} - {name}
        if name in (regular, bold) and all(o in _faces for o in others):
            # <b> in reportlab markup maps to the bold face only through a family.
            pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    face = font.face
    return Face(name, face.charWidths, int(face.defaultWidth), face.charToGlyph)


_patched = False


def _patch_tounicode() -> None:
    """Make text outside the BMP (e.g. rare name characters such as U+20087) extractable.

    reportlab writes each ToUnicode entry as `<%04X>`, which for a code point above U+FFFF
    gives five hex digits that readers misparse; the PDF spec wants UTF-16BE there, i.e. a
    surrogate pair.  Replacing the module-level helper fixes every subset it writes.
    """
    global _patched
    if _patched:
        return
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap

    def make_to_unicode_cmap(fontname, subset):
        if all(v <= 0xFFFF for v in subset):
            return original(fontname, subset)
        text = original(fontname, [min(v, 0xFFFF) for v in subset])
        # Rewrite only the bfchar lines of code points beyond the BMP.
        for i, v in enumerate(subset):
            if v > 0xFFFF:
                utf16 = chr(v).encode("utf-16-be").hex().upper()
                text = text.replace(f"<{i:02X}> <FFFF>", f"<{i:02X}> <{utf16}>", 1)
        return text

    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
    _patched = True
