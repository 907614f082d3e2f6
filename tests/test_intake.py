"""The intake workbook: round trip over every sample, dropdowns, formats, protection, the marker."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen.intake import layout as L
from docgen.intake.assemble import read_workbook
from docgen.intake.reader import is_intake_workbook
from docgen.intake.writer import build_workbook
from docgen.intake.yamlout import dump_project
from docgen.model import COMPLETION, DEVIATION_CAUSES, LEVEL1, LEVEL2_OF, POSSIBILITIES, PRE_CONCLUSIONS
from docgen.pipeline import project_files, run_file
from docgen.present import result_json
from docgen.profile import build_profile, profile_for
from docgen.project import load_project, validate
from docgen.yamlfile import parse

from .conftest import EXAMPLE, SAMPLES, base_project

SAMPLE_FILES = [p for p, _ in project_files([SAMPLES]) if "invalid" not in p.parts]


def comparable(value: Any) -> Any:
    """A project dump as the workbook can hold it: an empty text is an empty cell, several 偏差原因 are ticks
    in the form's column order."""
    if isinstance(value, dict):
        out = {k: comparable(v) for k, v in value.items()}
        if "causes" in out and isinstance(out["causes"], list):
            out["causes"] = sorted(out["causes"], key=DEVIATION_CAUSES.index)
        return out
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return None if value == "" else value


def write(tmp_path: Path, source: Path = EXAMPLE, name: str = "x.xlsx") -> Path:
    loaded = load_project(source)
    path = tmp_path / name
    path.write_bytes(build_workbook(loaded.project, profile_for(source)))
    return path


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_round_trip_gives_the_same_project_and_the_same_computed_fields(sample: Path, tmp_path: Path) -> None:
    original = load_project(sample).project
    workbook = write(tmp_path, sample)
    from_workbook = load_project(workbook).project
    text = dump_project(from_workbook, workbook.name)
    yaml_file = tmp_path / "back.yaml"
    yaml_file.write_text(text, encoding="utf-8")
    back = load_project(yaml_file).project
    assert comparable(back.model_dump()) == comparable(original.model_dump())
    assert back.model_dump() == from_workbook.model_dump()
    profile = profile_for(sample)
    expected = result_json(run_file(sample, str(sample), profile=profile).result)
    assert result_json(run_file(workbook, str(workbook), profile=profile).result) == expected
    assert result_json(run_file(yaml_file, str(yaml_file), profile=profile).result) == expected


def test_same_project_same_bytes(tmp_path: Path) -> None:
    project = load_project(EXAMPLE).project
    national = build_profile("national")
    assert build_workbook(project, national) == build_workbook(project, national)
    assert build_workbook(None, national) == build_workbook(None, national)


def test_marker_sheet_and_detection(tmp_path: Path) -> None:
    path = write(tmp_path)
    wb = openpyxl.load_workbook(path)
    marker = wb[L.MARKER_SHEET]
    assert marker.sheet_state == "veryHidden"
    assert (marker["A1"].value, marker["B1"].value) == (L.MARKER_TEXT, L.FORMAT_VERSION)
    assert wb[L.LISTS_SHEET].sheet_state == "hidden"
    assert is_intake_workbook(path)
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert not is_intake_workbook(other)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert not is_intake_workbook(tmp_path / "broken.xlsx")


def _list_values(wb: openpyxl.Workbook, name: str) -> list[str]:
    ref = wb.defined_names[name].attr_text
    sheet, cells = ref.split("!")
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in row]


def _validations(ws: Any) -> dict[str, Any]:
    """First cell of each validated range → its validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0]] = dv
    return out


def _column(table: L.Table, key: str, group: str = "") -> str:
    return openpyxl.utils.get_column_letter(table.index(key, group) + 1)


def test_every_closed_list_is_a_dropdown_with_the_right_values(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    first = L.FIRST_ROW

    def dropdown(sheet: str, cell: str) -> list[str]:
        dv = _validations(wb[sheet])[cell]
        assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
        return _list_values(wb, dv.formula1)

    ind = L.INDICATORS
    assert dropdown(ind.sheet, f"{_column(ind, '一级指标')}{first}") == list(LEVEL1)
    level2 = _validations(wb[ind.sheet])[f"{_column(ind, '二级指标')}{first}"]
    assert level2.type == "list"
    assert level2.formula1 == f'INDIRECT("二级_"&${_column(ind, "一级指标")}{first})'
    for level1 in LEVEL1:
        assert _list_values(wb, f"二级_{level1}") == list(LEVEL2_OF[level1])
    rng = str(_validations(wb[ind.sheet])[f"A{first}"].sqref)
    assert rng == f"A{first}:A{first + ind.rows - 1}"  # the prepared empty rows are validated too

    snap = L.SNAPSHOT_INDICATORS
    assert dropdown(snap.sheet, f"{_column(snap, '完成可能性')}{first}") == list(POSSIBILITIES)
    assert dropdown(snap.sheet, f"{_column(snap, '完成程度')}{first}") == list(COMPLETION)
    for cause in DEVIATION_CAUSES:
        column = _column(snap, cause, "偏差原因")
        dv = next(d for d in wb[snap.sheet].data_validations.dataValidation if f"{column}{first}" in d.sqref)
        assert _list_values(wb, dv.formula1) == [L.TICK]
    names = dropdown(snap.sheet, f"{_column(snap, '三级指标')}{first}")
    project = load_project(EXAMPLE).project
    assert [n for n in names if n] == [i.name for i in project.indicators]
    assert dropdown(L.SELF_EVAL_INDICATORS.sheet, f"A{first}")[:1] == [project.indicators[0].name]
    assert dropdown(L.SELF_EVAL_INDICATORS.sheet, f"C{first}") == list(COMPLETION)

    basic = wb[L.BASIC.sheet]
    rows = {basic.cell(r, 1).value: r for r in range(1, basic.max_row + 1)}
    assert dropdown(L.BASIC.sheet, f"B{rows['项目属性']}") == ["新增项目", "延续项目"]
    assert dropdown(L.BASIC.sheet, f"B{rows['上年未完工']}") == ["是", "否"]
    pre = wb[L.PRE_ASSESSMENT.sheet]
    conclusion_row = next(r for r in range(1, pre.max_row + 1) if pre.cell(r, 1).value == "结论")
    assert dropdown(L.PRE_ASSESSMENT.sheet, f"D{conclusion_row}") == list(PRE_CONCLUSIONS)


def test_numbers_dates_and_scores_are_validated_and_formatted(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    funds = wb[L.FUNDS.sheet]
    assert funds["B5"].value == 360 and funds["B5"].number_format == "0.00"
    amount = _validations(funds)["B5"]
    assert (amount.type, amount.operator, amount.formula1) == ("decimal", "greaterThanOrEqual", "0")
    snaps = wb[L.SNAPSHOTS.sheet]
    assert isinstance(snaps["A5"].value, datetime) and snaps["A5"].number_format == "yyyy-mm-dd"
    assert _validations(snaps)["A5"].type == "date"
    ind = wb[L.INDICATORS.sheet]
    assert ind["D5"].number_format == "@" and ind["D5"].value == "≥12处"  # typed 95% stays text
    assert ind["E5"].number_format == "0.00"
    pre = wb[L.PRE_ASSESSMENT.sheet]
    score = _validations(pre)["C5"]
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "20")  # 满分 of the profile
    assert pre["B5"].value == 20 and pre["B5"].protection.locked


def test_headers_protected_hints_grey_italic_data_cells_open(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    for spec in L.SHEETS:
        ws = wb[spec.sheet]
        assert ws.protection.sheet and not ws.protection.password, spec.sheet
        assert ws.freeze_panes, spec.sheet
    ind = wb[L.INDICATORS.sheet]
    assert ind.freeze_panes == "D5"
    assert ind["C2"].value == "三级指标" and ind["C2"].protection.locked
    hint = ind["C4"]
    assert hint.protection.locked and hint.font.i and hint.font.color.rgb.endswith("808080")
    for row in (5, 60, L.FIRST_ROW + L.INDICATORS.rows - 1):
        assert not ind.cell(row, 3).protection.locked
    snaps = wb[L.SNAPSHOTS.sheet]
    assert snaps["B2"].value == "执行数" and snaps["B3"].value == "一般公共预算拨款"
    assert "B2:F2" in {str(r) for r in snaps.merged_cells.ranges}
    basic = wb[L.BASIC.sheet]
    assert basic["A3"].value == "项目名称" and basic["A3"].protection.locked
    assert basic["B3"].value == "2024年农村饮水安全巩固提升工程" and not basic["B3"].protection.locked
    assert basic["C3"].font.i


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    data = base_project()
    data["项目名称"] = "=HYPERLINK(\"http://x\",\"点我\")"
    data["绩效指标"][0]["指标解释"] = "+1 处，-2 处，@某某"
    source = tmp_path / "p.yaml"
    import yaml

    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = write(tmp_path, source)
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)
    wb = openpyxl.load_workbook(path)
    cell = wb[L.BASIC.sheet]["B3"]
    assert cell.data_type == "s" and cell.value == data["项目名称"] and cell.quotePrefix
    project = load_project(path).project
    assert project.name == data["项目名称"]
    assert project.indicators[0].explanation == "+1 处，-2 处，@某某"


def test_amount_that_a_float_cannot_hold_is_written_as_text(tmp_path: Path) -> None:
    data = base_project()
    data["资金"]["年初预算数"] = {"一般公共预算拨款": "9999999999.999999"}
    source = tmp_path / "p.yaml"
    import yaml

    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = write(tmp_path, source)
    cell = openpyxl.load_workbook(path)[L.FUNDS.sheet]["B5"]
    assert cell.value == "9999999999.999999"
    assert load_project(path).project.funds.initial.general == Decimal("9999999999.999999")


def test_import_yaml_is_readable_in_data_md_order(tmp_path: Path) -> None:
    text = dump_project(load_project(write(tmp_path)).project, "x.xlsx")
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
    assert keys == ["项目名称", "项目编码", "年度", "主管部门", "实施单位", "项目负责人", "联系电话", "项目属性",
                    "开始日期", "结束日期", "资金", "年度总体目标", "绩效指标", "监控", "自评"]
    assert "    一般公共预算拨款: 360.00\n" in text
    assert "偏差原因: [经费保障]" in text
    assert "年度总体目标: |\n" in text
    assert validate(parse(text, "t.yaml")).project.name == "2024年农村饮水安全巩固提升工程"


def test_workbook_document_maps_fields_to_cells(tmp_path: Path) -> None:
    doc = read_workbook(write(tmp_path))
    assert doc.cells[("绩效指标", 2, "指标值")].coord == "D7"
    assert doc.cells[("监控", 0, "执行数", "一般公共预算拨款")].coord == "B5"
    ref = doc.cell_of(("监控", 0, "指标", "水质达标率", "执行情况"))
    assert ref is not None and (ref.sheet, ref.coord) == ("监控指标", "C7")
    assert doc.cell_of(("绩效指标", 2, "指标值", "deeper")).coord == "D7"
    assert not doc.problems


def test_new_workbook_from_io_is_an_xlsx_package() -> None:
    data = build_workbook(None, build_profile("fufeng"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert "docProps/core.xml" in zf.namelist()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.active.title == L.GUIDE_SHEET
    text = "".join(str(c.value or "") for c in wb[L.GUIDE_SHEET]["A"])
    assert "扶风县" in text and "合格" in text  # the chosen profile's grades
