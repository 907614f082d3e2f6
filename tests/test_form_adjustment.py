"""附件3 绩效运行监控目标调整表: values, the two repeated blocks and their labels, escaping, determinism."""

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

from .conftest import SAMPLES, base_project, make, run
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

FORM = find_form("adjustment")
SAMPLE = SAMPLES / "liushahe-hedao-zhili.yaml"
HOSTILE = 'A&B <工程> "=SUM(A1)"'


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = run_file(SAMPLE, str(SAMPLE)).result
    assert result is not None
    return render_form(FORM, result, tmp_path_factory.mktemp("adjustment"))


def edge_data() -> dict[str, Any]:
    d = copy.deepcopy(base_project())
    d["项目名称"] = HOSTILE
    d["绩效指标"][1]["指标解释"] = "按户籍人口统计"
    d["调整"] = {
        "调整原因": "=SUM(A1)",
        "调整后产出": "第一行 & <产出>\n第二行",
        "预算调整": [{"工作任务": "<任务>&", "原先申请资金": "100", "计划调整后资金": "80.5", "开始日期": "2024-05-01"}],
        "指标调整": [
            {"三级指标": "满意度", "调整后指标": "≥85%"},
            {"三级指标": "受益人口", "原指标": "≥1000人", "调整后指标": "≥900人"},
        ],
    }
    return d


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result, _ = run(make(edge_data()))
    return render_form(FORM, result, tmp_path_factory.mktemp("adjustment-edge"))


def _cells(path: Path) -> list[list[str]]:
    """The DOCX table (its two tables in order) as python-docx reads it: every grid cell, line breaks kept."""
    return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows]


def test_docx_header_lines(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("附件3", "绩效运行监控目标调整表", "（2024年度）", "填报单位（盖章）：勐海县河道管理所",
                  "2024年流沙河勐海县城段河道综合治理工程", "填报日期：    年  月  日"):
        assert value in text, value


def test_docx_top_rows(files: dict[str, Path]) -> None:
    cells = _cells(files["docx"])
    assert cells[0][0] == "项目（政策）\n名称" and cells[0][1] == "2024年流沙河勐海县城段河道综合治理工程"
    assert cells[1][0] == "调整原因\n及依据" and cells[1][1].startswith("受县级政府性基金收入短收影响")
    assert cells[2][:2] == ["调整后\n预期目标", "项目（政策）产出"]
    assert cells[2][3].startswith("完成河道清淤疏浚6.2公里")
    assert cells[3][:2] == ["调整后\n预期目标", "项目（政策）预期成效"]
    assert cells[3][3].startswith("治理段防洪能力明显提高")
    assert cells[4][0] == "目标完成度"
    # the latest 监控 (2024-08-31): 执行率 310 ÷ 520, 时序进度 8/12; 完成率 of the original targets
    assert cells[4][1].split("\n") == [
        "截至2024年8月31日，预算执行率59.62%（时序进度66.67%），预算执行预警绿灯。",
        "河道清淤疏浚长度：执行情况6.2公里，完成原年度指标值的88.57%。",
        "新建生态护岸长度：执行情况2.6公里，完成原年度指标值的44.83%。",
        "受保护人口：执行情况7800人，完成原年度指标值的65.00%。",
    ]
    spans = [[c.span for c in r] for r in docx_rows(files["docx"])[:5]]
    assert spans == [[1, 6], [1, 6], [1, 2, 4], [1, 2, 4], [1, 6]]


def test_docx_budget_block(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = next(i for i, r in enumerate(rows) if any(c.text == "具体工作任务／工作量" for c in r))
    assert [(c.text, c.span) for c in rows[head]] == [
        ("预算资金拟调整情况（万元）", 1), ("具体工作任务／工作量", 3), ("原先申请资金", 1), ("计划调整后资金", 1),
        ("计划时间安排（起止时间）", 1)]
    data = [[c.text for c in r] for r in rows[head + 1:head + 4]]
    assert data == [
        ["", "河道清淤疏浚", "180.00", "170.00", "2024年3月1日至2024年8月31日"],
        ["", "生态护岸建设", "360.00", "300.00", "2024年4月1日至2024年11月30日"],
        ["", "沿河绿化及附属设施", "60.00", "50.00", "2024年9月1日至2024年12月31日"],
    ]
    assert [c.span for c in rows[head + 1]] == [1, 3, 1, 1, 1]
    assert vertical_groups(docx_column(rows, 0, head))[0] == ("预算资金拟调整情况（万元）", 4)


def test_docx_indicator_block(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = next(i for i, r in enumerate(rows) if any(c.text == "指标名称" for c in r))
    assert [(c.text, c.span) for c in rows[head]] == [
        ("绩效指标调整情况", 1), ("指标名称", 3), ("原指标", 1), ("调整后指标", 1), ("指标标准解释", 1)]
    assert [c.text for c in rows[head + 1] if c.vmerge is None] == ["一级指标", "二级指标", "三级指标"]
    data = [[c.text for c in r] for r in rows[head + 2:]]
    assert data[0] == ["", "产出指标", "数量指标", "河道清淤疏浚长度", "≥7公里", "≥6.2公里",
                       "县级配套资金调减80万元，清淤疏浚任务相应调减0.8公里。"]
    assert data[1][3:6] == ["新建生态护岸长度", "≥5.8公里", "≥5.0公里"]
    assert data[2][3:6] == ["受保护人口", "≥12000人", "≥11000人"]
    assert vertical_groups(docx_column(rows, 1, head + 2)) == [("产出指标", 2), ("效益指标", 1)]
    assert vertical_groups(docx_column(rows, 2, head + 2)) == [("数量指标", 2), ("社会效益指标", 1)]
    assert vertical_groups(docx_column(rows, 0, head)) == [("绩效指标调整情况", 5)]


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "河道清淤疏浚")
    assert xlsx_merged_at(ws, r, c) == (r, c, r, c + 2)
    assert xlsx_merged_at(ws, r + 2, c) == (r + 2, c, r + 2, c + 2)  # every copy of the row spans the same
    amount = ws.cell(r, c + 3)
    assert amount.value == 180 and amount.number_format == "0.00"
    assert ws.cell(r + 1, c + 4).value == 300
    assert ws.cell(r + 2, c + 5).value == "2024年9月1日至2024年12月31日"
    lr, lc = xlsx_find(ws, "预算资金拟\n调整情况\n（万元）")
    assert xlsx_merged_at(ws, lr, lc) == (lr, lc, r + 2, lc)  # the label runs down every task row
    ir, ic = xlsx_find(ws, "河道清淤疏浚长度")
    assert ws.cell(ir, ic - 2).value == "产出指标"
    assert xlsx_merged_at(ws, ir, ic - 2) == (ir, ic - 2, ir + 1, ic - 2)
    assert [ws.cell(ir + 2, ic + k).value for k in (0, 1, 2)] == ["受保护人口", "≥12000人", "≥11000人"]
    gr, gc = xlsx_find(ws, "绩效指标\n调整情况")
    assert xlsx_merged_at(ws, gr, gc) == (gr, gc, ir + 2, gc)
    tr, tc = xlsx_find(ws, "目标完成度")
    assert ws.cell(tr, tc + 1).value.startswith("截至2024年8月31日，预算执行率59.62%")
    assert ws.row_dimensions[tr].height >= 4 * 9 * 1.4  # four lines are not cut off
    assert xlsx_find(ws, "（2024年度）")


def test_edge_text_and_defaults(edge: dict[str, Path]) -> None:
    cells = _cells(edge["docx"])
    assert cells[0][1] == HOSTILE
    assert cells[1][1] == "=SUM(A1)"
    assert cells[2][3] == "第一行 & <产出>\n第二行"
    assert cells[3][3] == ""  # 调整后成效 not given
    assert cells[4][1] == ""  # no 监控: nothing to report as 目标完成度
    task = next(r for r in cells if r[1] == "<任务>&")
    assert task[4:] == ["100.00", "80.50", "2024年5月1日起"]
    by_name = {r[3]: r for r in cells if r[3] in ("受益人口", "满意度")}
    # official order (效益 before 满意度); 原指标 defaults to the target; 指标解释 to the indicator's
    assert by_name["受益人口"][1:] == ["效益指标", "社会效益指标", "受益人口", "≥1000人", "≥900人", "按户籍人口统计"]
    assert by_name["满意度"][1:] == ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "≥85%", ""]
    order = [r[3] for r in cells if r[3] in by_name]
    assert order == ["受益人口", "满意度"]


def test_edge_xlsx_text_is_text(edge: dict[str, Path]) -> None:
    ws = xlsx_sheet(edge["xlsx"])
    r, c = xlsx_find(ws, "调整原因\n及依据")
    cell = ws.cell(r, c + 1)
    assert cell.value == "=SUM(A1)" and cell.data_type == "s"
    assert xlsx_find(ws, HOSTILE)
    assert xlsx_find(ws, "第一行 & <产出>\n第二行")
    assert xlsx_find(ws, "<任务>&")


def test_deterministic(tmp_path: Path) -> None:
    result, _ = run(make(edge_data()))
    first = render_form(FORM, result, tmp_path / "a")
    second = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()


def test_as_of_uses_that_snapshot() -> None:
    result = run_file(SAMPLE, str(SAMPLE), as_of=date(2024, 7, 31)).result
    assert result is not None and FORM is not None
    assert FORM.build(result)["目标完成度"].startswith("截至2024年6月30日，预算执行率30.77%")


def test_skipped_without_adjustment() -> None:
    result, _ = run(make())
    assert FORM is not None
    assert missing_data(FORM, result) == "项目文件中没有“调整”部分"
