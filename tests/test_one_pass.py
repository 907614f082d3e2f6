"""All problems of a file in one pass: value, model and cross-field problems together (YAML and workbook);
a pasted merged cell; an .xls file; ``年度:2025``; ``10分`` in a score."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from click.testing import CliRunner

from docgen.cli import cli
from docgen.intake.writer import build_workbook
from docgen.pipeline import project_files, run_file
from docgen.profile import build_profile
from docgen.project import load_project

from .conftest import EXAMPLE, base_project


def _data() -> dict[str, Any]:
    d = copy.deepcopy(base_project())
    d["监控"] = [{"截止日期": "2024-06-30", "执行数": {"一般公共预算拨款": "50"},
                "指标": {"新建工程": {"执行情况": "6处"}, "受益人口": {"执行情况": "约1300户"}}}]
    return d


def _errors(path: Path) -> list[str]:
    return [str(d) for d in run_file(path, str(path)).diagnostics if d.level.value == "错误"]


def test_yaml_value_error_and_cross_field_error_are_reported_together(tmp_path: Path) -> None:
    d = _data()
    d["资金"]["年初预算数"]["一般公共预算拨款"] = "一百万"  # a value the model cannot read
    d["绩效指标"][0]["分值"] = "15分"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    errors = _errors(path)
    assert any("资金.年初预算数.一般公共预算拨款: 无法识别的金额 \"一百万\"" in e for e in errors)
    assert any("绩效指标[0].分值: 无法识别的分数 \"15分\"：只写数字，不写“分”（如 15）" in e for e in errors)
    assert any("监控[0].指标.受益人口.执行情况: 无法识别的数值 \"约1300户\"" in e for e in errors)


def test_workbook_value_error_and_cross_field_error_are_reported_together(tmp_path: Path) -> None:
    source = tmp_path / "s.yaml"
    # written from a valid project, then two cells edited as a user would
    fixed = _data()
    fixed["监控"][0]["指标"]["受益人口"]["执行情况"] = "1300人"
    source.write_text(yaml.safe_dump(fixed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    book = tmp_path / "p.xlsx"
    book.write_bytes(build_workbook(load_project(source).project, build_profile("national")))
    wb = openpyxl.load_workbook(book)
    funds = wb["资金"]
    funds["B5"] = "一百万"
    ws = wb["监控指标"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "1300人")
    cell.value = "约1300户"
    wb.save(book)
    errors = _errors(book)
    assert any(e.startswith(f"{book}!资金!B5:") and "一百万" in e for e in errors), errors
    assert any(e.startswith(f"{book}!监控指标!{cell.coordinate}:") and "约1300户" in e for e in errors), errors


def test_a_bad_indicator_value_does_not_make_its_entries_unknown(tmp_path: Path) -> None:
    d = _data()
    d["绩效指标"][1]["指标值"] = "约400人"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    errors = _errors(path)
    assert len(errors) == 1 and "约400人" in errors[0]


def test_merged_cell_reads_as_its_value_for_every_row_it_covers(tmp_path: Path) -> None:
    book = tmp_path / "p.xlsx"
    book.write_bytes(build_workbook(load_project(EXAMPLE).project, build_profile("national")))
    original = load_project(book).project
    wb = openpyxl.load_workbook(book)
    ws = wb["绩效指标"]
    rows = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "效益指标"]
    assert len(rows) >= 2
    first, second = rows[0], rows[1]
    assert second == first + 1
    ws.cell(second, 1).value = None
    ws.merge_cells(start_row=first, start_column=1, end_row=second, end_column=1)  # A12:A13 showing 效益指标
    wb.save(book)
    outcome = run_file(book, str(book))
    assert outcome.ok, [str(d) for d in outcome.diagnostics]
    assert outcome.loaded is not None
    assert [i.level1 for i in outcome.loaded.project.indicators] == [i.level1 for i in original.indicators]


def test_xls_is_told_to_be_saved_as_xlsx_and_listed_in_a_folder(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "a.yaml")
    (tmp_path / "saved-as-xls.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + b"_docgen" + b"\0" * 64)
    (tmp_path / "other.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 128)
    names = [p.name for p, _ in project_files([tmp_path])]
    assert "saved-as-xls.xls" in names and "other.xls" not in names
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "saved-as-xls.xls: 这是旧版 Excel 格式（.xls），docgen 不能读取：请用 Excel/WPS 另存为 .xlsx" in result.output
    assert "other.xls: 提示：旧版 Excel 格式（.xls），已跳过；如是项目数据，请用 Excel/WPS 另存为 .xlsx" in result.output
    named = CliRunner().invoke(cli, ["check", str(tmp_path / "other.xls")])
    assert named.exit_code == 1 and "另存为 .xlsx" in named.output and "Traceback" not in named.output


def test_key_without_space_after_colon_is_reported_on_its_own_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("年度: 2024", "年度:2024")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("年度:2024"))
    (error,) = _errors(path)
    assert error == f"{path}:{line}: YAML 格式: “年度:2024”的冒号后缺少空格：应写作“年度: 2024”（英文冒号加空格）"


def test_readme_minimal_example_checks_and_the_readme_says_why_review_fails(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "readme.yaml"
    path.write_text(example, encoding="utf-8")
    outcome = run_file(path, str(path))
    assert outcome.ok and outcome.result is not None
    assert outcome.result.review.conclusion == "不通过"
    assert "“目标审核”会给出“不通过”" in readme and "三级指标不少于 7 个" in readme
