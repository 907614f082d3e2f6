"""附件2 绩效运行监控目标纠偏表: values, 目标 names merged by group, text rows, escaping, determinism."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from docgen.forms import find_form
from docgen.output import missing_data
from docgen.pipeline import run_file

from .conftest import EXAMPLE, SAMPLES, base_project, make, run
from .formcheck import (
    docx_column,
    docx_rows,
    docx_text,
    render_form,
    vertical_groups,
    xlsx_find,
    xlsx_merged_at,
    xlsx_sheet,
)

FORM = find_form("correction")
HOSTILE = 'A&B <工程> "=SUM(A1)"'


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = run_file(EXAMPLE, str(EXAMPLE)).result
    assert result is not None
    return render_form(FORM, result, tmp_path_factory.mktemp("correction"))


def edge_data() -> dict[str, Any]:
    """Every kind of row: 本期应完成, 反向, four deadline states, qualitative, text actual, 一级 成本指标."""
    d = copy.deepcopy(base_project())
    d["项目名称"] = HOSTILE
    d["实施单位"] = "单位&<测试>"
    d["绩效指标"] += [
        {"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "完工时间", "指标值": "2024年8月31日前"},
        {"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "验收时间", "指标值": "2024年6月30日前"},
        {"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "开工时间", "指标值": "2024年5月31日前"},
        {"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "决算时间", "指标值": "2024年12月31日前"},
        {"一级指标": "产出指标", "二级指标": "成本指标", "三级指标": "单位成本", "指标值": "≤30万元/处"},
        {"一级指标": "成本指标", "二级指标": "经济成本指标", "三级指标": "单位造价", "指标值": "≤5万元"},
        {"一级指标": "效益指标", "二级指标": "可持续影响指标", "三级指标": "管护机制", "指标值": "健全"},
    ]
    d["监控"] = [{
        "截止日期": "2024-09-30",
        "执行数": {"一般公共预算拨款": "60"},
        "指标": {
            "新建工程": {"执行情况": "9处", "本期应完成": "8处"},
            "受益人口": {"执行情况": "800人"},
            "满意度": {"执行情况": "未到调查时点"},
            "完工时间": {"执行情况": "2024年8月15日"},
            "验收时间": {"执行情况": "进行中"},
            "开工时间": {"执行情况": "2024年7月10日"},
            "决算时间": {"执行情况": "进行中"},
            "单位成本": {"执行情况": "24万元/处"},
            "单位造价": {"执行情况": "5万元"},
            "管护机制": {"执行情况": "=SUM(A1)", "完成程度": "部分达成"},
        },
        "存在问题": ["资金 & 进度 <滞后>", "第一行\n第二行"],
        "改进措施": "1．已经编号的措施",
    }]
    return d


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result, _ = run(make(edge_data()))
    return render_form(FORM, result, tmp_path_factory.mktemp("correction-edge"))


def _rows_by_name(path: Path) -> dict[str, list[str]]:
    """三级目标 → the 7 cell texts of its row (grid columns 0–6)."""
    out = {}
    for row in docx_rows(path):
        by_col = {c.col: c.text for c in row}
        if len(by_col) == 7 and by_col[2] and by_col[2] != "三级目标":
            out[by_col[2]] = [by_col[i] for i in range(7)]
    return out


def test_docx_header_lines(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("附件2", "绩效运行监控目标纠偏表", "（2024年第2季度）", "填报单位（盖章）：勐海县农村饮水安全管理站",
                  "项目（政策）名称：2024年农村饮水安全巩固提升工程", "填报日期：    年  月  日"):
        assert value in text, value
    bottom = Document(str(files["docx"])).paragraphs[-1].text
    assert bottom.startswith("填报单位负责人：") and "填报人：" in bottom


def test_docx_column_headers(files: dict[str, Path]) -> None:
    header = Document(str(files["docx"])).tables[0].rows[0].cells
    assert [c.text for c in header] == [
        "一级目标", "二级目标", "三级目标", "项目（政策）\n完成时的指标值", "本季度应完成的\n绩效指标值",
        "实际完成目标百分比\n或情况描述", "执行偏差\n（可量化的尽量用数值表示）"]
    assert all(c.span == 1 for c in docx_rows(files["docx"])[0])


def test_docx_indicator_values(files: dict[str, Path]) -> None:
    rows = _rows_by_name(files["docx"])
    # 应完成值 = 12 × 50%; 进度完成率 = 3 ÷ 6; 偏差率 = (3 − 6) ÷ 6
    assert rows["改造集中供水工程数量"] == ["产出目标", "数量目标", "改造集中供水工程数量", "≥12处", "6处",
                                  "3处（50.00%）", "-50.00%"]
    assert rows["新增受益人口"][4:] == ["4300人", "2150人（50.00%）", "-50.00%"]
    assert rows["水质达标率"][4:] == ["95%", "96%（101.05%）", "1.05%"]
    assert rows["工程完工时间"][3:] == ["2024年11月30日前", "2024年11月30日前", "进行中", "未到完成时限"]
    assert rows["单处工程平均造价"][3:] == ["≤30万元/处", "≤30万元/处", "28.5万元/处（105.26%）", "-5.00%"]
    assert rows["农村自来水普及率"][1] == "社会效益目标"
    assert rows["工程运行管护机制"][1:] == ["可持续目标", "工程运行管护机制", "健全", "健全", "正在制定管护办法", "—"]
    assert rows["受益群众满意度"][4:] == ["90%", "未到调查时点", "—"]


def test_docx_goal_groups_are_merged(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    assert vertical_groups(docx_column(rows, 0, 1))[:2] == [("产出目标", 5), ("效果目标", 3)]
    level2 = vertical_groups(docx_column(rows, 1, 1))[:7]
    assert level2 == [("数量目标", 2), ("质量目标", 1), ("时效目标", 1), ("成本目标", 1), ("社会效益目标", 1),
                      ("可持续目标", 1), ("服务对象满意度目标", 1)]


def test_docx_text_rows(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    tail = [[(c.text, c.span) for c in r] for r in rows[-3:]]
    assert [r[0] for r in tail] == [("存在的主要问题（分条描述清楚）", 2), ("改进措施和有关建议（分条描述清楚）", 2),
                                    ("其他需要说明的问题", 2)]  # docx_rows drops the line breaks (w:br)
    assert [r[1][1] for r in tail] == [5, 5, 5]
    cells = Document(str(files["docx"])).tables[0].rows
    assert cells[-3].cells[2].text == ("1．上级补助资金下达较晚，项目资金支出进度滞后于时序进度。\n2．工程运行管护办法尚未出台。")
    assert cells[-2].cells[2].text.startswith("1．督促施工单位倒排工期")
    assert cells[-1].cells[2].text == "无"


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "改造集中供水工程数量")
    assert [ws.cell(r, c + k).value for k in (1, 2, 3)] == ["≥12处", "6处", "3处（50.00%）"]
    deviation = ws.cell(r, c + 4)
    assert float(deviation.value) == pytest.approx(-0.5) and deviation.number_format == "0.00%"
    assert ws.cell(r, c - 2).value == "产出目标"
    assert xlsx_merged_at(ws, r, c - 2) == (r, c - 2, r + 4, c - 2)  # 产出目标 over its 5 rows
    assert xlsx_merged_at(ws, r, c - 1) == (r, c - 1, r + 1, c - 1)  # 数量目标 over 2 rows
    assert xlsx_merged_at(ws, r + 5, c - 2) == (r + 5, c - 2, r + 7, c - 2)  # 效果目标 over 3 rows
    assert ws.cell(r + 7, c + 4).value == "—"
    lr, lc = xlsx_find(ws, "存在的主要问题\n（分条描述清楚）")
    assert lr == r + 8
    assert xlsx_merged_at(ws, lr, lc) == (lr, 1, lr, 2)
    assert xlsx_merged_at(ws, lr, 3) == (lr, 3, lr, 7)
    assert ws.cell(lr, 3).value.split("\n") == ["1．上级补助资金下达较晚，项目资金支出进度滞后于时序进度。",
                                                 "2．工程运行管护办法尚未出台。"]
    assert ws.row_dimensions[lr].height >= 2 * 9 * 1.4  # tall enough for both lines
    assert xlsx_find(ws, "（2024年第2季度）")


def test_edge_values(edge: dict[str, Path]) -> None:
    rows = _rows_by_name(edge["docx"])
    assert rows["新建工程"][3:] == ["≥12处", "8处", "9处（112.50%）", "12.50%"]  # 本期应完成 as written
    assert rows["受益人口"][3:] == ["≥1000人", "1000人", "800人（80.00%）", "-20.00%"]  # not 数量: the annual value
    assert rows["满意度"][5:] == ["未到调查时点", "—"]
    assert rows["完工时间"][6] == "按期完成"
    assert rows["验收时间"][6] == "逾期未完成"
    assert rows["开工时间"][6] == "逾期完成"
    assert rows["决算时间"][6] == "未到完成时限"
    assert rows["单位成本"][4:] == ["≤30万元/处", "24万元/处（125.00%）", "-20.00%"]
    assert rows["单位造价"][:2] == ["成本目标", "经济成本目标"]
    assert rows["管护机制"][5:] == ["=SUM(A1)", "部分达成"]
    groups = vertical_groups(docx_column(docx_rows(edge["docx"]), 0, 1))[:3]
    assert groups == [("产出目标", 6), ("成本目标", 1), ("效果目标", 3)]


def test_edge_quarter_and_text(edge: dict[str, Path]) -> None:
    text = docx_text(edge["docx"])
    assert "（2024年第3季度）" in text
    assert f"项目（政策）名称：{HOSTILE}" in text and "填报单位（盖章）：单位&<测试>" in text
    table = Document(str(edge["docx"])).tables[0].rows
    assert table[-3].cells[2].text == "1．资金 & 进度 <滞后>\n2．第一行\n第二行"
    assert table[-2].cells[2].text == "1．已经编号的措施"  # numbered by the writer: not numbered again


def test_edge_xlsx_text_is_text(edge: dict[str, Path]) -> None:
    ws = xlsx_sheet(edge["xlsx"])
    r, c = xlsx_find(ws, "管护机制")
    cell = ws.cell(r, c + 3)
    assert cell.value == "=SUM(A1)" and cell.data_type == "s"
    assert xlsx_find(ws, f"项目（政策）名称：{HOSTILE}")
    assert xlsx_find(ws, "1．资金 & 进度 <滞后>\n2．第一行\n第二行")


def test_deterministic(tmp_path: Path) -> None:
    result, _ = run(make(edge_data()))
    first = render_form(FORM, result, tmp_path / "a")
    second = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()


def test_as_of_picks_the_quarter(tmp_path: Path) -> None:
    path = SAMPLES / "liushahe-hedao-zhili.yaml"
    early = run_file(path, str(path), as_of=date(2024, 7, 31)).result
    assert early is not None and FORM is not None
    assert FORM.build(early)["季度"] == "2024年第2季度"
    late = run_file(path, str(path)).result
    assert late is not None
    ctx = FORM.build(late)
    assert ctx["季度"] == "2024年第3季度"
    assert ctx["存在问题"] == "1．生态护岸施工受雨季影响，进度仍滞后于时序进度。"


def test_skipped_without_monitoring() -> None:
    result, _ = run(make())
    assert FORM is not None
    assert missing_data(FORM, result) is not None
