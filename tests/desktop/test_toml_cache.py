"""Parsed edition texts are kept between runs; the cache never decides what a text says."""

from __future__ import annotations

import tomllib
import zlib

import pytest

from desktop import settings, toml_cache
from desktop.template import source

TEXT = source("2022")


def entries():
    return sorted((settings.cache_dir() / "editions").glob("*.marshal"))


def test_an_edition_parsed_once_is_read_back_the_same():
    assert entries() == []
    first = toml_cache.loads(TEXT)
    (entry,) = entries()
    assert first == tomllib.loads(TEXT)
    assert toml_cache.loads(TEXT) == first
    assert entries() == [entry]


def test_the_entry_is_what_is_read(monkeypatch):
    """A well-formed entry for this text is used as it is (so the parse is skipped)."""
    toml_cache.loads(TEXT)
    (entry,) = entries()
    raw = TEXT.encode("utf-8")
    body = __import__("marshal").dumps((raw, {"edition": {"id": "from-the-cache"}}))
    entry.write_bytes(toml_cache._MAGIC + zlib.crc32(body).to_bytes(4, "little") + body)
    assert toml_cache.loads(TEXT) == {"edition": {"id": "from-the-cache"}}


def test_a_damaged_entry_or_another_text_under_its_name_is_parsed_again():
    toml_cache.loads(TEXT)
    (entry,) = entries()
    good = entry.read_bytes()
    other = __import__("marshal").dumps((b"another text", {"x": 1}))
    for damage in (good[: len(good) // 2], good[:-1] + bytes([good[-1] ^ 1]), b"", b"junk",
                   toml_cache._MAGIC + zlib.crc32(other).to_bytes(4, "little") + other,
                   toml_cache._MAGIC + zlib.crc32(b"\x00").to_bytes(4, "little") + b"\x00"):
        entry.write_bytes(damage)
        assert toml_cache.loads(TEXT) == tomllib.loads(TEXT)
        assert entry.read_bytes() == good  # written anew


def test_dates_are_parsed_but_not_kept():
    text = 'when = 2024-09-01\n[edition]\nid = "x"\n'
    assert toml_cache.loads(text) == tomllib.loads(text)
    assert entries() == []


def test_a_cache_that_cannot_be_written_costs_only_the_parse(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("QREPORT_HOME", str(blocked))
    assert toml_cache.loads(TEXT) == tomllib.loads(TEXT)


def test_a_text_that_is_not_toml_raises_as_tomllib_does():
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_cache.loads('[edition]\nid = "x\n')
    assert entries() == []


def test_the_folder_keeps_the_texts_written_last(monkeypatch):
    monkeypatch.setattr(toml_cache, "KEEP", 3)
    texts = [f'[edition]\nid = "draft-{n}"\n' for n in range(5)]
    for text in texts:
        toml_cache.loads(text)
    assert len(entries()) == 3
    toml_cache.loads(texts[-1])  # a kept one: read, nothing written or removed
    assert len(entries()) == 3
    kept = {e.read_bytes() for e in entries()}
    assert all(any(t.encode() in blob for blob in kept) for t in texts[2:])
