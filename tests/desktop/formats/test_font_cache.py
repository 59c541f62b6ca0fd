"""Parsed fonts are cached between runs; a damaged cache is ignored and rebuilt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import settings
from desktop.formats import font_cache, fonts

ROOT = Path(__file__).resolve().parents[3]
FONT = fonts.font_file(fonts.HEI)


def entries() -> list[Path]:
    return sorted((settings.cache_dir() / "fonts").glob("*.face"))


def same_metrics(a, b) -> None:
    assert a.charToGlyph == b.charToGlyph and a.charWidths == b.charWidths
    assert list(a.glyphPos) == list(b.glyphPos)
    assert [a.hmetrics[g] for g in range(0, a.numGlyphs, 97)] == \
           [tuple(b.hmetrics[g]) for g in range(0, b.numGlyphs, 97)]
    assert a.glyphToChar == b.glyphToChar
    assert (a.ascent, a.descent, a.name, a.unitsPerEm) == (b.ascent, b.descent, b.name, b.unitsPerEm)


def test_the_second_load_comes_from_the_cache_with_the_same_metrics():
    assert entries() == []
    parsed = font_cache.load_face(FONT)
    assert type(parsed).__name__ == "TTFontFace"
    (entry,) = entries()
    assert entry.name.startswith(__import__("hashlib").sha256(FONT.read_bytes()).hexdigest())
    cached = font_cache.load_face(FONT)
    assert type(cached).__name__ == "CachedFace"
    same_metrics(cached, parsed)
    # subsetting reads glyphs from the mapped file: the same bytes as a parse produces
    subset = [ord(c) for c in "质量年度报告，。"]
    assert cached.makeSubset(subset) == parsed.makeSubset(subset)


def test_a_cached_font_measures_text_as_a_parsed_one():
    parsed = font_cache.ttfont("ParsedHei", FONT)  # the first load parses the file
    cached = font_cache.ttfont("CachedHei", FONT)
    assert type(cached.face).__name__ == "CachedFace"
    for text in ("质量年度报告（2022）", "Abc 10671.47，％", "\u00a0𠂇"):
        assert cached.stringWidth(text, 10.5) == pytest.approx(parsed.stringWidth(text, 10.5))
        assert [ord(c) in cached.face.charToGlyph for c in text] == \
               [ord(c) in parsed.face.charToGlyph for c in text]


def test_an_entry_of_an_older_format_is_removed_when_the_new_one_is_written():
    font_cache.load_face(FONT)
    (entry,) = entries()
    older = entry.with_name(entry.name.replace(f"-v{font_cache.FORMAT}.face", "-v1.face"))
    older.write_bytes(b"an entry in the previous format")
    entry.unlink()
    font_cache.load_face(FONT)  # parses again and writes the entry of this format
    assert entries() == [entry]


def test_a_damaged_entry_is_ignored_and_rebuilt():
    font_cache.load_face(FONT)
    (entry,) = entries()
    good = entry.read_bytes()
    for damage in (good[: len(good) // 2], good[:-1] + bytes([good[-1] ^ 1]), b"", b"garbage"):
        entry.write_bytes(damage)
        face = font_cache.load_face(FONT)
        assert type(face).__name__ == "TTFontFace"  # parsed again, not read from the damage
        assert entry.read_bytes() == good  # and the entry written anew
    assert type(font_cache.load_face(FONT)).__name__ == "CachedFace"


def test_an_entry_with_a_right_checksum_but_wrong_content_is_rebuilt():
    """A foreign or buggy writer: the CRC-32 matches, what it covers does not make a face."""
    import pickle
    import zlib

    font_cache.load_face(FONT)
    (entry,) = entries()
    good = entry.read_bytes()
    short = pickle.dumps({"_arrays": {"charToGlyph.keys": ("I", 0, 10 ** 6)}})
    for body in (b"not a pickle", short, pickle.dumps(["a list"])):
        entry.write_bytes(font_cache._MAGIC + font_cache._HEAD.pack(zlib.crc32(body), len(body))
                          + body)
        assert type(font_cache.load_face(FONT)).__name__ == "TTFontFace"
        assert entry.read_bytes() == good


def test_a_damaged_or_stale_index_only_costs_a_hash():
    font_cache.load_face(FONT)
    index = settings.cache_dir() / "fonts" / "index.json"
    stale = json.dumps({str(FONT): [1, 2, "0000"]})  # another size and time: hashed again
    for damage in ("{not json", "[1, 2]", stale):
        index.write_text(damage, encoding="utf-8")
        assert type(font_cache.load_face(FONT)).__name__ == "CachedFace"
    assert str(FONT) in index.read_text(encoding="utf-8")


def test_a_cache_that_cannot_be_written_does_not_stop_an_export(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("QREPORT_HOME", str(blocked))
    face = font_cache.load_face(FONT)
    assert face.charToGlyph[ord("质")]


def test_pdf_is_byte_identical_with_and_without_the_cache(sample_path, tmp_path):
    """Whole processes (fonts are registered once per process), reportlab's invariant mode."""
    code = ("import sys\nfrom reportlab import rl_config\nrl_config.invariant = 1\n"
            "from desktop.cli import main\n"
            "sys.exit(main(['export', sys.argv[1], '--pdf', sys.argv[2]]))")
    outs = []
    for n in range(2):  # the first run parses and fills the cache, the second reads it
        out = tmp_path / f"{n}.pdf"
        done = subprocess.run([sys.executable, "-c", code, str(sample_path), str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
        assert len(entries()) == 3
    assert outs[0] == outs[1]
