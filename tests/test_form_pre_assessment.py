"""事前绩效评估评分表: the five dimensions, 合计, the √ on the conclusion, the cap note, escaping, determinism."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from docgen.forms import find_form
from docgen.pipeline import run_file

from .conftest import SAMPLES, base_project, make, run
from .formcheck import TcInfo, docx_rows, docx_text, render_form, xlsx_find, xlsx_merged_at, xlsx_sheet

FORM = find_form("pre-assessment")
SAMPLE = SAMPLES / "fufeng" / "gaobiaozhun-nongtian.yaml"
DIMENSIONS = ["立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = run_file(SAMPLE, str(SAMPLE)).result
    assert result is not None
    return render_form(FORM, result, tmp_path_factory.mktemp("pre-assessment"))


def _conclusion(rows: list[list[TcInfo]]) -> dict[str, str]:
    """Each choice of the 评估结论 row with the mark under it."""
    i = next(i for i, r in enumerate(rows) if r[0].text == "评估结论")
    labels, marks = rows[i], rows[i + 1]
    assert marks[0].vmerge == "continue"
    return {label.text: mark.text for label, mark in zip(labels[1:], marks[1:], strict=True)}


def test_registered_and_named(files: dict[str, Path]) -> None:
    assert FORM is not None and FORM.renderable
    assert files["docx"].name == "2024年扶风县高标准农田建设项目-事前绩效评估评分表及结论.docx"


def test_docx_header(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    assert [(c.text, c.span) for c in rows[0]] == [("项目名称", 1), ("2024年扶风县高标准农田建设项目", 4)]
    assert [c.text for c in rows[1]] == ["主管部门", "扶风县农业农村局", "实施单位", "扶风县农田建设服务中心"]
    assert [c.text for c in rows[2]] == ["年初预算数（万元）", "1800.00", "项目属性", "新增项目"]
    assert "事前绩效评估评分表" in docx_text(files["docx"])


def test_docx_dimensions_and_total(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    head = next(i for i, r in enumerate(rows) if r[0].text == "评估维度")
    assert [c.text for c in rows[head]] == ["评估维度", "评估内容", "分值", "得分", "评估意见"]
    body = rows[head + 1: head + 6]
    assert [r[0].text for r in body] == DIMENSIONS
    assert [(r[2].text, r[3].text) for r in body] == [
        ("20.00", "19.00"), ("20.00", "16.00"), ("20.00", "15.00"), ("20.00", "14.00"), ("20.00", "17.00")]
    assert body[1][1].text.startswith("项目投入产出比是否合理")  # 003 第十三条（二）
    assert body[1][4].text == "亩均投入符合省定标准，但工程量清单测算偏粗。"
    total = rows[head + 6]
    assert [(c.text, c.span) for c in total] == [("合计（评估得分）", 2), ("100.00", 1), ("81.00", 1), ("", 1)]


def test_docx_conclusion_marked(files: dict[str, Path]) -> None:
    rows = docx_rows(files["docx"])
    assert _conclusion(rows) == {"予以支持": "√", "部分支持": "", "不予支持": ""}
    text = docx_text(files["docx"])
    assert "80分（含）以上为予以支持" in text and "说明：" not in text
    assert "评估单位（章）：" in text


def test_xlsx_values_and_merges(files: dict[str, Path]) -> None:
    ws = xlsx_sheet(files["xlsx"])
    r, c = xlsx_find(ws, "立项必要性")
    assert [ws.cell(r + k, c).value for k in range(5)] == DIMENSIONS
    score = ws.cell(r, c + 3)
    assert score.value == 19 and score.number_format == "0.00"
    tr, tc = xlsx_find(ws, "合计（评估得分）")
    assert xlsx_merged_at(ws, tr, tc) == (tr, 1, tr, 2)
    assert ws.cell(tr, 3).value == 100 and ws.cell(tr, 4).value == 81
    cr, cc = xlsx_find(ws, "评估结论")
    assert xlsx_merged_at(ws, cr, cc) == (cr, 1, cr + 1, 1)
    assert [ws.cell(cr, k).value for k in (2, 3, 5)] == ["予以支持", "部分支持", "不予支持"]
    assert [ws.cell(cr + 1, k).value for k in (2, 3, 5)] == ["√", None, None]
    assert xlsx_merged_at(ws, cr, 3) == (cr, 3, cr, 4)


HOSTILE = 'A&B <评估> "=SUM(A1)"'


def _project(scores: list[int], **extra: Any) -> dict[str, Any]:
    data = base_project()
    data["项目名称"] = HOSTILE
    data["事前评估"] = {
        "维度": {name: {"得分": s, "意见": f"{name}：=SUM(A1) & <意见>\n第二行"} for name, s in zip(DIMENSIONS, scores, strict=True)},
        **extra,
    }
    return data


def test_capped_conclusion_note(tmp_path: Path) -> None:
    # 88 分 would be 予以支持, but 筹资合规性 8 < 20 ÷ 2 caps it at 部分支持
    result, diags = run(make(_project([20, 20, 20, 20, 8])))
    assert not diags.errors
    assert result.pre_assessment is not None and result.pre_assessment.capped
    files = render_form(FORM, result, tmp_path)
    rows = docx_rows(files["docx"])
    assert _conclusion(rows) == {"予以支持": "", "部分支持": "√", "不予支持": ""}
    text = docx_text(files["docx"])
    assert "说明：筹资合规性8分，低于分值（20分）的一半，评估结论最高为“部分支持”。" in text
    ws = xlsx_sheet(files["xlsx"])
    xlsx_find(ws, "说明：筹资合规性8分，低于分值（20分）的一半，评估结论最高为“部分支持”。")
    assert ws.cell(xlsx_find(ws, "合计（评估得分）")[0], 4).value == 88


def test_rejected(tmp_path: Path) -> None:
    result, _ = run(make(_project([10, 10, 10, 10, 10])))
    files = render_form(FORM, result, tmp_path)
    assert _conclusion(docx_rows(files["docx"])) == {"予以支持": "", "部分支持": "", "不予支持": "√"}


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    result, _ = run(make(_project([18, 18, 18, 18, 18])))
    files = render_form(FORM, result, tmp_path)
    text = docx_text(files["docx"])
    assert HOSTILE in text and "立项必要性：=SUM(A1) & <意见>第二行" in text
    xml = zipfile.ZipFile(files["docx"]).read("word/document.xml").decode()
    assert "&lt;意见&gt;" in xml and "<w:br/>" in xml
    ws = xlsx_sheet(files["xlsx"])
    assert ws.cell(*xlsx_find(ws, HOSTILE)).data_type == "s"
    opinion = ws.cell(*xlsx_find(ws, "立项必要性：=SUM(A1) & <意见>\n第二行"))
    assert opinion.data_type == "s"


def test_same_input_same_bytes(tmp_path: Path) -> None:
    result, _ = run(make(_project([20, 20, 20, 20, 8])))
    first = render_form(FORM, result, tmp_path / "a")
    second = render_form(FORM, result, tmp_path / "b")
    for fmt in ("docx", "xlsx"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()
