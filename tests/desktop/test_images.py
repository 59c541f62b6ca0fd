"""Photos: hostile and odd images are refused or normalised, never a crash."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from desktop import images


def encode(image: Image.Image, fmt: str = "JPEG", **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize(("orientation", "size"), [(1, (400, 200)), (3, (400, 200)),
                                                    (6, (200, 400)), (8, (200, 400))])
def test_exif_rotation_is_applied(orientation, size):
    exif = Image.Exif()
    exif[0x0112] = orientation
    raw = encode(Image.new("RGB", (400, 200), "red"), exif=exif.tobytes())
    photo = images.prepare(raw)
    assert (photo.width, photo.height) == size
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.size == size
        assert stored.getexif().get(0x0112) in (None, 1)  # no second rotation by viewers


def test_large_photo_is_scaled_and_cmyk_converted():
    raw = encode(Image.new("CMYK", (4000, 3000), (0, 128, 128, 0)))
    photo = images.prepare(raw)
    assert max(photo.width, photo.height) == images.MAX_SIDE
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.mode == "RGB" and stored.format == "JPEG"


def test_transparent_png_stays_png():
    photo = images.prepare(encode(Image.new("RGBA", (50, 40), (0, 0, 0, 0)), "PNG"))
    assert photo.data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "不是可识别的图片文件"),
        (b"%PDF-1.7 not an image", "不是可识别的图片文件"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "不是可识别的图片文件"),
    ],
)
def test_not_an_image(raw, message):
    with pytest.raises(images.ImageRefused, match=message):
        images.prepare(raw, "x.jpg")


def test_truncated_jpeg():
    raw = encode(Image.effect_noise((800, 600), 50).convert("RGB"))
    with pytest.raises(images.ImageRefused, match="损坏或不完整"):
        images.prepare(raw[: len(raw) // 2], "半张.jpg")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size: the decompression-bomb shape, without the bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [20_000, 60_000])
def test_decompression_bomb_refused_before_decoding(side):
    with pytest.raises(images.ImageRefused) as caught:
        images.prepare(png_header_only(side, side), "bomb.png")
    assert "像素过多" in str(caught.value) or "不是可识别" in str(caught.value)


def test_a_hundred_megapixels_is_accepted_and_scaled():
    raw = encode(Image.new("L", (10_000, 10_000), 128), "PNG", optimize=False)
    photo = images.prepare(raw, "大图.png")
    assert (photo.width, photo.height) == (images.MAX_SIDE, images.MAX_SIDE)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(raw):
    try:
        photo = images.prepare(raw)
    except images.ImageRefused as exc:
        assert str(exc)
    else:
        assert photo.width > 0 and photo.height > 0


def test_sixteen_bit_greyscale_keeps_its_tones():
    """Found by the exporter review: a plain convert clipped every value above 255 to white."""
    raw = encode(Image.new("I;16", (64, 64), 40000), "PNG")
    photo = images.prepare(raw)
    with Image.open(io.BytesIO(photo.data)) as stored:
        tone = stored.convert("L").getpixel((32, 32))
    assert abs(tone - 40000 // 256) <= 3
