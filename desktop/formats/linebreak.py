"""Chinese line breaking (禁则) for the PDF exporter, and a checker for tests.

reportlab's `wordWrap='CJK'` may break between any two CJK characters and only knows a
Japanese list of characters that cannot start a line: a line can begin with "，" or "”",
and nothing keeps "（" or "“" from ending one.  So the PDF does its own breaking here.

Method (推出, "push out"; nothing is squeezed in): a break is allowed between two wide
characters, at spaces, and between a wide and a narrow character, but never inside a run of
narrow characters (a number such as 10671.47, a word, "1+X"), never before a character of
NO_START and never after one of NO_END.  Lines are filled greedily with the unbreakable
pieces; when a piece such as "生，" does not fit, the whole piece moves to the next line,
and the caller spreads the one character's worth of space left over across the line
(justification).  Hanging punctuation in the margin was rejected: in table cells it would
run into the grid.

Pure Python: the caller provides the advance width of a character.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import accumulate

from msgspec import Struct

# May not begin a line: closing punctuation and marks that belong to what precedes them.
# The first line is the rule as published (GB/T 15834 and common 避头尾 lists), the
# second one ASCII and rarer forms that behave the same way.
NO_START = frozenset("，。、；：？！）》」』”’．％】〕〉］｝〗〙｠,.;:!?)]}%‰℃°′″")
# May not end a line: opening punctuation.
NO_END = frozenset("（《「『“‘【〔〈［｛〖〘｟([{")

# The checker uses only the characters the rules name, all full-width or curly: an ASCII
# "%" alone on a line of pdftotext output is normally a table cell (a unit), not a break.
CHECK_NO_START = frozenset("，。、；：？！）》」』”’．％】〕〉］｝")
CHECK_NO_END = frozenset("（《「『“‘【〔〈［｛")

_FUZZ = 1e-6


@lru_cache(maxsize=8192)
def is_wide(ch: str) -> bool:
    """True for characters that sit in their own square: a break may fall on either side."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _is_space(ch: str) -> bool:
    return ch == " " or ch == "\u3000"


class Line(Struct, frozen=True):
    text: str
    width: float  # natural width, without spacing added for justification
    last: bool  # ends the paragraph or a hard break: never justified


class _Classes(dict):
    """Code point -> its class for `break_points`, filled as characters are met:
    w/n wide/narrow, A/a may not start a line (wide/narrow), Z/z may not end one, s space."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if _is_space(ch):
            k = "s"
        elif ch in NO_START:
            k = "A" if is_wide(ch) else "a"
        elif ch in NO_END:
            k = "Z" if is_wide(ch) else "z"
        else:
            k = "w" if is_wide(ch) else "n"
        self[code] = k
        return k


_CLASSES = _Classes()
# A break before a position (between the classes of the characters on either side): never
# before A/a nor after Z/z; at spaces unless the next visible character is A/a (or, group
# "sp", the last one before the spaces is Z/z: checked by the caller); else where a wide
# character is on either side.  Every alternative is empty, so each match is a position.
_BREAK = re.compile(
    r"(?<=[^Zz])(?=s+(?:[^Aas]|$))"
    r"|(?<=[wA])(?=[^Aas])"
    r"|(?<=[^Zzs])(?=[wZ])"
)
_AFTER_SPACES = re.compile(r"(?<=s)(?=[^sAa])")
# Without spaces a break depends only on the two characters around it, and _BREAK comes
# down to: after w/A unless A/a follows, after n/a when w/Z follows. Matched here as the
# character before the break (one match per break instead of three look-arounds tried at
# every position); a test checks it against _BREAK.
_PAIR = re.compile(r"[wA](?=[wnZz])|[na](?=[wZ])")


def break_points(text: str) -> list[int]:
    """Indices i (0 < i < len) before which a line may break, in increasing order."""
    k = text.translate(_CLASSES)
    if "s" not in k:
        return [m.end() for m in _PAIR.finditer(k)]
    points = [m.start() for m in _BREAK.finditer(k)]
    if "s" in k:
        # after spaces: not if the text before them ends with a NO_END character
        after = [i for i in (m.start() for m in _AFTER_SPACES.finditer(k))
                 if k[:i].rstrip("s")[-1:] not in ("Z", "z")]
        if after:
            points = sorted(points + after)
    return points


def break_lines(
    text: str,
    advance: Callable[[str], float],
    widths: Sequence[float],
) -> list[Line]:
    """Break `text` into lines no wider than widths[i] (the last width repeats).

    A "\\n" is a hard break.  Spaces at the start and end of lines are dropped.
    """
    lines: list[Line] = []
    for part in text.split("\n"):
        _break_part(part, advance, widths, lines)
    return lines


def _break_part(
    text: str,
    advance: Callable[[str], float],
    widths: Sequence[float],
    out: list[Line],
) -> None:
    first = len(out)
    _fill(text, advance, widths, out)
    if len(out) - first >= 2:
        _no_lonely_last(out, advance, widths)


def _fill(
    text: str,
    advance: Callable[[str], float],
    widths: Sequence[float],
    out: list[Line],
) -> None:
    def width_for(index: int) -> float:
        return widths[index] if index < len(widths) else widths[-1]

    # Unbreakable pieces between consecutive break points, and their widths (a sum over
    # the characters in order, as everywhere: the same numbers to the last bit).
    bounds = [0, *break_points(text), len(text)]
    pieces = [text[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)]
    char_w = list(map(advance, text))
    if len(pieces) == len(text):
        piece_w = char_w
    else:
        piece_w = [char_w[a] if b - a == 1 else sum(char_w[a:b]) for a, b in itertools.pairwise(bounds)]

    cur: list[str] = []
    cur_w = 0.0

    def flush(last: bool) -> None:
        nonlocal cur, cur_w
        s = "".join(cur)
        stripped = s.rstrip(" \u3000")
        if len(stripped) != len(s):
            cur_w -= sum(map(advance, s[len(stripped) :]))
        out.append(Line(stripped, max(cur_w, 0.0), last))
        cur = []
        cur_w = 0.0

    k, n = 0, len(pieces)
    while k < n:
        if cur:
            # Inside a line: the pieces that still fit, found at once (running widths in
            # C, then a binary search; the widths are never negative).
            fit = list(accumulate(piece_w[k:k + 64], initial=cur_w))
            m = bisect_right(fit, width_for(len(out)) + _FUZZ, 1) - 1
            if m:
                cur.extend(pieces[k:k + m])
                cur_w = fit[m]
                k += m
                continue
        piece, w = pieces[k], piece_w[k]
        k += 1
        if not cur:
            bare = piece.lstrip(" \u3000")  # no line starts with a space
            if not bare:
                continue
            if len(bare) != len(piece):
                piece, w = bare, sum(map(advance, bare))
        limit = width_for(len(out))
        if cur_w + w <= limit + _FUZZ:
            cur.append(piece)
            cur_w += w
            continue
        if cur:
            if not piece.strip(" \u3000"):
                flush(False)  # the overflowing piece is only spaces: drop them
                continue
            bare = piece.lstrip(" \u3000")
            if sum(map(advance, bare)) > width_for(len(out) + 1) + _FUZZ:
                # Too long for any line (a long URL): it is cut anyway, so its head fills
                # this line instead of leaving "访问" alone before a gap.
                cut = _head_that_fits(piece, advance, limit - cur_w)
                if cut:
                    cur.append(piece[:cut])
                    cur_w += sum(map(advance, piece[:cut]))
                    piece = piece[cut:]
            flush(False)
            piece = piece.lstrip(" \u3000")
            w = sum(map(advance, piece))
            limit = width_for(len(out))
        if w <= limit + _FUZZ:
            cur = [piece]
            cur_w = w
            continue
        # A single piece wider than the line (a long URL, a run of punctuation): cut it.
        for chunk, chunk_w, done in _force_split(piece, advance, width_for, len(out)):
            if done:
                cur = [chunk]
                cur_w = chunk_w
            else:
                out.append(Line(chunk, chunk_w, False))
    if cur or not out or text == "":
        flush(True)
    else:
        # The text ended with spaces that were dropped: the previous line is the last.
        prev = out[-1]
        out[-1] = Line(prev.text, prev.width, True)


def _head_that_fits(piece: str, advance: Callable[[str], float], room: float) -> int:
    """How many characters of `piece` to put in `room` so that the cut keeps the rules
    (0: none)."""
    w = 0.0
    cut = 0
    while cut < len(piece) and w + advance(piece[cut]) <= room + _FUZZ:
        w += advance(piece[cut])
        cut += 1
    if cut >= len(piece):
        return 0  # the caller only asks for pieces that do not fit
    while cut > 0 and (piece[cut] in NO_START or piece[cut - 1] in NO_END):
        cut -= 1
    return cut if piece[:cut].strip(" \u3000") else 0


def _force_split(
    piece: str,
    advance: Callable[[str], float],
    width_for: Callable[[int], float],
    line_no: int,
):
    """Cut an over-long piece into line-sized chunks, preferring cuts that keep the rules.

    Yields (chunk, width, is_final); the final chunk stays open for following pieces.
    """
    start = 0
    n = len(piece)
    while start < n:
        limit = width_for(line_no)
        w = 0.0
        end = start
        while end < n and (w + advance(piece[end]) <= limit + _FUZZ or end == start):
            w += advance(piece[end])
            end += 1
        if end >= n:
            yield piece[start:], w, True
            return
        # Move the cut back so the next line does not start with a NO_START character
        # nor this one end with a NO_END one, if that leaves something on this line.
        cut = end
        while cut > start + 1 and (piece[cut] in NO_START or piece[cut - 1] in NO_END):
            cut -= 1
        if cut == start + 1 and (piece[cut] in NO_START or piece[cut - 1] in NO_END):
            cut = end  # nothing better: keep the full line
        chunk = piece[start:cut]
        yield chunk, sum(map(advance, chunk)), False
        start = cut
        line_no += 1


def _no_lonely_last(out: list[Line], advance: Callable[[str], float], widths: Sequence[float]) -> None:
    """Avoid a last line holding a single character ("个。"): bring the last piece of
    the line before down with it, if that costs the line before at most two characters."""
    last = out[-1]
    if sum(1 for c in last.text if c not in NO_START and not _is_space(c)) > 1:
        return
    prev = out[-2]
    points = break_points(prev.text)
    if not points:
        return
    cut = points[-1]
    head = prev.text[:cut].rstrip(" \u3000")
    moved = prev.text[cut:].lstrip(" \u3000")
    sep = " " if _is_space(prev.text[cut - 1]) or _is_space(prev.text[cut]) else ""
    if not head or not moved:
        return
    index = len(out) - 1
    limit = widths[index] if index < len(widths) else widths[-1]
    new_last = moved + (sep if sep and last.text else "") + last.text
    last_w = sum(map(advance, new_last))
    moved_w = prev.width - sum(map(advance, head))
    if last_w > limit + _FUZZ or moved_w > 2 * advance("\u4e00") + _FUZZ:
        return
    out[-2] = Line(head, sum(map(advance, head)), False)
    out[-1] = Line(new_last, last_w, True)


class Violation(Struct, frozen=True):
    line: int  # index in the list given to line_break_violations
    kind: str  # "start": begins with a forbidden character; "end": ends with one
    text: str

    def __str__(self) -> str:
        where = "starts" if self.kind == "start" else "ends"
        return f"line {self.line} {where} with a forbidden character: {self.text!r}"


def line_break_violations(lines: list[str]) -> list[Violation]:
    """Lines (e.g. of `pdftotext` output) that start or end with a forbidden character.

    Whitespace at either end is ignored, and so are blank lines.
    """
    found: list[Violation] = []
    for i, raw in enumerate(lines):
        s = raw.strip().strip("\u3000").strip()
        if not s:
            continue
        if s[0] in CHECK_NO_START:
            found.append(Violation(i, "start", raw))
        if s[-1] in CHECK_NO_END:
            found.append(Violation(i, "end", raw))
    return found
