"""绩效目标审核意见表: the 004 figures, the findings one per row, the √ on 通过/不通过, escaping, determinism."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from docgen.forms import find_form
from docgen.pipeline import run_file

from .conftest import EXAMPLE, SAMPLES, base_project, make, run
from .formcheck import TcInfo, docx_rows, docx_text, render_form, xlsx_find, xlsx_merged_at, xlsx_sheet

FORM = find_form("target-review")
RENJU = SAMPLES / "renju-huanjing-guanhu.yaml"


def _sample(path: Path, out: Path) -> dict[str, Path]:
    result = run_file(path, str(path)).result
    assert result is not None
    return render_form(FORM, result, out)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _sample(EXAMPLE, tmp_path_factory.mktemp("review-example"))


@pytest.fixture(scope="module")
def renju(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _sample(RENJU, tmp_path_factory.mktemp("review-renju"))


def _texts(rows: list[list[TcInfo]], first: str) -> list[str]:
    return [c.text for c in next(r for r in rows if r[0].text == first)]


def _numeric(rows: list[list[TcInfo]]) -> list[list[str]]:
    i = next(i for i, r in enumerate(rows) if r[0].text == "审核项目")
    return [[c.text for c in r] for r in rows[i + 1: i + 5]]


def _findings(rows: list[list[TcInfo]]) -> list[list[tuple[str, int]]]:
    i = next(i for i, r in enumerate(rows) if r[0].text == "序号")
    end = next(k for k in range(i, len(rows)) if rows[k][0].text == "审核结论")
    return [[(c.text, c.span) for c in r] for r in rows[i + 1: end]]


def _conclusion(rows: list[list[TcInfo]]) -> dict[str, str]:
    i = next(i for i, r in enumerate(rows) if r[0].text == "审核结论")
    return {label.text: mark.text for label, mark in zip(rows[i][1:], rows[i + 1][1:], strict=True)}


def test_every_sample_has_the_form() -> None:
    assert FORM is not None and FORM.renderable and FORM.needs is None


def test_docx_header(example: dict[str, Path]) -> None:
    rows = docx_rows(example["docx"])
    assert [(c.text, c.span) for c in rows[0]] == [("项目名称", 2), ("2024年农村饮水安全巩固提升工程", 4)]
    assert _texts(rows, "主管部门") == ["主管部门", "勐海县水务局", "实施单位", "勐海县农村饮水安全管理站"]
    assert _texts(rows, "年度") == ["年度", "2024", "年初预算数（万元）", "400.00"]
    text = docx_text(example["docx"])
    assert "绩效目标审核意见表" in text and "审核单位（章）：" in text and "日期：" in text


def test_docx_passing_project(example: dict[str, Path]) -> None:
    rows = docx_rows(example["docx"])
    assert _numeric(rows) == [
        ["量化指标占比（7/8）", "87.50%", "≥70%", "符合"],
        ["一级指标数（类）", "3", "≥3", "符合"],
        ["二级指标数（类）", "7", "≥5", "符合"],
        ["三级指标数（个）", "8", "≥7", "符合"],
    ]
    assert _findings(rows) == [[("", 1), ("", 1), ("", 1), ("未发现问题", 3)]]
    assert _conclusion(rows) == {"通过": "√", "不通过": ""}
    assert _texts(rows, "完整性")[-1] == "符合"
    assert _texts(rows, "可行性")[-1] == "需人工审核"
    assert _texts(rows, "审核意见") == ["审核意见", "绩效目标审核通过，可进入预算安排。"]


def test_docx_failing_sample(renju: dict[str, Path]) -> None:
    rows = docx_rows(renju["docx"])
    assert _numeric(rows)[0] == ["量化指标占比（5/11）", "45.45%", "≥70%", "不符合"]
    assert _findings(rows) == [[("1", 1), ("错误", 1), ("数量要求", 1),
                                ("量化指标占比 45.45%（5/11），要求不低于 70%", 3)]]
    assert _conclusion(rows) == {"通过": "", "不通过": "√"}
    assert _texts(rows, "审核意见")[1].startswith("绩效目标审核不通过：存在1项错误")


def test_xlsx_typed_values(renju: dict[str, Path]) -> None:
    ws = xlsx_sheet(renju["xlsx"])
    r, c = xlsx_find(ws, "量化指标占比（5/11）")
    share = ws.cell(r, 4)
    assert float(share.value) == pytest.approx(0.4545) and share.number_format == "0.00%"
    assert [ws.cell(r + k, 4).value for k in (1, 2, 3)] == [3, 8, 11]
    assert ws.cell(r, 6).value == "不符合"
    assert xlsx_merged_at(ws, r, c) == (r, 1, r, 3)
    budget = ws.cell(xlsx_find(ws, "年初预算数\n（万元）")[0], 6)
    assert budget.value == 68 and budget.number_format == "0.00"


def _many_findings() -> dict[str, Any]:
    """A 完整性 and a 数量要求 error, a 相关性 and an 适当性 warning, hostile text in the name and goal."""
    data = base_project()
    data["项目名称"] = 'A&B <审核> "=SUM(A1)"'
    data["年度总体目标"] = "=SUM(A1) & <目标>\n第二行，规模待定"
    data["绩效指标"] = [
        *data["绩效指标"],
        {"一级指标": "产出指标", "二级指标": "成本指标", "三级指标": "单位成本", "指标值": "≥30元"},
        {"一级指标": "产出指标", "二级指标": "质量指标", "三级指标": "合格率", "指标值": "≥120%"},
    ]
    return data


def test_findings_one_per_row(tmp_path: Path) -> None:
    result, _ = run(make(_many_findings()))
    assert result.review.conclusion == "不通过"
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    found = _findings(rows)
    assert [[t for t, _ in r[:3]] for r in found] == [
        ["1", "错误", "完整性"], ["2", "错误", "数量要求"], ["3", "警告", "相关性"], ["4", "警告", "适当性"]]
    assert all(r[3][1] == 3 for r in found)  # 说明 spans three columns on every row
    assert found[1][3][0] == "三级指标仅5个，要求不少于7个"
    assert found[3][3][0] == "指标“合格率”的百分比指标值超过100%（≥120%）"
    assert _texts(rows, "完整性")[-1] == "不符合（错误1项，见问题清单）"
    assert _numeric(rows)[3] == ["三级指标数（个）", "5", "≥7", "不符合"]
    assert _texts(rows, "审核意见")[1] == "绩效目标审核不通过：存在2项错误，请按问题清单修改后重新申报绩效目标。"
    assert _texts(rows, "相关性")[-1] == "基本符合（警告1项，见问题清单）"
    assert _texts(rows, "适当性")[-1] == "基本符合（警告1项，见问题清单）"
    ws = xlsx_sheet(files["xlsx"])
    first, _ = xlsx_find(ws, "错误")
    for k in range(4):
        assert ws.cell(first + k, 1).value == k + 1
        assert xlsx_merged_at(ws, first + k, 4) == (first + k, 4, first + k, 6)
    cr, cc = xlsx_find(ws, "审核结论")
    assert xlsx_merged_at(ws, cr, cc) == (cr, 1, cr + 1, 3)
    assert ws.cell(cr + 1, 5).value == "√" and ws.cell(cr + 1, 4).value is None


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    result, _ = run(make(_many_findings()))
    files = render_form(FORM, result, tmp_path)
    text = docx_text(files["docx"])
    assert 'A&B <审核> "=SUM(A1)"' in text and "=SUM(A1) & <目标>第二行，规模待定" in text
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "&lt;目标&gt;" in xml and "<w:br/>" in xml
    ws = xlsx_sheet(files["xlsx"])
    assert ws.cell(*xlsx_find(ws, 'A&B <审核> "=SUM(A1)"')).data_type == "s"
    assert ws.cell(*xlsx_find(ws, "=SUM(A1) & <目标>\n第二行，规模待定")).data_type == "s"


def test_same_input_same_bytes(tmp_path: Path) -> None:
    result, _ = run(make(_many_findings()))
    first = render_form(FORM, result, tmp_path / "a")
    second = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()
