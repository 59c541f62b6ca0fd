"""Figures: photos side by side, each with its own caption line, scaled for print.

Photos arrive as stored in the report (upright, at most 1600 px, see desktop.images).
Printed 7 cm wide a photo needs ~550 px at 200 dpi, so a large one is decoded at reduced
size (JPEG draft mode), resampled to ~200 dpi at its printed size and re-encoded as JPEG
q85, which reportlab embeds as-is.  A JPEG that is already about that small (in pixels or
in bytes) is embedded untouched: no second lossy pass, no time spent.  Resampling runs in
a few threads (Pillow releases the GIL), so a figure-heavy report stays quick.
"""

from __future__ import annotations

import hashlib
import io
import os
from typing import TYPE_CHECKING

from msgspec import Struct

from desktop.formats.pageflow import Flowable

if TYPE_CHECKING:  # reportlab comes with typeset: the Word export sizes photos without it
    from desktop.formats.typeset import TextStyle, Typesetter

DPI = 200
JPEG_QUALITY = 85
# A JPEG at most this many bytes per target pixel is small enough to embed as it is
# (a 200 dpi q85 photo takes ~0.2–0.4).
BYTES_PER_PIXEL = 0.5
GAP = 12.0  # points between photos in a row
MIN_SLOT_CHARS = 8  # a photo's caption is never set narrower than this many characters
_PLACEHOLDER_ASPECT = 4 / 3


class _Photo(Struct):
    data: bytes | None  # None when the bytes could not be read as an image
    px: tuple[int, int]
    caption: str

    @property
    def aspect(self) -> float:
        w, h = self.px
        return w / h if h else _PLACEHOLDER_ASPECT


def _jpeg_header(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, colour components) of a JPEG laid out as Pillow writes them (our
    importer's photos: JFIF, quantisation and Huffman tables, a baseline or progressive
    8-bit frame, then the scan), or None for anything else, which Pillow then looks at.
    Reading two numbers needs neither Pillow's import nor its decoder (~20 ms of an
    export); a header Pillow would refuse is never accepted here."""
    if data[:4] != b"\xff\xd8\xff\xe0":
        return None
    i, n = 2, len(data)
    frame = None
    while i + 4 <= n:
        marker = data[i + 1] if data[i] == 0xFF else None
        length = int.from_bytes(data[i + 2:i + 4], "big")
        end = i + 2 + length
        if length < 2 or end > n:
            return None
        body = data[i + 4:end]
        if marker == 0xDA:  # start of scan: the headers are complete
            return frame
        if marker == 0xE0:
            if i != 2 or not body.startswith(b"JFIF\0") or len(body) < 14:
                return None
        elif marker == 0xDB:  # quantisation tables, as Pillow checks them
            k = 0
            while k < len(body):
                k += 1 + (64 if body[k] < 16 else 128)
            if k != len(body):
                return None
        elif marker in (0xC0, 0xC1, 0xC2):  # baseline, extended, progressive
            if frame is not None or len(body) < 6:
                return None
            bits, components = body[0], body[5]
            height = int.from_bytes(body[1:3], "big")
            width = int.from_bytes(body[3:5], "big")
            if bits != 8 or components not in (1, 3, 4) or len(body) != 6 + 3 * components:
                return None
            if not (width and height):
                return None
            frame = (width, height, components)
        elif marker not in (0xC4, 0xDD):  # Huffman tables, restart interval
            return None
        i = end
    return None


def probe(data: bytes) -> tuple[int, int] | None:
    """Pixel size without decoding the image, or None if Pillow cannot read it."""
    header = _jpeg_header(data)
    if header is not None:
        return header[0], header[1]
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def for_print(data: bytes, width_pt: float, height_pt: float) -> bytes | None:
    """JPEG bytes of the photo sized for `width_pt`×`height_pt` at DPI, or None if unreadable."""
    if _kept_as_is(data, width_pt, height_pt):
        return data
    from PIL import Image, UnidentifiedImageError

    target = _target(width_pt, height_pt)
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format == "JPEG" and im.mode in ("RGB", "L") and _small(data, im.size, target):
                return data
            if im.format == "JPEG":
                im.draft("RGB", target)  # let libjpeg decode at 1/2, 1/4 or 1/8 size
            im = _flatten(im)
            if im.size[0] > target[0] or im.size[1] > target[1]:
                im = im.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _target(width_pt: float, height_pt: float) -> tuple[int, int]:
    return max(1, round(width_pt / 72 * DPI)), max(1, round(height_pt / 72 * DPI))


def _small(data: bytes, size: tuple[int, int], target: tuple[int, int]) -> bool:
    """About the printed size already, in pixels or in bytes."""
    return (size[0] <= target[0] * 1.25 and size[1] <= target[1] * 1.25) or (
        len(data) <= BYTES_PER_PIXEL * target[0] * target[1])


def _kept_as_is(data: bytes, width_pt: float, height_pt: float) -> bool:
    """A grey or colour JPEG (Pillow's L and RGB) already about the printed size, seen
    from its header alone."""
    header = _jpeg_header(data)
    return (header is not None and header[2] in (1, 3)
            and _small(data, header[:2], _target(width_pt, height_pt)))


def _flatten(im):
    """RGB or L; transparency composed over white paper, not black."""
    from PIL import Image

    if im.mode in ("RGB", "L"):
        return im
    if im.mode in ("RGBA", "LA", "P", "PA") or "transparency" in im.info:
        im = im.convert("RGBA")
        paper = Image.new("RGB", im.size, (255, 255, 255))
        paper.paste(im, mask=im.getchannel("A"))
        return paper
    return im.convert("RGB")  # CMYK, I;16, YCbCr …


class _Jpeg:
    """JPEG bytes in the shape reportlab's drawImage embeds without decoding them.

    Handed an ImageReader, drawImage decodes every photo to RGB just to hash it; for a
    non-ImageReader it names the image by str() and, finding `jpeg_fh`, copies the JPEG
    stream as it is.  Equal photos get the same name and are stored once.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.name = "jpeg-" + hashlib.sha1(data).hexdigest()

    def jpeg_fh(self):
        return io.BytesIO(self.data)

    def __str__(self) -> str:
        return self.name


class PhotoRow(Flowable):
    """One row of photos of equal height, centred, each with its caption below.

    Each photo stands centred in a slot at least MIN_SLOT_CHARS characters wide, where its
    caption is set (a 1:6 strip would otherwise get one character per caption line).  A
    caption too long for `max_height` is cut with "…" (`truncated`): a row taller than a
    page could not be laid out at all.
    """

    def __init__(
        self,
        ts: Typesetter,
        photos: list[tuple[bytes | None, float, float, str]],
        caption_style: TextStyle,
        slots: list[float] | None = None,
        max_height: float | None = None,
    ) -> None:
        super().__init__()
        self.ts = ts
        self.photos = photos  # (jpeg or None, width, height, caption)
        self.caption_style = caption_style
        self.slots = slots or [w for _, w, _, _ in photos]
        self.img_h = max((h for _, _, h, _ in photos), default=0.0)
        leading = caption_style.leading
        max_lines = None if max_height is None else max(1, int((max_height - self.img_h - 3.0) // leading))
        self.truncated = False
        self._caption_lines = []
        for (*_, caption), slot in zip(photos, self.slots, strict=True):
            text = ts.clean(caption, caption_style.font)
            lines = ts.lines(text, caption_style, slot) if text else []
            if max_lines is not None and len(lines) > max_lines:
                self.truncated = True
                lines = lines[:max_lines]
                last = lines[-1].text[:-1] + "\u2026"
                lines[-1] = ts.lines(last, caption_style, slot)[0]
            self._caption_lines.append(lines)
        n = max((len(x) for x in self._caption_lines), default=0)
        self.cap_h = n * leading + (3.0 if n else 0.0)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = self.img_h + self.cap_h
        return availWidth, self.height

    def draw(self):
        from desktop.formats.typeset import draw_lines

        canv = self.canv
        total = sum(self.slots) + GAP * (len(self.photos) - 1)
        x = (self.width - total) / 2
        for (jpeg, w, h, _), slot, lines in zip(self.photos, self.slots, self._caption_lines, strict=True):
            y = self.cap_h + (self.img_h - h)  # photos share the bottom line
            px = x + (slot - w) / 2
            if jpeg is not None:
                canv.drawImage(_Jpeg(jpeg), px, y, w, h)
            else:
                self._placeholder(px, y, w, h)
            if lines:
                canv.saveState()
                canv.translate(x, 0)
                draw_lines(canv, lines, self.caption_style, slot, self.cap_h - 3.0)
                canv.restoreState()
            x += slot + GAP

    def _placeholder(self, x: float, y: float, w: float, h: float) -> None:
        from desktop.formats.typeset import draw_lines

        canv = self.canv
        canv.saveState()
        canv.setStrokeColorRGB(0.6, 0.6, 0.6)
        canv.setFillColorRGB(0.95, 0.95, 0.95)
        canv.rect(x, y, w, h, stroke=1, fill=1)
        style = self.caption_style.but(align="centre", color=(0.4, 0.4, 0.4))
        text = self.ts.clean("（图片无法读取）", style.font)
        lines = self.ts.lines(text, style, w)
        canv.translate(x, y + h / 2 + style.leading / 2)
        draw_lines(canv, lines, style, w, 0)
        canv.restoreState()


def layout(
    ts: Typesetter,
    photos: list[tuple[bytes, str]],
    width: float,
    max_height: float,
    caption_style: TextStyle,
    where: str,
    max_row_height: float | None = None,
) -> list[PhotoRow]:
    """`placed_rows` as flowables, each photo's caption set in `caption_style`; a caption
    too long for `max_row_height` (a page) is cut."""
    rows = []
    for placed, slots in placed_rows(photos, width, max_height, MIN_SLOT_CHARS * caption_style.size,
                                     where, ts.warnings):
        photo_row = PhotoRow(ts, placed, caption_style, slots, max_row_height)
        if photo_row.truncated:
            ts.warnings.append(f"{where}中有照片说明过长，超出一页的部分已省略")
        rows.append(photo_row)
    return rows


def placed_rows(
    photos: list[tuple[bytes, str]],
    width: float,
    max_height: float,
    min_slot: float,
    where: str,
    warnings: list[str],
) -> list[tuple[list[tuple[bytes | None, float, float, str]], list[float]]]:
    """Rows of photos fitting `width`: two per row, three when three portraits come alone;
    each row as its photos (print JPEG or None when unreadable, width, height, caption)
    and their slots. Needs no fonts: the Word export places photos as the PDF does.

    Within a row all photos get the same height and together fill the width (a justified
    gallery), so pictures of different shapes still line up; `max_height` caps it.  A
    captioned photo's slot is at least `min_slot` wide.
    """
    items: list[_Photo] = []
    for i, (data, caption) in enumerate(photos, start=1):
        px = probe(data)
        if px is None or px[0] <= 0 or px[1] <= 0:
            warnings.append(f"{where}的第 {i} 张图片无法读取，以空框代替")
            items.append(_Photo(None, (4, 3), caption))
        else:
            items.append(_Photo(data, px, caption))
    if not items:
        return []
    if len(items) == 3 and all(p.aspect <= 1.0 for p in items):
        groups = [items]
    else:
        groups = [items[i : i + 2] for i in range(0, len(items), 2)]
    sized: list[list[tuple[_Photo, float, float]]] = []
    prev_h: float | None = None
    for group in groups:
        if len(group) == 1:
            # A lone photo is not blown up to the full width; after a full row it takes
            # that row's height, so the figure keeps one size.
            h = min(max_height, width * 0.62 / group[0].aspect)
            if prev_h is not None:
                h = min(h, prev_h)
        else:
            h = _row_height(group, width - GAP * (len(group) - 1), max_height, min_slot)
        prev_h = h
        sized.append([(p, h * p.aspect, h) for p in group])
    jobs = [(p.data, w, h) for row in sized for p, w, h in row if p.data is not None]
    jpegs = iter(_for_print_all(jobs))
    rows = []
    for row in sized:
        placed = []
        for p, w, h in row:
            jpeg = next(jpegs) if p.data is not None else None
            if p.data is not None and jpeg is None:
                warnings.append(f"{where}中有图片无法读取，以空框代替")
            placed.append((jpeg, w, h, p.caption))
        rows.append((placed, [max(w, min_slot) if p.caption.strip() else w for p, w, _ in row]))
    return rows


def _row_height(group: list[_Photo], room: float, max_height: float, min_slot: float) -> float:
    """The common height of a row's photos so that they fill `room`, each captioned photo
    taking at least `min_slot` (a narrow one then stands in a wider slot)."""
    fixed: set[int] = set()
    while True:
        free = sum(p.aspect for i, p in enumerate(group) if i not in fixed)
        h = max_height if free <= 0 else min(max_height, (room - min_slot * len(fixed)) / free)
        narrow = {i for i, p in enumerate(group) if p.caption.strip() and h * p.aspect < min_slot}
        if narrow <= fixed:
            return h
        fixed |= narrow


def _for_print_all(jobs: list[tuple[bytes, float, float]]) -> list[bytes | None]:
    done: list[bytes | None] = [None] * len(jobs)
    todo = []
    for k, (data, w, h) in enumerate(jobs):
        if _kept_as_is(data, w, h):
            done[k] = data
        else:
            todo.append(k)
    if len(todo) <= 1:
        for k in todo:
            done[k] = for_print(*jobs[k])
        return done
    workers = min(len(todo), os.cpu_count() or 1, 4)
    from concurrent.futures import ThreadPoolExecutor  # only when photos are downscaled

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for k, out in zip(todo, pool.map(lambda k: for_print(*jobs[k]), todo), strict=True):
            done[k] = out
    return done
