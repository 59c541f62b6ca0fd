"""Word reports built the way schools make them, for the import tests (python-docx).

- `styled`: headings in Word's heading styles (标题 1–3), a free table with its caption,
  the 质量数据表 at the end;
- `unstyled`: no heading styles at all: bold numbered lines (黑体 for chapters, a bold
  lead-in "1.…。" followed by text), body indented by two full-width spaces, lines wrapped
  by hand with soft line breaks (Shift+Enter), photos with their caption lines, a table of
  no kind the edition knows, a free table with its 合计, the data table after a bold title.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

SCHOOL = "测试职业学校"
DATA_ROWS = [  # 序号, 指标, 单位, 2020年, 2021年
    ("1", "思想政治课专任教师数", "人", "48", "54"),
    ("2", "德育管理人员数", "人", "90", "101"),
    ("3", "名班主任工作室数", "个", "2", "3"),
    ("", "其中：国家级", "个", "0", "0"),
    ("", "省级", "个", "1", "1"),
    ("", "地市级", "个", "1", "2"),
]


def photo(color: tuple[int, int, int], size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=80)
    return out.getvalue()


def _hei(run) -> None:
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def _table(doc, rows, style="Table Grid"):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = style
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    return t


def _data_table(doc, title_paragraph) -> None:
    title_paragraph(f"{SCHOOL}质量数据表")
    _table(doc, [("序号", "指标", "单位", "2020年", "2021年"), *DATA_ROWS])
    doc.add_paragraph("填报单位（盖章）：测试职业学校")


def styled(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("中等职业教育质量年度报告（2022）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(SCHOOL).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("一、学校概况", level=1)
    doc.add_paragraph("学校始建于1958年，是国家级重点中等职业学校。")
    doc.add_paragraph("学校占地709.5亩，建筑面积17.87万平方米。")
    doc.add_heading("二、学生发展", level=1)
    doc.add_paragraph("学校坚持立德树人。")
    doc.add_heading("（一）立德树人，打造三全育人学校", level=2)
    doc.add_paragraph("学校党委把思想政治工作贯穿教育教学全过程。")
    doc.add_heading("1.党建引领，全力提升教育质量", level=3)
    doc.add_paragraph("以党建带团建。")
    doc.add_heading("（二）技能大赛成绩突出", level=2)
    doc.add_paragraph("本年度学生在技能大赛中获奖如下。")
    doc.add_paragraph("表 2-1 学生参加技能大赛部分省级及以上获奖情况统计表")
    _table(doc, [("序号", "项目", "奖项"), ("1", "汽车维修", "一等奖"), ("2", "电子商务", "二等奖")])
    doc.add_paragraph("获奖数量比上年增加。")
    doc.add_heading("三、教学改革", level=1)
    doc.add_paragraph("学校深化产教融合。")
    doc.add_page_break()
    _data_table(doc, lambda text: doc.add_heading(text, level=1))
    doc.save(path)
    return path


def unstyled(path: Path) -> Path:
    doc = Document()

    def line(text, bold=False, hei=False, centre=False, size=None):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if hei:
            _hei(run)
        if size:
            from docx.shared import Pt

            run.font.size = Pt(size)
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def body(*lines):
        # typed with two full-width spaces, wrapped by hand with soft line breaks
        p = doc.add_paragraph()
        for i, text in enumerate(lines):
            run = p.add_run(("\u3000\u3000" if i == 0 else "") + text)
            if i < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        return p

    def picture(data):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(data), width=Cm(7))

    line("中等职业教育质量年度报告（2022）", bold=True, centre=True, size=22)
    line("目  录", bold=True, centre=True)
    line("一、学校概况……………………1")
    line("二、学生发展……………………2")
    line("一、学校概况", bold=True, hei=True)
    body("学校始建于1958年，位于", "聊城市高新区。", "现有在校生9527人。")
    line("（一）办学条件", bold=True)
    body("学校占地709.5亩。")
    line("二、学生发展", hei=True)
    body("学校坚持立德树人，", "全面发展素质教育。")
    p = doc.add_paragraph()
    lead = p.add_run("\u3000\u30001.党建引领，全力提升教育质量。")
    lead.bold = True
    p.add_run("学校以党建带团建，全面加强思想政治工作，提升育人质量。")
    body("学生参加各类活动。")
    picture(photo((200, 80, 60)))
    line("4月30日，三全育人综合改革现场会", centre=True, size=9)
    picture(photo((60, 120, 200)))
    line("11月27日，宣讲会", centre=True, size=9)
    line("图 2-1 学校举行的部分思政教育活动", centre=True)
    body("学生社团活动丰富。")
    line("表 2-1 学生社团一览表", centre=True)
    _table(doc, [("社团名称", "成立时间", "人数"), ("书法社", "2015年", "40"), ("机器人社", "2018年", "35")])
    line("三、教学改革", bold=True, hei=True)
    body("学校开设37个专业。")
    line("表 3-1 学校专业设置及在校生情况一览表", centre=True)
    _table(doc, [("序号", "所属系部", "专业名称", "在校生数"), ("1", "智能制造系", "数控技术应用", "300"),
                 ("2", "信息工程系", "电子商务", "200"), ("合计", "", "", "500")])
    line(f"{SCHOOL}质量数据表", bold=True, centre=True, size=16)
    _table(doc, [("序号", "指标", "单位", "2020年", "2021年"), *DATA_ROWS])
    doc.save(path)
    return path
