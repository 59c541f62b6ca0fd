"""Bundled fonts: used in place from source, unpacked once from .xz in the installed bundle."""

from __future__ import annotations

import lzma

import pytest

from desktop import font_files


def test_source_checkout_uses_the_files_in_place():
    path = font_files.font_path("NotoSansSC_400Regular.ttf")
    assert path.is_file() and path.parent.name == "fonts" and path.suffix == ".ttf"


@pytest.fixture
def packed_only(tmp_path, monkeypatch):
    """A resources folder as the bundle has it: fonts only as .xz."""
    root = tmp_path / "bundle"
    (root / "fonts").mkdir(parents=True)
    data = bytes(range(256)) * 4000
    (root / "fonts" / "X.ttf.xz").write_bytes(lzma.compress(data))
    monkeypatch.setattr(font_files.resources, "files", lambda package: root)
    return root, data


def test_packed_font_is_unpacked_once(packed_only):
    _, data = packed_only
    first = font_files.font_path("X.ttf")
    assert first.read_bytes() == data
    stamp = first.stat().st_mtime_ns
    assert font_files.font_path("X.ttf") == first
    assert first.stat().st_mtime_ns == stamp  # not unpacked again
    assert not list(first.parent.glob("*.partial"))


def test_a_new_packed_font_replaces_the_unpacked_one(packed_only):
    root, _ = packed_only
    font_files.font_path("X.ttf")
    (root / "fonts" / "X.ttf.xz").write_bytes(lzma.compress(b"new font" * 10))
    assert font_files.font_path("X.ttf").read_bytes() == b"new font" * 10


def test_missing_font(packed_only):
    with pytest.raises(FileNotFoundError, match=r"Y\.ttf"):
        font_files.font_path("Y.ttf")
