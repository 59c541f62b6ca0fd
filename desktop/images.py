"""Photos for figures: refused when not an image, turned upright, scaled, re-encoded.

Stored photos are at most `MAX_SIDE` pixels on their long side (enough for a half-page
photo at print resolution) so a report file with hundreds of photos stays small.
"""

from __future__ import annotations

import io
import warnings

from msgspec import Struct

from desktop.errors import UserError

MAX_SIDE = 1600
MAX_PIXELS = 120_000_000  # above this Pillow would need gigabytes: refuse, never decode
MAX_BYTES = 60 * 1024 * 1024


class ImageRefused(UserError, ValueError):
    """The file is not a usable photo; the message is one Chinese sentence."""


class Photo(Struct, frozen=True):
    data: bytes  # JPEG (or PNG when the source has transparency)
    width: int
    height: int


def prepare(raw: bytes, name: str = "图片") -> Photo:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(raw) > MAX_BYTES:
        raise ImageRefused(f"{name} 超过 {MAX_BYTES // 1024 // 1024} MB，无法插入。")
    try:
        with warnings.catch_warnings():
            # Our own limit (checked before decoding) replaces Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(f"{name} 像素过多（{image.width}×{image.height}），无法插入。")
            image.load()
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused(f"{name} 像素过多，无法插入。") from None
    except UnidentifiedImageError:
        raise ImageRefused(f"{name} 不是可识别的图片文件。") from None
    except (OSError, ValueError, SyntaxError):  # truncated or malformed data
        raise ImageRefused(f"{name} 已损坏或不完整，无法读取。") from None
    image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I"):
        # 16- and 32-bit greyscale (scans, some cameras' PNGs): a plain convert clips every
        # value above 255 to white; scale the range down to 8 bits instead
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")  # CMYK, palette, 16-bit → RGB
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if has_alpha:
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=85, optimize=True)
    return Photo(out.getvalue(), image.width, image.height)


def placeholder(seed: str, width: int = 960, height: int = 640) -> Photo:
    """A quiet generated picture standing in for a photo that is not available."""
    import hashlib

    from PIL import Image, ImageDraw

    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    hue = digest[0] / 255
    import colorsys

    def rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
        return int(r * 255), int(g * 255), int(b * 255)

    image = Image.new("RGB", (width, height), rgb(hue, 0.18, 0.93))
    draw = ImageDraw.Draw(image)
    # a horizon and a few soft shapes, so pages look like a report with photos
    draw.rectangle([0, height * 0.62, width, height], fill=rgb(hue + 0.08, 0.25, 0.78))
    for i in range(4):
        x = (digest[1 + i] / 255) * width
        r = 40 + digest[5 + i] % 90
        y = height * 0.62 - r * 0.6
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rgb(hue + 0.15 * i, 0.35, 0.85))
    draw.rectangle([8, 8, width - 9, height - 9], outline=rgb(hue, 0.3, 0.6), width=4)
    # a camera glyph in the centre: "photo goes here"
    cx, cy = width // 2, height // 2
    draw.rounded_rectangle([cx - 70, cy - 45, cx + 70, cy + 50], 12, outline=(255, 255, 255), width=6)
    draw.ellipse([cx - 28, cy - 20, cx + 28, cy + 36], outline=(255, 255, 255), width=6)
    draw.rectangle([cx - 30, cy - 60, cx + 5, cy - 45], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return Photo(out.getvalue(), width, height)
