"""Reordering the photos of a figure (used by the chapter tab's 左移/右移)."""

from __future__ import annotations

import pytest

from db.store import ReportFile


@pytest.fixture
def rf(tmp_path):
    with ReportFile.create(tmp_path / "r.qreport", {"school": "测试学校", "edition": "2022",
                                                     "year": "2021"}) as f:
        yield f


def test_move_photo_reorders_and_returns_old_index(rf):
    root = rf.chapter_root("service")
    fig = rf.add_figure(root, "图", [(b"a", "甲", 1, 1), (b"b", "乙", 1, 1), (b"c", "丙", 1, 1)])
    first, _, third = rf.figures(root)[0].photos
    assert rf.move_photo(third.id, 0) == 2
    assert [p.caption for p in rf.figures(root)[0].photos] == ["丙", "甲", "乙"]
    # out-of-range targets are clamped; undo is a move back to the returned index
    old = rf.move_photo(first.id, 99)
    assert [p.caption for p in rf.figures(root)[0].photos] == ["丙", "乙", "甲"]
    rf.move_photo(first.id, old)
    assert [p.caption for p in rf.figures(root)[0].photos] == ["丙", "甲", "乙"]
    assert rf.changes(1)[0].kind == "photo.move"
    assert fig == rf.figures(root)[0].id


def test_move_photo_after_a_delete_renumbers(rf):
    root = rf.chapter_root("service")
    rf.add_figure(root, "图", [(b"a", "甲", 1, 1), (b"b", "乙", 1, 1), (b"c", "丙", 1, 1)])
    _, b, c = rf.figures(root)[0].photos
    rf.delete_photo(b.id)
    rf.move_photo(c.id, 0)
    assert [(p.caption, p.position) for p in rf.figures(root)[0].photos] == [("丙", 0), ("甲", 1)]
    with pytest.raises(KeyError):
        rf.move_photo(12345, 0)
