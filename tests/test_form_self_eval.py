"""项目支出绩效自评表: values, the funding block, merges by group, header spans, escaping, determinism."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from docgen.forms import find_form
from docgen.pipeline import run_file

from .conftest import EXAMPLE, SAMPLES, base_project, make, run
from .formcheck import (
    TcInfo,
    docx_column,
    docx_rows,
    docx_text,
    render_form,
    vertical_groups,
    xlsx_find,
    xlsx_merged_at,
    xlsx_sheet,
)

FORM = find_form("self-eval")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = run_file(EXAMPLE, str(EXAMPLE)).result
    assert result is not None
    return render_form(FORM, result, tmp_path_factory.mktemp("self-eval"))


def _row(rows: list[list[TcInfo]], label: str) -> dict[int, str]:
    row = next(r for r in rows if any(c.text == label and c.vmerge != "continue" for c in r))
    return {c.col: c.text for c in row}


def test_registered_and_named(files: dict[str, Path]) -> None:
    assert FORM is not None and FORM.renderable
    assert files["docx"].name == "2024年农村饮水安全巩固提升工程-项目支出绩效自评表.docx"


def test_docx_title_and_header(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("项目支出绩效自评表", "（2024年度）", "勐海县水务局", "勐海县农村饮水安全管理站",
                  "注：1．执行率＝全年执行数÷全年预算数", "90分（含）以上为优"):
        assert value in text, value
    rows = docx_rows(files["docx"])
    assert [(c.text, c.span) for c in rows[0]] == [("项目名称", 2), ("2024年农村饮水安全巩固提升工程", 7)]
    assert [(c.text, c.span) for c in rows[1]] == [
        ("主管部门", 2), ("勐海县水务局", 3), ("实施单位", 1), ("勐海县农村饮水安全管理站", 3)]


def test_docx_funding_block(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = _row(rows, "年初预算数")
    assert [head[c] for c in range(3, 9)] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    total = _row(rows, "年度资金总额")
    # 执行率 = 392.80 ÷ 400 = 98.20%; 预算执行率得分 = 10 × 98.20% = 9.82
    assert [total[c] for c in range(3, 9)] == ["400.00", "400.00", "392.80", "10.00", "98.20%", "9.82"]
    general = _row(rows, "其中：当年财政拨款")
    assert [general[c] for c in range(3, 9)] == ["360.00", "360.00", "352.80", "—", "98.00%", "—"]
    carried = _row(rows, "上年结转资金")
    assert [carried[c] for c in range(3, 9)] == ["0.00", "0.00", "0.00", "—", "—", "—"]  # never a blank row
    other = _row(rows, "其他资金")
    assert [other[c] for c in range(3, 9)] == ["40.00", "40.00", "40.00", "—", "100.00%", "—"]
    label = vertical_groups(docx_column(rows, 0, 2))
    assert label[0] == ("项目资金（万元）", 5)


def test_docx_goal_block(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = next(r for r in rows if any(c.text == "预期目标" for c in r))
    assert [(c.text, c.span) for c in head] == [("年度总体目标", 2), ("预期目标", 3), ("实际完成情况", 4)]
    body = rows[rows.index(head) + 1]
    assert body[0].vmerge == "continue"
    assert body[1].text.startswith("完成12个行政村集中供水工程改造")
    assert body[2].text == "完成12处集中供水工程改造，新增受益人口8732人，普及率达到92.6%。"


def test_docx_indicators_grouped(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    header = next(i for i, r in enumerate(rows) if any(c.text == "一级指标" for c in r))
    assert [c.text for c in rows[header]] == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值",
                                             "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    first = header + 1
    assert vertical_groups(docx_column(rows, 1, first))[:3] == [("产出指标", 5), ("效益指标", 2), ("满意度指标", 1)]
    assert vertical_groups(docx_column(rows, 2, first))[:7] == [
        ("数量指标", 2), ("质量指标", 1), ("时效指标", 1), ("成本指标", 1), ("社会效益指标", 1),
        ("可持续影响指标", 1), ("服务对象满意度指标", 1)]
    assert vertical_groups(docx_column(rows, 0, header))[0] == ("绩效指标", 1 + 8)
    cost = _row(rows, "单处工程平均造价")
    # 反向: 30 ÷ 32.7 × 10 = 9.17
    assert [cost[c] for c in range(3, 9)] == ["单处工程平均造价", "≤30万元/处", "32.7万元/处", "10.00", "9.17",
                                             "材料价格上涨，造价超出预期。"]
    deadline = _row(rows, "工程完工时间")
    assert deadline[7] == "3.50"  # 逾期完成 → 部分达成 0.7 × 5


def test_docx_total_and_grade(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    total = next(r for r in rows if r[0].text == "总分")
    assert [(c.text, c.span) for c in total] == [("总分", 6), ("100.00", 1), ("97.49", 1), ("", 1)]
    grade = next(r for r in rows if r[0].text == "自评等级")
    assert [c.text for c in grade] == ["自评等级", "优", "结果应用", "重点支持"]


def test_xlsx_typed_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    hr, hc = xlsx_find(ws, "年初预算数")
    tr, _ = xlsx_find(ws, "年度资金总额")
    assert ws.cell(tr, hc).value == 400 and ws.cell(tr, hc).number_format == "0.00"
    rate = ws.cell(tr, xlsx_find(ws, "执行率")[1])
    assert float(rate.value) == pytest.approx(0.982) and rate.number_format == "0.00%"
    assert float(ws.cell(tr, hc + 5).value) == pytest.approx(9.82)
    assert ws.cell(hr, 1).value == "项目资金\n（万元）"
    assert xlsx_merged_at(ws, hr, 1) == (hr, 1, hr + 4, 2)
    r, c = xlsx_find(ws, "改造集中供水工程数量")
    assert ws.cell(r, c - 2).value == "产出指标"
    assert xlsx_merged_at(ws, r, c - 2) == (r, c - 2, r + 4, c - 2)
    assert xlsx_merged_at(ws, r, c - 1) == (r, c - 1, r + 1, c - 1)
    lr, lc = xlsx_find(ws, "绩效\n指标")
    # the page plan (compile/paginate): the last indicator goes with 总分, 自评等级 and the notes to a new page;
    # the label's frame is cut there
    assert [b.id for b in ws.row_breaks.brk] == [r + 6]
    assert xlsx_merged_at(ws, lr, lc) == (lr, lc, r + 6, lc)
    score = ws.cell(xlsx_find(ws, "单处工程平均造价")[0], c + 4)
    assert float(score.value) == pytest.approx(9.17) and score.number_format == "0.00"
    sr, sc = xlsx_find(ws, "总分")
    assert xlsx_merged_at(ws, sr, sc) == (sr, 1, sr, 6)
    assert float(ws.cell(sr, 8).value) == pytest.approx(97.49)
    assert ws.cell(sr + 1, 3).value == "优"


def test_fufeng_profile_grade(tmp_path: Path) -> None:
    path = SAMPLES / "fufeng" / "gaobiaozhun-nongtian.yaml"
    result = run_file(path, str(path)).result
    assert result is not None
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    grade = next(r for r in rows if r[0].text == "自评等级")
    assert [c.text for c in grade] == ["自评等级", "合格", "结果应用", "从紧从严安排"]
    assert "60分（含）至80分为合格，60分以下为不合格" in docx_text(files["docx"])
    other = _row(rows, "其他资金")  # the project has 一般公共预算拨款 only
    assert [other[c] for c in range(3, 9)] == ["0.00", "0.00", "0.00", "—", "—", "—"]


HOSTILE = 'A&B <工程> "=SUM(A1)"'


def _hostile() -> dict[str, Any]:
    data = base_project()
    data["项目名称"] = HOSTILE
    data["自评"] = {
        "执行数": {"一般公共预算拨款": "80"},
        "总体目标完成情况": "=SUM(A1)\n第二行 <b>&amp;",
        "指标": {
            "新建工程": {"实际完成值": "10处", "偏差原因及改进措施": "=1+1 & <原因>\n改进措施"},
            "受益人口": {"实际完成值": "1000人"},
            "满意度": {"实际完成值": "95%"},
        },
    }
    return data


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    result, diags = run(make(_hostile()))
    assert not diags.errors
    files = render_form(FORM, result, tmp_path)
    text = docx_text(files["docx"])
    assert HOSTILE in text
    assert "=SUM(A1)第二行 <b>&amp;" in text  # the line break becomes a w:br
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "&lt;b&gt;&amp;amp;" in xml and "<w:br/>" in xml
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, HOSTILE)
    assert ws.cell(r, c).data_type == "s"
    goal = ws.cell(*xlsx_find(ws, "=SUM(A1)\n第二行 <b>&amp;"))
    assert goal.data_type == "s"
    cause = ws.cell(*xlsx_find(ws, "=1+1 & <原因>\n改进措施"))
    assert cause.data_type == "s"
    # 执行率 80 ÷ 100 → 8.00; 新建工程 (产出 50 分) 10 ÷ 12 × 50 → 41.67; 受益人口 30; 满意度 10
    sr, _ = xlsx_find(ws, "总分")
    assert float(ws.cell(sr, 8).value) == pytest.approx(89.67)


def test_same_input_same_bytes(tmp_path: Path) -> None:
    result, _ = run(make(_hostile()))
    first = render_form(FORM, result, tmp_path / "a")
    second = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()
