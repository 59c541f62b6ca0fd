"""The bundled sample is the seed report, transcribed completely."""

from __future__ import annotations

from desktop import assemble
from desktop.document import Figure, Table
from tests.desktop.test_template import SEED


def test_every_value_of_the_closing_table_as_published(sample_report):
    from tests.desktop.test_template import seed_data_table

    values = sample_report.file.values()
    rows = sample_report.template.table_rows
    for (_, _, _, y2020, y2021), ind in zip(seed_data_table(), rows, strict=True):
        assert values.get((ind.id, 2020)) == y2020, ind.name
        assert values.get((ind.id, 2021)) == y2021, ind.name


def test_facts_the_chapters_state(sample_report):
    v = sample_report.file.values()
    assert v[("campus_area", 2021)] == "473000.00"  # 709.5 亩
    assert v[("building_area", 2021)] == "178700.00"  # 17.87 万m²
    assert v[("teachers_master", 2021)] == "107"


def test_structure_of_the_sample(sample_document):
    doc = sample_document
    assert [c.heading for c in doc.chapters][:3] == ["一、学校概况", "二、学生发展", "三、教学改革"]
    assert doc.chapters[-1].heading == "案例：产教深度融合 引企入校助推人才培养服务地方经济发展"
    students = doc.chapters[1]
    assert students.sections[0].heading == "（一）立德树人，打造“三全育人”学校"
    assert students.sections[0].sections[1].heading == "2.五育并举，全面发展素质教育"
    case = doc.chapters[-1]
    assert case.sections[1].heading.startswith("二、产教融合")
    assert case.sections[1].sections[0].heading == "（一）引企入校，激发联合办学活力"
    numbers = [t.number for t in doc.tables]
    assert numbers == ["表 1-1", "表 2-1", "表 2-2", "表 2-3", "表 3-1", "表 4-1", "表 4-2",
                       "表 4-3", "表 4-4", "表 7-1"]
    assert doc.tables[0].caption == "聊城高级工程职业学校办学条件"
    assert doc.date_text == "二〇二一年十一月"


def _blocks(chapter):
    yield from chapter.body
    stack = list(chapter.sections)
    while stack:
        s = stack.pop(0)
        yield from s.body
        stack[:0] = s.sections


def test_figures_have_captions_and_pictures(sample_document):
    figures = [b for c in sample_document.chapters for b in _blocks(c) if isinstance(b, Figure)]
    assert len(figures) == 18
    # three of them charts drawn from the data (2-3, 4-1, 7-2), the rest photos
    assert [f.number for f in figures if f.chart is not None] == ["图 2-3", "图 4-1", "图 7-2"]
    figures = [f for f in figures if f.chart is None]
    first = figures[0]
    assert (first.number, first.caption) == ("图 2-1", "学校部分活动图片资料")
    assert [p.caption for p in first.photos] == [
        "4月30日，“三全育人”综合改革现场会", "11月27日，党委书记张连臣宣讲十九届五中全会精神"]
    assert all(p.data[:2] == b"\xff\xd8" for f in figures for p in f.photos)  # JPEG


def test_fixed_tables_show_the_indicator_values(sample_document):
    t11 = sample_document.tables[0]
    assert [r[1].text for r in t11.rows][:2] == ["全日制在校生数（含技工）", "生均校园占地面积"]
    assert [r[3].text for r in t11.rows] == ["9527", "49.64", "18.76", "11201.30", "2568.34",
                                             "204700", "300000", "1000", "501", "19:1", "233"]


def test_free_tables_keep_published_totals(sample_document):
    training = next(t for t in sample_document.tables if t.caption.startswith("本年度学校完成社会培训"))
    assert isinstance(training, Table)
    assert training.total[2].text == "18291"  # as printed; check reports the rows' 20175
    assert [c.name for c in training.columns] == ["序号", "合作单位", "培训人数"]


def test_text_is_complete(sample_document):
    text = "".join(b for c in sample_document.chapters for b in _blocks(c) if isinstance(b, str))
    assert "是领导干部楷模孔繁森同志的母校" in text
    assert "省级现代学徒制试点专业 2 个。" in text  # a paragraph the page break had split
    assert "黄瓜日销量可达1万斤" in text
    seed = SEED.read_text(encoding="utf-8")
    body = seed[seed.index("一、学校概况", seed.index("目 录") + 200): seed.rindex("聊城高级工程职业学校质量数据表")]
    lines = [ln.strip() for ln in body.splitlines() if len(ln.strip()) >= 40 and "\t" not in ln]
    assert len(lines) > 80
    photos = [p.caption for c in sample_document.chapters for b in _blocks(c)
              if isinstance(b, Figure) for p in b.photos]
    missing = [ln for ln in lines if ln not in text and not all(w in photos for w in ln.split())]
    assert missing == []


def test_data_table_rows(sample_report):
    table = assemble.data_table(sample_report)
    assert table.years == (2020, 2021)
    assert table.title == "聊城高级工程职业学校质量数据表"
    first_child = next(r for r in table.rows if r.level == 1)
    assert first_child.label == "其中：国家级"
    ratio = next(r for r in table.rows if r.name == "生师比")
    assert [c.text for c in ratio.cells] == ["16:1", "19:1"] and ratio.derived
    area = next(r for r in table.rows if r.name == "生均校园占地面积")
    assert area.cells[0].places == 2 and area.cells[0].text == "59.50"
