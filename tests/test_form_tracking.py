"""表2 项目绩效跟踪情况表: both parts, computed values, merges by group, --as-of, escaping, determinism."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.formdata.tracking import alert_rules
from docgen.forms import find_form
from docgen.output import missing_data
from docgen.profile import build_profile

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

FORM = find_form("tracking")
HOSTILE = 'A&B <C> "=SUM(A1)"'
COLUMNS = ["一级指标", "二级指标", "三级指标", "年度指标值", "应完成值", "执行情况", "完成率", "偏差率", "判定",
           "偏差及原因说明", "完成可能性"]



@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_form(FORM, sample_result(EXAMPLE.name), tmp_path_factory.mktemp("tracking"))


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 村卫生室 sample: two snapshots (the 8-31 one is current), red lights, a violation."""
    return render_form(FORM, sample_result("cunweishengshi-biaozhunhua.yaml"), tmp_path_factory.mktemp("tracking-late"))




def _indicator(rows, name: str) -> dict[str, str]:
    """The part-2 row of one indicator, keyed by column header."""
    row = row_with(rows, name)
    by_col = {c.col: c.text for c in row}
    return {label: by_col[col] for col, label in enumerate(COLUMNS)}


def test_file_name(files: dict[str, Path]) -> None:
    assert files["docx"].name == "2024年农村饮水安全巩固提升工程-项目绩效跟踪情况表.docx"


def test_docx_title_and_header(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("表2", "项目绩效跟踪情况表", "（截至2024年6月30日）", "填报单位（章）：勐海县农村饮水安全管理站",
                  "项目编码：532822-2024-0031", "金额单位：万元", "一、预算执行及项目管理情况分析",
                  "二、绩效目标跟踪完成情况分析", "执行进度比低于60%为红灯，60%至80%为黄灯，80%及以上为绿灯",
                  "进度完成率低于60%为红灯，60%至80%为黄灯，80%及以上为绿灯，完成率120%及以上为蓝灯"):
        assert value in text, value
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == "2024年农村饮水安全巩固提升工程"
    assert text_after(row_with(rows, "主管部门"), "主管部门") == "勐海县水务局"


def test_docx_part1(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    start = row_with(rows, "项目启动情况")
    assert text_after(start, "计划启动日期") == "2024年3月1日"
    assert text_after(start, "实际启动日期") == "2024年4月15日（较计划推迟45天）"
    head = row_with(rows, "年初预算数")
    values = rows[rows.index(head) + 1]
    labels = [c.text for c in head if c.vmerge is None]
    assert labels == ["年初预算数", "全年预算数", "执行数", "执行率", "时序进度", "执行进度比", "预算执行预警"]
    assert {c.text: c.span for c in head}["预算执行预警"] == 2
    assert [c.text for c in values if c.vmerge is None] == [
        "400.00", "400.00", "136.00", "34.00%", "50.00%", "68.00%", "黄灯"]
    assert vertical_groups(docx_column(rows, 0, rows.index(head)))[0] == ("预算执行情况", 2)
    assert text_after(row_with(rows, "资金拨付情况"), "资金拨付情况") == "按工程进度拨付，已拨付136万元。"
    assert text_after(row_with(rows, "制度建设情况"), "制度建设情况") == "已制定项目资金管理办法，管护办法待出台。"
    assert text_after(row_with(rows, "违规情况"), "违规情况") == "无"  # empty in the file
    assert text_after(row_with(rows, "项目进展情况"), "项目进展情况") == "已完成7处工程招标，5处开工建设，其中3处完工通水。"
    section = row_with(rows, "一、预算执行及项目管理情况分析")
    assert section[0].span == 11


def test_docx_part2_values(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    assert [c.text for c in row_with(rows, "偏差及原因说明")] == COLUMNS
    assert _indicator(rows, "改造集中供水工程数量") == {
        "一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "改造集中供水工程数量", "年度指标值": "≥12处",
        "应完成值": "6处", "执行情况": "3处", "完成率": "25.00%", "偏差率": "-50.00%", "判定": "红灯",
        "偏差及原因说明": "经费保障：上级资金下达较晚，部分工程开工推迟。", "完成可能性": "确定能"}
    cost = _indicator(rows, "单处工程平均造价")  # 反向: 应完成值 is the target itself, as in 附件2
    assert (cost["应完成值"], cost["完成率"], cost["偏差率"], cost["判定"]) == ("≤30万元/处", "105.26%", "-5.00%", "绿灯")
    deadline = _indicator(rows, "工程完工时间")
    assert (deadline["应完成值"], deadline["完成率"], deadline["判定"]) == ("2024年11月30日前", "—", "—")
    assert deadline["完成可能性"] == "确定能"
    survey = _indicator(rows, "受益群众满意度")  # a text actual: no rates, no light
    assert (survey["执行情况"], survey["完成率"], survey["偏差率"], survey["判定"]) == ("未到调查时点", "—", "—", "—")
    qualitative = _indicator(rows, "工程运行管护机制")
    assert (qualitative["偏差及原因说明"], qualitative["完成可能性"]) == ("制度保障", "")


def test_docx_part2_grouped(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    first = rows.index(row_with(rows, "偏差及原因说明")) + 1
    assert vertical_groups(docx_column(rows, 0, first)) == [("产出指标", 5), ("效益指标", 2), ("满意度指标", 1)]
    assert vertical_groups(docx_column(rows, 1, first)) == [
        ("数量指标", 2), ("质量指标", 1), ("时效指标", 1), ("成本指标", 1), ("社会效益指标", 1),
        ("可持续影响指标", 1), ("服务对象满意度指标", 1)]


def test_latest_snapshot_and_red_project(late: dict[str, Path]) -> None:
    text = docx_text(late["docx"])
    assert "（截至2024年8月31日）" in text
    rows = docx_rows(late["docx"])
    values = rows[rows.index(row_with(rows, "年初预算数")) + 1]
    assert [c.text for c in values if c.vmerge is None] == [
        "440.00", "440.00", "88.00", "20.00%", "66.67%", "30.00%", "红灯"]
    assert text_after(row_with(rows, "项目启动情况"), "实际启动日期") == "2024年6月10日（较计划推迟101天）"
    assert text_after(row_with(rows, "违规情况"), "违规情况").startswith("曼稿村、曼短村2个村卫生室改造工程未履行招标程序")
    count = _indicator(rows, "标准化改造村卫生室数量")
    assert count["应完成值"] == "16个"
    assert count["偏差及原因说明"] == "其他、人员保障：雨季施工受阻，施工单位人员不足，部分村卫生室用地手续未办妥。"
    assert (count["判定"], count["完成可能性"]) == ("红灯", "完全不可能")
    assert _indicator(rows, "乡村医生培训人次")["应完成值"] == "100人次"


def test_as_of_picks_the_earlier_snapshot(tmp_path: Path) -> None:
    files = render_form(FORM, sample_result("cunweishengshi-biaozhunhua.yaml", as_of=date(2024, 7, 15)), tmp_path)
    text = docx_text(files["docx"])
    assert "（截至2024年6月30日）" in text
    rows = docx_rows(files["docx"])
    values = rows[rows.index(row_with(rows, "年初预算数")) + 1]
    assert [c.text for c in values if c.vmerge is None][2:4] == ["35.00", "7.95%"]


def test_xlsx_typed_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "执行率")
    assert float(ws.cell(r + 1, c).value) == pytest.approx(0.34)
    assert ws.cell(r + 1, c).number_format == "0.00%"
    assert ws.cell(r + 1, c - 1).value == 136
    assert ws.cell(r + 1, c - 1).number_format == "0.00"
    assert ws.cell(r + 1, c + 1).value == pytest.approx(0.5)
    wr, wc = xlsx_find(ws, "预算执行预警")
    assert ws.cell(wr + 1, wc).value == "黄灯"
    ir, ic = xlsx_find(ws, "改造集中供水工程数量")
    assert ws.cell(ir, ic - 2).value == "产出指标"
    assert xlsx_merged_at(ws, ir, ic - 2) == (ir, ic - 2, ir + 4, ic - 2)
    assert xlsx_merged_at(ws, ir, ic - 1) == (ir, ic - 1, ir + 1, ic - 1)
    assert ws.cell(ir, ic + 2).value == "6处"
    assert float(ws.cell(ir, ic + 4).value) == pytest.approx(0.25)  # 完成率
    assert float(ws.cell(ir, ic + 5).value) == pytest.approx(-0.5)  # 偏差率
    assert ws.cell(ir, ic + 6).value == "红灯"
    sr, sc = xlsx_find(ws, "受益群众满意度")
    assert ws.cell(sr, sc + 4).value == "—" and ws.cell(sr, sc + 4).data_type == "s"
    assert sr == ir + 7
    vr, vc = xlsx_find(ws, "违规情况")
    assert ws.cell(vr, vc + 2).value == "无"  # the label spans two grid columns


def test_fixed_floor_profile_notes() -> None:
    profile = build_profile("national")
    fixed = profile.model_copy(update={"budget_alert": profile.budget_alert.model_copy(update={"mode": "固定执行率"})})
    notes = alert_rules(fixed)
    assert notes["预算"] == "执行率低于当期下限（4月底25%、6月底40%、8月底60%、10月底80%）为红灯，否则为绿灯"
    half = profile.model_copy(update={"indicator_alert": profile.indicator_alert.model_copy(
        update={"red_below": Decimal("50"), "blue_from": Decimal("130.5")})})
    assert alert_rules(half)["指标"].startswith("进度完成率低于50%为红灯，50%至80%为黄灯")
    assert "完成率130.5%及以上为蓝灯" in alert_rules(half)["指标"]


def test_skipped_without_monitoring() -> None:
    result, _ = run(make())
    assert FORM is not None and missing_data(FORM, result) is not None


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = HOSTILE
    data["监控"] = [{
        "截止日期": "2024-06-30",
        "执行数": {"一般公共预算拨款": "40"},
        "项目进展": "第一行 & <b>\n=SUM(A1)",
        "管理情况": {"违规情况": "=HYPERLINK(\"x\")", "资金拨付": "<w:t>"},
        "指标": {"新建工程": {"执行情况": "6处", "偏差原因": ["其他"], "原因说明": "=1+1"}},
    }]
    result, _ = run(make(data))
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == HOSTILE
    assert text_after(row_with(rows, "违规情况"), "违规情况") == '=HYPERLINK("x")'
    assert text_after(row_with(rows, "资金拨付情况"), "资金拨付情况") == "<w:t>"
    assert _indicator(rows, "新建工程")["偏差及原因说明"] == "其他：=1+1"
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "第一行 &amp; &lt;b&gt;</w:t><w:br/>" in xml.replace('<w:t xml:space="preserve">', "<w:t>")
    ws = xlsx_sheet(files["xlsx"])
    for text in (HOSTILE, "第一行 & <b>\n=SUM(A1)", '=HYPERLINK("x")', "其他：=1+1"):
        cell = ws.cell(*xlsx_find(ws, text))
        assert cell.data_type == "s", text


def test_renders_identically_twice(tmp_path: Path) -> None:
    result = sample_result(EXAMPLE.name)
    a = render_form(FORM, result, tmp_path / "a")
    b = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert a[fmt].read_bytes() == b[fmt].read_bytes()


@pytest.mark.parametrize("name", ["example-project.yaml", "xiangcun-zhenxing-zonghe.yaml"])
def test_due_value_same_in_tracking_and_correction(name: str) -> None:
    """应完成值 of an indicator on a date prints the same in 表2 and 附件2 (one formatter)."""
    from docgen.formdata import correction, tracking

    result = sample_result(name)
    assert result.current is not None
    in_tracking = {r["三级指标"]: r["应完成值"] for r in tracking.indicator_rows(result.current)}
    in_correction = {r["三级目标"]: r["本季度应完成"] for r in correction.indicator_rows(result)}
    assert in_tracking == in_correction
    assert "—" not in in_tracking.values()


def test_tracked_indicators_chosen_from_table1(tmp_path: Path) -> None:
    """跟踪: true on some indicators: 表1 marks them, 表2 lists only them; none marked: 表2 lists all."""
    from ruamel.yaml import YAML

    from docgen.formdata import target, tracking

    data = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    names = [i["三级指标"] for i in data["绩效指标"]]
    data["绩效指标"][0]["跟踪"] = True
    result, _ = run(make(data))
    assert result.current is not None
    assert [r["三级指标"] for r in tracking.indicator_rows(result.current)] == [names[0]]
    marked = [r["三级指标"] for r in target.indicator_rows(result)]
    assert f"{names[0]}（跟踪）" in marked
    assert sum(m.endswith("（跟踪）") for m in marked) == 1
    del data["绩效指标"][0]["跟踪"]
    plain, _ = run(make(data))
    assert plain.current is not None
    assert len(tracking.indicator_rows(plain.current)) == len(names)
    files = render_form(FORM, result, tmp_path)
    assert names[0] in docx_text(files["docx"])
    assert all(n not in docx_text(files["docx"]) for n in names[1:])
