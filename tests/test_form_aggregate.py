"""表4 汇总表 and 绩效监控覆盖情况: rows per project, 小计 per 主管部门, 合计; files per department."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from docgen.forms import find_form
from docgen.output import render_aggregates
from docgen.pipeline import project_files, run_file

from .conftest import SAMPLES
from .formcheck import docx_column, docx_rows, vertical_groups, xlsx_find, xlsx_merged_at, xlsx_sheet


@pytest.fixture(scope="module")
def results() -> list:
    out = []
    for path, display in project_files([SAMPLES]):
        outcome = run_file(path, display)
        assert outcome.ok and outcome.result is not None
        out.append(outcome.result)
    return out


@pytest.fixture(scope="module")
def summary_files(results: list, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    form = find_form("summary")
    assert form is not None
    return render_aggregates(results, form, ("docx", "xlsx"), tmp_path_factory.mktemp("summary"))


def test_summary_lists_in_scope_projects_with_subtotals(results: list, summary_files: list[Path]) -> None:
    docx = next(p for p in summary_files if p.name == "全部项目-绩效跟踪情况汇总表.docx")
    rows = docx_rows(docx)
    names = [r[2].text for r in rows[1:]]
    in_scope = [r for r in results if r.in_scope]
    assert names[-1] == f"共 {len(in_scope)} 个项目"  # the 合计 row: "合计" once, not "合计 合计"
    assert sorted(n for n in names[:-1] if n != "小计") == sorted(r.project.name for r in in_scope)
    assert "2024年少年宫乡村学校少年宫运行补助" not in names  # the 12 万元 sample is out of scope
    departments = {r.project.department for r in in_scope}
    assert names.count("小计") == len(departments)
    groups = vertical_groups(docx_column(rows, 1, 1))
    assert {g for g, _ in groups[:-1]} == departments
    for dept, span in groups[:-1]:
        members = [r for r in in_scope if r.project.department == dept]
        assert span == len(members) + 1  # its projects and its 小计
    assert groups[-1] == ("合计", 1)
    total = sum((r.initial.total for r in in_scope), Decimal(0))
    assert rows[-1][4].text == f"{total:.2f}"


def test_summary_per_department_files(summary_files: list[Path], results: list) -> None:
    departments = {r.project.department for r in results if r.in_scope}
    names = {p.name for p in summary_files}
    for dept in departments:
        assert f"{dept}-绩效跟踪情况汇总表.xlsx" in names


def test_summary_department_file_has_no_subtotal(summary_files: list[Path]) -> None:
    """A department's own file: one 合计, no 小计 repeating it line for line."""
    docx = next(p for p in summary_files if p.name == "勐海县水务局-绩效跟踪情况汇总表.docx")
    rows = docx_rows(docx)
    names = [r[2].text for r in rows[1:]]
    assert "小计" not in names
    assert [r[1].text for r in rows[1:]][-1] == "合计"
    assert names[-1] == f"共 {len(names) - 1} 个项目"


def test_summary_xlsx_merges_and_numbers(summary_files: list[Path]) -> None:
    ws = xlsx_sheet(next(p for p in summary_files if p.name == "全部项目-绩效跟踪情况汇总表.xlsx"))
    r, c = xlsx_find(ws, "勐海县水务局")
    merged = xlsx_merged_at(ws, r, c)
    assert merged is not None and merged[2] - merged[0] + 1 == 4  # three in-scope water projects and the 小计
    assert isinstance(ws.cell(r, c + 3).value, (int, float))


def test_coverage(results: list, tmp_path: Path) -> None:
    form = find_form("coverage")
    assert form is not None
    docx, xlsx = render_aggregates(results, form, ("docx", "xlsx"), tmp_path)
    rows = docx_rows(docx)
    assert rows[-1][1].text == "合计"
    assert rows[-1][2].text == str(len({r.project.unit for r in results}))
    assert rows[-1][8].text == "100.00%"
    ws = xlsx_sheet(xlsx)
    r, c = xlsx_find(ws, "合计")
    assert ws.cell(r, c + 2).value == str(len(results))
