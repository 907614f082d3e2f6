"""Plausibility warnings: an amount typed in 元, a percentage typed as a decimal, a unit that differs from the
target's, an 执行数 over the budget named at the source that is over; each through YAML and through the workbook."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from docgen.cli import cli
from docgen.errors import Level
from docgen.intake import layout as L
from docgen.intake.writer import build_workbook
from docgen.pipeline import Outcome, run_file
from docgen.profile import build_profile
from docgen.project import load_project

from .conftest import base_project


def _project(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(base_project())
    d.update(changes)
    return d


def _snapshot(spent: dict[str, str], **indicators: Any) -> dict[str, Any]:
    return {"截止日期": "2024-06-30", "执行数": spent, "指标": indicators}


def _yaml(tmp_path: Path, data: dict[str, Any], name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _workbook(tmp_path: Path, data: dict[str, Any]) -> Path:
    source = _yaml(tmp_path, data, "source.yaml")
    path = tmp_path / "p.xlsx"
    path.write_bytes(build_workbook(load_project(source).project, build_profile("national")))
    return path


def _warnings(outcome: Outcome) -> list[str]:
    return [str(d) for d in outcome.diagnostics if d.level is Level.WARNING]


def _line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return n
    raise AssertionError(text)


YUAN = _project(资金={"年初预算数": {"一般公共预算拨款": "1200000"}, "全年预算数": {"一般公共预算拨款": "120"}})


def test_amount_in_yuan_from_yaml_is_located_with_both_figures(tmp_path: Path) -> None:
    path = _yaml(tmp_path, YUAN)
    outcome = run_file(path, str(path))
    assert outcome.ok  # a warning, not an error
    (found,) = [w for w in _warnings(outcome) if "可能按元填写了" in w]
    line = _line_of(path, "1200000")
    assert found.startswith(f"{path}:{line}: 资金.年初预算数.一般公共预算拨款: 警告：")
    assert "1,200,000 万元" in found and "（1,200,000 元 = 120.00 万元）" in found


def test_amount_in_yuan_from_the_workbook_names_its_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path, YUAN)
    outcome = run_file(path, str(path))
    (found,) = [w for w in _warnings(outcome) if "可能按元填写了" in w]
    assert found.startswith(f"{path}!资金!B5: 一般公共预算拨款: 警告：金额 1,200,000 万元")
    assert "（1,200,000 元 = 120.00 万元）" in found


def test_amount_reasons_cap_factor_and_lone_whole_number(tmp_path: Path) -> None:
    # over the cap, even when 全年预算数 is absent
    cap = _yaml(tmp_path, _project(资金={"年初预算数": {"一般公共预算拨款": "150000"}}), "cap.yaml")
    (w,) = [w for w in _warnings(run_file(cap, "cap.yaml")) if "可能按元" in w]
    assert "超过 100,000 万元" in w and "15.00 万元" in w
    # an 执行数 more than 10 × the budget
    spent = _project(监控=[_snapshot({"一般公共预算拨款": "5000"}, 新建工程={"执行情况": "6处"})])
    out = run_file(_yaml(tmp_path, spent, "spent.yaml"), "spent.yaml")
    (w,) = [w for w in _warnings(out) if "可能按元" in w]
    assert "监控[0].执行数.一般公共预算拨款" in w and "全年预算数合计（100 万元）的 10 倍" in w and "0.50 万元" in w
    # one whole number ≥ 10,000 where every other amount is under 1,000
    lone = _project(资金={"年初预算数": {"一般公共预算拨款": "80", "其他资金": "20000"}})
    (w,) = [w for w in _warnings(run_file(_yaml(tmp_path, lone, "lone.yaml"), "lone.yaml")) if "可能按元" in w]
    assert "资金.年初预算数.其他资金" in w and "其他金额都低于 1,000 万元" in w and "2.00 万元" in w


def test_plausible_amounts_give_no_warning(tmp_path: Path) -> None:
    data = _project(资金={"年初预算数": {"一般公共预算拨款": "9000"}, "全年预算数": {"一般公共预算拨款": "12000"}},
                    监控=[_snapshot({"一般公共预算拨款": "300"}, 新建工程={"执行情况": "6处"})])
    outcome = run_file(_yaml(tmp_path, data), "p.yaml")
    assert not [w for w in _warnings(outcome) if "可能按元" in w]


def test_thresholds_come_from_the_profile(tmp_path: Path) -> None:
    (tmp_path / "docgen.yaml").write_text("配置方案: national\n合理性检查:\n  金额上限: 1000000\n", encoding="utf-8")
    path = _yaml(tmp_path, _project(资金={"年初预算数": {"一般公共预算拨款": "150000"}}))
    assert not [w for w in _warnings(run_file(path, "p.yaml")) if "可能按元" in w]


DECIMAL = _project(监控=[_snapshot({"一般公共预算拨款": "50"}, 新建工程={"执行情况": "6处"},
                                   受益人口={"执行情况": "600人"}, 满意度={"执行情况": "0.92"})])


def test_decimal_percentage_from_yaml_asks_whether_it_is_a_percent(tmp_path: Path) -> None:
    path = _yaml(tmp_path, DECIMAL)
    (w,) = [w for w in _warnings(run_file(path, "p.yaml")) if "是否应为" in w]
    assert w.startswith(f"p.yaml:{_line_of(path, '0.92')}: 监控[0].指标.满意度.执行情况: 警告：")
    assert "按 0.92% 计算" in w and "“≥90%”" in w and "是否应为 92%？" in w


def test_decimal_percentage_from_the_workbook_names_its_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path, DECIMAL)
    (w,) = [w for w in _warnings(run_file(path, str(path))) if "是否应为" in w]
    assert w.startswith(f"{path}!监控指标!") and "是否应为 92%？" in w


def test_unit_differing_from_the_target_is_reported_yaml_and_workbook(tmp_path: Path) -> None:
    data = _project(监控=[_snapshot({"一般公共预算拨款": "50"}, 新建工程={"执行情况": "6个"},
                                    受益人口={"执行情况": "600人"}, 满意度={"执行情况": "92%"})])
    path = _yaml(tmp_path, data)
    out = run_file(path, "p.yaml")
    (d,) = [str(d) for d in out.diagnostics if "单位" in d.message]
    assert d.startswith(f"p.yaml:{_line_of(path, '6个')}: 监控[0].指标.新建工程.执行情况:") and "“个”" in d
    # the workbook route: written from a valid file, then the unit typed wrong in its cell
    import openpyxl

    data["监控"][0]["指标"]["新建工程"]["执行情况"] = "6处"
    book = _workbook(tmp_path, data)
    wb = openpyxl.load_workbook(book)
    ws = wb["监控指标"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "6处")
    cell.value = "6个"
    wb.save(book)
    out = run_file(book, str(book))
    (d,) = [str(d) for d in out.diagnostics if "单位" in d.message]
    assert d.startswith(f"{book}!监控指标!{cell.coordinate}:")


OVER = _project(资金={"年初预算数": {"一般公共预算拨款": "100", "其他资金": "20"}},
                监控=[_snapshot({"一般公共预算拨款": "50", "其他资金": "30"}, 新建工程={"执行情况": "6处"})])


def test_over_budget_names_the_source_that_is_over_yaml(tmp_path: Path) -> None:
    path = _yaml(tmp_path, OVER)
    (w,) = [w for w in _warnings(run_file(path, "p.yaml")) if "超预算" in w]
    lines = path.read_text(encoding="utf-8").splitlines()
    spent_line = next(n for n, t in enumerate(lines, 1) if "执行数" in t)
    other_line = next(n for n, t in enumerate(lines, 1) if n > spent_line and "其他资金" in t)
    assert w.startswith(f"p.yaml:{other_line}: 监控[0].执行数.其他资金: 警告：")
    assert "30 万元超过全年预算数（其他资金）20 万元" in w


def test_over_budget_names_the_source_cell_in_the_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path, OVER)
    (w,) = [w for w in _warnings(run_file(path, str(path))) if "超预算" in w]
    import openpyxl

    ws = openpyxl.load_workbook(path)["监控"]
    first = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "其他资金")  # 执行数 comes first
    assert ws.cell(2, 2).value == "执行数" and ws.cell(3, 2).value == "一般公共预算拨款"  # the group starts at B
    column = openpyxl.utils.get_column_letter(first)
    assert w.startswith(f"{path}!监控!{column}{L.FIRST_ROW}: 执行数：其他资金: 警告：")


def test_check_strict_fails_on_warnings_and_errors_only_hides_them(tmp_path: Path) -> None:
    path = _yaml(tmp_path, YUAN)
    runner = CliRunner()
    plain = runner.invoke(cli, ["check", str(path)])
    assert plain.exit_code == 0 and "可能按元填写了" in plain.output
    strict = runner.invoke(cli, ["check", "--strict", str(path)])
    assert strict.exit_code == 1 and "可能按元填写了" in strict.output
    quiet = runner.invoke(cli, ["check", "--errors-only", str(path)])
    assert quiet.exit_code == 0
    assert "可能按元填写了" not in quiet.output


def test_compute_and_render_show_the_warning_too(tmp_path: Path) -> None:
    path = _yaml(tmp_path, YUAN)
    result = CliRunner().invoke(cli, ["compute", str(path), "--json"])
    assert result.exit_code == 0 and "可能按元填写了" in result.stderr


def test_intake_import_shows_the_warning(tmp_path: Path) -> None:
    book = _workbook(tmp_path, DECIMAL)
    result = CliRunner().invoke(cli, ["intake", "import", str(book), "-o", str(tmp_path / "back.yaml")])
    assert result.exit_code == 0, result.output
    assert "是否应为 92%？" in result.stderr


def test_build_shows_the_warning_of_a_project_it_builds(tmp_path: Path) -> None:
    src = tmp_path / "projects"
    src.mkdir()
    _yaml(src, YUAN, "yuan.yaml")
    res = CliRunner().invoke(cli, ["build", str(src), "-o", str(tmp_path / "out"), "--forms", "target",
                                   "--format", "docx", "--jobs", "1"], terminal_width=250)
    assert res.exit_code == 0, res.output
    assert "数据警告" in res.output and "可能按元填写了（1,200,000 元 = 120.00 万元）" in res.output
