"""Batch drafting (``docgen review FILE…``, ``docgen review DIR --draft``), the desk workbook's colours, links,
状态 and print setup, and ``docgen review --import``: opinions edited in the desk come back byte-stable."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from docgen.cli import cli
from docgen.pipeline import run_file
from docgen.review.desk_xlsx import COLUMNS

from .conftest import SAMPLES

NAMES = ["cunweishengshi-biaozhunhua.yaml", "manbeng-yinshui-xujian.yaml", "chanong-jishu-peixun.yaml"]


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "projects"
    src.mkdir()
    for name in NAMES:
        shutil.copyfile(SAMPLES / name, src / name)
    return src


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    return next(c.column for c in ws[1] if c.value == name)


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, file_name: str) -> int:
    col = _column(ws, "文件")
    return next(r for r in range(2, ws.max_row + 1) if str(ws.cell(r, col).value).endswith(file_name))


def test_review_of_several_files_drafts_each(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    files = [str(src / n) for n in NAMES[:2]]
    res = CliRunner().invoke(cli, ["review", *files, "--side-file"])
    assert res.exit_code == 0, res.output
    for name in NAMES[:2]:
        side = src / name.replace(".yaml", ".反馈.yaml")
        assert side.is_file() and f"已写入 {side}（反馈）" in res.output
        outcome = run_file(src / name, name)
        assert outcome.ok and outcome.result is not None and outcome.result.project.feedback is not None
    assert not (src / NAMES[2].replace(".yaml", ".反馈.yaml")).exists()


def test_draft_a_folder_into_side_files_and_write_the_desk(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    before = {n: (src / n).read_bytes() for n in NAMES}
    desk = tmp_path / "out" / "审核台账.xlsx"
    res = CliRunner().invoke(cli, ["review", str(src), "--draft", "-o", str(desk)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert {n: (src / n).read_bytes() for n in NAMES} == before  # project files untouched: side files by default
    for name in NAMES:
        assert (src / name.replace(".yaml", ".反馈.yaml")).is_file()
    assert res.output.index("共 3 个项目：") < res.output.index("严重程度")  # counts per category first
    assert "反馈意见：" in res.output
    ws = openpyxl.load_workbook(desk)["审核台账"]
    assert [c.value for c in ws[1]] == [name for name, _, _ in COLUMNS]
    status = _column(ws, "状态")
    cun = _row_of(ws, NAMES[0])
    # the sample already had a 反馈 with a 审核单位: the side file starts from it, so it is issued
    states = {ws.cell(r, status).value for r in range(2, ws.max_row + 1)}
    assert states <= {"草稿", "已出具", "已修改"} and "草稿" in states
    assert ws.cell(cun, _column(ws, "预算执行进度")).value
    # colours for lights, a link to each file, print setup
    light = _column(ws, "预算执行预警")
    red_rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, light).value == "红灯"]
    assert red_rows and all(ws.cell(r, light).fill.fgColor.rgb.endswith("FFC7CE") for r in red_rows)
    link = ws.cell(cun, _column(ws, "文件")).hyperlink
    assert link is not None and (desk.parent / link.target).resolve() == (src / NAMES[0]).resolve()
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$1" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_import_of_the_desk_is_byte_stable_and_brings_edits_back(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    desk = tmp_path / "审核台账.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["review", str(src), "--draft", "-o", str(desk)]).exit_code == 0
    drafted = _snapshot(src)
    # an unedited desk changes no byte
    res = runner.invoke(cli, ["review", "--import", str(desk)])
    assert res.exit_code == 0, res.output
    assert _snapshot(src) == drafted and "0 个文件有修改" in res.output
    # the reviewer edits one opinion and the 整改要求 in Excel
    wb = openpyxl.load_workbook(desk)
    ws = wb["审核台账"]
    row = _row_of(ws, NAMES[1])
    ws.cell(row, _column(ws, "项目管理")).value = "项目管理规范，资金拨付及时（审核人在台账中修改）。"
    ws.cell(row, _column(ws, "整改要求")).value = "一、加快支付进度。\n二、按月报送进展。"
    wb.save(desk)
    res = runner.invoke(cli, ["review", "--import", str(desk)])
    assert res.exit_code == 0, res.output
    side = src / NAMES[1].replace(".yaml", ".反馈.yaml")
    after = _snapshot(src)
    assert [n for n in after if after[n] != drafted[n]] == [side.name]  # only that project's side file
    text = side.read_text(encoding="utf-8")
    assert "项目管理规范，资金拨付及时（审核人在台账中修改）。" in text and "docgen草稿" in text
    fb = run_file(src / NAMES[1], NAMES[1]).result.project.feedback
    assert fb.opinions["项目管理"] == "项目管理规范，资金拨付及时（审核人在台账中修改）。"
    assert fb.requirements == ["一、加快支付进度。", "二、按月报送进展。"]
    # importing the same desk again changes nothing
    assert runner.invoke(cli, ["review", "--import", str(desk)]).exit_code == 0
    assert _snapshot(src) == after
    # a later docgen review keeps the reviewer's words (the marker no longer matches) and the desk says 已修改
    assert runner.invoke(cli, ["review", str(src), "--draft", "-o", str(desk)]).exit_code == 0
    assert "项目管理规范，资金拨付及时（审核人在台账中修改）。" in side.read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(desk)["审核台账"]
    assert ws.cell(_row_of(ws, NAMES[1]), _column(ws, "状态")).value == "已修改"


def test_import_refuses_a_workbook_that_is_not_a_desk(tmp_path: Path) -> None:
    book = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "别的表"
    wb.save(book)
    res = CliRunner().invoke(cli, ["review", "--import", str(book)])
    assert res.exit_code == 1 and "不是审核台账" in res.output and "Traceback" not in res.output
    usage = CliRunner().invoke(cli, ["review", "--import", str(book), str(tmp_path)])
    assert usage.exit_code == 2
