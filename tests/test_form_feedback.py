"""表3 绩效跟踪综合意见反馈表: the 反馈 section's opinions, absent ones as 无, escaping, determinism."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from docgen.forms import find_form
from docgen.output import missing_data

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

FORM = find_form("feedback")
SAMPLE = "cunweishengshi-biaozhunhua.yaml"
HOSTILE = 'A&B <C> "=SUM(A1)"'



@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_form(FORM, sample_result(SAMPLE), tmp_path_factory.mktemp("feedback"))




def test_file_name(files: dict[str, Path]) -> None:
    assert files["docx"].name == "2024年村卫生室标准化建设及设备配置项目-绩效跟踪综合意见反馈表.docx"


def test_docx_values(files: dict[str, Path]) -> None:
    text = docx_text(files["docx"])
    for value in ("表3", "绩效跟踪综合意见反馈表", "（2024年度）", "审核单位（章）：勐海县财政局绩效管理股",
                  "2024年9月20日", "注：1．本表由预算主管部门"):
        assert value in text, value
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == "2024年村卫生室标准化建设及设备配置项目"
    assert text_after(row_with(rows, "主管部门"), "主管部门") == "勐海县卫生健康局"
    assert text_after(row_with(rows, "实施单位"), "实施单位") == "勐海县卫生健康局基层卫生股"
    assert text_after(row_with(rows, "审核单位"), "审核单位") == "勐海县财政局绩效管理股"
    assert text_after(row_with(rows, "预算执行进度"), "预算执行进度").startswith(
        "截至2024年8月31日，预算执行率20.00%，时序进度66.67%，执行进度比30.00%")
    assert text_after(row_with(rows, "项目管理"), "项目管理").startswith("实际启动日期（2024年6月10日）")
    assert text_after(row_with(rows, "调整预算"), "调整预算").startswith("全年预计执行300万元，预计结余140万元")
    assert text_after(row_with(rows, "绩效目标"), "绩效目标").startswith("标准化改造村卫生室数量")
    # one 整改要求: shown as written, not numbered
    assert text_after(row_with(rows, "整改要求"), "整改要求").startswith("立即停工整改未履行招标程序的工程")
    assert text_after(row_with(rows, "整改期限"), "整改期限") == "2024年10月15日"


def test_docx_opinion_block(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    start = rows.index(row_with(rows, "预算执行进度"))
    assert vertical_groups(docx_column(rows, 0, start))[0] == ("综合意见", 4)
    assert [c.text for c in docx_column(rows, 1, start)][:4] == ["预算执行进度", "项目管理", "调整预算", "绩效目标"]
    assert {c.text: c.span for c in row_with(rows, "整改要求")}["整改要求"] == 2
    assert row_with(rows, "预算执行进度")[-1].span == 4


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "综合意见")
    assert xlsx_merged_at(ws, r, c) == (r, c, r + 3, c)
    assert ws.cell(r, c + 1).value == "预算执行进度"
    assert ws.cell(r, c + 2).value.startswith("截至2024年8月31日")
    assert xlsx_merged_at(ws, r, c + 2) == (r, c + 2, r, c + 5)
    assert ws.cell(r + 3, c + 1).value == "绩效目标"
    dr, dc = xlsx_find(ws, "整改期限")
    assert ws.cell(dr, dc + 2).value == "2024年10月15日"
    assert xlsx_find(ws, "审核单位（章）：勐海县财政局绩效管理股")[0] > dr
    assert xlsx_find(ws, "2024年9月20日")


def test_absent_opinions_and_numbered_requirements(tmp_path: Path) -> None:
    data = base_project()
    data["反馈"] = {
        "审核单位": "测试县财政局",
        "意见": {"预算执行进度": "执行偏慢。"},
        "整改要求": ["加快支出。", "补办手续。"],
        "整改期限": "年底前",
    }
    result, _ = run(make(data))
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "预算执行进度"), "预算执行进度") == "执行偏慢。"
    for area in ("项目管理", "调整预算", "绩效目标"):
        assert text_after(row_with(rows, area), area) == "无"
    assert text_after(row_with(rows, "整改期限"), "整改期限") == "年底前"
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    xml = re.sub(r"<w:t(?: [^>]*)?>", "<w:t>", xml)
    assert "1．加快支出。</w:t><w:br/><w:t>2．补办手续。" in xml
    assert "    年  月  日" in docx_text(files["docx"])  # no 审核日期: a blank date line to fill in
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "整改要求")
    assert ws.cell(r, c + 2).value == "1．加快支出。\n2．补办手续。"


def test_no_requirements(tmp_path: Path) -> None:
    data = base_project()
    data["反馈"] = {"审核单位": "测试县财政局", "审核日期": "2024-09-01"}
    result, _ = run(make(data))
    rows = docx_rows(render_form(FORM, result, tmp_path)["docx"])
    assert text_after(row_with(rows, "整改要求"), "整改要求") == "无"
    assert text_after(row_with(rows, "整改期限"), "整改期限") == "无"
    assert text_after(row_with(rows, "绩效目标"), "绩效目标") == "无"


def test_skipped_without_feedback() -> None:
    result = sample_result(EXAMPLE.name)
    assert FORM is not None and missing_data(FORM, result) is not None


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = HOSTILE
    data["反馈"] = {
        "审核单位": "<审核>&",
        "意见": {"项目管理": "第一行 & <b>\n=SUM(A1)", "绩效目标": "=1+1"},
        "整改要求": ["=HYPERLINK(\"x\")"],
    }
    result, _ = run(make(data))
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    assert text_after(row_with(rows, "项目名称"), "项目名称") == HOSTILE
    assert text_after(row_with(rows, "绩效目标"), "绩效目标") == "=1+1"
    assert text_after(row_with(rows, "整改要求"), "整改要求") == '=HYPERLINK("x")'
    assert "审核单位（章）：<审核>&" in docx_text(files["docx"])
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "第一行 &amp; &lt;b&gt;</w:t><w:br/>" in xml.replace('<w:t xml:space="preserve">', "<w:t>")
    ws = xlsx_sheet(files["xlsx"])
    for text in (HOSTILE, "第一行 & <b>\n=SUM(A1)", "=1+1", '=HYPERLINK("x")'):
        assert ws.cell(*xlsx_find(ws, text)).data_type == "s", text


def test_renders_identically_twice(tmp_path: Path) -> None:
    result = sample_result(SAMPLE)
    a = render_form(FORM, result, tmp_path / "a")
    b = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert a[fmt].read_bytes() == b[fmt].read_bytes()
