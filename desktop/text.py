"""How section text is measured and split, the same for the editor, the checks and print."""

from __future__ import annotations

from collections.abc import Iterable


def paragraphs(text: str) -> list[str]:
    """The printed paragraphs of a section text: its non-empty lines, trimmed."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def char_count(text: str) -> int:
    """Characters as a Chinese writer counts them: everything but spaces and line breaks."""
    return sum(1 for c in text if not c.isspace())


def case_chars(sections: Iterable[tuple[str, str]], value_of=None) -> int:
    """Length of a case as the editor shows it, `check` judges it and print shows it: titles
    and texts of its sections, given as (title, text) pairs. A live value counts as the value
    it prints (`value_of`, desktop.live.resolver), not as its stored marker ⟦id@year⟧."""
    from desktop import live

    return sum(char_count(title) + char_count(
        live.render(text, value_of)[0] if value_of is not None and live.has_markers(text) else text)
        for title, text in sections)
