"""Charts: numbers from the report, vectors in the PDF, a picture in Word."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest

from desktop import assemble, charts
from desktop.charts import ChartError, ChartSpec
from desktop.formats.pdf import write_pdf


def page_text(pdf, page: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out


def page_of(pdf, needle: str, pages: int) -> int:
    return next(p for p in range(1, pages + 1) if needle in page_text(pdf, p))


def images_on(pdf, page: int) -> int:
    out = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    return len(out.strip().splitlines()) - 2  # two header lines


def test_spec_round_trip_and_damage():
    spec = ChartSpec("line", ("students", "teachers"), (2020, 2021))
    assert ChartSpec.from_json(spec.to_json()) == spec
    table = ChartSpec("bar", table=7, column=1)
    assert ChartSpec.from_json(table.to_json()) == table
    for damaged in ("{", '{"kind": "pie"}', "[]", '{"indicators": 5}'):
        with pytest.raises(ChartError):
            ChartSpec.from_json(damaged)


def test_indicators_over_the_years_in_the_file(sample_report):
    chart = charts.data(sample_report, ChartSpec("bar", ("students", "graduates")))
    assert chart.categories == ("2020年", "2021年")
    assert chart.series == (("全日制在校生数", (Decimal(7948), Decimal(9527))),
                            ("毕业生总数", (Decimal(2400), Decimal(2245))))
    assert chart.unit == "人"
    # a derived value nobody typed is drawn as the report shows it; "-" leaves a gap
    sample_report.file.set_value("campus_area_per_student", 2021, None)
    sample_report.file.set_value("students", 2020, "-")
    chart = charts.data(sample_report, ChartSpec("line", ("students", "campus_area_per_student")))
    assert chart.series[0][1] == (None, Decimal(9527))
    assert chart.series[1][1][1] == Decimal("49.65")  # 473000 m² / 9527, filled in
    assert chart.unit == ""  # 人 and m² do not share an axis label


def test_a_column_of_a_free_table(sample_report):
    table = next(t for t in sample_report.file.tables() if t.ref == "training")
    chart = charts.data(sample_report, ChartSpec("bar", table=table.id, column=1))
    assert chart.categories[:2] == ("建筑业特种作业人员安全技术培训", "专业技术人员继续教育培训")
    assert chart.series[0][0] == "培训人数"
    assert chart.series[0][1][:2] == (Decimal(866), Decimal(16720))
    # a table deleted under the chart draws nothing rather than failing
    gone = charts.data(sample_report, ChartSpec("bar", table=999999, column=1))
    assert gone.categories == () and gone.series == ()


def test_sample_charts_print_their_numbers_as_text_and_draw_as_vectors(sample_report, tmp_path):
    out = tmp_path / "sample.pdf"
    result = write_pdf(assemble.build(sample_report), out)
    pages = result.pages
    page = page_of(out, "图 2-3 全日制在校生数与毕业生总数", pages)
    text = page_text(out, page)
    for number in ("7948", "9527", "2400", "2245", "2020年", "2021年", "全日制在校生数"):
        assert number in text
    page = page_of(out, "图 7-2 本年度各项社会培训人数", pages)
    assert all(n in page_text(out, page) for n in ("866", "16720", "1884", "552"))


def test_a_chart_alone_is_vectors_not_a_picture(sample_report, tmp_path):
    doc = assemble.build(sample_report)
    # keep only the chapter with the first chart, and only its chart figures
    chapter = next(c for c in doc.chapters if c.title == "学生发展")

    def charts_only(blocks):
        return [b for b in blocks if getattr(b, "chart", None) is not None or isinstance(b, str)]

    def prune(section):
        section.body = charts_only(section.body)
        for s in section.sections:
            prune(s)

    prune(chapter)
    chapter.body = charts_only(chapter.body)
    doc.chapters = [chapter]
    out = tmp_path / "chart.pdf"
    write_pdf(doc, out)
    page = page_of(out, "图 2-3", 20)
    assert images_on(out, page) == 0
    svg = tmp_path / "page.svg"
    subprocess.run(["pdftocairo", "-svg", "-f", str(page), "-l", str(page), str(out), str(svg)],
                   check=True)
    fills = re.findall(r"fill:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\)", svg.read_text())
    bar = tuple(int(charts.PALETTE[0][i:i + 2], 16) / 255 * 100 for i in (1, 3, 5))
    drawn = [f for f in fills if all(abs(float(a) - b) < 0.5 for a, b in zip(f, bar, strict=True))]
    assert len(drawn) >= 2  # two bars (and the legend's swatch) filled as paths


def test_a_chart_is_a_picture_in_word(sample_report, tmp_path):
    import docx

    from desktop.formats.docx_write import write_docx

    out = tmp_path / "sample.docx"
    write_docx(assemble.build(sample_report), out)
    document = docx.Document(str(out))
    captions = [p for p in document.paragraphs if p.text.startswith("图 2-3 ")]
    assert captions
    before = captions[0]._p.getprevious()
    assert before is not None and before.xpath(".//pic:pic")  # the chart, as a picture


def test_png_draws_chinese_labels_with_the_bundled_font(sample_report):
    from io import BytesIO

    from PIL import Image

    chart = charts.data(sample_report, ChartSpec("bar", ("students", "graduates")))
    image = Image.open(BytesIO(charts.png(chart, 400, 200, scale=2)))
    assert image.size == (800, 400)
    colours = {c for _, c in image.getcolors(1 << 20)}
    assert (0x2f, 0x6f, 0x9f) in colours and (0xd9, 0x82, 0x2b) in colours


def test_a_chart_comes_back_from_our_own_word_file_as_a_chart(sample_path, tmp_path):
    from desktop.formats.docx_write import write_docx
    from desktop.report import Report
    from desktop.word_import import apply_word_import, plan_word_import

    def drawn(report):
        return {f.caption: charts.data(report, ChartSpec.from_json(f.chart))
                for f in report.file.figures() if f.chart}

    out = tmp_path / "sample.docx"
    with Report.open(sample_path) as report:
        before = drawn(report)
        write_docx(assemble.build(report), out)
        old_tables = {t.id for t in report.file.tables()}
        apply_word_import(report, plan_word_import(report, out))
        after = drawn(report)
        # the tables are new rows; the chart of 表 7-1 follows its new id
        table_chart = next(ChartSpec.from_json(f.chart) for f in report.file.figures()
                           if f.caption == "本年度各项社会培训人数")
        assert table_chart.table not in old_tables
    assert len(before) == 3 and after == before


def test_many_series_keep_their_keys_inside_the_chart():
    from desktop.document import Chart

    names = ["全日制在校生数", "毕业生总数", "就业（含升学）人数", "在规模以上企业就业人数",
             "在中小微企业就业人数", "通过对口单独招生升学人数", "其他升学人数"]
    chart = Chart("bar", ("2020年", "2021年"),
                  tuple((n, (Decimal(100 + i), Decimal(200 + i))) for i, n in enumerate(names)))
    parts = charts.layout(chart, 420, 220)
    keys = [p for p in parts if isinstance(p, charts.Text) and p.text in names]
    assert len(keys) == 7
    assert all(k.x + charts._text_width(k.text, charts.SIZE) <= 420 for k in keys)
    assert len({k.y for k in keys}) == 2  # two rows of keys
    swatches = {p.colour for p in parts if isinstance(p, charts.Rect)}
    assert len(swatches) == 7  # each series its own colour
