"""表1 项目绩效目标表 (项目支出绩效目标申报表): values, merges by group, header spans, escaping, determinism."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from docgen.forms import find_form

from .conftest import EXAMPLE, base_project, make, run
from .formcheck import (
    docx_column,
    docx_rows,
    docx_text,
    render_form,
    row_with,
    sample_result,
    text_after,
    vertical_groups,
    xlsx_find,
    xlsx_merged_at,
    xlsx_sheet,
)

FORM = find_form("target")
HOSTILE = 'A&B <C> "=SUM(A1)"'



@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_form(FORM, sample_result(EXAMPLE.name), tmp_path_factory.mktemp("target"))


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """中期资金总额, 中长期目标, no 分值: the 流沙河 sample."""
    return render_form(FORM, sample_result("liushahe-hedao-zhili.yaml"), tmp_path_factory.mktemp("target-medium"))




def test_file_name(files: dict[str, Path]) -> None:
    assert files["docx"].name == "2024年农村饮水安全巩固提升工程-项目绩效目标表.docx"


def test_docx_header_values(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("表1", "项目支出绩效目标申报表", "（2024年度）", "填报单位（章）：勐海县农村饮水安全管理站",
                  "注：1．财政拨款含一般公共预算拨款"):
        assert value in text, value
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == "2024年农村饮水安全巩固提升工程"
    assert text_after(row_with(rows, "项目编码"), "项目编码") == "532822-2024-0031"
    assert text_after(row_with(rows, "主管部门及代码"), "主管部门及代码") == "勐海县水务局"
    assert text_after(row_with(rows, "实施单位"), "实施单位") == "勐海县农村饮水安全管理站"
    assert text_after(row_with(rows, "项目负责人"), "项目负责人") == "岩温"
    assert text_after(row_with(rows, "联系电话"), "联系电话") == "0691-5122345"
    assert text_after(row_with(rows, "项目属性"), "项目属性") == "□新增项目\u3000\u3000√延续项目"
    assert text_after(row_with(rows, "项目起止时间"), "项目起止时间") == "2024年1月1日至2024年12月31日"


def test_docx_funding_block(files: dict[str, Path], medium: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    top = row_with(rows, "中期资金总额：")
    assert text_after(top, "中期资金总额：") == "—"  # no 中期资金总额 in the file
    assert text_after(top, "年度资金总额：") == "400.00"
    sub = rows[rows.index(top) + 1]
    assert [c.text for c in sub if c.vmerge is None] == ["其中：财政拨款", "—", "其中：财政拨款", "360.00"]
    other = rows[rows.index(top) + 2]
    assert [c.text for c in other if c.vmerge is None] == ["其他资金", "—", "其他资金", "40.00"]
    label = vertical_groups(docx_column(rows, 0, rows.index(top)))[0]
    assert label == ("项目资金（万元）", 3)
    # 财政拨款 = 一般公共预算拨款 + 政府性基金 (+ 国有资本经营预算)
    rows = docx_rows(medium["docx"])
    top = row_with(rows, "中期资金总额：")
    assert text_after(top, "中期资金总额：") == "1500.00"
    assert text_after(top, "年度资金总额：") == "600.00"  # 年初预算数, not the adjusted 520
    sub = rows[rows.index(top) + 1]
    assert [c.text for c in sub if c.vmerge is None] == ["其中：财政拨款", "1500.00", "其中：财政拨款", "600.00"]
    other = rows[rows.index(top) + 2]
    assert [c.text for c in other if c.vmerge is None] == ["其他资金", "0.00", "其他资金", "0.00"]


def test_docx_goals(files: dict[str, Path], medium: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = row_with(rows, "中长期目标")
    assert {c.text: c.span for c in head if c.text} == {"总体目标": 2, "中长期目标": 2, "年度目标": 3}
    goals = rows[rows.index(head) + 1]
    assert goals[1].text == ""  # no 中长期目标 in the file
    assert goals[2].text.startswith("完成12个行政村集中供水工程改造")
    rows = docx_rows(medium["docx"])
    goals = rows[rows.index(row_with(rows, "中长期目标")) + 1]
    assert goals[1].text == "2024—2026年完成流沙河勐海段22公里河道综合治理，防洪标准达到20年一遇。"


def test_docx_indicators_grouped(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = rows.index(row_with(rows, "一级指标"))
    spans = {c.text: c.span for c in rows[head]}
    assert spans == {"绩效指标": 1, "一级指标": 1, "二级指标": 1, "三级指标": 1, "指标值": 2, "分值": 1}
    first = head + 1
    assert vertical_groups(docx_column(rows, 1, first)) == [("产出指标", 5), ("效益指标", 2), ("满意度指标", 1)]
    assert vertical_groups(docx_column(rows, 2, first)) == [
        ("数量指标", 2), ("质量指标", 1), ("时效指标", 1), ("成本指标", 1), ("社会效益指标", 1),
        ("可持续影响指标", 1), ("服务对象满意度指标", 1)]
    assert vertical_groups(docx_column(rows, 0, head)) == [("绩效指标", 1 + 8)]
    names = [c.text for c in docx_column(rows, 3, first)]
    assert names == ["改造集中供水工程数量", "新增受益人口", "水质达标率", "工程完工时间", "单处工程平均造价",
                     "农村自来水普及率", "工程运行管护机制", "受益群众满意度"]
    assert [c.text for c in docx_column(rows, 4, first)] == [
        "≥12处", "≥8600人", "≥95%", "2024年11月30日前", "≤30万元/处", "≥92%", "健全", "≥90%"]
    assert [c.text for c in docx_column(rows, 6, first)] == [
        "15.00", "10.00", "10.00", "5.00", "10.00", "15.00", "15.00", "10.00"]


def test_weights_blank_when_none_given(medium: dict[str, Path]) -> None:
    rows = docx_rows(medium["docx"])
    first = rows.index(row_with(rows, "一级指标")) + 1
    assert {c.text for c in docx_column(rows, 6, first)} == {""}


def test_official_order_and_partial_weights(tmp_path: Path) -> None:
    data = base_project()
    data["项目属性"] = "新增项目"
    # written out of order: 满意度 first; only one 分值 given, the rest get the rules' shares
    data["绩效指标"] = [
        {"一级指标": "满意度指标", "二级指标": "服务对象满意度指标", "三级指标": "满意度", "指标值": "≥90%"},
        {"一级指标": "效益指标", "二级指标": "社会效益指标", "三级指标": "受益人口", "指标值": "≥1000人"},
        {"一级指标": "产出指标", "二级指标": "质量指标", "三级指标": "合格率", "指标值": "=100%"},
        {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "新建工程", "指标值": "≥12处", "分值": 20},
    ]
    result, _ = run(make(data))
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    first = rows.index(row_with(rows, "一级指标")) + 1
    assert [c.text for c in docx_column(rows, 3, first)] == ["新建工程", "合格率", "受益人口", "满意度"]
    assert [c.text for c in docx_column(rows, 6, first)] == ["20.00", "30.00", "30.00", "10.00"]
    assert text_after(row_with(rows, "项目属性"), "项目属性") == "√新增项目\u3000\u3000□延续项目"


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "年度资金总额：")
    assert ws.cell(r, c + 1).value == 400
    assert ws.cell(r, c + 1).number_format == "0.00"
    assert ws.cell(r + 1, c + 1).value == 360
    assert ws.cell(r, c - 1).value == "—"
    assert ws.cell(r, c - 1).data_type == "s"
    assert xlsx_merged_at(ws, *xlsx_find(ws, "项目资金\n（万元）"))[2] == r + 2
    ir, ic = xlsx_find(ws, "改造集中供水工程数量")
    assert ws.cell(ir, ic - 2).value == "产出指标"
    assert xlsx_merged_at(ws, ir, ic - 2) == (ir, ic - 2, ir + 4, ic - 2)
    assert xlsx_merged_at(ws, ir, ic - 1) == (ir, ic - 1, ir + 1, ic - 1)
    assert ws.cell(ir, ic + 1).value == "≥12处"
    assert xlsx_merged_at(ws, ir, ic + 1) == (ir, ic + 1, ir, ic + 2)  # 指标值 spans two grid columns
    assert ws.cell(ir, ic + 3).value == 15
    lr, lc = xlsx_find(ws, "绩效指标")
    assert xlsx_merged_at(ws, lr, lc) == (lr, lc, ir + 7, lc)
    assert xlsx_find(ws, "（2024年度）")
    nr, _ = xlsx_find(ws, "    3．分值为年终自评时各三级指标的权重（另加预算执行率分值，合计100分）；项目未设定分值的，此栏空白。")
    assert nr > ir + 7


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = HOSTILE
    data["年度总体目标"] = "第一行 & <b>\n=SUM(A1)"
    data["绩效指标"][0]["三级指标"] = "=SUM(A1)"
    result, _ = run(make(data))
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == HOSTILE
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "A&amp;B &lt;C&gt;" in xml
    assert "第一行 &amp; &lt;b&gt;</w:t><w:br/>" in xml.replace('<w:t xml:space="preserve">', "<w:t>")
    assert "=SUM(A1)" in docx_text(files["docx"])
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, HOSTILE)
    assert ws.cell(r, c).data_type == "s"
    goal = ws.cell(*xlsx_find(ws, "第一行 & <b>\n=SUM(A1)"))
    assert goal.data_type == "s"
    cell = ws.cell(*xlsx_find(ws, "=SUM(A1)"))
    assert cell.data_type == "s"


def test_renders_identically_twice(tmp_path: Path) -> None:
    result = sample_result(EXAMPLE.name)
    a = render_form(FORM, result, tmp_path / "a")
    b = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert a[fmt].read_bytes() == b[fmt].read_bytes()


def test_title_is_a_profile_setting(files: dict[str, Path], tmp_path: Path) -> None:
    """national: 项目支出绩效目标申报表; 勐海 (its 000 calls 表1 项目绩效目标表): the profile's 表1.标题."""
    from docgen.profile import build_profile

    assert "项目支出绩效目标申报表" in docx_text(files["docx"])
    result, _ = run(make(), build_profile("menghai"))
    menghai = render_form(FORM, result, tmp_path)
    assert "项目绩效目标表" in docx_text(menghai["docx"])
    assert "项目支出绩效目标申报表" not in docx_text(menghai["docx"])
    assert xlsx_find(xlsx_sheet(menghai["xlsx"]), "项目绩效目标表") is not None
