"""A realistic Document built in code for the PDF tests (no report file needed).

Long paragraphs are dense with the punctuation the line-breaking rules are about (，。、；：
“”《》（）), numbers that must not be split, a chapter table long enough to cross pages with
a totals row, a figure with two generated photos and a ~60-row data table with 其中 rows.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal

from desktop.document import (
    Cell,
    Chapter,
    Column,
    DataRow,
    DataTable,
    Document,
    Figure,
    Photo,
    Section,
    Submission,
    Table,
)

SCHOOL = "聊城高级工程职业学校"

_PHRASES = [
    "学校坚持以习近平新时代中国特色社会主义思想为指导",
    "全面贯彻党的教育方针",
    "落实立德树人根本任务",
    "构建“三全育人”工作格局",
    "深入实施《国家职业教育改革实施方案》",
    "推进“1+X”证书制度试点（含职业技能等级证书）",
    "年培训社会各类人员近 2 万人",
    "教学仪器设备总值10671.47万元",
    "双师型教师占比达73.04%",
    "与山东新时代电子商务有限公司共建“新时代电商学校”",
    "开展“岗位引导、项目驱动”的课程改革",
    "完善《学生管理手册》《教师教学工作规范》等制度",
    "打造“五育并举”的育人体系（德、智、体、美、劳）",
    "毕业生就业率达98.5%",
    "专业对口就业率为92.05%",
    "服务区域经济发展",
    "助力乡村振兴",
    "学生家长综合满意度98%",
    "获得专利110余项",
    "承办市级以上技能竞赛6项",
]
_ENDINGS = ["，", "，", "，", "；", "、", "。", "：", "！", "？"]


def paragraph(rng: random.Random, n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(rng.choice(_PHRASES))
        parts.append("。" if i == n - 1 else rng.choice(_ENDINGS))
    return "".join(parts)


def photo(width: int, height: int, color: tuple[int, int, int], fmt: str = "JPEG") -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(im)
    for k in range(0, width, 40):
        draw.line([(k, 0), (width - k, height)], fill=(255, 255, 255), width=3)
    draw.ellipse([width // 4, height // 4, width * 3 // 4, height * 3 // 4], outline=(0, 0, 0))
    out = io.BytesIO()
    im.save(out, fmt, quality=90)
    return out.getvalue()


def _num(value: int | float | str, places: int = 0) -> Cell:
    d = Decimal(str(value))
    return Cell(f"{d:.{places}f}", d, places)


def awards_table(rows: int) -> Table:
    rng = random.Random(7)
    prizes = ["一等奖", "二等奖", "三等奖", "优胜奖"]
    body = []
    counts = []
    for i in range(1, rows + 1):
        n = rng.randint(1, 12)
        counts.append(n)
        body.append(
            (
                Cell(str(i)),
                Cell(f"2021年山东省职业院校技能大赛（中职组）“{rng.choice(_PHRASES)[:8]}”赛项"),
                Cell(rng.choice(prizes)),
                _num(n),
            )
        )
    total = (Cell(""), Cell("合计"), Cell(""), _num(sum(counts)))
    return Table(
        number="表 2-1",
        caption="学生参加技能大赛部分省级及以上获奖情况统计表",
        columns=(
            Column("序号", width=0.5),
            Column("项目", width=4.0),
            Column("奖项", width=1.0),
            Column("人数", numeric=True, width=0.8),
        ),
        rows=tuple(body),
        total=total,
    )


def conditions_table() -> Table:
    data = [
        ("全日制在校生数（含技工）", "人", 9527, 0),
        ("生均校园占地面积", "m²", 49.64, 2),
        ("生均教学仪器设备值", "元", 11201.30, 2),
        ("生师比", "/", "19:1", None),
    ]
    rows = []
    for i, (name, unit, value, places) in enumerate(data, start=1):
        cell = Cell(value) if places is None else _num(value, places)
        rows.append((Cell(str(i)), Cell(name), Cell(unit), cell))
    return Table(
        number="表 1-1",
        caption="学校办学条件",
        columns=(
            Column("序号", width=0.5),
            Column("指标", width=4.0),
            Column("单位", width=0.8),
            Column("2021年", numeric=True, width=1.2),
        ),
        rows=tuple(rows),
    )


def data_table(n_indicators: int = 45) -> DataTable:
    rng = random.Random(3)
    rows = []
    for i in range(1, n_indicators + 1):
        unit = rng.choice(["人", "个", "%", "元", "m²"])
        places = 2 if unit in ("%", "元", "m²") else 0
        prev, cur = rng.uniform(0, 5000), rng.uniform(0, 5000)
        name = f"{rng.choice(_PHRASES)[:12]}（第{i}项）"
        rows.append(
            DataRow(str(i), name, unit, (_num(round(prev, places), places), _num(round(cur, places), places)))
        )
        if i % 8 == 3:
            for j, level in enumerate(["国家级", "省级", "地市级"]):
                rows.append(DataRow("", level, "个", (Cell("-"), _num(j)), level=1, first_child=j == 0))
    return DataTable(title=f"{SCHOOL}质量数据表", years=(2020, 2021), rows=tuple(rows), sheet="质量数据表")


def build_document() -> Document:
    rng = random.Random(2021)

    def paras(k: int, length: int = 9) -> list:
        return [paragraph(rng, length) for _ in range(k)]

    figure = Figure(
        number="图 2-1",
        caption="学校部分活动图片资料",
        photos=(
            Photo(photo(1600, 1200, (90, 140, 200)), "4月30日，“三全育人”综合改革现场会"),
            Photo(photo(900, 1200, (200, 120, 90), "PNG"), "11月27日，党委书记宣讲十九届六中全会精神"),
        ),
    )
    chapters = [
        Chapter("一、", "学校概况", body=[*paras(4), conditions_table(), *paras(2)]),
        Chapter(
            "二、",
            "学生发展",
            sections=[
                Section(
                    "（一）",
                    "立德树人，打造“三全育人”学校",
                    1,
                    body=paras(2),
                    sections=[
                        Section("1.", "党建引领，全力提升教育质量", 2, body=[*paras(2), figure]),
                        Section("2.", "五育并举，全面发展素质教育", 2, body=paras(3)),
                    ],
                ),
                Section(
                    "（二）", "融入教学，提高参赛办赛水平", 1, body=[*paras(2), awards_table(48), *paras(2)]
                ),
            ],
        ),
        Chapter(
            "三、",
            "教学改革",
            sections=[
                Section("（一）", "政行校企，四方融合协同育人", 1, body=paras(5, 12)),
                Section("（二）", "“1+X”证书，夯实基础促进发展", 1, body=paras(4, 12)),
            ],
        ),
        Chapter("四、", "面临挑战", body=paras(6, 10)),
        Chapter("", "案例：产教深度融合 引企入校助推人才培养服务地方经济发展", body=paras(4, 10)),
    ]
    return Document(
        school=SCHOOL,
        title="中等职业教育质量年度报告（2022）",
        edition="2022",
        date_text="二〇二一年十一月",
        chapters=chapters,
        data_tables=[data_table()],
        submission=Submission(unit=SCHOOL, filler="张三", phone="0635-8888888"),
        tables=[conditions_table(), awards_table(48)],
    )
