"""How section text is measured and split, the same for the editor, the checks and print."""

from __future__ import annotations

from collections.abc import Iterable


def paragraphs(text: str) -> list[str]:
    """The printed paragraphs of a section text: its non-empty lines, trimmed."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def char_count(text: str) -> int:
    """Characters as a Chinese writer counts them: everything but spaces and line breaks."""
    return sum(1 for c in text if not c.isspace())


def case_chars(sections: Iterable[tuple[str, str]]) -> int:
    """Length of a case as the editor shows it and `check` judges it: titles and texts of
    its sections, given as (title, text) pairs."""
    return sum(char_count(title) + char_count(text) for title, text in sections)
