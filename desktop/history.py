"""The change log in words a school office reads: what changed, from what, to what, how.

The report file logs technical targets ("students@2021", "section.text 12"); this turns
them into "全日制在校生数（2021年）" or "正文：（一）立德树人…" using the template and the file.
"""

from __future__ import annotations

import json

from msgspec import Struct

from db.store import Change
from desktop.report import Report

_META = {
    "school": "学校名称", "filler": "填报人", "reviewer": "审核人", "phone": "联系电话",
    "fill_date": "填报日期", "report_date": "封面日期", "nature": "办学性质",
    "sponsor": "举办者", "address": "办学地点",
    "edition_toml": "报告版本", "title": "报告标题", "no_graduates": "本年度无毕业生",
    "drafts": "沿用上一年度的小节", "last_year_rows": "上一年度的表格行",
}
_KINDS = {
    "section.add": "添加小节", "section.title": "小节标题", "section.text": "正文",
    "section.move": "移动小节", "section.delete": "删除小节", "section.restore": "恢复小节",
    "table.add": "插入表格", "table.rows": "表格内容", "table.caption": "表格标题",
    "table.after": "表格位置", "table.position": "表格顺序", "table.stated_total": "表格合计",
    "table.delete": "删除表格", "figure.add": "插入图片", "figure.caption": "图片标题",
    "figure.after": "图片位置", "figure.position": "图片顺序", "figure.delete": "删除图片",
    "photo.add": "添加照片", "photo.caption": "照片说明", "photo.move": "移动照片",
    "photo.delete": "删除照片", "stated": "表中数值", "restore": "撤销删除",
}
_SOURCES = {"typed": "录入", "sample": "示例报告", "template": "新建报告", "computed": "公式计算"}
_LONG = 40


class Entry(Struct, frozen=True):
    at: str  # "2026-11-28 16:05:12"
    user: str
    what: str
    old: str
    new: str
    source: str


# meta the program keeps for itself (JSON, a whole edition file): said by what it holds,
# never shown raw ({"47": "ebedf339…"} told the clerk nothing)
_COUNTED = {"drafts": "{n} 个小节待更新", "last_year_rows": "{n} 张表格的上一年度行"}
_WHOLE = {"edition_toml": "（版本文件）"}


def describe(report: Report, change: Change) -> Entry:
    bookkeeping = change.kind == "meta" and change.target in _COUNTED | _WHOLE

    def value(text: str | None) -> str:
        return _bookkeeping(change.target, text) if bookkeeping else _short(text)

    return Entry(
        at=change.at.replace("T", " ")[:19],
        user=change.user,
        what=_what(report, change),
        old=value(change.old),
        new=value(change.new),
        source=_source(change.source),
    )


def _bookkeeping(target: str, text: str | None) -> str:
    if not text:
        return ""
    if target in _WHOLE:
        return _WHOLE[target]
    try:
        held = json.loads(text)
    except ValueError:
        return "（已记录）"
    return _COUNTED[target].format(n=len(held)) if isinstance(held, dict | list) else "（已记录）"


def entries(report: Report, limit: int = 500) -> list[Entry]:
    """The newest changes first, described."""
    return [describe(report, c) for c in report.file.changes(limit)]


def _what(report: Report, change: Change) -> str:
    if change.kind in ("value", "note"):
        indicator, _, year = change.target.partition("@")
        ind = report.template.indicators.get(indicator)
        name = ind.name if ind else indicator
        parent = report.template.indicators.get(ind.parent) if ind and ind.parent else None
        if parent is not None:  # a 其中 row says whose part it is: 名班主任工作室数·国家级
            name = f"{parent.name}·{name}"
        return f"{name}（{year}年）" + ("备注" if change.kind == "note" else "")
    if change.kind == "meta":
        return _META.get(change.target, change.target)
    label = _KINDS.get(change.kind, change.kind)
    if change.kind.startswith("section.") and change.target.isdigit():
        try:
            title = report.file.section(int(change.target)).title
        except KeyError:  # deleted since
            title = ""
        return f"{label}：{title}" if title else label
    return label


def _source(source: str) -> str:
    if source.startswith("imported from "):
        return f"从 {source.removeprefix('imported from ')} 导入"
    return _SOURCES.get(source, source)


def _short(text: str | None) -> str:
    if text is None:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= _LONG else text[: _LONG - 1] + "…"
