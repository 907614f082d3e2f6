"""A filled workbook is a project file for check, compute, render and build; LibreOffice opens it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from docgen.builder import BuildOptions, build
from docgen.cli import cli
from docgen.forms import find_form
from docgen.intake.writer import build_workbook
from docgen.pipeline import project_files, run_file
from docgen.profile import build_profile, profile_for
from docgen.project import load_project

from .conftest import EXAMPLE, SAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NAME = "2024年农村饮水安全巩固提升工程"


def workbook(folder: Path, source: Path = EXAMPLE, name: str = "example.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(build_workbook(load_project(source).project, profile_for(source)))
    return path


def test_check_and_compute_accept_a_workbook(tmp_path: Path, runner) -> None:
    path = workbook(tmp_path)
    res = runner.invoke(cli, ["check", str(path)])
    assert res.exit_code == 0, res.output
    assert "共检查 1 个文件：全部通过" in res.output
    assert f"{path}!监控指标!" in res.output  # its warnings are located at cells
    from_yaml = runner.invoke(cli, ["compute", str(EXAMPLE), "--json"])
    from_xlsx = runner.invoke(cli, ["compute", str(path), "--json"])
    assert from_xlsx.exit_code == 0
    assert json.loads(from_xlsx.stdout) == json.loads(from_yaml.stdout)
    assert json.loads(from_xlsx.stdout)["监控"][0]["执行率"] == "34.00"


def test_render_accepts_a_workbook(tmp_path: Path, runner) -> None:
    path = workbook(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(cli, ["render", str(path), "--form", "monitor", "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    (made,) = out.rglob("*.xlsx")
    assert made.name == f"{NAME}-项目支出绩效监控情况表.xlsx"
    assert any(NAME in str(c.value or "") for row in openpyxl.load_workbook(made).active.iter_rows() for c in row)


def test_folders_count_only_intake_workbooks(tmp_path: Path, runner) -> None:
    folder = tmp_path / "projects"
    path = workbook(folder)
    shutil.copy(SAMPLES / "chanong-jishu-peixun.yaml", folder)
    openpyxl.Workbook().save(folder / "台账.xlsx")  # somebody's own spreadsheet
    (folder / "~$example.xlsx").write_bytes(b"\x00lock")  # Excel's lock file beside an open workbook
    found = [p.name for p, _ in project_files([folder])]
    assert found == ["chanong-jishu-peixun.yaml", "example.xlsx"]
    res = runner.invoke(cli, ["check", str(folder)])
    assert res.exit_code == 0, res.output
    assert "共检查 2 个文件：全部通过" in res.output and "台账" not in res.output
    named = runner.invoke(cli, ["check", str(folder / "台账.xlsx")])
    assert named.exit_code == 1
    assert f"{folder / '台账.xlsx'}: 不是 docgen 填报工作簿" in named.output
    assert "Traceback" not in named.output
    assert path.exists()


def test_docgen_yaml_profile_applies_to_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "fufeng"
    source = SAMPLES / "fufeng" / "gaobiaozhun-nongtian.yaml"
    path = workbook(folder, source, "nongtian.xlsx")
    shutil.copy(SAMPLES / "fufeng" / "docgen.yaml", folder)
    outcome = run_file(path, str(path))
    assert outcome.ok and outcome.result is not None
    assert outcome.result.profile.id == "fufeng"


def _build(src: Path, out: Path) -> object:
    forms = [find_form("monitor"), find_form("summary")]
    return build(BuildOptions(src, out, jobs=1, forms=forms, formats=("xlsx",)))


def test_build_reads_workbooks_and_hashes_their_bytes(tmp_path: Path) -> None:
    src = tmp_path / "projects"
    path = workbook(src)
    openpyxl.Workbook().save(src / "其他表格.xlsx")
    out = tmp_path / "out"
    first = _build(src, out)
    assert first.ok, first.failures
    built = set(first.built)
    assert f"勐海县水务局/{NAME}/项目支出绩效监控情况表.xlsx" in built
    assert not any("其他表格" in p for p in built)
    assert _build(src, out).built == {}  # nothing changed: nothing rebuilt
    wb = openpyxl.load_workbook(path)
    wb["监控"]["B5"] = 146  # 执行数 一般公共预算拨款 126 → 146
    wb.save(path)
    again = _build(src, out)
    assert again.ok and set(again.built.values()) == {"数据变化"}
    assert f"勐海县水务局/{NAME}/项目支出绩效监控情况表.xlsx" in again.built
    assert "资金.合计.执行数 136.00 → 156.00" in (out / "changes.md").read_text(encoding="utf-8")


def test_cli_round_trip_new_import(tmp_path: Path, runner) -> None:
    x = tmp_path / "x.xlsx"
    y = tmp_path / "x.yaml"
    assert runner.invoke(cli, ["intake", "new", "--from", str(EXAMPLE), "-o", str(x)]).exit_code == 0
    res = runner.invoke(cli, ["intake", "import", str(x)])  # -o defaults to the workbook's name
    assert res.exit_code == 0, res.output
    a = json.loads(runner.invoke(cli, ["compute", str(EXAMPLE), "--json"]).stdout)
    b = json.loads(runner.invoke(cli, ["compute", str(y), "--json"]).stdout)
    assert a == b


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (bash .ci/run installs it)")
def test_libreoffice_opens_the_workbook_and_resolves_the_dependent_list(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in")
    new = tmp_path / "in" / "new.xlsx"
    new.write_bytes(build_workbook(None, build_profile("national")))
    probe = tmp_path / "in" / "probe.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    ws.protection.sheet = False
    ws["H5"] = '=COUNTA(INDIRECT("二级_"&A5))'  # the 二级 dropdown's source for 产出指标
    ws["I5"] = '=INDEX(INDIRECT("二级_"&A12),1)'  # … and for 满意度指标
    ws["J5"] = "=COUNTA(三级指标列表)"
    wb.save(probe)
    profile = tmp_path / "lo-profile"
    env = {**os.environ, "HOME": str(tmp_path)}

    def convert(target: str, files: list[Path], outdir: Path) -> None:
        cmd = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
               "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300, env=env)

    sheet4 = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,4"  # 4th sheet: 绩效指标
    convert(sheet4, [probe], tmp_path / "csv")
    rows = (tmp_path / "csv" / "probe-绩效指标.csv").read_text(encoding="utf-8").splitlines()
    first = rows[4].split(",")
    assert first[:4] == ["产出指标", "数量指标", "改造集中供水工程数量", "≥12处"]
    assert first[7:10] == ["4", "服务对象满意度指标", "8"]
    convert("xlsx", [path, new], tmp_path / "saved")
    saved = tmp_path / "saved" / "example.xlsx"
    assert saved.exists() and (tmp_path / "saved" / "new.xlsx").exists()
    kept = openpyxl.load_workbook(saved)
    formulas = {dv.formula1 for dv in kept["绩效指标"].data_validations.dataValidation}
    assert {"一级指标", 'INDIRECT("二级_"&$A5)'} <= formulas
    assert load_project(saved).project.model_dump() == load_project(path).project.model_dump()
