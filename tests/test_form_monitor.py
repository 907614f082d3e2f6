"""附件1 项目支出绩效监控情况表: values, merges by group, header spans, escaping, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.forms import find_form
from docgen.output import render_project_form
from docgen.pipeline import run_file

from .conftest import EXAMPLE
from .formcheck import docx_column, docx_rows, docx_text, vertical_groups, xlsx_find, xlsx_merged_at, xlsx_sheet

FORM = find_form("monitor")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("monitor")
    result = run_file(EXAMPLE, str(EXAMPLE)).result
    assert result is not None and FORM is not None
    docx, xlsx = render_project_form(result, FORM, ("docx", "xlsx"), out)
    return {"docx": docx, "xlsx": xlsx}


def test_file_names(files: dict[str, Path]) -> None:
    assert files["docx"].name == "2024年农村饮水安全巩固提升工程-项目支出绩效监控情况表.docx"


def test_docx_values(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("附件1", "项目支出绩效监控情况表", "填报单位（章）：勐海县农村饮水安全管理站", "（2024年度）",
                  "1-6月执行数", "1-6月执行率", "400.00", "136.00", "34.00%", "390.00", "35.00%", "25.00%",
                  "改造集中供水工程数量", "≥12处", "3处", "注：1．偏差原因分析"):
        assert value in text, value


def test_docx_indicator_groups_are_merged(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    header = next(i for i, r in enumerate(rows) if any(c.text == "一级指标" for c in r))
    first_data = header + 2
    level1 = vertical_groups(docx_column(rows, 1, first_data))
    level2 = vertical_groups(docx_column(rows, 2, first_data))
    assert level1 == [("产出指标", 5), ("效益指标", 2), ("满意度指标", 1)]
    assert level2 == [("数量指标", 2), ("质量指标", 1), ("时效指标", 1), ("成本指标", 1), ("社会效益指标", 1),
                      ("可持续影响指标", 1), ("服务对象满意度指标", 1)]
    label = vertical_groups(docx_column(rows, 0, header))
    assert label == [("绩效指标", 2 + 8)]  # the label runs down both header rows and every indicator row


def test_docx_header_spans(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    header = next(r for r in rows if any(c.text == "偏差原因分析" for c in r))
    spans = {c.text: c.span for c in header}
    assert spans["偏差原因分析"] == 6 and spans["完成目标可能性"] == 3
    sub = rows[rows.index(header) + 1]
    assert [c.text for c in sub if c.vmerge is None] == [
        "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他", "改进措施", "确定能", "有可能", "完全不可能"]


def test_docx_checkmarks(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    row = next(r for r in rows if any(c.text == "改造集中供水工程数量" for c in r))
    by_col = {c.col: c.text for c in row}
    assert by_col[7] == "√"  # 经费保障
    assert by_col[8] == ""
    assert by_col[13] == "√"  # 确定能


def test_vmerge_element_order(files: dict[str, Path]) -> None:
    import re
    import zipfile

    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    for tcpr in re.findall(r"<w:tcPr>(.*?)</w:tcPr>", xml):
        if "vMerge" in tcpr and "vAlign" in tcpr:
            assert tcpr.index("vMerge") < tcpr.index("vAlign")


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "改造集中供水工程数量")
    assert ws.cell(r, c - 2).value == "产出指标"
    assert xlsx_merged_at(ws, r, c - 2) == (r, c - 2, r + 4, c - 2)  # 产出指标 over its 5 rows
    assert xlsx_merged_at(ws, r, c - 1) == (r, c - 1, r + 1, c - 1)  # 数量指标 over 2 rows
    tr, tc = xlsx_find(ws, "年初预算数")
    assert ws.cell(tr + 1, tc).value == 400
    assert ws.cell(tr + 1, tc).number_format == "0.00"
    rate = ws.cell(tr + 1, xlsx_find(ws, "1-6月执行率")[1]).value
    assert float(rate) == pytest.approx(0.34)
    lr, lc = xlsx_find(ws, "绩效指标")
    # the page plan (compile/paginate): a new page after the 产出指标 group; the label's frame is cut there
    assert [b.id for b in ws.row_breaks.brk] == [r + 4]
    assert xlsx_merged_at(ws, lr, lc)[2] == r + 4
    assert xlsx_merged_at(ws, r + 5, lc) == (r + 5, lc, r + 7, lc)  # down to the last indicator row
    nr, _ = xlsx_find(ws, "    3．备注：说明预计到年底不能完成目标的原因及拟采取的措施。")
    assert nr > r + 7


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from docgen.errors import Diagnostics
    from docgen.model import Project
    from docgen.profile import build_profile
    from docgen.rules.context import compute

    from .conftest import base_project

    d = base_project()
    d["项目名称"] = "A&B<C>工程 =SUM(A1)"
    d["实施单位"] = "=cmd|' /C calc'!A0"
    d["年度总体目标"] = "第一行\n第二行 & <tag>"
    d["监控"] = [{"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "50"},
                  "指标": {"新建工程": {"执行情况": "3处", "改进措施": "+加快进度\n-@两行"}}}]
    result = compute(Project.model_validate(d), build_profile("national"), Diagnostics())
    assert FORM is not None
    docx, xlsx = render_project_form(result, FORM, ("docx", "xlsx"), tmp_path)
    assert docx.name == "A&B_C_工程 =SUM(A1)-项目支出绩效监控情况表.docx"
    text = docx_text(docx)
    assert "A&B<C>工程 =SUM(A1)" in text and "=cmd|' /C calc'!A0" in text
    assert "第一行" in text and "第二行 & <tag>" in text
    Document(str(docx))
    ws = load_workbook(xlsx).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["=cmd|' /C calc'!A0"].data_type == "s"  # text, not a formula
    assert "+加快进度\n-@两行" in cells and cells["+加快进度\n-@两行"].data_type == "s"
    assert any("第一行\n第二行 & <tag>" == v for v in cells)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../x", "_.._x"), ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"), ("..", "未命名项目"), ("  ", "未命名项目"),
     ("项目\x01名称", "项目_名称"), ("x" * 200, "x" * 80)],
)
def test_output_names_cannot_choose_a_folder(name: str, expected: str) -> None:
    from docgen.output import safe_name

    assert safe_name(name) == expected
