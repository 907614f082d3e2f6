"""The workbook's first sheet, 填写说明: how to fill it in, in a few lines."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ..profile import Profile
from . import style as S


def _lines(profile: Profile) -> list[str]:
    w = profile.self_eval.weights
    weights = "、".join(f"{k}{v}分" for k, v in w.items())
    grades = "、".join(f"{g.name}（≥{g.lower}分）" for g in profile.self_eval.grades)
    return [
        "这是 docgen 的项目数据填报工作簿：一个工作簿填一个项目，填好后交给 docgen 校验、生成表单。",
        "",
        "怎么填",
        "1．按工作表顺序填写：基本信息 → 资金 → 绩效指标；监控、自评、调整、事前评估在需要时再填，不用的表留空。",
        "2．每张表第 2、3 行是表头，第 4 行（灰色斜体）是填写说明；从白色单元格开始填写。红色表头为必填项。",
        "3．带下拉箭头的单元格请从列表中选择：一级指标、二级指标（先选一级指标，二级列表随之变化）、完成可能性、"
        "完成程度、项目属性、偏差原因（有此原因选“√”）等。",
        "4．金额一律以“万元”为单位填数字（如 360 或 1200.5），不要写“约”“左右”或单位。",
        "5．日期填成 2024-06-30 这样的日期。",
        "6．指标值、执行情况、全年预计、实际完成值照表格原样填写文字，"
        "如 ≥12处、96%、≤30万元/处、2024年11月30日前、进行中。",
        "7．“监控”表每次监控（每个截止日期）填一行；各指标的完成情况填在“监控指标”表，每个截止日期 × 每个三级指标一行，"
        "截止日期与“监控”表相同，三级指标从下拉列表中选择。",
        "8．“自评”表填全年执行数和总体完成情况，各指标的实际完成值填在“自评指标”表。",
        "9．行不够时可在表格末尾继续填写（已预留空行）；表头受保护（无密码），请不要修改表头和工作表名称。",
        "",
        "填好以后",
        "· docgen check 本文件.xlsx —— 检查；每个问题标明位置，如 本文件.xlsx!绩效指标!D7: 指标值: 说明。",
        "· docgen intake import 本文件.xlsx -o 项目.yaml —— 转成项目数据文件（YAML）。",
        "· docgen compute / render / build 也可以直接使用本工作簿。",
        "",
        f"配置方案：{profile.name}（{profile.id}）。自评权重：{weights}；等级：{grades}。",
        "分值可不填：按上面的权重在同一类一级指标中平均分配；填写时，全部分值加预算执行率分值应为 100 分。",
        "",
        "请勿删除隐藏的“列表”“_docgen”工作表：docgen 凭它们识别本工作簿。",
    ]


def write_guide(ws: Worksheet, profile: Profile) -> None:
    ws.cell(1, 1).value = "项目数据填报工作簿 · 填写说明"
    ws.cell(1, 1).font = S.TITLE_FONT
    for row, text in enumerate(_lines(profile), start=3):
        cell = ws.cell(row, 1)
        cell.value = text
        cell.font = S.HEADER_FONT if text in ("怎么填", "填好以后") else S.DATA_FONT
        cell.alignment = S.WRAP
        if len(text) > 60:
            ws.row_dimensions[row].height = 30
    ws.column_dimensions["A"].width = 120
    S.protect(ws)
