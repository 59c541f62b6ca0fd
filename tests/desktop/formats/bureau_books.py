"""Bureau-style blank workbooks, built the way provinces send them.

Province A: a 说明 sheet first, then one table sheet "表1" with a merged title, a note row
under it, the header on row 4 with 项目/上年/本年/备注, 其中 rows by prefix, a percent column
formatted as percent, a money row kept in 元 (the edition says 万元), a unit carried by a
number format, the bureau's formula row (生师比), data validation on the inputs, a logo
image, comments, a hidden code sheet, a defined name, frozen panes, print titles.

Province B: two tables (计分卡, 教学资源表) that both show 全日制在校生数, headers on row 3 and
5 written 2021年度/2020年度, 其中 rows by indentation and an empty 序号, a chart sheet-like
说明 sheet of text only.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).rectangle((4, 4, 116, 36), outline="navy", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# (序号, 项目, 单位, kind) — names as the 2022 edition spells them, 其中 rows with a prefix
PROVINCE_A_ROWS = [
    ("1", "思想政治课专任教师数", "人"),
    ("2", "名班主任工作室数", "个"),
    ("", "其中：国家级", "个"),
    ("", "省级", "个"),
    ("", "地市级", "个"),
    ("3", "就业单位对毕业生职业素养的满意度", "%"),
    ("4", "全日制在校生数", "人"),
    ("5", "专任教师", "人"),
    ("6", "生师比", "/"),  # the bureau's formula: 在校生 / 专任教师
    ("7", "企业提供的实践教学设备总值", "元"),  # the edition keeps it in 万元
    ("8", "年生均财政拨款(截至2021.08.31)", ""),  # the unit is in the number format
    ("9", "食堂满意度", "%"),  # the province's own row: not in the edition
]
A_FIRST_ROW = 5  # row of the first indicator


def province_a(path: Path) -> Path:
    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "说明"
    intro["A1"] = "填表说明"
    intro["A2"] = "1. 请按表1填写，不要改动表格结构。"
    intro["A3"] = "2. 数据截至2021年8月31日。"
    ws = wb.create_sheet("表1")
    ws.merge_cells("A1:F1")
    ws["A1"] = "2022年中等职业学校质量年度报告数据表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:F2")
    ws["A2"] = "注：请如实填写，单位以表头为准；灰色单元格由公式计算。"
    ws["A3"] = "填报单位（盖章）："
    header = ["序号", "项目", "单位", "上年", "本年", "备注"]
    for col, text in enumerate(header, start=1):
        c = ws.cell(4, col, text)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
        c.border = GRID
    ws["E4"].comment = Comment("本年指2021年（截至8月31日）", "教育局")
    for offset, (seq, name, unit) in enumerate(PROVINCE_A_ROWS):
        row = A_FIRST_ROW + offset
        ws.cell(row, 1, seq or None)
        ws.cell(row, 2, name)
        ws.cell(row, 3, unit or None)
        for col in range(1, 7):
            ws.cell(row, col).border = GRID
        for col in (4, 5):
            ws.cell(row, col).font = Font(name="宋体", size=11, color="FF1F4E79")
    pct = A_FIRST_ROW + 5
    ws.cell(pct, 4).number_format = "0.0%"
    ws.cell(pct, 5).number_format = "0.0%"
    ratio = A_FIRST_ROW + 8
    students, teachers = A_FIRST_ROW + 6, A_FIRST_ROW + 7
    for col in "DE":
        ws[f"{col}{ratio}"] = f"=ROUND({col}{students}/{col}{teachers},2)"
        ws[f"{col}{ratio}"].fill = PatternFill("solid", start_color="FFEDEDED", end_color="FFEDEDED")
    money = A_FIRST_ROW + 10
    ws.cell(money, 4).number_format = '0.00"万元"'
    ws.cell(money, 5).number_format = '0.00"万元"'
    ws.cell(A_FIRST_ROW + 9, 5).number_format = "#,##0"
    ws.cell(A_FIRST_ROW + 6, 6, "含五年制高职前三年")
    ws.cell(A_FIRST_ROW + 6, 6).comment = Comment("以学籍系统为准", "教育局")
    last = A_FIRST_ROW + len(PROVINCE_A_ROWS) - 1
    note = last + 2
    ws.cell(note, 1, "说明：本表由学校填写，教育局汇总。")
    ws.cell(note + 1, 1, "填报人：")
    ws.cell(note + 1, 4, "联系电话：")
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            error="请填写非负整数", showErrorMessage=True)
    ws.add_data_validation(counts)
    for row in (A_FIRST_ROW, A_FIRST_ROW + 1, A_FIRST_ROW + 2, A_FIRST_ROW + 6, A_FIRST_ROW + 7):
        counts.add(f"D{row}:E{row}")
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
    ws.add_data_validation(percent)
    percent.add(f"D{pct}:E{pct}")
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["F"].width = 24
    ws.freeze_panes = "C5"
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "landscape"
    from openpyxl.drawing.image import Image

    logo = Image(io.BytesIO(_logo_png()))
    logo.anchor = "H1"
    ws.add_image(logo)
    codes = wb.create_sheet("代码表")
    codes.append(["代码", "含义"])
    codes.append(["1", "国家级"])
    codes.sheet_state = "hidden"
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["填报区"] = DefinedName("填报区", attr_text=f"'表1'!$D${A_FIRST_ROW}:$E${last}")
    wb.active = 1
    wb.save(path)
    return path


def province_b(path: Path) -> Path:
    """Two tables showing 全日制在校生数 twice; years as 2021年度/2020年度 (current first)."""
    wb = openpyxl.Workbook()
    card = wb.active
    card.title = "计分卡"
    card.merge_cells("A1:E1")
    card["A1"] = "附表1 学校发展计分卡"
    card["A2"] = "单位：人、%"
    card.append([])
    card.append(["序号", "指标", "单位", "2021年度", "2020年度"])
    card.append(["1", "全日制在校生数", "人", None, None])
    card.append(["2", "毕业生总数", "人", None, None])
    card.append(["3", "就业（含升学）人数", "人", None, None])
    card.append(["4", "毕业生专业对口就业率", "%", None, None])
    res = wb.create_sheet("教学资源表")
    res.merge_cells("A1:E1")
    res["A1"] = "附表2 教学资源表"
    res["A2"] = "注：数据截至当年8月31日"
    res["A3"] = "填报单位："
    res.append([])
    res.append(["序号", "指标名称", "单位", "2021年度", "2020年度"])
    res.append(["1", "专任教师", "人", None, None])
    res.append(["2", "名班主任工作室数", "个", None, None])
    res.append([None, "国家级", "个", None, None])
    res.append([None, "省级", "个", None, None])
    res.append(["3", "全日制在校生数", "人", None, None])  # restated from 计分卡
    res.append(["4", "纸质图书数", "册", None, None])
    for row in (8, 9):
        res.cell(row, 2).alignment = Alignment(indent=2)
    intro = wb.create_sheet("填报说明")
    intro["A1"] = "各校请于12月10日前报送。"
    wb.save(path)
    return path
