"""What is still empty (未完成), so that an empty report never looks finished.

- missing_values: indicators and chapter facts without a value for the report's year
  (neither typed nor following from their inputs). "-" (not applicable) is a value.
- empty_sections: chapters with no content at all, and sections with no text, table,
  figure or filled subsection.
Both are 提示; a note does not silence them: filling the value or the section does.
"""

from __future__ import annotations

from desktop.findings import Context, Finding

_SHOWN_NAMES = 5  # a finding lists this many names, then "等 N 项"


def _names(names: list[str]) -> str:
    listed = "、".join(names[:_SHOWN_NAMES])
    return listed + (f"等 {len(names)} 项" if len(names) > _SHOWN_NAMES else "")


def _label(template, ind) -> str:
    """A 其中 row named with its parent: "国家级" alone says nothing in a list."""
    return f"{template.indicators[ind.parent].name}（其中{ind.name}）" if ind.parent else ind.name


def missing_values(ctx: Context) -> None:
    year = ctx.report.year
    template = ctx.template
    tables = {t.id: t for t in template.indicator_tables}
    groups: dict[tuple[str, str], list] = {}  # by indicator table, and facts by chapter
    for ind in template.indicators.values():
        if ctx.shown.get((ind.id, year)) is None:
            key = ("table", ind.table) if ind.in_table else ("chapter", ind.chapter or "")
            groups.setdefault(key, []).append(ind)
    for (kind, where), missing in groups.items():
        if kind == "table":
            table = tables.get(where)
            place = table.title.replace("{school}", "") if table else template.data_table
        else:
            chapter = template.chapter(where)
            place = f"{template.chapter_heading(chapter)}{chapter.title}的基本数据"
        departments = "、".join(dict.fromkeys(i.department for i in missing))
        ctx.add(
            "warning",
            f"{year}年：{place}还有 {len(missing)} 项未填：{_names([_label(template, i) for i in missing])}。"
            f"空着的一项在报告里像是漏报：请向{departments}收集；学校没有这一项时填“-”（不适用）。",
            [i.id for i in missing], year, kind="missing", category="completeness",
        )


def empty_sections(ctx: Context) -> None:
    file = ctx.report.file
    with_blocks = {t.section for t in file.tables()} | {f.section for f in file.figures()}
    template = ctx.template
    for chapter in template.chapters:
        sections = file.sections(chapter.id)
        if not sections:
            continue  # a chapter without a root yet: nothing was ever written
        children: dict[int | None, list] = {}
        for s in sections:
            children.setdefault(s.parent, []).append(s)

        def filled(s, children=children) -> bool:
            return bool(s.text.strip()) or s.id in with_blocks or any(
                filled(c) for c in children.get(s.id, []))

        heading = f"{template.chapter_heading(chapter)}{chapter.title}"
        root = sections[0]
        if not filled(root):
            ctx.findings.append(_finding(
                f"{heading}还没有任何内容。请按通知要求撰写本章，或导入已有的文稿。",
                root.id))
            continue
        empty = [s for s in sections[1:] if not filled(s) and not children.get(s.id)]
        if empty:
            ctx.findings.append(_finding(
                f"{heading}有 {len(empty)} 节还没有内容：{_names([s.title or '（无标题）' for s in empty])}。"
                "请撰写这些小节，用不上的删去，以免印出只有标题的空节。",
                empty[0].id))


def _finding(message: str, section: int) -> Finding:
    return Finding("warning", message, (), None, kind="empty", section=section,
                   category="completeness")
