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


# ----------------------------------------------------------------------------- revised
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REVISION = 'w:author="教务处" w:date="2025-03-01T09:00:00Z"'


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _ins(text: str, ident: int) -> str:
    return f'<w:ins w:id="{ident}" {REVISION}>{_r(text)}</w:ins>'


def _del(text: str, ident: int) -> str:
    return (f'<w:del w:id="{ident}" {REVISION}><w:r><w:delText xml:space="preserve">{text}</w:delText>'
            "</w:r></w:del>")


def _sdt(content: str, placeholder: bool = False) -> str:
    shown = "<w:showingPlcHdr/>" if placeholder else ""
    return f'<w:sdt><w:sdtPr><w:id w:val="7"/>{shown}<w:text/></w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>'


def _paragraph(body: str, ppr: str = "") -> str:
    return f"<w:p {W_NS}>{ppr}{body}</w:p>"


def revised(path: Path) -> Path:
    """A chapter as a school's .docx comes back from review: tracked insertions, deletions and
    a move (Word's 修订), two paragraphs joined, a comment, a hyperlink, content controls (one still showing its
    placeholder), fields, a text box, a table with a row deleted, one inserted and one inside
    a repeating-section content control. What is to be read is in REVISED_TEXT."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    doc = Document()
    doc.add_heading("一、学校概况", level=1)
    body = doc.element.body
    sect = body[-1]  # w:sectPr stays last

    def add(xml: str) -> None:
        sect.addprevious(parse_xml(xml))

    add(_paragraph(_r("学校始建于") + _ins("1958", 1) + _del("1960", 2) + _r("年，")
                   + _del("曾经是一所普通中学，", 3) + _r("是国家级重点中等职业学校。")))
    p = doc.add_paragraph()
    sect.addprevious(p._p)
    counted = p.add_run("现有在校生9527人。")
    doc.add_comment(counted, text="请核实在校生数", author="校长办公室")
    link = doc.part.relate_to("https://www.example.edu.cn/", RT.HYPERLINK, is_external=True)
    add(_paragraph(_r("详见") + f'<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                   f'2006/relationships" r:id="{link}">{_r("学校网站")}</w:hyperlink>' + _r("。")))
    add(_paragraph(_r("学校占地") + _sdt(_r("709.5")) + _r("亩，") + _sdt(_r("单击或点击此处输入文字。"), True)
                   + _r("建筑面积17.87万平方米。")))
    add(f"<w:sdt {W_NS}><w:sdtPr><w:id w:val=\"8\"/></w:sdtPr><w:sdtContent>"
        + _paragraph(_r("学校设有五个专业部。")) + "</w:sdtContent></w:sdt>")
    add(_paragraph(_r("本年度编写的是")
                   + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                   + '<w:r><w:instrText xml:space="preserve"> DOCPROPERTY  Title </w:instrText></w:r>'
                   + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _r("质量年度报告")
                   + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                   + _r("，见表") + f'<w:fldSimple w:instr=" SEQ 表 \\* ARABIC ">{_r("1")}</w:fldSimple>' + _r("。")))
    add(_paragraph('<w:moveFromRangeStart w:id="20" w:name="move1" ' + REVISION + "/>"
                   + f'<w:moveFrom w:id="21" {REVISION}>{_r("学校坚持立德树人。")}</w:moveFrom>'
                   + '<w:moveFromRangeEnd w:id="20"/>' + _r("学校办学条件良好。")))
    add(_paragraph(_r("育人成效显著。") + '<w:moveToRangeStart w:id="22" w:name="move1" ' + REVISION + "/>"
                   + f'<w:moveTo w:id="23" {REVISION}>{_r("学校坚持立德树人。")}</w:moveTo>'
                   + '<w:moveToRangeEnd w:id="22"/>'))
    # two paragraphs joined by deleting the mark between them
    add(_paragraph(_r("学校位于聊城市"), f'<w:pPr><w:rPr><w:del w:id="6" {REVISION}/></w:rPr></w:pPr>'))
    add(_paragraph(_r("高新区。")))
    # a whole paragraph deleted, its mark too
    add(_paragraph(_del("这一段已经删除。", 4), f'<w:pPr><w:rPr><w:del w:id="5" {REVISION}/></w:rPr></w:pPr>'))
    add(_paragraph(_r("案例见下框。") + '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
                   'style="width:200pt;height:60pt"><v:textbox><w:txbxContent>'
                   + _paragraph(_r("案例：校企共建实训基地。")) + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    sect.addprevious(table._tbl)

    def row(a: str, b: str, trpr: str = "") -> str:
        cells = "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{_paragraph(x)}</w:tc>"
                        for x in (a, b))
        return f"<w:tr {W_NS}>{trpr}{cells}</w:tr>"

    tbl = table._tbl
    tbl.append(parse_xml(row(_r("专业"), _r("在校生数"))))
    tbl.append(parse_xml(row(_r("汽车运用与维修"), _r("620"))))
    tbl.append(parse_xml(row(_del("已停招专业", 10), _del("0", 11), f'<w:trPr><w:del w:id="12" {REVISION}/></w:trPr>')))
    tbl.append(parse_xml(row(_ins("电子商务", 13), _ins("410", 14), f'<w:trPr><w:ins w:id="15" {REVISION}/></w:trPr>')))
    tbl.append(parse_xml(f"<w:sdt {W_NS}><w:sdtPr><w:id w:val=\"9\"/></w:sdtPr><w:sdtContent>"
                         + row(_r("数控技术应用"), _r("388")) + "</w:sdtContent></w:sdt>"))
    add(_paragraph(_r("（完）")))
    doc.save(path)
    return path


REVISED_TEXT = [
    "一、学校概况",
    "学校始建于1958年，是国家级重点中等职业学校。",
    "现有在校生9527人。",
    "详见学校网站。",
    "学校占地709.5亩，建筑面积17.87万平方米。",
    "学校设有五个专业部。",
    "本年度编写的是质量年度报告，见表1。",
    "学校办学条件良好。",
    "育人成效显著。学校坚持立德树人。",
    "学校位于聊城市高新区。",
    "案例见下框。",
    "案例：校企共建实训基地。",
]
REVISED_TABLE = [["专业", "在校生数"], ["汽车运用与维修", "620"], ["电子商务", "410"], ["数控技术应用", "388"]]
