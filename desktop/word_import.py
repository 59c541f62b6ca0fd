"""Importing a Word report: its outline, text, tables, figures and values.

`plan_word_import` reads the document (`formats.docx_read`) and works out, without writing
anything, what it holds in the edition's terms:

- headings: by Word's heading styles where the writer used them, otherwise (most school
  documents) by their numbering and look: 一、/（一）/1./（1）/1.1/1.1.1, 案例…, short bold
  or 黑体/楷体 lines.  A level's numbering is read the way the chapter numbers its sections
  (the case chapter numbers them 一、/（一）);
- chapters: matched to the edition's chapters by title (二、学生发展 → 学生发展; a title
  containing the edition's, or close to it); the numbers are stripped, qreport numbers;
- paragraphs as typed, with leading full-width spaces and soft line breaks cleaned;
- tables: the edition's indicator tables (and the chapters' fixed tables) recognised by
  their rows through the one matcher (`desktop.matcher`) and imported as values; free
  tables matched to the edition's table kinds by their header; any other table kept as a
  plain table with its caption (the 表 N-M line above it);
- pictures with the caption line under them (图 N-M …) become figures.

`apply_word_import` then writes it all in one transaction after a backup: each chapter
found replaces the report's chapter of the same title, the others stay.  `write`/`unwrite`
are the undoable halves the GUI uses.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from msgspec import Struct, field

from desktop.document import SEQ_HEADS
from desktop.earlier import earlier_editions
from desktop.errors import UserError
from desktop.report import Report, ValueRefused
from desktop.template import Chapter

_CN = "一二三四五六七八九十百零〇两"
# A heading's number, by the numbering style it is written in (the keys are the template's
# numbering styles where there is one).
_NUMBERS = [
    ("第一章", re.compile(rf"^第\s*[{_CN}\d]+\s*[章部篇节](?:分)?\s*[、.．:：]?\s*")),
    ("一、", re.compile(rf"^[{_CN}]+\s*[、.．]\s*")),
    ("（一）", re.compile(rf"^[（(]\s*[{_CN}]+\s*[）)]\s*[、.．]?\s*")),
    ("1.1.1", re.compile(r"^\d{1,2}\s*[.．]\s*\d{1,2}\s*[.．]\s*\d{1,2}(?![\d.．%])[.．、]?\s*")),
    ("1.1", re.compile(r"^\d{1,2}\s*[.．]\s*\d{1,2}(?![\d.．%])[.．、]?\s*")),
    ("1.", re.compile(r"^\d{1,2}\s*[.．、](?!\d)\s*")),
    ("(1)", re.compile(r"^[（(]\s*\d{1,2}\s*[）)]\s*[、.．]?\s*")),
    ("1 ", re.compile(r"^\d{1,2}\s+(?=[^\d\s.．%％])")),  # 2024年度: "1 基本情况"
]
_DEFAULT_LEVEL = {"第一章": 0, "一、": 0, "1 ": 0, "（一）": 1, "1.1": 1, "1.": 2, "1.1.1": 2, "(1)": 3}
_CASE = re.compile(r"^案例\s*(?P<number>[\d一二三四五六七八九十]+(?:\s*[-－—.．]\s*\d+)?)?\s*[：:、.．]?\s*")
_CAPTION = re.compile(r"^(?P<kind>[表图])\s*(?P<number>\d+(?:\s*[-－—.．]\s*\d+)*)\s*[：:、.．]?\s*")
_END = ("。", "；", ";", "！", "!", "？", "?", "，", ",", "：", ":")
_SENTENCE_END = ("。", "！", "？", "!", "?", "；", "：", ":", "”", "…")
_PAGE_LINE = re.compile(r"^[-—－\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*共\s*\d+\s*页)?[-—－\s]*$")
_TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|-{3,}|_{3,}|\t|\s{2,})\s*\d+\s*$")
_SPACES = " \t\r\n\u3000\u00a0\u200b\ufeff"
MAX_HEADING = 40  # characters: a longer numbered line is a paragraph that starts with a number


class WordImportRefused(UserError):
    """The document cannot be imported at all; the message is one sentence."""


# ----------------------------------------------------------------------------- the plan
class PlannedTable(Struct):
    kind: str  # "free", "fixed" or "plain"
    ref: str  # the edition's table id ("" for plain)
    caption: str  # as found (without 表 N-M); "" for the edition's own
    rows: list[tuple[str, ...]]
    after: int  # paragraphs of the section before it
    stated_total: str | None = None


class PlannedFigure(Struct):
    caption: str
    photos: list[tuple[bytes, str, int, int]]  # prepared photo, its caption, width, height
    after: int
    chart: str | None = None  # one of our charts, read back from its mark (charts.ChartMark)


class PlannedSection(Struct):
    title: str
    level: int  # 0 for the chapter's own text
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[PlannedTable | PlannedFigure] = field(default_factory=list)  # document order
    sections: list[PlannedSection] = field(default_factory=list)

    @property
    def tables(self) -> list[PlannedTable]:
        return [b for b in self.blocks if isinstance(b, PlannedTable)]

    @property
    def figures(self) -> list[PlannedFigure]:
        return [b for b in self.blocks if isinstance(b, PlannedFigure)]

    def counts(self) -> tuple[int, int, int]:
        p, t, f = len(self.paragraphs), len(self.tables), len(self.figures)
        for s in self.sections:
            a, b, c = s.counts()
            p, t, f = p + a, t + b, f + c
        return p, t, f


class PlannedChapter(Struct):
    chapter: Chapter
    heading: str  # as found in the document
    root: PlannedSection  # title: the case's own title for the case chapter, else ""


class StatedValue(Struct):
    table: str  # fixed table id
    indicator: str
    year: int
    value: str


class WordPlan(Struct):
    source: Path
    chapters: list[PlannedChapter] = field(default_factory=list)
    values: object = None  # importer.ImportPlan for the values of the tables found
    stated: list[StatedValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and (self.values is None or self.values.ok)

    def problems(self) -> list[str]:
        out = list(self.refused)
        if self.values is not None:
            out += self.values.unmatched + self.values.refused
        return out

    def preview(self) -> list[str]:
        """The outline found, chapter by chapter, with paragraph, table and figure counts."""
        lines = []
        for pc in self.chapters:
            p, t, f = pc.root.counts()
            title = pc.chapter.title + (f"：{pc.root.title}" if pc.root.title else "")
            lines.append(f"{pc.heading} → {title}：{p} 段，{t} 张表，{f} 幅图")
            lines.extend(_outline_lines(pc.root.sections, 1))
        if self.values is not None:
            v = self.values
            notes = f"，备注 {len(v.note_changes)} 条" if v.note_changes else ""
            lines.append(f"数值：将更新 {len(v.changes)} 个（{v.unchanged} 个相同）{notes}")
        if self.stated:
            lines.append(f"章节表格中与数据表不同的数值：{len(self.stated)} 个"
                         "（保留为表中所印，核对时会指出）")
        return lines

    def summary(self) -> str:
        name = self.source.name
        if not self.ok:
            return f"{name}：{len(self.problems())} 处无法导入，未做任何修改。"
        if not self.chapters and (self.values is None or not self.values.items):
            return f"{name}：没有找到可以导入的章节或数值。"
        changes = len(self.values.changes) if self.values is not None else 0
        return f"{name}：将替换 {len(self.chapters)} 章，更新 {changes} 个数值。"


def _outline_lines(sections: list[PlannedSection], depth: int) -> list[str]:
    out = []
    for s in sections:
        p, t, f = s.counts()
        out.append(f"{'  ' * depth}{s.title}：{p} 段，{t} 张表，{f} 幅图")
        out.extend(_outline_lines(s.sections, depth + 1))
    return out


# ----------------------------------------------------------------------------- planning
def plan_word_import(report: Report, path: Path | str) -> WordPlan:
    from desktop.formats import docx_read

    path = Path(path)
    try:
        document = docx_read.read_docx(path)
    except docx_read.WordError as exc:
        raise WordImportRefused(str(exc)) from exc
    return _Planner(report, path).run(document)


class _Planner:
    def __init__(self, report: Report, path: Path) -> None:
        from desktop import importer

        self.report = report
        self.template = report.template
        self.plan = WordPlan(path)
        self.values = importer.ImportPlan(path, "Word")
        self.first: dict[tuple[str, int], tuple[str, str | None]] = {}
        self.chapter: PlannedChapter | None = None
        self.stack: list[PlannedSection] = []  # open sections, the chapter root first
        self.zone = "front"  # front (cover, 目录), chapter, skip (unmatched), data (indicator tables)
        self.skipped_front = 0
        self.skipped: dict[str, int] = {}  # unmatched chapter heading -> paragraphs left out
        self.pending_caption: str | None = None  # a 表 N-M line waiting for its table
        self.figure_caption: str | None = None  # a 图 N-M line above its pictures
        self.photos: list[tuple[bytes, str]] = []  # pictures waiting for their 图 line
        self.tables_seen = 0
        self.indicator_tables = 0
        self.skipped_heading = ""
        self.front_titles: list[str] = []  # headings before any chapter (a department's part)
        # text under a heading that names no chapter, read as a chapter in case its place
        # between two known chapters says which one it is: (chapters planned before it, it)
        self.unplaced: list[tuple[int, PlannedChapter]] = []
        self.look_level: int | None = None  # level of the last unnumbered bold heading
        # fixed tables' values, settled once every indicator table is read (they come last)
        self.pending_fixed: list[tuple[str, object, int, str, str]] = []
        # last year's report in an earlier edition: its titles and rows, through the renames
        self.earlier = earlier_editions(self.template, tuple(report.years))
        self.merging = False  # the chapter heading just found is an earlier edition's
        self.found_in = None  # the earlier edition whose chapter title it was
        self.old_case: Chapter | None = None  # where an earlier edition's case chapter goes
        self.case_level: int | None = None  # the level of the case section being read

    # -- driving -------------------------------------------------------------------------
    def run(self, document) -> WordPlan:
        from desktop.formats.docx_read import Para

        blocks = document.blocks
        for i, block in enumerate(blocks):
            if isinstance(block, Para):
                self.paragraph(block, blocks[i + 1] if i + 1 < len(blocks) else None)
            else:
                self.table(block)
        self.flush_photos()
        self.flush_caption()
        self.settle_fixed()
        plan = self.plan
        self.place_unplaced()
        if self.skipped_front and not plan.chapters and not self.skipped and self.front_titles:
            chapter = self.chapter_of_sections(self.front_titles)
            if chapter is not None:
                # a department's chapter typed without its chapter heading, whose section
                # headings only that chapter has: read again as that chapter
                again = _Planner(self.report, self.plan.source)
                again.start_in(chapter)
                plan = again.run(document)
                titles = "、".join(f"“{t}”" for t in self.front_titles[:3])
                plan.notes.insert(0, f"文档没有章标题；其中的小节标题{titles}只见于“{chapter.title}”一章，"
                                     f"已作为该章导入：如不对，请在文档开头加上章标题后再导入。")
                return plan
        if self.skipped_front and not plan.chapters and not self.skipped:
            # a department's chapter typed without its chapter heading: which chapter is it?
            example = next((c.title for c in self.template.chapters if not c.case), "")
            plan.notes.append(
                f"文档中没有与本版章节对应的章标题（如“一、{example}”），{self.skipped_front} 段未导入："
                "请在文档开头加上章标题后再导入。")
        elif self.skipped_front:
            plan.notes.append(f"第一章之前的 {self.skipped_front} 段（封面、目录、前言等）未导入。")
        for heading, count in self.skipped.items():
            plan.notes.append(f"“{heading}”不是本版报告的章节，其下 {count} 段未导入。")
        if self.indicator_tables or self.values.changes or self.values.unchanged or \
                self.values.refused or self.values.unmatched or self.values.notes:
            plan.values = self.values
        if document.converted:
            plan.notes.append(f"{document.name} 已由 LibreOffice 转换为 .docx 后读取。")
        return plan

    # -- paragraphs ----------------------------------------------------------------------
    def paragraph(self, p, following) -> None:
        if p.toc or (len(p.text) <= 80 and _TOC_LINE.search(p.text)):
            return  # a 目录 line (Word's own, or typed with dots, tabs or spaces)
        text = p.text.strip(_SPACES)
        if p.images:
            self.add_photos([(img, "") for img in p.images])
            if text and len(text) <= 60 and not _CAPTION.match(text):
                self.caption_last_photo(text)
                return
        if not text:
            return
        if _PAGE_LINE.fullmatch(text):
            return
        caption = _CAPTION.match(text)
        if caption and len(text) <= 80:
            if caption.group("kind") == "表":
                self.flush_photos()
                self.flush_caption()
                self.pending_caption = text[caption.end():].strip()
                return
            title = text[caption.end():].strip()
            if self.photos:
                self.flush_photos(title)
            else:
                self.figure_caption = title  # above its pictures
            return
        if self.photos and not self.is_heading(p, text) and len(text) <= 60 and (
                p.centred or (p.size or 12) < 11):
            self.caption_last_photo(text)
            return
        self.flush_photos()
        self.flush_caption()
        if len(text) <= 60 and not text.endswith(_END) and self.is_indicator_table_title(text):
            self.zone = "data"  # the indicator tables at the end (a title, styled or not)
            self.chapter, self.stack = None, []
            return
        heading = self.heading(p, text)
        if heading is not None:
            level, title, key, rest = heading
            self.open_heading(level, title, key, text)
            if rest:
                self.add_text(rest)
            return
        self.add_text(p.text)

    def is_heading(self, p, text: str) -> bool:
        return self.heading(p, text) is not None

    def heading(self, p, text: str):
        """(level, title, numbering key, body text after a bold lead-in) or None."""
        first = text.split("\n")[0].strip(_SPACES)
        styled = p.outline is not None and p.outline <= 3
        key, title = _numbered(first)
        case = _CASE.match(first)
        looks = p.bold or p.hei
        # a bold heading is sometimes typed with a full stop: "（一）立德树人。"
        short = len(first) <= MAX_HEADING and (not first.endswith(_END) or (
            looks and key is not None and first.endswith(("。", "."))))
        if short and first.endswith(("。", ".")):
            title = title.rstrip("。.")
        if case and short and (case.group("number") is None or len(first) > case.end()) and (
                not styled or p.outline == 0):
            number = case.group("number") or ""
            in_chapter = re.search(r"[-－—.．]", number) is not None  # 案例2-1: the chapter's own
            has_case_chapter = any(c.case for c in self.template.chapters)
            if not in_chapter and not has_case_chapter and self.old_case is not None:
                # last year's case chapter, in a document laid out by an earlier edition
                return 0, first, "案例", _after_first_line(text)
            if in_chapter or not has_case_chapter:
                if self.zone == "chapter":
                    return 1, first, "案例", _after_first_line(text)
            else:
                return 0, first, "案例", _after_first_line(text)
        if styled and len(first) <= 100:
            level = p.outline
            if key is not None:
                level = self.level_of(key, title, styled_level=p.outline)
            return level, title if key else first, key, _after_first_line(text)
        # 一、 and （一） lines are headings as typed; 1. and （1） ones only when they look it
        # (a short list item "1.数控技术应用" is text)
        plain_ok = key in ("一、", "第一章", "（一）") or (key == "1.1" and len(first) <= 20)
        if key is not None and short and (looks or plain_ok):
            return self.level_of(key, title), title, key, _after_first_line(text)
        if p.bold_lead:
            lead = p.bold_lead.strip(_SPACES)
            lkey, ltitle = _numbered(lead)
            ltitle = ltitle.rstrip("。．.：:")
            if lkey is not None and len(lead) <= MAX_HEADING and text.startswith(lead) \
                    and len(text) > len(lead) + 10:
                return self.level_of(lkey, ltitle), ltitle, lkey, text[len(lead):].strip(_SPACES)
        if key is None and short and looks and len(first) <= 30 and "\n" not in text \
                and self.zone == "chapter" and not p.centred:
            # an unnumbered bold line: under the heading above it, and a sibling of the
            # unnumbered bold line before it (Word's automatic numbering leaves no number)
            if self.look_level is None:
                self.look_level = self.deepest_level() + 1
            return self.look_level, first, None, ""
        return None

    def level_of(self, key: str, title: str, styled_level: int | None = None) -> int:
        """The level a numbered heading stands at, in the open chapter's numbering."""
        chapter = self.chapter.chapter if self.chapter is not None else None
        if self.case_level is not None and self.zone == "chapter" and \
                key in ("一、", "（一）", "1.", "(1)"):
            # a case's own headings (一、背景) sit under it, unless one names a chapter outright
            if key == "一、" and self.names_chapter(title):
                return 0
            return min(3, self.case_level + {"一、": 1, "（一）": 2}.get(key, 3))
        if key in ("一、", "第一章", "1 ") and self.find_chapter(title) is not None:
            return 0
        if chapter is not None and self.zone == "chapter":
            styles = list(chapter.numbering)
            if key in styles:
                return styles.index(key) + 1
            if key == "(1)":
                return max(3, len(styles) + 1)
        if styled_level is not None and key not in ("一、", "第一章"):
            return max(1, styled_level)
        return _DEFAULT_LEVEL.get(key, 1)

    def deepest_level(self) -> int:
        return min(self.stack[-1].level if self.stack else 0, 2)

    # -- the outline ---------------------------------------------------------------------
    def open_heading(self, level: int, title: str, key: str | None, text: str) -> None:
        if key is not None:
            self.look_level = None  # a numbered heading: unnumbered ones are placed anew
        if level <= 0:
            self.open_chapter(title, key, text)
            return
        if self.zone != "chapter" or not self.stack:
            if self.zone == "front":
                self.skipped_front += 1
                self.front_titles.append(_clean_title(title))
            return
        level = min(level, 3)
        if self.case_level is not None and level <= self.case_level:
            self.case_level = None  # the next section after the case
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1]
        section = PlannedSection(_clean_title(title), parent.level + 1)
        parent.sections.append(section)
        self.stack.append(section)
        if key == "案例":
            self.case_level = section.level

    def open_chapter(self, title: str, key: str | None, text: str) -> None:
        heading = text.split("\n")[0].strip(_SPACES)
        if self.is_indicator_table_title(heading):
            self.zone = "data"
            self.chapter, self.stack = None, []
            return
        case_title = ""
        chapter = None
        self.merging, self.found_in = False, None  # of this heading only
        if key == "案例":
            chapter = next((c for c in self.template.chapters if c.case), None)
            match = _CASE.match(heading)
            case_title = heading[match.end():].strip(_SPACES) if match else heading
        if chapter is None and key == "案例" and self.old_case is not None:
            self.merging = True
            chapter = self.old_case
        elif chapter is None:
            chapter = self.find_chapter(title)
            if self.merging and self.found_in is not None:
                case = next((c for c in self.found_in.edition.chapters if c.case), None)
                self.old_case = self.found_in.chapter(case.id) if case is not None else None
        if chapter is None and key in ("一、", "第一章") and self.chapter is not None and \
                "一、" in self.chapter.chapter.numbering and not self.is_unplaced(self.chapter):
            self.open_heading(1, title, key, text)  # 一、 inside a case: its first level
            return
        if chapter is None:
            # read on as a chapter of unknown place: `place_unplaced` may find its place
            self.skipped_heading = heading
            self.skipped.setdefault(heading, 0)
            known = [pc.chapter for pc in self.plan.chapters if not pc.chapter.case]
            stand_in = known[-1] if known else next(c for c in self.template.chapters if not c.case)
            pending = PlannedChapter(stand_in, heading, PlannedSection("", 0))
            self.unplaced.append((len(self.plan.chapters), pending))
            self.look_level = self.case_level = None
            self.chapter, self.stack, self.zone = pending, [pending.root], "chapter"
            return
        earlier = next((pc for pc in self.plan.chapters if pc.chapter.id == chapter.id), None)
        self.case_level = None
        if self.merging and key == "案例":
            # last year's case chapter becomes a case (案例…) in the chapter the renames name
            if earlier is None:
                earlier = PlannedChapter(chapter, chapter.title, PlannedSection("", 0))
                self.plan.chapters.append(earlier)
            self.chapter, self.stack, self.zone = earlier, [earlier.root], "chapter"
            self.open_heading(1, heading, "案例", text)
            return
        if earlier is not None and self.merging:
            # two chapters of an earlier edition that this one joins (学生发展 and 教学改革
            # in 人才培养): the second's sections follow the first's
            self.look_level = None
            self.chapter, self.stack, self.zone = earlier, [earlier.root], "chapter"
            return
        if earlier is not None:
            if earlier.root.counts() == (0, 0, 0) and not earlier.root.sections:
                self.plan.chapters.remove(earlier)  # a 目录 line that looked like a heading
            else:
                self.plan.refused.append(
                    f"文档中“{chapter.title}”一章出现了两次（“{heading}”），请合并后再导入。")
        self.look_level = None
        root = PlannedSection(case_title, 0)
        self.chapter = PlannedChapter(chapter, heading, root)
        self.plan.chapters.append(self.chapter)
        self.stack = [root]
        self.zone = "chapter"

    def start_in(self, chapter: Chapter) -> None:
        """Read the document from its first line as `chapter` (see run)."""
        self.chapter = PlannedChapter(chapter, chapter.title, PlannedSection("", 0))
        self.plan.chapters.append(self.chapter)
        self.stack, self.zone = [self.chapter.root], "chapter"

    def is_unplaced(self, planned: PlannedChapter) -> bool:
        return any(pc is planned for _, pc in self.unplaced)

    def place_unplaced(self) -> None:
        """Text under a heading that names no chapter, lying between two chapters found in
        the document, is the chapter the edition has between them when it has exactly one
        that the document lacks and no other such text lies there; otherwise it is left
        out and said, as before."""
        order = [c.id for c in self.template.chapters if not c.case and not c.front]
        found = {pc.chapter.id for pc in self.plan.chapters}
        gaps: dict[tuple[int, int], list[tuple[PlannedChapter, PlannedChapter]]] = {}
        for at, pending in self.unplaced:
            before = [pc for pc in self.plan.chapters[:at] if pc.chapter.id in order]
            after = [pc for pc in self.plan.chapters[at:] if pc.chapter.id in order]
            if before and after:
                gap = (order.index(before[-1].chapter.id), order.index(after[0].chapter.id))
                gaps.setdefault(gap, []).append((pending, self.plan.chapters[at - 1]))
        placed: list[tuple[PlannedChapter, Chapter, PlannedChapter]] = []
        for (first, last), pendings in gaps.items():
            between = [i for i in order[first + 1:last] if i not in found]
            pending, anchor = pendings[0]
            if len(pendings) == 1 and len(between) == 1 and (
                    pending.root.paragraphs or pending.root.sections or pending.root.blocks):
                placed.append((pending, self.template.chapter(between[0]), anchor))
        for pending, chapter, anchor in placed:
            heading = pending.heading
            pending.chapter = chapter
            self.plan.chapters.insert(self.plan.chapters.index(anchor) + 1, pending)
            self.skipped.pop(heading, None)
            self.plan.notes.append(
                f"“{heading}”不是本版的章标题，但它位于“{anchor.chapter.title}”与下一章之间，"
                f"本版在此只有“{chapter.title}”一章而文档中没有：已作为“{chapter.title}”导入，"
                f"如不对请改正章标题后再导入。")
        for _, pending in self.unplaced:
            if all(pending is not p for p, _, _ in placed):
                self.skipped[pending.heading] = self.skipped.get(pending.heading, 0) + _count(pending.root)

    def chapter_of_sections(self, titles: list[str]) -> Chapter | None:
        """The one chapter whose outline (the edition's or this report's) has a section
        titled as one of `titles`; None when none or several do."""
        keys = {_title_key(t) for t in titles if _title_key(t)}
        hits = []
        for chapter in self.template.chapters:
            own = {_title_key(s.title) for s in self.report.file.sections(chapter.id) if s.title}
            own |= {_title_key(t) for t in _outline_titles(chapter.outline)}
            if keys & own:
                hits.append(chapter)
        return hits[0] if len(hits) == 1 else None

    def find_chapter(self, title: str) -> Chapter | None:
        """The edition's chapter a heading names: the same title, one containing it, or one
        close to it (a unique best match)."""
        from desktop.matcher import normalise_name

        self.merging, self.found_in = False, None
        key = _title_key(title)
        if not key:
            return None
        chapters = [(c.title, c, None) for c in self.template.chapters if not c.case]
        # an earlier edition's chapter title (2022 学生发展 → 2024 人才培养), by its renames
        older = [(c.title, e.chapter(c.id), e) for e in self.earlier for c in e.edition.chapters
                 if not c.case and e.chapter(c.id) is not None]
        for pool in (chapters, older):
            for text, c, e in pool:
                if _title_key(text) == key:
                    self.merging, self.found_in = e is not None, e
                    return c
        for pool in (chapters, older):
            containing = {id(c): (c, e) for text, c, e in pool if _title_key(text) in key or
                          (len(key) >= 2 and key in _title_key(text))}
            if len(containing) == 1:
                c, e = next(iter(containing.values()))
                self.merging, self.found_in = e is not None, e
                return c
            scored = sorted(((difflib.SequenceMatcher(None, normalise_name(text), key).ratio(), c, e)
                             for text, c, e in pool), key=lambda x: -x[0])
            if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
                self.merging, self.found_in = scored[0][2] is not None, scored[0][2]
                return scored[0][1]
        return None

    def names_chapter(self, title: str) -> bool:
        """A heading that is exactly a chapter's title (this edition's or an earlier one's)."""
        key = _title_key(title)
        titles = [c.title for c in self.template.chapters] + [
            c.title for e in self.earlier for c in e.edition.chapters]
        return bool(key) and any(_title_key(t) == key for t in titles)

    def is_indicator_table_title(self, heading: str) -> bool:
        from desktop.matcher import header_text

        text = header_text(heading)
        tables = [*self.template.indicator_tables,
                  *(t for e in self.earlier for t in e.edition.indicator_tables)]
        for t in tables:
            names = {header_text(t.sheet), header_text(t.heading(self.report.school))}
            # "某校质量数据表", "质量数据表", "附表1 人才培养…": named at its end, not in passing
            if any(text.endswith(n) or (len(text) >= 4 and n.endswith(text)) for n in names if len(n) >= 2):
                return True
        return False

    def add_text(self, raw: str) -> None:
        if self.zone != "chapter" or not self.stack:
            if self.zone == "front":
                self.skipped_front += 1
            elif self.zone == "skip":
                self.skipped[self.skipped_heading] += 1
            return
        self.stack[-1].paragraphs.extend(clean_paragraphs(raw))

    # -- figures -------------------------------------------------------------------------
    def add_photos(self, photos: list[tuple[bytes, str]]) -> None:
        self.flush_caption()
        self.photos.extend(photos)

    def caption_last_photo(self, text: str) -> None:
        data, caption = self.photos[-1]
        self.photos[-1] = (data, (caption + "\n" + text).strip() if caption else text)

    def flush_photos(self, caption: str | None = None) -> None:
        if not self.photos:
            return
        photos, self.photos = self.photos, []
        if caption is None:
            caption, self.figure_caption = self.figure_caption or "", None
        if self.zone != "chapter" or not self.stack:
            return
        from desktop import images
        from desktop.charts import ChartMark

        for mark in [data for data, _ in photos if isinstance(data, ChartMark)]:
            section = self.stack[-1]
            section.blocks.append(PlannedFigure(_clean_title(caption), [], len(section.paragraphs),
                                                chart=mark.decode("utf-8", "replace")))
        photos = [(data, c) for data, c in photos if not isinstance(data, ChartMark)]
        prepared = []
        for n, (data, photo_caption) in enumerate(photos, start=1):
            try:
                photo = images.prepare(data, f"图“{caption}”的第 {n} 张图片")
            except images.ImageRefused:
                self.plan.notes.append(
                    f"“{self.chapter.chapter.title}”中图“{caption or '（无图题）'}”的第 {n} 张图片"
                    "不是可以读取的照片格式（如 EMF/WMF 图形），未导入。")
                continue
            prepared.append((photo.data, photo_caption, photo.width, photo.height))
        if prepared:
            section = self.stack[-1]
            section.blocks.append(PlannedFigure(_clean_title(caption), prepared, len(section.paragraphs)))

    def flush_caption(self) -> None:
        """A 表 line not followed by its table is text after all."""
        if self.pending_caption is not None:
            caption, self.pending_caption = self.pending_caption, None
            self.add_text(caption)

    # -- tables --------------------------------------------------------------------------
    def table(self, table) -> None:
        self.tables_seen += 1
        caption, self.pending_caption = self.pending_caption, None
        if table.images:
            self.flush_caption()
            for row in table.rows:
                for cell in row:
                    if cell.images:
                        text = "\n".join(p.text.strip(_SPACES) for p in cell.paras if p.text.strip(_SPACES))
                        cell_caption = "" if _CAPTION.match(text) else text
                        self.photos.extend((img, cell_caption) for img in cell.images)
            return
        self.flush_photos()
        # indicator tables read a merge once (a 序号 over its 其中 rows, as in Excel); a list
        # (free or plain table) reads it on every row it spans, as Word shows it
        both = [([_cell_text(c) for c in row], [_cell_text(c) or _spanned_text(c) for c in row])
                for row in table.rows]
        both = [(t, s) for t, s in both if any(t) or any(s)]
        texts, listed = [t for t, _ in both], [s for _, s in both]
        if not texts:
            return
        if _is_submission(texts):
            return
        if self.zone == "data" or ((self.zone != "chapter" or self.is_unplaced(self.chapter))
                                   and self.looks_indicator(texts)):
            self.indicator_table(texts, caption)
            return
        if self.zone != "chapter" or not self.stack:
            return
        section = self.stack[-1]
        after = len(section.paragraphs)
        fixed = self.fixed_table(texts, caption)
        if fixed is not None:
            section.blocks.append(PlannedTable("fixed", fixed, "", [], after))
            return
        free = self.free_table(listed, caption, after)
        if free is not None:
            section.blocks.append(free)
            return
        if self.looks_indicator(texts):
            self.indicator_table(texts, caption)
            return
        header, *rows = [tuple(r) for r in listed]
        section.blocks.append(PlannedTable("plain", "", caption or "", [header, *rows], after))

    def matcher_rows(self, texts: list[list[str]], where: str):
        from desktop import matcher

        return [(r, [matcher.Cell(value=t or None, ref=f"{where}第 {r} 行第 {c} 列")
                     for c, t in enumerate(row, start=1)])
                for r, row in enumerate(texts, start=1)]

    def looks_indicator(self, texts: list[list[str]]) -> bool:
        from desktop import matcher

        header = matcher.find_header(self.matcher_rows(texts, ""))
        if header is None or not header.year_columns:
            return False
        table = matcher.read_table("", self.matcher_rows(texts, ""), header)
        found = matcher.match_rows(table, self.template.indicators, aliases=self.template.by_name)
        known = {m.row.row for m in found.matches}
        for e in self.earlier:  # last year's table in its own edition's wording
            known |= {m.row.row for m in matcher.match_rows(
                table, e.edition.indicators, aliases=e.aliases).matches}
        return len(known) >= max(3, len(table.rows) // 2)

    def translate(self, table, header, labels=None) -> None:
        """Rows worded as an earlier edition words them (desktop.earlier.translate)."""
        from desktop import earlier

        years = {i: y.resolve(self.report.year) for i, y in enumerate(header.year_columns)}
        editions = [e.reading(years.values()) for e in self.earlier]
        earlier.translate(self.template, editions, table, years, self.values, labels)

    def indicator_table(self, texts: list[list[str]], caption: str | None) -> None:
        """Values of an indicator table, through the matcher and the importer, as from Excel."""
        from desktop import importer, matcher

        where = f"《{caption}》" if caption else f"第 {self.tables_seen} 个表格"
        rows = self.matcher_rows(texts, where)
        header = matcher.find_header(rows)
        if header is None or not header.year_columns:
            self.plan.notes.append(f"{where}没有含“序号”“指标”和年份的表头，未作为数据表读取。")
            return
        table = matcher.read_table("", rows, header)
        table.label = where
        by_column = {i: y.resolve(self.report.year) for i, y in enumerate(header.year_columns)}
        first: dict[int, int] = {}
        for i, year in by_column.items():
            if year is not None:
                first.setdefault(year, i)
        raw = _Raw(table, {i: y for i, y in by_column.items() if y is not None and first[y] == i})
        # a column with no value brings nothing: saying it "will be imported too" misleads
        others = sorted(y for y, i in first.items() if y not in self.report.years
                        and any(i in row.cells and not row.cells[i].empty for row in table.rows))
        if others:  # last year's report: its earlier year is kept, the file holds every year
            self.plan.notes.append(
                f"{where}还含有 {'、'.join(map(str, others))} 年的数据，将一并导入（本报告为 "
                f"{self.report.years[0]}—{self.report.years[-1]} 年）。")
        self.indicator_tables += 1
        importer.plan_values(self.report, raw, self.values, self.first)

    def fixed_table(self, texts: list[list[str]], caption: str | None) -> str | None:
        """A chapter's fixed table (a view over indicators) found by caption or rows; its values
        are compared with the indicator tables': a different one is kept as the table printed it."""
        from desktop import matcher

        school = self.report.school
        specs = list(self.template.fixed_tables.values())
        key = matcher.header_text(caption or "")
        spec = next((s for s in specs if key and key in (matcher.header_text(s.title(school)),
                                                          matcher.header_text(s.caption))), None)
        rows = self.matcher_rows(texts, f"《{caption or '表格'}》")
        header = matcher.find_header(rows)
        if header is None or not header.year_columns:
            return None
        table = matcher.read_table("", rows, header)
        table.label = f"《{caption or '表格'}》"
        if spec is None and key:
            # last year's chapter table under its earlier caption (学生发展 → 人才培养质量)
            renamed = next((self.template.fixed_tables[new] for e in self.earlier
                            for old in e.edition.fixed_tables.values()
                            if key in (matcher.header_text(old.title(school)),
                                       matcher.header_text(old.caption))
                            and (new := e.fixed_table(old.id)) is not None), None)
            if renamed is not None:
                self.translate(table, header)
                found = matcher.match_rows(table, self.template.indicators,
                                           aliases=self.template.by_name)
                for match in found.matches:
                    self.fixed_value(renamed.id, match, header)
                self.values.unmatched += found.unmatched
                return renamed.id
        if spec is not None:  # last year's wording of this table's rows
            self.translate(table, header, {r.indicator: _Labelled(r.indicator, r.label)
                                           for r in spec.rows})
        best = None
        for s in ([spec] if spec else specs):
            labels = {r.indicator: _Labelled(r.indicator, r.label) for r in s.rows}
            found = matcher.match_rows(table, labels)
            enough = spec is not None or len(found.matches) >= max(2, (len(s.rows) * 2 + 2) // 3)
            if enough and (best is None or len(found.matches) > len(best[1].matches)):
                best = (s, found)
        if best is None:
            return None
        spec, found = best
        for match in found.matches:
            self.fixed_value(spec.id, match, header)
        return spec.id

    def fixed_value(self, table_id: str, match, header) -> None:
        from desktop import matcher

        ind = self.template.indicators[match.indicator]
        for column, cell in match.row.cells.items():
            year = header.year_columns[column].resolve(self.report.year)
            if year is None or cell.empty:
                continue
            try:
                text, unit = matcher.value_input(ind.type, cell, match.row.unit)
                new = self.report.parse(ind.id, year, text, unit)
            except (matcher.CellRefused, ValueRefused) as exc:
                self.plan.refused.append(f"{cell.ref} {ind.name}（{year}年）：{exc}")
                continue
            self.pending_fixed.append((table_id, ind, year, new, cell.ref))

    def settle_fixed(self) -> None:
        """A fixed table's value agreeing with the indicator tables is nothing new; one they do
        not give is imported; a different one is kept as the table printed it (`stated`), so
        `check` shows the contradiction rather than the import hiding it."""
        from desktop import importer

        current = self.report.file.values()
        shown = self.report.shown(current)
        for table_id, ind, year, new, where in self.pending_fixed:
            key = (ind.id, year)
            if key in self.first:
                if not importer.same_value(ind, self.first[key][1], new):
                    self.plan.stated.append(StatedValue(table_id, ind.id, year, new))
                continue
            self.first[key] = (where, new)
            old = current.get(key)
            known = old if old is not None else (shown[key].value if key in shown else None)
            if importer.same_value(ind, known, new):
                self.values.unchanged += 1
            else:
                self.values.changes.append(importer.Change(ind.id, ind.name, year, old, new))

    def free_table(self, texts: list[list[str]], caption: str | None, after: int) -> PlannedTable | None:
        from desktop import matcher

        header = [matcher.header_text(t) for t in texts[0]]
        seq = 1 if header and header[0] in SEQ_HEADS else 0
        names = header[seq:]
        chapter = self.chapter.chapter if self.chapter else None
        specs = [self.template.free_tables[i] for i in (chapter.free_tables if chapter else ())
                 if i in self.template.free_tables]
        specs += [s for s in self.template.free_tables.values() if s not in specs]
        for spec in specs:
            wanted = [matcher.header_text(c.name) for c in spec.columns]
            where = {w: names.index(w) for w in wanted if w in names}
            if len(where) < max(2, (len(wanted) * 2 + 2) // 3):
                continue
            rows: list[tuple[str, ...]] = []
            total: str | None = None
            totals = [i for i, c in enumerate(spec.columns) if c.total]
            for r, row in enumerate(texts[1:], start=2):
                cells = row[seq:]
                picked = [cells[where[w]] if w in where and where[w] < len(cells) else "" for w in wanted]
                lead = matcher.header_text(row[0] if row else "")
                if lead in ("合计", "总计", "合计:", "总计:") or (picked and matcher.header_text(picked[0]) in
                                                                ("合计", "总计")):
                    if totals:
                        total = picked[totals[0]] or None
                    continue
                if matcher.header_text("".join(picked)) in ("", matcher.header_text("".join(wanted))):
                    continue  # blank, or the header repeated
                for column, text in zip(spec.columns, picked, strict=True):
                    if column.numeric and text:
                        from desktop.values import ParseError

                        try:
                            column.type.parse(text)
                        except ParseError as exc:
                            self.plan.refused.append(
                                f"《{caption or spec.caption}》第 {r} 行 {exc.describe(column.name)}")
                rows.append(tuple(picked))
            stated = self.stated_total(spec, rows, total)
            return PlannedTable("free", spec.id, caption or "", rows, after, stated)
        return None

    @staticmethod
    def stated_total(spec, rows, total: str | None) -> str | None:
        """The printed 合计 when it is not what the rows add up to (kept, `check` names it)."""
        from decimal import Decimal

        from desktop.values import ParseError

        if total is None:
            return None
        index = next(i for i, c in enumerate(spec.columns) if c.total)
        column = spec.columns[index]
        try:
            printed = column.type.number(column.type.parse(total))
        except ParseError:
            return total
        s = Decimal(0)
        for row in rows:
            try:
                value = column.type.parse(row[index]) if row[index] else None
            except ParseError:
                return total
            s += column.type.number(value) or 0 if value is not None else 0
        return None if printed == s else total


class _Raw(Struct):
    """The importer's view of a table read by a reader (as xlsx_read.RawTable gives it)."""

    table: object
    year_of_column: dict[int, int]


class _Labelled(Struct, frozen=True):
    """An indicator under the label a fixed table prints for it, for the matcher."""

    id: str
    name: str
    parent: str | None = None
    children: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- text
def clean_paragraphs(raw: str) -> list[str]:
    """Paragraphs as the writer meant them: leading (full-width) spaces and tabs removed; a
    soft line break after a sentence ends a paragraph, one inside a sentence (a line wrapped
    by hand) is joined."""
    out: list[str] = []
    current = ""
    for line in raw.replace("\r", "\n").split("\n"):
        line = line.strip(_SPACES).replace("\t", " ")
        if not line:
            if current:
                out.append(current)
                current = ""
            continue
        if not current:
            current = line
        elif current.endswith(_SENTENCE_END):
            out.append(current)
            current = line
        else:
            joiner = " " if current[-1].isascii() and current[-1].isalnum() and line[0].isascii() \
                and line[0].isalnum() else ""
            current += joiner + line
    if current:
        out.append(current)
    return out


def _numbered(text: str) -> tuple[str | None, str]:
    for key, pattern in _NUMBERS:
        m = pattern.match(text)
        if m and m.end() < len(text):
            return key, text[m.end():].strip(_SPACES)
    return None, text


def _after_first_line(text: str) -> str:
    parts = text.split("\n", 1)
    return parts[1].strip(_SPACES) if len(parts) > 1 else ""


def _count(section: PlannedSection) -> int:
    """Paragraphs of a section and those below it."""
    return len(section.paragraphs) + sum(_count(s) for s in section.sections)


def _outline_titles(entries) -> list[str]:
    return [t for e in entries for t in (e.title, *_outline_titles(e.sections))]


def _clean_title(title: str) -> str:
    return title.strip(_SPACES).rstrip("。.．")


def _title_key(title: str) -> str:
    from desktop.matcher import normalise_name

    return re.sub(r"[，,、。.．:：；;“”\"'（）()《》\s]", "", normalise_name(title))


def _cell_text(cell) -> str:
    return " ".join(line.strip(_SPACES) for line in cell.text.split("\n") if line.strip(_SPACES))


def _spanned_text(cell) -> str:
    lines = "\n".join(p.text for p in cell.spanned).split("\n")
    return " ".join(line.strip(_SPACES) for line in lines if line.strip(_SPACES))


def _is_submission(texts: list[list[str]]) -> bool:
    from desktop.matcher import BLOCK_PREFIXES, header_text

    first = next((t for row in texts for t in row if t), "")
    return header_text(first).startswith(BLOCK_PREFIXES)


# ----------------------------------------------------------------------------- writing
class WordWritten(Struct):
    """What `write` changed, for `unwrite`."""

    values: object  # importer.Written
    chapters: list[tuple[str, int, str, str, list[dict], list[dict]]]
    # (chapter id, root id, old root title, old root text, snapshots of removed sections,
    #  snapshots of removed root tables/figures)
    added_sections: list[int]
    added_blocks: list[tuple[str, int]]
    stated: list[tuple[str, str, int, str | None]]


def apply_word_import(report: Report, plan: WordPlan) -> int:
    """Apply a clean plan in one transaction after a backup; returns chapters + values."""
    from desktop import backups

    if not plan.ok:
        raise WordImportRefused(plan.summary())
    changes = len(plan.values.changes) + len(plan.values.note_changes) if plan.values is not None else 0
    if not plan.chapters and not changes and not plan.stated:
        return 0
    backups.make_backup(report.file, "import")
    write(report, plan)
    return len(plan.chapters) + changes


def write(report: Report, plan: WordPlan) -> WordWritten:
    from desktop import importer

    file = report.file
    chapters = []
    added_sections: list[int] = []
    added_blocks: list[tuple[str, int]] = []
    stated_before = file.stated()
    with file.transaction(f"imported from {plan.source.name}"):
        values = importer.write(report, plan.values) if plan.values is not None else None
        stated = []
        # A fixed table the document prints says anew what it states: its values kept from
        # an earlier source go, the document's own differing ones (if any) come in.
        printed = {b.ref for pc in plan.chapters for b in _all_blocks(pc.root)
                   if isinstance(b, PlannedTable) and b.kind == "fixed"}
        new = {(s.table, s.indicator, s.year): s.value for s in plan.stated}
        for key in stated_before:
            if key[0] in printed and key not in new:
                new[key] = None
        for (table, indicator, year), value in new.items():
            stated.append((table, indicator, year, stated_before.get((table, indicator, year))))
            file.set_stated(table, indicator, year, value)
        for pc in plan.chapters:
            root = file.chapter_root(pc.chapter.id)
            old = file.section(root)
            # last first: each snapshot keeps its position, restored first to last by undo
            removed = [file.delete_section(child.id) for child in reversed(file.children(root))]
            blocks = [file.delete_table(t.id) for t in file.tables(root)]
            blocks += [file.delete_figure(f.id) for f in file.figures(root)]
            chapters.append((pc.chapter.id, root, old.title, old.text, removed, blocks))
            if pc.chapter.case and pc.root.title:
                file.rename_section(root, pc.root.title)
            _fill(file, root, pc.root, added_sections, added_blocks)
    return WordWritten(values, chapters, added_sections, added_blocks, stated)


def _all_blocks(section: PlannedSection):
    yield from section.blocks
    for child in section.sections:
        yield from _all_blocks(child)


def _fill(file, section_id: int, planned: PlannedSection, added_sections, added_blocks) -> None:
    file.set_section_text(section_id, "\n".join(planned.paragraphs))
    # Added in document order: tables and figures share one position sequence.
    from desktop import charts

    tables_by_ref: dict[str, int] = {}  # a chart of a table draws the one before it
    for b in planned.blocks:
        if isinstance(b, PlannedTable):
            table_id = file.add_table(
                section_id, b.kind, b.ref, after=b.after, caption=b.caption, rows=b.rows,
                stated_total=b.stated_total)
            added_blocks.append(("table", table_id))
            tables_by_ref[b.ref] = table_id
        else:
            figure_id = file.add_figure(section_id, b.caption, b.photos, after=b.after)
            added_blocks.append(("figure", figure_id))
            spec = charts.rebased(b.chart, tables_by_ref) if b.chart else None
            if spec is not None:
                file.set_figure_field(figure_id, "chart", spec)
    for child in planned.sections:
        child_id = file.add_section(section_id, child.title)
        added_sections.append(child_id)
        _fill(file, child_id, child, added_sections, added_blocks)


def unwrite(report: Report, written: WordWritten, source: str) -> None:
    """Put back what `write` changed, in one transaction."""
    from desktop import importer

    file = report.file
    with file.transaction(source):
        for _chapter_id, root, title, text, removed, blocks in written.chapters:
            for child in file.children(root):
                file.delete_section(child.id)
            for t in file.tables(root):
                file.delete_table(t.id)
            for f in file.figures(root):
                file.delete_figure(f.id)
            for snap in reversed(removed):
                file.restore_section(snap)
            for snap in blocks:
                file.restore_rows(snap)
            file.rename_section(root, title)
            file.set_section_text(root, text)
        for table, indicator, year, old in written.stated:
            file.set_stated(table, indicator, year, old)
        if written.values is not None:
            importer.unwrite(report, written.values, source)
