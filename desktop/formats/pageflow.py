"""Pages from a list of blocks: the little of reportlab's platypus the report needs.

Importing `reportlab.platypus` costs an export ~50 ms (its package imports the paragraph
parser, whose large regular expressions compile on import) for features the report does
not use: our text is broken by `linebreak` and drawn by `typeset`.  This module flows
blocks into one frame per page with the rules platypus applied to them, so the pages are
the same: space before a block is dropped at the top of a page and overlaps the space
after the block before it; a block that does not fit is split (`split`) or moves to the
next page; `PageBreak`, `NextTemplate` (the template of the pages after the next break),
`NeedSpace` (a new page unless what follows can start here) and `KeepTogether` (a
figure: whole on one page unless it is taller than a page).

A block has `wrap(avail_width, avail_height) -> (w, h)`, `split(avail_width,
avail_height) -> list` ([] when nothing useful fits), `draw()` (on `self.canv`, origin at
its bottom left), `getSpaceBefore()`/`getSpaceAfter()` and `hAlign`.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct

FUZZ = 1e-6


class LayoutError(Exception):
    """A block that no page can hold (a programming error: every block can split)."""


class Flowable:
    """Base of everything placed on a page."""

    hAlign = "LEFT"
    width = 0.0
    height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list:
        return []

    def getSpaceBefore(self) -> float:
        return getattr(self, "spaceBefore", 0.0)

    def getSpaceAfter(self) -> float:
        return getattr(self, "spaceAfter", 0.0)

    def draw(self) -> None:
        pass

    def drawOn(self, canv, x: float, y: float, _sW: float = 0.0) -> None:
        if _sW:
            if self.hAlign in ("CENTER", "CENTRE"):
                x += 0.5 * _sW
            elif self.hAlign == "RIGHT":
                x += _sW
        canv.saveState()
        canv.translate(x, y)
        self.canv = canv
        self.draw()
        del self.canv
        canv.restoreState()


class Spacer(Flowable):
    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height


class PageBreak:
    """End the page here."""


class NextTemplate(Struct):
    """The pages after the next page break use template `name`."""

    name: str


class NeedSpace:
    """Start a new page unless `needed(avail_width, avail_height, frame_height)` fits."""

    def needed(self, avail_width: float, avail_height: float) -> float:  # pragma: no cover
        raise NotImplementedError


class KeepTogether(Flowable):
    """Blocks kept on one page, unless together they are taller than a page."""

    def __init__(self, content: list) -> None:
        self.content = content

    def getSpaceBefore(self) -> float:
        return self.content[0].getSpaceBefore() if self.content else 0.0

    def getSpaceAfter(self) -> float:
        return self.content[-1].getSpaceAfter() if self.content else 0.0

    def total_height(self, aw: float) -> tuple[float, float]:
        """(height of all the blocks with the space between them, of the first block)."""
        total = 0.0
        first = None
        prev_after = 0.0
        at_top = True
        for f in self.content:
            _, h = f.wrap(aw, 0xFFFFFFF)
            if h <= FUZZ:
                continue
            if first is None:
                first = h
            total += h
            if not at_top:
                total += max(f.getSpaceBefore() - prev_after, 0.0)
            at_top = False
            prev_after = f.getSpaceAfter()
            total += prev_after
        return total - prev_after, first or 0.0


class PageTemplate(Struct):
    name: str
    on_page: Callable | None = None  # on_page(canvas) when a page of this template begins


class Frame(Struct):
    """The text block of a page, filled from the top."""

    x: float
    y: float  # bottom
    width: float
    height: float
    # set by __post_init__ and reset(), not passed in
    top: float = 0.0
    cursor: float = 0.0
    at_top: bool = True
    prev_after: float = 0.0

    def __post_init__(self) -> None:
        self.top = self.y + self.height
        # as platypus computes it (right edge - left edge): the same rounding, same lines
        self.width = (self.x + self.width) - self.x
        self.reset()

    def reset(self) -> None:
        self.cursor = self.top
        self.at_top = True
        self.prev_after = 0.0

    def space_before(self, f) -> float:
        if self.at_top:
            return 0.0
        return max(f.getSpaceBefore() - self.prev_after, 0.0)

    def add(self, f, canv) -> bool:
        """Draw `f` here if it fits; False if it does not."""
        s = self.space_before(f)
        h = self.cursor - self.y - s
        if h <= 0:
            return False
        w, h = f.wrap(self.width, h)
        h += s  # (in this order: the same rounding as platypus, so the same positions)
        y = self.cursor - h
        if y < self.y - FUZZ:
            return False
        f.drawOn(canv, self.x, y, _sW=self.width - w)
        after = f.getSpaceAfter()
        y -= after
        self.prev_after = after
        if y != self.cursor:
            self.at_top = False
        self.cursor = y
        return True

    def split(self, f) -> list:
        s = self.space_before(f)
        h = self.cursor - self.y - s
        if h <= 0:
            return []
        return f.split(self.width, h)


def build(canv, frame: Frame, templates: list[PageTemplate], story: list) -> None:
    """Flow `story` into pages of `canv` (one `frame` per page), starting with the first
    template, and save the canvas."""
    by_name = {t.name: t for t in templates}
    template = templates[0]
    next_template: PageTemplate | None = None
    page_open = False
    page_blocks = 0
    empty_pages = 0
    story = list(story)
    story.reverse()  # a stack: pop() takes the next block

    def begin_page() -> None:
        nonlocal page_open, page_blocks
        if template.on_page is not None:
            template.on_page(canv)
        frame.reset()
        page_open, page_blocks = True, 0

    def end_page() -> None:
        nonlocal page_open, template, next_template, empty_pages
        empty_pages = empty_pages + 1 if page_blocks == 0 else 0
        if empty_pages >= 10:
            raise LayoutError("more than 10 pages without content")
        canv.setPageRotation(0)
        canv.showPage()
        if next_template is not None:
            template, next_template = next_template, None
        page_open = False

    while story:
        if not page_open:
            begin_page()
        f = story.pop()
        if isinstance(f, PageBreak):
            end_page()
        elif isinstance(f, NextTemplate):
            next_template = by_name[f.name]
        elif isinstance(f, NeedSpace):
            if not frame.at_top:
                aw, ah = frame.width, frame.cursor - frame.y
                if ah < min(f.needed(aw, ah), frame.height - 1):
                    end_page()
            frame.prev_after = 0.0  # as platypus: the break carries no space after
        elif isinstance(f, KeepTogether):
            parts = _keep_together(f, frame)
            if parts is None:
                story.append(f)
                postponed_check(f)
                end_page()
            else:
                story.extend(reversed(parts))
        elif frame.add(f, canv):
            page_blocks += 1
        else:
            parts = frame.split(f)
            if parts:
                if not frame.add(parts[0], canv):
                    raise LayoutError(f"{parts[0]!r} does not fit after splitting")
                page_blocks += 1
                story.extend(reversed(parts[1:]))
            else:
                postponed_check(f)
                story.append(f)
                end_page()
    if page_open:
        end_page()
    canv.save()


def postponed_check(f) -> None:
    """A block moved to a new page twice fits no page.  (Marked on the block itself: the
    id of a block split and dropped may come back as the id of a new one.)"""
    if getattr(f, "_postponed", False):
        raise LayoutError(f"{f!r} is too large for any page")
    f._postponed = True


def _keep_together(f: KeepTogether, frame: Frame) -> list | None:
    """What to flow instead of `f` here: its blocks (they fit, or no page holds them all),
    or None: a new page first."""
    s = frame.space_before(f)
    ah = frame.cursor - frame.y - s
    if ah <= 0:
        return None
    total, first = f.total_height(frame.width)
    if total > ah or first > ah:
        return list(f.content) if frame.at_top else None
    return list(f.content)
