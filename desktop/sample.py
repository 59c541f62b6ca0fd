"""The bundled sample report: the seed report transcribed (resources/sample/<edition>/).

values.toml holds the 质量数据表 and the chapters' base facts as published; content.toml
the narrative, tables and figure captions. The photos of the publication are not
available, so each figure gets generated placeholder pictures.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from desktop import images
from desktop.report import Report

EDITION = "2022"


def _load(name: str) -> dict:
    path = resources.files("resources") / "sample" / EDITION / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


def write_sample(path: Path | str) -> Report:
    """Create the sample report at `path` (refused if the file exists)."""
    values = _load("values.toml")
    content = _load("content.toml")
    meta = values["meta"]
    return Report.create(path, meta["school"], meta["edition"], int(meta["year"]),
                         fill=lambda report: _fill_sample(report, meta, values, content))


def _fill_sample(report: Report, meta: dict, values: dict, content: dict) -> None:
    file = report.file
    with file.transaction("sample"):
        for key, value in meta.items():
            if key not in ("school", "edition", "year"):
                file.set_meta(key, value)
        # Remove the template's default outline: the sample brings its own.
        for chapter in report.template.chapters:
            root = file.chapter_root(chapter.id)
            for child in file.children(root):
                file.delete_section(child.id)
        items = []
        for year, row in values["values"].items():
            for indicator, text in row.items():
                items.append((indicator, int(year), report.parse(indicator, int(year), text)))
        file.set_values(items)
        for year, row in values.get("notes", {}).items():
            for indicator, text in row.items():
                file.set_note(indicator, int(year), text)
        for stated in values.get("stated", []):
            ind = stated["indicator"]
            file.set_stated(stated["table"], ind, stated["year"],
                            report.parse(ind, stated["year"], stated["value"]))
        for chapter in content["chapter"]:
            root = file.chapter_root(chapter["id"])
            if report.template.chapter(chapter["id"]).case:
                file.rename_section(root, chapter["title"])
            _fill(file, root, chapter)


def _fill(file, section_id: int, data: dict) -> None:
    file.set_section_text(section_id, data.get("text", "").strip())
    blocks = []
    for kind in ("figure", "table", "fixed"):
        for index, block in enumerate(data.get(kind, [])):
            blocks.append((block.get("after", 0), block.get("order", 0), index, kind, block))
    for after, _order, _index, kind, block in sorted(blocks, key=lambda b: b[:3]):
        if kind == "figure":
            photos = []
            for caption in block.get("photos", [""]):
                photo = images.placeholder(block.get("caption", "") + caption)
                photos.append((photo.data, caption, photo.width, photo.height))
            file.add_figure(section_id, block.get("caption", ""), photos, after=after)
        elif kind == "table":
            file.add_table(section_id, "free", block["kind"], after=after,
                           caption=block.get("caption", ""), rows=block.get("rows", []),
                           stated_total=block.get("total"))
        else:
            file.add_table(section_id, "fixed", block["table"], after=after)
    for block in data.get("chart", []):  # after the tables they may draw from
        file.set_figure_field(
            file.add_figure(section_id, block.get("caption", ""), after=block.get("after", 0)),
            "chart", _chart_spec(file, section_id, block))
    for child in data.get("section", []):
        child_id = file.add_section(section_id, child["title"])
        _fill(file, child_id, child)


def _chart_spec(file, section_id: int, block: dict) -> str:
    from desktop.charts import ChartSpec
    from desktop.template import load

    if "table" in block:
        table = next(t for t in file.tables(section_id) if t.ref == block["table"])
        columns = [c.name for c in load(EDITION).free_tables[table.ref].columns]
        return ChartSpec(block.get("kind", "bar"), table=table.id,
                         column=columns.index(block["column"])).to_json()
    return ChartSpec(block.get("kind", "bar"), tuple(block["indicators"])).to_json()
